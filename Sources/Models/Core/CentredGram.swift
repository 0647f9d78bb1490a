import LinearAlgebra

/// The centred Gram matrix of a linear model from one pass over the data (`BLAS.shiftedGram` of
/// `[1 | X - x0 | y - y0]`, `x0, y0` the first row of positive weight), centred exactly in
/// O(d^2): `X_c^T W X_c = G_ss - s s^T / W` where `s` are the weighted sums of the shifted columns.
/// Shifting by a row of the data keeps this subtraction free of the cancellation that
/// `X^T X - W m m^T` suffers when a column's mean is large against its spread.
///
/// Used by the fast paths: LinearRegression's normal equations and Ridge's Cholesky solver.
struct CentredGram {
    let data: TrainingData
    let fitIntercept: Bool
    let x0: [Double]
    let y0: Double
    /// Weighted means of the shifted columns and of `y - y0` (zeros without an intercept).
    let shiftedMeans: [Double]
    let shiftedYMean: Double
    /// `X_c^T W X_c` (raw `X^T W X` without an intercept), `X_c^T W y_c`, `y_c^T W y_c`.
    let gram: Matrix<Double>
    let xty: [Double]
    let yty: Double
    /// `sum_i w_i (y_i - ȳ)^2` about the weighted mean (R^2's denominator).
    let totalSumOfSquares: Double
    /// Equilibration `D_j = 1 / sqrt(G_jj)` (1 for a zero column).
    let scale: [Double]
    /// true when built from the raw moments (`BLAS.rawMoments`), false from the shifted pass.
    let usedRawMoments: Bool

    var d: Int { data.columns }

    /// - Throws: `LinearAlgebraError.nonFinite` when a shifted value or the Gram matrix overflows,
    ///   or a column's sum of squares underflows (`underflowLimit`; the value is then that finite
    ///   sum): the caller then takes the equilibrated path; `ModelError.linearAlgebra` otherwise.
    /// `checkUnderflow: false` (a penalty of at least `underflowLimit` on every column, which
    /// `solve` then equilibrates with) skips the underflow refusal.
    init(_ data: TrainingData, fitIntercept: Bool, threads: Int, checkUnderflow: Bool = true) throws {
        self.data = data
        self.fitIntercept = fitIntercept
        let d = data.columns
        if let direct = try Self.direct(data, fitIntercept: fitIntercept, threads: threads, checkUnderflow: checkUnderflow) {
            (x0, y0, shiftedMeans, shiftedYMean) = ([Double](repeating: 0, count: d), direct.y0, direct.means, direct.yMean)
            (gram, xty, yty, totalSumOfSquares) = (direct.gram, direct.xty, direct.yty, direct.totalSumOfSquares)
            scale = (0..<d).map { direct.gram[$0, $0] > 0 ? 1 / direct.gram[$0, $0].squareRoot() : 1 }
            usedRawMoments = true
            return
        }
        usedRawMoments = false
        var shift = [Double](repeating: 0, count: d), yShift = 0.0
        if fitIntercept, let i = (0..<data.rows).first(where: { data.weight($0) > 0 }) {
            shift = Array(data.x.elements[(i * d)..<((i + 1) * d)])
            yShift = data.y[i]
        }
        (x0, y0) = (shift, yShift)
        let g = try BLAS.shiftedGram(x: data.x, y: data.y, weights: data.weights, shift: shift, yShift: yShift, threads: threads)
        if let k = g.elements.firstIndex(where: { !$0.isFinite }) {
            throw LinearAlgebraError.nonFinite(operation: "CentredGram", row: k / (d + 2), column: k % (d + 2), value: g.elements[k])
        }
        let w = g[0, 0]
        let c = d + 2
        var gc = [Double](repeating: 0, count: d * d)
        var xty = [Double](repeating: 0, count: d)
        for j in 0..<d {
            for k in 0..<d { gc[j * d + k] = g[1 + j, 1 + k] - (fitIntercept ? g[0, 1 + j] * g[0, 1 + k] / w : 0) }
            xty[j] = g[1 + j, c - 1] - (fitIntercept ? g[0, 1 + j] * g[0, c - 1] / w : 0)
        }
        let yCentred = Swift.max(0, g[c - 1, c - 1] - g[0, c - 1] * g[0, c - 1] / w)
        yty = fitIntercept ? yCentred : g[c - 1, c - 1]
        totalSumOfSquares = yCentred
        shiftedMeans = (0..<d).map { fitIntercept ? g[0, 1 + $0] / w : 0 }
        shiftedYMean = fitIntercept ? g[0, c - 1] / w : 0
        if checkUnderflow, let j = Self.underflowedColumn(gc, data, shift: shift) {
            throw LinearAlgebraError.nonFinite(operation: "CentredGram", row: j, column: j, value: gc[j * d + j])
        }
        gram = try Matrix(rows: d, columns: d, elements: gc)
        self.xty = xty
        scale = (0..<d).map { gc[$0 * d + $0] > 0 ? 1 / gc[$0 * d + $0].squareRoot() : 1 }
    }

