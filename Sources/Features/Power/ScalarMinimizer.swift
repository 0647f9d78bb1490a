/// One-dimensional minimisers transcribed from SciPy 1.17 (`scipy/optimize/_optimize.py`), step
/// for step, so that PowerTransformer's lambdas follow the same path as scikit-learn's:
/// `bracket` + `brent` (`Brent.optimize`, used by `scipy.stats.boxcox_normmax`) and `bounded`
/// (`_minimize_scalar_bounded`, i.e. `fminbound`, used by `scipy.stats.yeojohnson_normmax`).
///
/// With the same objective values the iterates are identical; the objectives here agree with
/// SciPy's to a few ulps (same pairwise summation as NumPy, glibc's log/exp instead of NumPy's),
/// so the minimisers agree to well within the stopping tolerance (`1.48e-8`, relative for Brent,
/// absolute for the bounded method) unless the likelihood is flat to rounding near its optimum.
enum ScalarMinimizer {
    /// The minimiser's answer.
    struct Result: Sendable, Equatable {
        var x: Double
        var fx: Double
        var evaluations: Int
        /// False when the iteration limit was reached or NaN appeared.
        var converged: Bool
    }

    /// A bracket search that found no valid bracket (SciPy's `BracketError` / `RuntimeError`).
    struct BracketFailure: Error, Sendable {
        let reason: String
    }

    /// `scipy.optimize.bracket(func, xa, xb)`: a downhill search for `xa < xb < xc` (or reversed)
    /// with `f(xb)` below both ends.
    static func bracket(_ f: (Double) -> Double, xa startA: Double, xb startB: Double,
                        growLimit: Double = 110, maxIterations: Int = 1000) throws
        -> (xa: Double, xb: Double, xc: Double, fa: Double, fb: Double, fc: Double, calls: Int) {
        let gold = 1.618034
        let verySmall = 1e-21
        var xa = startA, xb = startB
        var fa = f(xa), fb = f(xb)
        if fa < fb { swap(&xa, &xb); swap(&fa, &fb) }
        var xc = xb + gold * (xb - xa)
        var fc = f(xc)
        var calls = 3
        var iteration = 0
        while fc < fb {
            let tmp1 = (xb - xa) * (fb - fc)
            let tmp2 = (xb - xc) * (fb - fa)
            let val = tmp2 - tmp1
            let denom = abs(val) < verySmall ? 2.0 * verySmall : 2.0 * val
            var w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom
            let wlim = xb + growLimit * (xc - xb)
            if iteration > maxIterations {
                throw BracketFailure(reason: "no valid bracket was found before the iteration limit")
            }
            iteration += 1
            var fw: Double
            if (w - xc) * (xb - w) > 0.0 {
                fw = f(w); calls += 1
                if fw < fc {
                    xa = xb; xb = w; fa = fb; fb = fw
                    break
                } else if fw > fb {
                    xc = w; fc = fw
                    break
                }
                w = xc + gold * (xc - xb)
                fw = f(w); calls += 1
            } else if (w - wlim) * (wlim - xc) >= 0.0 {
                w = wlim
                fw = f(w); calls += 1
            } else if (w - wlim) * (xc - w) > 0.0 {
                fw = f(w); calls += 1
                if fw < fc {
                    xb = xc; xc = w
                    w = xc + gold * (xc - xb)
                    fb = fc; fc = fw
                    fw = f(w); calls += 1
                }
            } else {
                w = xc + gold * (xc - xb)
                fw = f(w); calls += 1
            }
            xa = xb; xb = xc; xc = w
            fa = fb; fb = fc; fc = fw
        }
        let cond1 = (fb < fc && fb <= fa) || (fb < fa && fb <= fc)
        let cond2 = (xa < xb && xb < xc) || (xc < xb && xb < xa)
        let cond3 = xa.isFinite && xb.isFinite && xc.isFinite
        guard cond1 && cond2 && cond3 else {
            throw BracketFailure(reason: "the likelihood has no interior maximum along the downhill search (no valid bracket)")
        }
        return (xa, xb, xc, fa, fb, fc, calls)
    }

