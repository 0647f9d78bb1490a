import LinearAlgebra
import Tabular

/// Reads CSV files into `Table`s: the whole file at once, or block by block with a fixed schema.
///
/// Both read the file through one buffer of `options.blockBytes` (bounded memory: that buffer plus
/// the output columns) and parse each block on `threads` threads, with output that does not depend
/// on the thread count (see `CSVScan`). Blocks of 2 MiB and more are read from the file by
/// `threads` concurrent `pread`s. Runs of plain numeric lines (every column numeric, no quotes,
/// spaces or missing tokens) are tokenized and parsed in C (`fk_parse_numeric_lines`, fast_float's
/// algorithm straight from the buffer into the column buffers; with AVX2, plain decimals are parsed
/// with SIMD, bit-identical, see Sources/CFastFloat/README.md); any other line goes through the general
/// RFC 4180 tokenizer from its start, so values, errors and their lines are the same either way. The grammar, missing values and number syntax are in
/// `CSVReadOptions` and `CSVNumberSyntax`.
///
/// **Type inference.** A column not named in `options.columnTypes` is numeric when every non-missing
/// token in it parses as a number, categorical (string) otherwise:
/// - `read` decides over the whole file. A column that meets its first non-numeric token in the first
///   block costs a re-parse of that block only; later, the file is read again from the start with the
///   column categorical (at most once per such column; a schema or `columnTypes` avoids it).
/// - `forEachBlock` fixes the schema before its first block is handed out: the given `schema`, or
///   one inferred from the first block (its numeric columns stay numeric, and a non-numeric token
///   in them later is an error naming the line, column and token). `inferSchema` is the exact
///   alternative: a full pass over the file that keeps no values.
///
/// scikit-learn equivalent: `pandas.read_csv(path)` (C engine, `float_precision="round_trip"`),
/// with `keep_default_na` restricted to `options.missingValues` and strict errors instead of NaN padding.
public struct CSVReader: Sendable {
    public let options: CSVReadOptions

    public init(options: CSVReadOptions = CSVReadOptions()) {
        self.options = options
    }

    /// The whole file as a table.
    /// - Throws: `CSVError` naming the file, line, column and token (see `CSVError.Kind`).
    /// - Complexity: O(bytes) time, normally one pass (see type inference above); memory: one block of
    ///   bytes plus the columns (8 bytes per numeric value, 4 per categorical value plus the levels).
    public func read(_ path: String, threads: Int = 1) throws -> Table {
        try readLocated(path, threads: threads).table
    }

    /// `read`, and where each data row is in the file (`CSVLineMap`: the file line of row r, for
    /// messages about a row that a user looks up in the file).
    /// - Throws: as `read`.
    public func readLocated(_ path: String, threads: Int = 1) throws -> (table: Table, lines: CSVLineMap) {
        var plans: [ColumnPlan]? = nil
        var restarts = 0
        while true {
            let scan = try CSVScan(path: path, options: options, threads: threads)
            let width = scan.names.count
            var current = try plans ?? initialPlans(names: scan.names, path: path)
            var sink = CSVAccumulator(plans: current)
            var errors = ErrorCollector(path: path, limit: options.maxErrors)
            var first = true
            var restart = false
            var lines = CSVLineMap()
            while let block = try scan.nextBlock() {
                var parser = CSVPieceParser(options: options, plans: current, names: scan.names)
                var parsed = try scan.parse(block, parser: parser)
                var flips = Self.flips(parsed)
                while first, !flips.isEmpty {
                    for flip in flips { current[flip.column] = .categorical(.string) }
                    parser = CSVPieceParser(options: options, plans: current, names: scan.names)
                    parsed = try scan.parse(block, parser: parser)
                    flips = Self.flips(parsed)
                }
                if !flips.isEmpty {
                    for flip in flips { current[flip.column] = .categorical(.string) }
                    restart = true
                    break
                }
                if first { sink = CSVAccumulator(plans: current) }
                if try errors.add(parsed) { break }
                if errors.isEmpty {
                    if first, let size = scan.fileSize {
                        // Reserve the columns once, from the first block's rows per byte (avoids regrowth copies).
                        let rows = parsed.pieces.reduce(0) { $0 + $1.rows }
                        let estimate = Double(rows) * Double(size) / Double(Swift.max(1, block.bytes.count)) * 1.02 + 16
                        sink.reserve(Swift.min(Int(estimate), size / Swift.max(1, width)))
                    }
                    sink.append(parsed.pieces, threads: threads)
                }
                let firstLine = scan.line
                scan.finishBlock()
                if errors.isEmpty {
                    lines.append(rows: parsed.pieces.reduce(0) { $0 + $1.rows }, firstLine: firstLine,
                                 newlines: scan.line - firstLine, endsWithNewline: block.bytes.last == 10)
                }
                first = false
            }
            if restart {
                restarts += 1
                // invariant: every restart turns at least one more of `width` columns categorical
                if restarts > width { throw CSVError(file: path, line: nil, kind: .schemaMismatch(reason: "type inference did not settle")) }
                plans = current
                continue
            }
            try errors.finish()
            return (try sink.table(names: scan.names, path: path), lines)
        }
    }

