#!/usr/bin/python3
"""Golden fixture of HeadInteriorMask: the voxels at least one voxel inside a reference's intensity mask.

Run with Debian's python: /usr/bin/python3 make_head_interior_golden.py
The reference is a 12x10x9 volume (x fastest in the CSV, one voxel per row): an ellipsoidal head of intensity
~1000 with a 5 % voxel texture, a dark hole inside, and background ~50 with noise. The mask is
value > 0.3 * mean(values > mean(all) / 8), eroded by scipy.ndimage.binary_erosion with a 3x3x3 structure
(border value 0). Fixtures under kernels/:
  head_reference.csv   1080 rows: intensity (float32 values)
  head_interior.csv    1080 rows: 1 inside the eroded mask, else 0
"""
import os
import numpy as np
from scipy import ndimage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernels")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261204)
nx, ny, nz = 12, 10, 9
z, y, x = np.mgrid[0:nz, 0:ny, 0:nx]
inside = ((x - 5.5) / 5.2) ** 2 + ((y - 4.5) / 4.4) ** 2 + ((z - 4) / 4.3) ** 2 < 1
vol = np.where(inside, 1000 * (1 + 0.05 * rng.normal(size=inside.shape)), 50 + 3 * rng.normal(size=inside.shape))
vol[4, 4, 5] = 40  # a dark voxel inside the head
vol = vol.astype(np.float32)
g = vol.mean()
thr = 0.3 * vol[vol > g / 8].mean()
interior = ndimage.binary_erosion(vol > thr, structure=np.ones((3, 3, 3)), border_value=0)
with open(os.path.join(OUT, "head_reference.csv"), "w") as f:
    for v in vol.ravel():  # C order over (z, y, x): x fastest
        f.write(repr(float(v)) + "\n")
with open(os.path.join(OUT, "head_interior.csv"), "w") as f:
    for v in interior.ravel():
        f.write(("1" if v else "0") + "\n")
print("interior voxels", int(interior.sum()), "head voxels", int((vol > thr).sum()))
