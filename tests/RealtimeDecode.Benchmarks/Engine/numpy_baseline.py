#!/usr/bin/python3
"""Reference timing of the same per-volume work in numpy on this machine (min and median of repeats):
ROI means of a 64x64x36 volume with 400 labels inside the same ellipsoidal mask as the C# benchmark
(np.bincount) and the R=400, W=13 window correlation
(np.corrcoef + upper triangle + arctanh). Run: /usr/bin/python3 numpy_baseline.py"""
import time
import numpy as np

rng = np.random.default_rng(0)
nx, ny, nz, R, W = 64, 64, 36, 400, 13
z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
inside = ((x - 31.5) / 28) ** 2 + ((y - 31.5) / 30) ** 2 + ((z - 17.5) / 16) ** 2 <= 1   # as the C# benchmark
labels = np.where(inside, rng.integers(1, R + 1, size=inside.shape), 0).ravel()
vol = (1000 + 100 * rng.random(nx * ny * nz)).astype(np.float32)
X = 1000 + 10 * rng.random((W, R))
iu = np.triu_indices(R, 1)


def roi():
    ok = labels != 0
    s = np.bincount(labels[ok], weights=vol[ok], minlength=R + 1)
    c = np.bincount(labels[ok], minlength=R + 1)
    return s[1:] / c[1:]


def dfc():
    r = np.corrcoef(X, rowvar=False)[iu]
    return np.arctanh(np.clip(r, -1 + 1e-7, 1 - 1e-7))


for name, f in [("roi bincount", roi), ("corrcoef+fisher", dfc)]:
    ts = []
    for _ in range(200):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    print(f"{name}: min {min(ts) * 1e3:.3f} ms, median {np.median(ts) * 1e3:.3f} ms")
