#!/usr/bin/env python3
"""Writes FeatureKit's golden reference files with a pinned scikit-learn (data/reference/requirements.txt).

Run through `make reference`, which creates data/reference/.venv with the pinned versions first.
Outputs (all committed):
  data/<name>.csv              the real datasets, from the copies bundled inside scikit-learn (no download)
  data/reference/scalers.json  StandardScaler / MinMaxScaler / MaxAbsScaler: fitted parameters and
                               transformed rows for every option, on the real datasets and on seeded
                               synthetic data with NaN, a constant column, heavy tails and extreme values
Every float is written as float.hex() (NaN as "nan"), so the Swift tests read exactly the doubles
scikit-learn produced; the tests state their own tolerances.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def hexes(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float(a).hex()
    return [hexes(v) for v in a]


def real_datasets():
    """The bundled datasets scikit-learn ships (BSD-3 package; see data/README.md for origins)."""
    out = {}
    for name, loader in (("iris", datasets.load_iris), ("diabetes", datasets.load_diabetes), ("wine", datasets.load_wine)):
        bunch = loader()
        columns = [c.replace(" ", "_").replace("(", "").replace(")", "").replace("/", "_") for c in bunch.feature_names]
        x = np.asarray(bunch.data, dtype=np.float64)
        y = np.asarray(bunch.target, dtype=np.float64)
        out[name] = (columns, x)
        with open(os.path.join(DATA, f"{name}.csv"), "w", newline="\n") as f:
            f.write(",".join(columns + ["target"]) + "\n")
            for row, target in zip(x, y):
                f.write(",".join(repr(float(v)) for v in row) + "," + repr(float(target)) + "\n")
    return out


def synthetic(seed=20261126, rows=300):
    """Seeded data that stresses the edge cases: NaN holes, a constant column, heavy tails, a large
    offset with a small spread, a tiny scale, integers, and a column with extreme magnitudes."""
    rng = np.random.default_rng(seed)
    x = np.empty((rows, 8))
    x[:, 0] = rng.normal(0, 1, rows)
    x[:, 1] = rng.standard_cauchy(rows)                    # heavy tails
    x[:, 2] = 3.25                                         # constant
    x[:, 3] = rng.normal(5, 2, rows)
    x[rng.random(rows) < 0.15, 3] = np.nan                 # 15 % missing
    x[:, 4] = 1e8 + rng.normal(0, 1e-3, rows)              # large offset, small spread
    x[:, 5] = rng.normal(0, 1e-9, rows)                    # tiny scale
    x[:, 6] = rng.integers(0, 5, rows).astype(np.float64)  # small integers
    x[:, 7] = rng.normal(0, 1, rows) * 1e150               # extreme but squarable in scikit-learn
    columns = ["normal", "cauchy", "constant", "holes", "offset", "tiny", "ints", "huge"]
    return columns, x


def probe(x):
    """Data outside the training range (same NaN positions), to exercise clipping and extrapolation."""
    return x * 1.5 + 0.25


def scaler_cases():
    cases = [
        ("StandardScaler", {"withMean": True, "withStd": True}, lambda: StandardScaler()),
        ("StandardScaler", {"withMean": False, "withStd": True}, lambda: StandardScaler(with_mean=False)),
        ("StandardScaler", {"withMean": True, "withStd": False}, lambda: StandardScaler(with_std=False)),
        ("StandardScaler", {"withMean": False, "withStd": False}, lambda: StandardScaler(with_mean=False, with_std=False)),
        ("MinMaxScaler", {"featureRange": [0.0, 1.0], "clip": False}, lambda: MinMaxScaler()),
        ("MinMaxScaler", {"featureRange": [-1.0, 2.0], "clip": False}, lambda: MinMaxScaler(feature_range=(-1, 2))),
        ("MinMaxScaler", {"featureRange": [0.0, 1.0], "clip": True}, lambda: MinMaxScaler(clip=True)),
        ("MaxAbsScaler", {}, lambda: MaxAbsScaler()),
    ]
    return cases


FITTED = {
    "StandardScaler": ("mean_", "var_", "scale_"),
    "MinMaxScaler": ("data_min_", "data_max_", "data_range_", "scale_", "min_"),
    "MaxAbsScaler": ("max_abs_", "scale_"),
}


def main():
    sets = real_datasets()
    sets["synthetic"] = synthetic()
    out = {"generator": "data/reference/make_reference.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
           "python": sys.version.split()[0], "datasets": {}, "cases": []}
    for name, (columns, x) in sets.items():
        out["datasets"][name] = {"columns": columns, "x": hexes(x), "probe": hexes(probe(x))}
    for transform, params, make in scaler_cases():
        for name, (columns, x) in sets.items():
            est = make().fit(x)
            fitted = {}
            for attr in FITTED[transform]:
                value = getattr(est, attr, None)
                fitted[attr] = None if value is None else hexes(value)
            fitted["n_samples_seen_"] = np.broadcast_to(est.n_samples_seen_, (x.shape[1],)).tolist() \
                if hasattr(est, "n_samples_seen_") else None
            out["cases"].append({
                "transform": transform, "params": params, "dataset": name, "fitted": fitted,
                "transformed": hexes(est.transform(x)), "probe_transformed": hexes(est.transform(probe(x))),
                "inverse": hexes(est.inverse_transform(est.transform(x))),
            })
    path = os.path.join(HERE, "scalers.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({len(out['cases'])} cases)")


if __name__ == "__main__":
    main()