    /// The smallest diagonal entry of the Gram matrix (a column's sum of squares) the one-pass
    /// paths accept for a column that is not constant: below it the products of its values fell
    /// to subnormal numbers or to zero (values around 1e-150 and smaller) and lost their digits,
    /// and the equilibration `1 / G_jj` would overflow.
    static let underflowLimit = 0x1p-960

    /// The first column whose diagonal entry is below `underflowLimit` although some row of
    /// positive weight differs from `shift` by a normal number (at least 2^-1000: the
    /// equilibrated path scales by its inverse), or nil. A column whose whole spread is subnormal
    /// stays here, as a zero column (the rank-revealing paths report it).
    static func underflowedColumn(_ gram: [Double], _ data: TrainingData, shift: [Double]) -> Int? {
        let d = data.columns
        return (0..<d).first { j in
            gram[j * d + j] < underflowLimit
                && (0..<data.rows).contains { data.weight($0) > 0 && abs(data.x[$0, j] - shift[j]) >= 0x1p-1000 }
        }
    }

    /// The largest `n m_j^2 / sum_i (x_ij - m_j)^2` (and the same for y) the direct path accepts.
    /// Centring the raw moments amplifies their rounding errors by about `1 + ratio`, so 16 costs at
    /// most ~1.2 digits (the benchmark's columns: at most 2.9); above it the shifted pass is used.
    static let directCancellationLimit = 16.0

