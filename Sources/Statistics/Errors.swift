import LinearAlgebra

/// Input the statistics layer refuses, named precisely enough to fix.
public enum StatisticsError: Error, Sendable, CustomStringConvertible {
    /// An infinite value (NaN is allowed: it is counted and skipped). `row` counts from the first
    /// row the summary has seen, across blocks.
    case infiniteValue(row: Int, column: Int, value: Double)
    /// A block or summary with a different number of columns than the summary it joins.
    case columnCountMismatch(expected: Int, got: Int)
    /// A parameter outside its domain (a block size below 1, a quantile outside [0, 1], ...).
    case invalidArgument(parameter: String, reason: String)
    /// Category counts of one kind (e.g. text) merged with, or fed, values of another (e.g. numbers).
    case categoryKindMismatch(column: Int, expected: String, got: String)

    public var description: String {
        switch self {
        case let .infiniteValue(row, column, value):
            return "infinite value \(value) at row \(row), column \(column)"
        case let .columnCountMismatch(expected, got):
            return "column count mismatch: expected \(expected) columns, got \(got)"
        case let .invalidArgument(parameter, reason):
            return "invalid argument '\(parameter)': \(reason)"
        case let .categoryKindMismatch(column, expected, got):
            return "column \(column): categories are \(expected), got \(got) values"
        }
    }
}
