import LinearAlgebra

/// Ridge regression: `min_b sum_i w_i (y_i - b0 - x_i^T b)^2 + alpha ||b||^2`, the intercept not
/// penalised (scikit-learn's semantics: centre with the weighted means, solve, recover
/// `b0 = ȳ - m^T b`).
///
/// Solvers (all on the centred, column-equilibrated data of `EquilibratedProblem`; the penalty is
/// carried into the scaled variables exactly, `alpha D_j^2`):
/// - `.cholesky`: `(A^T A + alpha I) b = A^T y` with `A^T A` by `dsyrk` over row blocks and a
///   Cholesky factorization; when the matrix is not numerically positive definite (alpha = 0 on
///   collinear data) it falls back to `.svd` and records it;
/// - `.qr`: the `R` of `[A | y]` by TSQR, stacked with `sqrt(alpha) I` and re-factored (the QR of
///   the augmented system `[A; sqrt(alpha) I]`, its rows largest first so that neither part rounds
///   the other away, whatever alpha), never squaring the condition number;
/// - `.svd`: the minimum-norm solution of the augmented system on the small `R` (`dgelsd`), exact
///   ridge for alpha > 0 and the minimum-norm least-squares answer for alpha = 0. Its accuracy is
///   normwise (about `eps ||b||` in every coefficient): a coefficient that the penalty shrinks far
///   below the others (a column in units of 1e-20 with alpha = 1: `b_j ~ 1e-18` next to `b ~ 1`)
///   keeps its leading term but may lose its coupling to the other columns (a few % there), where
///   the triangular solves of `.cholesky` and `.qr` are accurate to a few ulps in each coefficient;
/// - `.auto` (default): `.cholesky` when the estimated `cond_1(A^T A + alpha I)` is at most
///   `choleskyConditionLimit` (1e8, leaving about 8 digits), `.qr` otherwise.
///
/// `.cholesky` and `.qr` refine their solution in double-double residuals when that condition
/// exceeds `refinementConditionLimit` (1e4; Ridge+Refinement.swift): NIST's Wampler1-5 with alpha = 0
/// to 13-16 digits instead of 6-10. An explicit `.cholesky` whose factorisation breaks down or whose
/// condition exceeds `1 / eps` (no digit certain, refinement cannot converge: Filip with alpha = 0)
/// is answered by `.qr` instead, and the fit says so (`solver` `.qr`, `requestedSolver`
/// `.cholesky`); `.qr` in turn falls back to `.svd` (`fellBackToSVD`) only on rank-deficient data.
///
/// Wide data (fewer rows than columns) with alpha > 0: `.cholesky` and `.auto` solve the dual
/// `n x n` system `(A A^T + alpha I) a = v`, `b = A^T a` (Ridge+Dual.swift; `.auto` by Cholesky when
/// it is as well conditioned as above, otherwise by QR of the transposed data without squaring), so
/// the cost grows with `n^2 d`, not `d^3`.
///
/// Sample weights so small that `alpha / max(w)` overflows (all near 5e-324 with alpha = 1): every
/// solver returns the closed form `b = X_c^T W y_c / alpha`, exact to double precision there
/// (Ridge+OverwhelmingPenalty.swift).
///
/// Float input is widened to Double. scikit-learn equivalent:
/// `sklearn.linear_model.Ridge(alpha=..., fit_intercept=..., solver="cholesky" | "svd" | "auto")`.
public struct Ridge: Sendable, Hashable, Codable {
    public enum Solver: String, Sendable, Hashable, Codable {
        case auto, cholesky, qr, svd
    }

    /// The largest `cond_1` of the regularised Gram matrix that `.auto` solves by Cholesky.
    public static let choleskyConditionLimit = 1e8

    public let alpha: Double
    public let fitIntercept: Bool
    public let solver: Solver

