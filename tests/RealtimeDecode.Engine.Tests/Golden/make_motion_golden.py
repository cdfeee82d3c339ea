#!/usr/bin/python3
"""Writes the golden fixtures of the Engine motion kernels with numpy only.

Run with Debian's python: /usr/bin/python3 make_motion_golden.py
Fixtures (CSV, one row per line, 17 significant digits) under kernels/:
  motion_params.csv   25 volumes x 6 (trans mm, rot rad), a random walk with one jerk
  motion_fd.csv       Power 2012 FD: sum |backward difference|, rotations x 50 mm, 0 first
  motion_r24.csv      fMRIPrep/nilearn expansion: params, derivative1 (backward diff, 0 first),
                      power2 of both (blockwise: 6 params, 6 deriv, 6 params^2, 6 deriv^2)
  motion_matrices.csv per row of motion_params, the 16 entries of T . Rx . Ry . Rz (row-major)
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernels")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(19960101)


def write(name, a):
    a = np.atleast_2d(np.asarray(a, dtype=float))
    with open(os.path.join(OUT, name), "w") as f:
        for row in a:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


T = 25
steps = np.hstack([rng.normal(0, 0.1, (T, 3)), rng.normal(0, np.deg2rad(0.1), (T, 3))])
params = np.cumsum(steps, axis=0)
params[12] += [1.5, -0.8, 0.4, np.deg2rad(1.2), 0.0, np.deg2rad(-0.7)]
write("motion_params.csv", params)

d = np.diff(params, axis=0, prepend=params[:1])            # backward difference, 0 for the first volume
fd = np.abs(d[:, :3]).sum(1) + 50.0 * np.abs(d[:, 3:]).sum(1)
write("motion_fd.csv", fd[:, None])
write("motion_r24.csv", np.hstack([params, d, params ** 2, d ** 2]))


def rx(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


mats = []
for p in params:
    m = np.eye(4)
    m[:3, :3] = rx(p[3]) @ ry(p[4]) @ rz(p[5])
    m[:3, 3] = p[:3]
    mats.append(m.ravel())
write("motion_matrices.csv", np.array(mats))
