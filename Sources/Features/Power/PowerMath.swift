#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Yeo-Johnson and Box-Cox maps, their inverses and log-likelihoods, as SciPy 1.17 and
/// scikit-learn 1.9.1 compute them (`scipy.stats._morestats`, `scipy.special.boxcox`,
/// `PowerTransformer._yeo_johnson_inverse_transform`).
enum PowerMath {
    static let eps = Double.ulpOfOne

    // MARK: maps

    /// Yeo-Johnson (SciPy's `_yeojohnson_transform`, the overflow-safe `expm1`/`log1p` form):
    /// `x >= 0`: `((x+1)^l - 1)/l` (`log1p(x)` when `|l| < eps`);
    /// `x < 0`: `-((1-x)^(2-l) - 1)/(2-l)` (`-log1p(-x)` when `|l - 2| <= eps`).
    @inline(__always)
    static func yeoJohnson(_ x: Double, _ l: Double) -> Double {
        if x >= 0 {
            return abs(l) < eps ? log1p(x) : expm1(l * log1p(x)) / l
        }
        return abs(l - 2) > eps ? -expm1((2 - l) * log1p(-x)) / (2 - l) : -log1p(-x)
    }

    /// scikit-learn's `_yeo_johnson_inverse_transform` (NaN when `y` is outside the map's range).
    @inline(__always)
    static func yeoJohnsonInverse(_ y: Double, _ l: Double) -> Double {
        if y >= 0 {
            return abs(l) < eps ? exp(y) - 1 : pow(y * l + 1, 1 / l) - 1
        }
        return abs(l - 2) > eps ? 1 - pow(-(2 - l) * y + 1, 1 / (2 - l)) : 1 - exp(-y)
    }

    /// `scipy.special.boxcox`: `log(x)` when `|l| < 1e-19`, `expm1(l log x)/l` while `l log x`
    /// stays below 709.78, else the overflow-safe `sign(l) exp(l log x - log|l|) - 1/l`.
    /// NaN for `x <= 0` (outside the domain; the caller reports it).
    @inline(__always)
    static func boxCox(_ x: Double, _ l: Double) -> Double {
        guard x > 0 else { return .nan }
        let logx = log(x)
        if abs(l) < 1e-19 { return logx }
        if l * logx < 709.78 { return expm1(l * logx) / l }
        return (l < 0 ? -1.0 : 1.0) * exp(l * logx - log(abs(l))) - 1 / l
    }

    /// `scipy.special.inv_boxcox`: `exp(y)` when `|l| < 1e-19`, else `exp(log1p(l y)/l)` (NaN
    /// when `1 + l y < 0`: outside the map's range).
    @inline(__always)
    static func boxCoxInverse(_ y: Double, _ l: Double) -> Double {
        if abs(l) < 1e-19 { return exp(y) }
        return exp(log1p(l * y) / l)
    }

    // MARK: NumPy's summation

    /// `np.sum` of a contiguous float64 array: NumPy's pairwise summation (8 accumulators in blocks
    /// of up to 128, halves above), bit for bit.
    static func pairwiseSum(_ a: [Double]) -> Double { pairwiseSum(a, 0, a.count) }

