#!/usr/bin/env python3
"""The peer side of `featurekit bench --peers`: runs the same workloads in numpy / scikit-learn /
pandas / polars, on bit-identical data, when the Swift harness asks.

Protocol: started as `peer.py serve --threads N`, it reads one JSON object per line on stdin and
answers one JSON object per line on stdout:
  {"op": "info"}                                   -> {"versions": {...}, "blas": [...]}
  {"op": "prepare", "workload": W, "args": {...}}  -> {"ok": true, "peer": "numpy 2.4.6 a @ b"}
  {"op": "run"}                                    -> {"seconds": t}   (one timed run of the prepared workload)
  {"op": "quit"}
The harness alternates: one run of FeatureKit, one run of the peer, and so on, so slow drifts of a
shared machine hit both sides alike.

Data: `synthetic_features` and friends reimplement FeatureKit's `SyntheticData` (Sources/Bench/
Workloads/SyntheticData.swift) with numpy's wrapping uint64 arithmetic and correctly rounded float
operations in the same order, so both sides compute on identical bytes without sharing a file.
`peer.py fixture` prints a small sample that FeatureKit's tests compare bit for bit.

Environment: the harness starts this script without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (numpy's
own, newer OpenBLAS detects this CPU correctly and runs at its best without them), and with the
same thread count as FeatureKit (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, POLARS_MAX_THREADS, plus
threadpoolctl limits).
"""
import argparse
import json
import os
import sys
import time

M1 = 0xD1B54A32D192ED03
M2 = 0x9E3779B97F4A7C15
M3 = 0xBF58476D1CE4E5B9
M4 = 0x94D049BB133111EB
COLUMN_SCALES = [1e-3, 1e-2, 1e-1, 1.0, 1e1, 1e2, 1e3]
CATEGORY_CARDINALITIES = [10, 100, 1000, 10000]


def synthetic_bits(np, seed, stream, index):
    """SplitMix64 finaliser of seed + stream*M1 + (index+1)*M2, all wrapping uint64 (vectorised)."""
    index = np.asarray(index, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) + np.uint64(stream) * np.uint64(M1)) + (index + np.uint64(1)) * np.uint64(M2)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(M3)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(M4)
    return z ^ (z >> np.uint64(31))


