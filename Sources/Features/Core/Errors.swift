import Statistics

/// Input a transform refuses, named precisely enough to fix: the transform, the column (by name),
/// the row, the parameter.
public enum FeatureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Column names differ from the fitted schema: which are missing and which are extra (or, when
    /// the same names come in another order, both lists are empty and `reordered` is true).
    case schemaMismatch(transform: String, missing: [String], extra: [String], reordered: Bool)
    /// A matrix with a different number of columns than the fitted schema.
    case columnCountMismatch(transform: String, expected: Int, got: Int)
    /// ±infinity in the input (NaN is allowed and kept, as in scikit-learn).
    case infiniteValue(transform: String, row: Int, column: String, value: Double)
    /// A finite input whose transformed value overflows to infinity (e.g. far outside the range the
    /// transform was fitted on).
    case overflow(transform: String, row: Int, column: String, value: Double)
    /// Fitting on zero rows.
    case emptyInput(transform: String)
    /// A column with no non-NaN value at fit time: any statistic of it would be NaN and would turn
    /// every future value of the column into NaN.
    case noObservedValues(transform: String, column: String)
    /// A hyperparameter outside its domain.
    case invalidParameter(transform: String, parameter: String, reason: String)
    /// Column names that are empty or repeated.
    case invalidColumnNames(reason: String)
    /// A pipeline spec (JSON or built in code) that cannot be fitted: where (`path`, e.g.
    /// `columns[1].steps[0].with_mean`) and why.
    case invalidSpec(path: String, reason: String)
    /// NaN where the transform does not accept missing values (KBinsDiscretizer, as scikit-learn).
    case missingValue(transform: String, row: Int, column: String)
    /// A value an inverse transform cannot decode (a bin index that is not an integer in range, a
    /// one-hot group without exactly one 1), naming row and column.
    case invalidEncodedValue(transform: String, row: Int, column: String, value: Double, reason: String)
    /// A value outside the domain of the transform (Box-Cox needs x > 0, log1p needs x > -1, an
    /// inverse power transform needs a value in the range of the forward map).
    case outOfDomain(transform: String, row: Int, column: String, value: Double, requirement: String)
    /// Fitting a column failed (a constant column for Box-Cox, a likelihood without a maximum).
    case fitFailed(transform: String, column: String, reason: String)
    /// A category the encoder was not fitted on (or, with explicit categories, a value at fit time
    /// outside them): the column, the value ("nan" for a missing value) and the row (nil when the
    /// fit came from a summary, which keeps no rows).
    case unknownCategory(transform: String, column: String, value: String, row: Int?)
    /// A column whose values are of another kind than at fit time (text where integers or numbers
    /// were fitted, ...).
    case categoryKindMismatch(transform: String, column: String, expected: String, got: String)
    /// Explicit categories or a drop choice that cannot be used for this column.
    case invalidCategories(transform: String, column: String, reason: String)
    /// A target (y) the transform refuses: wrong length, non-finite value, wrong number of classes.
    case invalidTarget(transform: String, row: Int?, reason: String)

    public var description: String {
        switch self {
        case let .schemaMismatch(transform, missing, extra, reordered):
            if reordered { return "\(transform): columns are in a different order than at fit time" }
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing columns \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("unexpected columns \(extra.map { "'\($0)'" }.joined(separator: ", "))") }
            return "\(transform): input does not match the fitted schema: " + parts.joined(separator: "; ")
        case let .columnCountMismatch(transform, expected, got):
            return "\(transform): expected \(expected) columns as at fit time, got \(got)"
        case let .infiniteValue(transform, row, column, value):
            return "\(transform): infinite value \(value) at row \(row), column '\(column)'"
        case let .overflow(transform, row, column, value):
            return "\(transform): value \(value) at row \(row), column '\(column)' overflows to infinity when transformed"
        case let .emptyInput(transform):
            return "\(transform): cannot fit on zero rows"
        case let .noObservedValues(transform, column):
            return "\(transform): column '\(column)' has no non-NaN value to fit on"
        case let .invalidParameter(transform, parameter, reason):
            return "\(transform): invalid parameter '\(parameter)': \(reason)"
        case let .invalidColumnNames(reason):
            return "invalid column names: \(reason)"
        case let .invalidSpec(path, reason):
            return path.isEmpty ? "invalid pipeline spec: \(reason)" : "invalid pipeline spec at \(path): \(reason)"
        case let .missingValue(transform, row, column):
            return "\(transform): NaN at row \(row), column '\(column)' (missing values are not accepted; impute them first)"
        case let .invalidEncodedValue(transform, row, column, value, reason):
            return "\(transform): cannot decode \(value) at row \(row), column '\(column)': \(reason)"
        case let .outOfDomain(transform, row, column, value, requirement):
            return "\(transform): value \(value) at row \(row), column '\(column)' is outside the domain: \(requirement)"
        case let .fitFailed(transform, column, reason):
            return "\(transform): cannot fit column '\(column)': \(reason)"
        case let .unknownCategory(transform, column, value, row):
            let at = row.map { "row \($0), " } ?? ""
            return "\(transform): unknown category '\(value)' at \(at)column '\(column)'"
        case let .categoryKindMismatch(transform, column, expected, got):
            return "\(transform): column '\(column)' holds \(got) values, but was fitted on \(expected) categories"
        case let .invalidCategories(transform, column, reason):
            return "\(transform): column '\(column)': \(reason)"
        case let .invalidTarget(transform, row, reason):
            let at = row.map { " at row \($0)" } ?? ""
            return "\(transform): invalid target\(at): \(reason)"
        }
    }
}
