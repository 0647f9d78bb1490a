#!/usr/bin/env python3
"""Writes data/reference/linear.json: LinearRegression and Ridge golden values from the pinned
scikit-learn 1.9.1 (data/reference/requirements.txt), plus least-squares problems whose exact
solution is computed in rational arithmetic (fractions.Fraction) from the very doubles stored.

Cases (every float as float.hex()):
  datasets  diabetes (target), wine (column alcohol regressed on the other 12), seeded synthetic
            with sample weights (some zero), collinear (a duplicated and a scaled column), wide
            (n = 20 < d = 50), wide with sample weights (n = 40 < d = 300, LinearRegression only),
            exactly linear y, and a float32 copy of the synthetic data
  cases     sklearn LinearRegression(fit_intercept) and Ridge(alpha, solver) on them: coef_,
            intercept_, predictions on the training rows
  exact     Filip-like degree-10 polynomial on [-9, -3] with noise (82 rows), Wampler1 and
            Wampler2 designs (x = 0..20, degree 5), a Pontius-like quadratic in x ~ 1e6: the
            exact least-squares solution of the stored doubles, rounded once to double
Run: python="$(data/reference/setup.sh)" && "$python" data/reference/make_linear.py
"""
import json
import os
import sys
from fractions import Fraction

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, Ridge

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from make_reference import hexes  # noqa: E402


def read_csv(name):
    with open(os.path.join(DATA, f"{name}.csv")) as f:
        header = f.readline().strip().split(",")
        rows = [[float(v) for v in line.strip().split(",")] for line in f if line.strip()]
    return header, np.array(rows, dtype=np.float64)


def datasets():
    out = {}
    header, a = read_csv("diabetes")
    out["diabetes"] = (a[:, :-1], a[:, -1], None)
    header, a = read_csv("wine")
    features = a[:, :-1]
    out["wine"] = (features[:, 1:], features[:, 0], None)  # alcohol from the other 12 columns
    rng = np.random.default_rng(20261127)
    x = rng.normal(0, 1, (200, 5)) * np.array([1, 10, 0.1, 1e3, 1]) + np.array([0, 5, 0, 1e4, -3])
    y = x @ np.array([1.5, -0.2, 3.0, 0.001, 0.0]) + 4 + rng.normal(0, 0.5, 200)
    w = rng.uniform(0, 3, 200)
    w[rng.random(200) < 0.1] = 0.0
    out["weighted"] = (x, y, w)
    x = rng.normal(0, 1, (100, 4))
    x[:, 2] = x[:, 0]          # exact duplicate
    x[:, 3] = 2.0 * x[:, 1]    # exact multiple
    y = x[:, 0] - 2 * x[:, 1] + 0.5 + rng.normal(0, 0.1, 100)
    out["collinear"] = (x, y, None)
    x = rng.normal(0, 1, (20, 50))
    y = x[:, :5] @ np.array([1.0, -1.0, 2.0, 0.5, 0.0]) + rng.normal(0, 0.1, 20)
    out["wide"] = (x, y, None)
    x = rng.integers(-20, 20, (50, 3)).astype(np.float64)
    y = 2.0 + x @ np.array([1.0, -2.0, 0.5])  # exact in double
    out["exactlinear"] = (x, y, None)
    # Wide and weighted (n = 40 < d = 300, 6 rows of weight 0), columns of scale 1 .. 10 with
    # offsets: scikit-learn's minimum norm of the centred, weighted original-units problem. Drawn
    # from its own generator so the datasets above keep their values.
    wrng = np.random.default_rng(20261128)
    x = wrng.normal(0, 1, (40, 300)) * (1 + np.arange(300) % 10) + np.arange(300) % 6
    y = 2.0 + x[:, :4] @ np.array([1.0, -0.5, 0.25, 2.0]) + wrng.normal(0, 0.3, 40)
    w = wrng.uniform(0.2, 3, 40)
    w[:6] = 0.0
    out["wideweighted"] = (x, y, w)
    xs, ys, ws = out["weighted"]
    out["float32"] = (xs.astype(np.float32).astype(np.float64), ys.astype(np.float32).astype(np.float64), None)
    return out


def model_cases(data):
    cases = []
    specs = []
    for name in ("diabetes", "wine", "weighted", "collinear", "wide", "exactlinear"):
        for fi in (True, False):
            specs.append((name, "LinearRegression", {"fit_intercept": fi}))
        for alpha, solver in ((1.0, "cholesky"), (1.0, "svd"), (0.01, "cholesky"), (100.0, "svd")):
            specs.append((name, "Ridge", {"fit_intercept": True, "alpha": alpha, "solver": solver}))
        specs.append((name, "Ridge", {"fit_intercept": False, "alpha": 1.0, "solver": "svd"}))
    for fi in (True, False):
        specs.append(("wideweighted", "LinearRegression", {"fit_intercept": fi}))
    specs.append(("float32", "LinearRegression", {"fit_intercept": True}))
    specs.append(("float32", "Ridge", {"fit_intercept": True, "alpha": 1.0, "solver": "cholesky"}))
    for name, model, params in specs:
        x, y, w = data[name]
        if name == "float32":
            x32, y32 = x.astype(np.float32), y.astype(np.float32)
            est = (LinearRegression(**params) if model == "LinearRegression" else Ridge(**params)).fit(x32, y32)
            pred = est.predict(x32)
        else:
            est = (LinearRegression(**params) if model == "LinearRegression" else Ridge(**params)).fit(x, y, sample_weight=w)
            pred = est.predict(x)
        cases.append({"dataset": name, "model": model, "params": params,
                      "coef": hexes(np.ravel(est.coef_)), "intercept": hexes(float(est.intercept_)),
                      "predictions": hexes(pred)})
    return cases


