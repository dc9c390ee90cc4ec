"""Writes the drift oracle: fixture datasets and the statistics SciPy gives for them.

Run with Debian's python3-scipy (`/usr/bin/python3 make_expected.py`); the outputs are committed,
and Gyre's tests compare its drift statistics with them to 1e-6.
"""
import csv
import json

import numpy as np
from scipy import stats
from scipy.spatial import distance

rng = np.random.default_rng(20261128)
PLANS = ["basic", "plus", "pro", "team"]


def write(name, rows, columns):
    with open(name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)


def table(n, shift):
    """income: numeric, continuous; visits: integers 0..30 (ties); plan: categorical; rating: numeric with 4 values."""
    income = np.round(rng.normal(50 + 8 * shift, 12 + 4 * shift, n), 3)
    visits = rng.poisson(8 + 3 * shift, n)
    plan_p = [0.4, 0.3, 0.2, 0.1] if shift == 0 else [0.25, 0.25, 0.3, 0.2]
    plan = rng.choice(PLANS[: 3 if shift == 0 else 4], n, p=plan_p[: 3] / np.sum(plan_p[: 3]) if shift == 0 else plan_p)
    rating = rng.choice([1, 2, 3, 4], n, p=[0.1, 0.2, 0.3, 0.4] if shift == 0 else [0.25, 0.25, 0.25, 0.25])
    return income, visits, plan, rating


def psi(ref, cur):
    edges = np.quantile(ref, np.linspace(0, 1, 11))
    inner = np.unique(edges)[1:-1]
    def percents(x):
        bins = np.searchsorted(inner, x, side="right")  # [e0, e1), [e1, e2), ..., [e9, e10], as Gyre keeps them
        p = np.bincount(bins, minlength=len(inner) + 1) / len(x)
        return np.where(p == 0, 0.0001, p)
    r, c = percents(ref), percents(cur)
    return float(np.sum((r - c) * np.log(r / c)))


def chisquare(ref, cur):
    keys = sorted(set(ref) | set(cur))
    r = np.array([np.sum(ref == k) for k in keys], dtype=float)
    c = np.array([np.sum(cur == k) for k in keys], dtype=float)
    expected = r * (c.sum() / r.sum())
    if np.any((expected == 0) & (c > 0)):
        return float("inf"), 0.0
    s, p = stats.chisquare(c[expected > 0], expected[expected > 0])
    return float(s), float(p)


def jensenshannon(ref, cur):
    keys = sorted(set(ref) | set(cur))
    r = np.array([np.sum(ref == k) for k in keys], dtype=float) / len(ref)
    c = np.array([np.sum(cur == k) for k in keys], dtype=float) / len(cur)
    return float(distance.jensenshannon(r, c))


def column_stats(ref, cur, kind):
    out = {}
    if kind == "numeric":
        ks = stats.ks_2samp(ref, cur)
        out["ks"] = {"statistic": float(ks.statistic), "p_value": float(ks.pvalue)}
        out["wasserstein"] = {"statistic": float(stats.wasserstein_distance(ref, cur) / np.std(ref))}
        out["psi"] = {"statistic": psi(ref, cur)}
    s, p = chisquare(np.asarray(ref).astype(str), np.asarray(cur).astype(str))
    out["chisquare"] = {"statistic": s, "p_value": p}
    out["jensenshannon"] = {"statistic": jensenshannon(np.asarray(ref).astype(str), np.asarray(cur).astype(str))}
    return out


expected = {}
for case, (n_ref, n_cur, shift) in {"small": (400, 300, 1), "same": (500, 500, 0), "equal_sizes": (250, 250, 1)}.items():
    ref = table(n_ref, 0)
    cur = table(n_cur, shift)
    columns = ["income", "visits", "plan", "rating"]
    write(f"{case}_reference.csv", zip(*ref), columns)
    write(f"{case}_current.csv", zip(*cur), columns)
    expected[case] = {
        "income": column_stats(ref[0], cur[0], "numeric"),
        "visits": column_stats(ref[1], cur[1], "numeric"),
        "plan": column_stats(ref[2], cur[2], "categorical"),
        "rating": column_stats(ref[3], cur[3], "categorical"),
    }

def finite(value):
    """JSON has no infinity: Gyre writes it as the string "Infinity", and so does the oracle."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    return "Infinity" if value == float("inf") else value


with open("expected.json", "w") as f:
    json.dump(finite(expected), f, indent=1, sort_keys=True)
