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
        }
    }
}
