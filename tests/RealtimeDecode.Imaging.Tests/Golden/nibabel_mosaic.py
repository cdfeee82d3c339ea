#!/usr/bin/python3
"""Reads Siemens mosaic files with nibabel's own DICOM reader (nibabel.nicom.dicomwrappers, on pydicom),
independently of dcm2niix, for the DICOM writer's tests.

Usage: /usr/bin/python3 nibabel_mosaic.py FILE...
For each FILE writes FILE.nibmosaic.f64 (the wrapper's get_data() as little-endian float64, C order)
and prints a JSON list of {path, wrapper, shape, affine}: the wrapper class name, the data shape and
the wrapper's voxel-to-LPS affine (row-major), which maps data[i, j, k] to patient coordinates.
"""
import json
import sys
import warnings

import numpy as np
from nibabel.nicom import dicomwrappers

warnings.simplefilter("ignore")
out = []
for path in sys.argv[1:]:
    w = dicomwrappers.wrapper_from_file(path)
    data = np.asarray(w.get_data(), dtype=np.float64)
    data.astype("<f8").tofile(path + ".nibmosaic.f64")
    out.append({
        "path": path,
        "wrapper": type(w).__name__,
        "shape": [int(s) for s in data.shape],
        "affine": [float(v) for v in np.asarray(w.affine).ravel()],
    })
print(json.dumps(out))