def synthetic_uniform(np, seed, stream, index):
    return (synthetic_bits(np, seed, stream, index) >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def synthetic_column(np, seed, column, rows, columns):
    index = np.arange(rows, dtype=np.uint64) * np.uint64(columns) + np.uint64(column)
    scale = COLUMN_SCALES[column % len(COLUMN_SCALES)]
    kind = column & 3
    if kind == 0:
        return scale * (2.0 * synthetic_uniform(np, seed, 1, index) - 1.0)
    if kind == 1:
        z = synthetic_bits(np, seed, 2, index)
        u = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        magnitude = scale * (1.0 / (1.0 - u) - 1.0)
        return np.where((z & np.uint64(1)) == 0, magnitude, -magnitude)
    if kind == 2:
        base = index * np.uint64(4)
        s = ((synthetic_uniform(np, seed, 3, base) + synthetic_uniform(np, seed, 3, base + np.uint64(1)))
             + synthetic_uniform(np, seed, 3, base + np.uint64(2))) + synthetic_uniform(np, seed, 3, base + np.uint64(3))
        return scale * (s - 2.0)
    return np.floor(100.0 * synthetic_uniform(np, seed, 4, index))


def synthetic_features(np, seed, rows, columns):
    x = np.empty((rows, columns), dtype=np.float64)  # C order, as FeatureKit's row-major Matrix
    for j in range(columns):
        x[:, j] = synthetic_column(np, seed, j, rows, columns)
    return x


def synthetic_coefficients(columns):
    return [float((j % 5) - 2) / COLUMN_SCALES[j % len(COLUMN_SCALES)] for j in range(columns)]


def synthetic_targets(np, seed, x):
    beta = synthetic_coefficients(x.shape[1])
    total = np.zeros(x.shape[0])
    for j in range(x.shape[1]):
        total = total + x[:, j] * beta[j]
    regression = total + (synthetic_uniform(np, seed, 5, np.arange(x.shape[0], dtype=np.uint64)) - 0.5)
    return regression, (regression > 0).astype(np.float64)


def synthetic_uniform_matrix(np, seed, stream, rows, columns):
    """2u - 1 over a row-major matrix: element (i, j) has index i * columns + j."""
    index = np.arange(rows * columns, dtype=np.uint64)
    return (2.0 * synthetic_uniform(np, seed, stream, index) - 1.0).reshape(rows, columns)


def synthetic_categories(np, seed, rows, column, cardinality):
    u = synthetic_uniform(np, seed, 6 + column, np.arange(rows, dtype=np.uint64))
    return np.floor(float(cardinality) * (u * u)).astype(np.int64)



def synthetic_logistic(np, seed, rows, columns):
    """FeatureKit's SyntheticLogistic.problem: uniform [-1, 1) features (stream 13), labels
    Bernoulli(sigmoid(x beta + 0.5)) drawn with stream 14; exp is math.exp (glibc, as Swift's)."""
    import math
    x = synthetic_uniform_matrix(np, seed, 13, rows, columns)
    c = 2.0 / math.sqrt(float(max(columns, 1)))
    beta = [float((j % 5) - 2) * c for j in range(columns)]
    total = np.zeros(rows)
    for j in range(columns):
        total = total + x[:, j] * beta[j]
    z = total + 0.5
    p = np.array([1.0 / (1.0 + math.exp(-v)) for v in z.tolist()])
    u = synthetic_uniform(np, seed, 14, np.arange(rows, dtype=np.uint64))
    return x, (u < p).astype(np.float64)


def synthetic_logistic_checksum(np, x, y):
    """SyntheticLogistic.checksum: XOR of the feature bit patterns times an odd constant, plus the
    (wrapping) sum of row + 1 over positive labels."""
    h = np.bitwise_xor.reduce(np.ascontiguousarray(x).view(np.uint64).ravel()) if x.size else np.uint64(0)
    labels = int(np.sum(np.nonzero(y == 1)[0].astype(np.uint64) + np.uint64(1), dtype=np.uint64))
    return (int(h) * M2 + labels) % (1 << 64)

# ---------------------------------------------------------------------------------------------
# Workloads: each `prepare_*` builds its inputs (untimed) and returns (peer description, run()).

def prepare_memory(np, args):
    kernel, n = args["kernel"], int(args["elements"])
    a = np.ones(n)
    b = np.zeros(n)
    state = {"factor": 2.0}
    if kernel == "read":
        return "numpy a.sum()", lambda: a.sum()
    if kernel == "write":
        return "numpy b.fill(1.0)", lambda: b.fill(1.0)
    if kernel == "copy":
        return "numpy np.copyto(b, a)", lambda: np.copyto(b, a)
    if kernel == "scale":
        def scale():
            np.multiply(a, state["factor"], out=a)
            state["factor"] = 0.5 if state["factor"] == 2.0 else 2.0
        return "numpy np.multiply(a, f, out=a)", scale
    raise ValueError(f"unknown memory kernel {kernel!r}")


def prepare_dgemm(np, args):
    n, seed = int(args["n"]), int(args["seed"])
    a = synthetic_uniform_matrix(np, seed, 10, n, n)
    b = synthetic_uniform_matrix(np, seed, 11, n, n)
    c = np.empty((n, n))
    return "numpy np.matmul(a, b, out=c)", lambda: np.matmul(a, b, out=c)


def prepare_dsyrk(np, args):
    rows, cols, seed = int(args["rows"]), int(args["cols"]), int(args["seed"])
    x = synthetic_uniform_matrix(np, seed, 12, rows, cols)
    return "numpy x.T @ x", lambda: x.T @ x


def _features(np, args):
    return synthetic_features(np, int(args["seed"]), int(args["rows"]), int(args["cols"]))


def _sklearn_scaler(kind, copy=True):
    from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
    return {"standard": lambda: StandardScaler(copy=copy), "minmax": lambda: MinMaxScaler(copy=copy),
            "maxabs": lambda: MaxAbsScaler(copy=copy)}[kind]()


def _polars_scaler_expressions(pl, kind, columns):
    if kind == "standard":
        return [((pl.col(c) - pl.col(c).mean()) / pl.col(c).std(ddof=0)).alias(c) for c in columns]
    if kind == "minmax":
        return [((pl.col(c) - pl.col(c).min()) / (pl.col(c).max() - pl.col(c).min())).alias(c) for c in columns]
    return [(pl.col(c) / pl.col(c).abs().max()).alias(c) for c in columns]


def prepare_scaler_fit_transform(np, args):
    """fit + transform to a new dense matrix: scikit-learn's fit_transform, or polars expressions
    materialised with to_numpy() (FeatureKit's output is a dense matrix too)."""
    kind, lib = args["scaler"], args["lib"]
    x = _features(np, args)
    if lib == "sklearn":
        return f"sklearn {type(_sklearn_scaler(kind)).__name__}().fit_transform(X)", lambda: _sklearn_scaler(kind).fit_transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns)
    expressions = _polars_scaler_expressions(pl, kind, columns)
    return "polars df.select(scaler expressions).to_numpy()", lambda: frame.select(expressions).to_numpy()


