#!/usr/bin/python3
"""Summarises tests/science/motion_confound.sh: per condition, held-out Pearson r per emotion (from
evaluate's metrics.json), windows evaluated, and how much the joy estimate follows the head.

Usage: /usr/bin/python3 tests/science/motion_confound.py OUT_FOLDER
"Follows the head": Pearson r over run 2's windows between the joy estimate (predict) and the mean
true framewise displacement of the window's 13 volumes; since the motion covaries with joy by design,
also the partial r given the window-mean joy truth (what the estimate tracks of the motion beyond joy).
"""
import json
import os
import sys

import numpy as np

OUT = sys.argv[1]
W = 13
CONDITIONS = ["still", "still-realigned", "still-corrected", "uncorrected", "realigned", "regressed6", "regressed", "censored", "censored-fd1", "censored-fd1.5", "censored6-fd1"]
func = os.path.join(OUT, "moving", "sub-01", "func", "sub-01_task-alice_run-2_")
motion = np.genfromtxt(func + "desc-truth_motion.tsv", names=True, delimiter="\t")
fd = np.nan_to_num(motion["framewise_displacement"])
truth = np.genfromtxt(func + "desc-truth_targets.tsv", names=True, delimiter="\t")


def window_mean(x, v):
    return np.array([x[u - W + 1:u + 1].mean() for u in v])


def partial(a, b, c):
    rab, rac, rbc = np.corrcoef(a, b)[0, 1], np.corrcoef(a, c)[0, 1], np.corrcoef(b, c)[0, 1]
    return (rab - rac * rbc) / np.sqrt((1 - rac ** 2) * (1 - rbc ** 2))


rows = {}
for c in CONDITIONS:
    m = os.path.join(OUT, c, "report", "metrics.json")
    if not (os.path.exists(m) and os.path.exists(os.path.join(OUT, c, "predictions.tsv"))):
        continue
    with open(m) as f:
        model = json.load(f)["models"][0]
    r = {t: model["per_target"][t]["pearson_r"] for t in model["targets"]}
    pred = np.genfromtxt(os.path.join(OUT, c, "predictions.tsv"), names=True, delimiter="\t")
    v = pred["volume"].astype(int)
    wfd = window_mean(fd, v)
    wjoy = window_mean(truth["joy"], v)
    rows[c] = dict(r=r, mean=model["mean"]["pearson_r"], n=len(v),
                   joy_fd=np.corrcoef(pred["joy"], wfd)[0, 1], joy_fd_partial=partial(pred["joy"], wfd, wjoy))

targets = list(next(iter(rows.values()))["r"])
v_all = np.arange(W - 1, len(fd))
print(f"run 2: truth joy vs window-mean FD r = {np.corrcoef(window_mean(truth['joy'], v_all), window_mean(fd, v_all))[0, 1]:.3f}")
print("| condition | windows | " + " | ".join(targets) + " | mean r | joy est. vs FD r | partial r given joy |")
print("|---" * (len(targets) + 5) + "|")
for c, d in rows.items():
    print(f"| {c} | {d['n']} | " + " | ".join(f"{d['r'][t]:.3f}" for t in targets)
          + f" | {d['mean']:.3f} | {d['joy_fd']:.3f} | {d['joy_fd_partial']:.3f} |")
if "still" in rows:
    for c in rows:
        if c.startswith("still") or c == "uncorrected":
            continue
        d, s, u = rows[c], rows["still"], rows.get("uncorrected")
        ok_still = abs(d["mean"] - s["mean"]) <= 0.05
        worse = [t for t in targets if u and d["r"][t] < u["r"][t]]
        print(f"{c}: mean r {d['mean']:.3f} vs still {s['mean']:.3f} (within 0.05: {ok_still}); "
              f"emotions below uncorrected: {', '.join(worse) if worse else 'none'}")
