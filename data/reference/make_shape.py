#!/usr/bin/env python3
"""Writes data/reference/shape.json: golden outputs of scikit-learn 1.9.1 for Normalizer,
PowerTransformer (Yeo-Johnson and Box-Cox, standardize on and off), FunctionTransformer
(log1p/expm1, log/exp, sqrt/square) and PolynomialFeatures (degree, interaction_only,
include_bias, (min_degree, max_degree)), on iris, diabetes, wine and seeded synthetic data.

Run through `make reference` (pinned venv, data/reference/requirements.txt), or
`python="$(data/reference/setup.sh)" && "$python" data/reference/make_shape.py`.
Every float is float.hex() ("nan" for NaN); a case scikit-learn refuses records its error text.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.preprocessing import FunctionTransformer, Normalizer, PolynomialFeatures, PowerTransformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import hexes, real_datasets, synthetic  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def rows_synthetic(seed=20261127, rows=200):
    """Rows for Normalizer: ordinary, heavy-tailed, a zero row, tiny rows, rows near 1e150 and 1e-150."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (rows, 6))
    x[:, 1] = rng.standard_cauchy(rows)
    x[3] = 0.0                      # zero row stays zero
    x[4] = 1e-17                    # norm below 10 eps: left unchanged
    x[5] = rng.normal(0, 1, 6) * 1e150
    x[6] = rng.normal(0, 1, 6) * 1e-150
    x[7] = [0, 0, 0, 0, 0, -2.5]    # single non-zero
    return ["a", "b", "c", "d", "e", "f"], x


def positive_synthetic(seed=20261128, rows=300):
    """Strictly positive data for Box-Cox: lognormal, exponential, near-constant, wide range, NaN holes."""
    rng = np.random.default_rng(seed)
    x = np.empty((rows, 6))
    x[:, 0] = rng.lognormal(0, 1, rows)
    x[:, 1] = rng.exponential(3, rows) + 1e-3
    x[:, 2] = 5 + rng.normal(0, 1e-6, rows)          # nearly constant
    x[:, 3] = 10 ** rng.uniform(-3, 3, rows)          # six decades
    x[:, 4] = rng.uniform(1, 2, rows)
    x[rng.random(rows) < 0.1, 4] = np.nan             # NaN holes
    x[:, 5] = rng.pareto(1.5, rows) + 1               # heavy tail
    return ["lognormal", "exponential", "flat", "decades", "holes", "pareto"], x


def power_synthetic(seed=20261129, rows=300):
    """Mixed-sign data for Yeo-Johnson: skewed, all-negative, heavy tails, zeros, NaN, a constant, large values."""
    rng = np.random.default_rng(seed)
    x = np.empty((rows, 7))
    x[:, 0] = rng.lognormal(0, 1, rows)
    x[:, 1] = -rng.exponential(2, rows)                # all negative
    x[:, 2] = rng.standard_cauchy(rows)                # heavy tails, both signs
    x[:, 3] = np.where(rng.random(rows) < 0.3, 0.0, rng.normal(1, 1, rows))
    x[:, 4] = rng.normal(0, 1, rows)
    x[rng.random(rows) < 0.15, 4] = np.nan
    x[:, 5] = -1.5                                     # constant: lambda 1
    x[:, 6] = rng.normal(0, 1, rows) * 1e6
    return ["skewed", "negative", "cauchy", "zeros", "holes", "constant", "large"], x


def poly_synthetic(seed=20261130, rows=50):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 3, (rows, 3))
    x[0] = [0, -0.0, 1e-200]
    x[1] = [1e100, -1e100, 1e50]
    return ["p", "q", "r"], x


def safe(f):
    try:
        return f()
    except Exception as e:  # noqa: BLE001
        return e


def case_record(transform, params, dataset, est_factory, x, probe, columns, fitted_attrs, inverse=True, names=False):
    est = est_factory()
    rec = {"transform": transform, "params": params, "dataset": dataset}
    fitted = safe(lambda: est.fit(x))
    if isinstance(fitted, Exception):
        rec["error"] = str(fitted)
        return rec
    rec["fitted"] = {}
    for attr in fitted_attrs:
        obj = est
        for part in attr.split("."):
            obj = getattr(obj, part, None)
        rec["fitted"][attr] = None if obj is None else hexes(obj)
    y = est.transform(x)
    rec["transformed"] = hexes(y)
    p = safe(lambda: est.transform(probe)) if probe is not None else None
    rec["probe_transformed"] = None if p is None or isinstance(p, Exception) else hexes(p)
    if inverse:
        inv = safe(lambda: est.inverse_transform(y))
        rec["inverse"] = None if isinstance(inv, Exception) else hexes(inv)
    if names:
        rec["names"] = [str(s) for s in est.get_feature_names_out(columns)]
        rec["powers"] = est.powers_.tolist()
    return rec