    public init(alpha: Double = 1.0, fitIntercept: Bool = true, solver: Solver = .auto) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
        self.solver = solver
    }

    /// Fits on `x`, `y` and optional non-negative `sampleWeight`, on `threads` threads (default:
    /// OpenBLAS's thread count). The result is bit-identical for any `threads`.
    /// - Throws: `ModelError.invalidParameter` (alpha negative or not finite, threads < 1, more than
    ///   `DenseSolverLimit.maximumOrder` (16,384) columns);
    ///   `.emptyInput`; `.zeroTotalWeight`; `.lengthMismatch`; `.nonFiniteValue` naming X's row and column or y's /
    ///   sampleWeight's row; `.negativeWeight`; `.numericalOverflow` on overflow. (An explicit
    ///   `.cholesky` beyond its reach is answered by `.qr`, stated in the fit, not refused.)
    /// - Complexity: O(n d^2) flops (`dsyrk` or TSQR) plus O(d^3); memory O(block * d + d^2).
    public func fit(x: Matrix<Double>, y: [Double], sampleWeight: [Double]? = nil, threads requestedThreads: Int? = nil) throws -> RidgeFit {
        let model = "Ridge"
        guard alpha.isFinite && alpha >= 0 else {
            throw ModelError.invalidParameter(model: model, parameter: "alpha", reason: "must be finite and >= 0, got \(alpha)")
        }
        let threads = requestedThreads ?? BLASRuntime.threadCount
        guard threads >= 1 else {
            throw ModelError.invalidParameter(model: model, parameter: "threads", reason: "must be >= 1, got \(threads)")
        }
        try DenseSolverLimit.check(model: model, solver: solver.rawValue, order: x.columns + (fitIntercept ? 1 : 0))
        let data = try TrainingData(model: model, x: x, y: y, sampleWeight: sampleWeight, checkX: false)
        let d = data.columns
        // Objective / max(w): the penalty becomes alpha / max(w).
        let scaledAlpha = alpha / data.weightScale
        if let fit = try fitUnderAnOverwhelmingPenalty(data, scaledAlpha: scaledAlpha) { return fit }
        if let fit = try fitDual(data, scaledAlpha: scaledAlpha, threads: threads) { return fit }
        var chosen = solver
        if chosen == .auto { chosen = data.effectiveRows < d ? .qr : .cholesky }
        var fellBack = false
        if chosen == .cholesky {
            // The one-pass Gram matrix; on overflow of a shifted value, the equilibrated path below.
            do {
                // A penalty that is not tiny keeps the regularised matrix well scaled even where a
                // column's squares underflowed (CentredGram.solve equilibrates with it).
                let g = try CentredGram(data, fitIntercept: fitIntercept, threads: threads,
                                        checkUnderflow: !(scaledAlpha >= CentredGram.underflowLimit))
                let penalty = [Double](repeating: scaledAlpha, count: d)
                if let solved = try g.solve(penalty: penalty) {
                    var (b, b0) = (solved.b, solved.intercept)
                    let chol = solved.cholesky
                    // An explicit .cholesky past 1 / eps: not one digit is certain and refinement cannot
                    // converge (it contracts by eps * cond per step); Filip with alpha = 0 came out with
                    // no correct digit. The QR of the augmented system answers instead (stated).
                    let beyondCholesky = solver == .auto ? chol.reciprocalCondition < 1 / Self.choleskyConditionLimit
                                                         : chol.reciprocalCondition < Double.ulpOfOne
                    if !beyondCholesky {
                        var rss = g.residualSumOfSquares(b)
                        if !(chol.reciprocalCondition * Self.refinementConditionLimit >= 1) {
                            let scale = g.equilibration(penalty: penalty)
                            let refined = try refine(data, means: g.means, unit: scale, b: b, b0: b0, alpha: scaledAlpha, threads: threads) { h in
                                let v = try g.wrap { try chol.solve((0..<d).map { h[$0] * scale[$0] }) }
                                return (0..<d).map { v[$0] * scale[$0] }
                            }
                            if let refined { (b, b0, rss) = (refined.b, refined.b0, refined.rss) }
                        }
                        return try RidgeFit.make(
                            model: model, fitIntercept: fitIntercept, alpha: alpha, coefficients: b, intercept: b0,
                            solver: .cholesky, requested: solver, fellBack: false, residualSumOfSquares: rss,
                            rSquaredParts: (rss, g.totalSumOfSquares), weightScale: data.weightScale,
                            effectiveRows: data.effectiveRows, reciprocalCondition: chol.reciprocalCondition)
                    }
                    chosen = .qr
                } else {
                    // The factorisation broke down: QR of the augmented system (which goes on to the
                    // SVD's minimum-norm answer only if the data are rank-deficient). The SVD straight
                    // away truncated a full-rank, ill-conditioned design such as Filip's to an answer
                    // with no correct digit.
                    chosen = .qr
                }
            } catch let error as LinearAlgebraError {
                if let inputError = data.inputError(from: error, onesColumn: true) { throw inputError }
                guard case .nonFinite = error else { throw ModelError.linearAlgebra(model: model, underlying: error) }
            }
        }
        try data.validateX()
        let p = EquilibratedProblem(data, fitIntercept: fitIntercept)
        // In the equilibrated variables the penalty is alpha' D_j^2.
        let scale = p.scaling
        let penalty = (0..<d).map { Swift.min(scaledAlpha * scale[$0] * scale[$0], .greatestFiniteMagnitude) }
        var result: (bs: [Double]?, b: [Double]?, rssScaled: Double, reciprocal: Double)?
        if chosen == .cholesky {
            result = try choleskySolve(p, penalty: penalty)
            let limit = solver == .auto ? 1 / Self.choleskyConditionLimit : Double.ulpOfOne
            if result == nil || result.map({ $0.reciprocal < limit }) == true {
                result = nil
                chosen = .qr  // as above: QR, then the SVD only for rank-deficient data
            }
        }
        var qrFactor: Matrix<Double>?
        if result == nil {
            let raug = try p.triangularFactor()
            if chosen == .qr {
                if let solved = try qrSolve(p, raug: raug, penalty: penalty) {
                    result = (solved.bs, solved.b, solved.rssScaled, solved.reciprocal)
                    qrFactor = solved.factor
                } else {
                    fellBack = true; chosen = .svd
                }
            }
            if result == nil { result = try svdSolve(p, raug: raug, alpha: scaledAlpha) }
        }
        guard let solved = result else { throw ModelError.numericalOverflow(model: model, detail: "solution") } // invariant: svdSolve always returns
        var coefficients: [Double], intercept: Double
        if let bs = solved.bs {
            (coefficients, intercept) = p.originalCoefficients(bs)
        } else {
            coefficients = solved.b ?? []
            intercept = fitIntercept ? p.interceptFor(coefficients) : 0
        }
        if let r2 = qrFactor, !(solved.reciprocal * Self.refinementConditionLimit >= 1) {
            let unit = Array(scale.prefix(d))
            let refined = try refine(p.data, means: p.xMean, unit: unit, b: coefficients, b0: intercept, alpha: scaledAlpha,
                                     threads: threads) { h in
                let v = try p.wrap { try solveSemiNormal(r2, (0..<d).map { h[$0] * unit[$0] }) }
                return (0..<d).map { v[$0] * unit[$0] }
            }
            if let refined {
                (coefficients, intercept) = (refined.b, refined.b0)
                return try RidgeFit.make(
                    model: model, fitIntercept: fitIntercept, alpha: alpha, coefficients: coefficients, intercept: intercept,
                    solver: chosen, requested: solver, fellBack: fellBack, residualSumOfSquares: refined.rss,
                    rSquaredParts: (refined.rss * pow2(p.inverseAmplitude[d]), p.scaledTotalSumOfSquares()),
                    weightScale: data.weightScale, effectiveRows: data.effectiveRows, reciprocalCondition: solved.reciprocal)
            }
        }
        return try RidgeFit.make(p, alpha: alpha, coefficients: coefficients, intercept: intercept, solver: chosen,
                                 requested: solver, fellBack: fellBack, rssScaled: solved.rssScaled,
                                 reciprocalCondition: solved.reciprocal)
    }

    /// Fits on Float data (widened to Double).
    public func fit(x: Matrix<Float>, y: [Float], sampleWeight: [Float]? = nil, threads: Int? = nil) throws -> RidgeFit {
        try fit(x: try x.widened(), y: y.map { Double($0) }, sampleWeight: sampleWeight?.map { Double($0) }, threads: threads)
    }

    /// nil when the regularised Gram matrix is not numerically positive definite.
    private func choleskySolve(_ p: EquilibratedProblem, penalty: [Double]) throws -> (bs: [Double]?, b: [Double]?, rssScaled: Double, reciprocal: Double)? {
        let d = p.columns, c = d + 1
        var gram = try p.wrap { try Matrix<Double>(rows: c, columns: c) }
        for range in ParallelRows.blocks(rows: p.data.rows, blockRows: 4096) {
            let block = try p.wrap { try Matrix(rows: range.count, columns: c, elements: p.preparedRows(range)) }
            try p.wrap { try BLAS.syrk(block, transpose: .transpose, beta: 1, into: &gram, triangle: .lower) }
        }
        var gs = try p.wrap { try leadingBlock(gram, d) }
        for j in 0..<d { gs[j, j] += penalty[j] }
        let chol: CholeskyFactorization<Double>
        do {
            chol = try LAPACK.cholesky(gs)
        } catch LinearAlgebraError.notPositiveDefinite {
            return nil
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: p.data.model, underlying: error)
        }
        if chol.reciprocalCondition == 0 && d > 0 { return nil }
        let rhs = (0..<d).map { gram[d, $0] }
        let bs = try p.wrap { try chol.solve(rhs) }
        // ||A b - y||^2 = y^T y - 2 b^T A^T y + b^T A^T A b (without the penalty).
        var quadratic = 0.0, cross = 0.0
        for i in 0..<d {
            var row = 0.0
            for j in 0..<d { row += (i >= j ? gram[i, j] : gram[j, i]) * bs[j] }
            quadratic += bs[i] * row
            cross += bs[i] * rhs[i]
        }
        return (bs, nil, Swift.max(0, gram[d, d] - 2 * cross + quadratic), chol.reciprocalCondition)
    }

    /// nil when the augmented triangular factor is exactly singular (alpha = 0, rank deficient).
    ///
    /// The rows are stacked largest first (Powell and Reid's row sorting for Householder QR of
    /// rows of very different sizes): the penalty rows `sqrt(alpha D_j^2)` larger than the data's
    /// (whose columns have unit norm), then the data's `R`, then the smaller penalty rows. Under the
    /// data, a penalty row 1e8 times larger than it rounded the data's coupling away (coefficients
    /// 2% off at `alpha / ||x_c||^2 = 1e30`, exactly zero from 1e34; also features in 1e-15 units
    /// with alpha = 1); above the data, a tiny penalty row would do the same to itself.
    private func qrSolve(_ p: EquilibratedProblem, raug: Matrix<Double>, penalty: [Double]) throws -> (bs: [Double]?, b: [Double]?, rssScaled: Double, reciprocal: Double, factor: Matrix<Double>)? {
        let d = p.columns, c = d + 1
        var stacked = try p.wrap { try TallSkinnyQR(columns: c) }
        var large = [Double](repeating: 0, count: d * c), small = large
        for j in 0..<d {
            if penalty[j] > 1 { large[j * c + j] = penalty[j].squareRoot() } else { small[j * c + j] = penalty[j].squareRoot() }
        }
        try p.wrap {
            try stacked.add(Matrix(rows: d, columns: c, elements: large))
            try stacked.add(raug)
            try stacked.add(Matrix(rows: d, columns: c, elements: small))
        }
        let r2 = try p.wrap { try leadingBlock(stacked.r, d) }
        let rcond = try p.wrap { try LAPACK.upperTriangularReciprocalCondition(unitColumns(r2)) }
        if d > 0 && !(rcond > Double.ulpOfOne) { return nil }
        let z2 = (0..<d).map { stacked.r[$0, d] }
        let bs = try p.wrap { try LAPACK.solveUpperTriangular(r2, z2) }
        return (bs, nil, scaledResidual(raug, bs), rcond * rcond, r2)
    }

    /// `r` with each column divided by its 2-norm (a zero column left as it is), for the condition
    /// estimate of the augmented factor: the data's columns have unit norm in the equilibrated
    /// variables, but a penalty row `sqrt(alpha D_j^2)` makes column `j` of the augmented system
    /// `sqrt(1 + alpha D_j^2)` long, and a column whose penalty dwarfs its data (a feature in units of
    /// 1e-20 with alpha = 1: `alpha D_j^2 ~ 1e38`) then made `dtrcon` of the unscaled factor ~1e-19,
    /// below eps, so a well-posed system was sent to the SVD fallback (which lost the column's
    /// coupling to the others: that coefficient 4% off). Column scaling changes neither the solution
    /// nor the triangular solve's accuracy (van der Sluis), only what the estimate measures.
    private func unitColumns(_ r: Matrix<Double>) throws -> Matrix<Double> {
        let n = r.columns
        var e = r.elements
        for j in 0..<n {
            // Scaled by the column's largest entry first: no overflow when an entry is near 1e154.
            var largest = 0.0
            for i in 0...j { largest = Swift.max(largest, abs(e[i * n + j])) }
            guard largest > 0, largest.isFinite else { continue }
            var sum = 0.0
            for i in 0...j { let v = e[i * n + j] / largest; sum += v * v }
            let norm = largest * sum.squareRoot()
            for i in 0...j { e[i * n + j] /= norm }
        }
        return try Matrix(rows: n, columns: n, elements: e)
    }

    /// Minimum-norm solution of `[R_s D^{-1}; sqrt(alpha') I] b = [z / Dy; 0]` in the original units
    /// (its rows in the order of qrSolve: largest first).
    private func svdSolve(_ p: EquilibratedProblem, raug: Matrix<Double>, alpha: Double) throws -> (bs: [Double]?, b: [Double]?, rssScaled: Double, reciprocal: Double) {
        let d = p.columns, c = d + 1
        let scale = p.scaling
        // Rows largest first, as in qrSolve: penalty rows larger than their column of the data
        // (`sqrt(alpha) D_j > 1`: that column has norm 1 / D_j here), the data, the other penalty rows.
        let root = alpha.squareRoot()
        let large = (0..<d).filter { root * scale[$0] > 1 }, small = (0..<d).filter { !(root * scale[$0] > 1) }
        var a = [Double](repeating: 0, count: 2 * d * d)
        var rhs = [Double](repeating: 0, count: 2 * d)
        for (k, j) in large.enumerated() { a[k * d + j] = root }
        for i in 0..<d {
            let row = large.count + i
            for j in i..<d { a[row * d + j] = raug[i, j] / scale[j] }
            rhs[row] = raug[i, d] / scale[d]
        }
        for (k, j) in small.enumerated() { a[(large.count + d + k) * d + j] = root }
        let matrix = try p.wrap { try Matrix(rows: 2 * d, columns: d, elements: a) }
        let solution = try p.wrap { try LAPACK.leastSquaresSVD(matrix, rhs, cutoff: Double.ulpOfOne * Double(Swift.max(p.data.effectiveRows, d, 1))) }
        let b = solution.solution.elements
        let bs = (0..<d).map { b[$0] / scale[$0] * scale[d] }
        let s = solution.singularValues
        let reciprocal = (s.first ?? 0) > 0 ? pow2((s.last ?? 0) / s[0]) : (d == 0 ? 1 : 0)
        _ = c
        return (nil, b, scaledResidual(raug, bs), reciprocal)
    }

    /// `||R_s b_s - z||^2 + rho^2`: the residual sum of squares in scaled units, from the factor.
    private func scaledResidual(_ raug: Matrix<Double>, _ bs: [Double]) -> Double {
        let d = bs.count
        var s = raug[d, d] * raug[d, d]
        for i in 0..<d {
            var v = -raug[i, d]
            for j in i..<d { v += raug[i, j] * bs[j] }
            s += v * v
        }
        return s
    }
}

@inline(__always) private func pow2(_ x: Double) -> Double { x * x }
