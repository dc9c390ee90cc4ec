"""Makes metrics_fixture.json: inputs and the metrics scikit-learn computes for them.

Run with Debian's Python and scikit-learn (apt-get install python3-sklearn):
    /usr/bin/python3 make_metrics_fixture.py
The output is committed; the tests compare Gyre's evaluation with it and never run Python.
scikit-learn 1.2: log_loss clips probabilities to [1e-15, 1 - 1e-15] and renormalises each row.
"""
import json

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve

rng = np.random.default_rng(20261129)
cases = {"sklearn": sklearn.__version__, "binary": [], "multiclass": [], "regression": []}

for n, decimals in [(300, 2), (57, 1), (1000, 6)]:
    y = (rng.random(n) < 0.4).astype(int)
    p = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.001, 0.999).round(decimals)
    p = np.clip(p, 0.001, 0.999)
    pred = (p >= 0.5).astype(int)
    cases["binary"].append({
        "labels": y.tolist(), "probabilities": p.tolist(), "threshold": 0.5,
        "auc": metrics.roc_auc_score(y, p),
        "average_precision": metrics.average_precision_score(y, p),
        "log_loss": metrics.log_loss(y, p),
        "accuracy": metrics.accuracy_score(y, pred),
        "precision": metrics.precision_score(y, pred, zero_division=0),
        "recall": metrics.recall_score(y, pred, zero_division=0),
        "f1": metrics.f1_score(y, pred, zero_division=0),
        "brier": metrics.brier_score_loss(y, p),
        "confusion": metrics.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        "calibration": [list(map(float, a)) for a in calibration_curve(y, p, n_bins=10, strategy="uniform")],
    })

for n, k in [(200, 3), (90, 5)]:
    y = rng.integers(0, k, size=n)
    logits = rng.normal(size=(n, k)) + 1.5 * np.eye(k)[y]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    pred = p.argmax(axis=1)
    cases["multiclass"].append({
        "classes": k, "labels": y.tolist(), "probabilities": p.tolist(),
        "accuracy": metrics.accuracy_score(y, pred),
        "macro_f1": metrics.f1_score(y, pred, average="macro", zero_division=0),
        "micro_f1": metrics.f1_score(y, pred, average="micro", zero_division=0),
        "log_loss": metrics.log_loss(y, p, labels=list(range(k))),
        "confusion": metrics.confusion_matrix(y, pred, labels=list(range(k))).tolist(),
    })

for n in [150, 40]:
    y = rng.normal(100, 30, size=n)
    yhat = y + rng.normal(0, 12, size=n)
    cases["regression"].append({
        "actual": y.tolist(), "predicted": yhat.tolist(),
        "rmse": float(np.sqrt(metrics.mean_squared_error(y, yhat))),
        "mae": metrics.mean_absolute_error(y, yhat),
        "r2": metrics.r2_score(y, yhat),
        "mape": metrics.mean_absolute_percentage_error(y, yhat),
    })

with open("metrics_fixture.json", "w") as f:
    json.dump(cases, f)
