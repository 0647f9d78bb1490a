import CKernels

/// The element types a one-hot output can be written in (scikit-learn's `dtype`): 0 and 1.
@usableFromInline
protocol OneHotElement {
    static var oneHotZero: Self { get }
    static var oneHotOne: Self { get }
}

extension UInt8: OneHotElement {
    @usableFromInline static var oneHotZero: UInt8 { 0 }
    @usableFromInline static var oneHotOne: UInt8 { 1 }
}

extension Float: OneHotElement {
    @usableFromInline static var oneHotZero: Float { 0 }
    @usableFromInline static var oneHotOne: Float { 1 }
}

extension Double: OneHotElement {
    @usableFromInline static var oneHotZero: Double { 0 }
    @usableFromInline static var oneHotOne: Double { 1 }
}

/// The one-hot scatter in other element types than `scatterCodes`' Double: a `rows x width`
/// matrix of zeros with `out[i][t] = 1` for every source column `c` and row `i` whose target
/// `t = targets[c][codes[c][i] + 1]` is not negative. Targets of different source columns are
/// expected in disjoint ranges (one 1 per column and row, as a one-hot encoding writes); a shared
/// target would still hold 1, not a count. Same conventions, checks and blocking as `scatterCodes`.
extension ColumnKernels {
    /// The one-hot matrix as bytes (scikit-learn's `dtype=np.uint8`, polars' `to_dummies()`).
    /// - Throws: `.shapeMismatch` (a code column not `rows` long, table lists disagreeing),
    ///   `.invalidArgument` (a target outside `-1..<width`, an allocation larger than memory),
    ///   `CodeOutOfRange`.
    /// - Complexity: one write of the output (`rows * width` bytes, fresh pages written directly)
    ///   and one read of each code column; no allocation per block.
    public static func scatterOnes(
        rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], as _: UInt8.Type, blockRows: Int = 4096, threads: Int = 1
    ) throws -> UInt8Matrix {
        let count = try UInt8Matrix.elementCount(rows: rows, columns: width)
        let storage: [UInt8] = try freshOnes(count: count, rows: rows, width: width, codes: codes, targets: targets,
                                             blockRows: blockRows, threads: threads)
        return UInt8Matrix(uncheckedRows: rows, columns: width, storage: storage)
    }

    /// The one-hot matrix as `Float` (scikit-learn's `dtype=np.float32`).
    /// - Throws: as the `UInt8` form.
    /// - Complexity: as the `UInt8` form, with 4 bytes per element.
    public static func scatterOnes(
        rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], as _: Float.Type, blockRows: Int = 4096, threads: Int = 1
    ) throws -> Matrix<Float> {
        let count = try Matrix<Float>.elementCount(rows: rows, columns: width)
        let storage: [Float] = try freshOnes(count: count, rows: rows, width: width, codes: codes, targets: targets,
                                             blockRows: blockRows, threads: threads)
        return Matrix(uncheckedRows: rows, columns: width, storage: storage)
    }

    /// `scatterOnes` into an existing byte matrix (every element overwritten; no allocation).
    /// Outputs of `streamingBytes` bytes or more (default `streamingThreshold`; 0 always,
    /// `Int.max` never) are built block by block in cache and streamed out with non-temporal stores.
    /// - Throws: as the allocating form; on `CodeOutOfRange` the output is partly written.
    public static func scatterOnes(
        into output: inout UInt8Matrix, codes: [[Int32]], targets: [[Int32]], blockRows: Int = 4096, threads: Int = 1,
        streamingBytes: Int = streamingThreshold
    ) throws {
        let rows = output.rows, width = output.columns
        try checkOnes(rows: rows, width: width, codes: codes, targets: targets)
        if rows == 0 || width == 0 { return }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        let streaming = rows &* width >= streamingBytes
        let bad = try output.withUnsafeMutableBaseAddress { base in
            try scatterOnesAll(UnsafeMutableSendablePointer(base), width: width, blocks: blocks, codes: codes, targets: targets,
                               threads: threads, streaming: streaming)
        }
        if let bad { throw bad }
    }

    private static func checkOnes(rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]]) throws {
        try checkLength(targets.count, codes.count, "targets")
        for column in codes { try checkLength(column.count, rows, "codes") }
        for (c, table) in targets.enumerated() {
            if let bad = table.first(where: { $0 < -1 || Int($0) >= width }) {
                throw LinearAlgebraError.invalidArgument(parameter: "targets[\(c)]", reason: "target \(bad) is outside -1..<\(width)")
            }
        }
    }

    /// A fresh output: allocated uninitialised, first touched by the thread that writes it.
    private static func freshOnes<T: OneHotElement>(
        count: Int, rows: Int, width: Int, codes: [[Int32]], targets: [[Int32]], blockRows: Int, threads: Int
    ) throws -> [T] {
        try checkOnes(rows: rows, width: width, codes: codes, targets: targets)
        if count == 0 { return [] }
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        var failure: (any Error)?
        let elements = Array<T>(unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: count &* MemoryLayout<T>.stride)
            do {
                if let first = try scatterOnesAll(target, width: width, blocks: blocks, codes: codes, targets: targets,
                                                  threads: threads, streaming: false) {
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

    /// Every block on `threads` workers, each a contiguous run of blocks (as `scatterAll`).
    private static func scatterOnesAll<T: OneHotElement>(
        _ target: UnsafeMutableSendablePointer<T>, width: Int, blocks: [Range<Int>], codes: [[Int32]], targets: [[Int32]],
        threads: Int, streaming: Bool
    ) throws -> CodeOutOfRange? {
        let workers = Swift.max(1, Swift.min(threads, blocks.count))
        let chunk = (blocks.count + workers - 1) / workers
        let found: [CodeOutOfRange?] = try ParallelRows.map(count: workers, threads: workers) { w in
            let mine = (w * chunk)..<Swift.min((w + 1) * chunk, blocks.count)
            guard streaming, let first = blocks.first else {
                for b in mine {
                    if let bad = onesBlock(target.pointer, firstRow: 0, range: blocks[b], width: width, codes: codes, targets: targets) {
                        return bad
                    }
                }
                return nil
            }
            return withUnsafeTemporaryAllocation(of: T.self, capacity: Swift.max(first.count &* width, 1)) { scratch -> CodeOutOfRange? in
                let base = scratch.baseAddress!  // invariant: capacity >= 1
                for b in mine {
                    let range = blocks[b]
                    if let bad = onesBlock(base, firstRow: range.lowerBound, range: range, width: width, codes: codes, targets: targets) {
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

    /// Zeroes rows `range` of the output whose row `firstRow` is at `base`, then writes each source
    /// column's ones (column order, then row order).
    private static func onesBlock<T: OneHotElement>(
        _ base: UnsafeMutablePointer<T>, firstRow: Int, range: Range<Int>, width: Int, codes: [[Int32]], targets: [[Int32]]
    ) -> CodeOutOfRange? {
        let origin = base + (range.lowerBound &- firstRow) &* width
        origin.initialize(repeating: T.oneHotZero, count: range.count &* width)
        for c in 0..<codes.count {
            let found: CodeOutOfRange? = codes[c].withUnsafeBufferPointer { code in
                targets[c].withUnsafeBufferPointer { table in
                    let tableCount = UInt(table.count)
                    var row = origin
                    for i in range {
                        let k = Int(code[i]) &+ 1
                        guard UInt(bitPattern: k) < tableCount else { return CodeOutOfRange(column: c, row: i, code: code[i]) }
                        let t = Int(table[k])
                        if t >= 0 { row[t] = T.oneHotOne }
                        row += width
                    }
                    return nil
                }
            }
            if let found { return found }
        }
        return nil
    }
}
