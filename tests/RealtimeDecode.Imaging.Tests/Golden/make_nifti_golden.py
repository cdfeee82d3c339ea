#!/usr/bin/python3
"""Writes small NIfTI fixtures and what nibabel reads from them.

Run with /usr/bin/python3 (numpy + nibabel) from anywhere; it rewrites Golden/Nifti/.
Each fixture is written with nibabel's header classes (Nifti1Header / Nifti2Header, either byte
order) followed by the voxel bytes, then loaded back with nibabel.load. The reference is what
nibabel gives: get_fdata() as float64 (x fastest, saved as <name>.f64, little-endian raw), the image
affine (get_best_affine) and the TR (pixdim[4] in the header's time units, converted to seconds).
manifest.json lists every fixture.
"""
import gzip
import io
import json
import os
import shutil

import numpy as np
import nibabel as nib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Nifti")
SHAPE = (5, 4, 3, 2)

DTYPES = ["uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
SCALINGS = [  # (label, slope, inter)
    ("none", 1.0, 0.0),
    ("slope_inter", 0.5, -3.25),
    ("slope_nan", float("nan"), 5.0),
    ("slope_zero", 0.0, 7.0),
    ("slope_only", 2.5, 0.0),
    ("inter_only", 1.0, 100.0),
]
UNITS = ["sec", "msec", "usec"]
TR_IN_UNITS = {"sec": 2.0, "msec": 1500.0, "usec": 800000.0}


def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def affine_oblique(zooms, flip, offset):
    a = np.eye(4)
    a[:3, :3] = rotation(0.1, -0.2, 0.3) @ np.diag(zooms)
    if flip:
        a[:3, 2] *= -1  # negative determinant: qfac = -1
    a[:3, 3] = offset
    return a


def values(dtype, rng):
    n = int(np.prod(SHAPE))
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = max(int(info.min), -(2 ** 62)), min(int(info.max), 2 ** 62)
        v = rng.integers(lo, hi, size=n, dtype=dt, endpoint=True)
        v[:4] = [info.min, info.max, 0, 1]
        if dt.itemsize == 8:
            v[4] = dt.type(2 ** 53 + 1)  # not exact in float64; rounds the same way on both sides
            v[5] = dt.type(2 ** 24 + 1)  # exact in float64, not in float32
    else:
        v = (rng.standard_normal(n) * 1000).astype(dt)
        v[:6] = [0.0, -0.0, np.nan, np.inf, 1e-8, -12345.678]
        if dt == np.float64:
            v[6] = 1e300  # beyond float32: becomes inf
    return v.reshape(SHAPE, order="F")


def build(name, version, endian, dtype, data, affine_kind, scaling, units, compress, extension=False, vox_pad=0):
    hdr = (nib.Nifti1Header if version == 1 else nib.Nifti2Header)(endianness=endian)
    hdr.set_data_shape(data.shape)
    hdr.set_data_dtype(np.dtype(dtype))
    hdr.set_xyzt_units("mm", units)
    zooms = (2.0, 2.5, 3.0)
    hdr.set_zooms(zooms + ((TR_IN_UNITS[units],) if data.ndim == 4 else ()))
    if affine_kind == "sform":
        hdr.set_qform(affine_oblique(zooms, False, (-10, 20, 30)), code=1)
        hdr.set_sform(np.array([[-2.0, 0.1, 0.2, 90.5], [0.05, 2.5, -0.3, -126.25],
                                [0.0, 0.4, 3.0, -72.0], [0, 0, 0, 1]]), code=2)
    elif affine_kind == "qform":
        hdr.set_qform(affine_oblique(zooms, True, (-45.5, 60.25, -12.0)), code=1)
        hdr["sform_code"] = 0
    elif affine_kind == "qform_noflip":
        hdr.set_qform(affine_oblique(zooms, False, (1.5, -2.5, 3.5)), code=4)
        hdr["sform_code"] = 0
    else:  # neither: nibabel's pixdim fallback
        hdr["qform_code"] = 0
        hdr["sform_code"] = 0
    _, slope, inter = scaling
    hdr["scl_slope"] = slope
    hdr["scl_inter"] = inter
    hdr["descrip"] = name.encode()[:79]
    if extension:
        hdr.extensions.append(nib.nifti1.Nifti1Extension("comment", b"golden fixture with an extension"))
    base = (352 if version == 1 else 544) + int(hdr.extensions.get_sizeondisk())
    hdr["vox_offset"] = base + vox_pad
    buf = io.BytesIO()
    hdr.write_to(buf)
    head = buf.getvalue()
    assert len(head) <= base + vox_pad
    head += b"\0" * (base + vox_pad - len(head))
    body = data.astype(np.dtype(dtype).newbyteorder(endian)).tobytes(order="F")
    path = os.path.join(OUT, name + (".nii.gz" if compress else ".nii"))
    if compress:
        with open(path, "wb") as f:
            f.write(gzip.compress(head + body, compresslevel=6, mtime=0))
    else:
        with open(path, "wb") as f:
            f.write(head + body)
    return path


def reference(path, name, meta):
    img = nib.load(path)
    hdr = img.header
    expected = np.asarray(img.get_fdata(dtype=np.float64))
    shape = list(expected.shape) + [1] * (4 - expected.ndim)
    expected.reshape(-1, order="F").astype("<f8").tofile(os.path.join(OUT, name + ".f64"))
    # TR: pixdim[4] in the header's time units (also for 3D files, whose pixdim[4] nibabel leaves at 1).
    factor = {"sec": 1.0, "msec": 1e-3, "usec": 1e-6}[hdr.get_xyzt_units()[1]]
    tr = float(hdr["pixdim"][4]) * factor
    slope, inter = img.dataobj.slope, img.dataobj.inter
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    sizeof = int.from_bytes(raw[:4], "little")
    meta.update({
        "file": os.path.basename(path),
        "expected": name + ".f64",
        "shape": [int(s) for s in shape],
        "ndim": int(expected.ndim),
        "affine": [float(x) for x in img.affine.reshape(-1)],
        "tr": tr,
        "nibabel_slope": float(slope),
        "nibabel_inter": float(inter),
        "big_endian": sizeof not in (348, 540),
        "data_offset": int(img.dataobj.offset),
    })
    return meta


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20240611)
    manifest = []
    combos = [(v, e, c) for v in (1, 2) for e in ("<", ">") for c in (False, True)]
    kinds = ["sform", "qform", "none", "qform_noflip"]
    for di, dtype in enumerate(DTYPES):
        data = values(dtype, rng)
        for k, (version, endian, compress) in enumerate(combos):
            scaling = SCALINGS[(k + di) % len(SCALINGS)]
            affine_kind = kinds[(k + di) % len(kinds)]
            units = UNITS[(k + 2 * di) % len(UNITS)]
            name = f"n{version}_{'be' if endian == '>' else 'le'}_{dtype}_{scaling[0]}_{affine_kind}_{units}{'_gz' if compress else ''}"
            path = build(name, version, endian, dtype, data, affine_kind, scaling, units, compress)
            manifest.append(reference(path, name, {"name": name, "version": version, "dtype": dtype,
                                                   "scaling": scaling[0], "affine_kind": affine_kind, "units": units,
                                                   "compressed": compress}))
    # 3D volumes, an extension before the data, padding after the header.
    data3 = values("int16", rng)[..., 0]
    for version in (1, 2):
        name = f"n{version}_le_int16_3d_pad"
        path = build(name, version, "<", "int16", data3, "qform", SCALINGS[1], "sec", False, vox_pad=48)
        manifest.append(reference(path, name, {"name": name, "version": version, "dtype": "int16", "scaling": "slope_inter",
                                               "affine_kind": "qform", "units": "sec", "compressed": False}))
        name = f"n{version}_be_float32_3d_ext_gz"
        path = build(name, version, ">", "float32", values("float32", rng)[..., 0], "sform", SCALINGS[0], "sec", True, extension=True)
        manifest.append(reference(path, name, {"name": name, "version": version, "dtype": "float32", "scaling": "none",
                                               "affine_kind": "sform", "units": "sec", "compressed": True}))
    # A NIfTI-1 pair (.hdr + .img, magic "ni1"), written entirely by nibabel.
    pair = values("int16", rng)
    img = nib.Nifti1Pair(pair, affine_oblique((2.0, 2.5, 3.0), True, (4, 5, 6)))
    img.header.set_xyzt_units("mm", "sec")
    img.header.set_zooms((2.0, 2.5, 3.0, 2.0))
    img.header.set_slope_inter(0.25, 1.0)
    path = os.path.join(OUT, "n1_pair_int16.hdr")
    img.to_filename(path)
    manifest.append(reference(path, "n1_pair_int16", {"name": "n1_pair_int16", "version": 1, "dtype": "int16",
                                                      "scaling": "slope_inter", "affine_kind": "pair", "units": "sec",
                                                      "compressed": False}))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{len(manifest)} fixtures in {OUT}")
    make_atlases(rng)


