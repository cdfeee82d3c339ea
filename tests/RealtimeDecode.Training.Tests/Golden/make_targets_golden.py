#!/usr/bin/python3
"""Golden values for RealtimeDecode.Training.Targets, computed with numpy/scipy.

Run with Debian's python (numpy, scipy):  /usr/bin/python3 make_targets_golden.py
Writes targets/annotations.tsv (the input), targets/cases.json (the options per case),
targets/<case>.tsv (expected targets) and targets/hrf_<tr>.tsv (SPM kernels); and, for the
continuous-time check, targets/continuous/<case>_annotations.tsv with <case>.tsv: a brute-force
convolution on a 0.01 s grid (np.convolve of the step function with the HRF sampled every 0.01 s),
for TR 0.72, 1.5 and 2 s with segment boundaries on and off the TR grid (continuous.json lists them).

Conventions (the same ones TargetBuilder documents):
- volume v is acquired at v*TR ("start") or (v + 0.5)*TR ("middle");
- a segment covers [onset, offset); volume v takes the segment covering t_v - lag;
- fill: "hold" = gaps inside the story keep the preceding segment, outside the story 0;
  "zero" = 0 wherever no segment covers t; "missing" = NaN there;
- HRF kernel at the TR (hrf_<tr>.tsv): gamma.pdf(t, 6) - gamma.pdf(t, 16) / 6 at t = k*TR,
  k = 0..floor(32/TR), normalised to sum 1 (spm_hrf's fine grid subsampled at the TR);
- HRF targets: the step function (fill rules above, also before and after the story) convolved in
  continuous time with h = gamma.pdf(t, 6) - gamma.pdf(t, 16) / 6 on [0, 32] s, integral 1, sampled at
  t_v; computed here exactly with scipy's gamma.cdf (a piece [a, b) of value x adds
  x * (H(t - a) - H(t - b))), NaN when a NaN piece overlaps (t - 32, t);
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


def hrf_cum(t):
    """Integral of the SPM canonical HRF from 0 to t, normalised to 1 over [0, 32] s."""
    t = np.clip(np.asarray(t, dtype=float), 0.0, 32.0)
    f = lambda u: stats.gamma.cdf(u, 6.0) - stats.gamma.cdf(u, 16.0) / 6.0
    return f(t) / f(32.0)


def pieces(onsets, offsets, values, fill):
    e = values.shape[1]
    out = np.full(e, np.nan) if fill == "missing" else np.zeros(e)
    p = [(-np.inf, onsets[0], out)]
    for i in range(len(onsets)):
        p.append((onsets[i], offsets[i], values[i]))
        nxt = onsets[i + 1] if i + 1 < len(onsets) else np.inf
        if nxt > offsets[i]:
            gap = out if i + 1 == len(onsets) else (values[i] if fill == "hold" else out)
            p.append((offsets[i], nxt, gap))
    return p


def hrf_exact(onsets, offsets, values, times, fill):
    y = np.zeros((len(times), values.shape[1]))
    for a, b, x in pieces(onsets, offsets, values, fill):
        for v, t in enumerate(times):
            if a >= t or b <= t - 32.0:
                continue
            w = hrf_cum(t - a) - hrf_cum(t - b)
            y[v] = np.where(np.isnan(x) | np.isnan(y[v]), np.nan, y[v] + w * x)
    return y


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
    a = 0.5 * tr if acq == "middle" else (float(acq) * tr if not isinstance(acq, str) else 0.0)
    times = np.arange(n) * tr + a
    if hrf:
        y = hrf_exact(onsets, offsets, values, times, fill)
    else:
        y = np.array([sample(onsets, offsets, values, t - lag, fill) for t in times])
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


def write_table(path, columns, rows, fmt=lambda x: repr(float(x))):
    with open(path, "w") as f:
        f.write("\t".join(["volume"] + columns) + "\n")
        for v, row in enumerate(rows):
            f.write("\t".join([str(v)] + ["n/a" if np.isnan(x) else fmt(x) for x in row]) + "\n")


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
    "hrf_tr15_ref03_missing": dict(tr=1.5, n=40, hrf=True, acq=0.3, fill="missing"),
    "hrf_tr2_zero": dict(tr=2.0, n=30, hrf=True, fill="zero"),
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


# Continuous-time check: brute force on a 0.01 s grid, independent of the closed form above.
DT = 0.01
CONT = os.path.join(HERE, "continuous")
os.makedirs(CONT, exist_ok=True)


def brute_force(onsets, offsets, values, tr, n, acq_offset):
    """Step function on a 0.01 s grid from -32 s, convolved with h sampled every 0.01 s (sum * dt = 1)."""
    steps = int(round(32.0 / DT))
    h = stats.gamma.pdf(np.arange(steps + 1) * DT, 6.0) - stats.gamma.pdf(np.arange(steps + 1) * DT, 16.0) / 6.0
    h = h / h.sum()
    t0 = -32.0
    m = int(round((n * tr + 1.0 - t0) / DT))
    grid = t0 + (np.arange(m) + 0.5) * DT          # bin centres: the step function's value in each bin
    x = np.zeros((m, values.shape[1]))
    for on, off, val in zip(onsets, offsets, values):
        x[(grid >= on) & (grid < off)] = val
    y = np.column_stack([np.convolve(x[:, c], h)[:m] for c in range(x.shape[1])])
    # y[i] integrates bins up to and including bin i, whose right edge is t0 + (i + 1) * dt.
    idx = np.rint((np.arange(n) * tr + acq_offset - t0) / DT).astype(int) - 1
    return y[idx]


def tr_grid(onsets, offsets, values, tr, n):
    """The older convolution on the TR grid, for the figures the script prints."""
    k = spm_hrf(tr)
    js = np.arange(-(len(k) - 1), n)
    x = np.array([sample(onsets, offsets, values, j * tr, "zero") for j in js])
    return np.column_stack([np.convolve(x[:, c], k)[len(k) - 1:len(k) - 1 + n] for c in range(x.shape[1])])


cont_cases = {}
crng = np.random.default_rng(20261204)
for tr in (0.72, 1.5, 2.0):
    for grid_kind in ("on", "off"):
        n = int(np.ceil(150.0 / tr))
        end = n * tr
        # Segments of 2-12 s with short pauses, from 4 s to before the end of the run.
        b, t = [], 4.0
        while True:
            d = crng.uniform(2.0, 12.0)
            if grid_kind == "on":
                t, d = np.round(t / tr) * tr, max(1, np.round(d / tr)) * tr
            else:
                t, d = np.round(t, 2), np.round(d, 2)
            if t + d > end - 4.0:
                break
            b.append((round(t, 6), round(t + d, 6)))
            t = round(t + d, 6) + (crng.uniform(0, 3) if crng.uniform() < 0.3 else 0.0)
        on = np.array([x[0] for x in b])
        off = np.array([x[1] for x in b])
        vals = np.round(crng.uniform(0, 1, size=(len(b), 2)), 1)
        for acq in ("start", "middle"):
            name = f"tr{tr}_{grid_kind}grid_{acq}"
            a = 0.5 * tr if acq == "middle" else 0.0
            with open(os.path.join(CONT, name + "_annotations.tsv"), "w") as f:
                f.write("onset\toffset\ttext\tjoy\tfear\n")
                for i, (s0, s1) in enumerate(b):
                    f.write(f"{s0!r}\t{s1!r}\tSegment {i + 1}.\t" + "\t".join(repr(float(x)) for x in vals[i]) + "\n")
            ref = brute_force(on, off, vals, tr, n, a)
            # 8 significant digits: far below the 0.01 s grid's own error, and the files stay small.
            write_table(os.path.join(CONT, name + ".tsv"), ["joy", "fear"], ref, fmt=lambda x: f"{x:.8g}")
            cont_cases[name] = dict(tr=tr, n=n, acq=acq)
            exact = hrf_exact(on, off, vals, np.arange(n) * tr + a, "zero")
            rng_ = ref.max(axis=0) - ref.min(axis=0)
            print(f"{name}: closed form vs 0.01 s: max |diff| / range {np.max(np.abs(exact - ref) / rng_):.2e}", end="")
            if acq == "start":
                old = tr_grid(on, off, vals, tr, n)
                r = min(np.corrcoef(old[:, c], ref[:, c])[0, 1] for c in range(2))
                print(f"; TR-grid convolution: min r {r:.4f}, max |diff| / range {np.max(np.abs(old - ref) / rng_):.3f}", end="")
            print()
with open(os.path.join(CONT, "continuous.json"), "w") as f:
    json.dump(cont_cases, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", len(cont_cases), "continuous-time cases to", CONT)
