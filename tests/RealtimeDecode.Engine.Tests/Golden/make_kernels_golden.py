#!/usr/bin/python3
"""Writes the golden fixtures of the Engine kernels (Roi, Preprocessing, Connectivity) with numpy only.

Run with Debian's python: /usr/bin/python3 make_kernels_golden.py
Every fixture is a small CSV under kernels/ (one matrix row per line, 17 significant digits, NaN as "NaN").
The references are computed independently of the C# code: np.bincount for ROI means, np.corrcoef and
np.cov(aweights=...) for correlations, np.polyfit / np.linalg.lstsq refits on the data so far.
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernels")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20140101)


def write(name, a):
    a = np.atleast_2d(np.asarray(a, dtype=float))
    with open(os.path.join(OUT, name), "w") as f:
        for row in a:
            f.write(",".join("NaN" if np.isnan(v) else repr(float(v)) for v in row) + "\n")


# ---- ROI means: a 6x5x4 label volume (x fastest), two volumes with NaN voxels -----------------
nvox = 6 * 5 * 4
labels = rng.choice([0, 3, 7, 12, 40, 41], size=nvox, p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1]).astype(int)
vols = (rng.normal(500, 50, size=(2, nvox))).astype(np.float32)
vols[0, rng.choice(nvox, 10, replace=False)] = np.nan
vols[1, labels == 41] = np.nan          # label 41 entirely NaN in volume 1
uniq = np.unique(labels[labels != 0])
lut = np.searchsorted(uniq, labels)
means = []
for v in vols:
    ok = (labels != 0) & ~np.isnan(v)
    s = np.bincount(lut[ok], weights=v[ok].astype(np.float64), minlength=len(uniq))
    c = np.bincount(lut[ok], minlength=len(uniq))
    m = np.full(len(uniq), np.nan)
    m[c > 0] = s[c > 0] / c[c > 0]
    means.append(m)
write("roi_labels.csv", labels[None, :])
write("roi_voxels.csv", vols.astype(np.float64))
write("roi_means.csv", np.array(means))
write("roi_unique.csv", uniq[None, :])

# ---- Connectivity: T=40 frames x R=5 ROIs, correlated, offset ~1000 --------------------------
T, R, W = 40, 5, 13
mix = rng.normal(size=(R, R))
X = 1000 + rng.normal(size=(T, R)) @ mix + np.linspace(0, 3, T)[:, None]
write("conn_series.csv", X)
iu = np.triu_indices(R, 1)


def wcorr(block, w):
    c = np.cov(block, rowvar=False, aweights=w)
    d = np.sqrt(np.diag(c))
    return (c / d[:, None] / d[None, :])[iu]


rect = np.array([np.corrcoef(X[t - W + 1:t + 1], rowvar=False)[iu] for t in range(W - 1, T)])
write("conn_rect_w13.csv", rect)
write("conn_rect_w13_fisher.csv", np.arctanh(np.clip(rect, -1 + 1e-7, 1 - 1e-7)))

sigma = 3.0
d = np.arange(-(W - 1), W)
g = np.exp(-d ** 2 / (2 * sigma ** 2))
taper = np.convolve(np.ones(W), g)[W - 1:2 * W - 1]
taper = taper / taper.max()
write("conn_gauss_w13_weights.csv", taper[None, :])
write("conn_gauss_w13.csv", np.array([wcorr(X[t - W + 1:t + 1], taper) for t in range(W - 1, T)]))

half_life = W / 2.0
lam = 2.0 ** (-1.0 / half_life)
expo = []
for t in range(W - 1, T):
    w = lam ** np.arange(t, -1, -1)      # frame k of n=t+1 weighted lam^(n-1-k)
    expo.append(wcorr(X[:t + 1], w))
write("conn_exp_w13.csv", np.array(expo))

# ---- Preprocessing: T=30 frames x C=4 channels with trends, 2 nuisance series ----------------
T2, C = 30, 4
t = np.arange(T2, dtype=float)
N = np.column_stack([800 + np.cumsum(rng.normal(size=T2)), 300 + 5 * np.sin(t / 3) + rng.normal(size=T2)])
Y = (1000 + 0.3 * t[:, None] - 0.01 * t[:, None] ** 2 + N @ rng.normal(size=(2, C)) * 0.2
     + rng.normal(size=(T2, C)))
write("pre_series.csv", Y)
write("pre_nuisance.csv", N)


def detrend(Y, p):
    out = np.zeros_like(Y)
    for n in range(Y.shape[0]):
        if n + 1 <= p + 1:
            continue                      # the polynomial interpolates: residual 0
        for c in range(Y.shape[1]):
            coef = np.polyfit(t[:n + 1], Y[:n + 1, c], p)
            out[n, c] = Y[n, c] - np.polyval(coef, t[n])
    return out


def zscore(Y):
    out = np.zeros_like(Y)
    for n in range(1, Y.shape[0]):
        sd = Y[:n + 1].std(axis=0, ddof=1)
        out[n] = np.where(sd > 0, (Y[n] - Y[:n + 1].mean(axis=0)) / np.where(sd > 0, sd, 1), 0)
    return out


def glm(Y, D):
    out = np.zeros_like(Y)
    for n in range(Y.shape[0]):
        A = np.column_stack([np.ones(n + 1), D[:n + 1]])
        if n + 1 <= np.linalg.matrix_rank(A):
            continue                      # as many independent columns as rows: residual 0
        beta = np.linalg.lstsq(A, Y[:n + 1], rcond=None)[0]
        out[n] = Y[n] - A[n] @ beta
    return out


write("pre_detrend1.csv", detrend(Y, 1))
write("pre_detrend2.csv", detrend(Y, 2))
write("pre_zscore.csv", zscore(Y))
write("pre_nuisance_resid.csv", glm(Y, N))
# Preprocessor(DetrendOrder=1, ZScore=true, NuisanceCount=2): joint GLM [1, t, N], then running z-score.
write("pre_chain_d1_z_n2.csv", zscore(glm(Y, np.column_stack([t, N]))))
print("wrote fixtures to", OUT)
