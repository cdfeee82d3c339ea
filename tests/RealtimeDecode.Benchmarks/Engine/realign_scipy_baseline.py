#!/usr/bin/python3
"""Reference timing of rigid realignment of one 64x64x36 volume in scipy on this machine: least squares
(scipy.optimize.least_squares) over cubic-spline resampling (ndimage.map_coordinates) of intensity-masked
points of a 5 mm-smoothed copy, coarse to fine (every 2nd voxel, then every voxel), then a trilinear reslice,
as in Engine.Tests/Golden/make_realign_golden.py. Run: /usr/bin/python3 realign_scipy_baseline.py"""
import time
import numpy as np
from scipy import ndimage, optimize
from scipy.spatial.transform import Rotation

rng = np.random.default_rng(14)
shape = (64, 64, 36)
i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
e = ((i - 31.5) / 27) ** 2 + ((j - 31.5) / 29) ** 2 + ((k - 17.5) / 20) ** 2
ref = np.where(e <= 1, 400.0, 0.0)
for _ in range(40):
    bx, by, bz, a, s = rng.integers(12, 52), rng.integers(12, 52), rng.integers(6, 30), 200 + rng.integers(400), 2 + 4 * rng.random()
    ref += a * np.exp(-((i - bx) ** 2 + (j - by) ** 2 + (k - bz) ** 2) / (2 * s * s))
ref += 16 * rng.random(shape)
aff = np.array([[-3, 0, 0, 96], [0, 2.95, -0.5, -100], [0, 0.5, 2.95, -50], [0, 0, 0, 1.0]])
inv = np.linalg.inv(aff)


def to_matrix(q):
    m = np.eye(4)
    m[:3, :3] = Rotation.from_rotvec(q[3:]).as_matrix()
    m[:3, 3] = q[:3]
    return m


truth = to_matrix(np.array([1.5, -1.0, 0.8, 0.026, -0.017, 0.014]))
vox = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
moved = ndimage.map_coordinates(ref, (inv @ truth @ aff @ vox)[:3], order=1, cval=0).reshape(shape)
sig = 5 / 2.3548 / 3
r_s = ndimage.gaussian_filter(ref, sig)


def realign(vol):
    v_s = ndimage.gaussian_filter(vol, sig)
    coef = ndimage.spline_filter(v_s, order=3)
    q = np.zeros(6)
    for step in (2, 1):
        sub = np.zeros(shape, bool)
        sub[1:-1:step, 1:-1:step, 1:-1:step] = True
        pts = np.argwhere(sub & (r_s > 0.3 * r_s[r_s > r_s.mean() / 8].mean())).T
        x = aff @ np.vstack([pts, np.ones(pts.shape[1])])
        target = r_s[tuple(pts)]

        def resid(q):
            return ndimage.map_coordinates(coef, (inv @ to_matrix(q) @ x)[:3], order=3, mode="nearest", prefilter=False) - target

        q = optimize.least_squares(resid, q, x_scale=np.array([1, 1, 1, 0.02, 0.02, 0.02])).x
    return ndimage.map_coordinates(vol, (inv @ to_matrix(q) @ aff @ vox)[:3], order=1, cval=np.nan).reshape(shape), q


times = []
for _ in range(7):
    t = time.perf_counter()
    realign(moved)
    times.append(time.perf_counter() - t)
print("scipy realign + reslice, 64x64x36: min %.1f ms, median %.1f ms" % (1000 * min(times), 1000 * np.median(times)))
