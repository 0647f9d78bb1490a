import LinearAlgebra

/// Logistic regression (binary and multinomial) with an optional L2 penalty: the configuration.
/// `fit` returns an immutable `LogisticRegressionModel`.
///
/// Minimises scikit-learn's objective (`LinearModelLoss`, scikit-learn 1.9):
///
///     f(W, b) = (1 / S) sum_i s_i loss_i + (alpha / 2) ||W||_F^2,     S = sum_i s_i,
///
/// where `s_i` is the sample weight times the class weight of row `i`'s class, `loss_i` is the
/// binomial log loss `log(1 + exp(z_i)) - y_i z_i` with `z_i = w . x_i + b` (two classes: one
/// coefficient row, `classes[1]` positive) or the multinomial `logsumexp(z_i) - z_{i, y_i}` with
/// one row per class (three or more classes), and the intercepts are not penalised.
/// scikit-learn's `C` corresponds to `alpha = 1 / (C * S)` (`Penalty.l2C`); the default is `C = 1`.
///
/// Balanced class weights are `S0 / (K * S0_k)` where `S0` is the total sample weight and `S0_k`
/// the sample weight of class `k` (scikit-learn 1.9's `compute_class_weight` with sample weights).
///
/// scikit-learn equivalent: `LogisticRegression(C=, fit_intercept=, class_weight=, solver=, tol=,
/// max_iter=, warm_start=)`; `penalty=None` is `C=np.inf` there and `.none` here.
public struct LogisticRegression: Sendable, Hashable, Codable {
    /// The penalty on the coefficients (never on the intercepts).
    public enum Penalty: Sendable, Hashable, Codable {
        /// No penalty: the maximum-likelihood estimate (which does not exist for separable data;
        /// see `Separation`).
        case none
        /// `(alpha / 2) ||W||^2` added to the weighted *mean* loss.
        case l2(alpha: Double)
        /// scikit-learn's `C` (inverse strength): `alpha = 1 / (C * S)`; `C = +infinity` is no penalty.
        case l2C(Double)
    }

    /// The optimiser.
    public enum Solver: Sendable, Hashable, Codable {
        /// Limited-memory BFGS with a strong-Wolfe line search; `memory` correction pairs
        /// (scipy's `maxcor`, default 10). It iterates on internally standardised columns
        /// (`(x_j - mean_j) / std_j`, an affine change of the parameters, no copy of the data); the
        /// objective, its penalty on the original coefficients and the `tol` test on the original
        /// gradient are scikit-learn's. On nearly separable data with a weak penalty (optimum with
        /// very large coefficients) it can still need thousands of iterations: prefer Newton there.
        case lbfgs(memory: Int = 10)
        /// Newton's method with a Cholesky solve of the (Jacobi-scaled) weighted Gram matrix
        /// `X^T diag(h) X` (one BLAS `dsyrk` per ~4 MiB block of `sqrt(h)`-scaled rows) and a
        /// backtracking line search.
        /// Columns whose largest magnitude is outside `[2^-64, 2^64]` (1e200, 1e-200: their squares
        /// in the Hessian overflow or underflow) are solved on a copy of X with those columns
        /// divided by a power of two (exact; `NewtonColumnScaling`), and `tol` applies to the gradient
        /// of the rescaled coefficients; the coefficients, the objective and the gradient reported
        /// are the original ones.
        /// Cost per iteration O(n p^2 + p^3) for `p = K (d + 1)` parameters.
        case newtonCholesky

        var name: String {
            switch self {
            case .lbfgs: return "lbfgs"
            case .newtonCholesky: return "newton-cholesky"
            }
        }
    }

    /// Weights per class, multiplied into the sample weights.
    public enum ClassWeight: Sendable, Hashable, Codable {
        /// `S0 / (K * S0_k)`: every class carries the same total weight.
        case balanced
        /// The given weight per class; classes not listed weigh 1.
        case explicit([ClassLabel: Double])
    }

    public let penalty: Penalty
    public let fitIntercept: Bool
    public let classWeight: ClassWeight?
    public let solver: Solver
    /// Stop when `max |gradient| <= tol` (scikit-learn's criterion for both solvers; default 1e-4).
    public let tol: Double
    /// Iteration limit (default 100, as scikit-learn).
    public let maxIter: Int

