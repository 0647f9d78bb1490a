/// A table the caller built or asked for that cannot exist: named by column (and row where known).
public enum TableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A column name that is empty (`index` is its position).
    case emptyColumnName(index: Int)
    /// A column name given twice.
    case duplicateColumnName(String)
    /// A column whose length differs from the first column's.
    case columnLengthMismatch(column: String, expected: Int, got: Int)
    /// A column that the table does not have; `available` lists the ones it has.
    case unknownColumn(String, available: [String])
    /// A column of the other kind (e.g. a categorical column where a numeric one is needed).
    case wrongColumnKind(column: String, expected: ColumnKind, got: ColumnKind)
    /// A categorical column whose codes point outside its levels, or levels that repeat.
    case invalidCategories(column: String, reason: String)
    /// A row range outside `0..<rowCount`.
    case rowRangeOutOfBounds(lower: Int, upper: Int, rowCount: Int)

    public var description: String {
        switch self {
        case let .emptyColumnName(index):
            return "column \(index) has an empty name"
        case let .duplicateColumnName(name):
            return "column '\(name)' appears more than once"
        case let .columnLengthMismatch(column, expected, got):
            return "column '\(column)' has \(got) rows, expected \(expected) as the other columns"
        case let .unknownColumn(name, available):
            let shown = available.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "no column '\(name)' (columns: \(shown)\(available.count > 20 ? ", ..." : ""))"
        case let .wrongColumnKind(column, expected, got):
            return "column '\(column)' is \(got), expected \(expected)"
        case let .invalidCategories(column, reason):
            return "column '\(column)': invalid categories: \(reason)"
        case let .rowRangeOutOfBounds(lower, upper, rowCount):
            return "rows \(lower)..<\(upper) are outside the table's \(rowCount) rows"
        }
    }
}