    /// Reads the file block by block, calling `body` with each block as a table (all with the same
    /// columns and types; categorical columns carry every level seen so far, so codes are stable
    /// across blocks). Returns the schema used.
    ///
    /// - Parameter schema: the columns' names and types; must match the header. Nil: inferred from
    ///   the first block (with `options.columnTypes` applied), then fixed.
    /// - Throws: `CSVError` (a `.notANumber` naming the line, column and token when a later block
    ///   breaks the inferred schema; `.schemaMismatch` when `schema` does not match the header), or
    ///   what `body` throws.
    /// - Complexity: O(bytes); memory: one block of bytes plus one block of columns.
    @discardableResult
    public func forEachBlock(_ path: String, schema: CSVSchema? = nil, threads: Int = 1,
                             _ body: (Table) throws -> Void) throws -> CSVSchema {
        try forEachLocatedBlock(path, schema: schema, threads: threads) { table, _ in try body(table) }
    }

    /// `forEachBlock`, with each block's rows located in the file: `body` also gets the line map of
    /// the rows read so far, this block's included (row numbers counted from the file's first data
    /// row, as a caller that adds up the blocks' row counts counts them).
    /// - Throws: as `forEachBlock`.
    @discardableResult
    public func forEachLocatedBlock(_ path: String, schema: CSVSchema? = nil, threads: Int = 1,
                                    _ body: (Table, CSVLineMap) throws -> Void) throws -> CSVSchema {
        var lines = CSVLineMap()
        let scan = try CSVScan(path: path, options: options, threads: threads)
        var current: [ColumnPlan]
        if let schema {
            guard schema.names.count == scan.names.count, zip(schema.names, scan.names).allSatisfy({ ExactKey($0) == ExactKey($1) }) else {
                throw CSVError(file: path, line: 1, kind: .schemaMismatch(
                    reason: "the header's columns \(scan.names) differ from the schema's \(schema.names)"))
            }
            current = schema.fields.map { $0.type.plan }
        } else {
            current = try initialPlans(names: scan.names, path: path)
        }
        var errors = ErrorCollector(path: path, limit: options.maxErrors)
        var first = true
        var firstLines = 1...1
        var categories = CategoryMerger(plans: current)
        while let block = try scan.nextBlock() {
            var parser = CSVPieceParser(options: options, plans: current, names: scan.names)
            var parsed = try scan.parse(block, parser: parser)
            var flips = Self.flips(parsed)
            while first, schema == nil, !flips.isEmpty {
                for flip in flips { current[flip.column] = .categorical(.string) }
                parser = CSVPieceParser(options: options, plans: current, names: scan.names)
                parsed = try scan.parse(block, parser: parser)
                flips = Self.flips(parsed)
            }
            if first {
                categories = CategoryMerger(plans: current)
                firstLines = scan.line...Swift.max(scan.line, scan.line + parsed.pieces.reduce(0) { $0 + $1.newlines } - 1)
            }
            // Later flips break the inferred schema: errors, in line order with the piece's others.
            for flip in flips {
                parsed.pieces[flip.piece].errors.append(PieceError(relativeLine: flip.relativeLine, kind: .notANumber(
                    column: scan.names[flip.column], token: flip.token,
                    reason: "the column was inferred numeric from the first block (lines \(firstLines.lowerBound)-\(firstLines.upperBound)); declare its type in columnTypes or pass a schema"),
                    fatal: false))
            }
            if !flips.isEmpty {
                for k in parsed.pieces.indices {
                    let sorted = parsed.pieces[k].errors.enumerated().sorted { ($0.element.relativeLine, $0.offset) < ($1.element.relativeLine, $1.offset) }
                    parsed.pieces[k].errors = sorted.map(\.element)
                }
            }
            if try errors.add(parsed) { break }
            if errors.isEmpty {
                var sink = CSVAccumulator(plans: current, categories: categories)
                sink.append(parsed.pieces, threads: threads)
                let table = try sink.table(names: scan.names, path: path)
                categories = sink.categories
                let firstLine = scan.line
                scan.finishBlock()
                lines.append(rows: table.rowCount, firstLine: firstLine, newlines: scan.line - firstLine,
                             endsWithNewline: block.bytes.last == 10)
                first = false
                try body(table, lines)
            } else {
                scan.finishBlock()
                first = false
            }
        }
        try errors.finish()
        return CSVSchema(zip(scan.names, current).map { CSVSchema.Field(name: $0, type: $1.columnType) })
    }

