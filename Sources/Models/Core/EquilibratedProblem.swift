import LinearAlgebra

/// A least-squares problem after the two changes of variables every linear model here makes first:
///
/// 1. **centring** (when fitting an intercept, as scikit-learn): `X_c = X - 1 m^T`, `y_c = y - ȳ`
///    with the weighted means `m_j = sum_i w_i x_ij / sum_i w_i` (a second pass adds the mean of the
///    deviations, which removes most of the rounding of the first); the intercept is recovered as
///    `b0 = ȳ - m^T b`;
/// 2. **column equilibration**: column `j` of `sqrt(W) X_c` is scaled to unit 2-norm (`D_j`), and
///    `y` likewise (`Dy`), so the solvers see `A_s = sqrt(W) X_c D` and `y_s = Dy sqrt(W) y_c`; the
///    solution maps back as `b = D b_s / Dy`. Scaling never changes the least-squares solution, but it
///    reduces the condition number that the solvers' errors are proportional to (van der Sluis), and
///    it keeps values near 1 whatever their magnitude (1e-300 or 1e300).
///
/// Each value is formed as `(x_ij / a_j - m_j / a_j) f_j` with `a_j` the power of two of
/// `max_i |x_ij|` (an exact division), so no intermediate overflows and nothing is rounded before
/// centring. A constant column (zero spread) keeps `f_j = 1`: it is a zero column,
/// which the rank-revealing step then reports.
struct EquilibratedProblem: Sendable {
    let data: TrainingData
    let fitIntercept: Bool
    /// Weighted column means in the original units (zeros without an intercept).
    let xMean: [Double]
    let yMean: Double
    /// `1 / a_j` and `m_j / a_j` and `f_j`, per column; index `columns` is `y`.
    let inverseAmplitude: [Double]
    let scaledMean: [Double]
    let factor: [Double]

    var columns: Int { data.columns }

    /// `D_j = f_j / a_j`: the column scaling in the original units (index `columns` is `Dy`).
    var scaling: [Double] { (0...columns).map { inverseAmplitude[$0] * factor[$0] } }

    init(_ data: TrainingData, fitIntercept: Bool) {
        self.data = data
        self.fitIntercept = fitIntercept
        let (m, d) = (data.rows, data.columns)
        let x = data.x.elements
        var amplitude = [Double](repeating: 0, count: d + 1)
        for i in 0..<m {
            for j in 0..<d { amplitude[j] = Swift.max(amplitude[j], abs(x[i &* d &+ j])) }
            amplitude[d] = Swift.max(amplitude[d], abs(data.y[i]))
        }
        // Powers of two, so `x_ij / a_j` is exact: with `1 / max|y|` itself (rounded), each scaled
        // value carried a relative rounding of eps, which centring then exposed: y = 1e15 + signal
        // lost 0.1 per value (Ridge .qr / .svd slopes 8e-4 off at alpha = 0). Capped at 2^1000
        // (a subnormal column's 1 / a_j would overflow).
        let inverse = amplitude.map { $0 > 0 ? Swift.min(1 / Double(sign: .plus, exponent: $0.exponent, significand: 1), 0x1p1000) : 1 }
        @inline(__always) func value(_ i: Int, _ j: Int) -> Double { (j == d ? data.y[i] : x[i &* d &+ j]) * inverse[j] }
        var mean = [Double](repeating: 0, count: d + 1)
        if fitIntercept {
            for i in 0..<m {
                let w = data.weight(i)
                if w == 0 { continue }
                for j in 0...d { mean[j] += w * value(i, j) }
            }
            for j in 0...d { mean[j] /= data.weightSum }
            var correction = [Double](repeating: 0, count: d + 1)
            for i in 0..<m {
                let w = data.weight(i)
                if w == 0 { continue }
                for j in 0...d { correction[j] += w * (value(i, j) - mean[j]) }
            }
            for j in 0...d { mean[j] += correction[j] / data.weightSum }
        }
        // Norms of the centred, weighted columns, scaled by their largest entry (no overflow: each
        // term is at most 4 * weight).
        var sumSquares = [Double](repeating: 0, count: d + 1)
        for i in 0..<m {
            let w = data.weight(i)
            if w == 0 { continue }
            for j in 0...d { let v = value(i, j) - mean[j]; sumSquares[j] += w * v * v }
        }
        factor = sumSquares.map { $0 > 0 ? 1 / $0.squareRoot() : 1 }
        inverseAmplitude = inverse
        scaledMean = mean
        xMean = (0..<d).map { mean[$0] / inverse[$0] }
        yMean = mean[d] / inverse[d]
    }

