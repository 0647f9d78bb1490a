import CFastFloat
import Dispatch
import LinearAlgebra
import Tabular

/// Unsafe bytes handed to the parsing threads; they only read them while the scan keeps the buffer.
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

/// One pass over a CSV file: the header, then blocks of whole records, each parsed in pieces on
/// several threads.
///
/// Block boundaries depend only on the file and `blockBytes` (the reader fills its buffer fully
/// before cutting at the last record end), and each block is cut into `4 * threads` pieces at
/// record ends found by a quote-aware scan (`fk_record_ends`), which the threads take one at a time.
/// (A split block is first scanned on all threads for a quote byte and its newlines; without a
/// quote every newline ends a record, and each piece gets its exact newline count from that scan.)
/// Pieces are parsed independently and joined in order, with category levels merged in first-seen order, so the output is bit-identical for any
/// thread count.
final class CSVScan {
    let path: String
    let options: CSVReadOptions
    let threads: Int
    private let reader: ByteBlockReader
    private(set) var names: [String] = []
    /// The file's size in bytes, when known.
    var fileSize: Int? { reader.size }
    /// The 1-based line of the next unparsed byte.
    private(set) var line = 1
    private var blockLength = 0
    private var blockNewlines = 0
    /// Split points found with the block's end (nil: find them in `parse`).
    private var splitEnds: [Int]?
    /// For each split point, the '\n' bytes before it (known when the block holds no quote).
    private var splitNewlines: [Int]?
    /// Pieces per block: 4 per thread (fewer bytes per piece, so the threads finish together even
    /// when one is slowed), 1 on one thread.
    private var pieceCount: Int { threads > 1 ? threads * 4 : 1 }

    init(path: String, options: CSVReadOptions, threads: Int) throws {
        try options.validate(file: path)
        self.path = path
        self.options = options
        self.threads = Swift.max(1, threads)
        reader = try ByteBlockReader(path: path, capacity: options.blockBytes)
        reader.threads = self.threads
        try readHeader()
    }

    private func error(_ kind: CSVError.Kind, line: Int?) -> CSVError { CSVError(file: path, line: line, kind: kind) }

