import Foundation
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
    /// A numeric column was needed, and this column of numbers was read as text because of the
    /// value at `row` (0-based data row), which is not a number (e.g. a stray character or NUL byte).
    case notNumeric(column: String, row: Int, value: String)

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
        case let .notNumeric(column, row, value):
            return "column '\(column)' is categorical, expected numeric: row \(row) holds \(value.debugDescription), which is not a number"
        }
    }

    /// The error for categorical `column` where a numeric one is needed: when some of its values
    /// are numbers, `.notNumeric` naming the first row whose value is not (why the column was read
    /// as text); else `.wrongColumnKind`. Scans the column only on this error path.
    public static func numericExpected(_ column: Column) -> TableError {
        guard case let .categorical(values) = column.values else {
            return .wrongColumnKind(column: column.name, expected: .numeric, got: column.kind)
        }
        // Double(String) stops at a NUL byte (C strtod): "5\0" would read as 5.
        let textual = Set(values.levels.indices.filter {
            let level = values.levels[$0]
            return level.utf8.contains(0) || Double(level.trimmingCharacters(in: .whitespaces)) == nil
        }.map { Int32($0) })
        // Only a column of numbers with stray values: a column of words (every level textual) is
        // simply categorical.
        if textual.count < values.levels.count, let row = values.codes.firstIndex(where: { textual.contains($0) }) {
            return .notNumeric(column: column.name, row: row, value: values.levels[Int(values.codes[row])])
        }
        return .wrongColumnKind(column: column.name, expected: .numeric, got: column.kind)
    }
}