    static func pairwiseSum(_ a: [Double], _ start: Int, _ n: Int) -> Double {
        if n < 8 {
            var r = 0.0
            for i in start..<(start + n) { r += a[i] }
            return r
        }
        if n <= 128 {
            var r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3]
            var r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7]
            var i = 8
            while i < n - (n % 8) {
                let k = start + i
                r0 += a[k]; r1 += a[k + 1]; r2 += a[k + 2]; r3 += a[k + 3]
                r4 += a[k + 4]; r5 += a[k + 5]; r6 += a[k + 6]; r7 += a[k + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += a[start + i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2)
    }

    /// `np.var(a)` (ddof 0): `mean = sum(a)/n`, then `sum((a - mean)^2)/n`, pairwise.
    static func variance(_ a: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(a.count)
        let mean = pairwiseSum(a) / n
        let squares = a.map { ($0 - mean) * ($0 - mean) }
        return (mean, pairwiseSum(squares) / n)
    }

    /// scikit-learn's `_is_constant_feature(var, mean, n)`.
    static func isConstant(variance: Double, mean: Double, count: Int) -> Bool {
        let n = Double(count)
        let bound = n * eps * variance + (n * mean * eps) * (n * mean * eps)
        return variance <= bound
    }

    // MARK: Yeo-Johnson maximum likelihood

    /// `sum(sign(x) log1p(|x|))`, the lambda-independent part of the Yeo-Johnson likelihood.
    static func yeoJohnsonSignedLogSum(_ x: [Double]) -> Double {
        pairwiseSum(x.map { ($0 > 0 ? 1.0 : ($0 < 0 ? -1.0 : 0.0)) * log1p(abs($0)) })
    }

    /// SciPy's `yeojohnson_normmax._neg_llf`: `-(-n/2 log var(y) + (l - 1) sum sign(x) log1p|x|)`,
    /// with an infinite likelihood (a variance lost to rounding) rejected as +infinity.
    static func yeoJohnsonNegativeLogLikelihood(_ x: [Double], _ l: Double, signedLogSum: Double, scratch y: inout [Double]) -> Double {
        let n = x.count
        for i in 0..<n { y[i] = yeoJohnson(x[i], l) }
        let sigma = variance(y).variance
        let logSigma = sigma >= Double.leastNormalMagnitude ? log(sigma) : -Double.infinity
        var llf = -Double(n) / 2 * logSigma + (l - 1) * signedLogSum
        if llf.isInfinite { llf = -.infinity }
        return -llf
    }

    /// `scipy.stats.yeojohnson_normmax(x)` (no bracket): `fminbound` of the negative
    /// log-likelihood on bounds that keep the transformed data away from overflow, `xtol 1.48e-8`.
    /// All-zero data gives 1.
    /// - Throws: `ScalarMinimizer.BracketFailure` when the bounds cross (mixed signs with values so
    ///   large that no lambda keeps both tails finite; SciPy raises "The lower bound exceeds the
    ///   upper bound").
    static func yeoJohnsonLambda(_ x: [Double]) throws -> ScalarMinimizer.Result {
        if x.allSatisfy({ $0 == 0 }) { return .init(x: 1, fx: 0, evaluations: 0, converged: true) }
        let signedLogSum = yeoJohnsonSignedLogSum(x)
        var y = [Double](repeating: 0, count: x.count)
        let negativeLogLikelihood: (Double) -> Double = { l in
            yeoJohnsonNegativeLogLikelihood(x, l, signedLogSum: signedLogSum, scratch: &y)
        }
        let largest = x.reduce(0) { Swift.max($0, abs($1)) }
        let log1pMax = log1p(20 * largest)
        let logEps = log(eps)
        let logTiny = (log(Double.leastNormalMagnitude) - logEps) / 2
        let logMax = (log(Double.greatestFiniteMagnitude) + logEps) / 2
        var lower = logTiny / log1pMax
        var upper = logMax / log1pMax
        if x.allSatisfy({ $0 < 0 }) {
            (lower, upper) = (2 - upper, 2 - lower)
        } else if x.contains(where: { $0 < 0 }) {
            (lower, upper) = (Swift.max(2 - upper, lower), Swift.min(2 - lower, upper))
        }
        guard lower <= upper, lower.isFinite, upper.isFinite else {
            throw ScalarMinimizer.BracketFailure(
                reason: "values up to \(largest) in magnitude on both sides of zero leave no lambda that keeps the transform finite (search bounds \(lower) > \(upper))")
        }
        return ScalarMinimizer.bounded(negativeLogLikelihood, lower: lower, upper: upper, xatol: 1.48e-8)
    }

    // MARK: Box-Cox maximum likelihood

    /// `scipy.stats.boxcox_llf(l, x)` for positive `x`, in SciPy's log-space form (the variance of
    /// `x^l / l` through log-sum-exp), so that no `l` overflows.
    static func boxCoxLogLikelihood(_ l: Double, logData: [Double], logDataSum: Double) -> Double {
        let n = logData.count
        let logVariance: Double
        if l == 0 {
            logVariance = log(variance(logData).variance)
        } else {
            let logx = logData.map { l * $0 }
            logVariance = logVarianceOfExp(logx) - 2 * log(abs(l))
        }
        return (l - 1) * logDataSum - Double(n) / 2 * logVariance
    }

    /// `log(var(exp(a)))` computed from `a` (SciPy's `_log_var`).
    static func logVarianceOfExp(_ a: [Double]) -> Double {
        let logN = log(Double(a.count))
        let logMean = logSumExp(a) - logN
        // log|exp(a_i) - exp(logMean)|, then log of the mean of their squares.
        let deviations = a.map { v -> Double in
            let hi = Swift.max(v, logMean), lo = Swift.min(v, logMean)
            if hi == -.infinity { return -.infinity }
            return hi + log1p(-exp(lo - hi))
        }
        return logSumExp(deviations.map { 2 * $0 }) - logN
    }

    /// `log(sum(exp(a)))`, shifted by the largest term (whose own `exp` is 1, added through log1p).
    static func logSumExp(_ a: [Double]) -> Double {
        guard let (k, m) = a.enumerated().max(by: { $0.element < $1.element }).map({ ($0.offset, $0.element) }) else {
            return -.infinity
        }
        if m == -.infinity { return -.infinity }
        if m == .infinity { return .infinity }
        var rest = a.map { exp($0 - m) }
        rest[k] = 0
        return m + log1p(pairwiseSum(rest))
    }

    /// `scipy.stats.boxcox_normmax(x, method="mle")`: Brent's method on the negative
    /// log-likelihood from the bracket (-2, 2), then SciPy's guard that the transformed extreme
    /// stays below `Double.max / 10000` (a constrained lambda through Lambert W otherwise).
    static func boxCoxLambda(_ x: [Double]) throws -> ScalarMinimizer.Result {
        let logData = x.map { log($0) }
        let logDataSum = pairwiseSum(logData)
        var result = try ScalarMinimizer.brent({ -boxCoxLogLikelihood($0, logData: logData, logDataSum: logDataSum) },
                                               bracket: (-2, 2))
        let ymax = Double.greatestFiniteMagnitude / 10000
        let res = result.x
        let xmax = x.max() ?? 1, xmin = x.min() ?? 1
        let extreme: Double
        if xmin >= 1 {
            extreme = xmax
        } else if xmax <= 1 {
            extreme = xmin
        } else {
            extreme = boxCox(xmax, res) > abs(boxCox(xmin, res)) ? xmax : xmin
        }
        if abs(boxCox(extreme, res)) > ymax {
            result.x = constrainedLambda(extreme, ymax * (extreme - 1 > 0 ? 1 : -1))
        }
        return result
    }

    /// SciPy's `_boxcox_inv_lmbda(x, y)`: the `l` with `boxcox(x, l) = y`,
    /// `-W_{-1}(-x^(-1/y) log(x) / y) / log(x) - 1/y`.
    static func constrainedLambda(_ x: Double, _ y: Double) -> Double {
        let z = -pow(x, -1 / y) * log(x) / y
        return -lambertWMinusOne(z) / log(x) - 1 / y
    }

    /// The lower branch `W_{-1}(z)` of Lambert's W for `z` in `[-1/e, 0)`: Newton's method on
    /// `w + log(-w) = log(-z)` (the logarithmic form does not underflow for tiny |z|).
    static func lambertWMinusOne(_ z: Double) -> Double {
        guard z < 0, z >= -exp(-1.0) else { return .nan }
        let target = log(-z)
        var w = target - log(-target)   // asymptotic start, below -1 for small |z|
        if !(w < -1) { w = -1 - (2 * (1 + exp(1.0) * z)).squareRoot() }  // near the branch point
        for _ in 0..<100 {
            let g = w + log(-w) - target
            let step = g / (1 + 1 / w)
            let next = w - step
            if !(next < 0) || !next.isFinite { break }
            if abs(next - w) <= 4 * eps * abs(w) { w = next; break }
            w = next
        }
        return w
    }
}
