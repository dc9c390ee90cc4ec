"""Makes reference_small.csv and the reference statistics NumPy computes for it and for
profile_fixture.csv (reference_fixture.expected.json).

Run with a Python that has NumPy (Debian: /usr/bin/python3 with python3-numpy), after
make_profile_fixture.py:
    /usr/bin/python3 make_reference_fixture.py
The outputs are committed; the tests compare Gyre's reference statistics with them and never run Python.
Quantiles are NumPy's default (linear interpolation) on the grid 0, 0.001, ..., 1; the standard
deviation is the population one (ddof=0); PSI bins lie between the deciles, the last closed.
"""
import csv
import json
from collections import Counter

import numpy as np

rng = np.random.default_rng(20261128)
n = 300
x = rng.normal(loc=10.0, scale=2.5, size=n)
k = rng.integers(0, 5, size=n)
flag = rng.random(n) < 0.35
with open("reference_small.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["x", "k", "flag"])
    for i in range(n):
        w.writerow([repr(float(x[i])), int(k[i]), "true" if flag[i] else "false"])


def numeric(values, keep_values, keep_counts):
    present = [v for v in values if v != ""]
    a = np.asarray([float(v) for v in present], dtype=np.float64)
    grid = np.asarray([i / 1000 for i in range(1001)])
    quantiles = np.quantile(a, grid)
    edges = sorted(set(float(quantiles[i * 100]) for i in range(11)))
    bins = []
    for i in range(len(edges) - 1):
        upper = a <= edges[i + 1] if i == len(edges) - 2 else a < edges[i + 1]
        bins.append(int(np.sum((a >= edges[i]) & upper)))
    out = {
        "count": int(a.size),
        "missing": len(values) - len(present),
        "distinct": int(np.unique(a).size),
        "mean": float(np.mean(a)),
        "stddev": float(np.std(a)),
        "min": float(a.min()),
        "max": float(a.max()),
        "quantiles": [float(q) for q in quantiles],
        "bin_edges": edges,
        "bin_counts": bins,
    }
    if keep_values:
        out["values"] = [float(v) for v in np.sort(a)]
    if keep_counts:
        out["counts"] = counts([str(int(float(v))) for v in present])
    return out


def counts(values):
    return [[v, c] for v, c in sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))]


with open("profile_fixture.csv") as f:
    profile_rows = list(csv.reader(f))[1:]
profile_columns = list(zip(*profile_rows))
expected = {
    "profile_fixture": {
        "rows": len(profile_rows),
        "amount": numeric(profile_columns[1], False, False),
        "tenure": numeric(profile_columns[2], False, False),
        "score": numeric(profile_columns[3], False, False),
        "plan": {"count": len(profile_rows), "counts": counts(profile_columns[4])},
    },
    "reference_small": {
        "rows": n,
        "x": numeric([repr(float(v)) for v in x], True, False),
        "k": numeric([str(int(v)) for v in k], True, True),
        "flag": {"count": n, "counts": counts(["true" if v else "false" for v in flag])},
    },
}
with open("reference_fixture.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