    /// Wide (more than 62 columns), unweighted data: the raw moments from one `dsyrk` call on X and
    /// one pass for sums and `X^T y` (`BLAS.rawMoments`), centred here, instead of a shifted copy of
    /// every block (measured on 100,000 x 256: the copy was 12 % of the default fit and split the
    /// `dsyrk` into 25 calls with our threads in between). nil, so the caller takes the shifted pass,
    /// when a value is not finite (that pass names the row and column) or when centring would cancel
    /// (a column or y whose mean is large against its spread, constant non-zero columns included).
    private static func direct(_ data: TrainingData, fitIntercept: Bool, threads: Int, checkUnderflow: Bool)
        throws -> (gram: Matrix<Double>, xty: [Double], yty: Double, totalSumOfSquares: Double, means: [Double], y0: Double, yMean: Double)? {
        let d = data.columns
        guard data.weights == nil, d + 2 > 64, data.rows > 0 else { return nil }
        let raw: RawMoments
        do {
            raw = try BLAS.rawMoments(x: data.x, y: data.y, threads: threads)
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
        let n = Double(data.rows)
        let finite = raw.gram.elements.allSatisfy { $0.isFinite } && raw.sums.allSatisfy { $0.isFinite }
            && raw.cross.allSatisfy { $0.isFinite } && raw.ySum.isFinite && raw.ySquares.isFinite
        guard finite else { return nil }
        func centred(_ squares: Double, _ sum: Double) -> Double? {
            let offset = sum * sum / n
            let value = squares - offset
            // 0 only for an all-zero column (exact); otherwise the spread must dominate the offset.
            if offset == 0 { return Swift.max(value, 0) }
            return value > 0 && offset <= directCancellationLimit * value ? value : nil
        }
        // R^2's denominator is centred with or without an intercept.
        guard let yCentred = centred(raw.ySquares, raw.ySum) else { return nil }
        var gc = raw.gram.elements
        var xty = raw.cross
        if fitIntercept {
            for j in 0..<d {
                guard centred(gc[j * d + j], raw.sums[j]) != nil else { return nil }
            }
            for j in 0..<d {
                for k in 0..<d { gc[j * d + k] -= raw.sums[j] * raw.sums[k] / n }
                xty[j] -= raw.sums[j] * raw.ySum / n
            }
        }
        // A column whose squares underflowed: the shifted pass below refuses it by name.
        if checkUnderflow, underflowedColumn(gc, data, shift: [Double](repeating: 0, count: d)) != nil { return nil }
        let gram = try Matrix(rows: d, columns: d, elements: gc)
        let means = fitIntercept ? raw.sums.map { $0 / n } : [Double](repeating: 0, count: d)
        if !fitIntercept {
            // Uncentred X^T y and y^T y from the shifted sums: X^T y = X^T v + yShift s.
            for j in 0..<d { xty[j] = raw.cross[j] + raw.yShift * raw.sums[j] }
        }
        let yty = fitIntercept ? yCentred : raw.ySquares + raw.yShift * (2 * raw.ySum + n * raw.yShift)
        // Like the shifted pass: y0 plus the mean of y - y0 (zeros without an intercept).
        return (gram, xty, yty, yCentred, means, fitIntercept ? raw.yShift : 0, fitIntercept ? raw.ySum / n : 0)
    }

    /// The original means `x0 + s / W`.
    var means: [Double] { (0..<d).map { x0[$0] + shiftedMeans[$0] } }

    /// Solves `(G + diag(penalty)) b = X_c^T W y_c` by Cholesky of the equilibrated matrix
    /// `D (G + diag(penalty)) D`, `D_j = 1 / sqrt(G_jj + penalty_j)` (`scale` without a penalty; with
    /// one, the scale of the regularised matrix, which stays finite when `G_jj` underflowed).
    /// Returns nil when it is not numerically positive definite.
    func solve(penalty: [Double]) throws -> (b: [Double], intercept: Double, cholesky: CholeskyFactorization<Double>)? {
        let scale = equilibration(penalty: penalty)
        var gs = gram.elements
        for j in 0..<d {
            for k in 0..<d { gs[j * d + k] = gs[j * d + k] * scale[j] * scale[k] }
            gs[j * d + j] += penalty[j] * scale[j] * scale[j]
        }
        let matrix = try wrap { try Matrix(rows: d, columns: d, elements: gs) }
        let chol: CholeskyFactorization<Double>
        do {
            chol = try LAPACK.cholesky(matrix)
        } catch LinearAlgebraError.notPositiveDefinite {
            return nil
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
        if d > 0 && !(chol.reciprocalCondition > 0) { return nil }
        let bs = try wrap { try chol.solve((0..<d).map { xty[$0] * scale[$0] }) }
        let b = (0..<d).map { bs[$0] * scale[$0] }
        return (b, intercept(for: b), chol)
    }

    /// The `D` of `solve(penalty:)`. Without a penalty, the stored scale (no allocation:
    /// LinearRegression's fit is gated on its count).
    func equilibration(penalty: [Double]) -> [Double] {
        penalty.contains(where: { $0 > 0 })
            ? (0..<d).map { j in penalty[j] > 0 ? 1 / (gram[j, j] + penalty[j]).squareRoot() : self.scale[j] }
            : self.scale
    }

    /// `b0 = y0 + ȳ_s - x0^T b - s^T b / W`, compensated.
    func intercept(for b: [Double]) -> Double {
        guard fitIntercept else { return 0 }
        var sum = CompensatedDifference(y0, plus: shiftedYMean)
        for j in 0..<d {
            sum.subtractProduct(x0[j], b[j])
            sum.subtractProduct(shiftedMeans[j], b[j])
        }
        return sum.value
    }

    /// `||y_c - X_c b||_W^2 = y^T y - 2 b^T X^T y + b^T G b` (no pass over the data; accurate to
    /// about `cond * eps * y^T y`, which the fast paths accept).
    func residualSumOfSquares(_ b: [Double]) -> Double {
        var quadratic = 0.0, cross = 0.0
        for j in 0..<d {
            var row = 0.0
            for k in 0..<d { row += gram[j, k] * b[k] }
            quadratic += b[j] * row
            cross += b[j] * xty[j]
        }
        return Swift.max(0, yty - 2 * cross + quadratic)
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
    }
}
