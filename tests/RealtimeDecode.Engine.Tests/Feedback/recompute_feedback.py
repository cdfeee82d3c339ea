#!/usr/bin/python3
"""Recomputes feedback.tsv from a recording's estimates.tsv and a protocol, from the README's rule alone.

Usage: /usr/bin/python3 recompute_feedback.py PROTOCOL.tsv ESTIMATES.tsv TR WINDOW OUT.tsv [CENSOR]

CENSOR is the session's censor policy (publish, flag or withhold; default flag): under withhold an estimate
whose `censored` column is 1 counts as missing, as the README says.

Written against the documented format (README, "Neurofeedback protocols"), not the C# code: whole-array
numpy over the run (block assignment by comparison with every block, baseline statistics by np.mean and
np.std(ddof=1)), where the C# kernel works estimate by estimate.
"""
import json
import sys

import numpy as np

TIMING = {"onset_s", "detected_ms", "read_ms", "decoded_ms", "published_ms", "latency_ms", "censored"}


def read_tsv(path):
    with open(path) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    return lines[0], lines[1:]


def num(s):
    return np.nan if s in ("n/a", "NaN", "") else float(s)


def main(protocol, estimates, tr, window, out, censor="flag"):
    tr, window = float(tr), int(window)
    with open(protocol[:-4] + ".json") as f:
        side = json.load(f)
    conds = side["Conditions"]
    norm = side.get("Normalisation", {})
    method = norm.get("Method", "z")
    skip = float(norm.get("BaselineSkip", 6))
    k_smooth = int(side.get("Smoothing", 1))
    delay = float(side.get("HaemodynamicDelay", 6))
    lo, hi = side.get("Range", {"percent": [-100, 100], "difference": [-1, 1], "z": [-3, 3]}[method])

    head, rows = read_tsv(protocol)
    onset = np.array([float(r[head.index("onset")]) for r in rows])
    dur = np.array([float(r[head.index("duration")]) for r in rows])
    name = [r[head.index("trial_type")] for r in rows]
    end = onset + dur
    nb = len(rows)
    role = [conds[n]["Role"] for n in name]
    role = ["rest" if r == "instruction" else r for r in role]

    def source(n):
        t = conds[n]["Target"]
        return {t: 1.0} if isinstance(t, str) else {a: float(w) for a, w in t.items()}

    def mode(n):
        c = conds[n]
        return c.get("Feedback", "continuous" if c["Role"] == "regulate" else "none")

    eh, erows = read_tsv(estimates)
    targets = [c for c in eh[1:] if c not in TIMING]
    ev = np.array([int(r[0]) for r in erows])
    vols = np.arange(ev[0], ev[-1] + 1)
    vals = {c: np.full(len(vols), np.nan) for c in targets}
    pub = np.full(len(vols), np.nan)
    for r in erows:
        i = int(r[0]) - ev[0]
        withheld = censor == "withhold" and "censored" in eh and r[eh.index("censored")] == "1"
        for c in targets:
            vals[c][i] = np.nan if withheld else num(r[eh.index(c)])
        if "published_ms" in eh:
            pub[i] = num(r[eh.index("published_ms")])

    t = (vols - (window - 1) / 2.0) * tr - delay
    inside = (t[:, None] >= onset[None, :]) & (t[:, None] < end[None, :])
    blk = np.where(inside.any(axis=1), inside.argmax(axis=1), -1)

    reg = [k for k in range(nb) if role[k] == "regulate"]

    def source_block(i):
        k = blk[i]
        if k >= 0 and role[k] == "regulate":
            return k
        first = k if k >= 0 else int(np.sum(onset <= t[i]))
        later = [j for j in reg if j >= first]
        if later:
            return later[0]
        earlier = [j for j in reg if j < first]
        return earlier[-1] if earlier else -1

    def src_value(k, idx):
        return sum(w * vals[a][idx] for a, w in source(name[k]).items())

    n = len(vols)
    x = np.full(n, np.nan)
    for i in range(n):
        s = source_block(i)
        if s >= 0:
            x[i] = src_value(s, i)

    bmean = np.full(n, np.nan)
    bsd = np.full(n, np.nan)
    fb = np.full(n, np.nan)
    signed = np.full(n, np.nan)
    shown = np.zeros(n, dtype=int)
    score_block = np.zeros(n, dtype=int)
    score = np.full(n, np.nan)
    for k in reg:
        mine = np.flatnonzero(blk == k)
        if len(mine) == 0:
            continue
        b = max(j for j in range(k) if role[j] == "baseline")
        sel = np.flatnonzero((blk == b) & (t >= onset[b] + skip))
        xb = src_value(k, sel) if len(sel) else np.array([])
        xb = xb[~np.isnan(xb)]
        m = np.mean(xb) if len(xb) else np.nan
        sd = np.std(xb, ddof=1) if len(xb) >= 2 else np.nan
        d = +1 if conds[name[k]].get("Direction", "up") == "up" else -1
        xs = x[mine]
        if method == "difference":
            r = xs - m
        elif method == "percent":
            r = 100 * (xs - m) / abs(m) if m != 0 else np.full(len(xs), np.nan)
        else:
            r = (xs - m) / sd if sd > 0 else np.full(len(xs), np.nan)
        finite = []
        for j, i in enumerate(mine):
            bmean[i], bsd[i] = m, sd
            if np.isfinite(r[j]):
                finite.append(r[j])
                signed[i] = d * np.mean(finite[-k_smooth:])
                fb[i] = np.clip(signed[i], lo, hi)
                if mode(name[k]) == "continuous" and onset[k] <= vols[i] * tr < end[k]:
                    shown[i] = 1
        if mode(name[k]) == "intermittent":
            after = np.flatnonzero(t >= end[k])
            if len(after):
                i = after[0]
                score_block[i] = k + 1
                ok = signed[mine][np.isfinite(signed[mine])]
                if len(ok):
                    score[i] = np.clip(np.mean(ok), lo, hi)
                    shown[i] = 1

    def fmt(v):
        return "n/a" if np.isnan(v) else repr(float(v))

    with open(out, "w") as f:
        f.write("volume\ttime_s\tcondition\tblock\testimate\tbaseline_mean\tbaseline_sd\tfeedback\tshown\t"
                "published_ms\tdisplayed_ms\tscore_block\tblock_score\n")
        for i in range(n):
            k = blk[i]
            f.write("\t".join([str(vols[i]), fmt(t[i]), name[k] if k >= 0 else "n/a", str(k + 1) if k >= 0 else "n/a",
                               fmt(x[i]), fmt(bmean[i]), fmt(bsd[i]), fmt(fb[i]), str(shown[i]), fmt(pub[i]), "n/a",
                               str(score_block[i]) if score_block[i] else "n/a", fmt(score[i])]) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:7])
