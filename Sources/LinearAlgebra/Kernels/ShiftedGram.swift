import COpenBLAS

extension BLAS {
    /// The Gram matrix of the weighted, shifted design of a linear model, in one pass over `x`:
    /// `G = A^T A` with `A = [sqrt(w) | sqrt(w) (X - 1 shift^T) | sqrt(w) (y - yShift)]`
    /// (`(d + 2) x (d + 2)`, both triangles filled). `G[0, 0]` is the weight sum, `G[0, 1 + j]` the
    /// weighted sum of the shifted column `j`, so a caller centres exactly in O(d^2) without a pass
    /// for the means; a shift near the data (a row of it) keeps that centring free of cancellation.
    ///
    /// Blocks of `blockRows` rows are copied (shifted, weighted) into a buffer that stays in cache
    /// and accumulated with `dsyrk`; groups of `blocksPerGroup` blocks are summed on up to `threads`
    /// threads and added in group order, so the result does not depend on `threads`.
    /// - Throws: `.shapeMismatch` for `y`, `weights` or `shift` of the wrong length; `.nonFinite`
    ///   naming row and column (in `[ones, X, y]` numbering) of a shifted value that is not finite.
    /// - Complexity: O(n d^2) flops (`dsyrk`) plus one read of `x`; memory `threads` buffers of
    ///   `blockRows x (d + 2)` doubles.
    public static func shiftedGram(
        x: some DenseMatrix<Double>, y: [Double], weights: [Double]?, shift: [Double], yShift: Double,
        blockRows requestedBlockRows: Int? = nil, blocksPerGroup requestedPerGroup: Int? = nil, threads: Int = 1
    ) throws -> Matrix<Double> {
        let x = x.view
        let (m, d) = (x.rows, x.columns)
        // Small blocks for narrow data keep each dsyrk under OpenBLAS's threading threshold, so it
        // runs on the calling thread (our threads split the rows) instead of dispatching.
        // Wide data (more than 62 columns) use 2048-row blocks: dsyrk is then efficient on its own.
        let blockRows = requestedBlockRows ?? (d + 2 > 64 ? 2048 : Swift.min(2048, Swift.max(128, 16_384 / (d + 2))))
        let blocksPerGroup = requestedPerGroup ?? Swift.max(1, 65_536 / blockRows)
        guard y.count == m, weights.map({ $0.count == m }) ?? true, shift.count == d else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "BLAS.shiftedGram", lhs: x.shape, rhs: Shape(rows: y.count, columns: shift.count),
                requirement: "y and weights need X.rows entries, shift X.columns")
        }
        let c = d &+ 2
        if requestedBlockRows == nil && requestedPerGroup == nil && c > 64 {
            return try wideShiftedGram(x: x, y: y, weights: weights, shift: shift, yShift: yShift, threads: threads)
        }
        let blocks = ParallelRows.blocks(rows: m, blockRows: Swift.max(blockRows, 1))
        let perGroup = Swift.max(blocksPerGroup, 1)
        let groupCount = (blocks.count &+ perGroup &- 1) / perGroup
        let stride = x.rowStride
        let c32 = try blasInt(c, "columns")
        let groups: [[Double]] = try x.withUnsafeBaseAddress { base in
            let address = UnsafeSendablePointer(base)
            return try ParallelRows.map(count: groupCount, threads: threads) { g in
                var gram = [Double](repeating: 0, count: c &* c)
                let first = g &* perGroup, last = Swift.min(first &+ perGroup, blocks.count)
                var buffer = [Double](repeating: 0, count: Swift.max(blockRows, 1) &* c)
                for b in first..<last {
                    let range = blocks[b]
                    let bad = buffer.withUnsafeMutableBufferPointer { target in
                        shiftedRows(into: target.baseAddress!, x: address.pointer, stride: stride, d: d, rows: range,  // invariant: buffer holds >= 1 row
                                    y: y, weights: weights, shift: shift, yShift: yShift)
                    }
                    if let (i, j, value) = bad {
                        throw LinearAlgebraError.nonFinite(operation: "BLAS.shiftedGram", row: i, column: j, value: value)
                    }
                    let rows32 = try blasInt(range.count, "rows")
                    buffer.withUnsafeBufferPointer { pa in
                        gram.withUnsafeMutableBufferPointer { pc in
                            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, c32, rows32, 1, pa.baseAddress!, c32, 1, pc.baseAddress!, c32) // invariant: c > 0
                        }
                    }
                }
                return gram
            }
        }
        var total = [Double](repeating: 0, count: c &* c)
        for gram in groups { for k in 0..<(c &* c) { total[k] += gram[k] } }
        for i in 0..<c { for j in 0..<i { total[i &* c &+ j] = total[j &* c &+ i] } }
        return Matrix(uncheckedRows: c, columns: c, storage: total)
    }

    /// Wide data (more than 62 columns): `dsyrk` is efficient on its own and OpenBLAS threads it
    /// (splitting the columns of `G`, never the rows summed, so its result does not depend on its
    /// thread count). Blocks of 4096 rows are shifted and weighted into one buffer by up to
    /// `threads` threads (1024-row pieces), then added to `G` with one threaded `dsyrk` each, in
    /// block order: no nested threading (our threads calling a threaded BLAS), and the result
    /// does not depend on `threads`.
    static func wideShiftedGram(
        x: MatrixView<Double>, y: [Double], weights: [Double]?, shift: [Double], yShift: Double, threads: Int
    ) throws -> Matrix<Double> {
        let (m, d) = (x.rows, x.columns)
        let c = d &+ 2
        let c32 = try blasInt(c, "columns")
        let blockRows = 4096, pieceRows = 1024
        var gram = [Double](repeating: 0, count: c &* c)
        var buffer = [Double](repeating: 0, count: Swift.min(blockRows, Swift.max(m, 1)) &* c)
        let stride = x.rowStride
        try x.withUnsafeBaseAddress { base in
            let address = UnsafeSendablePointer(base)
            for range in ParallelRows.blocks(rows: m, blockRows: blockRows) {
                let pieces = ParallelRows.blocks(rows: range.count, blockRows: pieceRows)
                let found: [(Int, Int, Double)?] = try buffer.withUnsafeMutableBufferPointer { target in
                    let out = UnsafeMutableSendablePointer(target.baseAddress!)  // invariant: buffer holds >= 1 row
                    return try ParallelRows.map(count: pieces.count, threads: threads) { p in
                        let piece = pieces[p]
                        return shiftedRows(
                            into: out.pointer + piece.lowerBound &* c, x: address.pointer, stride: stride, d: d,
                            rows: (range.lowerBound &+ piece.lowerBound)..<(range.lowerBound &+ piece.upperBound),
                            y: y, weights: weights, shift: shift, yShift: yShift)
                    }
                }
                if let (i, j, value) = found.lazy.compactMap({ $0 }).first {
                    throw LinearAlgebraError.nonFinite(operation: "BLAS.shiftedGram", row: i, column: j, value: value)
                }
                let rows32 = try blasInt(range.count, "rows")
                buffer.withUnsafeBufferPointer { pa in
                    gram.withUnsafeMutableBufferPointer { pc in
                        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, c32, rows32, 1, pa.baseAddress!, c32, 1, pc.baseAddress!, c32) // invariant: c > 0
                    }
                }
            }
        }
        for i in 0..<c { for j in 0..<i { gram[i &* c &+ j] = gram[j &* c &+ i] } }
        return Matrix(uncheckedRows: c, columns: c, storage: gram)
    }

    /// Writes `[sqrt(w) | sqrt(w) (x - shift) | sqrt(w) (y - yShift)]` for `rows` (row-major, `d + 2`
    /// per row) at `target`; returns the first non-finite value as (row, column in that numbering,
    /// input value).
    @inline(__always)
    static func shiftedRows(
        into target: UnsafeMutablePointer<Double>, x: UnsafePointer<Double>, stride: Int, d: Int, rows: Range<Int>,
        y: [Double], weights: [Double]?, shift: [Double], yShift: Double
    ) -> (Int, Int, Double)? {
        let c = d &+ 2
        var bad: (Int, Int, Double)?
        y.withUnsafeBufferPointer { py in
            shift.withUnsafeBufferPointer { ps in
                var k = 0
                for i in rows {
                    let sw = weights.map { $0[i].squareRoot() } ?? 1
                    let row = x + i &* stride
                    target[k] = sw
                    var finite = true
                    for j in 0..<d {
                        let v = (row[j] - ps[j]) * sw
                        finite = finite && v.isFinite
                        target[k &+ 1 &+ j] = v
                    }
                    let v = (py[i] - yShift) * sw
                    finite = finite && v.isFinite
                    target[k &+ c &- 1] = v
                    if !finite && bad == nil {
                        let j = (0..<d).first { !((row[$0] - ps[$0]) * sw).isFinite }
                        bad = (i, j.map { $0 &+ 1 } ?? c &- 1, j.map { row[$0] } ?? py[i])
                    }
                    k &+= c
                }
            }
        }
        return bad
    }
}
