#!/usr/bin/python3
"""Golden values for RealtimeDecode.Training.Targets, computed with numpy/scipy.

Run with Debian's python (numpy, scipy):  /usr/bin/python3 make_targets_golden.py
Writes targets/annotations.tsv (the input), targets/cases.json (the options per case),
targets/<case>.tsv (expected targets) and targets/hrf_<tr>.tsv (SPM kernels).

Conventions (the same ones TargetBuilder documents):
- volume v is acquired at v*TR ("start") or (v + 0.5)*TR ("middle");
- a segment covers [onset, offset); volume v takes the segment covering t_v - lag;
- fill: "hold" = gaps inside the story keep the preceding segment, outside the story 0;
  "zero" = 0 wherever no segment covers t; "missing" = NaN there;
- HRF: SPM canonical, gamma.pdf(t, 6) - gamma.pdf(t, 16) / 6 at t = k*TR, k = 0..floor(32/TR),
  normalised to sum 1 (spm_hrf's fine grid subsampled at the TR gives exactly these points);
  causal convolution, the stepwise input sampled on the same rule before volume 0;
- rolling mean over K volumes, window centred [v - K//2, v + ceil(K/2) - 1] or trailing
  [v - K + 1, v], truncated at the edges (mean of the volumes present);
- z-score per column, ddof 0, NaN omitted; a constant column (SD <= 1e-12 * max |value|) becomes 0.
"""
import json
import os

import numpy as np
from scipy import stats

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets")
os.makedirs(HERE, exist_ok=True)


def spm_hrf(tr):
    # scipy's gamma with shape a and scale 1: the density SPM's spm_Gpdf gives in seconds.
    t = np.arange(int(np.floor(32.0 / tr)) + 1) * tr
    h = stats.gamma.pdf(t, 6.0, scale=1.0) - stats.gamma.pdf(t, 16.0, scale=1.0) / 6.0
    return h / h.sum()


def sample(onsets, offsets, values, t, fill):
    e = values.shape[1]
    covered = np.nonzero((onsets <= t) & (t < offsets))[0]
    if covered.size:
        return values[covered[0]].copy()
    before = np.nonzero(onsets <= t)[0]
    outside = before.size == 0 or t >= offsets[-1]
    if fill == "missing":
        return np.full(e, np.nan)
    if fill == "hold" and not outside:
        return values[before[-1]].copy()
    return np.zeros(e)


def build(onsets, offsets, values, tr, n, lag=0.0, hrf=False, smooth=1, window="centered",
          zscore=False, fill="hold", acq="start"):
    a = 0.5 * tr if acq == "middle" else 0.0
    kernel = spm_hrf(tr) if hrf else np.array([1.0])
    k = len(kernel)
    lag = 0.0 if hrf else lag
    js = np.arange(-(k - 1), n)
    x = np.array([sample(onsets, offsets, values, j * tr + a - lag, fill) for j in js])
    # Causal: y[v] = sum_q h[q] x[v - q]; 'valid' part of the full convolution.
    y = np.column_stack([np.convolve(x[:, c], kernel, mode="full")[k - 1:k - 1 + n] for c in range(x.shape[1])])
    if smooth > 1:
        before = smooth // 2 if window == "centered" else smooth - 1
        after = smooth - 1 - before
        r = np.empty_like(y)
        for v in range(n):
            lo, hi = max(0, v - before), min(n - 1, v + after)
            r[v] = y[lo:hi + 1].mean(axis=0)
        y = r
    if zscore:
        for c in range(y.shape[1]):
            col = y[:, c]
            ok = ~np.isnan(col)
            sd = col[ok].std(ddof=0)
            z = stats.zscore(col, ddof=0, nan_policy="omit") if sd > 1e-12 * np.abs(col[ok]).max() else np.where(ok, 0.0, np.nan)
            y[:, c] = z
    return y


def write_table(path, columns, rows):
    with open(path, "w") as f:
        f.write("\t".join(["volume"] + columns) + "\n")
        for v, row in enumerate(rows):
            f.write("\t".join([str(v)] + ["n/a" if np.isnan(x) else repr(float(x)) for x in row]) + "\n")


# A small story: irregular boundaries, two pauses (gaps), starting after the first volume.
rng = np.random.default_rng(20240611)
bounds = [(3.0, 6.4), (6.4, 9.1), (9.1, 13.7), (14.5, 17.0), (17.0, 22.2), (22.2, 24.0),
          (24.0, 29.3), (31.0, 33.3), (33.3, 38.8), (38.8, 41.9), (41.9, 46.0), (46.0, 52.5)]
onsets = np.array([b[0] for b in bounds])
offsets = np.array([b[1] for b in bounds])
emotions = ["joy", "fear", "surprise"]
values = np.round(rng.uniform(0, 1, size=(len(bounds), len(emotions))), 3)
with open(os.path.join(HERE, "annotations.tsv"), "w") as f:
    f.write("onset\toffset\ttext\t" + "\t".join(emotions) + "\n")
    for i, (on, off) in enumerate(bounds):
        f.write(f"{on!r}\t{off!r}\tSentence number {i + 1}.\t" + "\t".join(repr(float(x)) for x in values[i]) + "\n")

cases = {
    "grid_hold": dict(tr=2.0, n=30),
    "grid_zero_middle": dict(tr=2.0, n=30, fill="zero", acq="middle"),
    "lag5_zero": dict(tr=2.0, n=30, lag=5.0, fill="zero"),
    "lag4_missing": dict(tr=1.5, n=40, lag=4.0, fill="missing"),
    "hrf_spm": dict(tr=2.0, n=40, hrf=True),
    "hrf_smooth3_z": dict(tr=2.0, n=40, hrf=True, smooth=3, zscore=True),
    "hrf_tr08_trailing4": dict(tr=0.8, n=80, hrf=True, smooth=4, window="trailing", acq="middle"),
    "lag_smooth4_centered_z": dict(tr=1.0, n=60, lag=6.0, smooth=4, zscore=True, fill="zero"),
}
for name, c in cases.items():
    y = build(onsets, offsets, values, **c)
    write_table(os.path.join(HERE, name + ".tsv"), emotions, y)
with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1, sort_keys=True)
    f.write("\n")
for tr in (0.8, 1.5, 2.0, 2.5):
    h = spm_hrf(tr)
    write_table(os.path.join(HERE, f"hrf_{tr}.tsv"), ["h"], h[:, None])
print("wrote", len(cases), "cases to", HERE)
