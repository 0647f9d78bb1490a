import LinearAlgebra

/// Ordinary (and weighted) least squares: `min_b sum_i w_i (y_i - b0 - x_i^T b)^2`.
///
/// **The accurate path (`.qr`, default).** One pass over the data: the weighted design
/// `[1 | X - 1 x0^T | y - y0]` (`x0, y0` a row of the data, so the subtraction is exact to an ulp of
/// the spread) is reduced by a tall-skinny Householder QR over fixed row blocks
/// (`TallSkinnyQR.factorLinearModel`: the rows stream, and the result does not depend on a thread
/// count). Householder's projection of the ones column centres the rest exactly as scikit-learn's
/// weighted centring does, without subtracting means. The singular values of the trailing factor
/// with its columns scaled to unit norm (equilibration; `dgelsd` on the small `d x d` factor)
/// decide the rank with the cutoff `rankCutoff` (default `eps * max(n, d)`, numpy's `lstsq` default):
/// - full rank: back substitution, then iterative refinement in double-double
///   (`RefinementPolicy`; corrected semi-normal equations against the original data), which
///   reaches the accuracy the double-precision data allow (NIST Longley: 14.6 to 16 digits; a
///   Filip-like degree-10 polynomial: 14 digits, against 7 without refinement);
/// - rank deficient (collinear or constant columns): the **minimum-norm** solution in the
///   original units (`dgelsd` on the centred factor), as scikit-learn's `scipy.linalg.lstsq`; never
///   NaN, and the rank is reported.
///
/// **Wide data (still `.qr`)**: with fewer rows of positive weight than unknowns (`n < d + 1` with an
/// intercept, `n < d` without) no `d x d` matrix is formed: `dgeqrf` of the centred, weighted
/// `A^T` (`d x n`), the truncated pseudo-inverse of its `n x n` factor, and double-double
/// refinement give the minimum-norm solution in the original units in O(n^2 d)
/// (`LinearRegression+Wide.swift`); rank and singular values (padded with zeros to `d`) are those
/// of the equilibrated design, standard errors nil. `.normalEquations` refuses wide data
/// (`.illConditioned`): it is always rank deficient.
/// If a shifted value overflows (|x| near 1e308), an equilibrated path scales every column by its
/// largest entry first (`EquilibratedProblem`).
///
/// **Well-conditioned shortcut (still `.qr`).** Refinement's fixed point does not depend on the
/// triangular factor, which only preconditions. When the equilibrated, centred design has
/// `cond_2 <= 1e3` (and refinement is not `.never`, the rank is clearly full and there are more
/// rows than unknowns), the factor is the Cholesky factor of the centred Gram matrix (one `dsyrk`
/// pass, half the flops of Householder QR), and refinement always runs until it converges; if it
/// does not, or any condition fails, the TSQR path above runs instead
/// (`LinearRegression+Gram.swift`). Singular values and standard errors then come from the Gram
/// matrix (relative error about `eps cond^2 <= 1e-10`).
///
/// **The fast path (`.normalEquations`).** The centred Gram matrix in one pass (`BLAS.shiftedGram`,
/// `dsyrk` over cache-sized blocks, centred exactly in O(d^2)), equilibrated, Cholesky and a
/// 1-norm condition estimate (`dpocon`). The normal equations square the condition number, so the
/// path refuses (`ModelError.illConditioned`, suggesting `.qr`) when `cond_1(A_s^T A_s)` exceeds
/// `normalEquationsConditionLimit` = 1e8: the relative error of the answer is about
/// `cond * eps`, so 1e8 still leaves about 8 correct digits.
///
/// Float input is widened to Double (exact) and fitted in Double.
///
/// scikit-learn equivalent: `sklearn.linear_model.LinearRegression(fit_intercept=...)` with
/// `fit(X, y, sample_weight=...)`; the diagnostics are those of `statsmodels.WLS`.
public struct LinearRegression: Sendable, Hashable, Codable {
    /// The least-squares algorithm.
    public enum Solver: String, Sendable, Hashable, Codable {
        /// TSQR + SVD fallback + extended-precision refinement (accurate, default).
        case qr
        /// Gram matrix + Cholesky (fast; refused on ill-conditioned data).
        case normalEquations
    }

    /// The largest `cond_1(A_s^T A_s)` the normal equations accept.
    public static let normalEquationsConditionLimit = 1e8
    /// The most refinement steps taken.
    public static let maxRefinementSteps = 10

