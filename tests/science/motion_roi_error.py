#!/usr/bin/python3
"""Where the moving session's ROI series lose the still session's signal, with the true motion known.

Usage: /usr/bin/python3 tests/science/motion_roi_error.py OUT_FOLDER
OUT_FOLDER as made by motion_confound.sh (still/ and moving/: same seed, so the same brain, noise and neural
signal; the moving one moved by its desc-truth_motion.tsv). Each moving volume is resliced back with its true
motion (scipy map_coordinates, trilinear or cubic B-spline; NaN outside the grid), so no estimation error enters,
and its ROI means are compared with the still session's: over every atlas voxel, or over the atlas voxels at least
one voxel inside the reference's head mask (intensity above 0.3 x the mean of voxels above mean/8, eroded with a
3x3x3 structure: the rule of HeadInteriorMask). "Edge" ROIs are those with more than the median share of voxels
next to the background. Then a numpy replica of the CLI's decoder (DFC W = 13, Fisher z, standardised ridge
alpha 100, window-mean targets) trained on run 1 and tested on run 2 gives the held-out mean r of each variant.
"""
import sys
import numpy as np
import nibabel as nib
from scipy import ndimage

OUT = sys.argv[1]
W = 13


def M(p):
    a, b, g = p[3:]
    ca, sa, cb, sb, cg, sg = np.cos(a), np.sin(a), np.cos(b), np.sin(b), np.cos(g), np.sin(g)
    m = np.eye(4)
    m[:3, :3] = [[cb * cg, -cb * sg, sb], [ca * sg + sa * sb * cg, ca * cg - sa * sb * sg, -sa * cb],
                 [sa * sg - ca * sb * cg, sa * cg + ca * sb * sg, ca * cb]]
    m[:3, 3] = p[:3]
    return m


def interior(ref):
    g = ref.mean()
    return ndimage.binary_erosion(ref > 0.3 * ref[ref > g / 8].mean(), structure=np.ones((3, 3, 3)), border_value=0)


def series(run):
    f = lambda s: f"{OUT}/{s}/sub-01/func/sub-01_task-alice_run-{run}_"
    img = nib.load(f("still") + "bold.nii.gz")
    X = np.asarray(img.dataobj, dtype=np.float64)
    Y = np.asarray(nib.load(f("moving") + "bold.nii.gz").dataobj, dtype=np.float64)
    atlas = np.asarray(nib.load(f"{OUT}/still/atlas/atlas-Synth100Parcels7Networks_dseg.nii.gz").dataobj).astype(int)
    A = img.affine
    Ai = np.linalg.inv(A)
    P = atlas.max()
    mot = np.genfromtxt(f("moving") + "desc-truth_motion.tsv", names=True, delimiter="\t")
    pars = np.stack([mot[n] for n in ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"]], 1)
    lab = atlas.ravel()
    lab_in_still = np.where(interior(X[..., 0]).ravel(), lab, 0)
    lab_in_moving = np.where(interior(Y[..., 0]).ravel(), lab, 0)
    edge = ndimage.binary_dilation(atlas == 0) & (atlas > 0)
    edge_share = np.bincount(atlas[edge], minlength=P + 1)[1:] / np.bincount(lab, minlength=P + 1)[1:]

    def roi(v, l):
        ok = np.isfinite(v) & (l > 0)
        n = np.bincount(l[ok], minlength=P + 1)[1:]
        return np.where(n > 0, np.bincount(l[ok], v[ok], P + 1)[1:] / np.maximum(n, 1), np.nan)

    shape = np.array(X.shape[:3])
    hom = np.vstack([np.indices(X.shape[:3]).reshape(3, -1), np.ones(lab.size)])
    names = ["still", "still, head interior", "moving, uncorrected", "true motion, trilinear", "true motion, cubic",
             "true motion, trilinear, head interior"]
    out = {k: np.zeros((X.shape[3], P)) for k in names}
    for t in range(X.shape[3]):
        out["still"][t] = roi(X[..., t].ravel(), lab)
        out["still, head interior"][t] = roi(X[..., t].ravel(), lab_in_still)
        out["moving, uncorrected"][t] = roi(Y[..., t].ravel(), lab)
        c = ((Ai @ M(pars[t]) @ A) @ hom)[:3]
        inside = np.all((c >= 0) & (c <= shape[:, None] - 1), axis=0)
        for order in (1, 3):
            r = ndimage.map_coordinates(Y[..., t], c, order=order, mode="nearest")
            r[~inside] = np.nan
            if order == 1:
                out["true motion, trilinear"][t] = roi(r, lab)
                out["true motion, trilinear, head interior"][t] = roi(r, lab_in_moving)
            else:
                out["true motion, cubic"][t] = roi(r, lab)
    return out, edge_share > np.median(edge_share)


def detrend(x):
    t = np.arange(len(x), dtype=float)
    B = np.vstack([np.ones_like(t), t, t ** 2]).T
    ok = np.all(np.isfinite(x), 1)
    o = np.full_like(x, np.nan)
    o[ok] = x[ok] - B[ok] @ np.linalg.lstsq(B[ok], x[ok], rcond=None)[0]
    return o


def windows(x, run):
    t = np.genfromtxt(f"{OUT}/still/sub-01/func/sub-01_task-alice_run-{run}_desc-truth_targets.tsv", names=True, delimiter="\t")
    y = np.stack([t[n] for n in t.dtype.names[1:]], 1)
    iu = np.triu_indices(x.shape[1], 1)
    rows, X, Y = [], [], []
    for v in range(W - 1, len(x)):
        w = x[v - W + 1:v + 1]
        if np.all(np.isfinite(w)):
            X.append(np.arctanh(np.clip(np.corrcoef(w.T)[iu], -0.999999, 0.999999)))
            Y.append(y[v - W + 1:v + 1].mean(0))
    return np.array(X), np.array(Y)


def held_out_r(x1, x2, alpha=100):
    X1, Y1 = windows(x1, 1)
    X2, Y2 = windows(x2, 2)
    mu, sd = X1.mean(0), X1.std(0)
    sd[sd == 0] = 1
    A, B = (X1 - mu) / sd, (X2 - mu) / sd
    a = np.linalg.solve(A @ A.T + alpha * np.eye(len(A)), Y1 - Y1.mean(0))
    P = B @ (A.T @ a) + Y1.mean(0)
    return np.array([np.corrcoef(P[:, k], Y2[:, k])[0, 1] for k in range(Y2.shape[1])])


run1, _ = series(1)
run2, edge = series(2)
s = detrend(run2["still"])
print("| ROI series of run 2 | median r with still (all / edge / interior ROIs) | error sd / signal sd (median) | replica decoder held-out mean r |")
print("|---|---|---|---|")
for k in run2:
    x = detrend(run2[k])
    ok = np.all(np.isfinite(x - s), 1)
    r = np.array([np.corrcoef(x[ok, i], s[ok, i])[0, 1] for i in range(s.shape[1])])
    err = np.nanstd(x - s, 0) / np.nanstd(s, 0)
    print(f"| {k} | {np.median(r):.3f} / {np.median(r[edge]):.3f} / {np.median(r[~edge]):.3f} | {np.median(err):.3f} | "
          f"{held_out_r(run1[k], run2[k]).mean():.3f} |")
