import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Kernels that turn per-row integer codes (dictionary-encoded categories) into dense matrices
/// through small lookup tables: the transforms of the one-hot, ordinal and target encoders and of
/// the feature hasher. They live here because they write through pointers from several threads.
///
/// Code convention: `codes[c][i]` is `-1` for a missing value or a level index; a lookup table for
/// column `c` is indexed by `code + 1` (entry 0 is the missing value's).
extension ColumnKernels {
    /// A code outside its lookup table: `codes[column][row] + 1` is not an index of the table.
    public struct CodeOutOfRange: Error, Sendable, Equatable {
        public let column: Int
        public let row: Int
        public let code: Int32
    }

    /// A `rows x width` matrix of zeros plus, for every source column `c` and row `i` whose target
    /// `t = targets[c][codes[c][i] + 1]` is not negative, `out[i][t] += values[c][codes[c][i] + 1]`
    /// (`+= 1` when `values` is nil). The one-hot transform (one 1 per column, in disjoint output
    /// ranges) and the dense feature hasher (signed sums into shared buckets).
    ///
    /// Rows are written in fixed blocks of `blockRows` on `threads` threads; each block zeroes and
    /// then fills only its own rows, summing sources in column order, so the result is the same for
    /// any thread count. The output is allocated uninitialised and first touched by the thread that
    /// writes it.
    /// - Throws: `.shapeMismatch` when a code column is not `rows` long or the table lists disagree
    ///   in length; `.invalidArgument` for a target outside `-1..<width`, or an allocation larger
    ///   than memory; `CodeOutOfRange` for a code outside its table.
    /// - Complexity: one write of the output and one read of each code column; no allocation per
    ///   block (outputs of `streamingBytes` or more use one scratch block per thread).
    public static func scatterCodes(
        rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], values: [[Double]]? = nil,
        blockRows: Int = 4096, threads: Int = 1, streamingBytes: Int = streamingThreshold
    ) throws -> Matrix<Double> {
        let count = try Matrix<Double>.elementCount(rows: rows, columns: width)
        let elements = try freshScatter(count: count, rows: rows, width: width, codes: codes, targets: targets, values: values,
                                        blockRows: blockRows, threads: threads, streamingBytes: streamingBytes)
        return Matrix(uncheckedRows: rows, columns: width, storage: elements)
    }

    /// `scatterCodes` into an existing `rows x width` matrix (every element is overwritten): the
    /// steady-state form, with no allocation at all, for callers that transform batch after batch.
    /// - Throws: as `scatterCodes`, and `.shapeMismatch` when `output` is not `rows x width`; on
    ///   `CodeOutOfRange` the output is partly written.
    public static func scatterCodes(
        into output: inout Matrix<Double>, codes: [[Int32]], targets: [[Int32]], values: [[Double]]? = nil,
        blockRows: Int = 4096, threads: Int = 1, streamingBytes: Int = streamingThreshold
    ) throws {
        let (rows, width) = (output.rows, output.columns)
        try checkScatter(rows: rows, width: width, codes: codes, targets: targets, values: values)
        if output.isEmpty { return }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        let bad = try output.withUnsafeMutableBaseAddress { base in
            try scatterAll(UnsafeMutableSendablePointer(base), width: width, blocks: blocks, codes: codes, targets: targets,
                           values: values, threads: threads, streamingBytes: streamingBytes)
        }
        if let bad { throw bad }
    }

    /// Outputs at least this large (bytes) are built block by block in a cache-resident scratch
    /// buffer and streamed out with non-temporal stores: the output is then written once, without
    /// the read-for-ownership of every line (measured: ~2x the plain write bandwidth here).
    /// (`streamingBytes` overrides it: 0 always streams, `Int.max` never does.)
    public static let streamingThreshold = 64 << 20

    /// The shape checks of every scatter: code columns `rows` long, one target table (and value
    /// table of the same length) per code column, targets in `-1..<width`.
    static func checkScatter<T>(rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], values: [[T]]?) throws {
        try checkCodeColumns(codes, rows: rows, tableCount: targets.count)
        if let values {
            try checkLength(values.count, targets.count, "values")
            for (c, table) in values.enumerated() { try checkLength(table.count, targets[c].count, "values[\(c)]") }
        }
        for (c, table) in targets.enumerated() {
            if let bad = table.first(where: { $0 < -1 || Int($0) >= width }) {
                throw LinearAlgebraError.invalidArgument(parameter: "targets[\(c)]", reason: "target \(bad) is outside -1..<\(width)")
            }
        }
    }

    /// A fresh scatter output of `count = rows * width` elements: allocated uninitialised, huge
    /// pages advised, first touched by the thread that writes it (zeros when a code is out of range,
    /// which is then thrown).
    static func freshScatter<T: OneHotElement>(
        count: Int, rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], values: [[T]]?,
        blockRows: Int, threads: Int, streamingBytes: Int
    ) throws -> [T] {
        try checkScatter(rows: rows, width: width, codes: codes, targets: targets, values: values)
        if count == 0 { return [] }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        var failure: (any Error)?
        let elements = Array<T>(unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: count &* MemoryLayout<T>.stride)
            do {
                if let first = try scatterAll(target, width: width, blocks: blocks, codes: codes, targets: targets,
                                              values: values, threads: threads, streamingBytes: streamingBytes) {
                    throw first
                }
            } catch {
                failure = error
                buffer.initialize(repeating: T.oneHotZero)
            }
            initialized = count
        }
        if let failure { throw failure }
        return elements
    }

    /// Every block of the output, on `threads` workers. Each worker takes a contiguous run of
    /// blocks (as `ParallelRows.map` does) and, for large outputs, one scratch block it reuses, so
    /// nothing is allocated per block. Element-wise: the same result for any thread count.
    static func scatterAll<T: OneHotElement>(
        _ target: UnsafeMutableSendablePointer<T>, width: Int, blocks: [Range<Int>],
        codes: [[Int32]], targets: [[Int32]], values: [[T]]?, threads: Int, streamingBytes: Int
    ) throws -> CodeOutOfRange? {
        guard let last = blocks.last else { return nil }
        let streaming = last.upperBound &* width &* MemoryLayout<T>.stride >= streamingBytes
        let workers = Swift.max(1, Swift.min(threads, blocks.count))
        let chunk = (blocks.count + workers - 1) / workers
        let found: [CodeOutOfRange?] = try ParallelRows.map(count: workers, threads: workers) { w in
            let mine = (w * chunk)..<Swift.min((w + 1) * chunk, blocks.count)
            guard streaming else {
                for b in mine {
                    if let bad = scatterBlock(target.pointer, firstRow: 0, range: blocks[b], width: width,
                                              codes: codes, targets: targets, values: values) {
                        return bad
                    }
                }
                return nil
            }
            let scratchCount = (blocks.first?.count ?? 0) &* width
            var scratch = [T](repeating: T.oneHotZero, count: scratchCount)
            return scratch.withUnsafeMutableBufferPointer { buffer -> CodeOutOfRange? in
                guard let base = buffer.baseAddress else { return nil }
                for b in mine {
                    let range = blocks[b]
                    // The block is built at the scratch's start (row range.lowerBound -> scratch row 0).
                    if let bad = scatterBlock(base, firstRow: range.lowerBound, range: range, width: width,
                                              codes: codes, targets: targets, values: values) {
                        return bad
                    }
                    fk_copy_nontemporal_bytes(UnsafeMutableRawPointer(target.pointer + range.lowerBound &* width), UnsafeRawPointer(base),
                                              range.count &* width &* MemoryLayout<T>.stride)
                }
                return nil
            }
        }
        return found.lazy.compactMap { $0 }.first
    }

    /// Zeroes rows `range` of the `width`-column output whose row `firstRow` is at `target`, then
    /// adds each source column's contributions (column order, then row order): `values` when
    /// given, else `T.markOne` (Double counts, the other types hold 1).
    private static func scatterBlock<T: OneHotElement>(
        _ base: UnsafeMutablePointer<T>, firstRow: Int, range: Range<Int>, width: Int,
        codes: [[Int32]], targets: [[Int32]], values: [[T]]?
    ) -> CodeOutOfRange? {
        (base + (range.lowerBound &- firstRow) &* width).initialize(repeating: T.oneHotZero, count: range.count &* width)
        for c in 0..<codes.count {
            let found: CodeOutOfRange? = codes[c].withUnsafeBufferPointer { code in
                targets[c].withUnsafeBufferPointer { table in
                    let tableCount = UInt(table.count)
                    if let values {
                        return values[c].withUnsafeBufferPointer { value in
                            for i in range {
                                let k = Int(code[i]) &+ 1
                                guard UInt(bitPattern: k) < tableCount else {
                                    return CodeOutOfRange(column: c, row: i, code: code[i])
                                }
                                let t = Int(table[k])
                                if t >= 0 { base[(i &- firstRow) &* width &+ t] += value[k] }
                            }
                            return nil
                        }
                    }
                    for i in range {
                        let k = Int(code[i]) &+ 1
                        guard UInt(bitPattern: k) < tableCount else {
                            return CodeOutOfRange(column: c, row: i, code: code[i])
                        }
                        let t = Int(table[k])
                        if t >= 0 { T.markOne(&base[(i &- firstRow) &* width &+ t]) }
                    }
                    return nil
                }
            }
            if let found { return found }
        }
        return nil
    }

    /// A `rows x tables.count` matrix with `out[i][k] = tables[k][codes[sources[k]][i] + 1]`: the
    /// ordinal and target encoders' transform (one output column per table, each reading the code
    /// column `sources[k]`). Fixed row blocks on `threads` threads; element-wise, so the result does
    /// not depend on the thread count.
    /// - Throws: `.shapeMismatch` for code columns not `rows` long or `sources` not matching
    ///   `tables`; `.invalidArgument` for a source outside `codes`; `CodeOutOfRange`.
    /// - Complexity: one read of each code column and one write of the output; no allocation per block.
    public static func gatherCodes(
        rows: Int, codes: [[Int32]], sources: [Int], tables: [[Double]],
        blockRows: Int = 4096, threads: Int = 1
    ) throws -> Matrix<Double> {
        let width = tables.count
        let count = try Matrix<Double>.elementCount(rows: rows, columns: width)
        try checkLength(sources.count, width, "sources")
        for column in codes { try checkLength(column.count, rows, "codes") }
        if let bad = sources.first(where: { $0 < 0 || $0 >= codes.count }) {
            throw LinearAlgebraError.invalidArgument(parameter: "sources", reason: "source \(bad) is outside 0..<\(codes.count)")
        }
        if count == 0 { return Matrix(uncheckedRows: rows, columns: width, storage: []) }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        var failure: (any Error)?
        let elements = Array<Double>(unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: count &* 8)
            do {
                let bad: [CodeOutOfRange?] = try ParallelRows.map(count: blocks.count, threads: threads) { b in
                    let range = blocks[b]
                    for k in 0..<width {
                        let found: CodeOutOfRange? = codes[sources[k]].withUnsafeBufferPointer { code in
                            tables[k].withUnsafeBufferPointer { table in
                                let tableCount = UInt(table.count)
                                for i in range {
                                    let index = Int(code[i]) &+ 1
                                    guard UInt(bitPattern: index) < tableCount else {
                                        // Fill the rest of the row block so every element is initialised.
                                        for r in i..<range.upperBound { (target.pointer + (r &* width &+ k)).initialize(to: 0) }
                                        return CodeOutOfRange(column: sources[k], row: i, code: code[i])
                                    }
                                    (target.pointer + (i &* width &+ k)).initialize(to: table[index])
                                }
                                return nil
                            }
                        }
                        if let found {
                            for j in (k + 1)..<Swift.max(width, k + 1) {
                                for r in range { (target.pointer + (r &* width &+ j)).initialize(to: 0) }
                            }
                            return found
                        }
                    }
                    return nil
                }
                if let first = bad.lazy.compactMap({ $0 }).first { throw first }
            } catch {
                failure = error
            }
            initialized = count
        }
        if let failure { throw failure }
        return Matrix(uncheckedRows: rows, columns: width, storage: elements)
    }

    private static func checkCodeColumns(_ codes: [[Int32]], rows: Int, tableCount: Int) throws {
        try checkLength(tableCount, codes.count, "targets")
        for column in codes { try checkLength(column.count, rows, "codes") }
    }
}
