#!/usr/bin/python3
"""numpy + scikit-learn doing the pipeline's per-volume work, for the ratios in RESULTS.md.

The same per-volume steps as the C# latency tool's stages, with the volumes preloaded in memory (int16
arrays: no file reading is timed, the C# figure includes it): ROI means (np.bincount over the atlas),
online linear detrend + running z-score of the ROI vector (O(R), vectorised), the rectangular W = 13 window
correlation (np.corrcoef of the last 13 cleaned frames, upper triangle, clip, np.arctanh), then
StandardScaler.transform + predict of a scikit-learn model: Ridge (8 targets) or MultiOutputRegressor(SVR
rbf) over 8 targets with ~100 support vectors each (fitted on 120 rows, as the C# fixture's SVR).
Prints the median (p50) and p99 of the per-volume time over the volumes with estimates, and the load.

Run: /usr/bin/python3 numpy_sklearn_pipeline.py --scale published|multiband --model ridge|svr [--volumes N]
"""
import argparse
import os
import time

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.multioutput import MultiOutputRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

ap = argparse.ArgumentParser()
ap.add_argument("--scale", default="published", choices=["published", "multiband"])
ap.add_argument("--model", default="ridge", choices=["ridge", "svr"])
ap.add_argument("--volumes", type=int, default=200)
args = ap.parse_args()

nx, ny, nz, R = (64, 64, 36, 400) if args.scale == "published" else (104, 90, 72, 1000)
W, T = 13, 8
E = R * (R - 1) // 2
rng = np.random.default_rng(2026)

# Voronoi-like labels inside the same ellipsoid as the C# fixture (random labels per voxel: bincount's
# cost does not depend on the shape of the parcels).
z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
inside = (((x - (nx - 1) / 2) / (nx * 0.44)) ** 2 + ((y - (ny - 1) / 2) / (ny * 0.47)) ** 2
          + ((z - (nz - 1) / 2) / (nz * 0.45)) ** 2) <= 1
labels = np.where(inside, rng.integers(1, R + 1, size=inside.shape), 0).ravel()
counts = np.bincount(labels, minlength=R + 1)[1:].astype(float)
phase = rng.random(R + 1) * 2 * np.pi
vols = []
for t in range(32):
    base = np.where(labels == 0, 20.0, 900 + 40 * np.sin(t * 0.4 + phase[labels]))
    vols.append(np.round(base + rng.random(labels.size) * 30).astype(np.int16))

scaler = StandardScaler()
scaler.mean_ = rng.random(E) * 0.2
scaler.scale_ = 0.3 + rng.random(E) * 0.2
scaler.var_ = scaler.scale_ ** 2
scaler.n_features_in_ = E
if args.model == "ridge":
    model = Ridge(alpha=1.0)
    model.fit(rng.random((3, 2)), rng.random((3, T)))      # shapes only; the fitted arrays are replaced
    model.coef_ = (rng.random((T, E)) - 0.5) * 1e-3
    model.intercept_ = np.zeros(T)
    model.n_features_in_ = E
else:
    Xtr = rng.random((120, E)) * 2 - 1
    Ytr = rng.random((120, T))
    model = MultiOutputRegressor(SVR(kernel="rbf", gamma=1.0 / E, C=1.0, epsilon=0.01)).fit(Xtr, Ytr)
    print("support vectors per target:", [len(e.support_) for e in model.estimators_])

iu = np.triu_indices(R, 1)
ring = np.zeros((W, R))
n_seen = 0
# Online linear detrend + running z-score state (sums over the run so far).
s_t = s_tt = 0.0
s_x = np.zeros(R)
s_tx = np.zeros(R)
m_z = np.zeros(R)
m2_z = np.zeros(R)


def step(vol):
    global n_seen, s_t, s_tt, s_x, s_tx, m_z, m2_z
    roi = np.bincount(labels, weights=vol, minlength=R + 1)[1:] / counts
    t = float(n_seen)
    s_t += t; s_tt += t * t; s_x += roi; s_tx += t * roi
    n = n_seen + 1
    den = n * s_tt - s_t * s_t
    slope = (n * s_tx - s_t * s_x) / den if den > 0 else np.zeros(R)
    resid = roi - (s_x - slope * s_t) / n - slope * t
    d = resid - m_z
    m_z = m_z + d / n
    m2_z = m2_z + d * (resid - m_z)
    sd = np.sqrt(m2_z / n)
    clean = np.divide(resid - m_z, sd, out=np.zeros(R), where=sd > 0)
    ring[n_seen % W] = clean
    n_seen += 1
    if n_seen < W:
        return None
    r = np.corrcoef(ring, rowvar=False)[iu]
    f = np.arctanh(np.clip(r, -1 + 1e-7, 1 - 1e-7))
    return model.predict(scaler.transform(f[None, :]))


times = []
for k in range(args.volumes + 30):
    t0 = time.perf_counter()
    out = step(vols[k % len(vols)])
    dt = time.perf_counter() - t0
    if out is not None and k >= 30:
        times.append(dt)
ts = np.array(times) * 1e3
load = " ".join(open("/proc/loadavg").read().split()[:3])
print(f"numpy+sklearn {args.scale} ({nx}x{ny}x{nz}, {R} ROIs, {E} edges, {args.model}): "
      f"p50 {np.percentile(ts, 50):.2f} ms, p99 {np.percentile(ts, 99):.2f} ms over {len(ts)} volumes; "
      f"load average {load}; numpy {np.__version__}, threads OMP={os.environ.get('OMP_NUM_THREADS', 'default')}")
