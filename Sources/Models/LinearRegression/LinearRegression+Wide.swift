import LinearAlgebra

/// Wide data (`.qr`): fewer rows of positive weight than unknowns (`n < d + intercept`), where the
/// design is always rank deficient and the answer is the **minimum-norm** least-squares solution in
/// the original units, as scikit-learn's `scipy.linalg.lstsq` on the centred data. Everything is
/// O(n^2 d): no `d x d` matrix is formed.
///
/// With `A = sqrt(W) (X - 1 m^T)` (`n x d`, rows of positive weight, weighted means `m`; no centring
/// without an intercept) and `v = sqrt(W) (y - ȳ)`:
/// 1. **solution**: `dgeqrf` of `A^T = Q R` (the row-major `A` is the column-major `A^T`: no
///    transpose), so `A = R^T Q^T` and `A A^T = R^T R`. With `P = pinv(R^T)` (`dgelsd`, `n x n`,
///    singular values below `cutoff * sigma_max` dropped), the minimum-norm solution is
///    `b = pinv(A) v = A^T P^T P v` (the truncated pseudo-inverse: `A^T (R^T R)^+ v`, never forming
///    `A A^T`). `A` and `v` are scaled by powers of two (exact), so nothing overflows.
/// 2. **refinement** (unless `.never`): this seminormal form is accurate to about `eps cond^2`, so it
///    is refined with residuals `r = y - b0 - X b` of the original data in double-double:
///    `db = pinv(A) sqrt(W) (r - r̄)`, `db0 = r̄ - m^T db`, while the correction shrinks (Björck's
///    corrected seminormal equations; each step costs two passes over `X`). The fixed point is the
///    minimum-norm solution to the accuracy the data allow; the correction stays in the row space of
///    `A`, so the minimum-norm property is kept.
/// 3. **diagnostics**: rank and singular values of the *equilibrated* design (`A` with columns
///    scaled to unit norm, as every other path of `LinearRegression` reports), from `dgeqrf` of its
///    transpose and the singular values of that `n x n` factor; padded with `d - n` exact zeros to
///    `d` values, so `reciprocalCondition` is 0. The rank is at most `n - 1` with an intercept
///    (centring's structural null vector, whatever `rankCutoff`). Standard errors: nil.
///
/// Minimum norm is in the **original units** (`min ||b||_2`), not in equilibrated units (which would
/// weight each coefficient by its column's spread): the rank used for the solution is that of the
/// unscaled `A` with the same relative cutoff; the reported rank is the equilibrated one (they agree
/// unless column scales differ by more than `1 / cutoff`).
///
/// Each column (and `y`) is first scaled by a power of two to a largest magnitude below 1 (exact,
/// also for values near 1e308 or subnormal ones); centring subtracts the weighted means (two
/// passes: the second adds the mean of the deviations). A column whose mean dwarfs its spread by `k`
/// loses about `log10(k)` digits of the row-space direction (as in scikit-learn); the refinement's
/// residuals use the uncentred data, so the fitted values and the normal equations stay accurate.
///
/// Determinism: sequential loops plus LAPACK calls that do not depend on `threads`: bit-identical
/// for any `threads`.
extension LinearRegression {
    /// nil when the data are not wide (see the extension's description).
    func fitWide(_ data: TrainingData) throws -> LinearRegressionFit? {
        let d = data.columns, offset = fitIntercept ? 1 : 0
        guard solver == .qr, d > 0, data.effectiveRows < d + offset else { return nil }
        try data.validateX()
        let model = data.model
        func wrap<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let error as LinearAlgebraError {
                throw ModelError.linearAlgebra(model: model, underlying: error)
            }
        }
        let kept = (0..<data.rows).filter { data.weight($0) > 0 }
        let n = kept.count
        let cutoff = rankCutoff ?? Double.ulpOfOne * Double(Swift.max(data.effectiveRows, d, 1))
        let x = data.x.elements

