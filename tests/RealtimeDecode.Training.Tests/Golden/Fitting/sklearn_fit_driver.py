"""Fits scikit-learn estimators on data a test wrote and writes back what the test compares with.

usage: sklearn_fit_driver.py WORKDIR
WORKDIR/spec.json is a list of {"name", "estimator", "params", "data"}; the data set D is D_X.npy
(n, p), D_Y.npy (n, t) and D_Xt.npy (m, p). For each case NAME this writes NAME_pred.npy (m, t),
NAME_coef.npy / NAME_intercept.npy for linear models, NAME_objective.npy for lasso / elastic net
(scikit-learn's objective of its own solution, per target), and NAME_support_T.npy (support indices
of target T) for SVR. One process does every fit to keep the test fast.
"""
import json
import os
import sys

import numpy as np
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.svm import SVR, LinearSVR

work = sys.argv[1]
with open(os.path.join(work, "spec.json")) as f:
    spec = json.load(f)
cache = {}


def data(name):
    if name not in cache:
        cache[name] = tuple(np.load(os.path.join(work, f"{name}_{s}.npy")) for s in ("X", "Y", "Xt"))
    return cache[name]


def save(name, what, arr):
    np.save(os.path.join(work, f"{name}_{what}.npy"), np.asarray(arr, dtype=np.float64))


for case in spec:
    name, kind, params = case["name"], case["estimator"], case.get("params", {})
    X, Y, Xt = data(case["data"])
    n, p = X.shape
    t = Y.shape[1]
    if kind in ("ridge", "linear_regression", "lasso", "elastic_net", "kernel_ridge"):
        cls = {"ridge": Ridge, "linear_regression": LinearRegression, "lasso": Lasso,
               "elastic_net": ElasticNet, "kernel_ridge": KernelRidge}[kind]
        m = cls(**params).fit(X, Y)
        save(name, "pred", m.predict(Xt).reshape(len(Xt), t))
        if kind != "kernel_ridge":
            save(name, "coef", np.atleast_2d(m.coef_))
            save(name, "intercept", np.broadcast_to(m.intercept_, (t,)))
        if kind in ("lasso", "elastic_net"):
            r = params.get("l1_ratio", 1.0) if kind == "elastic_net" else 1.0
            a = params.get("alpha", 1.0)
            W = np.atleast_2d(m.coef_)
            obj = [np.sum((Y[:, k] - X @ W[k] - m.intercept_[k]) ** 2) / (2 * n)
                   + a * r * np.abs(W[k]).sum() + 0.5 * a * (1 - r) * W[k] @ W[k] for k in range(t)]
            save(name, "objective", obj)
    elif kind == "min_norm_lstsq":
        # Minimum-norm least squares of the centred problem, independent of scikit-learn.
        xm, ym = X.mean(0), Y.mean(0)
        W = (np.linalg.pinv(X - xm, rcond=1e-10) @ (Y - ym)).T
        save(name, "coef", W)
        save(name, "intercept", ym - W @ xm)
        save(name, "pred", Xt @ W.T + (ym - W @ xm))
    elif kind in ("svr", "linear_svr"):
        preds, coefs, icpts = [], [], []
        for k in range(t):
            m = (SVR if kind == "svr" else LinearSVR)(**params).fit(X, Y[:, k])
            preds.append(m.predict(Xt))
            if kind == "svr":
                save(name, f"support_{k}", m.support_)
            else:
                coefs.append(m.coef_)
                icpts.append(float(np.ravel(m.intercept_)[0]))
        save(name, "pred", np.column_stack(preds))
        if kind == "linear_svr":
            save(name, "coef", np.vstack(coefs))
            save(name, "intercept", icpts)
    else:
        raise ValueError(f"unknown estimator {kind}")
