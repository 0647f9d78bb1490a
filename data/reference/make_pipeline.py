#!/usr/bin/env python3
"""Writes data/reference/pipeline.json: FeatureKit pipeline specs and what scikit-learn makes of them.

Each case holds a pipeline spec in FeatureKit's JSON form (the same document `featurekit train` reads),
the dataset it is fitted on, and scikit-learn's output for the equivalent
make_pipeline(ColumnTransformer([...], remainder=...), *steps): get_feature_names_out() and the
transformed rows (float.hex). Spec parameters are scikit-learn's own keyword arguments, so the
translation below is mechanical. Run through `make reference` (pinned scikit-learn in a venv).
"""
import csv
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn import preprocessing

from make_reference import hexes

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def load(name):
    with open(os.path.join(DATA, f"{name}.csv")) as f:
        rows = list(csv.reader(f))
    return rows[0], np.array([[float(v) for v in row] for row in rows[1:]])


def estimator(step):
    """The scikit-learn estimator a spec step names: the spec's parameters are its keyword arguments
    (lists become tuples where scikit-learn takes tuples; FunctionTransformer's func names a numpy
    function and its inverse)."""
    from sklearn import impute
    params = {k: v for k, v in step.items() if k != "type"}
    for key in ("feature_range", "quantile_range", "degree"):
        if isinstance(params.get(key), list):
            params[key] = tuple(params[key])
    kind = step["type"]
    if kind == "SimpleImputer":
        return impute.SimpleImputer(**params)
    if kind == "FunctionTransformer":
        funcs = {"log1p": (np.log1p, np.expm1), "log": (np.log, np.exp), "sqrt": (np.sqrt, np.square)}
        func, inverse = funcs[params.pop("func", "log1p")]
        return preprocessing.FunctionTransformer(func=func, inverse_func=inverse, feature_names_out="one-to-one")
    if kind == "OneHotEncoder":
        params.setdefault("sparse_output", False)
    return getattr(preprocessing, kind)(**params)


def mixed_table(seed=20261127, rows=400):
    """Seeded numeric and categorical columns with NaN holes, rare categories and unicode labels;
    written to data/reference/pipeline_mixed.csv for the Swift side to read."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "income": np.round(np.exp(rng.normal(10, 1, rows)), 2),
        "age": rng.integers(18, 90, rows).astype(float),
        "score": np.round(rng.normal(0, 3, rows), 6),
        "city": rng.choice(["Paris", "Lyon", "Nice", "Brest", "Zürich"], rows, p=[0.4, 0.3, 0.2, 0.07, 0.03]),
        "plan": rng.choice(["basic", "pro", "team"], rows),
    })
    frame.loc[rng.random(rows) < 0.1, "income"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "age"] = np.nan
    frame.to_csv(os.path.join(HERE, "pipeline_mixed.csv"), index=False, float_format="%.17g")
    return frame


def sklearn_pipeline(spec, columns):
    transformers = []
    for group in spec["columns"]:
        select = group["select"]
        if isinstance(select, dict):  # {"kind": ...}: the columns of that kind, in table order
            numeric = select["kind"] == "numeric"
            chosen = [c for c in columns if (c in NUMERIC_COLUMNS) == numeric and c not in select.get("exclude", [])]
        else:
            chosen = select
        steps = [estimator(s) for s in group["steps"]]
        transformer = make_pipeline(*steps) if steps else "passthrough"
        transformers.append((group["name"], transformer, chosen))
    ct = ColumnTransformer(transformers, remainder=spec.get("remainder", "drop"), sparse_threshold=0)
    return make_pipeline(ct, *[estimator(s) for s in spec.get("steps", [])])


NUMERIC_COLUMNS = set()

CASES = [
    ("iris", {"columns": [{"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "StandardScaler"}]}]}),
    ("iris", {"columns": [
        {"name": "sepal", "select": ["sepal_length_cm", "sepal_width_cm"], "steps": [{"type": "MinMaxScaler", "feature_range": [-1, 1]}]},
        {"name": "petal", "select": ["petal_width_cm"], "steps": []}],
        "remainder": "passthrough",
        "steps": [{"type": "MaxAbsScaler"}]}),
    ("wine", {"columns": [
        {"name": "a", "select": {"kind": "numeric", "exclude": ["target", "proline"]},
         "steps": [{"type": "StandardScaler", "with_mean": False}, {"type": "MinMaxScaler", "clip": True}]},
        {"name": "b", "select": ["proline"], "steps": [{"type": "StandardScaler"}]}],
        "steps": [{"type": "StandardScaler"}]}),
]


MIXED_CASES = [
    {"columns": [
        {"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "SimpleImputer", "strategy": "median", "add_indicator": True}, {"type": "StandardScaler"}]},
        {"name": "cat", "select": {"kind": "categorical"}, "steps": [{"type": "OneHotEncoder", "handle_unknown": "infrequent_if_exist", "min_frequency": 20}]}]},
    {"columns": [
        {"name": "money", "select": ["income"], "steps": [{"type": "SimpleImputer"}, {"type": "FunctionTransformer", "func": "log1p"}, {"type": "KBinsDiscretizer", "n_bins": 4, "encode": "ordinal"}]},
        {"name": "rest", "select": ["age", "score"], "steps": [{"type": "SimpleImputer", "strategy": "constant", "fill_value": -1}, {"type": "RobustScaler", "quantile_range": [10, 90]}]},
        {"name": "plan", "select": ["plan"], "steps": [{"type": "OrdinalEncoder"}]}],
     "steps": [{"type": "PolynomialFeatures", "degree": 2, "interaction_only": True}]},
    {"columns": [
        {"name": "num", "select": ["score", "age"], "steps": [{"type": "SimpleImputer", "strategy": "mean"}, {"type": "PowerTransformer"}, {"type": "Normalizer", "norm": "l1"}]},
        {"name": "city", "select": ["city"], "steps": [{"type": "OneHotEncoder", "drop": "first"}]}],
     "remainder": "drop"},
]


def main():
    cases = []
    mixed = mixed_table()
    global NUMERIC_COLUMNS
    NUMERIC_COLUMNS = {"income", "age", "score"}
    for spec in MIXED_CASES:
        pipe = sklearn_pipeline(spec, list(mixed.columns))
        out = pipe.fit_transform(mixed)
        names = [str(n) for n in pipe.get_feature_names_out()]
        cases.append({"dataset": "pipeline_mixed", "spec": spec, "output_names": names, "transformed": hexes(out)})
    for dataset, spec in CASES:
        columns, x = load(dataset)
        NUMERIC_COLUMNS = set(columns)
        pipe = sklearn_pipeline(spec, columns)
        frame = pd.DataFrame(x, columns=columns)
        out = pipe.fit_transform(frame)
        names = [str(n) for n in pipe.get_feature_names_out()]
        cases.append({"dataset": dataset, "spec": spec, "output_names": names, "transformed": hexes(out)})
    path = os.path.join(HERE, "pipeline.json")
    with open(path, "w") as f:
        json.dump({"sklearn": sklearn.__version__, "cases": cases}, f)
    print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
