#!/usr/bin/env python3
"""Writes data/reference/logistic.json: scikit-learn 1.9.1 LogisticRegression reference optima.

Run through `make reference` (pinned venv, data/reference/requirements.txt). Every case holds the
design X (as float.hex()), the labels, optional sample weights, the configuration, and the
reference optimum from `solver="newton-cholesky"` at tol=1e-12 (quadratically convergent, so its
gradient is at rounding level), plus the `lbfgs` solution at tol=1e-12 / max_iter=100000 for
comparison, the probabilities on X, and the objective

    f = sum_i s_i loss_i / sum_i s_i + 1 / (2 C sum_i s_i) ||coef||^2

computed here in NumPy from the definition (s_i = sample weight x class weight), so the Swift
test can compare objective values at the reference optimum and at its own.

Cases: iris (multinomial, C=1 and C=inf on standardised X), wine (multinomial, standardised,
C=0.5), diabetes as a binary problem (y > median; C=1 and C=inf), and seeded synthetic binary and
4-class string-labelled problems with sample weights, class_weight="balanced" and an explicit
class weight, with and without intercept.
"""
import json
import os

import numpy as np
import sklearn
from scipy.special import logsumexp
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight

HERE = os.path.dirname(os.path.abspath(__file__))


def hexes(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float(a).hex()
    return [hexes(v) for v in a]


def standardise(x):
    return (x - x.mean(axis=0)) / x.std(axis=0)


def objective(x, y, classes, coef, intercept, weights, c):
    z = x @ coef.T + intercept
    idx = np.searchsorted(classes, y)
    if len(classes) == 2:
        z = z[:, 0]
        yb = (idx == 1).astype(float)
        loss = np.logaddexp(0, z) - yb * z
    else:
        loss = logsumexp(z, axis=1) - z[np.arange(len(y)), idx]
    s = weights.sum()
    penalty = 0.0 if np.isinf(c) else 0.5 / (c * s) * np.sum(coef ** 2)
    return float(np.sum(weights * loss) / s + penalty)


def effective_weights(y, classes, sample_weight, class_weight):
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    if class_weight is None:
        return sw
    cw = compute_class_weight(class_weight, classes=classes, y=y, sample_weight=sw)
    return sw * cw[np.searchsorted(classes, y)]


def case(name, x, y, c=1.0, fit_intercept=True, sample_weight=None, class_weight=None):
    kwargs = dict(C=c, fit_intercept=fit_intercept, class_weight=class_weight)
    ref = LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=1000, **kwargs)
    ref.fit(x, y, sample_weight=sample_weight)
    lb = LogisticRegression(solver="lbfgs", tol=1e-12, max_iter=100000, **kwargs)
    lb.fit(x, y, sample_weight=sample_weight)
    classes = ref.classes_
    w = effective_weights(y, classes, sample_weight, class_weight)
    labels = [str(v) for v in y] if y.dtype.kind in "US" else [int(v) for v in y]
    explicit = None
    if isinstance(class_weight, dict):
        explicit = [[str(k) if isinstance(k, str) else int(k), float(v).hex()] for k, v in class_weight.items()]
    return {
        "name": name,
        "x": hexes(x), "y": labels,
        "sampleWeight": None if sample_weight is None else hexes(sample_weight),
        "C": "inf" if np.isinf(c) else float(c).hex(),
        "fitIntercept": fit_intercept,
        "classWeight": "balanced" if class_weight == "balanced" else ("explicit" if explicit else None),
        "classWeightTable": explicit,
        "classes": [str(v) if isinstance(v, str) else int(v) for v in classes.tolist()],
        "coef": hexes(ref.coef_), "intercept": hexes(np.atleast_1d(ref.intercept_)),
        "proba": hexes(ref.predict_proba(x)),
        "objective": float(objective(x, y, classes, ref.coef_, ref.intercept_ if fit_intercept else 0.0, w, c)).hex(),
        "lbfgsCoef": hexes(lb.coef_), "lbfgsIntercept": hexes(np.atleast_1d(lb.intercept_)),
        "lbfgsObjective": float(objective(x, y, classes, lb.coef_, lb.intercept_ if fit_intercept else 0.0, w, c)).hex(),
        "lbfgsIterations": int(np.max(lb.n_iter_)),
        "newtonIterations": int(np.max(ref.n_iter_)),
    }


def main():
    cases = []
    iris = datasets.load_iris()
    xi = standardise(iris.data)
    cases.append(case("iris multinomial C=1", xi, iris.target))
    cases.append(case("iris multinomial C=100", xi, iris.target, c=100.0))
    wine = datasets.load_wine()
    cases.append(case("wine multinomial C=0.5", standardise(wine.data), wine.target, c=0.5))
    diabetes = datasets.load_diabetes()
    yd = (diabetes.target > np.median(diabetes.target)).astype(int)
    xd = standardise(diabetes.data)
    cases.append(case("diabetes binary C=1", xd, yd))
    cases.append(case("diabetes binary unpenalised", xd, yd, c=np.inf))
    cases.append(case("diabetes binary no intercept", xd, yd, c=2.0, fit_intercept=False))

    rng = np.random.default_rng(20261127)
    n, d = 400, 6
    xs = rng.normal(size=(n, d)) * np.array([1, 2, 0.5, 3, 1, 0.1]) + np.array([0, 1, -2, 0, 5, 0])
    beta = rng.normal(size=d)
    p = 1 / (1 + np.exp(-(xs @ beta - 1.5)))
    ys = (rng.random(n) < p).astype(int)
    sw = rng.uniform(0.1, 3.0, size=n)
    cases.append(case("synthetic binary weighted", xs, ys, sample_weight=sw))
    cases.append(case("synthetic binary balanced", xs, ys, class_weight="balanced", sample_weight=sw))
    cases.append(case("synthetic binary unpenalised balanced", xs, ys, c=np.inf, class_weight="balanced"))
    z = xs @ rng.normal(size=(d, 4))
    labels = np.array(["beta", "alpha", "delta", "gamma"])
    ym = labels[np.argmax(z + rng.gumbel(size=z.shape) * 2, axis=1)]
    cases.append(case("synthetic 4-class strings weighted", xs, ym, c=0.3, sample_weight=sw))
    cases.append(case("synthetic 4-class explicit class weight", xs, ym, c=3.0,
                      class_weight={"alpha": 2.0, "gamma": 0.5}))

    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}
    with open(os.path.join(HERE, "logistic.json"), "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    for c in cases:
        print(f"{c['name']}: newton iterations {c['newtonIterations']}, lbfgs iterations {c['lbfgsIterations']}, "
              f"objective {float.fromhex(c['objective']):.17g} vs lbfgs {float.fromhex(c['lbfgsObjective']):.17g}")


if __name__ == "__main__":
    main()
