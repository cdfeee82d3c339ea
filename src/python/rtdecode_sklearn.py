"""Export fitted scikit-learn regressors as RealtimeDecode model packages.

A model package is a directory (or a .zip of one) with ``model.json`` and the model's arrays as
NumPy ``.npy`` files (little endian, C order). The C# side (RealtimeDecode.Engine.Decoding.ModelPackage)
reads it and predicts what scikit-learn predicts.

Supported: Ridge, LinearRegression, Lasso, ElasticNet, KernelRidge, SVR, LinearSVR,
MultiOutputRegressor of any of these (one estimator per target), and a Pipeline of an optional
StandardScaler followed by one of those.

Example::

    from rtdecode_sklearn import export_model
    export_model(pipe, "model.zip", targets=["joy", "fear"], feature_kind="dfc",
                 roi_count=400, window=13, taper="rectangular", fisher_z=True,
                 atlas_sha256="…", preprocessing={"detrend": 1})

Only numpy and scikit-learn are needed.
"""

import io
import json
import os
import zipfile

import numpy as np
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.kernel_ridge import KernelRidge
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR, LinearSVR

FORMAT_NAME = "rtdecode-model"
FORMAT_VERSION = 1

_LINEAR = {Ridge: "ridge", LinearRegression: "linear_regression", Lasso: "lasso",
           ElasticNet: "elastic_net", LinearSVR: "linear_svr"}
_KERNEL_NAMES = {"linear": "linear", "rbf": "rbf", "poly": "poly", "polynomial": "poly",
                 "laplacian": "laplacian"}
_HYPER = {
    "ridge": ["alpha", "fit_intercept", "solver"],
    "linear_regression": ["fit_intercept"],
    "lasso": ["alpha", "fit_intercept", "tol", "max_iter", "selection"],
    "elastic_net": ["alpha", "l1_ratio", "fit_intercept", "tol", "max_iter", "selection"],
    "linear_svr": ["C", "epsilon", "loss", "tol", "fit_intercept", "intercept_scaling", "max_iter"],
    "kernel_ridge": ["alpha", "kernel", "gamma", "degree", "coef0"],
    "svr": ["C", "epsilon", "kernel", "gamma", "degree", "coef0", "tol", "shrinking"],
}


def _kind(est):
    for cls, name in _LINEAR.items():
        if type(est) is cls:
            return name
    if type(est) is KernelRidge:
        return "kernel_ridge"
    if type(est) is SVR:
        return "svr"
    raise TypeError(f"unsupported estimator {type(est).__name__}; expected one of Ridge, LinearRegression, "
                    "Lasso, ElasticNet, KernelRidge, SVR, LinearSVR (optionally in MultiOutputRegressor "
                    "and a Pipeline after StandardScaler)")


def _hyper(est, kind):
    params = est.get_params()
    out = {}
    for k in _HYPER[kind]:
        v = params.get(k)
        if isinstance(v, (np.floating, np.integer)):
            v = v.item()
        if v is None or isinstance(v, (bool, int, float, str)):
            out[k] = v
    return out


def _kernel_spec(est, kind, n_features):
    if kind == "kernel_ridge":
        if callable(est.kernel) or est.kernel not in _KERNEL_NAMES:
            raise ValueError(f"KernelRidge kernel {est.kernel!r} is not supported (linear, rbf, poly, laplacian)")
        kname = _KERNEL_NAMES[est.kernel]
        extra = dict(est.kernel_params or {})
        gamma = extra.get("gamma", est.gamma)
        degree = extra.get("degree", est.degree)
        coef0 = extra.get("coef0", est.coef0)
        # pairwise_kernels with gamma=None uses 1 / n_features for rbf, laplacian and polynomial.
        if gamma is None:
            gamma = 1.0 / n_features
    else:
        if callable(est.kernel) or est.kernel not in ("linear", "rbf", "poly"):
            raise ValueError(f"SVR kernel {est.kernel!r} is not supported (linear, rbf, poly)")
        kname = _KERNEL_NAMES[est.kernel]
        gamma = est._gamma  # resolved at fit time ("scale" = 1 / (n_features * X.var()), "auto" = 1 / n_features)
        degree = est.degree
        coef0 = est.coef0
    return {"kind": kname, "gamma": float(gamma), "coef0": float(coef0), "degree": float(degree)}


