/// A CSV file that cannot be read as asked, or a table that cannot be written: names the file, the
/// physical line (1-based, as an editor shows it; a quoted field may span lines), the column by name
/// and the offending token.
///
/// A struct around `Kind` (as swift-nio's errors) so that new kinds can be added without breaking a
/// caller's `switch` on the struct. `description` is the one-line message a user sees.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public indirect enum Kind: Sendable, Hashable {
        /// The file has no bytes (or only a byte-order mark): not even a header.
        case emptyFile
        /// Header field `index` (0-based) is empty.
        case emptyColumnName(index: Int)
        /// A column name given twice in the header.
        case duplicateColumnName(String)
        /// A record with a different number of fields than the header (a blank line is one empty field).
        case raggedRow(expected: Int, found: Int)
        /// A token that is not a number in a numeric column (forced by `columnTypes`, or fixed by a
        /// streaming schema).
        case notANumber(column: String, token: String, reason: String)
        /// A number too large for a Double (e.g. "1e400"): refused rather than read as infinity.
        case numberOutOfRange(column: String, token: String)
        /// "inf", "-Infinity", "nan" (not a missing-value token) in a numeric column: refused, as
        /// infinities are refused downstream (scikit-learn's `check_array`).
        case nonFiniteNumber(column: String, token: String)
        /// A value of a `.categoricalInteger` column that is not a 64-bit integer.
        case notAnInteger(column: String, token: String)
        /// A quoted field whose closing quote never comes; `line` is where the quote opened.
        case unterminatedQuote(column: String)
        /// A quote character inside an unquoted field (RFC 4180 allows quotes only around a field).
        case quoteInUnquotedField(column: String, token: String)
        /// Characters between a closing quote and the next delimiter or line end.
        case textAfterClosingQuote(column: String, token: String)
        /// A carriage return not followed by a line feed, outside quotes.
        case bareCarriageReturn(column: String)
        /// Bytes that are not UTF-8 in a header name or a categorical value.
        case invalidUTF8(column: String?)
        /// A streaming schema that does not match the file's header, or a column in `columnTypes`
        /// that the header lacks.
        case schemaMismatch(reason: String)
        /// A read option that cannot work (e.g. a delimiter that is also the quote character).
        case invalidOption(name: String, reason: String)
        /// The operating system refused to open, read, write or rename a file.
        case io(operation: String, reason: String)
        /// A table value the writer cannot write so that it reads back the same (e.g. a category equal
        /// to a missing-value token); `row` is 0-based.
        case unwritableValue(column: String, row: Int, reason: String)
        /// Several bad lines, collected when `CSVReadOptions.maxErrors > 1` (in file order, at most
        /// `maxErrors`; `truncated` when more were found).
        case manyErrors([CSVError], truncated: Bool)
    }

    /// The file's path as given.
    public let file: String
    /// The 1-based physical line, when the error has one.
    public let line: Int?
    public let kind: Kind

    public init(file: String, line: Int?, kind: Kind) {
        self.file = file
        self.line = line
        self.kind = kind
    }

    /// The column the error names, if any.
    public var column: String? {
        switch kind {
        case let .notANumber(column, _, _), let .numberOutOfRange(column, _), let .nonFiniteNumber(column, _),
             let .notAnInteger(column, _), let .unterminatedQuote(column), let .quoteInUnquotedField(column, _),
             let .textAfterClosingQuote(column, _), let .bareCarriageReturn(column), let .unwritableValue(column, _, _):
            return column
        case let .invalidUTF8(column): return column
        case let .duplicateColumnName(name): return name
        default: return nil
        }
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        switch kind {
        case .emptyFile:
            return "\(place): the file is empty (no header row)"
        case let .emptyColumnName(index):
            return "\(place): column \(index + 1) of the header has an empty name"
        case let .duplicateColumnName(name):
            return "\(place): column name '\(name)' appears more than once in the header"
        case let .raggedRow(expected, found):
            return "\(place): expected \(expected) fields (as the header), found \(found)"
        case let .notANumber(column, token, reason):
            return "\(place): column '\(column)': '\(token)' is not a number (\(reason))"
        case let .numberOutOfRange(column, token):
            return "\(place): column '\(column)': '\(token)' is outside the range of Double (overflow)"
        case let .nonFiniteNumber(column, token):
            return "\(place): column '\(column)': '\(token)' is not a finite number (add it to missingValues to read it as missing)"
        case let .notAnInteger(column, token):
            return "\(place): column '\(column)': '\(token)' is not an integer category code"
        case let .unterminatedQuote(column):
            return "\(place): column '\(column)': the quote opened on this line is never closed"
        case let .quoteInUnquotedField(column, token):
            return "\(place): column '\(column)': quote character inside the unquoted field '\(token)' (quote the whole field and double inner quotes)"
        case let .textAfterClosingQuote(column, token):
            return "\(place): column '\(column)': text after the closing quote: '\(token)'"
        case let .bareCarriageReturn(column):
            return "\(place): column '\(column)': carriage return not followed by a line feed (lines must end with LF or CRLF)"
        case let .invalidUTF8(column):
            return "\(place): \(column.map { "column '\($0)': " } ?? "header: ")bytes that are not valid UTF-8"
        case let .schemaMismatch(reason):
            return "\(place): \(reason)"
        case let .invalidOption(name, reason):
            return "\(place): option \(name): \(reason)"
        case let .io(operation, reason):
            return "\(place): cannot \(operation): \(reason)"
        case let .unwritableValue(column, row, reason):
            return "\(place): column '\(column)', row \(row): \(reason)"
        case let .manyErrors(errors, truncated):
            let lines = errors.map { "  " + $0.description }.joined(separator: "\n")
            return "\(file): \(errors.count)\(truncated ? "+" : "") bad lines:\n\(lines)\(truncated ? "\n  ... (more not shown)" : "")"
        }
    }

    /// A token shown in a message: at most 60 characters, invalid UTF-8 replaced.
    static func show<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let text = String(decoding: bytes.prefix(240), as: UTF8.self)
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}