    public let fitIntercept: Bool
    public let solver: Solver
    public let refinement: RefinementPolicy
    /// The relative singular-value cutoff for the rank decision (nil: `eps * max(n, d)`, numpy's
    /// `lstsq` default). scikit-learn 1.9's `LinearRegression(tol=1e-6)` passes `cond=tol` to
    /// `scipy.linalg.lstsq` (on the unscaled centred design): `rankCutoff: 1e-6` reproduces its
    /// truncation of nearly dependent directions on rank-deficient and wide data.
    public let rankCutoff: Double?

    public init(fitIntercept: Bool = true, solver: Solver = .qr, refinement: RefinementPolicy = .automatic, rankCutoff: Double? = nil) {
        self.fitIntercept = fitIntercept
        self.solver = solver
        self.refinement = refinement
        self.rankCutoff = rankCutoff
    }

    /// Fits on `x` (rows are samples), `y` and optional non-negative `sampleWeight`, on `threads`
    /// threads (default: OpenBLAS's thread count). The result is bit-identical for any `threads`.
    /// - Throws: `ModelError.emptyInput` (zero rows); `.zeroTotalWeight`; `.lengthMismatch` (y,
    ///   sampleWeight); `.nonFiniteValue` naming X's row and column or y's / sampleWeight's row;
    ///   `.negativeWeight`; `.invalidParameter` (rankCutoff outside [0, 1), threads < 1, more than 16,384
    ///   columns unless the data are wide and the solver `.qr`); `.illConditioned` (normal equations
    ///   only, also for wide data); `.numericalOverflow` when a coefficient overflows.
    /// - Complexity: `.qr`: O(2 n d^2) flops in the QR, plus about 25 n d flops per refinement step
    ///   (0 to 3 steps typical); memory O(block * d + d^2) beyond the input. `.normalEquations`:
    ///   O(n d^2) flops in `dsyrk`. Wide data (`.qr`): O(4 n^2 d) flops in two `dgeqrf` plus
    ///   O(n^3), and about 30 n d flops per refinement step; memory two `n x d` copies.
    public func fit(x: Matrix<Double>, y: [Double], sampleWeight: [Double]? = nil, threads requestedThreads: Int? = nil) throws -> LinearRegressionFit {
        let model = "LinearRegression"
        if let c = rankCutoff, !(c.isFinite && c >= 0 && c < 1) {
            throw ModelError.invalidParameter(model: model, parameter: "rankCutoff", reason: "must be in [0, 1), got \(c)")
        }
        let threads = requestedThreads ?? BLASRuntime.threadCount
        guard threads >= 1 else {
            throw ModelError.invalidParameter(model: model, parameter: "threads", reason: "must be >= 1, got \(threads)")
        }
        let order = x.columns + (fitIntercept ? 1 : 0)
        // Wide data on the QR path build no order x order matrix (LinearRegression+Wide.swift): the
        // rows (at least the rows of positive weight) bound its n x n factors.
        try DenseSolverLimit.check(model: model, solver: solver.rawValue, order: solver == .qr && x.rows < order ? x.rows : order)
        let data = try TrainingData(model: model, x: x, y: y, sampleWeight: sampleWeight, checkX: false)
        if data.effectiveRows < order {
            // Fewer rows of positive weight than unknowns: certainly rank deficient.
            if solver == .qr, let fit = try fitWide(data) { return fit }
            if solver == .normalEquations {
                try data.validateX()
                throw ModelError.illConditioned(model: model, solver: "normalEquations", conditionEstimate: .infinity,
                                                limit: Self.normalEquationsConditionLimit, suggestion: "solver .qr (minimum-norm answer for wide data: fewer rows than unknowns)")
            }
        }
        // The one-pass paths read X once and find NaN/Inf on the way. If a shifted value overflows
        // instead (|x| near 1e308), the equilibrated path below scales every column by its largest
        // entry first.
        if solver == .qr {
            // Well-conditioned data: one dsyrk pass and Cholesky-preconditioned refinement (same fixed
            // point as the TSQR path, see LinearRegression+Gram.swift); nil sends the rest to TSQR.
            do {
                if let fit = try fitGramPreconditioned(data, threads: threads) { return fit }
            } catch let error as LinearAlgebraError {
                if let inputError = data.inputError(from: error, onesColumn: true) { throw inputError }
                guard case .nonFinite = error else { throw ModelError.linearAlgebra(model: model, underlying: error) }
            }
        }
        do {
            if solver == .qr {
                let qr = try LinearModelQR(data, fitIntercept: fitIntercept, threads: threads)
                return try qr.fit(refinement: refinement, rankCutoff: rankCutoff, maxSteps: Self.maxRefinementSteps, threads: threads)
            } else {
                return try fitNormalEquations(CentredGram(data, fitIntercept: fitIntercept, threads: threads))
            }
        } catch let error as LinearAlgebraError {
            if let inputError = data.inputError(from: error, onesColumn: solver == .qr ? fitIntercept : true) { throw inputError }
            guard case .nonFinite = error else { throw ModelError.linearAlgebra(model: model, underlying: error) }
        }
        try data.validateX()
        let problem = EquilibratedProblem(data, fitIntercept: fitIntercept)
        switch solver {
        case .qr: return try fitQR(problem, threads: threads)
        case .normalEquations: return try fitNormalEquations(problem, threads: threads)
        }
    }