def exact_least_squares(x, y, intercept=True):
    """The exact minimiser of ||y - b0 - X b|| for the given doubles (normal equations in Fraction)."""
    rows = [[Fraction(1)] * intercept + [Fraction(float(v)) for v in r] for r in x]
    ys = [Fraction(float(v)) for v in y]
    p = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(p)] + [sum(r[i] * t for r, t in zip(rows, ys))] for i in range(p)]
    for k in range(p):  # Gauss-Jordan, exact
        piv = next(i for i in range(k, p) if a[i][k] != 0)
        a[k], a[piv] = a[piv], a[k]
        for i in range(p):
            if i != k and a[i][k] != 0:
                f = a[i][k] / a[k][k]
                a[i] = [u - f * v for u, v in zip(a[i], a[k])]
    sol = [a[i][p] / a[i][i] for i in range(p)]
    return [float(v) for v in sol]  # Fraction -> float rounds correctly


def exact_cases():
    out = []
    rng = np.random.default_rng(7)
    t = -9.0 + 6.0 * np.arange(82) / 81.0
    x = np.column_stack([t ** k for k in range(1, 11)])
    y = 0.8 + 0.05 * np.sin(t) + rng.normal(0, 0.003, 82)
    out.append(("filiplike", x, y))
    t = np.arange(21, dtype=np.float64)
    x = np.column_stack([t ** k for k in range(1, 6)])
    out.append(("wampler1", x, 1 + t + t ** 2 + t ** 3 + t ** 4 + t ** 5))
    y2 = np.array([float(sum(Fraction(int(v)) ** k * Fraction(1, 10 ** k) for k in range(6))) for v in t])
    out.append(("wampler2", x, y2))
    t = np.linspace(150000.0, 3000000.0, 40)
    x = np.column_stack([t, t ** 2])
    y = 0.673565789473684e-3 + 0.732059160401003e-6 * t - 0.316081871345029e-14 * t ** 2 + rng.normal(0, 2e-4, 40)
    out.append(("pontiuslike", x, y))
    cases = []
    for name, x, y in out:
        sol = exact_least_squares(x, y)
        cases.append({"name": name, "x": hexes(x), "y": hexes(y), "intercept": hexes(sol[0]), "coef": hexes(sol[1:])})
    return cases


def exact_minimum_norm(x, y, intercept):
    """The exact minimum-norm least-squares solution of the given doubles (wide x, rank n - 1 after
    centring): b = A^T (A A^T + [intercept] 1 1^T)^{-1} v with A = X - 1 m^T, v = y - ȳ, in Fraction
    (the ones vector spans the null space of A A^T when centred, and v is orthogonal to it)."""
    n, d = x.shape
    fx = [[Fraction(float(v)) for v in r] for r in x]
    fy = [Fraction(float(v)) for v in y]
    m = [sum(r[j] for r in fx) / n for j in range(d)] if intercept else [Fraction(0)] * d
    ym = sum(fy) / n if intercept else Fraction(0)
    a = [[r[j] - m[j] for j in range(d)] for r in fx]
    v = [t - ym for t in fy]
    k = [[sum(a[p][j] * a[q][j] for j in range(d)) + (1 if intercept else 0) for q in range(n)] + [v[p]] for p in range(n)]
    for c in range(n):  # Gauss-Jordan, exact
        piv = next(i for i in range(c, n) if k[i][c] != 0)
        k[c], k[piv] = k[piv], k[c]
        for i in range(n):
            if i != c and k[i][c] != 0:
                f = k[i][c] / k[c][c]
                k[i] = [u - f * w for u, w in zip(k[i], k[c])]
    z = [k[i][n] / k[i][i] for i in range(n)]
    b = [sum(a[i][j] * z[i] for i in range(n)) for j in range(d)]
    b0 = ym - sum(mj * bj for mj, bj in zip(m, b))
    return [float(v) for v in b], float(b0)


def exact_wide_cases():
    """Wide (20 x 100) data whose last row nearly repeats the one before (distance delta, a
    different y): the minimum-norm answer grows like 1 / delta and is ill-conditioned. Exact
    solutions of the stored doubles next to scikit-learn's (dgelsd) answers."""
    cases = []
    for delta in (1e-4, 1e-8):
        rng = np.random.default_rng(20261129)
        x = rng.normal(0, 1, (20, 100)) * (1 + np.arange(100) % 10) + np.arange(100) % 6
        x[19] = x[18] + delta * rng.normal(0, 1, 100)
        y = 2.0 + x[:, :4] @ np.array([1.0, -0.5, 0.25, 2.0]) + rng.normal(0, 0.3, 20)
        y[19] = y[18] + 0.3
        for fi in (True, False):
            b, b0 = exact_minimum_norm(x, y, fi)
            est = LinearRegression(fit_intercept=fi).fit(x, y)
            cases.append({"delta": delta, "fit_intercept": fi, "x": hexes(x), "y": hexes(y),
                          "coef": hexes(b), "intercept": hexes(b0),
                          "sklearn_coef": hexes(est.coef_), "sklearn_intercept": hexes(float(est.intercept_))})
    return cases


def main():
    data = datasets()
    doc = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "datasets": {k: {"x": hexes(x), "y": hexes(y), "w": None if w is None else hexes(w)} for k, (x, y, w) in data.items()},
        "cases": model_cases(data),
        "exact": exact_cases(),
        "exactwide": exact_wide_cases(),
    }
    with open(os.path.join(HERE, "linear.json"), "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
