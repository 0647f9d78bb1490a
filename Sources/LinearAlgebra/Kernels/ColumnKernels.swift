/// Per-column reductions over a row-major block: the inner loops of the statistics layer.
///
/// They live here because they read the block through raw pointers (this module is the only one
/// that does); what the numbers mean (scaling, merging, NaN policy) is the statistics layer's.
/// Each kernel walks the block row by row and updates one accumulator per column, so the inner loop
/// runs along a contiguous row and vectorises. Accumulators are `Double` for `Float` input too.
/// NaN entries are skipped (counted by `scan`); they never reach a sum.
public enum ColumnKernels {
    /// The first non-NaN infinite entry of a block, if any.
    public struct InfiniteEntry: Sendable, Equatable {
        public let row: Int
        public let column: Int
        public let value: Double

        @inlinable
        public init(row: Int, column: Int, value: Double) {
            self.row = row
            self.column = column
            self.value = value
        }
    }

    /// One pass over `block`: per column, the count of NaN entries and the minimum and maximum of
    /// the others (NaN never wins a comparison, so it is skipped without a branch). If an infinity
    /// is present (seen as a minimum of -inf or a maximum of +inf), the block is scanned again for
    /// the first one in row order, which is returned; the accumulators must then be discarded.
    /// - Throws: `.shapeMismatch` when an accumulator's length is not `block.columns`.
    /// - Complexity: O(rows * columns), no allocation; a second pass only when an infinity is present.
    @inlinable
    public static func scan<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, nanCount: inout [Int], minimum: inout [Double], maximum: inout [Double]
    ) throws -> InfiniteEntry? {
        let n = block.columns
        try checkLength(nanCount.count, n, "nanCount"); try checkLength(minimum.count, n, "minimum")
        try checkLength(maximum.count, n, "maximum")
        if block.rows == 0 || n == 0 { return nil }
        return block.withUnsafeBaseAddress { base in
            nanCount.withUnsafeMutableBufferPointer { nans in
                minimum.withUnsafeMutableBufferPointer { lo in
                    maximum.withUnsafeMutableBufferPointer { hi in
                        for i in 0..<block.rows {
                            let row = base + i &* block.rowStride
                            for j in 0..<n {
                                let x = Double(row[j])
                                nans[j] &+= x != x ? 1 : 0
                                lo[j] = x < lo[j] ? x : lo[j]
                                hi[j] = x > hi[j] ? x : hi[j]
                            }
                        }
                        return firstInfinity(block, base: base, minimum: lo, maximum: hi)
                    }
                }
            }
        }
    }

    /// After a scan: nil unless an extreme is infinite; then the first infinite entry in row order
    /// (a second pass over the block, only in that case).
    @inlinable
    internal static func firstInfinity<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, base: UnsafePointer<Scalar>, minimum: UnsafeMutableBufferPointer<Double>,
        maximum: UnsafeMutableBufferPointer<Double>
    ) -> InfiniteEntry? {
        var infinite = false
        for j in 0..<block.columns { infinite = infinite || minimum[j] == -.infinity || maximum[j] == .infinity }
        guard infinite else { return nil }
        for i in 0..<block.rows {
            let row = base + i &* block.rowStride
            for j in 0..<block.columns where row[j].isInfinite {
                return InfiniteEntry(row: i, column: j, value: Double(row[j]))
            }
        }
        return nil
    }

    /// `scan` and, in the same pass, the plain sum of every column's non-NaN entries in row order
    /// (added into `sums`): the moments' first two in-cache passes as one. With a power-of-two scale
    /// `r`, `sum(x) * r` is the bits of `sum(x * r)` (every product and partial sum scales exactly)
    /// unless a partial sum overflows (then the sum is not finite: redo it scaled) or a scaled value
    /// is subnormal. Returns as `scan` (the sums must then be discarded too).
    /// - Throws: `.shapeMismatch` when an accumulator's length is not `block.columns`.
    /// - Complexity: O(rows * columns), no allocation; a second pass only when an infinity is present.
    @inlinable
    public static func scanWithSums<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, nanCount: inout [Int], minimum: inout [Double], maximum: inout [Double], sums: inout [Double]
    ) throws -> InfiniteEntry? {
        let n = block.columns
        try checkLength(nanCount.count, n, "nanCount"); try checkLength(minimum.count, n, "minimum")
        try checkLength(maximum.count, n, "maximum"); try checkLength(sums.count, n, "sums")
        if block.rows == 0 || n == 0 { return nil }
        return block.withUnsafeBaseAddress { base in
            nanCount.withUnsafeMutableBufferPointer { nans in
                minimum.withUnsafeMutableBufferPointer { lo in
                    maximum.withUnsafeMutableBufferPointer { hi in
                        sums.withUnsafeMutableBufferPointer { sum in
                            for i in 0..<block.rows {
                                let row = base + i &* block.rowStride
                                for j in 0..<n {
                                    let x = Double(row[j])
                                    let isNaN = x != x
                                    nans[j] &+= isNaN ? 1 : 0
                                    lo[j] = x < lo[j] ? x : lo[j]
                                    hi[j] = x > hi[j] ? x : hi[j]
                                    sum[j] += isNaN ? 0 : x
                                }
                            }
                            return firstInfinity(block, base: base, minimum: lo, maximum: hi)
                        }
                    }
                }
            }
        }
    }

    /// Adds `x * reciprocalScale[j]` of every non-NaN entry to `sums[j]` and counts it in `counts[j]`.
    /// - Complexity: O(rows * columns), no allocation.
    @inlinable
    public static func addScaledSums<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, reciprocalScale: [Double], sums: inout [Double], counts: inout [Int]
    ) throws {
        let n = block.columns
        try checkLength(reciprocalScale.count, n, "reciprocalScale")
        try checkLength(sums.count, n, "sums"); try checkLength(counts.count, n, "counts")
        if block.rows == 0 || n == 0 { return }
        block.withUnsafeBaseAddress { base in
            reciprocalScale.withUnsafeBufferPointer { r in
                sums.withUnsafeMutableBufferPointer { s in
                    counts.withUnsafeMutableBufferPointer { c in
                        for i in 0..<block.rows {
                            let row = base + i &* block.rowStride
                            for j in 0..<n {
                                let x = Double(row[j])
                                let isNaN = x.isNaN
                                s[j] += isNaN ? 0 : x * r[j]
                                c[j] &+= isNaN ? 0 : 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds `(x * reciprocalScale[j] - center[j])^2` of every non-NaN entry to `sums[j]`.
    /// - Complexity: O(rows * columns), no allocation.
    @inlinable
    public static func addScaledSquaredDeviations<Scalar: LinearAlgebraScalar>(
        _ block: MatrixView<Scalar>, reciprocalScale: [Double], center: [Double], sums: inout [Double]
    ) throws {
        let n = block.columns
        try checkLength(reciprocalScale.count, n, "reciprocalScale")
        try checkLength(center.count, n, "center"); try checkLength(sums.count, n, "sums")
        if block.rows == 0 || n == 0 { return }
        block.withUnsafeBaseAddress { base in
            reciprocalScale.withUnsafeBufferPointer { r in
                center.withUnsafeBufferPointer { m in
                    sums.withUnsafeMutableBufferPointer { s in
                        for i in 0..<block.rows {
                            let row = base + i &* block.rowStride
                            for j in 0..<n {
                                let x = Double(row[j])
                                let d = x * r[j] - m[j]
                                s[j] += x.isNaN ? 0 : d * d
                            }
                        }
                    }
                }
            }
        }
    }

    @inlinable
    internal static func checkLength(_ count: Int, _ expected: Int, _ name: String) throws {
        guard count == expected else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "ColumnKernels", lhs: Shape(rows: 1, columns: expected), rhs: Shape(rows: 1, columns: count),
                requirement: "\(name) must have one entry per column")
        }
    }
}

extension ColumnKernels {
    /// `y = (x - offset) * factor + shift` column-wise into a new matrix, over fixed row blocks on
    /// `threads` threads. The output is allocated uninitialised (no zero fill) and each thread
    /// writes, and so first touches, its own rows, through the C kernel (AVX-512 where available)
    /// with non-temporal stores (rows up to 1,024 wide; ordinary stores beyond): the output is
    /// write-only, and an ordinary store would first read each line from memory. The kernel walks a
    /// block as one flat run so its vector stores are aligned whatever the row width, with no
    /// staging buffer (staging each block needed one heap allocation per block).
    /// Element-wise: the result does not depend on `threads` or `blockRows`.
    /// - Returns: the output and the first infinite result in row order, if any, with its input
    ///   value (an infinite input, or a finite one whose result overflowed).
    /// - Complexity: one read of `input`, one write of the output; no allocation beyond the output
    ///   and per-block bookkeeping.
    @inlinable
    public static func affineParallel<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, offset: [Scalar], factor: [Scalar], shift: [Scalar],
        blockRows: Int = 4096, threads: Int = 1
    ) throws -> (Matrix<Scalar>, InfiniteEntry?) {
        let n = input.columns
        try checkLength(offset.count, n, "offset"); try checkLength(factor.count, n, "factor")
        try checkLength(shift.count, n, "shift")
        if input.isEmpty { return (input, nil) }
        let blocks = ParallelRows.blocks(rows: input.rows, blockRows: Swift.max(blockRows, 1))
        var found: [InfiniteEntry?] = []
        var failure: (any Error)?
        let elements = Array<Scalar>(unsafeUninitializedCapacity: input.rows &* n) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: rows * columns > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: buffer.count &* MemoryLayout<Scalar>.stride)
            do {
                found = try input.view.withUnsafeBaseAddress { sourceBase in
                    let source = UnsafeSendablePointer(sourceBase)
                    return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                        offset.withUnsafeBufferPointer { a in
                            factor.withUnsafeBufferPointer { f in
                                shift.withUnsafeBufferPointer { c in
                                    let range = blocks[b]
                                    // invariant: n > 0, so the parameter buffers have addresses.
                                    let (pa, pf, pc) = (a.baseAddress!, f.baseAddress!, c.baseAddress!)
                                    let x = source.pointer + range.lowerBound &* n, y = target.pointer + range.lowerBound &* n
                                    var flagged = false
                                    // The output is fresh and write-only: streamed with
                                    // non-temporal stores where the C kernel takes the width.
                                    if let viaC = ElementKernels.affineContiguous(x, y, rows: range.count, n: n, pa, pf, pc, streaming: true)
                                        ?? ElementKernels.affine(x, n, y, n, rows: range.count, n: n, pa, pf, pc) {
                                        flagged = viaC
                                    } else {
                                        for i in 0..<range.count {
                                            flagged = affineRow(x + i &* n, y + i &* n, n, pa, pf, pc) || flagged
                                        }
                                    }
                                    guard flagged else { return nil }
                                    for i in 0..<range.count {
                                        let row = y + i &* n
                                        if let j = (0..<n).first(where: { row[$0].isInfinite }) {
                                            return InfiniteEntry(row: range.lowerBound &+ i, column: j, value: Double(x[i &* n &+ j]))
                                        }
                                    }
                                    return nil
                                }
                            }
                        }
                    }
                }
            } catch {
                failure = error
                for i in 0..<buffer.count { buffer.initializeElement(at: i, to: 0) }
            }
            initialized = buffer.count
        }
        if let failure { throw failure }
        return (Matrix(uncheckedRows: input.rows, columns: n, storage: elements), found.lazy.compactMap { $0 }.first)
    }

    /// `y[i][j] = (x[i][j] - offset[j]) * factor[j] + shift[j]` for a whole block, written into
    /// `output` (which may be the same storage as `input` is a copy of: the transforms call it on
    /// their output buffer in place). NaN stays NaN. The first infinite result is returned with its
    /// input value (an infinite input, or a finite one whose result overflowed); the block is then
    /// fully written, and the caller reports the entry as an error.
    ///
    /// One expression covers StandardScaler (`offset = mean, factor = 1/scale, shift = 0`),
    /// MinMaxScaler (`offset = 0, factor = scale_, shift = min_`), MaxAbsScaler and RobustScaler.
    /// - Throws: `.shapeMismatch` when a parameter's length is not `block.columns` or the output
    ///   rows are not the block's shape.
    /// - Complexity: one read and one write of the block; no allocation.
    @inlinable
    public static func affine<Scalar: LinearAlgebraScalar>(
        _ input: MatrixView<Scalar>, offset: [Scalar], factor: [Scalar], shift: [Scalar],
        into output: inout Matrix<Scalar>, outputRow: Int
    ) throws -> InfiniteEntry? {
        let n = input.columns
        try checkLength(offset.count, n, "offset"); try checkLength(factor.count, n, "factor")
        try checkLength(shift.count, n, "shift")
        guard output.columns == n, outputRow >= 0, outputRow <= output.rows - input.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "ColumnKernels.affine", lhs: input.shape, rhs: output.shape,
                requirement: "output must have the input's columns and room for its rows at row \(outputRow)")
        }
        if input.rows == 0 || n == 0 { return nil }
        let rows = input.rows
        return input.withUnsafeBaseAddress { source in
            output.withUnsafeMutableBaseAddress { target in
                offset.withUnsafeBufferPointer { a in
                    factor.withUnsafeBufferPointer { b in
                        shift.withUnsafeBufferPointer { c in
                            var sawInfinity = false
                            for i in 0..<rows {
                                let x = source + i &* input.rowStride
                                let y = target + (outputRow &+ i) &* n
                                let rowInfinite = affineRow(x, y, n, a.baseAddress!, b.baseAddress!, c.baseAddress!) // invariant: n > 0
                                sawInfinity = sawInfinity || rowInfinite
                            }
                            guard sawInfinity else { return nil }
                            for i in 0..<rows {
                                let y = target + (outputRow &+ i) &* n
                                for j in 0..<n where y[j].isInfinite {
                                    return InfiniteEntry(row: i, column: j, value: Double((source + i &* input.rowStride)[j]))
                                }
                            }
                            return nil
                        }
                    }
                }
            }
        }
    }
}

