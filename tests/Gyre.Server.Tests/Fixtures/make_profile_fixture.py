"""Makes profile_fixture.csv and the statistics NumPy computes for it (profile_fixture.expected.json).

Run with a Python that has NumPy (Debian: /usr/bin/python3 with python3-numpy):
    /usr/bin/python3 make_profile_fixture.py
The outputs are committed; the tests compare Gyre's profile with them and never run Python.
"""
import csv
import json

import numpy as np

rng = np.random.default_rng(20261127)
n = 2000
amount = rng.lognormal(mean=3.0, sigma=0.75, size=n).round(6)
amount_missing = rng.random(n) < 0.03
tenure = rng.integers(0, 72, size=n)
score = rng.normal(loc=-1.5, scale=4.0, size=n)
plan = rng.choice(["basic", "plus", "pro", "team"], size=n, p=[0.5, 0.3, 0.15, 0.05])

rows = []
for i in range(n):
    rows.append([f"c{i % 1990}", "" if amount_missing[i] else repr(float(amount[i])), int(tenure[i]), repr(float(score[i])), plan[i]])
# Ten exact duplicates of earlier rows.
rows += [list(rows[i]) for i in range(10)]

with open("profile_fixture.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "amount", "tenure", "score", "plan"])
    w.writerows(rows)


def numeric(values):
    values = np.asarray([float(v) for v in values if v != ""], dtype=np.float64)
    counts, edges = np.histogram(values, bins=20, range=(values.min(), values.max()))
    return {
        "count": int(values.size),
        "min": float(values.min()),
        "max": float(values.max()),
        "mean": float(np.mean(values)),
        "stddev_population": float(np.std(values)),
        "stddev": float(np.std(values, ddof=1)),
        "quantiles": {k: float(np.quantile(values, q)) for k, q in
                      [("0.01", 0.01), ("0.05", 0.05), ("0.25", 0.25), ("0.5", 0.5), ("0.75", 0.75), ("0.95", 0.95), ("0.99", 0.99)]},
        "histogram": [int(c) for c in counts],
        "distinct": int(np.unique(values).size),
    }


columns = list(zip(*rows))
expected = {
    "rows": len(rows),
    "duplicate_rows": len(rows) - len({tuple(r) for r in rows}),
    "amount": numeric(columns[1]) | {"missing": sum(1 for v in columns[1] if v == "")},
    "tenure": numeric(columns[2]) | {"missing": 0},
    "score": numeric(columns[3]) | {"missing": 0},
    "plan": {"top_values": sorted(({"value": v, "count": int(c)} for v, c in zip(*np.unique(columns[4], return_counts=True))),
                                  key=lambda x: (-x["count"], x["value"])),
             "distinct": len(set(columns[4]))},
    "customer_id": {"distinct": len(set(columns[0]))},
}
with open("profile_fixture.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
