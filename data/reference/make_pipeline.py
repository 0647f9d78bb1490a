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
    params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in step.items() if k != "type"}
    return getattr(preprocessing, step["type"])(**params)


def sklearn_pipeline(spec, columns):
    transformers = []
    for group in spec["columns"]:
        select = group["select"]
        if isinstance(select, dict):  # {"kind": "numeric"}: every column of these all-numeric files
            chosen = [c for c in columns if c not in select.get("exclude", [])]
        else:
            chosen = select
        steps = [estimator(s) for s in group["steps"]]
        transformer = make_pipeline(*steps) if steps else "passthrough"
        transformers.append((group["name"], transformer, chosen))
    ct = ColumnTransformer(transformers, remainder=spec.get("remainder", "drop"))
    return make_pipeline(ct, *[estimator(s) for s in spec.get("steps", [])])


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


def main():
    cases = []
    for dataset, spec in CASES:
        columns, x = load(dataset)
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