def prepare_scaler_transform_inplace(np, args):
    """transform in place (copy=False), alternating with inverse_transform so the data stays put,
    exactly as FeatureKit's side of the workload does."""
    kind = args["scaler"]
    x = _features(np, args)
    scaler = _sklearn_scaler(kind, copy=False).fit(x)
    state = {"forward": True}

    def run():
        if state["forward"]:
            scaler.transform(x)
        else:
            scaler.inverse_transform(x)
        state["forward"] = not state["forward"]
    return f"sklearn {type(scaler).__name__}(copy=False).transform(X) / inverse_transform, alternating", run


def _logistic_objective(np, x, y, model, c):
    z = x @ model.coef_[0] + model.intercept_[0]
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 / (c * x.shape[0]) * np.sum(model.coef_ ** 2))


def prepare_logistic_fit(np, args):
    """LogisticRegression(C=1, solver=S, tol=T, max_iter=M).fit on SyntheticData's binary target;
    the warm-up fit's relative objective gap to FeatureKit's reference optimum goes in the description."""
    import warnings
    from sklearn.linear_model import LogisticRegression
    x = _features(np, args)
    _, y = synthetic_targets(np, int(args["seed"]), x)
    solver, tol, max_iter = args["solver"], float(args["tol"]), int(args.get("maxIter", "100"))
    reference = float(args["reference"])

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return LogisticRegression(C=1.0, solver=solver, tol=tol, max_iter=max_iter).fit(x, y)
    model = fit()
    gap = (_logistic_objective(np, x, y, model, 1.0) - reference) / abs(reference)
    reached = "" if gap <= 1e-10 else " ABOVE 1e-10"
    return (f"sklearn LogisticRegression(solver={solver!r}, tol={tol:g}, max_iter={max_iter}).fit "
            f"[n_iter {int(np.max(model.n_iter_))}, relative objective gap {gap:.2e}{reached}]"), fit


def prepare_logistic_fit_wellposed(np, args):
    """LogisticRegression(C=1, solver=S, tol=T, max_iter=M).fit on SyntheticLogistic's problem, at the
    loosest tol of the ladder (args "tols") whose fit reaches FeatureKit's reference optimum
    (relative gap <= targetGap): the search is untimed; tol, n_iter and gap go in the description."""
    import warnings
    from sklearn.linear_model import LogisticRegression
    rows, cols, seed = int(args["rows"]), int(args["cols"]), int(args["seed"])
    x, y = synthetic_logistic(np, seed, rows, cols)
    checksum = synthetic_logistic_checksum(np, x, y)
    if checksum != int(args["checksum"]):
        raise ValueError(f"data differ from FeatureKit's: checksum {checksum} != {args['checksum']}")
    solver, max_iter = args["solver"], int(args["maxIter"])
    reference, target = float(args["reference"]), float(args["targetGap"])

    def make(tol):
        def fit():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return LogisticRegression(C=1.0, solver=solver, tol=tol, max_iter=max_iter).fit(x, y)
        return fit
    for tol in [float(t) for t in args["tols"].split(",")]:
        fit = make(tol)
        model = fit()
        gap = (_logistic_objective(np, x, y, model, 1.0) - reference) / abs(reference)
        if gap <= target:
            break
    reached = "" if gap <= target else f" ABOVE {target:g}"
    return (f"sklearn LogisticRegression(solver={solver!r}, tol={tol:g}, max_iter={max_iter}).fit "
            f"[n_iter {int(np.max(model.n_iter_))}, relative objective gap {gap:.2e}{reached}]"), fit