def _linear_arrays(est):
    coef = np.atleast_2d(np.asarray(est.coef_, dtype=np.float64))
    intercept = np.atleast_1d(np.asarray(est.intercept_, dtype=np.float64))
    if intercept.size == 1 and coef.shape[0] > 1:
        intercept = np.repeat(intercept, coef.shape[0])
    return coef, intercept


def _unwrap(model):
    """Returns (scaler or None, estimators list, multi-output flag)."""
    scaler = None
    if isinstance(model, Pipeline):
        steps = [s for _, s in model.steps if s is not None and s != "passthrough"]
        if len(steps) == 2 and isinstance(steps[0], StandardScaler):
            scaler = steps[0]
            model = steps[1]
        elif len(steps) == 1:
            model = steps[0]
        else:
            raise TypeError("a Pipeline must be [StandardScaler,] estimator")
    if isinstance(model, MultiOutputRegressor):
        if not hasattr(model, "estimators_"):
            raise ValueError("the MultiOutputRegressor is not fitted")
        return scaler, list(model.estimators_), True
    return scaler, [model], False


def _feature_count(scaler, est):
    if scaler is not None:
        return int(scaler.n_features_in_)
    return int(est.n_features_in_)


def _npy_bytes(arr, dtype):
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(np.asarray(arr, dtype=dtype)), allow_pickle=False)
    return buf.getvalue()


