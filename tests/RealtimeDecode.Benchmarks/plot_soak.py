#!/usr/bin/python3
"""Plots the TSV written by `realtime-decode benchmarks -- soak` (SoakTool): memory, descriptors,
gen-0 and gen-2 collections and latency per 100 volumes, the first and last 1,000 volumes shaded.

usage: /usr/bin/python3 plot_soak.py soak.tsv soak.png [--window 1000]
"""
import argparse
import csv

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv")
    ap.add_argument("png")
    ap.add_argument("--window", type=int, default=1000)
    a = ap.parse_args()
    with open(a.tsv, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    col = lambda name: [float(r[name]) for r in rows]
    v = [int(r["volume"]) + 1 for r in rows]
    last = v[-1]
    fig, ax = plt.subplots(4, 1, figsize=(9, 10), sharex=True)
    ax[0].plot(v, col("working_set_mb"), label="working set")
    ax[0].plot(v, col("gc_heap_mb"), label="GC heap (sampled)", alpha=0.6)
    ax[0].plot(v, col("gc_heap_after_gc_mb"), label="GC heap at last collection", alpha=0.6)
    if "live_after_full_gc_mb" in rows[0]:
        ax[0].plot(v, col("live_after_full_gc_mb"), label="GC heap live (last full collection)")
    ax[0].set_ylabel("MB")
    ax[0].set_ylim(0, max(col("working_set_mb")) * 1.35)
    ax[0].legend(loc="upper center", ncol=3, fontsize=8)
    ax[1].plot(v, col("handles"), color="tab:purple")
    ax[1].set_ylabel("open descriptors")
    ax[1].set_ylim(0, max(col("handles")) * 1.2)
    gen2 = col("gen2")
    ax[2].plot(v, [g - gen2[0] for g in gen2], color="tab:red")
    ax[2].set_ylabel("gen-2 collections\n(cumulative)", color="tab:red")
    gen0 = col("gen0")
    g0 = ax[2].twinx()
    g0.plot(v, [g - gen0[0] for g in gen0], color="tab:green", alpha=0.7)
    g0.set_ylabel("gen-0 collections\n(cumulative)", color="tab:green")
    ax[3].plot(v, col("latency_p50_ms"), label="p50")
    ax[3].plot(v, col("latency_p99_ms"), label="p99")
    ax[3].plot(v, col("latency_max_ms"), label="max", alpha=0.4)
    if "control_p99_ms" in rows[0]:  # the same fixed work every volume: the machine's pace
        ax[3].plot(v, col("control_p99_ms"), label="control p99", color="grey", linestyle="--")
    if "stream_p99_ms" in rows[0]:  # the decoder's stream over 5.1 MB: the machine's shared cache and memory
        ax[3].plot(v, col("stream_p99_ms"), label="stream control p99", color="tab:brown", linestyle=":")
    ax[3].set_ylabel("latency per 100 volumes\n(file complete → published, ms)")
    ax[3].set_yscale("log")  # a few ms when the pipeline keeps up, seconds when a loaded machine makes it queue
    ax[3].legend(loc="upper right", fontsize=8)
    ax[3].set_xlabel("volume")
    for x in ax:
        x.axvspan(0, a.window, color="grey", alpha=0.12)
        x.axvspan(last - a.window, last, color="grey", alpha=0.12)
        x.grid(alpha=0.3)
    fig.suptitle(f"Soak: {last} volumes at the published scale (64×64×36, 400 ROIs) with a dashboard client")
    fig.tight_layout()
    fig.savefig(a.png, dpi=90)


if __name__ == "__main__":
    main()
