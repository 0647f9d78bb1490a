import Dispatch

/// Runs work over fixed row blocks on several threads.
///
/// Block boundaries depend only on the row count and `blockRows`, never on the thread count, and
/// each block's result lands in its own slot; callers that combine the slots in index order get
/// bit-identical results for any number of threads (determinism by construction).
public enum ParallelRows {
    /// The row ranges of fixed blocks of `blockRows` rows covering `0..<rows`.
    public static func blocks(rows: Int, blockRows: Int) -> [Range<Int>] {
        guard rows > 0, blockRows > 0 else { return [] }
        return stride(from: 0, to: rows, by: blockRows).map { $0..<Swift.min($0 + blockRows, rows) }
    }

    /// `body(blockIndex)` for every index in `0..<count`, spread over `threads` threads. Returns the
    /// results in index order. The first error thrown (by index order) is rethrown after all
    /// threads finish.
    ///
    /// Indices are handed out one at a time, in increasing order, to whichever thread is free, so a
    /// thread that starts late or that the system stalls (a shared machine, a worker woken from
    /// sleep) holds up at most the block it is on, not a fixed share of them. Which thread runs an
    /// index never changes a result: each index has its own slot. On Linux the threads beyond the
    /// caller's are created for the call and joined before it returns (`forEachClaimed`).
    @inlinable
    public static func map<T: Sendable>(count: Int, threads: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        let workers = Swift.max(1, Swift.min(threads, count))
        if workers == 1 { return try (0..<count).map(body) }
        let slots = Slots<Result<T, any Error>>(count: count)
        // On Linux the extra threads are started for the call (see `forEachClaimed`): libdispatch's
        // pool woke its worker up to 12 ms late after the process had been idle a few milliseconds.
        forEachClaimed(count: count, threads: workers) { i in slots.set(i, Result { try body(i) }) }
        return try slots.values().map { try $0.get() }
    }
}

/// Write-once slots filled from several threads (each index by one thread), read after all finish.
@usableFromInline
final class Slots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = DispatchSemaphore(value: 1)

    @usableFromInline
    init(count: Int) { storage = Array(repeating: nil, count: count) }

    @usableFromInline
    func set(_ index: Int, _ value: T) {
        lock.wait()
        storage[index] = value
        lock.signal()
    }

    @usableFromInline
    func values() -> [T] {
        lock.wait()
        defer { lock.signal() }
        return storage.compactMap { $0 }
    }
}

extension ColumnKernels {
    /// Rows per work unit of `affineInPlace`: `blockRows`, but at most 1 MiB of the matrix (at least
    /// one row), the unit of the same-size in-place limit it is compared with (`memory.scale`,
    /// `MemoryBandwidthSuite.claimedPass`). The kernel is element-wise, so the unit changes which
    /// thread writes a row, never a value, nor which infinity is reported first (the first by row).
    /// Why: 100,000 x 256 Double in blocks of 4096 rows is 25 units of 8 MiB, which split 13 : 12
    /// between two threads, and a thread that loses its core for part of the call (a shared
    /// machine) leaves up to 8 MiB for the other at the end; 1 MiB units give 196.
    @inlinable
    public static func inPlaceUnitRows(blockRows: Int, columns: Int, stride: Int) -> Int {
        let rowBytes = Swift.max(columns, 1).multipliedReportingOverflow(by: Swift.max(stride, 1))
        let mebibyteRows = rowBytes.overflow ? 1 : Swift.max(1, (1 << 20) / rowBytes.partialValue)
        return Swift.max(1, Swift.min(blockRows, mebibyteRows))
    }

    /// `x[i][j] = (x[i][j] - offset[j]) * factor[j] + shift[j]` in place, over fixed row blocks
    /// (`inPlaceUnitRows`: at most `blockRows` rows and 1 MiB each) on `threads` threads
    /// (element-wise, so the result does not depend on the thread count or the unit).
    /// Returns the first infinite result (by row) if any: an infinite input, or a finite input whose
    /// result overflowed. The caller reports it as an error; the matrix is then fully transformed and
    /// should be discarded.
    /// - Throws: `.shapeMismatch` when a parameter's length is not `matrix.columns`.
    /// - Complexity: one read and one write of `matrix` in place; no allocation beyond per-thread bookkeeping.
    @inlinable
    public static func affineInPlace<Scalar: LinearAlgebraScalar>(
        _ matrix: inout Matrix<Scalar>, offset: [Scalar], factor: [Scalar], shift: [Scalar],
        blockRows: Int = 4096, threads: Int = 1
    ) throws -> InfiniteEntry? {
        let n = matrix.columns
        try checkLength(offset.count, n, "offset"); try checkLength(factor.count, n, "factor")
        try checkLength(shift.count, n, "shift")
        if matrix.isEmpty { return nil }
        let blocks = ParallelRows.blocks(rows: matrix.rows, blockRows: inPlaceUnitRows(blockRows: blockRows, columns: n, stride: MemoryLayout<Scalar>.stride))
        let found: [InfiniteEntry?] = try matrix.withUnsafeMutableBaseAddress { base in
            let address = UnsafeMutableSendablePointer(base)
            return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                let range = blocks[b]
                return offset.withUnsafeBufferPointer { a in
                    factor.withUnsafeBufferPointer { f in
                        shift.withUnsafeBufferPointer { c in
                            var first: InfiniteEntry?
                            // The C kernel (AVX-512 where available) streams at the memory limit;
                            // when it reports an infinity, the block is searched for the first one.
                            let blockStart = address.pointer + range.lowerBound &* n
                            // invariant: n > 0, so the parameter buffers have addresses.
                            let (pa, pf, pc) = (a.baseAddress!, f.baseAddress!, c.baseAddress!)
                            if let flagged = ElementKernels.affineContiguous(blockStart, blockStart, rows: range.count, n: n, pa, pf, pc, streaming: false)
                                ?? ElementKernels.affine(blockStart, n, blockStart, n, rows: range.count, n: n, pa, pf, pc) {
                                guard flagged else { return nil }
                                for i in range {
                                    let row = address.pointer + i &* n
                                    if let j = (0..<n).first(where: { row[$0].isInfinite }) {
                                        return InfiniteEntry(row: i, column: j, value: Double(row[j]))
                                    }
                                }
                                return nil
                            }
                            for i in range {
                                let row = address.pointer + i &* n
                                let rowInfinite = affineRow(row, row, n, a.baseAddress!, f.baseAddress!, c.baseAddress!) // invariant: n > 0
                                // An infinite output comes from an infinite input or from overflow;
                                // with finite parameters NaN only comes from NaN.
                                if rowInfinite && first == nil, let j = (0..<n).first(where: { row[$0].isInfinite }) {
                                    first = InfiniteEntry(row: i, column: j, value: Double(row[j]))
                                }
                            }
                            return first
                        }
                    }
                }
            }
        }
        return found.lazy.compactMap { $0 }.first
    }
}

/// A read-only pointer handed to worker threads.
@usableFromInline
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    @usableFromInline let pointer: UnsafePointer<T>
    @inlinable init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}

/// A pointer handed to worker threads that write disjoint rows (the caller guarantees disjointness).
@usableFromInline
struct UnsafeMutableSendablePointer<T>: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<T>
    @inlinable init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
