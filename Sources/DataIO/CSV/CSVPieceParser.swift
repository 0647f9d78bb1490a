import CFastFloat
import Tabular

/// An error found in a piece, before its line is made absolute.
struct PieceError: Sendable {
    /// Newlines between the piece start and the error's line.
    var relativeLine: Int
    var kind: CSVError.Kind
    /// Quote errors: what follows cannot be parsed, so collection stops here.
    var fatal: Bool
}

/// The parse of one piece of a block: whole records, columnar.
struct PieceOutput: Sendable {
    /// Per column: numbers (numeric plans) or local category codes stored as Double (categorical plans).
    var columns: [ColumnBuffer]
    /// Per column: local levels in first-seen order (categorical plans only).
    var levels: [[String]]
    var rows = 0
    /// Newlines consumed (== the piece's newline count when `complete`).
    var newlines = 0
    var complete = true
    var errors: [PieceError] = []
    /// Columns planned `.inferNumeric` that met a token that is not a number: (column, relative line, token).
    var flips: [(column: Int, relativeLine: Int, token: String)] = []
}

/// Byte-level RFC 4180 tokenizer and typed field conversion, over one piece of the file's bytes (a
/// range of whole records). Pieces are independent, so several run in parallel; their outputs are
/// joined in order (`CSVBlockJoiner`), which makes the result independent of the thread count.
struct CSVPieceParser: Sendable {
    let delimiter: UInt8
    let quote: UInt8
    let missing: [[UInt8]]
    /// True when no missing-value token could be taken for a number by the fast path.
    let numberFastPathSafe: Bool
    let plans: [ColumnPlan]
    let names: [String]
    let maxErrors: Int
    /// Whether plain numeric lines go through `fk_parse_numeric_lines` (`Self.lineFastPathEnabled`
    /// when the parser was made).
    let lineFastPath: Bool

    /// Internal switch for tests, which turn the C whole-line fast path off to check that it changes
    /// nothing (a task-local value, read when a parser is made, on the caller's task).
    @TaskLocal static var lineFastPathEnabled = true

    init(options: CSVReadOptions, plans: [ColumnPlan], names: [String]) {
        lineFastPath = Self.lineFastPathEnabled
        delimiter = options.delimiter
        quote = options.quote
        missing = options.missingValues.sorted().map { Array($0.utf8) }
        // The fast path lets fast_float find the number's end, so it must not run when a missing-value
        // token could be read as a number, or when the delimiter can occur inside a number ("1.5"
        // with delimiter "." is two fields).
        numberFastPathSafe = !missing.contains { token in token.first.map(Self.startsNumber) ?? false }
            && !Self.numberBytes.contains(options.delimiter)
        self.plans = plans
        self.names = names
        // One more than the limit, so the collector can tell whether more errors exist.
        maxErrors = options.maxErrors == 1 ? 1 : Swift.min(options.maxErrors, Int.max - 1) + 1  // no overflow at Int.max
    }

    /// Bytes that can occur inside a number fast_float accepts.
    static let numberBytes = Set("0123456789.+-eE".utf8)

    @inline(__always)
    static func startsNumber(_ byte: UInt8) -> Bool {
        (byte &- 48) < 10 || byte == 45 || byte == 46 || byte == 43  // digit - . +
    }

    func name(_ column: Int) -> String { column < names.count ? names[column] : "#\(column + 1)" }

    /// Mutable state of one piece's parse (a struct passed inout, so the hot loop has no captured
    /// boxes and no dynamic exclusivity checks).
    struct State {
        var out: PieceOutput
        /// The current record's values (numbers, or local category codes as Double).
        var record: [Double]
        var dictionaries: [[ExactKey: Int32]]
        var flipped: [Bool]
        var scratch: [UInt8] = []

        mutating func fail(_ kind: CSVError.Kind, line: Int, fatal: Bool = false) {
            out.errors.append(PieceError(relativeLine: line, kind: kind, fatal: fatal))
        }
    }

