#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LinearAlgebra

/// Whether the unpenalised maximum-likelihood estimate exists (checked for `alpha = 0` only).
///
/// Method (no linear program): after the fit, the training margins are computed at the final
/// coefficients. If every row with positive weight is classified correctly with a positive margin
/// (binary `(2y - 1) z > 0`; multinomial `z_y > max_{k != y} z_k`), those coefficients are a
/// *certificate* of complete separation: scaling them up drives the loss to 0, which no finite
/// point attains, so the MLE does not exist (`.complete`; sound, never a false alarm).
/// Limits: quasi-complete separation (some points exactly on the boundary of every separating
/// hyperplane) has no such certificate; it is reported as `.suspected` when doubling the fitted
/// coefficients (intercepts included) still lowers the objective — at a finite optimum `theta*`,
/// `f(2 theta*) - f(theta*)` is about `theta*^T H theta* / 2 > 0`, while along a separating ray the
/// objective keeps falling — or when some training margins exceed 30 (probabilities within 1e-13
/// of 1) and the solver stopped without meeting the gradient tolerance. This is evidence, not
/// proof: doubling moves every coefficient, so when the separating direction is only part of the
/// coefficient vector (other coefficients at an interior optimum) the doubled point can be worse
/// and separation goes unreported; an unconverged fit far from its optimum can also be
/// `.suspected`; and separable data
/// fitted for too few iterations (e.g. `maxIter` tiny) may still be `.none`. An exact answer
/// needs a linear program (Konis 2007, the method of R's `detectseparation`).
public enum Separation: String, Sendable, Hashable, Codable {
    /// A penalty was used: the estimate exists whatever the data; not checked.
    case notChecked
    /// No evidence of separation.
    case none
    /// Certified complete separation: the MLE does not exist; coefficients are arbitrary in scale
    /// (they depend on `tol` and `maxIter`), though the predicted classes separate the training data.
    case complete
    /// Heuristic evidence of quasi-complete separation (see above).
    case suspected
}

/// What the optimiser did, recorded on the fitted model.
public struct LogisticDiagnostics: Sendable, Hashable, Codable {
    /// `"lbfgs"` or `"newton-cholesky"`.
    public let solver: String
    /// Iterations taken (scikit-learn's `n_iter_`).
    public let iterations: Int
    /// Objective evaluations (passes over the data). L-BFGS: its first read of X (the
    /// preconditioner's column moments and X's finiteness check) also gives the objective at a binary
    /// fit's start point and counts as one evaluation; with a warm start or more than two classes
    /// that read comes on top of the count.
    public let evaluations: Int
    /// The objective `f` at the returned coefficients (see `LogisticRegression`).
    public let objective: Double
    /// `max |gradient of f|` at the returned coefficients.
    public let gradientMaxAbs: Double
    /// True when the solver stopped on its tolerance (`.gradientTolerance`) or on a stalled
    /// objective (`.objectiveStalled`, which scikit-learn also counts as converged).
    public let converged: Bool
    public let stopReason: StopReason
    public let separation: Separation
    /// The L2 strength `alpha` on the normalised objective (`1 / (C S)` for `C`).
    public let l2Strength: Double
    /// `S`, the total of sample weight times class weight.
    public let weightSum: Double
}

/// A fitted logistic regression: classes, coefficients, intercepts and solver diagnostics.
///
/// scikit-learn equivalent: a fitted `LogisticRegression` (`classes_`, `coef_`, `intercept_`, `n_iter_`).
public struct LogisticRegressionModel: Sendable, Hashable, Codable {
    public let configuration: LogisticRegression
    /// Classes in sorted order (NumPy's `np.unique` order).
    public let classes: [ClassLabel]
    /// `1 x features` for two classes (`classes[1]` is the positive class), `classes x features` otherwise.
    public let coefficients: [[Double]]
    /// One per coefficient row (0 without an intercept).
    public let intercepts: [Double]
    public let featureCount: Int
    public let diagnostics: LogisticDiagnostics

    static let blockRows = 4096

    /// The decision values `X W^T + b`: `rows x 1` for two classes (positive-class log-odds), else
    /// `rows x classes`. Values may be ±infinity when a finite input overflows.
    /// - Throws: `ModelError.columnCountMismatch`; `.nonFiniteValue` naming row and column of NaN/Inf in `x`;
    ///   `.numericalOverflow` naming the row when finite inputs overflow to opposite infinities (NaN).
    /// - Complexity: one read of `x`; output rows x outputs.
    public func decisionFunction<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int = 1) throws -> Matrix<Scalar> {
        let k = coefficients.count
        let values = try compute(x, threads: threads, outputs: k, mode: 0)
        return try LogisticValidation.matrix(rows: x.rows, columns: k, values, as: Scalar.self)
    }

    /// Class probabilities, `rows x classes` in `classes` order (binary: `[1 - p, p]`).
    /// Sigmoid and softmax are fused with the product, one row at a time, in stable forms.
    /// - Throws: as `decisionFunction`.
    /// - Complexity: one read of `x`; output rows x classes.
    public func predictProbability<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int = 1) throws -> Matrix<Scalar> {
        let values = try compute(x, threads: threads, outputs: classes.count, mode: 1)
        return try LogisticValidation.matrix(rows: x.rows, columns: classes.count, values, as: Scalar.self)
    }

    /// Index into `classes` of the most probable class per row (ties: the first, as NumPy's argmax).
    public func predictClassIndex<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int = 1) throws -> [Int] {
        try compute(x, threads: threads, outputs: 1, mode: 2).map { Int($0) }
    }

    /// The most probable class per row. scikit-learn equivalent: `predict`.
    public func predict<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int = 1) throws -> [ClassLabel] {
        try predictClassIndex(x, threads: threads).map { classes[$0] }
    }

    /// mode 0: decision values; 1: probabilities; 2: class index. One fused pass per fixed row
    /// block (`LogisticKernels.predict`): every row's result depends on that row only, so any thread
    /// count gives the same bits.
    private func compute<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int, outputs: Int, mode: Int) throws -> [Double] {
        let model = LogisticValidation.model
        guard x.columns == featureCount else {
            throw ModelError.columnCountMismatch(model: model, expected: featureCount, got: x.columns)
        }
        let d = featureCount, rows = x.rows
        if rows == 0 { return [] }
        let values = LogisticValidation.doubles(x)
        let output: LogisticKernels.Output = mode == 0 ? .decision : (mode == 1 ? .probability : .classIndex)
        let prediction: LogisticKernels.Prediction
        do {
            prediction = try LogisticKernels.predict(x: values, rows: rows, columns: d, coefficients: flatCoefficients,
                                                     intercepts: intercepts, output: output, threads: threads)
        } catch let error as LinearAlgebraError {
            throw ModelError.linearAlgebra(model: model, underlying: error)
        }
        if let badRow = prediction.nonFiniteRow {
            let j = (0..<d).first { !values[badRow * d + $0].isFinite } ?? 0
            throw ModelError.nonFiniteValue(model: model, argument: "X", row: badRow, column: j, value: values[badRow * d + j])
        }
        if let row = prediction.overflowRow {
            throw ModelError.numericalOverflow(model: model, detail: "the decision values of X row \(row) overflow to NaN; rescale X")
        }
        return prediction.values
    }

    /// The coefficient rows, row-major.
    private var flatCoefficients: [Double] {
        var flat: [Double] = []
        flat.reserveCapacity(coefficients.count * featureCount)
        for row in coefficients { flat.append(contentsOf: row) }
        return flat
    }
}
