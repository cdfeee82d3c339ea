#!/usr/bin/python3
"""Golden fixtures of the synthetic head motion, with numpy and scipy only.

Run with Debian's python: /usr/bin/python3 make_motion_golden.py
Writes under motion/ (CSV, 17 significant digits, volumes x fastest as in NIfTI):
  resample_still.csv   a 14x12x10 volume (smooth blobs plus texture)
  resample_params.csv  trans_x trans_y trans_z (mm) rot_x rot_y rot_z (rad)
  resample_affine.csv  the voxel-to-world affine (16, row-major)
  resample_moved.csv   v(y) = S(M^-1 y), M = T . Rx . Ry . Rz in world mm, through the affine:
                       scipy.ndimage.affine_transform(order=3, mode="mirror")
  resample_interior.csv 1 where the source point lies at least 2 voxels inside the grid

With "fd FILE OUT" it instead recomputes the Power 2012 FD of a truth motion TSV (fMRIPrep columns)
and writes it to OUT, one value per line.
"""
import os
import sys
import numpy as np

if len(sys.argv) == 4 and sys.argv[1] == "fd":
    names = open(sys.argv[2]).readline().rstrip("\n").split("\t")
    t = np.loadtxt(sys.argv[2], delimiter="\t", skiprows=1)
    cols = [names.index(c) for c in ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"]]
    d = np.abs(np.diff(t[:, cols], axis=0, prepend=t[:1, cols]))
    fd = d[:, :3].sum(1) + 50.0 * d[:, 3:].sum(1)
    np.savetxt(sys.argv[3], fd, fmt="%.17g")
    sys.exit(0)

from scipy import ndimage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "motion")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20120201)


def write(name, a):
    a = np.atleast_2d(np.asarray(a, dtype=float))
    with open(os.path.join(OUT, name), "w") as f:
        for row in a:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


shape = (14, 12, 10)
vs = 3.5
i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
still = 1000 * np.exp(-((i - 6) ** 2 + (j - 5) ** 2 + (k - 4) ** 2) / 18.0) \
    + 300 * np.exp(-((i - 9) ** 2 + (j - 8) ** 2 + (k - 6) ** 2) / 4.0) \
    + ndimage.gaussian_filter(rng.normal(0, 40, shape), 0.8)
A = np.diag([vs, vs, vs, 1.0])
A[:3, 3] = [-(n - 1) * vs / 2 for n in shape]
p = np.array([1.2, -0.8, 0.5, np.deg2rad(2.0), np.deg2rad(-1.5), np.deg2rad(1.0)])


def rot(axis, a):
    c, s = np.cos(a), np.sin(a)
    r = np.eye(3)
    u, v = [(1, 2), (2, 0), (0, 1)][axis]       # right-handed about x, y, z
    r[u, u], r[u, v], r[v, u], r[v, v] = c, -s, s, c
    return r


M = np.eye(4)
M[:3, :3] = rot(0, p[3]) @ rot(1, p[4]) @ rot(2, p[5])
M[:3, 3] = p[:3]
V = np.linalg.inv(A) @ np.linalg.inv(M) @ A     # output voxel -> source voxel
moved = ndimage.affine_transform(still, V[:3, :3], offset=V[:3, 3], order=3, mode="mirror")
src = np.einsum("ab,bijk->aijk", V[:3, :3], np.stack([i, j, k]).astype(float)) + V[:3, 3, None, None, None]
inside = np.all([(src[a] >= 2) & (src[a] <= shape[a] - 3) for a in range(3)], axis=0)

flat = lambda x: np.asarray(x, dtype=float).ravel(order="F")
write("resample_still.csv", flat(still)[None, :])
write("resample_params.csv", p[None, :])
write("resample_affine.csv", A.ravel()[None, :])
write("resample_moved.csv", flat(moved)[None, :])
write("resample_interior.csv", flat(inside)[None, :])
print("interior voxels:", int(inside.sum()), "of", inside.size)