        // Per-column powers of two (exact scalings, subnormal columns included) that bring each
        // column of X (index j < d) and y (index d) to a largest magnitude below 1.
        var amplitude = [Double](repeating: 0, count: d + 1)
        for i in kept {
            for j in 0..<d { amplitude[j] = Swift.max(amplitude[j], abs(x[i * d + j])) }
            amplitude[d] = Swift.max(amplitude[d], abs(data.y[i]))
        }
        let exponents = amplitude.map { $0 > 0 ? Swift.min(Swift.max(-Int($0.exponent) - 1, -1022), 1023) : 0 }
        let scales = exponents.map { Double(sign: .plus, exponent: $0, significand: 1) }
        @inline(__always) func value(_ i: Int, _ j: Int) -> Double { (j == d ? data.y[i] : x[i * d + j]) * scales[j] }
        // Weighted means in scaled units; a second pass adds the mean of the deviations. y's mean is
        // R^2's centre also without an intercept.
        var mean = [Double](repeating: 0, count: d + 1)
        for i in kept {
            let w = data.weight(i)
            for j in 0...d { mean[j] += w * value(i, j) }
        }
        for j in 0...d { mean[j] /= data.weightSum }
        var correction = [Double](repeating: 0, count: d + 1)
        for i in kept {
            let w = data.weight(i)
            for j in 0...d { correction[j] += w * (value(i, j) - mean[j]) }
        }
        for j in 0...d { mean[j] += correction[j] / data.weightSum }
        let centre = fitIntercept ? mean : [Double](repeating: 0, count: d + 1)
        let xMean = (0..<d).map { Double(sign: .plus, exponent: -exponents[$0], significand: centre[$0]) }
        let yMean = Double(sign: .plus, exponent: -exponents[d], significand: centre[d])

        // Centred, weighted columns in scaled units (|value| <= 2): `equilibrated` holds them until
        // divided by their norms; `unscaled` is the same design in one common scale (the largest
        // column's), i.e. `2^ex A`.
        let ex = (0..<d).filter { amplitude[$0] > 0 }.map { exponents[$0] }.min() ?? 0
        let common = (0..<d).map { Double(sign: .plus, exponent: ex - exponents[$0], significand: 1) }
        // With an intercept, `unscaled` has one more column (see below): width `wd`.
        let wd = d + offset
        var unscaled = [Double](repeating: 0, count: n * wd), equilibrated = [Double](repeating: 0, count: n * d)
        var v = [Double](repeating: 0, count: n)
        var largest = [Double](repeating: 0, count: d)
        for (k, i) in kept.enumerated() {
            let sw = data.weight(i).squareRoot()
            let out = k * d
            for j in 0..<d {
                let c = (value(i, j) - centre[j]) * sw
                equilibrated[out + j] = c
                unscaled[k * wd + j] = c * common[j]
                largest[j] = Swift.max(largest[j], abs(c))
            }
            v[k] = (value(i, d) - centre[d]) * sw
        }
        var norms = [Double](repeating: 0, count: d)
        for k in 0..<n { for j in 0..<d where largest[j] > 0 { let t = equilibrated[k * d + j] / largest[j]; norms[j] += t * t } }
        for j in 0..<d { norms[j] = largest[j] * norms[j].squareRoot() }
        for k in 0..<n { for j in 0..<d where norms[j] > 0 { equilibrated[k * d + j] /= norms[j] } }
        if fitIntercept {
            // Centring leaves A^T s = 0 for s = sqrt(w): A A^T has the structural null vector s, which
            // a tiny rankCutoff (0, 1e-300) would keep as a rounding-sized singular value and blow
            // up. The extra column t s (t > 0) makes A' A'^T = A A^T + t^2 s s^T: s becomes an
            // eigenvector of eigenvalue t^2 ||s||^2 = ||A||_F^2 / n (between sigma_max^2 / n and
            // sigma_max^2, so sigma_max is unchanged), and as v and every refinement right-hand side
            // are orthogonal to s, z = (A' A'^T)^+ v = (A A^T)^+ v and b = A^T z (the first d
            // entries of A'^T z) are unchanged.
            var frobenius = 0.0
            for k in 0..<n { for j in 0..<d { let t = unscaled[k * wd + j]; frobenius += t * t } }
            let t = frobenius > 0 ? (frobenius / (Double(n) * data.weightSum)).squareRoot() : 1 / data.weightSum.squareRoot()
            for (k, i) in kept.enumerated() { unscaled[k * wd + d] = t * data.weight(i).squareRoot() }
        }
        let a = try wrap { try Matrix(rows: n, columns: wd, elements: unscaled) }

