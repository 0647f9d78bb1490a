import LinearAlgebra
import Tabular

/// Writes a `Table` as CSV so that `CSVReader` reads back the same table: numbers in their shortest
/// round-trip form (Swift's `Double.description`, e.g. "0.1", "5e-324", "1.7976931348623157e+308"),
/// categories verbatim, quoted when they hold the delimiter, the quote, CR or LF, or start or end with
/// a space or a tab; missing values as `missingToken`. Lines end with LF. Written atomically
/// (temporary file in the same directory, then rename).
///
/// Refused (so a round trip never changes a value silently): infinities (the reader refuses them)
/// and categories equal to one of `missingValues` (they would read back as missing), each named by
/// column and row.
///
/// scikit-learn equivalent: `pandas.DataFrame.to_csv(path, index=False)` (pandas writes `repr`, the
/// same shortest round-trip digits).
public struct CSVWriter: Sendable {
    public var delimiter: UInt8
    public var quote: UInt8
    /// Written for NaN and missing categories. Must be one of `missingValues`.
    public var missingToken: String
    /// The tokens a reader will take as missing (default: `CSVReadOptions.defaultMissingValues`).
    public var missingValues: Set<String>

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), missingToken: String = "",
                missingValues: Set<String> = CSVReadOptions.defaultMissingValues) {
        self.delimiter = delimiter
        self.quote = quote
        self.missingToken = missingToken
        self.missingValues = missingValues
    }

    /// Writes `table` to `path` atomically, rows formatted in parallel blocks (output independent of
    /// `threads`).
    /// - Throws: `CSVError` (`.unwritableValue` naming column and row, `.io`, `.invalidOption`).
    /// - Complexity: O(cells); memory: a few blocks of formatted rows.
    public func write(_ table: Table, to path: String, threads: Int = 1) throws {
        try validate(path: path, table: table)
        let file: AtomicFile
        do { file = try AtomicFile(path: path) } catch { throw CSVError(file: path, line: nil, kind: .io(operation: error.operation, reason: error.reason)) }
        do {
            try file.append(header(table))
            let blocks = ParallelRows.blocks(rows: table.rowCount, blockRows: 8192)
            let batch = Swift.max(1, threads) * 4
            var next = 0
            while next < blocks.count {
                let chunk = Array(blocks[next..<Swift.min(next + batch, blocks.count)])
                let texts = try ParallelRows.map(count: chunk.count, threads: threads) { k in
                    try self.format(table, rows: chunk[k], path: path)
                }
                for text in texts { try file.append(text) }
                next += chunk.count
            }
            try file.commit()
        } catch let error as IOFailure {
            throw CSVError(file: path, line: nil, kind: .io(operation: error.operation, reason: error.reason))
        }
    }

    /// The CSV text of `table` as bytes (for small tables and tests).
    /// - Throws: `CSVError` as `write`.
    public func bytes(_ table: Table) throws -> [UInt8] {
        try validate(path: "(memory)", table: table)
        var out = header(table)
        out += try format(table, rows: 0..<table.rowCount, path: "(memory)")
        return out
    }

    private func validate(path: String, table: Table) throws {
        if table.columnCount == 0 {
            throw CSVError(file: path, line: nil, kind: .invalidOption(name: "table", reason: "has no columns (a CSV file needs a header)"))
        }
        try CSVReadOptions(delimiter: delimiter, quote: quote, missingValues: missingValues).validate(file: path)
        if !missingValues.contains(missingToken) {
            throw CSVError(file: path, line: nil, kind: .invalidOption(name: "missingToken", reason: "'\(missingToken)' is not one of missingValues, so it would not read back as missing"))
        }
    }

    private func header(_ table: Table) -> [UInt8] {
        var out: [UInt8] = []
        for (j, name) in table.names.enumerated() {
            if j > 0 { out.append(delimiter) }
            appendText(name, to: &out)
        }
        out.append(10)
        return out
    }

    private func needsQuotes(_ text: String) -> Bool {
        let utf8 = text.utf8
        if let first = utf8.first, first == 32 || first == 9 { return true }
        if let last = utf8.last, last == 32 || last == 9 { return true }
        // A leading U+FEFF at the start of the file would be read back as a byte-order mark and dropped.
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        return utf8.contains { $0 == delimiter || $0 == quote || $0 == 10 || $0 == 13 }
    }

    private func appendText(_ text: String, to out: inout [UInt8]) {
        guard needsQuotes(text) else { out.append(contentsOf: text.utf8); return }
        out.append(quote)
        for byte in text.utf8 {
            out.append(byte)
            if byte == quote { out.append(quote) }
        }
        out.append(quote)
    }

    private func format(_ table: Table, rows: Range<Int>, path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * table.columnCount * 12)
        let missing = Array(missingToken.utf8)
        let quoteNumbers = CSVPieceParser.numberBytes.contains(delimiter)
        // Per column: the text of each level, quoted as needed, or an error for unwritable levels.
        let columns = table.columns
        var levelTexts: [[[UInt8]]] = []
        for column in columns {
            guard case let .categorical(values) = column.values else { levelTexts.append([]); continue }
            levelTexts.append(values.levels.map { level in
                var text: [UInt8] = []
                appendText(level, to: &text)
                return text
            })
        }
        for i in rows {
            for (j, column) in columns.enumerated() {
                if j > 0 { out.append(delimiter) }
                switch column.values {
                case let .numeric(values):
                    let v = values[i]
                    if v.isNaN {
                        out.append(contentsOf: missing)
                    } else if v.isInfinite {
                        throw CSVError(file: path, line: nil, kind: .unwritableValue(column: column.name, row: i, reason: "\(v) is not finite (the reader refuses infinities)"))
                    } else if quoteNumbers {
                        appendText(v.description, to: &out)  // quoted when it holds the delimiter
                    } else {
                        out.append(contentsOf: v.description.utf8)
                    }
                case let .categorical(values):
                    let code = values.codes[i]
                    if code == CategoricalValues.missing {
                        out.append(contentsOf: missing)
                    } else {
                        let level = values.levels[Int(code)]
                        if missingValues.contains(level) {
                            throw CSVError(file: path, line: nil, kind: .unwritableValue(column: column.name, row: i, reason: "category '\(level)' is a missing-value token and would read back as missing"))
                        }
                        out.append(contentsOf: levelTexts[j][Int(code)])
                    }
                }
            }
            out.append(10)
        }
        return out
    }
}
