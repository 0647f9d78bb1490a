import Models
import Tabular

/// Text of values in output CSV files: numbers as the shortest decimal that reads back to the same
/// double (Swift's description), missing values empty, text quoted when it holds the delimiter, a
/// quote or a line break (RFC 4180).
enum CSVFormat {
    static func number(_ value: Double) -> String {
        value.isNaN ? "" : "\(value)"
    }

    static func text(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func label(_ label: ClassLabel) -> String {
        switch label {
        case let .integer(value): return "\(value)"
        case let .real(value): return "\(value)"
        case let .string(value): return text(value)
        }
    }

    /// Row `row` of a column, as text.
    static func cell(_ column: Column, _ row: Int) -> String {
        switch column.values {
        case let .numeric(values): return number(values[row])
        case let .categorical(values): return values.value(at: row).map(text) ?? ""
        }
    }

    static func line(_ fields: [String]) -> [UInt8] {
        Array((fields.joined(separator: ",") + "\n").utf8)
    }
}

/// `text` padded with spaces to `width` characters (left-aligned, or right-aligned).
func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return right ? fill + text : text + fill
}
