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
    /// Objective evaluations (passes over the data).
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

    /// mode 0: decision values; 1: probabilities; 2: class index.
    private func compute<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int, outputs: Int, mode: Int) throws -> [Double] {
        let model = LogisticValidation.model
        guard x.columns == featureCount else {
            throw ModelError.columnCountMismatch(model: model, expected: featureCount, got: x.columns)
        }
        let d = featureCount, rows = x.rows
        if rows == 0 { return [] }
        let values = LogisticValidation.doubles(x)
        let k = coefficients.count
        let flat = coefficients.flatMap { $0 }
        let b = intercepts
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Self.blockRows)
        // One output for all blocks, written in place: no allocation per row block (the
        // steady state of serving; Benchmarks/ModelsBenchmarks pins the count).
        var parts: [(badRow: Int?, overflowRow: Int?)] = []
        var failure: (any Error)?
        let result = [Double](unsafeUninitializedCapacity: rows * outputs) { buffer, initialized in
          buffer.initialize(repeating: 0)
          initialized = rows * outputs
          let target = OutputPointer(base: buffer.baseAddress!)  // invariant: rows * outputs > 0
          do {
          parts = try ParallelRows.map(count: blocks.count, threads: threads) { index in
            let range = blocks[index]
            var bad: Int?, overflow: Int?
            values.withUnsafeBufferPointer { xs in
                flat.withUnsafeBufferPointer { ws in
                    do {
                        let os = target.base + range.lowerBound &* outputs
                        let xBase = xs.baseAddress!, wBase = ws.baseAddress!  // invariant: rows > 0, d > 0
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.max(k, 1)) { zb in
                            let z = zb.baseAddress!  // invariant: capacity >= 1
                            for i in range {
                                let row = xBase + i &* d
                                var finite = true
                                for c in 0..<k {
                                    let v = LogisticKernels.dot(row, wBase + c &* d, d) + b[c]
                                    z[c] = v
                                    if !v.isFinite { finite = false }
                                }
                                if !finite && bad == nil {
                                    // NaN/Inf in the row, or overflow of finite inputs.
                                    for j in 0..<d where !row[j].isFinite { bad = i; return }
                                    // Products overflowing to opposite infinities give NaN: refuse.
                                    for c in 0..<k where z[c].isNaN { overflow = i; return }
                                }
                                let o = (i - range.lowerBound) &* outputs
                                switch mode {
                                case 0:
                                    for c in 0..<k { os[o &+ c] = z[c] }
                                case 1:
                                    if k == 1 {
                                        let p = LogisticKernels.sigmoid(z[0])
                                        os[o] = 1 - p; os[o &+ 1] = p
                                    } else {
                                        var zmax = -Double.greatestFiniteMagnitude
                                        for c in 0..<k { z[c] = Swift.min(Swift.max(z[c], -.greatestFiniteMagnitude), .greatestFiniteMagnitude); zmax = Swift.max(zmax, z[c]) }
                                        var sum = 0.0
                                        for c in 0..<k { let e = cExp(z[c] - zmax); z[c] = e; sum += e }
                                        let inv = 1 / sum
                                        for c in 0..<k { os[o &+ c] = z[c] * inv }
                                    }
                                default:
                                    if k == 1 {
                                        os[o] = z[0] > 0 ? 1 : 0
                                    } else {
                                        var best = 0
                                        for c in 1..<k where z[c] > z[best] { best = c }
                                        os[o] = Double(best)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (bad, overflow)
          }
          } catch {
            failure = error
          }
        }
        if let failure { throw failure }
        if let badRow = parts.lazy.compactMap({ $0.badRow }).first {
            let j = (0..<d).first { !values[badRow * d + $0].isFinite } ?? 0
            throw ModelError.nonFiniteValue(model: model, argument: "X", row: badRow, column: j, value: values[badRow * d + j])
        }
        if let row = parts.lazy.compactMap({ $0.overflowRow }).first {
            throw ModelError.numericalOverflow(model: model, detail: "the decision values of X row \(row) overflow to NaN; rescale X")
        }
        return result
    }
}

/// The output buffer handed to the row-block workers, which write disjoint rows.
struct OutputPointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}
