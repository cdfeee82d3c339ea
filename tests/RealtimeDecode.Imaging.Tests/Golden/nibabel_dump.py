#!/usr/bin/python3
"""Reads NIfTI files with nibabel for the round-trip tests of our writer.

Usage: /usr/bin/python3 nibabel_dump.py FILE...
For each FILE writes FILE.nib.f64 (get_fdata() as little-endian float64, x fastest) and prints one
JSON object per file on stdout (a JSON list): shape, on-disk dtype, best affine, qform and sform
with their codes, TR in seconds (pixdim[4] in the header's time units), xyzt units, slope and
intercept as nibabel applies them.
"""
import json
import sys

import numpy as np
import nibabel as nib

out = []
for path in sys.argv[1:]:
    img = nib.load(path)
    hdr = img.header
    data = np.asarray(img.get_fdata(dtype=np.float64))
    data.reshape(-1, order="F").astype("<f8").tofile(path + ".nib.f64")
    qform, qcode = hdr.get_qform(coded=True)
    sform, scode = hdr.get_sform(coded=True)
    space, time = hdr.get_xyzt_units()
    factor = {"sec": 1.0, "msec": 1e-3, "usec": 1e-6}.get(time, 0.0)
    out.append({
        "path": path,
        "shape": [int(s) for s in data.shape],
        "dtype": str(hdr.get_data_dtype().newbyteorder("=").name),
        "sizeof_hdr": int(hdr["sizeof_hdr"]),
        "affine": [float(x) for x in img.affine.reshape(-1)],
        "qform": [float(x) for x in hdr.get_qform().reshape(-1)],
        "qform_code": int(qcode) if qcode is not None else 0,
        "sform": [float(x) for x in hdr.get_sform().reshape(-1)],
        "sform_code": int(scode) if scode is not None else 0,
        "tr": float(hdr["pixdim"][4]) * factor,
        "space_units": space,
        "time_units": time,
        "slope": float(img.dataobj.slope),
        "inter": float(img.dataobj.inter),
        "descrip": hdr["descrip"].item().decode("latin1"),
    })
json.dump(out, sys.stdout)
