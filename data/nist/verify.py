#!/usr/bin/env python3
"""Check the transcribed NIST StRD files against NIST's certified values in exact arithmetic.

Each CSV (y, x) is read as exact decimals; the least-squares fit of y on the stated polynomial
design is solved exactly with rationals (normal equations are exact in rational arithmetic), and
coefficients, their standard deviations, the residual standard deviation and R^2 are compared
with certified.json to 13 significant digits (the certified values carry 15). A mismatch means a
transcription error in the data or in the certified values.

It also writes double_exact.json: the exact least-squares solution of the problem a
double-precision program actually sees (y and x rounded to doubles, x^k formed by the C library's
pow, which Swift and Python share on this platform), correctly rounded to doubles (float.hex).
Against it a solver's own error is measured apart from the data's rounding. Standard library only:
    python3 data/nist/verify.py
"""
import csv, json, sys
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

getcontext().prec = 60
HERE = Path(__file__).resolve().parent


def solve(a, b):
    """Gauss-Jordan elimination on exact rationals: returns a^-1 b and a^-1."""
    n = len(a)
    m = [row[:] + [b[i]] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for c in range(n):
        p = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[p] = m[p], m[c]
        pivot = m[c][c]
        m[c] = [v / pivot for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[c])]
    return [m[i][n] for i in range(n)], [m[i][n + 1:] for i in range(n)]


def sqrt(q):
    return (Decimal(q.numerator) / Decimal(q.denominator)).sqrt()


def agrees(value, certified, digits=13):
    certified = Decimal(repr(certified))
    if certified == 0:
        return abs(value) < Decimal("1e-30")
    return abs((Decimal(value) - certified) / certified) < Decimal(10) ** -digits


def check(problem):
    with open(HERE / problem["file"], newline="") as f:
        rows = list(csv.DictReader(f))
    y = [Fraction(r["y"]) for r in rows]
    xs = [Fraction(r["x"]) for r in rows]
    powers = range(0 if problem["intercept"] else 1, problem["degree"] + 1)
    x = [[xi ** k for k in powers] for xi in xs]
    p, n = len(x[0]), len(x)
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(p)] for i in range(p)]
    xty = [sum(r[i] * yi for r, yi in zip(x, y)) for i in range(p)]
    b, inverse = solve(xtx, xty)
    rss = sum((yi - sum(bi * ri for bi, ri in zip(b, r))) ** 2 for r, yi in zip(x, y))
    s2 = rss / (n - p)
    if problem["intercept"]:
        mean = sum(y) / n
        tss = sum((yi - mean) ** 2 for yi in y)
    else:
        tss = sum(yi * yi for yi in y)
    r2 = 1 - rss / tss
    failures = []
    for i, (bi, ci) in enumerate(zip(b, problem["b"])):
        if not agrees(Decimal(bi.numerator) / Decimal(bi.denominator), ci):
            failures.append(f"b{i}")
    for i, ci in enumerate(problem["sd"]):
        if not agrees(sqrt(s2 * inverse[i][i]), ci):
            failures.append(f"sd{i}")
    if not agrees(sqrt(s2), problem["residual_sd"]):
        failures.append("residual_sd")
    if not agrees(Decimal(r2.numerator) / Decimal(r2.denominator), problem["r2"]):
        failures.append("r2")
    return n, failures


def double_exact(problem):
    """Exact least squares of the double-rounded design; coefficients in certified order."""
    import math
    with open(HERE / problem["file"], newline="") as f:
        rows = list(csv.DictReader(f))
    y = [Fraction(float(r["y"])) for r in rows]
    powers = range(0 if problem["intercept"] else 1, problem["degree"] + 1)
    x = [[Fraction(math.pow(float(r["x"]), k)) if k else Fraction(1) for k in powers] for r in rows]
    p = len(x[0])
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(p)] for i in range(p)]
    xty = [sum(r[i] * yi for r, yi in zip(x, y)) for i in range(p)]
    b, _ = solve(xtx, xty)
    return [float(bi).hex() for bi in b]  # Fraction -> float is correctly rounded


def main():
    certified = json.loads((HERE / "certified.json").read_text())
    bad = 0
    exact = {}
    for problem in certified["problems"]:
        n, failures = check(problem)
        print(f"{problem['name']:9s} n={n:3d}: " + ("ok" if not failures else "MISMATCH " + ", ".join(failures)))
        bad += bool(failures)
        exact[problem["name"]] = double_exact(problem)
    (HERE / "double_exact.json").write_text(json.dumps(exact, indent=1) + "\n")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
