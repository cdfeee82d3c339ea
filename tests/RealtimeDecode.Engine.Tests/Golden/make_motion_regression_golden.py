#!/usr/bin/python3
"""Golden fixtures of the online motion regression (Preprocessor with motion regressors), numpy only.

Run with Debian's python: /usr/bin/python3 make_motion_regression_golden.py
At every frame n the expected output is the last row of the batch least-squares residual
Y[0..n] - X[0..n] @ lstsq(X[0..n], Y[0..n]), with X = [1, t, ..., t^p, M] and M the fMRIPrep
expansion of the six rigid parameters (6: params; 12: + backward derivative, 0 first; 24: + squares
of both). While frames <= columns the least-squares fit interpolates (residual 0).
Fixtures (CSV, 17 significant digits) under kernels/:
  mreg_params.csv        60 frames x 6 (trans mm, rot rad), a random walk with two jerks
  mreg_series.csv        60 frames x 5 channels, partly driven by the motion
  mreg_d1_m24.csv        residuals, linear detrend + Friston 24
  mreg_m6.csv            residuals, 6 parameters only
  mreg_d0_m12_z.csv      running mean + 12 regressors, then running z-score (N-1; 0 while n < 2)
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernels")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20121024)


def write(name, a):
    a = np.atleast_2d(np.asarray(a, dtype=float))
    with open(os.path.join(OUT, name), "w") as f:
        for row in a:
            f.write(",".join(repr(float(v)) for v in row) + "\n")


T, C = 60, 5
steps = np.hstack([rng.normal(0, 0.08, (T, 3)), rng.normal(0, np.deg2rad(0.08), (T, 3))])
params = np.cumsum(steps, axis=0)
params[20:] += [0.9, -0.5, 0.3, np.deg2rad(0.6), 0.0, np.deg2rad(-0.4)]
params[41:] += [-0.6, 0.2, 0.5, 0.0, np.deg2rad(0.5), 0.0]
d = np.diff(params, axis=0, prepend=params[:1])
r24 = np.hstack([params, d, params ** 2, d ** 2])
mix = rng.normal(0, 1, (24, C))
series = 100 + 0.05 * np.arange(T)[:, None] + r24 @ mix * 0.5 + rng.normal(0, 1, (T, C))
write("mreg_params.csv", params)
write("mreg_series.csv", series)


def online(order, k, zscore=False):
    out = np.zeros((T, C))
    for n in range(T):
        t = np.arange(n + 1, dtype=float)
        cols = [np.ones(n + 1)] + [t ** p for p in range(1, order + 1)] + [r24[: n + 1, :k]]
        X = np.column_stack(cols)
        Y = series[: n + 1]
        beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
        res = Y - X @ beta
        out[n] = res[-1] if n + 1 > np.linalg.matrix_rank(X) else 0.0
    if zscore:
        z = np.zeros_like(out)
        for n in range(T):
            if n < 1:
                continue
            m = out[: n + 1].mean(0)
            s = out[: n + 1].std(0, ddof=1)
            z[n] = np.where(s > 0, (out[n] - m) / np.where(s > 0, s, 1), 0.0)
        return z
    return out


write("mreg_d1_m24.csv", online(1, 24))
write("mreg_m6.csv", online(0, 6))   # order 0: intercept only
write("mreg_d0_m12_z.csv", online(0, 12, zscore=True))
