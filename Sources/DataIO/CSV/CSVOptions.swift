import Tabular

/// The type a CSV column is read as.
public enum CSVColumnType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Numbers (Double); missing-value tokens become NaN. A token that is not a number is an error.
    case numeric
    /// Text categories (`CategoryKind.string`), kept verbatim (no trimming).
    case categorical
    /// Integer category codes (`CategoryKind.integer`), e.g. a zip code or a class id: kept as their
    /// text, ordered numerically; every value must parse as a 64-bit integer.
    case categoricalInteger

    var plan: ColumnPlan {
        switch self {
        case .numeric: return .numeric
        case .categorical: return .categorical(.string)
        case .categoricalInteger: return .categorical(.integer)
        }
    }
}

/// The column names and types of a CSV file: what the streaming reader fixes before its first
/// block, given by the caller or inferred (see `CSVReader.forEachBlock`).
public struct CSVSchema: Sendable, Hashable, Codable {
    public struct Field: Sendable, Hashable, Codable {
        public let name: String
        public let type: CSVColumnType
        public init(name: String, type: CSVColumnType) {
            self.name = name
            self.type = type
        }
    }

    public let fields: [Field]
    public init(_ fields: [Field]) { self.fields = fields }

    public var names: [String] { fields.map(\.name) }
}

/// How a CSV file is read.
///
/// Grammar (RFC 4180 plus what real files need): records end with LF or CRLF (a bare CR outside quotes
/// is an error); the first record is the header; a field is either unquoted (no quote character inside)
/// or enclosed in quotes, with delimiters, CR and LF allowed inside and a quote written twice; a UTF-8
/// byte-order mark at the start is skipped. A blank line is a record with one empty field (a missing
/// value in a one-column file, a ragged row otherwise): nothing is skipped, padded or guessed.
///
/// Tokens: a field equal to a missing-value token, quoted or not (`""` and `"NA"` count), is missing
/// (NaN in a numeric column, `CategoricalValues.missing` in a categorical one). Numbers
/// (`CSVNumberSyntax`) may have ASCII spaces or tabs around them; categorical values are kept verbatim.
public struct CSVReadOptions: Sendable, Hashable {
    /// The field separator (one ASCII byte, not the quote, CR or LF). Default ",".
    public var delimiter: UInt8
    /// The quote character (one ASCII byte). Default `"`.
    public var quote: UInt8
    /// Tokens read as missing values (compared exactly, after removing quotes). Default: "", "NA",
    /// "NaN", "nan", "null" (a subset of pandas's `na_values`; add others explicitly).
    public var missingValues: Set<String>
    /// Column types by name; columns not named are inferred: numeric when every non-missing token of
    /// the column is a number — a finite one, a finite literal beyond the range of Double ("1e400",
    /// "-1e400") or a spelled-out infinity ("inf", "-Infinity", any case); the last two are read as
    /// ±infinity, as pandas and polars do, and refused later by the transforms and fits with an
    /// error naming the row and column — an all-missing column is numeric, all NaN, as in pandas —
    /// categorical (string) otherwise: "NAN" (not in `missingValues`) or "1.5x" makes an inferred
    /// column categorical, while in a column declared `.numeric` these, "1e400" and "inf" are errors
    /// naming the cell. (Inference never raises a number error: one found early could be undone by a
    /// later token, and the result would depend on the block size.) Naming a column the header
    /// lacks is an error unless `allowsAbsentTypedColumns`.
    public var columnTypes: [String: CSVColumnType]
    /// False (default): `columnTypes` naming a column the header lacks is a `.schemaMismatch` (a
    /// misspelt name would otherwise go unnoticed). True: such names are skipped, for a caller that
    /// checks the header against its own schema and reports what is absent itself (a drift report
    /// lists a model input missing from new data as a finding, not as a failure to read).
    public var allowsAbsentTypedColumns: Bool
    /// Bytes read per block (default 16 MiB). A block holds whole records; one record longer than
    /// this grows the block. Reading holds at most one block of bytes plus the output columns.
    public var blockBytes: Int
    /// 1 (default): the first bad line is thrown. Above 1: bad lines are collected (in file order, up
    /// to this many) and thrown together as `CSVError.Kind.manyErrors`. Quote errors end collection,
    /// since the fields after them cannot be told apart.
    public var maxErrors: Int

    /// Blocks shorter than this are parsed on one thread (splitting costs more than it saves).
    /// Internal: tests lower it to exercise the split on small files.
    var minimumSplitBytes = 1 << 20

    public static let defaultMissingValues: Set<String> = ["", "NA", "NaN", "nan", "null"]

    public init(
        delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""),
        missingValues: Set<String> = CSVReadOptions.defaultMissingValues,
        columnTypes: [String: CSVColumnType] = [:], blockBytes: Int = 16 << 20, maxErrors: Int = 1
    ) {
        self.delimiter = delimiter
        self.quote = quote
        self.missingValues = missingValues
        self.columnTypes = columnTypes
        allowsAbsentTypedColumns = false
        self.blockBytes = blockBytes
        self.maxErrors = maxErrors
    }

    func validate(file: String) throws {
        func bad(_ name: String, _ reason: String) -> CSVError {
            CSVError(file: file, line: nil, kind: .invalidOption(name: name, reason: reason))
        }
        let forbidden: Set<UInt8> = [10, 13]
        if delimiter >= 128 || forbidden.contains(delimiter) { throw bad("delimiter", "must be one ASCII byte other than CR and LF") }
        if quote >= 128 || forbidden.contains(quote) { throw bad("quote", "must be one ASCII byte other than CR and LF") }
        if delimiter == quote { throw bad("delimiter", "is the quote character") }
        if blockBytes < 1 || blockBytes > 1 << 32 { throw bad("blockBytes", "must be in 1...\(1 << 32) (4 GiB), got \(blockBytes)") }
        if maxErrors < 1 { throw bad("maxErrors", "must be at least 1, got \(maxErrors)") }
        for token in missingValues where token.utf8.contains(delimiter) || token.utf8.contains(quote) {
            throw bad("missingValues", "token '\(token)' contains the delimiter or the quote")
        }
    }
}

/// What the reader does with a column while parsing.
enum ColumnPlan: Sendable, Hashable {
    /// Numeric so far; a token that is not a number marks the column categorical (inference).
    case inferNumeric
    /// Numeric, fixed: a token that is not a number is an error.
    case numeric
    case categorical(CategoryKind)

    var isNumeric: Bool {
        switch self {
        case .inferNumeric, .numeric: return true
        case .categorical: return false
        }
    }

    var columnType: CSVColumnType {
        switch self {
        case .inferNumeric, .numeric: return .numeric
        case .categorical(.string): return .categorical
        case .categorical(.integer): return .categoricalInteger
        }
    }
}
