"""Fits scikit-learn models on arrays a test wrote, exports them with rtdecode_sklearn and writes
scikit-learn's predictions next to them.

usage: export_driver.py WORKDIR EXPORTER_DIR
WORKDIR holds X_train.npy (n, p), Y_train.npy (n, t), X_test.npy (m, p). For each case NAME the
script writes the package (directory NAME, or NAME.zip) and pred_NAME.npy (m, t) with sklearn's
predictions, and cases.txt listing "NAME PACKAGE_PATH". It also writes npy files in layouts numpy
produces (float32, Fortran order, header version 2.0) for the reader tests.
"""
import os
import sys

import numpy as np

work, exporter_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, exporter_dir)
from rtdecode_sklearn import export_model  # noqa: E402
from sklearn.kernel_ridge import KernelRidge  # noqa: E402
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge  # noqa: E402
from sklearn.multioutput import MultiOutputRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVR, LinearSVR  # noqa: E402

X = np.load(os.path.join(work, "X_train.npy"))
Y = np.load(os.path.join(work, "Y_train.npy"))
Xt = np.load(os.path.join(work, "X_test.npy"))
p = X.shape[1]
targets = [f"t{i}" for i in range(Y.shape[1])]

cases = {
    "ridge": Ridge(alpha=2.0),
    "linear_regression": LinearRegression(),
    "lasso": Lasso(alpha=0.01),
    "elastic_net": ElasticNet(alpha=0.02, l1_ratio=0.3),
    "linear_svr": MultiOutputRegressor(LinearSVR(C=0.5, epsilon=0.05, max_iter=20000, random_state=0)),
    "kernel_ridge_rbf": KernelRidge(alpha=0.5, kernel="rbf", gamma=0.05),
    "kernel_ridge_rbf_default_gamma": KernelRidge(alpha=0.5, kernel="rbf"),
    "kernel_ridge_linear": KernelRidge(alpha=0.5, kernel="linear"),
    "kernel_ridge_poly": KernelRidge(alpha=0.5, kernel="polynomial", degree=2, coef0=1.5),
    "kernel_ridge_laplacian": KernelRidge(alpha=0.5, kernel="laplacian", gamma=0.1),
    "svr_rbf": MultiOutputRegressor(SVR(kernel="rbf", C=2.0, epsilon=0.05)),
    "svr_rbf_auto": MultiOutputRegressor(SVR(kernel="rbf", gamma="auto", C=1.0, epsilon=0.1)),
    "svr_linear": MultiOutputRegressor(SVR(kernel="linear", C=0.5, epsilon=0.1)),
    "svr_poly": MultiOutputRegressor(SVR(kernel="poly", degree=3, coef0=1.0, C=1.0, epsilon=0.1)),
    "pipe_scaler_ridge": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
    "pipe_scaler_lasso": make_pipeline(StandardScaler(), Lasso(alpha=0.02)),
    "pipe_scaler_svr": make_pipeline(StandardScaler(), MultiOutputRegressor(SVR(C=3.0, epsilon=0.05))),
    "pipe_scaler_kernel_ridge": make_pipeline(StandardScaler(), KernelRidge(alpha=1.0, kernel="rbf")),
    "multi_ridge": MultiOutputRegressor(Ridge(alpha=0.3)),
    "multi_elastic_net": MultiOutputRegressor(ElasticNet(alpha=0.01, l1_ratio=0.7)),
}
zipped = {"pipe_scaler_ridge", "svr_rbf", "kernel_ridge_rbf"}
lines = []
for name, model in cases.items():
    model.fit(X, Y)
    pred = model.predict(Xt).reshape(Xt.shape[0], -1)
    np.save(os.path.join(work, f"pred_{name}.npy"), pred)
    out = os.path.join(work, name + (".zip" if name in zipped else ""))
    export_model(model, out, targets=targets, feature_kind="roi", roi_count=p,
                 atlas_sha256="ab" * 32, preprocessing={"detrend": 1}, training={"case": name})
    lines.append(f"{name} {out}")

# Single target SVR and float32 kernel rows.
svr1 = SVR(C=1.0, epsilon=0.05).fit(X, Y[:, 0])
np.save(os.path.join(work, "pred_svr_single.npy"), svr1.predict(Xt).reshape(-1, 1))
export_model(svr1, os.path.join(work, "svr_single"), targets=["only"], feature_kind="roi")
lines.append(f"svr_single {os.path.join(work, 'svr_single')}")
export_model(cases["svr_rbf"], os.path.join(work, "svr_rbf_f32"), targets=targets, feature_kind="roi",
             rows_dtype="float32")
np.save(os.path.join(work, "pred_svr_rbf_f32.npy"), np.load(os.path.join(work, "pred_svr_rbf.npy")))
lines.append(f"svr_rbf_f32 {os.path.join(work, 'svr_rbf_f32')}")
with open(os.path.join(work, "cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")

# Layouts for the .npy reader.
a = np.arange(12, dtype=np.float64).reshape(3, 4) / 7.0
np.save(os.path.join(work, "c_f8.npy"), a)
np.save(os.path.join(work, "c_f4.npy"), a.astype(np.float32))
np.save(os.path.join(work, "fortran_f8.npy"), np.asfortranarray(a))
np.lib.format.write_array(open(os.path.join(work, "v2_f8.npy"), "wb"), a, version=(2, 0))
np.save(os.path.join(work, "be_f8.npy"), a.astype(">f8"))
np.save(os.path.join(work, "i8.npy"), np.arange(5))