    /// `scipy.optimize.brent(func, brack=(a, b), tol=1.48e-8, maxiter=500)`: Brent's method
    /// (golden section with inverse parabolic steps) inside the bracket found from `(a, b)`.
    /// - Throws: `BracketFailure` when the bracket search fails, as SciPy raises.
    static func brent(_ f: (Double) -> Double, bracket start: (Double, Double),
                      tolerance: Double = 1.48e-8, maxIterations: Int = 500) throws -> Result {
        let (xa, xb, xc, _, fb, _, calls0) = try bracket(f, xa: start.0, xb: start.1)
        let mintol = 1.0e-11
        let cg = 0.3819660
        var x = xb, w = xb, v = xb
        var fw = fb, fv = fb, fx = fb
        var a = xa < xc ? xa : xc
        var b = xa < xc ? xc : xa
        var deltax = 0.0
        var rat = 0.0
        var iteration = 0
        var calls = calls0
        while iteration < maxIterations {
            let tol1 = tolerance * abs(x) + mintol
            let tol2 = 2.0 * tol1
            let xmid = 0.5 * (a + b)
            if abs(x - xmid) < (tol2 - 0.5 * (b - a)) { break }
            if abs(deltax) <= tol1 {
                deltax = x >= xmid ? a - x : b - x   // golden section step
                rat = cg * deltax
            } else {                                  // parabolic step
                let tmp1 = (x - w) * (fx - fv)
                var tmp2 = (x - v) * (fx - fw)
                var p = (x - v) * tmp2 - (x - w) * tmp1
                tmp2 = 2.0 * (tmp2 - tmp1)
                if tmp2 > 0.0 { p = -p }
                tmp2 = abs(tmp2)
                let dxTemp = deltax
                deltax = rat
                if p > tmp2 * (a - x) && p < tmp2 * (b - x) && abs(p) < abs(0.5 * tmp2 * dxTemp) {
                    rat = p * 1.0 / tmp2
                    let u = x + rat
                    if (u - a) < tol2 || (b - u) < tol2 {
                        rat = xmid - x >= 0 ? tol1 : -tol1
                    }
                } else {
                    deltax = x >= xmid ? a - x : b - x
                    rat = cg * deltax
                }
            }
            let u: Double
            if abs(rat) < tol1 {
                u = rat >= 0 ? x + tol1 : x - tol1
            } else {
                u = x + rat
            }
            let fu = f(u)
            calls += 1
            if fu > fx {
                if u < x { a = u } else { b = u }
                if fu <= fw || w == x {
                    v = w; w = u; fv = fw; fw = fu
                } else if fu <= fv || v == x || v == w {
                    v = u; fv = fu
                }
            } else {
                if u >= x { a = x } else { b = x }
                v = w; w = x; x = u
                fv = fw; fw = fx; fx = fu
            }
            iteration += 1
        }
        return Result(x: x, fx: fx, evaluations: calls,
                      converged: iteration < maxIterations && !x.isNaN && !fx.isNaN)
    }

    /// `scipy.optimize.fminbound(func, lower, upper, xtol=xatol, maxfun=500)`: Brent's bounded
    /// minimisation (golden section with parabolic steps, never evaluating outside the bounds).
    static func bounded(_ f: (Double) -> Double, lower: Double, upper: Double,
                        xatol: Double = 1e-5, maxEvaluations: Int = 500) -> Result {
        let sqrtEps = (2.2e-16).squareRoot()
        let goldenMean = 0.5 * (3.0 - (5.0).squareRoot())
        var a = lower, b = upper
        var fulc = a + goldenMean * (b - a)
        var nfc = fulc, xf = fulc
        var rat = 0.0, e = 0.0
        var x = xf
        var fx = f(x)
        var num = 1
        var fu = Double.infinity
        var ffulc = fx, fnfc = fx
        var xm = 0.5 * (a + b)
        var tol1 = sqrtEps * abs(xf) + xatol / 3.0
        var tol2 = 2.0 * tol1
        var limitReached = false
        while abs(xf - xm) > (tol2 - 0.5 * (b - a)) {
            var golden = true
            if abs(e) > tol1 {                        // check for a parabolic fit
                golden = false
                var r = (xf - nfc) * (fx - ffulc)
                var q = (xf - fulc) * (fx - fnfc)
                var p = (xf - fulc) * q - (xf - nfc) * r
                q = 2.0 * (q - r)
                if q > 0.0 { p = -p }
                q = abs(q)
                r = e
                e = rat
                if abs(p) < abs(0.5 * q * r) && p > q * (a - xf) && p < q * (b - xf) {
                    rat = (p + 0.0) / q
                    x = xf + rat
                    if (x - a) < tol2 || (b - x) < tol2 {
                        let si = sign(xm - xf) + ((xm - xf) == 0 ? 1 : 0)
                        rat = tol1 * si
                    }
                } else {
                    golden = true
                }
            }
            if golden {
                e = xf >= xm ? a - xf : b - xf
                rat = goldenMean * e
            }
            let si = sign(rat) + (rat == 0 ? 1 : 0)
            x = xf + si * Swift.max(abs(rat), tol1)
            fu = f(x)
            num += 1
            if fu <= fx {
                if x >= xf { a = xf } else { b = xf }
                fulc = nfc; ffulc = fnfc
                nfc = xf; fnfc = fx
                xf = x; fx = fu
            } else {
                if x < xf { a = x } else { b = x }
                if fu <= fnfc || nfc == xf {
                    fulc = nfc; ffulc = fnfc
                    nfc = x; fnfc = fu
                } else if fu <= ffulc || fulc == xf || fulc == nfc {
                    fulc = x; ffulc = fu
                }
            }
            xm = 0.5 * (a + b)
            tol1 = sqrtEps * abs(xf) + xatol / 3.0
            tol2 = 2.0 * tol1
            if num >= maxEvaluations { limitReached = true; break }
        }
        let sawNaN = xf.isNaN || fx.isNaN || fu.isNaN
        return Result(x: xf, fx: fx, evaluations: num, converged: !limitReached && !sawNaN)
    }

    /// NumPy's `np.sign`: -1, 0, 1, or NaN.
    private static func sign(_ v: Double) -> Double {
        v.isNaN ? .nan : (v > 0 ? 1 : (v < 0 ? -1 : 0))
    }
}