    /// A configuration with scikit-learn's defaults (`C = 1`, L-BFGS, `tol = 1e-4`, `max_iter = 100`).
    public init(penalty: Penalty = .l2C(1), fitIntercept: Bool = true, classWeight: ClassWeight? = nil,
                solver: Solver = .lbfgs(memory: 10), tol: Double = 1e-4, maxIter: Int = 100) {
        self.penalty = penalty
        self.fitIntercept = fitIntercept
        self.classWeight = classWeight
        self.solver = solver
        self.tol = tol
        self.maxIter = maxIter
    }

    /// The configuration with scikit-learn's `C` (inverse regularisation strength).
    public init(C: Double, fitIntercept: Bool = true, classWeight: ClassWeight? = nil,
                solver: Solver = .lbfgs(memory: 10), tol: Double = 1e-4, maxIter: Int = 100) {
        self.init(penalty: .l2C(C), fitIntercept: fitIntercept, classWeight: classWeight, solver: solver, tol: tol, maxIter: maxIter)
    }

    // MARK: - Fitting

    /// Fits on `x` (rows are samples) and class labels `y`.
    ///
    /// `Float` input is widened to `Double` once (one copy of `x`); all computation is in `Double`.
    /// - Parameters:
    ///   - sampleWeight: non-negative weight per row (default 1).
    ///   - warmStart: a model fitted on the same classes and column count whose coefficients start
    ///     the optimiser (scikit-learn's `warm_start=True`).
    ///   - threads: worker threads for the row blocks; results are bit-identical for any count (the
    ///     Newton Hessian's `dsyrk` runs on OpenBLAS's own threads: same bits for the same process-wide
    ///     OpenBLAS thread count, which `threads` does not change).
    /// - Throws: `ModelError.emptyInput` (zero rows); `.zeroTotalWeight`; `.continuousTarget` (a real label that is not an integer, naming its row); `.invalidParameter`
    ///   (zero columns, `tol`, `maxIter`, `C`, `alpha`, `memory`, class weights,
    ///   Newton-Cholesky with more than 16,384 parameters);
    ///   `.lengthMismatch` (`y`, `sampleWeight`); `.nonFiniteValue` (X with row and column; y or
    ///   sampleWeight with row); `.negativeWeight`; `.mixedLabelTypes`; `.singleClass` naming the class;
    ///   `.unknownClass` (class weights or warm start naming a class not in `y`);
    ///   `.columnCountMismatch` (warm start); `.numericalOverflow` (a coefficient beyond Double's
    ///   range, e.g. Newton without a penalty on a subnormal column).
    /// - Complexity: per iteration one read of `x` (plus, for Newton, O(n p^2) for the Hessian);
    ///   L-BFGS reads `x` once more at the start (column moments, the finiteness check and, binary
    ///   without a warm start, the objective at the start point: intercept at the log-odds of the
    ///   weighted class totals, first step scaled by the inverse Hessian there); Newton checks `x`
    ///   in a read of its own. Memory O(n) besides `x` (O(n d) more for `Float` input).
    public func fit<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, _ y: [ClassLabel], sampleWeight: [Double]? = nil,
        warmStart: LogisticRegressionModel? = nil, threads: Int = 1
    ) throws -> LogisticRegressionModel {
        try fit(x, rows: y.count, encode: { try LogisticValidation.encode(y) }, sampleWeight: sampleWeight, warmStart: warmStart, threads: threads)
    }

    /// The fit behind every label type: `encode` turns the `rows` labels into sorted classes and
    /// per-row class indices (called after X is validated, so errors come in the same order).
    func fit<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, rows labelCount: Int, encode: () throws -> (classes: [ClassLabel], target: [Int32]),
        sampleWeight: [Double]?, warmStart: LogisticRegressionModel?, threads: Int
    ) throws -> LogisticRegressionModel {
        try checkParameters()
        let model = LogisticValidation.model
        guard x.rows > 0 else { throw ModelError.emptyInput(model: model) }
        guard x.columns > 0 else {
            throw ModelError.invalidParameter(model: model, parameter: "X", reason: "has zero columns; at least one feature is needed")
        }
        guard labelCount == x.rows else {
            throw ModelError.lengthMismatch(model: model, argument: "y", expected: x.rows, got: labelCount)
        }
        let sampleWeights = try LogisticValidation.checkWeights(sampleWeight, rows: x.rows)
        let values = LogisticValidation.doubles(x)
        // L-BFGS checks X in its first read of it (LogisticFit: the preconditioner's pass), not in a
        // pass of its own; any error found before that is reported only after X is checked here, so
        // the first error is the same as with the check up front.
        let deferCheck: Bool
        if case .lbfgs = solver { deferCheck = true } else { deferCheck = false }
        if !deferCheck { try LogisticValidation.checkFinite(values, columns: x.columns) }
        do {
            let (classes, target) = try encode()
            if case .newtonCholesky = solver {
                let (vectors, overflow) = (classes.count == 2 ? 1 : classes.count).multipliedReportingOverflow(by: x.columns + (fitIntercept ? 1 : 0))
                try DenseSolverLimit.check(model: model, solver: solver.name, order: overflow ? .max : vectors)
            }
            let (weights, weightSum) = try combinedWeightsAndTotal(classes: classes, target: target, sampleWeights: sampleWeights,
                                                                  unit: sampleWeight == nil)
            return try LogisticFit.run(self, x: values, rows: x.rows, features: x.columns, classes: classes,
                                       target: target, weights: weights, weightSum: weightSum,
                                       unitWeights: sampleWeight == nil && classWeight == nil, warmStart: warmStart, threads: threads)
        } catch {
            if deferCheck { try LogisticValidation.checkFinite(values, columns: x.columns) }
            throw error
        }
    }

    /// Fits with integer class labels. See `fit(_:_:sampleWeight:warmStart:threads:)`.
    public func fit<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, _ y: [Int], sampleWeight: [Double]? = nil,
        warmStart: LogisticRegressionModel? = nil, threads: Int = 1
    ) throws -> LogisticRegressionModel {
        try fit(x, rows: y.count, encode: { try LogisticValidation.encode(integers: y) }, sampleWeight: sampleWeight,
                warmStart: warmStart, threads: threads)
    }

    /// Fits with string class labels (sorted by Unicode code points, as NumPy).
    public func fit<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, _ y: [String], sampleWeight: [Double]? = nil,
        warmStart: LogisticRegressionModel? = nil, threads: Int = 1
    ) throws -> LogisticRegressionModel {
        try fit(x, y.map { ClassLabel.string($0) }, sampleWeight: sampleWeight, warmStart: warmStart, threads: threads)
    }

    /// Fits with real-valued class labels (each distinct value is a class; NaN/Inf is an error).
    public func fit<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, _ y: [Double], sampleWeight: [Double]? = nil,
        warmStart: LogisticRegressionModel? = nil, threads: Int = 1
    ) throws -> LogisticRegressionModel {
        try fit(x, rows: y.count, encode: { try LogisticValidation.encode(reals: y) }, sampleWeight: sampleWeight,
                warmStart: warmStart, threads: threads)
    }

    func checkParameters() throws {
        let model = LogisticValidation.model
        guard tol.isFinite && tol >= 0 else {
            throw ModelError.invalidParameter(model: model, parameter: "tol", reason: "must be finite and >= 0, got \(tol)")
        }
        guard maxIter >= 0 else {
            throw ModelError.invalidParameter(model: model, parameter: "maxIter", reason: "must be >= 0, got \(maxIter)")
        }
        switch penalty {
        case .none: break
        case let .l2(alpha):
            guard alpha.isFinite && alpha >= 0 else {
                throw ModelError.invalidParameter(model: model, parameter: "alpha", reason: "must be finite and >= 0, got \(alpha)")
            }
        case let .l2C(c):
            guard c > 0 && !c.isNaN else {
                throw ModelError.invalidParameter(model: model, parameter: "C", reason: "must be > 0 (infinity for no penalty), got \(c)")
            }
        }
        if case let .lbfgs(memory) = solver, memory < 1 || memory > 1000 {
            throw ModelError.invalidParameter(model: model, parameter: "memory", reason: "must be in 1...1000, got \(memory)")
        }
        if case let .explicit(table)? = classWeight {
            for (label, w) in table.sorted(by: { $0.key < $1.key }) where !(w.isFinite && w >= 0) {
                throw ModelError.invalidParameter(model: model, parameter: "classWeight[\(label)]", reason: "must be finite and >= 0, got \(w)")
            }
        }
    }

    /// Sample weight times class weight, per row, and their sum in row order. `unit`: every sample weight is 1 (no
    /// `sampleWeight` given); then, without class weights, the sum is the row count (exactly the
    /// sum of that many ones in order, below 2^53 rows) without a pass over the weights.
    func combinedWeightsAndTotal(classes: [ClassLabel], target: [Int32], sampleWeights: [Double],
                                 unit: Bool) throws -> (weights: [Double], total: Double) {
        let model = LogisticValidation.model
        var perClass = [Double](repeating: 1, count: classes.count)
        switch classWeight {
        case nil: break
        case .balanced?:
            var counts = [Double](repeating: 0, count: classes.count)
            var total = 0.0
            for (i, t) in target.enumerated() { counts[Int(t)] += sampleWeights[i]; total += sampleWeights[i] }
            for k in classes.indices {
                // A class present with zero total weight gets weight 0 (it contributes nothing either way).
                perClass[k] = counts[k] > 0 ? total / (Double(classes.count) * counts[k]) : 0
            }
        case let .explicit(table)?:
            for label in table.keys.sorted() {
                guard let k = classes.firstIndex(of: label) else {
                    throw ModelError.unknownClass(model: model, argument: "classWeight", label: label.description)
                }
                perClass[k] = table[label] ?? 1
            }
        }
        var weights = sampleWeights
        var total = 0.0
        if classWeight == nil {  // every class weight 1: the product is the sample weight itself
            if unit && weights.count <= 1 << 53 { total = Double(weights.count) } else { for w in weights { total += w } }
        } else {
            for i in weights.indices { weights[i] *= perClass[Int(target[i])]; total += weights[i] }
        }
        guard total > 0, total.isFinite else {
            if !total.isFinite {
                throw ModelError.invalidParameter(model: model, parameter: "sampleWeight", reason: "the total weight overflows (\(total))")
            }
            throw ModelError.zeroTotalWeight(model: model)
        }
        if !(unit && classWeight == nil) {
            // Weights that leave one class only (all-zero but one row, or a zero class weight on
            // every other class): nothing to discriminate, and the intercept's optimum is at
            // infinity; the fit stopped wherever tol let it (intercept -13.5 by L-BFGS, -11.2 by
            // Newton, both "converged"). Refused as a single class, as for y.
            var carried = [Bool](repeating: false, count: classes.count)
            for i in weights.indices where weights[i] > 0 { carried[Int(target[i])] = true }
            let weighted = classes.indices.filter { carried[$0] }
            if weighted.count < 2, let only = weighted.first {
                throw ModelError.singleClass(model: model, label: "\(classes[only]), the only class with positive sampleWeight x classWeight")
            }
            // Several classes: one whose every row has zero weight has no optimum either (its
            // unpenalised intercept runs to -infinity); the fit stopped wherever the solver did
            // (-10.8 by Newton, -7.1 by L-BFGS for the same data, both "converged").
            if let empty = classes.indices.first(where: { !carried[$0] }) {
                let zeroClassWeight: Bool
                if case let .explicit(table)? = classWeight { zeroClassWeight = table[classes[empty]] == 0 } else { zeroClassWeight = false }
                throw ModelError.invalidParameter(
                    model: model, parameter: zeroClassWeight ? "classWeight" : "sampleWeight",
                    reason: "class \(classes[empty]) has zero total weight (sampleWeight x classWeight): its probability's optimum is 0, "
                        + "an intercept of -infinity; remove its rows or give them weight")
            }
        }
        return (weights, total)
    }

    /// The L2 strength on the normalised objective for total weight `s`.
    func alpha(weightSum s: Double) -> Double {
        switch penalty {
        case .none: return 0
        case let .l2(alpha): return alpha
        case let .l2C(c): return c.isInfinite ? 0 : 1 / (c * s)
        }
    }
}