    /// Parses `bytes` (whole records; the last may lack its line end only at the end of the file).
    ///
    /// Values go straight into the piece's column buffers (capacity: an upper bound on the records
    /// kept, from the newline count and the bytes per record). Runs of plain numeric lines are parsed by the C fast path
    /// `fk_parse_numeric_lines` (when every column is numeric); any line it does not take is parsed
    /// here, from its start, by the general tokenizer, so errors and values are the same either way.
    ///
    /// - Parameter newlines: the '\n' bytes in `bytes` when the caller counted them (nil: counted here).
    func parse(_ bytes: UnsafeRawBufferPointer, newlines: Int? = nil) -> PieceOutput {
        let width = plans.count
        var state = State(out: PieceOutput(columns: [], levels: Array(repeating: [], count: width)),
                          record: Array(repeating: 0, count: width), dictionaries: Array(repeating: [:], count: width),
                          flipped: Array(repeating: false, count: width))
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            state.out.columns = (0..<width).map { _ in ColumnBuffer(capacity: 0) }
            return state.out
        }
        let n = bytes.count
        // A kept record has `width` fields: width - 1 delimiters and a line end (but the last) outside
        // quotes, so at least `width` bytes. Both bounds hold; the second keeps the buffers within
        // 8 bytes per input byte when a file has many short (ragged) lines and many columns.
        let capacity = Swift.min((newlines ?? fk_count_newlines(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), n)) + 1,
                                 n / Swift.max(1, width) + 1)
        let buffers = (0..<width).map { _ in ColumnBuffer(capacity: capacity) }
        let targets: [UnsafeMutablePointer<Double>?] = buffers.map { $0.storage.baseAddress }
        let numeric = plans.map { $0.isNumeric && numberFastPathSafe }
        let allNumeric = lineFastPath && width > 0 && !numeric.contains(false)
        let delimiter = self.delimiter
        let quote = self.quote
        var i = 0
        var line = 0
        // Records the general path reads before the C fast path is tried again (grows while the
        // fast path keeps failing at once, so a file it never takes costs one failed try per 64 lines).
        var slowRecords = 0
        var backoff = 0

        numeric.withUnsafeBufferPointer { fastColumn in
        targets.withUnsafeBufferPointer { columns in
        records: while i < n {
            if allNumeric, slowRecords == 0 {
                var rows = 0
                var newlines = 0
                let used = fk_parse_numeric_lines(UnsafeRawPointer(base + i).assumingMemoryBound(to: CChar.self),
                                                  UnsafeRawPointer(base + n).assumingMemoryBound(to: CChar.self),
                                                  CChar(bitPattern: delimiter), width, columns.baseAddress, state.out.rows,
                                                  capacity - state.out.rows, &rows, &newlines)
                i += used
                line += newlines
                state.out.rows += rows
                if i >= n { break records }
                if rows == 0 {
                    backoff = Swift.min(64, backoff * 2 + 1)
                    slowRecords = backoff
                } else {
                    backoff = 0
                    slowRecords = 1
                }
            }
            if slowRecords > 0 { slowRecords -= 1 }
            let recordLine = line
            var field = 0
            fields: while true {
                let column = field
                // Fast path: an unquoted number followed by a delimiter or a line end.
                if column < width, fastColumn[column], i < n, Self.startsNumber(base[i]) {
                    var value = 0.0
                    var status: Int32 = 0
                    let used = fk_parse_double_prefix(UnsafeRawPointer(base + i).assumingMemoryBound(to: CChar.self),
                                                      UnsafeRawPointer(base + n).assumingMemoryBound(to: CChar.self),
                                                      &value, &status)
                    let j = i + used
                    if used > 0, status == Int32(FK_PARSE_OK), j == n || base[j] == delimiter || base[j] == 10 || base[j] == 13 {
                        state.record[column] = value
                        i = j
                        field += 1
                        if i >= n { break fields }
                        let c = base[i]
                        if c == delimiter { i += 1; continue fields }
                        if c == 10 { i += 1; line += 1; break fields }
                        if i + 1 < n, base[i + 1] == 10 { i += 2; line += 1; break fields }
                        state.fail(.bareCarriageReturn(column: name(column)), line: line, fatal: true)
                        state.out.complete = false
                        break records
                    }
                }
                // General path: find the field's extent.
                var start = i
                var end = i
                var escaped = false
                if i < n, base[i] == quote {
                    let openLine = line
                    var j = i + 1
                    while true {
                        while j < n, base[j] != quote {
                            if base[j] == 10 { line += 1 }
                            j += 1
                        }
                        if j >= n {
                            state.fail(.unterminatedQuote(column: name(column)), line: openLine, fatal: true)
                            state.out.complete = false
                            break records
                        }
                        if j + 1 < n, base[j + 1] == quote {
                            escaped = true
                            j += 2
                            continue
                        }
                        break
                    }
                    start = i + 1
                    end = j
                    i = j + 1
                    if i < n, base[i] != delimiter, base[i] != 10, base[i] != 13 {
                        var k = i
                        while k < n, base[k] != delimiter, base[k] != 10 { k += 1 }
                        state.fail(.textAfterClosingQuote(column: name(column), token: CSVError.show(UnsafeBufferPointer(start: base + i, count: k - i))),
                                   line: line, fatal: true)
                        state.out.complete = false
                        break records
                    }
                } else {
                    var j = i
                    while j < n {
                        let c = base[j]
                        if c == delimiter || c == 10 || c == 13 { break }
                        if c == quote {
                            var k = j
                            while k < n, base[k] != delimiter, base[k] != 10 { k += 1 }
                            state.fail(.quoteInUnquotedField(column: name(column), token: CSVError.show(UnsafeBufferPointer(start: base + i, count: k - i))),
                                       line: line, fatal: true)
                            state.out.complete = false
                            break records
                        }
                        j += 1
                    }
                    start = i
                    end = j
                    i = j
                }
                if column < width {
                    if escaped {
                        state.scratch.removeAll(keepingCapacity: true)
                        var k = start
                        while k < end {
                            state.scratch.append(base[k])
                            k += base[k] == quote ? 2 : 1
                        }
                        let unescaped = state.scratch
                        unescaped.withUnsafeBufferPointer { consume($0, column: column, line: line, state: &state) }
                    } else {
                        consume(UnsafeBufferPointer(start: base + start, count: end - start), column: column, line: line, state: &state)
                    }
                }
                field += 1
                if i >= n { break fields }
                let c = base[i]
                if c == delimiter { i += 1; continue fields }
                if c == 10 { i += 1; line += 1; break fields }
                if i + 1 < n, base[i + 1] == 10 { i += 2; line += 1; break fields }
                state.fail(.bareCarriageReturn(column: name(column)), line: line, fatal: true)
                state.out.complete = false
                break records
            }
            // End of record: `field` fields were seen.
            if field != width {
                state.fail(.raggedRow(expected: width, found: field), line: recordLine)
            } else {
                let row = state.out.rows
                if row < capacity {  // invariant: kept records <= capacity (see above)
                    for column in 0..<width { columns[column]![row] = state.record[column] }  // invariant: allocated
                    state.out.rows += 1
                }
            }
            if state.out.errors.count >= maxErrors {
                state.out.complete = i >= n
                break records
            }
        }
        }
        }
        state.out.newlines = line
        for buffer in buffers { buffer.count = state.out.rows }
        state.out.columns = buffers
        return state.out
    }

    /// Converts one field's content (quotes removed) by the column's plan and appends it.
    private func consume(_ token: UnsafeBufferPointer<UInt8>, column: Int, line: Int, state: inout State) {
        let plan = plans[column]
        if isMissing(token) {
            state.record[column] = plan.isNumeric ? .nan : -1
            return
        }
        switch plan {
        case .inferNumeric, .numeric:
            var value = 0.0
            let status = Self.parseNumber(token, &value)
            if status == Int32(FK_PARSE_OK) {
                state.record[column] = value
                return
            }
            // Inferred columns read a spelled-out infinity ("inf", "-Infinity", any case) and a finite
            // literal beyond the range of Double ("1e400") as +-infinity, as pandas and polars do; the
            // transforms and fits then refuse it with an error naming the row and column.
            if plan == .inferNumeric, status == Int32(FK_PARSE_NONFINITE), let infinity = Self.spelledInfinity(token) {
                state.record[column] = infinity
                return
            }
            if plan == .inferNumeric, status == Int32(FK_PARSE_OVERFLOW) {
                state.record[column] = Self.isNegative(token) ? -.infinity : .infinity
                return
            }
            state.record[column] = .nan
            if state.flipped[column] { return }
            let shown = CSVError.show(token)
            // Inferred columns: any token that is not a finite number makes the column categorical, so
            // the result never depends on where block boundaries fall (an error raised in an early
            // block could otherwise be undone by a later token). Forced and fixed columns: errors.
            if plan == .inferNumeric {
                state.flipped[column] = true
                state.out.flips.append((column, line, shown))
            } else if status == Int32(FK_PARSE_OVERFLOW) {
                state.fail(.numberOutOfRange(column: name(column), token: shown), line: line)
            } else if status == Int32(FK_PARSE_NONFINITE) {
                state.fail(.nonFiniteNumber(column: name(column), token: shown), line: line)
            } else {
                state.fail(.notANumber(column: name(column), token: shown, reason: "the column is numeric"), line: line)
            }
        case let .categorical(kind):
            var problem: CSVError.Kind?
            let code = category(token, kind: kind, column: column, dictionary: &state.dictionaries[column],
                                levels: &state.out.levels[column], problem: &problem)
            state.record[column] = Double(code)
            if let problem { state.fail(problem, line: line) }
        }
    }

    @inline(__always)
    func isMissing(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        for candidate in missing where candidate.count == token.count {
            if candidate.isEmpty || candidate.withUnsafeBufferPointer({ memcmpEqual($0, token) }) { return true }
        }
        return false
    }

    /// The infinity a token that `parseNumber` called non-finite spells (nil for a NaN spelling):
    /// fast_float accepts only "inf" and "infinity" (any case, optional sign) and NaN spellings there.
    static func spelledInfinity(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        var negative = false
        for byte in token where byte != 32 && byte != 9 {
            if byte == 45 { negative = true; continue }  // -
            if byte == 43 { continue }  // +
            return byte | 0x20 == 105 ? (negative ? -.infinity : .infinity) : nil  // i or I
        }
        return nil
    }

    /// Whether a number token's first byte after ASCII spaces and tabs is `-`.
    static func isNegative(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in token where byte != 32 && byte != 9 { return byte == 45 }
        return false
    }

    /// A number token: ASCII spaces and tabs around it are allowed; then `fk_parse_double`.
    static func parseNumber(_ token: UnsafeBufferPointer<UInt8>, _ value: inout Double) -> Int32 {
        guard var lo = token.baseAddress else { return Int32(FK_PARSE_INVALID) }
        var hi = lo + token.count
        while lo < hi, lo.pointee == 32 || lo.pointee == 9 { lo += 1 }
        while hi > lo, (hi - 1).pointee == 32 || (hi - 1).pointee == 9 { hi -= 1 }
        return fk_parse_double(UnsafeRawPointer(lo).assumingMemoryBound(to: CChar.self), hi - lo, &value)
    }

    /// The local code of a categorical token (inserting a new level), or -1 after an error.
    private func category(_ token: UnsafeBufferPointer<UInt8>, kind: CategoryKind, column: Int, dictionary: inout [ExactKey: Int32],
                          levels: inout [String], problem: inout CSVError.Kind?) -> Int32 {
        guard let text = String(validating: token, as: UTF8.self) else {
            problem = .invalidUTF8(column: name(column))
            return -1
        }
        let key = ExactKey(text)
        if let code = dictionary[key] { return code }
        if kind == .integer, Int64(text) == nil {
            problem = .notAnInteger(column: name(column), token: CSVError.show(token))
            return -1
        }
        let code = Int32(truncatingIfNeeded: levels.count)
        dictionary[key] = code
        levels.append(text)
        return code
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for k in 0..<a.count where a[k] != b[k] { return false }
    return true
}

/// A string hashed and compared by its UTF-8 bytes (as Python compares `str`; Swift's `String ==`
/// would merge canonically equivalent spellings that scikit-learn keeps apart).
struct ExactKey: Hashable, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }
    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// One column of a parsed piece: an owned buffer handed from the parsing thread to the joiner, which
/// copies it once into the output column (no intermediate `Array`).
final class ColumnBuffer: @unchecked Sendable {
    let storage: UnsafeMutableBufferPointer<Double>
    /// The values written (at most the capacity; set once by the parser that owns the buffer).
    var count = 0

    init(capacity: Int) {
        storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(capacity, 1))
    }

    deinit { storage.deallocate() }

    var values: UnsafeBufferPointer<Double> { UnsafeBufferPointer(rebasing: storage[0..<count]) }
}