def prepare_logistic_predict_proba(np, args):
    """predict_proba of a model with FeatureKit's workload shape (fitted once, untimed, 20 L-BFGS iterations)."""
    from sklearn.linear_model import LogisticRegression
    x = _features(np, args)
    _, y = synthetic_targets(np, int(args["seed"]), x)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit: predict_proba's cost does not depend on the optimum
        model = LogisticRegression(max_iter=20).fit(x, y)
    return "sklearn LogisticRegression.predict_proba(X)", lambda: model.predict_proba(x)


def prepare_linear_fit(np, args):
    """scikit-learn LinearRegression().fit or Ridge(alpha=1, solver="cholesky").fit on the canonical
    features and their regression target (FeatureKit's LinearModelSuite)."""
    from sklearn.linear_model import LinearRegression, Ridge
    x = _features(np, args)
    y, _ = synthetic_targets(np, int(args["seed"]), x)
    if args["model"] == "ridge":
        return "sklearn Ridge(alpha=1.0, solver='cholesky').fit(X, y)", lambda: Ridge(alpha=1.0, solver="cholesky").fit(x, y)
    return "sklearn LinearRegression().fit(X, y)", lambda: LinearRegression().fit(x, y)


def prepare_ingest_csv(np, args):
    """Read the CSV file FeatureKit wrote (same path, same bytes): pandas' C engine with its default
    float parser, or polars (multi-threaded, POLARS_MAX_THREADS as FeatureKit's thread count)."""
    path, lib = args["path"], args["lib"]
    if lib == "pandas":
        import pandas as pd
        return 'pandas.read_csv(path, engine="c")', lambda: pd.read_csv(path, engine="c")
    import polars as pl
    return "polars.read_csv(path)", lambda: pl.read_csv(path)


def prepare_ingest_npy(np, args):
    path = args["path"]
    return "numpy.load(path)", lambda: np.load(path)


def _features_with_holes(np, args):
    """The canonical features with NaN at every flat (row-major) index divisible by 97, as
    QuantileSuite.withHoles."""
    x = _features(np, args).copy()
    x.reshape(-1)[::97] = np.nan
    return x


def prepare_quantile_robust(np, args):
    x = _features(np, args)
    if args["lib"] == "sklearn":
        from sklearn.preprocessing import RobustScaler
        return "sklearn RobustScaler().fit_transform(X)", lambda: RobustScaler().fit_transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns)
    expressions = [((pl.col(c) - pl.col(c).median())
                    / (pl.col(c).quantile(0.75, interpolation="linear") - pl.col(c).quantile(0.25, interpolation="linear"))).alias(c)
                   for c in columns]
    return "polars (col - median) / (q75 - q25), to_numpy()", lambda: frame.select(expressions).to_numpy()


def prepare_quantile_kbins(np, args):
    x = _features(np, args)
    if args["lib"] == "sklearn":
        from sklearn.preprocessing import KBinsDiscretizer
        make = lambda: KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile", subsample=None)
        return "sklearn KBinsDiscretizer(5, ordinal, quantile, subsample=None).fit_transform(X)", lambda: make().fit_transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns)
    expressions = [pl.col(c).qcut(5, left_closed=True, allow_duplicates=True).to_physical().alias(c) for c in columns]
    return "polars col.qcut(5).to_physical(), to_numpy()", lambda: frame.select(expressions).to_numpy()


def prepare_quantile_impute_mean(np, args):
    x = _features_with_holes(np, args)
    if args["lib"] == "sklearn":
        from sklearn.impute import SimpleImputer
        return "sklearn SimpleImputer().fit_transform(X)", lambda: SimpleImputer().fit_transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns, nan_to_null=True)  # polars' missing marker is null
    expressions = [pl.col(c).fill_null(pl.col(c).mean()).alias(c) for c in columns]
    return "polars fill_null(mean), to_numpy()", lambda: frame.select(expressions).to_numpy()


def prepare_shape_polynomial(np, args):
    """PolynomialFeatures(degree 2, bias) fit + transform to a dense matrix, or the same columns as
    polars expressions (1, x_i, x_i * x_j for i <= j) materialised with to_numpy()."""
    x = _features(np, args)
    if args["lib"] == "sklearn":
        from sklearn.preprocessing import PolynomialFeatures
        return "sklearn PolynomialFeatures(2).fit_transform(X)", lambda: PolynomialFeatures(2).fit_transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns)
    expressions = [pl.lit(1.0).alias("1")] + [pl.col(c) for c in columns]
    for i in range(len(columns)):
        for j in range(i, len(columns)):
            expressions.append((pl.col(columns[i]) * pl.col(columns[j])).alias(f"{columns[i]} {columns[j]}"))
    return "polars df.select(1, x_i, x_i * x_j).to_numpy()", lambda: frame.select(expressions).to_numpy()


