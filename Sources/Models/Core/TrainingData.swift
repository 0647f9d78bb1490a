import LinearAlgebra

/// Validated training data of a linear model: `X` (widened to Double), `y` and the sample weights
/// normalised to a largest weight of 1 (least-squares solutions do not depend on a common factor of
/// the weights; the factor is kept in `weightScale` for objectives that do, such as Ridge's).
///
/// The one validation path of the linear models: every `fit` calls `TrainingData(model:...)` first.
struct TrainingData: Sendable {
    let model: String
    let x: Matrix<Double>
    let y: [Double]
    /// `w_i / max(w)`, or nil when no weights were given (all ones).
    let weights: [Double]?
    /// `max(w)` (1 without weights).
    let weightScale: Double
    /// `sum_i w_i / max(w)`.
    let weightSum: Double
    /// Rows with a positive weight (the sample size of the diagnostics).
    let effectiveRows: Int

    var rows: Int { x.rows }
    var columns: Int { x.columns }

    /// - Throws: `ModelError.emptyInput` for zero rows, `.zeroTotalWeight` for zero total weight; `.lengthMismatch` for
    ///   `y` or `sampleWeight` of the wrong length; `.nonFiniteValue` naming the argument, row and
    ///   (for `X`) column of the first NaN/Inf; `.negativeWeight` naming the row.
    /// `checkX: false` defers the scan of `X` for NaN/Inf to the caller: the one-pass kernels find
    /// them while they read `X` anyway (`inputError(from:)`), and `validateX()` scans before any
    /// other path.
    init(model: String, x: Matrix<Double>, y: [Double], sampleWeight: [Double]?, checkX: Bool = true) throws {
        self.model = model
        guard x.rows > 0 else { throw ModelError.emptyInput(model: model) }
        guard y.count == x.rows else {
            throw ModelError.lengthMismatch(model: model, argument: "y", expected: x.rows, got: y.count)
        }
        if let sampleWeight, sampleWeight.count != x.rows {
            throw ModelError.lengthMismatch(model: model, argument: "sampleWeight", expected: x.rows, got: sampleWeight.count)
        }
        if checkX { try TrainingData.validate(model: model, x: x) }
        if let i = y.firstIndex(where: { !$0.isFinite }) {
            throw ModelError.nonFiniteValue(model: model, argument: "y", row: i, column: nil, value: y[i])
        }
        self.x = x
        self.y = y
        if let sampleWeight {
            var largest = 0.0
            for (i, w) in sampleWeight.enumerated() {
                if !w.isFinite { throw ModelError.nonFiniteValue(model: model, argument: "sampleWeight", row: i, column: nil, value: w) }
                if w < 0 { throw ModelError.negativeWeight(model: model, row: i, value: w) }
                largest = Swift.max(largest, w)
            }
            guard largest > 0 else { throw ModelError.zeroTotalWeight(model: model) }
            let normalised = sampleWeight.map { $0 / largest }
            weights = normalised
            weightScale = largest
            weightSum = normalised.reduce(0, +)
            effectiveRows = normalised.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        } else {
            weights = nil
            weightScale = 1
            weightSum = Double(x.rows)
            effectiveRows = x.rows
        }
    }

    @inline(__always) func weight(_ i: Int) -> Double { weights?[i] ?? 1 }

    /// Throws `.nonFiniteValue` naming the row and column of the first NaN/Inf in `X`.
    func validateX() throws { try TrainingData.validate(model: model, x: x) }

    static func validate(model: String, x: Matrix<Double>) throws {
        do {
            try x.checkFinite(operation: model)
        } catch let LinearAlgebraError.nonFinite(_, row, column, value) {
            throw ModelError.nonFiniteValue(model: model, argument: "X", row: row, column: column, value: value)
        }
    }

    /// The input error behind a one-pass kernel's `.nonFinite` (a NaN/Inf in `X`, reported by
    /// `TallSkinnyQR.factorLinearModel` or `BLAS.shiftedGram` with the input value and the column
    /// in `[ones, X, y]` numbering), or nil when the kernel saw an overflow of finite input.
    func inputError(from error: LinearAlgebraError, onesColumn: Bool) -> ModelError? {
        guard case let .nonFinite(operation, row, column, value) = error,
              operation == "TallSkinnyQR.factorLinearModel" || operation == "BLAS.shiftedGram",
              !value.isFinite else { return nil }
        let j = column - (onesColumn ? 1 : 0)
        guard j >= 0 && j < x.columns else { return nil }
        return .nonFiniteValue(model: model, argument: "X", row: row, column: j, value: value)
    }
}

extension Matrix where Scalar == Float {
    /// The same matrix in Double (exact: every Float is a Double).
    func widened() throws -> Matrix<Double> {
        try Matrix<Double>(rows: rows, columns: columns, elements: elements.map { Double($0) })
    }
}