def make_atlases(rng):
    """Label volumes (int16 and float32 datatypes) with a labels TSV; reference: nibabel's labels and hashlib's SHA-256."""
    import hashlib
    out = os.path.join(os.path.dirname(OUT), "Atlas")
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    labels = np.array([0, 1, 2, 3, 5, 8, 13], dtype=np.int16)
    vol = rng.choice(labels, size=(6, 5, 4)).astype(np.int16)
    affine = np.array([[-3.0, 0, 0, 90], [0, 3.0, 0, -126], [0, 0, 3.5, -72], [0, 0, 0, 1]])
    entries = []
    for dtype, fname in (("int16", "atlas_int16.nii.gz"), ("float32", "atlas_float32.nii")):
        img = nib.Nifti1Image(vol.astype(dtype), affine)
        img.header.set_sform(affine, code=4)
        img.header.set_qform(affine, code=4)
        path = os.path.join(out, fname)
        nib.save(img, path)
        back = nib.load(path)
        data = np.asarray(back.get_fdata())
        present = sorted(int(v) for v in np.unique(data) if v != 0)
        entries.append({
            "file": fname,
            "shape": [int(s) for s in data.shape],
            "labels": present,
            "voxel_counts": [int((data == v).sum()) for v in present],
            "label_per_voxel": [int(v) for v in data.reshape(-1, order="F")],
            "affine": [float(x) for x in back.affine.reshape(-1)],
            "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        })
    networks = {1: "Vis", 2: "Vis", 3: "SomMot", 5: "Default", 8: "Default", 13: "Limbic", 21: "Limbic"}
    with open(os.path.join(out, "labels.tsv"), "w") as f:
        f.write("index\tname\tnetwork\n0\tBackground\t\n")
        for k, net in networks.items():
            f.write(f"{k}\t{net}_region_{k}\t{net}\n")
    with open(os.path.join(out, "atlas_manifest.json"), "w") as f:
        json.dump(entries, f, indent=1)


if __name__ == "__main__":
    main()