def prepare_shape_normalizer(np, args):
    """Normalizer(l2).transform into a new matrix, or polars x / sqrt(sum_horizontal(x^2))."""
    x = _features(np, args)
    if args["lib"] == "sklearn":
        from sklearn.preprocessing import Normalizer
        normalizer = Normalizer().fit(x)
        return "sklearn Normalizer().transform(X)", lambda: normalizer.transform(x)
    import polars as pl
    columns = [f"x{j}" for j in range(x.shape[1])]
    frame = pl.DataFrame(x, schema=columns)
    norm = pl.sum_horizontal([pl.col(c) * pl.col(c) for c in columns]).sqrt()
    return "polars df.select(x / sqrt(sum_horizontal(x^2))).to_numpy()", \
        lambda: frame.select([(pl.col(c) / norm).alias(c) for c in columns]).to_numpy()


def prepare_shape_power_transform(np, args):
    """PowerTransformer (Yeo-Johnson, standardize) fitted untimed on the first fit_rows rows, then
    transform of the whole matrix (copy=True: a new matrix, as FeatureKit's)."""
    from sklearn.preprocessing import PowerTransformer
    x = _features(np, args)
    fitted = PowerTransformer().fit(x[: int(args["fit_rows"])])
    return "sklearn PowerTransformer().transform(X)", lambda: fitted.transform(x)


def prepare_encoding_onehot(np, args):
    """OneHotEncoder fit + transform on the synthetic integer categories (cardinalities 10, 100,
    1,000, 10,000): scikit-learn sparse (CSR) or dense (sparse_output=False), or polars
    to_dummies().to_numpy() (UInt8 output) for the dense case, and with lib "polars-f64" the same
    converted to the Float64 matrix FeatureKit writes by default."""
    rows, seed, columns = int(args["rows"]), int(args["seed"]), int(args["columns"])
    dense, lib = args["dense"] == "1", args["lib"]
    x = np.stack([synthetic_categories(np, seed, rows, j, c) for j, c in enumerate(CATEGORY_CARDINALITIES[:columns])], axis=1)
    if lib == "sklearn":
        from sklearn.preprocessing import OneHotEncoder
        return (f"sklearn OneHotEncoder(sparse_output={not dense}).fit_transform(X int64 {rows}x{columns})",
                lambda: OneHotEncoder(sparse_output=not dense).fit_transform(x))
    import polars as pl
    frame = pl.DataFrame({f"c{j}": x[:, j] for j in range(columns)})
    if lib == "polars-f64":
        # The same Float64 matrix FeatureKit's default dtype writes; astype was the fastest way
        # measured (cast(pl.Float64) before to_numpy took 1.3x as long).
        return ("polars df.to_dummies().to_numpy().astype(np.float64)",
                lambda: frame.to_dummies().to_numpy().astype(np.float64))
    return "polars df.to_dummies().to_numpy() (UInt8)", lambda: frame.to_dummies().to_numpy()


def prepare_encoding_onehot_uint8(np, args):
    """Dense OneHotEncoder fit + transform with UInt8 output on the synthetic integer categories:
    scikit-learn OneHotEncoder(sparse_output=False, dtype=np.uint8), or polars
    to_dummies().to_numpy() (UInt8)."""
    rows, seed, columns = int(args["rows"]), int(args["seed"]), int(args["columns"])
    x = np.stack([synthetic_categories(np, seed, rows, j, c) for j, c in enumerate(CATEGORY_CARDINALITIES[:columns])], axis=1)
    if args["lib"] == "sklearn":
        from sklearn.preprocessing import OneHotEncoder
        return (f"sklearn OneHotEncoder(sparse_output=False, dtype=np.uint8).fit_transform(X int64 {rows}x{columns})",
                lambda: OneHotEncoder(sparse_output=False, dtype=np.uint8).fit_transform(x))
    import polars as pl
    frame = pl.DataFrame({f"c{j}": x[:, j] for j in range(columns)})
    return "polars df.to_dummies().to_numpy() (UInt8)", lambda: frame.to_dummies().to_numpy()