    /// Fits on Float data (widened to Double; the fit is computed in Double).
    public func fit(x: Matrix<Float>, y: [Float], sampleWeight: [Float]? = nil, threads: Int? = nil) throws -> LinearRegressionFit {
        try fit(x: try x.widened(), y: y.map { Double($0) }, sampleWeight: sampleWeight?.map { Double($0) }, threads: threads)
    }

    private func fitQR(_ p: EquilibratedProblem, threads: Int) throws -> LinearRegressionFit {
        let d = p.columns, data = p.data
        let cutoff = rankCutoff ?? Double.ulpOfOne * Double(Swift.max(data.effectiveRows, d, 1))
        let raug = try p.triangularFactor()
        let rs = try p.wrap { try leadingBlock(raug, d) }
        let z = (0..<d).map { raug[$0, d] }
        let svd = try p.wrap { try LAPACK.leastSquaresSVD(rs, z, cutoff: cutoff) }
        var b: [Double], b0: Double, steps = 0, rss: Double
        let fallback = svd.rank < d
        if !fallback {
            let bs = try p.wrap { try LAPACK.solveUpperTriangular(rs, z) }
            (b, b0) = p.originalCoefficients(bs)
            let amplification = svd.conditionNumber * p.centringAmplification
            let refineSteps: Int
            switch refinement {
            case .never: refineSteps = 0
            case .always: refineSteps = Self.maxRefinementSteps
            case .automatic: refineSteps = amplification > 100 ? Self.maxRefinementSteps : 0
            }
            let refined = try p.refine(r: rs, coefficients: b, intercept: b0, maxSteps: refineSteps, threads: threads)
            (b, b0, steps, rss) = (refined.coefficients, refined.intercept, refined.steps, refined.residualSumOfSquares)
        } else {
            // Minimum norm in the original units: X_c = Q R_s D^{-1}, y_c = Q z / Dy.
            let scale = p.scaling
            var ru = rs.elements
            for i in 0..<d { for j in 0..<d { ru[i * d + j] /= scale[j] } }
            let unscaled = try p.wrap { try Matrix(rows: d, columns: d, elements: ru) }
            let zu = z.map { $0 / scale[d] }
            let solution = try p.wrap { try LAPACK.leastSquaresSVD(unscaled, zu, cutoff: cutoff) }
            b = solution.solution.elements
            b0 = fitIntercept ? p.interceptFor(b) : 0
            rss = try p.wrap { try CompensatedKernels.residualGradient(
                x: data.x, y: data.y, weights: data.weights, coefficients: b, intercept: b0, threads: threads) }.residualSumOfSquares
        }
        let errors = fallback ? nil : try p.standardErrors(r: rs, residualSumOfSquares: rss, dof: dof(data, rank: svd.rank))
        return try LinearRegressionFit.make(
            p, coefficients: b, intercept: b0, solver: .qr, usedSVDFallback: fallback, rank: svd.rank,
            singularValues: svd.singularValues, rankCutoff: cutoff, refinementSteps: steps,
            residualSumOfSquares: rss, standardErrors: errors)
    }