    /// The schema `read` would give, from a full pass that keeps no values (memory: one block).
    /// - Throws: `CSVError` as `read`.
    public func inferSchema(_ path: String, threads: Int = 1) throws -> CSVSchema {
        let scan = try CSVScan(path: path, options: options, threads: threads)
        var current = try initialPlans(names: scan.names, path: path)
        var errors = ErrorCollector(path: path, limit: options.maxErrors)
        while let block = try scan.nextBlock() {
            var parsed = try scan.parse(block, parser: CSVPieceParser(options: options, plans: current, names: scan.names))
            var flips = Self.flips(parsed)
            while !flips.isEmpty {
                for flip in flips { current[flip.column] = .categorical(.string) }
                parsed = try scan.parse(block, parser: CSVPieceParser(options: options, plans: current, names: scan.names))
                flips = Self.flips(parsed)
            }
            if try errors.add(parsed) { break }
            scan.finishBlock()
        }
        try errors.finish()
        return CSVSchema(zip(scan.names, current).map { CSVSchema.Field(name: $0, type: $1.columnType) })
    }

    func initialPlans(names: [String], path: String) throws -> [ColumnPlan] {
        let known = Set(names.map(ExactKey.init))
        for name in options.columnTypes.keys.sorted() where !options.allowsAbsentTypedColumns && !known.contains(ExactKey(name)) {
            throw CSVError(file: path, line: nil, kind: .schemaMismatch(reason: "columnTypes names '\(name)', which the header lacks (columns: \(names.prefix(20).map { "'\($0)'" }.joined(separator: ", ")))"))
        }
        return names.map { options.columnTypes[$0]?.plan ?? .inferNumeric }
    }

    static func flips(_ parsed: (pieces: [PieceOutput], lines: [Int])) -> [(piece: Int, column: Int, relativeLine: Int, token: String)] {
        var seen = Set<Int>()
        var result: [(piece: Int, column: Int, relativeLine: Int, token: String)] = []
        for (k, piece) in parsed.pieces.enumerated() {
            for flip in piece.flips where seen.insert(flip.column).inserted {
                result.append((k, flip.column, flip.relativeLine, flip.token))
            }
        }
        return result
    }

}

/// Collects errors in file order: throws the first when the limit is 1, else up to `limit` of them.
struct ErrorCollector {
    let path: String
    let limit: Int
    private(set) var errors: [CSVError] = []
    private(set) var truncated = false
    private var stopped = false

    init(path: String, limit: Int) {
        self.path = path
        self.limit = limit
    }

    var isEmpty: Bool { errors.isEmpty }

    mutating func add(_ error: CSVError) {
        if errors.count < limit {
            errors.append(error)
        } else {
            truncated = true  // one more than the limit was found: stop, and say more exist
            stopped = true
        }
    }

    /// Adds a block's errors; returns true when reading should stop (more than `limit` errors or a
    /// fatal one). With a limit of 1 the first error is thrown at once.
    mutating func add(_ parsed: (pieces: [PieceOutput], lines: [Int])) throws -> Bool {
        for (k, piece) in parsed.pieces.enumerated() {
            for error in piece.errors {
                let full = CSVError(file: path, line: parsed.lines[k] + error.relativeLine, kind: error.kind)
                if limit == 1 { throw full }
                add(full)
                if stopped { return true }
                if error.fatal { stopped = true; return true }
            }
        }
        return stopped
    }

    func finish() throws {
        guard !errors.isEmpty else { return }
        if limit == 1 { throw errors[0] }
        throw CSVError(file: path, line: errors[0].line, kind: .manyErrors(errors, truncated: truncated))
    }
}