extension ColumnKernels {
    /// One row of the affine map, `y[j] = (x[j] - a[j]) * f[j] + c[j]` for `j < n`; returns true
    /// when some result is infinite. `x` and `y` may be the same row. The portable fallback of the
    /// C kernel (`ElementKernels.affine`, same arithmetic, bit-identical): at the default CPU
    /// (SSE2) this loop ran at ~0.5 of the in-place streaming limit at 2 threads, compute-bound.
    @inlinable @inline(__always)
    internal static func affineRow<Scalar: LinearAlgebraScalar>(
        _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ n: Int,
        _ a: UnsafePointer<Scalar>, _ f: UnsafePointer<Scalar>, _ c: UnsafePointer<Scalar>
    ) -> Bool {
        // An integer OR of "is infinite" flags: a reduction LLVM vectorises without fast-math (a
        // floating-point max reduction it does not, NaN ordering being part of its meaning).
        var infinite: UInt8 = 0
        for j in 0..<n {
            let out = (x[j] - a[j]) * f[j] + c[j]
            infinite |= abs(out) == .infinity ? 1 : 0
            y[j] = out
        }
        return infinite != 0
    }
}

extension ColumnKernels {
    /// The counting pass of the exact bracketed selection (Statistics' `Selection`): for each
    /// bracket `c`, the number of values in `values[range]` below `lows[c]` and within
    /// `[lows[c], highs[c]]`, and the range's minimum and maximum. Vectorised (AVX-512 where
    /// available). `values[range]` must hold no NaN (NaN counts in neither).
    /// - Throws: `.shapeMismatch` for a range outside `values` or `lows.count != highs.count`.
    /// - Complexity: `lows.count + 1` reads of the range; no allocation beyond the results.
    public static func bracketCounts(
        _ values: [Double], range: Range<Int>, lows: [Double], highs: [Double]
    ) throws -> (below: [Int], inside: [Int], minimum: Double, maximum: Double) {
        try checkBrackets(values.count, range, lows.count, highs.count)
        let b = lows.count
        var below = [Int](repeating: 0, count: b), inside = [Int](repeating: 0, count: b)
        var extremes: [Double] = [.infinity, -.infinity]
        guard !range.isEmpty else { return (below, inside, .infinity, -.infinity) }
        values.withUnsafeBufferPointer { v in
            lows.withUnsafeBufferPointer { lo in
                highs.withUnsafeBufferPointer { hi in
                    below.withUnsafeMutableBufferPointer { u in
                        inside.withUnsafeMutableBufferPointer { w in
                            extremes.withUnsafeMutableBufferPointer { e in
                                // invariant: the range is non-empty, so `values` has an address; with
                                // no bracket the count loops never read or write their pointers.
                                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2) { spare in
                                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2) { edge in
                                        bracketCountC(v.baseAddress! + range.lowerBound, range.count,
                                                      lo.baseAddress ?? UnsafePointer(edge.baseAddress!), hi.baseAddress ?? UnsafePointer(edge.baseAddress!), b,
                                                      u.baseAddress ?? spare.baseAddress!, w.baseAddress ?? spare.baseAddress! + 1, e.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (below, inside, extremes[0], extremes[1])
    }

    /// The gathering pass: the values of `values[range]` within each bracket `[lows[c], highs[c]]`,
    /// in input order, bracket `c` at `buffer[offsets[c] ..< offsets[c] + counts[c]]` with at most
    /// `capacities[c]` values kept (`counts[c]` says how many were). `lows` and `highs` must be
    /// non-decreasing (the kernel skips values outside `[lows[0], highs[last]]`).
    /// - Throws: `.shapeMismatch` for a range outside `values`, lists of different lengths,
    ///   or a negative capacity.
    /// - Complexity: one read of the range; allocates the buffer (the sum of the capacities).
    public static func bracketGather(
        _ values: [Double], range: Range<Int>, lows: [Double], highs: [Double], capacities: [Int]
    ) throws -> (buffer: [Double], offsets: [Int], counts: [Int]) {
        try checkBrackets(values.count, range, lows.count, highs.count)
        try checkLength(capacities.count, lows.count, "capacities")
        guard capacities.allSatisfy({ $0 >= 0 }) else {
            throw LinearAlgebraError.shapeMismatch(operation: "ColumnKernels.bracketGather", lhs: Shape(rows: 1, columns: values.count),
                                                   rhs: Shape(rows: 1, columns: capacities.count), requirement: "capacities must be >= 0")
        }
        let b = lows.count
        var offsets = [Int](repeating: 0, count: b)
        var total = 0
        for c in 0..<b { offsets[c] = total; total += capacities[c] }
        var buffer = [Double](repeating: 0, count: Swift.max(total, 1))
        var cursor = offsets
        let limit = zip(offsets, capacities).map { $0 + $1 }
        guard !range.isEmpty, b > 0 else { return (buffer, offsets, [Int](repeating: 0, count: b)) }
        values.withUnsafeBufferPointer { v in
            lows.withUnsafeBufferPointer { lo in
                highs.withUnsafeBufferPointer { hi in
                    buffer.withUnsafeMutableBufferPointer { out in
                        cursor.withUnsafeMutableBufferPointer { next in
                            limit.withUnsafeBufferPointer { end in
                                // invariant: all arrays are non-empty here.
                                bracketGatherC(v.baseAddress! + range.lowerBound, range.count, lo.baseAddress!, hi.baseAddress!, b,
                                               out.baseAddress!, next.baseAddress!, end.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (buffer, offsets, zip(cursor, offsets).map { $0 - $1 })
    }

    static func checkBrackets(_ count: Int, _ range: Range<Int>, _ lows: Int, _ highs: Int) throws {
        guard range.lowerBound >= 0, range.upperBound <= count, lows == highs else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "ColumnKernels.bracket", lhs: Shape(rows: 1, columns: count), rhs: Shape(rows: lows, columns: highs),
                requirement: "the range must lie inside the values and lows and highs have one entry per bracket")
        }
    }
}
