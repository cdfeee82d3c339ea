"""Writes the seeds that are not copied from real files: model packages exported from scikit-learn by
src/python/rtdecode_sklearn.py, and .npy arrays written by numpy. Run with Debian's /usr/bin/python3
from the repository root: /usr/bin/python3 tests/RealtimeDecode.Fuzz/make_seeds.py"""

import io
import os
import shutil
import sys

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "src", "python"))
from rtdecode_sklearn import export_model  # noqa: E402

rng = np.random.default_rng(19)
corpus = os.path.join(here, "corpus")
assets = os.path.join(here, "assets", "model")
shutil.rmtree(assets, ignore_errors=True)
os.makedirs(assets)

# Two small packages whose arrays go to assets/model/<name>: the model-json target loads each fuzzed
# model.json against both.
x = rng.normal(size=(40, 6))
y = x[:, :2] @ rng.normal(size=(2, 2)) + 0.1 * rng.normal(size=(40, 2))
ridge = Pipeline([("scale", StandardScaler()), ("ridge", Ridge(alpha=1.0))]).fit(x, y)
svr = SVR(kernel="rbf", gamma=0.5, C=2.0).fit(x[:, :3], y[:, 0])
tmp = os.path.join(here, "obj", "seeds")
shutil.rmtree(tmp, ignore_errors=True)
export_model(ridge, os.path.join(tmp, "ridge"), targets=["joy", "fear"], feature_kind="dfc", roi_count=4,
             window=5, taper="rectangular", fisher_z=True, atlas_sha256="0" * 64, preprocessing={"detrend": 1})
export_model(svr, os.path.join(tmp, "svr"), targets=["joy"], feature_kind="roi", roi_count=3)
os.makedirs(os.path.join(corpus, "model-json"), exist_ok=True)
for name in ("ridge", "svr"):
    folder = os.path.join(tmp, name)
    for f in sorted(os.listdir(folder)):
        src = os.path.join(folder, f)
        if f == "model.json":
            shutil.copy(src, os.path.join(corpus, "model-json", name + ".json"))
        else:
            os.makedirs(os.path.join(assets, name), exist_ok=True)
            shutil.copy(src, os.path.join(assets, name, f))

os.makedirs(os.path.join(corpus, "npy"), exist_ok=True)
for name, arr in {
    "f8_2d.npy": rng.normal(size=(3, 4)),
    "f4_1d.npy": rng.normal(size=5).astype("<f4"),
    "f8_fortran.npy": np.asfortranarray(rng.normal(size=(2, 3))),
    "f8_scalar.npy": np.array(1.5),
    "f4_3d.npy": rng.normal(size=(2, 2, 2)).astype("<f4"),
}.items():
    buf = io.BytesIO()
    np.save(buf, arr)
    with open(os.path.join(corpus, "npy", name), "wb") as fh:
        fh.write(buf.getvalue())
print("seeds written")
