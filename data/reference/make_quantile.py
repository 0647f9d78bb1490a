#!/usr/bin/env python3
"""Golden reference for the quantile family: exact quantiles (NumPy), RobustScaler, KBinsDiscretizer,
SimpleImputer, with the pinned scikit-learn (data/reference/requirements.txt).

Run through `make reference` (or `"$(data/reference/setup.sh)" data/reference/make_quantile.py`).
Writes data/reference/quantile.json; every float is float.hex() ("nan", "inf" as such), so the Swift
tests (Tests/StatisticsTests/QuantileGoldenTests.swift, Tests/FeaturesTests/{Robust,KBins,Imputer}*)
read exactly the doubles NumPy / scikit-learn produced and state their own tolerances.
Datasets: iris, diabetes, wine (bundled with scikit-learn), the shared seeded synthetic set of
make_reference.py, and two seeded sets of this file: with NaN (`qsynth`, 301 rows, odd) and without
(`qclean`, 200 rows, even) holding heavy tails (Cauchy), ties, a constant column, +-1e300, a spread of
1e-10 (bins too narrow are removed), a mostly-zero column and (qsynth only) an all-NaN column.
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import KBinsDiscretizer, RobustScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_reference import hexes, real_datasets, synthetic  # noqa: E402


def qsynth(seed, rows, with_nan):
    rng = np.random.default_rng(seed)
    cols = {}
    cols["normal"] = rng.normal(0, 1, rows)
    cols["cauchy"] = rng.standard_cauchy(rows)
    cols["constant"] = np.full(rows, 3.25)
    cols["ints"] = rng.integers(0, 5, rows).astype(np.float64)
    cols["extreme"] = rng.uniform(-1, 1, rows) * 1e300
    cols["tinyspread"] = 1.0 + 1e-10 * rng.normal(0, 1, rows)
    z = np.zeros(rows)
    mask = rng.random(rows) < 0.1
    z[mask] = rng.normal(0, 1, mask.sum())
    cols["mostlyzero"] = z
    if with_nan:
        holes = rng.normal(5, 2, rows)
        holes[rng.random(rows) < 0.2] = np.nan
        cols["holes"] = holes
        cols["allnan"] = np.full(rows, np.nan)
        e = cols["extreme"].copy()
        e[rng.random(rows) < 0.05] = np.nan
        cols["extreme"] = e
    names = list(cols)
    return names, np.column_stack([cols[n] for n in names])


def probe(x):
    return x * 1.5 + 0.25


PERCENTILES = [0, 1, 12.5, 25, 100 / 3, 50, 200 / 3, 75, 90, 99, 100]


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        value = fn()
    return value, [str(m.message) for m in w]


def main():
    sets = real_datasets()
    columns, x = synthetic()
    sets["synthetic"] = (columns, x)
    sets["qsynth"] = qsynth(7, 301, True)
    sets["qclean"] = qsynth(11, 200, False)
    # NaN-free sets for KBinsDiscretizer (scikit-learn refuses NaN there).
    clean = ["iris", "diabetes", "wine", "qclean"]
    out = {"generator": "data/reference/make_quantile.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
           "percentiles": PERCENTILES, "datasets": {}, "quantiles": [], "robust": [], "kbins": [], "imputer": []}
    for name, (cols, data) in sets.items():
        out["datasets"][name] = {"columns": cols, "x": hexes(data), "probe": hexes(probe(data))}

    for name, (cols, data) in sets.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entry = {"dataset": name,
                     "linear": hexes(np.nanpercentile(data, PERCENTILES, axis=0).T),
                     "median": hexes(np.nanmedian(data, axis=0))}
            for method in ("averaged_inverted_cdf", "inverted_cdf"):
                entry[method] = hexes(np.nanpercentile(data, PERCENTILES, axis=0, method=method).T)
        out["quantiles"].append(entry)

    robust_params = [
        ({"withCentering": True, "withScaling": True, "quantileRange": [25.0, 75.0], "unitVariance": False}, {}),
        ({"withCentering": False, "withScaling": True, "quantileRange": [25.0, 75.0], "unitVariance": False}, {"with_centering": False}),
        ({"withCentering": True, "withScaling": False, "quantileRange": [25.0, 75.0], "unitVariance": False}, {"with_scaling": False}),
        ({"withCentering": True, "withScaling": True, "quantileRange": [10.0, 90.0], "unitVariance": False}, {"quantile_range": (10.0, 90.0)}),
        ({"withCentering": True, "withScaling": True, "quantileRange": [25.0, 75.0], "unitVariance": True}, {"unit_variance": True}),
        ({"withCentering": True, "withScaling": True, "quantileRange": [0.0, 100.0], "unitVariance": False}, {"quantile_range": (0.0, 100.0)}),
    ]
    for params, kwargs in robust_params:
        for name, (cols, data) in sets.items():
            if name == "qsynth":
                data = data[:, [i for i, c in enumerate(cols) if c != "allnan"]]
            est = RobustScaler(**kwargs).fit(data)
            out["robust"].append({
                "params": params, "dataset": name,
                "dropColumn": "allnan" if name == "qsynth" else None,
                "center_": None if est.center_ is None else hexes(est.center_),
                "scale_": None if est.scale_ is None else hexes(est.scale_),
                "transformed": hexes(est.transform(data)),
                # (inverse round trips are property tests; the probe once per dataset keeps the file small)
                "probe_transformed": hexes(est.transform(probe(data))) if not kwargs else None,
            })

    kbins_params = [
        ({"nBins": 5, "encode": "ordinal", "strategy": "quantile", "method": "averagedInvertedCDF"}, {}),
        ({"nBins": 5, "encode": "onehotDense", "strategy": "quantile", "method": "averagedInvertedCDF"}, {"encode": "onehot-dense"}),
        ({"nBins": 10, "encode": "ordinal", "strategy": "quantile", "method": "averagedInvertedCDF"}, {"n_bins": 10}),
        ({"nBins": 4, "encode": "ordinal", "strategy": "quantile", "method": "linear"}, {"n_bins": 4, "quantile_method": "linear"}),
        ({"nBins": 7, "encode": "ordinal", "strategy": "quantile", "method": "invertedCDF"}, {"n_bins": 7, "quantile_method": "inverted_cdf"}),
        ({"nBins": 5, "encode": "ordinal", "strategy": "uniform", "method": "averagedInvertedCDF"}, {"strategy": "uniform"}),
        ({"nBins": 3, "encode": "onehotDense", "strategy": "uniform", "method": "averagedInvertedCDF"}, {"n_bins": 3, "strategy": "uniform", "encode": "onehot-dense"}),
        ({"nBins": "perColumn", "encode": "ordinal", "strategy": "quantile", "method": "averagedInvertedCDF"}, {"n_bins": "perColumn"}),
    ]
    for params, kwargs in kbins_params:
        for name in clean:
            cols, data = sets[name]
            kw = dict(kwargs)
            kw.setdefault("encode", "ordinal")
            drop = None
            if kw["encode"] != "ordinal" and "tinyspread" in cols:
                # scikit-learn cannot one-hot a column left with 0 bins: leave it out here.
                drop = "tinyspread"
                keep = [i for i, c in enumerate(cols) if c != drop]
                cols, data = [cols[i] for i in keep], data[:, keep]
            per_column = None
            if kw.get("n_bins") == "perColumn":
                per_column = [2 + (j % 5) for j in range(data.shape[1])]
                kw["n_bins"] = per_column
            est, messages = caught(lambda: KBinsDiscretizer(subsample=None, **kw).fit(data))
            p = dict(params)
            if per_column is not None:
                p["nBins"] = per_column
            case = {
                "params": p, "dataset": name, "dropColumn": drop, "warnings": messages,
                "bin_edges_": [hexes(e) for e in est.bin_edges_], "n_bins_": [int(v) for v in est.n_bins_],
                "feature_names": [str(s) for s in est.get_feature_names_out(cols)],
                # bin indices and one-hot codes are small integers: written as such
                "transformed": np.asarray(est.transform(data)).astype(int).tolist(),
                "probe_transformed": np.asarray(est.transform(probe(data))).astype(int).tolist(),
            }
            if kw["encode"] == "ordinal":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        case["inverse"] = hexes(est.inverse_transform(est.transform(data)))
                    except IndexError:  # a column left with 0 bins (scikit-learn cannot invert it)
                        case["inverse"] = None
            out["kbins"].append(case)

    # Sample weights (KBinsDiscretizer.fit(X, sample_weight=w)): seeded, with zeros and ties.
    from sklearn.utils.stats import _weighted_percentile
    out["weighted"] = []
    for name in clean:
        cols, data = sets[name]
        rng = np.random.default_rng(99)
        w = rng.integers(0, 4, data.shape[0]).astype(np.float64)
        w[rng.random(data.shape[0]) < 0.1] *= 0.37
        levels = np.linspace(0, 100, 6)
        entry = {"dataset": name, "weights": hexes(w),
                 "levels": hexes(levels),
                 "average": hexes(_weighted_percentile(data, w, levels, average=True)),
                 "plain": hexes(_weighted_percentile(data, w, levels, average=False)),
                 "kbins": []}
        for strategy, method in (("quantile", "averaged_inverted_cdf"), ("quantile", "inverted_cdf"), ("uniform", "averaged_inverted_cdf")):
            est, messages = caught(lambda: KBinsDiscretizer(5, encode="ordinal", strategy=strategy, quantile_method=method,
                                                            subsample=None).fit(data, sample_weight=w))
            entry["kbins"].append({"strategy": strategy, "method": {"averaged_inverted_cdf": "averagedInvertedCDF", "inverted_cdf": "invertedCDF"}[method],
                                   "bin_edges_": [hexes(e) for e in est.bin_edges_], "n_bins_": [int(v) for v in est.n_bins_],
                                   "transformed": np.asarray(est.transform(data)).astype(int).tolist()})
        out["weighted"].append(entry)

    # float32 input: scikit-learn keeps the dtype (uniform edges computed in float32).
    out["float32"] = []
    for name in ("iris", "diabetes", "wine"):
        cols, data = sets[name]
        x32 = data.astype(np.float32)
        for strategy in ("uniform", "quantile"):
            est, _ = caught(lambda: KBinsDiscretizer(5, encode="ordinal", strategy=strategy, subsample=None).fit(x32))
            out["float32"].append({"dataset": name, "strategy": strategy,
                                   "x32": hexes(x32.astype(np.float64)),
                                   "bin_edges_": [hexes(np.asarray(e, dtype=np.float64)) for e in est.bin_edges_],
                                   "transformed": np.asarray(est.transform(x32)).astype(int).tolist()})

    imputer_params = [
        ({"strategy": "mean", "addIndicator": False, "keepEmptyFeatures": False}, {}),
        ({"strategy": "median", "addIndicator": False, "keepEmptyFeatures": False}, {"strategy": "median"}),
        ({"strategy": "mostFrequent", "addIndicator": False, "keepEmptyFeatures": False}, {"strategy": "most_frequent"}),
        ({"strategy": "constant", "fill": 0.0, "addIndicator": False, "keepEmptyFeatures": False}, {"strategy": "constant"}),
        ({"strategy": "constant", "fill": 7.5, "addIndicator": True, "keepEmptyFeatures": False}, {"strategy": "constant", "fill_value": 7.5, "add_indicator": True}),
        ({"strategy": "mean", "addIndicator": True, "keepEmptyFeatures": False}, {"add_indicator": True}),
        ({"strategy": "median", "addIndicator": True, "keepEmptyFeatures": True}, {"strategy": "median", "add_indicator": True, "keep_empty_features": True}),
        ({"strategy": "mostFrequent", "addIndicator": False, "keepEmptyFeatures": True}, {"strategy": "most_frequent", "keep_empty_features": True}),
    ]
    for params, kwargs in imputer_params:
        for name in ("iris", "synthetic", "qsynth"):
            cols, data = sets[name]
            est, fit_messages = caught(lambda: SimpleImputer(**kwargs).fit(data))
            transformed, messages = caught(lambda: est.transform(data))
            stats = np.asarray(est.statistics_, dtype=np.float64)
            out["imputer"].append({
                "params": params, "dataset": name, "warnings": messages,
                "statistics_": hexes(stats),
                "feature_names": [str(s) for s in est.get_feature_names_out(cols)],
                "transformed": hexes(transformed),
                "probe_transformed": hexes(caught(lambda: est.transform(probe(data)))[0]),
            })

    path = os.path.join(HERE, "quantile.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({len(out['quantiles'])} quantile sets, {len(out['robust'])} robust, "
          f"{len(out['kbins'])} kbins, {len(out['imputer'])} imputer cases)")


if __name__ == "__main__":
    main()
