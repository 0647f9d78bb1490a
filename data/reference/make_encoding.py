#!/usr/bin/env python3
"""Writes data/reference/encoding.json: OneHotEncoder, OrdinalEncoder, TargetEncoder and FeatureHasher
(scikit-learn 1.9.1, pinned in requirements.txt) on seeded synthetic categorical data and on categorical
versions of iris and wine.

Datasets are written column by column with their kind, so the Swift tests rebuild the same Table:
  string  -> text values, null = missing (given to scikit-learn as np.nan in an object array)
  integer -> decimal text, null = missing (Python ints / np.nan in an object array)
  numeric -> float.hex() strings, "nan" = missing (Python floats in an object array)
Every float output is float.hex(). Categories are written as str(category), the missing one as "nan".

Run: python="$(data/reference/setup.sh)" && "$python" data/reference/make_encoding.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.feature_extraction import FeatureHasher
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, TargetEncoder
from sklearn.utils import murmurhash3_32

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def hexes(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float(a).hex()
    return [hexes(v) for v in a]


def is_missing(v):
    return v is None or (isinstance(v, float) and np.isnan(v))


class Dataset:
    def __init__(self, columns):
        # columns: list of (name, kind, values) with Python values (str / int / float, np.nan missing)
        self.columns = columns

    def names(self):
        return [c[0] for c in self.columns]

    def array(self, names=None):
        names = names or self.names()
        cols = [c for c in self.columns if c[0] in names]
        cols.sort(key=lambda c: names.index(c[0]))
        n = len(cols[0][2])
        x = np.empty((n, len(cols)), dtype=object)
        for j, (_, _, values) in enumerate(cols):
            for i, v in enumerate(values):
                x[i, j] = v
        return x

    def to_json(self):
        out = []
        for name, kind, values in self.columns:
            if kind == "numeric":
                enc = ["nan" if is_missing(v) else float(v).hex() for v in values]
            else:
                enc = [None if is_missing(v) else str(v) for v in values]
            out.append({"name": name, "kind": kind, "values": enc})
        return out

    def kinds(self):
        return {c[0]: c[1] for c in self.columns}


def synthetic(seed=20261127, rows=240, probe=False):
    rng = np.random.default_rng(seed + (1 if probe else 0))
    colours = ["red", "green", "blue", "\u00e9", "e\u0301", "Zebra", "apple", "\u00df", "rare"]
    p = np.array([0.3, 0.25, 0.2, 0.06, 0.06, 0.05, 0.03, 0.02, 0.01])
    p = p / p.sum()
    colour = [str(v) for v in rng.choice(colours, rows, p=p)]
    for i in np.flatnonzero(rng.random(rows) < 0.04):
        colour[i] = np.nan
    size = [int(v) for v in rng.choice([3, 10, -2, 7, 100], rows, p=[0.4, 0.3, 0.15, 0.1, 0.05])]
    for i in np.flatnonzero(rng.random(rows) < 0.05):
        size[i] = np.nan
    grade = [float(v) for v in rng.choice([0.5, 1.0, 2.25, 3.0, 10.0], rows, p=[0.3, 0.3, 0.2, 0.15, 0.05])]
    for i in np.flatnonzero(rng.random(rows) < 0.05):
        grade[i] = np.nan
    flag = [str(v) for v in rng.choice(["yes", "no"], rows, p=[0.7, 0.3])]
    if probe:
        # unknown values and a missing value where fit saw none
        colour[3] = "purple"
        size[7] = 55
        grade[11] = 7.5
        flag[5] = np.nan
    y_cont = [float(v) for v in rng.normal(3, 2, rows)]
    y_bin = [float(v) for v in (rng.random(rows) < 0.35).astype(float)]
    y_multi = [float(v) for v in rng.choice([0, 1, 2, 3], rows, p=[0.4, 0.3, 0.2, 0.1])]
    return Dataset([("colour", "string", colour), ("size", "integer", size),
                    ("grade", "numeric", grade), ("flag", "string", flag)]), y_cont, y_bin, y_multi


def iris():
    raw = np.loadtxt(os.path.join(DATA, "iris.csv"), delimiter=",", skiprows=1)
    names = ["setosa", "versicolor", "virginica"]
    species = [names[int(t)] for t in raw[:, 4]]
    sepal_bin = [int(np.floor(v)) for v in raw[:, 0]]
    petal_bin = [float(np.round(v)) for v in raw[:, 2]]
    ds = Dataset([("species", "string", species), ("sepal_bin", "integer", sepal_bin), ("petal_bin", "numeric", petal_bin)])
    return ds, [float(v) for v in raw[:, 3]], [float(t == 2) for t in raw[:, 4]], [float(t) for t in raw[:, 4]]


def wine():
    raw = np.loadtxt(os.path.join(DATA, "wine.csv"), delimiter=",", skiprows=1)
    cultivar = [f"class_{int(t)}" for t in raw[:, -1]]
    alcohol_bin = [int(np.floor(v)) for v in raw[:, 0]]
    hue = [float(np.round(v, 1)) for v in raw[:, 10]]
    ds = Dataset([("cultivar", "string", cultivar), ("alcohol_bin", "integer", alcohol_bin), ("hue", "numeric", hue)])
    return ds, [float(v) for v in raw[:, 12]], [float(t == 0) for t in raw[:, -1]], [float(t) for t in raw[:, -1]]


def cat_names(cats):
    return [("nan" if is_missing(c) else str(c)) for c in cats]


def first_unknown(ds, names, categories):
    """The (column, value, row) FeatureKit reports first: columns in order, then rows."""
    x = ds.array(names)
    for j, name in enumerate(names):
        known = set(cat_names(categories[j]))
        for i in range(x.shape[0]):
            v = "nan" if is_missing(x[i, j]) else str(x[i, j])
            if v not in known:
                return {"column": name, "value": v, "row": i}
    return None


def onehot_cases(datasets):
    cases = []
    specs = [
        ("synth", None, {}, dict()),
        ("synth", None, {"handle_unknown": "ignore"}, dict(handle_unknown="ignore")),
        ("synth", None, {"drop": "first", "handle_unknown": "ignore"}, dict(drop="first", handle_unknown="ignore")),
        ("synth", None, {"drop": "if_binary"}, dict(drop="if_binary")),
        ("synth", None, {"min_frequency": {"count": 10}, "handle_unknown": "infrequent_if_exist"},
         dict(min_frequency=10, handle_unknown="infrequent_if_exist")),
        ("synth", None, {"min_frequency": {"fraction": 0.1}, "handle_unknown": "infrequent_if_exist"},
         dict(min_frequency=0.1, handle_unknown="infrequent_if_exist")),
        ("synth", None, {"max_categories": 3, "handle_unknown": "infrequent_if_exist"},
         dict(max_categories=3, handle_unknown="infrequent_if_exist")),
        ("synth", None, {"max_categories": 1, "handle_unknown": "ignore"}, dict(max_categories=1, handle_unknown="ignore")),
        ("synth", None, {"min_frequency": {"count": 10}, "max_categories": 4, "drop": "first", "handle_unknown": "infrequent_if_exist"},
         dict(min_frequency=10, max_categories=4, drop="first", handle_unknown="infrequent_if_exist")),
        ("synth", None, {"min_frequency": {"count": 10}, "drop": "if_binary", "handle_unknown": "ignore"},
         dict(min_frequency=10, drop="if_binary", handle_unknown="ignore")),
        ("synth", None, {"drop": ["green", "10", "nan", "yes"]}, dict(drop=np.array(["green", 10, np.nan, "yes"], dtype=object))),
        ("synth", ["colour", "size"], {"categories": [["red", "green", "zzz", None], ["-2", "3", "7"]], "handle_unknown": "ignore"},
         dict(categories=[np.array(["red", "green", "zzz", np.nan], dtype=object), np.array([-2, 3, 7], dtype=object)], handle_unknown="ignore")),
        ("iris", None, {}, dict()),
        ("iris", None, {"max_categories": 3, "drop": "first"}, dict(max_categories=3, drop="first")),
        ("wine", None, {"min_frequency": {"count": 5}, "handle_unknown": "infrequent_if_exist"},
         dict(min_frequency=5, handle_unknown="infrequent_if_exist")),
    ]
    for dsname, columns, params, kwargs in specs:
        train, probe = datasets[dsname]
        names = columns or train.names()
        enc = OneHotEncoder(sparse_output=False, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc.fit(train.array(names))
            transformed = enc.transform(train.array(names))
            case = {
                "encoder": "OneHotEncoder", "params": params, "dataset": dsname, "columns": names,
                "categories": [cat_names(c) for c in enc.categories_],
                "infrequent": ([None if c is None else cat_names(c) for c in enc.infrequent_categories_]
                               if hasattr(enc, "_infrequent_indices") else [None] * len(names)),
                "drop_idx": None if enc.drop_idx_ is None else [None if d is None else int(d) for d in enc.drop_idx_],
                "feature_names": [str(s) for s in enc.get_feature_names_out(names)],
                "transformed": [[int(v) for v in row] for row in transformed],
            }
            if probe is not None:
                if enc.handle_unknown == "error":
                    case["probe_error"] = first_unknown(probe, names, enc.categories_)
                else:
                    case["probe_transformed"] = [[int(v) for v in row] for row in enc.transform(probe.array(names))]
        cases.append(case)
    return cases


def ordinal_cases(datasets):
    cases = []
    specs = [
        ("synth", None, {}, dict()),
        ("synth", None, {"encoded_missing_value": -1, "handle_unknown": {"use_encoded_value": -7}},
         dict(encoded_missing_value=-1, handle_unknown="use_encoded_value", unknown_value=-7)),
        ("synth", None, {"handle_unknown": {"use_encoded_value": "nan"}}, dict(handle_unknown="use_encoded_value", unknown_value=np.nan)),
        ("synth", None, {"min_frequency": {"count": 10}, "handle_unknown": {"use_encoded_value": 99}},
         dict(min_frequency=10, handle_unknown="use_encoded_value", unknown_value=99)),
        ("synth", None, {"max_categories": 3, "encoded_missing_value": 50}, dict(max_categories=3, encoded_missing_value=50)),
        ("synth", ["colour", "size"], {"categories": [["red", "green", "zzz", None], ["-2", "3", "7"]], "handle_unknown": {"use_encoded_value": -1}},
         dict(categories=[np.array(["red", "green", "zzz", np.nan], dtype=object), np.array([-2, 3, 7], dtype=object)],
              handle_unknown="use_encoded_value", unknown_value=-1)),
        ("iris", None, {}, dict()),
        ("wine", None, {"min_frequency": {"fraction": 0.05}}, dict(min_frequency=0.05)),
    ]
    for dsname, columns, params, kwargs in specs:
        train, probe = datasets[dsname]
        names = columns or train.names()
        enc = OrdinalEncoder(**kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc.fit(train.array(names))
            case = {
                "encoder": "OrdinalEncoder", "params": params, "dataset": dsname, "columns": names,
                "categories": [cat_names(c) for c in enc.categories_],
                "infrequent": ([None if c is None else cat_names(c) for c in enc.infrequent_categories_]
                               if hasattr(enc, "_infrequent_indices") else [None] * len(names)),
                "transformed": hexes(enc.transform(train.array(names))),
            }
            if probe is not None:
                if enc.handle_unknown == "error":
                    case["probe_error"] = first_unknown(probe, names, enc.categories_)
                else:
                    case["probe_transformed"] = hexes(enc.transform(probe.array(names)))
        cases.append(case)
    return cases


def target_cases(datasets, targets):
    cases = []
    specs = [
        ("synth", None, "continuous", {"smooth": "auto"}, dict()),
        ("synth", None, "continuous", {"smooth": 2.0}, dict(smooth=2.0)),
        ("synth", None, "binary", {"smooth": "auto"}, dict()),
        ("synth", None, "binary", {"smooth": 0.5}, dict(smooth=0.5)),
        ("synth", ["colour", "size"], "continuous",
         {"smooth": "auto", "categories": [["red", "green", "zzz", None], ["-2", "3", "7"]]},
         dict(categories=[np.array(["red", "green", "zzz", np.nan], dtype=object), np.array([-2, 3, 7], dtype=object)])),
        ("iris", None, "continuous", {"smooth": "auto"}, dict()),
        ("iris", ["sepal_bin", "petal_bin"], "binary", {"smooth": "auto"}, dict()),
        ("wine", None, "continuous", {"smooth": 10.0}, dict(smooth=10.0)),
        ("wine", ["alcohol_bin", "hue"], "binary", {"smooth": "auto"}, dict()),
        ("iris", ["sepal_bin", "petal_bin"], "multiclass", {"smooth": "auto"}, dict()),
        ("synth", None, "multiclass", {"smooth": 3.0}, dict(smooth=3.0)),
        ("wine", ["alcohol_bin", "hue"], "multiclass", {"smooth": "auto"}, dict()),
    ]
    for dsname, columns, ttype, params, kwargs in specs:
        train, probe = datasets[dsname]
        y = np.asarray(targets[dsname][ttype])
        if ttype == "multiclass":
            y = y.astype(np.int64)
        names = columns or train.names()
        splitter = KFold(n_splits=5) if ttype == "continuous" else StratifiedKFold(n_splits=5)
        enc = TargetEncoder(target_type=ttype, cv=splitter, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            crossfit = enc.fit_transform(train.array(names), y)
            case = {
                "encoder": "TargetEncoder", "params": dict(params, target_type=ttype), "dataset": dsname, "columns": names,
                "target": hexes(y),
                "categories": [cat_names(c) for c in enc.categories_],
                "encodings": [hexes(e) for e in enc.encodings_],
                "target_mean": hexes(np.atleast_1d(enc.target_mean_)),
                "feature_names": [str(v) for v in enc.get_feature_names_out(names)],
                "transformed": hexes(enc.transform(train.array(names))),
                "fit_transform": hexes(crossfit),
            }
            if probe is not None:
                case["probe_transformed"] = hexes(enc.transform(probe.array(names)))
        cases.append(case)
    return cases


def hasher_cases(datasets):
    strings = ["", "a", "ab", "abc", "abcd", "abcde", "colour=red", "colour=\u00e9", "colour=e\u0301", "size=-2",
               "\u65e5\u672c\u8a9e", "\U0001F600 emoji", "x" * 37, "grade"]
    murmur = [{"text": s, "hash": int(murmurhash3_32(s, seed=0, positive=False))} for s in strings]
    cases = []
    for dsname, n_features, alternate in (("synth", 16, True), ("synth", 16, False), ("synth", 1 << 20, True),
                                          ("iris", 8, True), ("wine", 32, True)):
        train, _ = datasets[dsname]
        kinds = train.kinds()
        rows = []
        x = train.array()
        for i in range(x.shape[0]):
            d = {}
            for j, name in enumerate(train.names()):
                v = x[i, j]
                if kinds[name] == "numeric":
                    d[name] = float(v)
                elif not is_missing(v):
                    d[name] = str(v)
            rows.append(d)
        h = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=alternate)
        out = h.transform(rows).tocsr()
        out.sort_indices()
        case = {"dataset": dsname, "n_features": n_features, "alternate_sign": alternate,
                "row_starts": [int(v) for v in out.indptr], "indices": [int(v) for v in out.indices],
                "values": hexes(out.data)}
        cases.append(case)
    string_rows = [["a", "b", "a"], [], ["colour=red", "\u00e9"], ["x" * 10, "y", "z", "a"]]
    h = FeatureHasher(n_features=64, input_type="string")
    out = h.transform(string_rows).tocsr()
    out.sort_indices()
    strings_case = {"rows": string_rows, "n_features": 64, "row_starts": [int(v) for v in out.indptr],
                    "indices": [int(v) for v in out.indices], "values": hexes(out.data)}
    return murmur, cases, strings_case


def main():
    synth, y_cont, y_bin, y_multi = synthetic()
    synth_probe, _, _, _ = synthetic(probe=True, rows=60)
    iris_ds, iris_cont, iris_bin, iris_multi = iris()
    wine_ds, wine_cont, wine_bin, wine_multi = wine()
    datasets = {"synth": (synth, synth_probe), "iris": (iris_ds, None), "wine": (wine_ds, None)}
    targets = {"synth": {"continuous": y_cont, "binary": y_bin, "multiclass": y_multi},
               "iris": {"continuous": iris_cont, "binary": iris_bin, "multiclass": iris_multi},
               "wine": {"continuous": wine_cont, "binary": wine_bin, "multiclass": wine_multi}}
    murmur, hasher, hasher_strings = hasher_cases(datasets)
    doc = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "datasets": {"synth": synth.to_json(), "synth_probe": synth_probe.to_json(), "iris": iris_ds.to_json(), "wine": wine_ds.to_json()},
        "onehot": onehot_cases(datasets),
        "ordinal": ordinal_cases(datasets),
        "target": target_cases(datasets, targets),
        "murmur": murmur,
        "hasher": hasher,
        "hasher_strings": hasher_strings,
    }
    with open(os.path.join(HERE, "encoding.json"), "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"), ensure_ascii=True)
        f.write("\n")
    print(f"wrote encoding.json: {len(doc['onehot'])} one-hot, {len(doc['ordinal'])} ordinal, "
          f"{len(doc['target'])} target, {len(doc['hasher'])} hasher cases")


if __name__ == "__main__":
    main()
