import LinearAlgebra

/// Input or a problem a model refuses, named precisely enough to fix: the model, the argument
/// (`X`, `y`, `sampleWeight`), the row and column, the parameter, the solver.
///
/// Non-convergence, rank deficiency and separation that still leave a usable answer are *values* on
/// the fitted model (its diagnostics), not errors; these cases are for when no trustworthy answer exists.
public enum ModelError: Error, Sendable, CustomStringConvertible {
    /// Fitting on zero rows.
    case emptyInput(model: String)
    /// Sample weights (times class weights, for a classifier) that are zero on every row: no row
    /// carries weight, so there is nothing to fit.
    case zeroTotalWeight(model: String)
    /// A classifier's real-valued target holding a value that is not an integer (the first row that
    /// holds one): the target is continuous, a regression target. scikit-learn refuses it as well
    /// ("Unknown label type: continuous").
    case continuousTarget(model: String, row: Int, value: Double)
    /// `y` or `sampleWeight` whose length differs from the number of rows of `X`.
    case lengthMismatch(model: String, argument: String, expected: Int, got: Int)
    /// A matrix with a different number of columns than the model was fitted on.
    case columnCountMismatch(model: String, expected: Int, got: Int)
    /// NaN or ±infinity in `X` (row and column), `y` or `sampleWeight` (row; column is nil).
    case nonFiniteValue(model: String, argument: String, row: Int, column: Int?, value: Double)
    /// A negative sample weight.
    case negativeWeight(model: String, row: Int, value: Double)
    /// A hyperparameter outside its domain.
    case invalidParameter(model: String, parameter: String, reason: String)
    /// A wrapped linear-algebra failure (shape, LAPACK info) with the model that hit it.
    case linearAlgebra(model: String, underlying: LinearAlgebraError)
    /// A classifier's target holding a single class (named): nothing to discriminate.
    case singleClass(model: String, label: String)
    /// Class labels of different kinds (integers, reals, strings) in one target; `row` is the first
    /// row whose kind differs from row 0's.
    case mixedLabelTypes(model: String, row: Int)
    /// A class named in an explicit class weight that is not in the target, or a warm-start model
    /// whose classes differ from the target's.
    case unknownClass(model: String, argument: String, label: String)
    /// Values so large that the objective or its gradient overflows `Double` (rescale the input).
    case numericalOverflow(model: String, detail: String)
    /// The chosen solver cannot give an accurate answer for this problem: its estimated condition
    /// number exceeds the solver's limit. `suggestion` names the solver to use instead.
    case illConditioned(model: String, solver: String, conditionEstimate: Double, limit: Double, suggestion: String)

    public var description: String {
        switch self {
        case let .emptyInput(model):
            return "\(model): cannot fit on zero rows"
        case let .lengthMismatch(model, argument, expected, got):
            return "\(model): \(argument) has \(got) entries but X has \(expected) rows"
        case let .columnCountMismatch(model, expected, got):
            return "\(model): expected \(expected) columns as at fit time, got \(got)"
        case let .nonFiniteValue(model, argument, row, column, value):
            let place = column.map { "row \(row), column \($0)" } ?? "row \(row)"
            return "\(model): non-finite value \(value) in \(argument) at \(place)"
        case let .zeroTotalWeight(model):
            return "\(model): sampleWeight is zero on every row (after class weights): no row carries weight"
        case let .continuousTarget(model, row, value):
            return "\(model): y holds the non-integer value \(value) at row \(row): the target is continuous (a regression target?); a classifier needs class labels (integers or strings)"
        case let .negativeWeight(model, row, value):
            return "\(model): sampleWeight is negative (\(value)) at row \(row)"
        case let .invalidParameter(model, parameter, reason):
            return "\(model): invalid parameter '\(parameter)': \(reason)"
        case let .linearAlgebra(model, underlying):
            return "\(model): \(underlying)"
        case let .singleClass(model, label):
            return "\(model): the target holds a single class (\(label)); at least two are needed"
        case let .mixedLabelTypes(model, row):
            return "\(model): y mixes label kinds (integer, real, string): row \(row) differs from row 0"
        case let .unknownClass(model, argument, label):
            return "\(model): \(argument) names class \(label), which is not among the target's classes"
        case let .numericalOverflow(model, detail):
            return "\(model): numerical overflow: \(detail)"
        case let .illConditioned(model, solver, conditionEstimate, limit, suggestion):
            return "\(model): solver '\(solver)' refused: estimated condition number \(conditionEstimate) exceeds \(limit), so the answer would be inaccurate; use \(suggestion)"
        }
    }
}