def prepare_pipeline_impute_scale_poly(np, args):
    """scikit-learn's Pipeline on the features with NaN holes (as QuantileSuite.withHoles), fitted and
    applied as FeatureKit's PipelineSuite does: fit_transform to a dense matrix."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler
    x = _features_with_holes(np, args)
    make = lambda: make_pipeline(SimpleImputer(), StandardScaler(), PolynomialFeatures(2))
    return "sklearn make_pipeline(SimpleImputer(), StandardScaler(), PolynomialFeatures(2)).fit_transform(X)", lambda: make().fit_transform(x)


WORKLOADS = {"memory": prepare_memory, "blas.dgemm": prepare_dgemm, "blas.dsyrk": prepare_dsyrk,
             "scaler.fit_transform": prepare_scaler_fit_transform,
             "scaler.transform_inplace": prepare_scaler_transform_inplace,
             "linear.fit": prepare_linear_fit,
             "ingest.csv": prepare_ingest_csv, "ingest.npy": prepare_ingest_npy,
             "quantile.robust": prepare_quantile_robust, "quantile.kbins": prepare_quantile_kbins,
             "quantile.impute_mean": prepare_quantile_impute_mean,
             "shape.polynomial": prepare_shape_polynomial,
             "shape.normalizer": prepare_shape_normalizer,
             "shape.power_transform": prepare_shape_power_transform,
             "encoding.onehot": prepare_encoding_onehot,
             "encoding.onehot_uint8": prepare_encoding_onehot_uint8,
             "pipeline.impute_scale_poly": prepare_pipeline_impute_scale_poly,
             "logistic.fit": prepare_logistic_fit, "logistic.predict_proba": prepare_logistic_predict_proba,
             "logistic.fit_wellposed": prepare_logistic_fit_wellposed}


def versions():
    import numpy
    result = {"python": sys.version.split()[0], "numpy": numpy.__version__}
    for name in ("scipy", "sklearn", "pandas", "polars", "threadpoolctl"):
        try:
            module = __import__(name)
            result[name] = module.__version__
        except ImportError:
            result[name] = None
    return result


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: v for k, v in info.items() if k in ("internal_api", "version", "architecture", "num_threads", "threading_layer")}
                for info in threadpool_info()]
    except ImportError:
        return []


def serve(threads):
    import numpy as np
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(limits=threads)
    except ImportError:
        limiter = None
    prepared = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "info":
                reply = {"versions": versions(), "blas": blas_info(), "threads": threads}
            elif op == "prepare":
                prepared = None
                name = request["workload"]
                if name not in WORKLOADS:
                    raise ValueError(f"no peer for workload {name!r}")
                description, run = WORKLOADS[name](np, request.get("args", {}))
                run()  # warm-up, untimed
                prepared = run
                reply = {"ok": True, "peer": description}
            elif op == "run":
                if prepared is None:
                    raise ValueError("run before prepare")
                start = time.perf_counter()
                prepared()
                reply = {"seconds": time.perf_counter() - start}
            elif op == "quit":
                break
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as error:  # reported to the harness, which names the workload
            reply = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    del limiter


def fixture():
    """A small sample of every generator, as hex floats, for FeatureKit's bit-for-bit test."""
    import numpy as np
    x = synthetic_features(np, 42, 5, 9)
    regression, binary = synthetic_targets(np, 42, x)
    out = {
        "seed": 42,
        "features_5x9": [[float(v).hex() for v in row] for row in x],
        "regression": [float(v).hex() for v in regression],
        "binary": [float(v).hex() for v in binary],
        "uniform_matrix_stream10_3x4": [[float(v).hex() for v in row] for row in synthetic_uniform_matrix(np, 42, 10, 3, 4)],
        "categories": {str(c): synthetic_categories(np, 42, 6, i, c).tolist() for i, c in enumerate(CATEGORY_CARDINALITIES)},
        "bits_seed1_stream0": [int(v) for v in synthetic_bits(np, 1, 0, np.arange(4, dtype=np.uint64))],
    }
    print(json.dumps(out, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="answer the harness's JSON requests on stdin")
    s.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    sub.add_parser("fixture", help="print the generator sample for FeatureKit's tests")
    sub.add_parser("info", help="print library versions and BLAS")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.threads)
    elif args.command == "fixture":
        fixture()
    else:
        print(json.dumps({"versions": versions(), "blas": blas_info()}, indent=1))


if __name__ == "__main__":
    main()