    /// The end of the first record in the buffer (after its LF), reading more as needed; nil at a
    /// file end without a line end (the record is then the rest of the file).
    private func firstRecordEnd() throws -> Int? {
        while true {
            let bytes = reader.bytes
            if bytes.count > 0 {
                var target = 0
                var end = 0
                let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)  // invariant: count > 0
                let last = fk_record_ends(base, bytes.count, CChar(bitPattern: options.quote), &target, 1, &end)
                if last > 0 { return end }
            }
            if reader.atEnd { return nil }
            if reader.count == reader.buffer.count { reader.grow() }
            try reader.fill()
        }
    }

    private func readHeader() throws {
        try reader.fill()
        if reader.count >= 3 {
            let b = reader.bytes
            if b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { reader.consume(3) }
        }
        if reader.count == 0 { throw error(.emptyFile, line: nil) }
        let end = try firstRecordEnd() ?? reader.count
        let record = Array(UnsafeRawBufferPointer(rebasing: reader.bytes[0..<end]))
        names = try splitHeader(record)
        reader.consume(end)
        line = 1 + record.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        var seen = Set<ExactKey>()
        // `Table` looks names up by String equality (canonical equivalence: "e\u{301}" == "\u{E9}"),
        // so names equal in that sense are duplicates too (else Table would refuse them untyped by file).
        var canonical = Set<String>()
        for (index, name) in names.enumerated() {
            if name.isEmpty { throw error(.emptyColumnName(index: index), line: 1) }
            if !seen.insert(ExactKey(name)).inserted || !canonical.insert(name).inserted {
                throw error(.duplicateColumnName(name), line: 1)
            }
        }
    }

    /// The header's fields (RFC 4180 quoting), as strings.
    private func splitHeader(_ record: [UInt8]) throws -> [String] {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        var physical = 1
        let n = record.count
        let delimiter = options.delimiter
        let quote = options.quote
        func column() -> String { "#\(fields.count + 1)" }
        while true {
            current.removeAll()
            if i < n, record[i] == quote {
                let opened = physical
                i += 1
                while true {
                    guard i < n else { throw error(.unterminatedQuote(column: column()), line: opened) }
                    if record[i] == quote {
                        if i + 1 < n, record[i + 1] == quote { current.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    if record[i] == 10 { physical += 1 }
                    current.append(record[i])
                    i += 1
                }
                if i < n, record[i] != delimiter, record[i] != 10, record[i] != 13 {
                    throw error(.textAfterClosingQuote(column: column(), token: CSVError.show(record[i...].prefix { $0 != 10 })), line: physical)
                }
            } else {
                while i < n, record[i] != delimiter, record[i] != 10, record[i] != 13 {
                    if record[i] == quote {
                        throw error(.quoteInUnquotedField(column: column(), token: CSVError.show(current + record[i...].prefix { $0 != delimiter && $0 != 10 })), line: physical)
                    }
                    current.append(record[i])
                    i += 1
                }
            }
            fields.append(current)
            if i >= n { break }
            if record[i] == delimiter { i += 1; continue }
            if record[i] == 13, !(i + 1 < n && record[i + 1] == 10) {
                throw error(.bareCarriageReturn(column: column()), line: physical)
            }
            break
        }
        return try fields.enumerated().map { index, bytes in
            guard let name = String(validating: bytes, as: UTF8.self) else { throw error(.invalidUTF8(column: nil), line: 1) }
            return name
        }
    }

    /// The next block of whole records (valid until `finishBlock`), or nil at the end of the file.
    func nextBlock() throws -> SharedBytes? {
        while true {
            if reader.count < reader.buffer.count, !reader.atEnd { try reader.fill() }
            let bytes = reader.bytes
            if bytes.count == 0 { return nil }
            if reader.atEnd {
                splitEnds = nil
                splitNewlines = nil
                blockLength = bytes.count
                return SharedBytes(bytes: bytes)
            }
            // One pass finds both the block's end and the pieces' split points.
            let split = threads > 1 && bytes.count >= Swift.max(2, options.minimumSplitBytes)
            var targets = split ? (1..<pieceCount).map { bytes.count * $0 / pieceCount } : []
            var ends = [Int](repeating: 0, count: targets.count)
            let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)  // invariant: count > 0
            // Split blocks: the quote test and the newline count run on all threads (the count gives
            // each piece its row capacity, so the pieces need not count again); a block with a quote
            // takes the quote-aware scan.
            let counts = split ? unquotedNewlines(bytes, bounds: [0] + targets + [bytes.count]) : nil
            let last = counts == nil
                ? fk_record_ends(base, bytes.count, CChar(bitPattern: options.quote), &targets, targets.count, &ends)
                : fk_record_ends_unquoted(base, bytes.count, &targets, targets.count, &ends)
            if last > 0 {
                blockLength = last
                splitEnds = ends.map { Swift.min($0, last) }
                splitNewlines = counts.map { counts in
                    // '\n' bytes before each end: those before its target and the one it follows; an
                    // end past `last` (no '\n' after its target) is cut to `last`, after all of them.
                    // Then the block's end (`last`, after all of them).
                    let total = counts.reduce(0, +)
                    var before = 0
                    return ends.indices.map { k in
                        before += counts[k]
                        return ends[k] <= last ? before + 1 : total
                    } + [total]
                }
                return SharedBytes(bytes: UnsafeRawBufferPointer(rebasing: bytes[0..<last]))
            }
            reader.grow()  // one record longer than the buffer
        }
    }

    /// The '\n' bytes in each of the ranges `bounds[k]..<bounds[k + 1]` of `bytes`, counted on
    /// `threads` threads; nil when `bytes` holds a quote byte.
    private func unquotedNewlines(_ bytes: UnsafeRawBufferPointer, bounds: [Int]) -> [Int]? {
        let parts = bounds.count - 1
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
        let quoted = UnsafeMutableBufferPointer<Int32>.allocate(capacity: parts)
        defer { counts.deallocate(); quoted.deallocate() }
        let shared = SharedCounts(bytes: bytes, counts: counts, quoted: quoted)
        let quote = CChar(bitPattern: options.quote)
        let workers = Swift.min(threads, parts)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for k in stride(from: worker, to: parts, by: workers) {
                let base = shared.bytes.baseAddress!.assumingMemoryBound(to: CChar.self)  // invariant: called with count > 0
                var hasQuote: Int32 = 0
                shared.counts[k] = fk_scan_newlines_and_quotes(base + bounds[k], bounds[k + 1] - bounds[k], quote, &hasQuote)
                shared.quoted[k] = hasQuote
            }
        }
        return quoted.contains { $0 != 0 } ? nil : Array(counts)
    }

    /// Parses `block` in `pieceCount` pieces on `threads` threads; returns the pieces (in order) and their first lines.
    func parse(_ block: SharedBytes, parser: CSVPieceParser) throws -> (pieces: [PieceOutput], lines: [Int]) {
        let bytes = block.bytes
        var ranges: [Range<Int>] = [0..<bytes.count]
        // Each piece's '\n' bytes, when known from the block's scan (nil: the piece counts them).
        var newlines: [Int?] = [nil]
        if threads > 1, bytes.count >= Swift.max(2, options.minimumSplitBytes) {
            var ends = splitEnds ?? []
            if splitEnds == nil {
                var targets = (1..<pieceCount).map { bytes.count * $0 / pieceCount }
                ends = [Int](repeating: 0, count: targets.count)
                let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)  // invariant: count > 0
                _ = fk_record_ends(base, bytes.count, CChar(bitPattern: options.quote), &targets, targets.count, &ends)
            }
            let before = splitEnds == nil ? nil : splitNewlines  // '\n' bytes before each end and the block's end
            ranges = []
            newlines = []
            var lower = 0
            var lowerBefore = 0
            for (k, end) in (ends + [bytes.count]).enumerated() where end > lower {
                ranges.append(lower..<end)
                newlines.append(before.map { $0[k] - lowerBefore })
                lower = end
                lowerBefore = before?[k] ?? 0
            }
        }
        let pieceRanges = ranges
        let pieceNewlines = newlines
        let pieces: [PieceOutput]
        if threads > 1, pieceRanges.count > 1 {
            // Handed out one at a time: a thread slowed by other load on the machine takes fewer.
            let queue = PieceQueue(count: pieceRanges.count)
            DispatchQueue.concurrentPerform(iterations: Swift.min(threads, pieceRanges.count)) { _ in
                while let k = queue.take() {
                    queue.set(k, parser.parse(UnsafeRawBufferPointer(rebasing: block.bytes[pieceRanges[k]]), newlines: pieceNewlines[k]))
                }
            }
            pieces = queue.results()
        } else {
            pieces = pieceRanges.indices.map { parser.parse(UnsafeRawBufferPointer(rebasing: block.bytes[pieceRanges[$0]]), newlines: pieceNewlines[$0]) }
        }
        var lines: [Int] = []
        var next = line
        for (k, piece) in pieces.enumerated() {
            lines.append(next)
            if piece.complete {
                next += piece.newlines
            } else {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[ranges[k]])
                next += fk_count_newlines(slice.baseAddress!.assumingMemoryBound(to: CChar.self), slice.count)  // invariant: non-empty range
            }
        }
        blockNewlines = next - line
        return (pieces, lines)
    }

    /// Moves past the block last returned by `nextBlock` (after it was parsed).
    func finishBlock() {
        reader.consume(blockLength)
        line += blockNewlines
        blockLength = 0
        blockNewlines = 0
        splitEnds = nil
        splitNewlines = nil
    }
}

/// A block and the per-range results of `unquotedNewlines`, written by one thread per range.
private struct SharedCounts: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let counts: UnsafeMutableBufferPointer<Int>
    let quoted: UnsafeMutableBufferPointer<Int32>
}

/// Piece indices handed out in order to several threads, and their results stored by index.
private final class PieceQueue: @unchecked Sendable {
    private var next = 0
    private var slots: [PieceOutput?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next index not taken yet, or nil when all are.
    func take() -> Int? {
        lock.wait()
        defer { lock.signal() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func set(_ index: Int, _ value: PieceOutput) {
        lock.wait()
        slots[index] = value
        lock.signal()
    }

    /// The results in index order (after every taken index was set).
    func results() -> [PieceOutput] {
        lock.wait()
        defer { lock.signal() }
        return slots.compactMap { $0 }  // all set: concurrentPerform returned after every index was taken and set
    }
}