    /// Rows `range` of `[A_s | y_s]`, row-major, `columns + 1` values per row.
    func preparedRows(_ range: Range<Int>) -> [Double] {
        let d = columns, c = columns + 1
        let x = data.x.elements
        var out = [Double](repeating: 0, count: range.count * c)
        var k = 0
        for i in range {
            let sw = data.weight(i).squareRoot()
            if sw == 0 { k += c; continue }
            let base = i &* d
            for j in 0..<d {
                out[k &+ j] = (x[base &+ j] * inverseAmplitude[j] - scaledMean[j]) * factor[j] * sw
            }
            out[k &+ d] = (data.y[i] * inverseAmplitude[d] - scaledMean[d]) * factor[d] * sw
            k += c
        }
        return out
    }

    /// The `R` of `[A_s | y_s]` by TSQR over fixed row blocks.
    func triangularFactor() throws -> Matrix<Double> {
        do {
            return try TallSkinnyQR.factor(rows: data.rows, columns: columns + 1) { preparedRows($0) }.r
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
    }

    /// Scaled-space coefficients to the original units: `b = D b_s / Dy`, `b0 = ȳ - m^T b`.
    func originalCoefficients(_ scaled: [Double]) -> (coefficients: [Double], intercept: Double) {
        let d = columns
        let dy = inverseAmplitude[d] * factor[d]
        let b = (0..<d).map { scaled[$0] * (inverseAmplitude[$0] * factor[$0]) / dy }
        return (b, fitIntercept ? interceptFor(b) : 0)
    }

    /// `ȳ - m^T b`, accumulated with compensation (the terms can cancel heavily).
    func interceptFor(_ b: [Double]) -> Double {
        compensatedIntercept(yMean, xMean, b)
    }

    /// `sum_i w_i (y_i - ȳ_w)^2 / a_y^2`: the total sum of squares of R^2 in units of `max |y|`
    /// (R^2 always centres `y`, with or without an intercept, as scikit-learn's `r2_score`).
    func scaledTotalSumOfSquares() -> Double {
        let inv = inverseAmplitude[columns]
        var mean = 0.0
        for i in 0..<data.rows { mean += data.weight(i) * data.y[i] * inv }
        mean /= data.weightSum
        var correction = 0.0
        for i in 0..<data.rows { correction += data.weight(i) * (data.y[i] * inv - mean) }
        mean += correction / data.weightSum
        var s = 0.0
        for i in 0..<data.rows { let v = data.y[i] * inv - mean; s += data.weight(i) * v * v }
        return s
    }
}

/// Solves `R^T R x = b` for an upper-triangular `R` (two triangular solves).
func solveSemiNormal(_ r: Matrix<Double>, _ b: [Double]) throws -> [Double] {
    let u = try LAPACK.solveUpperTriangular(r, b, transpose: .transpose)
    return try LAPACK.solveUpperTriangular(r, u)
}

/// The leading `n x n` block of a square matrix.
func leadingBlock(_ a: Matrix<Double>, _ n: Int) throws -> Matrix<Double> {
    let c = a.columns
    let e = a.elements
    var out = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { out[i * n + j] = e[i * c + j] } }
    return try Matrix(rows: n, columns: n, elements: out)
}
