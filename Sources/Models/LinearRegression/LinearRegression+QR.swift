import LinearAlgebra

/// The one-pass QR path of `LinearRegression` (the default).
///
/// The design `[1 | X - 1 x0^T | y - y0]` (weighted by `sqrt(w)`, the ones column only with an
/// intercept; `x0, y0` the first row of positive weight, a shift that keeps the subtraction exact to
/// an ulp of the spread) is reduced by `TallSkinnyQR.factorLinearModel` in a single pass. Its `R`
/// holds everything the fit needs:
/// - the trailing `d x d` block `R22` is the `R` of the centred, weighted `X` (Householder's
///   projection of the ones column, no subtraction of means), `z2` its right-hand side and
///   `rho = R[c-1, c-1]` the residual norm;
/// - the column norms of `R22` are those of the centred columns: the equilibration `D`;
/// - `R[0, 0]^2` is the weight sum, and the `y` entries below row 0 give the total sum of squares.
/// The rank decision and singular values come from `dgelsd` on `R22 D` (`d x d`), the solution from
/// back substitution with the full triangle, then extended-precision refinement (corrected
/// semi-normal equations with this `R`) against the original data.
struct LinearModelQR {
    let data: TrainingData
    let fitIntercept: Bool
    let r: Matrix<Double>
    let x0: [Double]
    let y0: Double
    /// Columns of the ones column (1 with an intercept) before the features.
    var offset: Int { fitIntercept ? 1 : 0 }
    var d: Int { data.columns }
    var c: Int { offset + d + 1 }