/// Global category dictionaries: local levels of each piece merged in piece order (first-seen order
/// over the file, whatever the thread count).
struct CategoryMerger {
    var dictionaries: [[ExactKey: Int32]]
    var levels: [[String]]

    init(plans: [ColumnPlan]) {
        dictionaries = Array(repeating: [:], count: plans.count)
        levels = Array(repeating: [], count: plans.count)
    }

    /// Global codes for a piece's local levels of `column`.
    mutating func map(column: Int, local: [String]) -> [Int32] {
        local.map { level in
            let key = ExactKey(level)
            if let code = dictionaries[column][key] { return code }
            let code = Int32(truncatingIfNeeded: levels[column].count)
            dictionaries[column][key] = code
            levels[column].append(level)
            return code
        }
    }
}

/// The accumulator's column arrays, each appended to by one thread (distinct elements).
private struct ColumnTargets: @unchecked Sendable {
    let numbers: UnsafeMutableBufferPointer<[Double]>
    let codes: UnsafeMutableBufferPointer<[Int32]>
}

/// The output columns of a read: pieces appended in order.
struct CSVAccumulator {
    let plans: [ColumnPlan]
    var numbers: [[Double]]
    var codes: [[Int32]]
    var categories: CategoryMerger
    var reserved = false

    init(plans: [ColumnPlan], categories: CategoryMerger? = nil) {
        self.plans = plans
        numbers = Array(repeating: [], count: plans.count)
        codes = Array(repeating: [], count: plans.count)
        self.categories = categories ?? CategoryMerger(plans: plans)
    }

    mutating func reserve(_ rows: Int) {
        for (column, plan) in plans.enumerated() {
            if plan.isNumeric { numbers[column].reserveCapacity(rows) } else { codes[column].reserveCapacity(rows) }
        }
    }

    /// Appends the pieces' rows, column by column on `threads` threads (the category levels are
    /// merged first, in piece order, so the codes do not depend on the thread count).
    mutating func append(_ pieces: [PieceOutput], threads: Int = 1) {
        let added = pieces.reduce(0) { $0 + $1.rows }
        guard added > 0 else { return }
        var maps: [[[Int32]]] = Array(repeating: [], count: plans.count)  // [column][piece]
        for piece in pieces {
            for (column, plan) in plans.enumerated() where !plan.isNumeric {
                maps[column].append(categories.map(column: column, local: piece.levels[column]))
            }
        }
        for (column, plan) in plans.enumerated() {
            // Geometric growth when the reservation falls short (no regrowth per block).
            if plan.isNumeric {
                let needed = numbers[column].count + added
                if needed > numbers[column].capacity { numbers[column].reserveCapacity(Swift.max(needed, numbers[column].capacity * 2)) }
            } else {
                let needed = codes[column].count + added
                if needed > codes[column].capacity { codes[column].reserveCapacity(Swift.max(needed, codes[column].capacity * 2)) }
            }
        }
        let plans = self.plans
        let finalMaps = maps
        numbers.withUnsafeMutableBufferPointer { numbers in
            codes.withUnsafeMutableBufferPointer { codes in
                let target = ColumnTargets(numbers: numbers, codes: codes)
                // The body does not throw, so neither does map.
                _ = try? ParallelRows.map(count: plans.count, threads: added * plans.count >= 1 << 16 ? threads : 1) { column in
                    for (k, piece) in pieces.enumerated() {
                        if plans[column].isNumeric {
                            target.numbers[column].append(contentsOf: piece.columns[column].values)
                        } else {
                            let map = finalMaps[column][k]
                            target.codes[column].append(contentsOf: piece.columns[column].values.lazy.map { $0 < 0 ? CategoricalValues.missing : map[Int($0)] })
                        }
                    }
                    return 0
                }
            }
        }
    }

    func table(names: [String], path: String) throws -> Table {
        var columns: [Column] = []
        columns.reserveCapacity(plans.count)
        for (column, plan) in plans.enumerated() {
            switch plan {
            case .inferNumeric, .numeric:
                columns.append(.numeric(names[column], numbers[column]))
            case let .categorical(kind):
                let values = try CategoricalValues(levels: categories.levels[column], codes: codes[column], kind: kind)
                columns.append(Column(name: names[column], values: .categorical(values)))
            }
        }
        return try Table(columns)
    }
}
