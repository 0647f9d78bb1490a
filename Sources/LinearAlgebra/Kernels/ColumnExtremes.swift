import CKernels

/// Per-column NaN count, minimum and maximum of a whole matrix: the fit of MinMaxScaler and
/// MaxAbsScaler, which need nothing else (no sums, no spread), in one read of the data.
///
/// The matrix is cut into fixed blocks of `blockRows` rows; each block is scanned by a C kernel
/// (AVX-512 where the CPU has it) into its own slots, then the blocks are merged left to right with
/// `Swift.min` / `Swift.max`, exactly as `MomentsSummary.fit` merges `ColumnMoments` over the same
/// blocks. The result is therefore bit-identical to that summary's `minimum`, `maximum` and
/// `nanCount` (signed zeros included), and does not depend on the thread count.
/// An infinity found by `ColumnKernels.extremes`, carried as its `Result`'s failure.
extension ColumnKernels.InfiniteEntry: Error {}

extension ColumnKernels {
    /// The per-column scan of a whole matrix (see `extremes(_:blockRows:threads:)`).
    public struct Extremes: Sendable, Equatable {
        /// NaN entries per column.
        public let nanCount: [Int]
        /// Smallest non-NaN value per column (+infinity when the column has none).
        public let minimum: [Double]
        /// Largest non-NaN value per column (-infinity when the column has none).
        public let maximum: [Double]

        public init(nanCount: [Int], minimum: [Double], maximum: [Double]) {
            self.nanCount = nanCount
            self.minimum = minimum
            self.maximum = maximum
        }
    }

    /// Per column of `matrix`: the NaN count and the non-NaN minimum and maximum, over fixed blocks
    /// of `blockRows` rows on `threads` threads, merged in block order (bit-identical for any
    /// thread count, and to `ColumnKernels.scan` per block merged with `Swift.min` / `Swift.max`).
    /// NaN is skipped; ±infinity is not a value here: the first one in row order (row, column and
    /// value) is returned instead of a result.
    /// - Throws: `.invalidArgument` for `blockRows < 1`.
    /// - Complexity: one read of `matrix` (a second one of a block only when it holds an infinity);
    ///   allocations: three arrays of `columns` entries per block (0.07 % of a Double input at the
    ///   default 4096 rows) and the result.
    public static func extremes<Scalar: LinearAlgebraScalar>(
        _ matrix: MatrixView<Scalar>, blockRows: Int = 4096, threads: Int = 1
    ) throws -> Result<Extremes, InfiniteEntry> {
        guard blockRows >= 1 else {
            throw LinearAlgebraError.invalidArgument(parameter: "blockRows", reason: "must be >= 1, got \(blockRows)")
        }
        let n = matrix.columns
        let blocks = ParallelRows.blocks(rows: matrix.rows, blockRows: blockRows)
        if n == 0 || blocks.isEmpty {
            return .success(Extremes(nanCount: Array(repeating: 0, count: n), minimum: Array(repeating: .infinity, count: n),
                                     maximum: Array(repeating: -.infinity, count: n)))
        }
        // One slot of n entries per block, written by the block's thread only.
        let slots = blocks.count &* n
        var nans = [Int64](repeating: 0, count: slots)
        var lows = [Double](repeating: .infinity, count: slots)
        var highs = [Double](repeating: -.infinity, count: slots)
        let found: [InfiniteEntry?] = try nans.withUnsafeMutableBufferPointer { nanBuffer in
            try lows.withUnsafeMutableBufferPointer { lowBuffer in
                try highs.withUnsafeMutableBufferPointer { highBuffer in
                    // invariant: slots > 0, so the buffers have addresses.
                    let nanBase = UnsafeMutableSendablePointer(nanBuffer.baseAddress!)
                    let lowBase = UnsafeMutableSendablePointer(lowBuffer.baseAddress!)
                    let highBase = UnsafeMutableSendablePointer(highBuffer.baseAddress!)
                    return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                        let block = try matrix.rowBlock(blocks[b])
                        let offset = b &* n
                        let (c, lo, hi) = (nanBase.pointer + offset, lowBase.pointer + offset, highBase.pointer + offset)
                        scanBlock(block, nans: c, lo: lo, hi: hi)
                        // Any +infinity leaves hi = +inf, any -infinity lo = -inf.
                        guard (0..<n).contains(where: { lo[$0] == -.infinity || hi[$0] == .infinity }) else { return nil }
                        return firstInfinite(block, firstRow: blocks[b].lowerBound)
                    }
                }
            }
        }
        if let bad = found.lazy.compactMap({ $0 }).first { return .failure(bad) }
        var nanCount = [Int](repeating: 0, count: n)
        var minimum = [Double](repeating: .infinity, count: n)
        var maximum = [Double](repeating: -.infinity, count: n)
        for b in 0..<blocks.count {
            let offset = b &* n
            for j in 0..<n {
                nanCount[j] &+= Int(nans[offset &+ j])
                minimum[j] = Swift.min(minimum[j], lows[offset &+ j])
                maximum[j] = Swift.max(maximum[j], highs[offset &+ j])
            }
        }
        return .success(Extremes(nanCount: nanCount, minimum: minimum, maximum: maximum))
    }

    /// Folds `block` into one slot (lo/hi start at +inf/-inf, nans at 0): the C kernel for Double
    /// and Float, `scan`'s loop otherwise.
    private static func scanBlock<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, nans: UnsafeMutablePointer<Int64>, lo: UnsafeMutablePointer<Double>,
        hi: UnsafeMutablePointer<Double>
    ) {
        let (rows, n, stride) = (block.rows, block.columns, block.rowStride)
        guard rows > 0, n > 0 else { return }
        block.withUnsafeBaseAddress { base in
            if Scalar.self == Double.self {
                fk_extremes_rows_f64(UnsafeRawPointer(base).assumingMemoryBound(to: Double.self), stride, rows, n, nans, lo, hi)
            } else if Scalar.self == Float.self {
                fk_extremes_rows_f32(UnsafeRawPointer(base).assumingMemoryBound(to: Float.self), stride, rows, n, nans, lo, hi)
            } else {
                for i in 0..<rows {
                    let row = base + i &* stride
                    for j in 0..<n {
                        let x = Double(row[j])
                        nans[j] &+= x != x ? 1 : 0
                        lo[j] = x < lo[j] ? x : lo[j]
                        hi[j] = x > hi[j] ? x : hi[j]
                    }
                }
            }
        }
    }

    /// The first ±infinity of `block` in row order, rows numbered from `firstRow`.
    private static func firstInfinite<Scalar: LinearAlgebraScalar>(_ block: MatrixView<Scalar>, firstRow: Int) -> InfiniteEntry? {
        block.withUnsafeBaseAddress { base in
            for i in 0..<block.rows {
                let row = base + i &* block.rowStride
                for j in 0..<block.columns where row[j].isInfinite {
                    return InfiniteEntry(row: firstRow &+ i, column: j, value: Double(row[j]))
                }
            }
            return nil
        }
    }
}