    init(_ data: TrainingData, fitIntercept: Bool, threads: Int) throws {
        self.data = data
        self.fitIntercept = fitIntercept
        var shift = [Double](repeating: 0, count: data.columns), yShift = 0.0
        if fitIntercept, let i = (0..<data.rows).first(where: { data.weight($0) > 0 }) {
            shift = Array(data.x.elements[(i * data.columns)..<((i + 1) * data.columns)])
            yShift = data.y[i]
        }
        (x0, y0) = (shift, yShift)
        r = try TallSkinnyQR.factorLinearModel(
            x: data.x, y: data.y, weights: data.weights, shift: shift, yShift: yShift,
            leadingOnes: fitIntercept, threads: threads).r
        // Column norms beyond 1.8e308 (values near the overflow threshold) leave infinities in R:
        // the caller then takes the equilibrated path.
        if let k = r.elements.firstIndex(where: { !$0.isFinite }) {
            let c = r.columns
            throw LinearAlgebraError.nonFinite(operation: "LinearModelQR", row: k / c, column: k % c, value: r.elements[k])
        }
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: data.model, underlying: error)
        }
    }

    /// The upper-left `n x n` block starting at `(start, start)`.
    func block(start: Int, count n: Int) throws -> Matrix<Double> {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { out[i * n + j] = r[start + i, start + j] } }
        return try wrap { try Matrix(rows: n, columns: n, elements: out) }
    }

    /// `b0 = y0 + c - x0^T b`, compensated.
    func intercept(c: Double, b: [Double]) -> Double {
        guard fitIntercept else { return 0 }
        var sum = CompensatedDifference(y0, plus: c)
        for j in 0..<d { sum.subtractProduct(x0[j], b[j]) }
        return sum.value
    }

    func fit(refinement: RefinementPolicy, rankCutoff: Double?, maxSteps: Int, threads: Int) throws -> LinearRegressionFit {
        let n = offset + d
        let cutoff = rankCutoff ?? Double.ulpOfOne * Double(Swift.max(data.effectiveRows, d, 1))
        let r22 = try block(start: offset, count: d)
        let z2 = (0..<d).map { r[offset + $0, c - 1] }
        var norms = [Double](repeating: 0, count: d)
        for j in 0..<d {
            var s = 0.0
            let big = (0...j).reduce(0.0) { Swift.max($0, abs(r22[$1, j])) }
            if big > 0 { for i in 0...j { let v = r22[i, j] / big; s += v * v } }
            norms[j] = big * s.squareRoot()
        }
        // Capped: 1 / norm overflows below ~5.6e-309 (a subnormal column), and an infinite scale
        // failed the fit with a "non-finite value" that X does not hold.
        let scale = norms.map { $0 > 0 ? Swift.min(1 / $0, 0x1p1000) : 1 }
        var scaled = r22.elements
        for i in 0..<d { for j in i..<d { scaled[i * d + j] *= scale[j] } }
        let rs = try wrap { try Matrix(rows: d, columns: d, elements: scaled) }
        let svd = try wrap { try LAPACK.leastSquaresSVD(rs, z2, cutoff: cutoff) }
        let fullRank = svd.rank == d
        var b: [Double], b0: Double, steps = 0
        var rss = r[c - 1, c - 1] * r[c - 1, c - 1]
        let rf = try block(start: 0, count: n)
        if fullRank {
            let u = try wrap { try LAPACK.solveUpperTriangular(rf, (0..<n).map { r[$0, c - 1] }) }
            b = Array(u[offset...])
            b0 = intercept(c: fitIntercept ? u[0] : 0, b: b)
            var amplification = svd.conditionNumber
            if fitIntercept {
                // b0 = mean(y) - mean(X) b whatever the shift: its relative error is about eps times
                // (|mean(y)| + sum_j |mean(x_j) b_j|) / |b0|. The means are the shift plus the shifted
                // means R[0, j] / R[0, 0] (the first row of R is the ones column's projection). The
                // shift's own terms stay in, for the compensated recovery from the shifted solution.
                let r00 = r[0, 0]
                var terms = abs(y0 + r[0, c - 1] / r00) + abs(y0) + abs(u[0])
                for j in 0..<d { terms += abs((x0[j] + r[0, 1 + j] / r00) * b[j]) + abs(x0[j] * b[j]) }
                amplification *= Swift.max(1, terms / Swift.max(abs(b0), .leastNormalMagnitude))
            }
            let limit: Int
            switch refinement {
            case .never: limit = 0
            case .always: limit = maxSteps
            case .automatic: limit = amplification > 10 ? maxSteps : 0
            }
            if limit > 0 {
                let refined = try refine(rf, norms: norms, b: b, b0: b0, maxSteps: limit, threads: threads)
                (b, b0, steps, rss) = (refined.b, refined.b0, refined.steps, refined.rss)
            }
        } else {
            let solution = try wrap { try LAPACK.leastSquaresSVD(r22, z2, cutoff: cutoff) }
            b = solution.solution.elements
            var c0 = 0.0
            if fitIntercept {
                var s = r[0, c - 1]
                for j in 0..<d { s -= r[0, 1 + j] * b[j] }
                c0 = s / r[0, 0]
            }
            b0 = intercept(c: c0, b: b)
            rss = try wrap { try CompensatedKernels.residualGradient(
                x: data.x, y: data.y, weights: data.weights, coefficients: b, intercept: b0, threads: threads) }.residualSumOfSquares
        }
        // Total sum of squares about the weighted mean of y (normalised weights).
        var tss = 0.0
        if fitIntercept {
            for i in 1..<c { tss += r[i, c - 1] * r[i, c - 1] }
        } else {
            var mean = 0.0
            for i in 0..<data.rows { mean += data.weight(i) * data.y[i] }
            mean /= data.weightSum
            for i in 0..<data.rows { let v = data.y[i] - mean; tss += data.weight(i) * v * v }
        }
        let dof = data.effectiveRows - svd.rank - offset
        var errors: (coefficients: [Double], intercept: Double?)?
        if fullRank && dof > 0 {
            let sigma = (rss / Double(dof)).squareRoot()
            var se = [Double](repeating: 0, count: d)
            for j in 0..<d {
                var e = [Double](repeating: 0, count: n)
                e[offset + j] = 1
                se[j] = sigma * norm2(try wrap { try LAPACK.solveUpperTriangular(rf, e, transpose: .transpose) })
            }
            var interceptError: Double?
            if fitIntercept {
                let a = [1] + x0.map { -$0 }
                interceptError = sigma * norm2(try wrap { try LAPACK.solveUpperTriangular(rf, a, transpose: .transpose) })
            }
            if se.allSatisfy({ $0.isFinite }) && (interceptError?.isFinite ?? true) { errors = (se, interceptError) }
        }
        return try LinearRegressionFit.make(
            model: data.model, fitIntercept: fitIntercept, coefficients: b, intercept: b0, solver: .qr,
            usedSVDFallback: !fullRank, rank: svd.rank, singularValues: svd.singularValues, rankCutoff: cutoff,
            refinementSteps: steps, residualSumOfSquares: rss, rSquaredParts: (rss, tss), weightScale: data.weightScale,
            effectiveRows: data.effectiveRows, standardErrors: errors)
    }

    /// Corrected semi-normal equations in double-double residuals (see `EquilibratedProblem.refine`),
    /// with the unknowns `u = [c; b]` of the shifted design and `R_f^T R_f = A_f^T W A_f`.
    func refine(_ rf: Matrix<Double>, norms: [Double], b start: [Double], b0 start0: Double, maxSteps: Int, threads: Int)
        throws -> (b: [Double], b0: Double, steps: Int, rss: Double) {
        var (b, b0) = (start, start0)
        var progress = RefinementProgress(), rss = 0.0
        for _ in 0...maxSteps {
            let rg = try wrap { try CompensatedKernels.residualGradient(
                x: data.x, y: data.y, weights: data.weights, coefficients: b, intercept: b0, threads: threads) }
            rss = rg.residualSumOfSquares
            if progress.steps == maxSteps { break }
            var g = [Double]()
            if fitIntercept { g.append(rg.residualSum) }
            for j in 0..<d { g.append(rg.gradient[j] - (fitIntercept ? x0[j] * rg.residualSum : 0)) }
            let u = try wrap { try solveSemiNormal(rf, g) }
            let db = Array(u[offset...])
            var db0 = 0.0
            if fitIntercept {
                db0 = u[0]
                for j in 0..<d { db0 -= x0[j] * db[j] }
            }
            var size = 0.0, magnitude = 0.0
            for j in 0..<d {
                size = Swift.max(size, abs(db[j]) * norms[j])
                magnitude = Swift.max(magnitude, abs(b[j]) * norms[j])
            }
            let relative = magnitude > 0 ? size / magnitude : size
            guard progress.accepts(relative: relative, interceptCorrection: db0, intercept: b0) else { break }
            for j in 0..<d { b[j] += db[j] }
            b0 += db0
        }
        return (b, b0, progress.steps, rss)
    }
}

func norm2(_ v: [Double]) -> Double {
    let big = v.reduce(0.0) { Swift.max($0, abs($1)) }
    guard big > 0 else { return 0 }
    var s = 0.0
    for x in v { let t = x / big; s += t * t }
    return big * s.squareRoot()
}