def export_model(estimator, path, *, targets, feature_kind, **feature_spec):
    """Writes ``estimator`` as a model package at ``path`` (a directory, or a .zip when it ends in .zip).

    targets: the target names, one per output. feature_kind: "roi" or "dfc".
    feature_spec: roi_count (derived from the feature count when omitted), window, taper, fisher_z,
    atlas_sha256, preprocessing (dict). Optional extra keywords: training (dict of provenance),
    cv_metrics (dict), rows_dtype ("float64" default, or "float32" to store kernel rows in single
    precision: half the size, predictions then agree to about 1e-6 relative instead of 1e-12).
    """
    feature_spec = dict(feature_spec)
    training = feature_spec.pop("training", None) or {}
    cv_metrics = feature_spec.pop("cv_metrics", None) or {}
    rows_dtype = np.dtype(feature_spec.pop("rows_dtype", "float64")).newbyteorder("<")
    if rows_dtype not in (np.dtype("<f4"), np.dtype("<f8")):
        raise ValueError("rows_dtype must be float32 or float64")
    if feature_kind not in ("roi", "dfc"):
        raise ValueError("feature_kind must be 'roi' or 'dfc'")
    targets = [str(t) for t in targets]
    if not targets or len(set(targets)) != len(targets):
        raise ValueError("targets must be non-empty, unique names")

    scaler, ests, multi = _unwrap(estimator)
    kinds = {_kind(e) for e in ests}
    if len(kinds) != 1:
        raise TypeError("a MultiOutputRegressor must hold estimators of one type")
    kind = kinds.pop()
    p = _feature_count(scaler, ests[0])

    arrays = {}
    est_json = {"kind": kind, "hyperparameters": _hyper(ests[0], kind)}
    if kind in _LINEAR.values():
        parts = [_linear_arrays(e) for e in ests]
        coef = np.vstack([c for c, _ in parts])
        intercept = np.concatenate([b for _, b in parts])
        arrays["coef.npy"] = _npy_bytes(coef, "<f8")
        arrays["intercept.npy"] = _npy_bytes(intercept, "<f8")
        est_json["arrays"] = {"coef": "coef.npy", "intercept": "intercept.npy"}
        n_out = coef.shape[0]
    elif kind == "kernel_ridge":
        specs = [_kernel_spec(e, kind, p) for e in ests]
        if any(s != specs[0] for s in specs):
            raise ValueError("all KernelRidge estimators must share one kernel")
        rows = np.asarray(ests[0].X_fit_, dtype=np.float64)
        for e in ests[1:]:
            if not np.array_equal(e.X_fit_, ests[0].X_fit_):
                raise ValueError("all KernelRidge estimators must be fitted on the same rows")
        dual = np.hstack([np.asarray(e.dual_coef_, dtype=np.float64).reshape(rows.shape[0], -1) for e in ests]).T
        est_json["kernel"] = specs[0]
        arrays["rows.npy"] = _npy_bytes(rows, rows_dtype)
        arrays["dual_coef.npy"] = _npy_bytes(dual, "<f8")
        arrays["intercept.npy"] = _npy_bytes(np.zeros(dual.shape[0]), "<f8")
        est_json["arrays"] = {"rows": "rows.npy", "dual_coef": "dual_coef.npy", "intercept": "intercept.npy"}
        n_out = dual.shape[0]
    else:  # svr: union of the targets' support vectors, one shared kernel evaluation per row
        specs = [_kernel_spec(e, kind, p) for e in ests]
        if any(s != specs[0] for s in specs):
            raise ValueError("all SVR estimators must share one kernel and gamma")
        union = np.unique(np.concatenate([e.support_ for e in ests]))
        pos = {int(i): k for k, i in enumerate(union)}
        rows = np.zeros((union.size, p))
        dual = np.zeros((len(ests), union.size))
        for t, e in enumerate(ests):
            idx = np.array([pos[int(i)] for i in e.support_], dtype=int)
            rows[idx] = e.support_vectors_
            dual[t, idx] = e.dual_coef_.ravel()
        intercept = np.array([float(np.ravel(e.intercept_)[0]) for e in ests])
        est_json["kernel"] = specs[0]
        arrays["rows.npy"] = _npy_bytes(rows, rows_dtype)
        arrays["dual_coef.npy"] = _npy_bytes(dual, "<f8")
        arrays["intercept.npy"] = _npy_bytes(intercept, "<f8")
        est_json["arrays"] = {"rows": "rows.npy", "dual_coef": "dual_coef.npy", "intercept": "intercept.npy"}
        n_out = len(ests)
    if n_out != len(targets):
        raise ValueError(f"the model has {n_out} outputs but {len(targets)} target names were given")

    scaler_json = None
    if scaler is not None:
        mean = scaler.mean_ if scaler.with_mean else np.zeros(p)
        scale = scaler.scale_ if scaler.with_std else np.ones(p)
        arrays["scaler_mean.npy"] = _npy_bytes(mean, "<f8")
        arrays["scaler_scale.npy"] = _npy_bytes(scale, "<f8")
        scaler_json = {"mean": "scaler_mean.npy", "scale": "scaler_scale.npy"}

    roi_count = feature_spec.pop("roi_count", None)
    if roi_count is None:
        if feature_kind == "roi":
            roi_count = p
        else:
            roi_count = int(round((1 + (1 + 8 * p) ** 0.5) / 2))
    features = {"kind": feature_kind, "roi_count": int(roi_count)}
    for key in ("window", "taper", "fisher_z", "atlas_sha256"):
        if feature_spec.get(key) is not None:
            features[key] = feature_spec.pop(key)
        else:
            feature_spec.pop(key, None)
    features["preprocessing"] = feature_spec.pop("preprocessing", None) or {}
    if feature_spec:
        raise TypeError(f"unknown feature spec keywords: {sorted(feature_spec)}")
    expected = roi_count if feature_kind == "roi" else roi_count * (roi_count - 1) // 2
    if expected != p:
        raise ValueError(f"feature spec ({feature_kind}, {roi_count} ROIs) gives {expected} features but the model has {p}")

    import sklearn
    training = dict(training)
    training.setdefault("exporter", "rtdecode_sklearn")
    training.setdefault("sklearn_version", sklearn.__version__)
    training.setdefault("multi_output", bool(multi))
    doc = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "targets": targets,
        "feature_count": p,
        "features": features,
        "scaler": scaler_json,
        "estimator": est_json,
        "training": training,
        "cv_metrics": cv_metrics,
    }
    text = json.dumps(doc, indent=2)
    path = os.fspath(path)
    if path.lower().endswith(".zip"):
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("model.json", text)
            for name, data in arrays.items():
                z.writestr(name, data)
    else:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "model.json"), "w", encoding="utf-8") as f:
            f.write(text)
        for name, data in arrays.items():
            with open(os.path.join(path, name), "wb") as f:
                f.write(data)
    return path