    private func fitNormalEquations(_ p: EquilibratedProblem, threads: Int) throws -> LinearRegressionFit {
        let d = p.columns, data = p.data, c = d + 1
        let model = data.model
        var gram = try p.wrap { try Matrix<Double>(rows: c, columns: c) }
        for range in ParallelRows.blocks(rows: data.rows, blockRows: 4096) {
            let block = try p.wrap { try Matrix(rows: range.count, columns: c, elements: p.preparedRows(range)) }
            try p.wrap { try BLAS.syrk(block, transpose: .transpose, beta: 1, into: &gram, triangle: .lower) }
        }
        let gs = try p.wrap { try leadingBlock(gram, d) }
        let chol: CholeskyFactorization<Double>
        do {
            chol = try LAPACK.cholesky(gs)
        } catch LinearAlgebraError.notPositiveDefinite {
            throw ModelError.illConditioned(model: model, solver: "normalEquations", conditionEstimate: .infinity,
                                            limit: Self.normalEquationsConditionLimit, suggestion: "solver .qr (minimum-norm answer for rank-deficient data)")
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: model, underlying: error)
        }
        guard chol.conditionEstimate <= Self.normalEquationsConditionLimit else {
            throw ModelError.illConditioned(model: model, solver: "normalEquations", conditionEstimate: chol.conditionEstimate,
                                            limit: Self.normalEquationsConditionLimit, suggestion: "solver .qr")
        }
        let rhs = (0..<d).map { gram[d, $0] }
        let bs = try p.wrap { try chol.solve(rhs) }
        let (b, b0) = p.originalCoefficients(bs)
        // RSS from the Gram matrix (no extra pass over X): y_s^T y_s - 2 b_s^T X_s^T y_s + b_s^T G b_s,
        // accurate to about cond * eps of y_s^T y_s (the path is only taken when that is small).
        var quadratic = 0.0
        for i in 0..<d {
            var row = 0.0
            for j in 0..<d { row += (i >= j ? gs[i, j] : gs[j, i]) * bs[j] }
            quadratic += bs[i] * row
        }
        var cross = 0.0
        for i in 0..<d { cross += bs[i] * rhs[i] }
        let dy = p.inverseAmplitude[d] * p.factor[d]
        let rss = Swift.max(0, gram[d, d] - 2 * cross + quadratic) / (dy * dy)
        let eigen = try p.wrap { try LAPACK.symmetricEigen(gs, computeVectors: false) }
        let singularValues = eigen.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
        let upper = chol.lower.transposed
        let errors = try p.standardErrors(r: upper, residualSumOfSquares: rss, dof: dof(data, rank: d))
        return try LinearRegressionFit.make(
            p, coefficients: b, intercept: b0, solver: .normalEquations, usedSVDFallback: false, rank: d,
            singularValues: singularValues, rankCutoff: 0, refinementSteps: 0,
            residualSumOfSquares: rss, standardErrors: errors)
    }

    /// The one-pass normal equations (`CentredGram`).
    private func fitNormalEquations(_ g: CentredGram) throws -> LinearRegressionFit {
        let d = g.d, data = g.data, model = data.model
        guard let (b, b0, chol) = try g.solve(penalty: [Double](repeating: 0, count: d)) else {
            throw ModelError.illConditioned(model: model, solver: "normalEquations", conditionEstimate: .infinity,
                                            limit: Self.normalEquationsConditionLimit, suggestion: "solver .qr (minimum-norm answer for rank-deficient data)")
        }
        guard chol.conditionEstimate <= Self.normalEquationsConditionLimit else {
            throw ModelError.illConditioned(model: model, solver: "normalEquations", conditionEstimate: chol.conditionEstimate,
                                            limit: Self.normalEquationsConditionLimit, suggestion: "solver .qr")
        }
        let rss = g.residualSumOfSquares(b)
        // Singular values of the equilibrated design: square roots of the eigenvalues of D G D.
        var gs = g.gram.elements
        for j in 0..<d { for k in 0..<d { gs[j * d + k] *= g.scale[j] * g.scale[k] } }
        let values = try g.wrap { try LAPACK.symmetricEigen(try Matrix(rows: d, columns: d, elements: gs), computeVectors: false) }
        let singularValues = values.eigenvalues.reversed().map { Swift.max($0, 0).squareRoot() }
        let errors = try g.standardErrors(cholesky: chol, residualSumOfSquares: rss, dof: self.dof(data, rank: d))
        return try LinearRegressionFit.make(
            model: model, fitIntercept: fitIntercept, coefficients: b, intercept: b0, solver: .normalEquations,
            usedSVDFallback: false, rank: d, singularValues: singularValues, rankCutoff: 0, refinementSteps: 0,
            residualSumOfSquares: rss, rSquaredParts: (rss, g.totalSumOfSquares), weightScale: data.weightScale,
            effectiveRows: data.effectiveRows, standardErrors: errors)
    }

    private func dof(_ data: TrainingData, rank: Int) -> Int {
        data.effectiveRows - rank - (fitIntercept ? 1 : 0)
    }
}