        // Rank and singular values of the equilibrated design.
        let rs = try wrap { try LAPACK.transposedQRFactor(try Matrix(rows: n, columns: d, elements: equilibrated)) }
        let values = try wrap { try LAPACK.leastSquaresSVD(rs, [Double](repeating: 0, count: n), cutoff: cutoff) }
        let singularValues = values.singularValues + [Double](repeating: 0, count: d - n)

        // The truncated pseudo-inverse of R^T (R^T R = A A^T), once: P = pinv(R^T), pinv(A) = A^T P^T P.
        let r = try wrap { try LAPACK.transposedQRFactor(a) }
        let pinv = try wrap { try LAPACK.leastSquaresSVD(r.transposed, try Matrix<Double>.identity(n), cutoff: cutoff) }.solution
        func minimumNorm(_ rhs: [Double]) throws -> [Double] {
            let w = try wrap { try BLAS.matrixVectorProduct(pinv, rhs) }
            let z = try wrap { try BLAS.matrixVectorProduct(pinv, w, transpose: .transpose) }
            return Array(try wrap { try BLAS.matrixVectorProduct(a, z, transpose: .transpose) }[0..<d])
        }
        // u = pinv(2^ex A) 2^ey v = 2^(ey - ex) b.
        let exponent = ex - exponents[d]
        func original(_ u: [Double]) -> [Double] { u.map { Double(sign: .plus, exponent: exponent, significand: $0) } }

        var b = original(try minimumNorm(v))
        var b0 = fitIntercept ? compensatedIntercept(yMean, xMean, b) : 0
        let limit = refinement == .never ? 0 : Self.maxRefinementSteps
        var progress = RefinementProgress()
        var residuals = [Double](repeating: 0, count: n)
        var rss = 0.0, rssScaled = 0.0
        for _ in 0...limit {
            (rss, rssScaled) = (0, 0)
            var sum = 0.0
            for (k, i) in kept.enumerated() {
                let e = compensatedResidual(x, row: i * d, count: d, y: data.y[i], b: b, b0: b0)
                let w = data.weight(i)
                residuals[k] = e
                rss += w * e * e
                rssScaled += w * (e * scales[d]) * (e * scales[d])
                sum += w * e
            }
            if progress.steps == limit { break }
            let average = fitIntercept ? sum / data.weightSum : 0
            let rhs = kept.enumerated().map { k, i in (residuals[k] * scales[d] - average * scales[d]) * data.weight(i).squareRoot() }
            let db = original(try minimumNorm(rhs))
            var db0 = 0.0
            if fitIntercept {
                db0 = average
                for j in 0..<d { db0 -= xMean[j] * db[j] }
            }
            let size = norm2(db), magnitude = norm2(b)
            let relative = magnitude > 0 ? size / magnitude : size
            guard progress.accepts(relative: relative, interceptCorrection: db0, intercept: b0) else { break }
            for j in 0..<d { b[j] += db[j] }
            b0 += db0
        }
        let steps = progress.steps
        var totalSumOfSquares = 0.0
        for i in kept { let t = value(i, d) - mean[d]; totalSumOfSquares += data.weight(i) * t * t }
        return try LinearRegressionFit.make(
            model: model, fitIntercept: fitIntercept, coefficients: b, intercept: b0, solver: .qr,
            usedSVDFallback: true, rank: Swift.min(values.rank, n - offset), singularValues: singularValues, rankCutoff: cutoff,
            refinementSteps: steps, residualSumOfSquares: rss, rSquaredParts: (rssScaled, totalSumOfSquares),
            weightScale: data.weightScale, effectiveRows: data.effectiveRows, standardErrors: nil)
    }
}

/// `y - b0 - sum_j x[row + j] b_j` accumulated in double-double (TwoSum and an FMA TwoProduct),
/// rounded once.
func compensatedResidual(_ x: [Double], row: Int, count: Int, y: Double, b: [Double], b0: Double) -> Double {
    var sum = CompensatedDifference(y, plus: -b0)
    for j in 0..<count { sum.subtractProduct(x[row + j], b[j]) }
    return sum.value
}