def main():
    real = real_datasets()
    sets = {
        "iris": real["iris"], "diabetes": real["diabetes"], "wine": real["wine"],
        "synthetic": synthetic(), "rows": rows_synthetic(), "positive": positive_synthetic(),
        "mixed": power_synthetic(), "poly": poly_synthetic(),
    }
    out = {"generator": "data/reference/make_shape.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
           "python": sys.version.split()[0], "datasets": {}, "cases": []}

    def probe_of(name, x):
        # Data outside the training range with the same NaN positions (positive stays positive).
        return x * 1.5 + 0.25

    for name, (columns, x) in sets.items():
        out["datasets"][name] = {"columns": columns, "x": hexes(x), "probe": hexes(probe_of(name, x))}

    # Normalizer: every norm on data without NaN (scikit-learn refuses NaN).
    for name in ("iris", "diabetes", "wine", "rows"):
        columns, x = sets[name]
        for norm in ("l1", "l2", "max"):
            out["cases"].append(case_record("Normalizer", {"norm": norm}, name, lambda: Normalizer(norm=norm),
                                            x, probe_of(name, x), columns, [], inverse=False))

    # PowerTransformer.
    for name in ("iris", "diabetes", "wine", "synthetic", "mixed", "positive"):
        columns, x = sets[name]
        for standardize in (True, False):
            out["cases"].append(case_record(
                "PowerTransformer", {"method": "yeo-johnson", "standardize": standardize}, name,
                lambda: PowerTransformer(method="yeo-johnson", standardize=standardize),
                x, probe_of(name, x), columns, ["lambdas_", "_scaler.mean_", "_scaler.scale_"]))
    for name in ("iris", "wine", "positive"):
        columns, x = sets[name]
        for standardize in (True, False):
            out["cases"].append(case_record(
                "PowerTransformer", {"method": "box-cox", "standardize": standardize}, name,
                lambda: PowerTransformer(method="box-cox", standardize=standardize),
                x, probe_of(name, x), columns, ["lambdas_", "_scaler.mean_", "_scaler.scale_"]))

    # FunctionTransformer with an inverse.
    funcs = {"log1p": (np.log1p, np.expm1), "log": (np.log, np.exp), "sqrt": (np.sqrt, np.square)}
    for name in ("iris", "wine", "positive"):
        columns, x = sets[name]
        for fname, (f, g) in funcs.items():
            out["cases"].append(case_record(
                "FunctionTransformer", {"function": fname}, name,
                lambda: FunctionTransformer(func=f, inverse_func=g, check_inverse=False),
                x, probe_of(name, x), columns, []))
    columns, x = sets["mixed"]
    xm = np.where(np.isnan(x), np.nan, np.clip(x, -0.999, None))
    out["datasets"]["mixed_log1p"] = {"columns": columns, "x": hexes(xm), "probe": hexes(xm)}
    out["cases"].append(case_record("FunctionTransformer", {"function": "log1p"}, "mixed_log1p",
                                    lambda: FunctionTransformer(func=np.log1p, inverse_func=np.expm1, check_inverse=False),
                                    xm, xm, columns, []))

    # PolynomialFeatures.
    poly_cases = [
        ({"degree": 2, "minDegree": 0, "interactionOnly": False, "includeBias": True}, lambda: PolynomialFeatures(2)),
        ({"degree": 3, "minDegree": 0, "interactionOnly": False, "includeBias": False}, lambda: PolynomialFeatures(3, include_bias=False)),
        ({"degree": 3, "minDegree": 0, "interactionOnly": True, "includeBias": True}, lambda: PolynomialFeatures(3, interaction_only=True)),
        ({"degree": 3, "minDegree": 2, "interactionOnly": False, "includeBias": True}, lambda: PolynomialFeatures((2, 3))),
        ({"degree": 4, "minDegree": 3, "interactionOnly": True, "includeBias": False},
         lambda: PolynomialFeatures((3, 4), interaction_only=True, include_bias=False)),
        ({"degree": 1, "minDegree": 0, "interactionOnly": False, "includeBias": True}, lambda: PolynomialFeatures(1)),
        ({"degree": 0, "minDegree": 0, "interactionOnly": False, "includeBias": True}, lambda: PolynomialFeatures(0)),
    ]
    for name in ("iris", "poly", "wine"):
        columns, x = sets[name]
        for params, make in poly_cases:
            if name == "wine" and params["degree"] > 2:
                continue
            out["cases"].append(case_record("PolynomialFeatures", params, name, make, x, None, columns, [],
                                            inverse=False, names=True))

    path = os.path.join(HERE, "shape.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
        fh.write("\n")
    errors = [(c["transform"], c["params"], c["dataset"], c["error"]) for c in out["cases"] if "error" in c]
    print(f"wrote {path} ({len(out['cases'])} cases, {len(errors)} refused by scikit-learn)")
    for e in errors:
        print("  refused:", e)


if __name__ == "__main__":
    main()
