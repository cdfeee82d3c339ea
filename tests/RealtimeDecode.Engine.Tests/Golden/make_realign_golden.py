#!/usr/bin/python3
"""Writes the golden fixtures of the rigid-body realignment kernel (Engine/Motion).

Run with Debian's python: /usr/bin/python3 make_realign_golden.py

Source: volume 0 of nibabel's example4d.nii.gz (a real EPI, 128x96x24, oblique affine), averaged
2x2 in plane to 64x48x24 (4 x 4 x 2.2 mm) as the "head". The run is an 18-slice slab of it (slices
3..20), narrower than the head, so tissue moves in and out of the slab as a scanner sees it.

Convention (the project's): in world RAS mm, M = T(t) . Rx(rx) . Ry(ry) . Rz(rz), right-handed
rotations about the world origin, maps a reference point x to the point M.x where volume v shows
the same tissue: v(M.x) = ref(x), i.e. v(y) = ref(M^-1 . y). Volume v is the head resampled at
M^-1 . y with cubic splines (scipy.ndimage.map_coordinates, order 3), then Gaussian noise of 2 %
of the mean brain intensity is added and the result is rounded to int16.

Outputs (motion/):
  run.nii.gz         4D int16: volume 0 is the reference (the slab itself, with noise), 1..N moved
  truth.csv          one row per volume: trans_x,trans_y,trans_z (mm), rot_x,rot_y,rot_z (rad)
  truth_fd.csv       framewise displacement (Power 2012, 50 mm sphere) of truth.csv, one value per volume
  scipy.csv          the same six parameters estimated independently by scipy.optimize.least_squares
                     over map_coordinates (cubic, coarse to fine) on the written int16 volumes,
                     parametrised as a rotation vector and converted to the project's Euler angles
                     (scipy Rotation.as_euler('XYZ'), intrinsic, which is Rx.Ry.Rz)
"""
import os
import numpy as np
import nibabel as nib
from scipy import ndimage, optimize
from scipy.spatial.transform import Rotation

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "motion")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(14)

src = nib.load(os.path.join(os.path.dirname(nib.__file__), "tests", "data", "example4d.nii.gz"))
full = src.get_fdata()[..., 0]
head = full.reshape(64, 2, 48, 2, 24).mean(axis=(1, 3))
head_aff = src.affine @ np.diag([2.0, 2.0, 1.0, 1.0])
z0, nz = 3, 18
slab_aff = head_aff @ np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, z0], [0, 0, 0, 1.0]])
shape = (64, 48, nz)


def rx(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rz(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def rigid(p):
    m = np.eye(4)
    m[:3, :3] = rx(p[3]) @ ry(p[4]) @ rz(p[5])
    m[:3, 3] = p[:3]
    return m


d = np.pi / 180
truth = np.array([
    [0, 0, 0, 0, 0, 0],
    [0.5, -0.3, 0.2, 0.5 * d, -0.3 * d, 0.4 * d],
    [3.0, 0, 0, 0, 0, 0],
    [0, 0, 0, 3 * d, 0, 0],
    [-2.0, 1.5, -1.0, -2 * d, 1.5 * d, -1 * d],
    [3.0, -3.0, 3.0, 3 * d, -3 * d, 3 * d],
])

ii, jj, kk = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), np.arange(shape[2]), indexing="ij")
vox = np.stack([ii.ravel(), jj.ravel(), kk.ravel(), np.ones(ii.size)])
world = slab_aff @ vox
coef = ndimage.spline_filter(head, order=3)
clean_slab = head[:, :, z0:z0 + nz]
brain_mean = clean_slab[clean_slab > clean_slab.mean()].mean()
sigma = 0.02 * brain_mean

vols = []
for p in truth:
    src_vox = np.linalg.inv(head_aff) @ np.linalg.inv(rigid(p)) @ world
    v = ndimage.map_coordinates(coef, src_vox[:3], order=3, mode="nearest", prefilter=False).reshape(shape)
    v = v + rng.normal(0, sigma, size=shape)
    vols.append(np.clip(np.rint(v), -32768, 32767).astype(np.int16))
data = np.stack(vols, axis=-1)
img = nib.Nifti1Image(data, slab_aff)
img.set_qform(slab_aff, code=1)
img.set_sform(slab_aff, code=1)
img.header.set_zooms((4.0, 4.0, 2.2, 2.0))
img.header.set_xyzt_units("mm", "sec")
nib.save(img, os.path.join(OUT, "run.nii.gz"))


def write(name, a):
    with open(os.path.join(OUT, name), "w") as f:
        for row in np.atleast_2d(a):
            f.write(",".join(repr(float(v)) for v in row) + "\n")


write("truth.csv", truth)
# Power et al. (2012) framewise displacement of the truth: backward differences, 50 mm sphere
diff = np.abs(np.diff(truth, axis=0))
write("truth_fd.csv", np.concatenate([[0.0], diff[:, :3].sum(axis=1) + 50 * diff[:, 3:].sum(axis=1)])[:, None])

# ---- independent estimate: least squares over cubic-spline resampling -----------------------------
run = nib.load(os.path.join(OUT, "run.nii.gz"))
aff = run.affine
inv_aff = np.linalg.inv(aff)
vols = run.get_fdata()
ref = vols[..., 0]


def to_matrix(q):
    m = np.eye(4)
    m[:3, :3] = Rotation.from_rotvec(q[3:]).as_matrix()
    m[:3, 3] = q[:3]
    return m


def fit(vol, ref, q0, sigma_vox, step):
    r_s = ndimage.gaussian_filter(ref, sigma_vox) if sigma_vox > 0 else ref
    v_s = ndimage.gaussian_filter(vol, sigma_vox) if sigma_vox > 0 else vol
    vcoef = ndimage.spline_filter(v_s, order=3)
    mask = r_s > 0.5 * r_s.mean()
    sub = np.zeros_like(mask)
    sub[::step, ::step, ::step] = True
    pts = np.argwhere(mask & sub).T
    x = aff @ np.vstack([pts, np.ones(pts.shape[1])])
    target = r_s[tuple(pts)]

    # keep the points that stay inside the slab (1 voxel margin) at the starting estimate
    u = (inv_aff @ to_matrix(q0) @ x)[:3]
    hi = np.array(vol.shape)[:, None] - 2
    keep = np.all((u >= 1) & (u <= hi), axis=0)
    x, target = x[:, keep], target[keep]

    def resid(q):
        uu = (inv_aff @ to_matrix(q) @ x)[:3]
        return ndimage.map_coordinates(vcoef, uu, order=3, mode="nearest", prefilter=False) - target

    return optimize.least_squares(resid, q0, x_scale=np.array([1, 1, 1, 0.02, 0.02, 0.02]),
                                  xtol=1e-12, ftol=1e-12, gtol=1e-12).x


est = []
for t in range(vols.shape[-1]):
    q = np.zeros(6)
    for sigma_vox, step in ((2.0, 2), (1.0, 1), (0.0, 1)):
        q = fit(vols[..., t], ref, q, sigma_vox, step)
    m = to_matrix(q)
    rxyz = Rotation.from_matrix(m[:3, :3]).as_euler("XYZ")
    est.append(np.concatenate([m[:3, 3], rxyz]))
est = np.array(est)
write("scipy.csv", est)
err = est - truth
print("scipy vs truth: trans RMS %.4f mm, rot RMS %.4f deg" % (np.sqrt((err[:, :3] ** 2).mean()), np.sqrt((err[:, 3:] ** 2).mean()) / d))
print("bytes:", os.path.getsize(os.path.join(OUT, "run.nii.gz")))
