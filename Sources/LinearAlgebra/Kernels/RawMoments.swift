import CKernels
import COpenBLAS

/// The second moments of an unweighted linear model's data: `X^T X` and the column sums of `X`
/// (uncentred), and with `v = y - yShift` (`yShift` the mean of y, so nothing cancels on y's side):
/// `X^T v`, `sum v` and `v^T v`.
public struct RawMoments: Sendable {
    /// `X^T X` (`d x d`, both triangles filled).
    public let gram: Matrix<Double>
    /// `sum_i x_ij`.
    public let sums: [Double]
    /// `sum_i x_ij v_i`.
    public let cross: [Double]
    /// The plain mean of y that was subtracted.
    public let yShift: Double
    /// `sum_i v_i` (about 0) and `sum_i v_i^2`.
    public let ySum: Double
    public let ySquares: Double
}

extension BLAS {
    /// `X^T X` in ONE `dsyrk` call on `x` itself, plus one pass (fixed 4096-row blocks on up to
    /// `threads` threads, added in block order) for the column sums and, with `v = y - mean(y)`,
    /// `X^T v`, `sum v` and `v^T v`.
    ///
    /// The wide-data companion of `shiftedGram`: no shifted copy of `X` is written and OpenBLAS
    /// threads one large call (it splits the columns of the result, never the rows summed, so the
    /// result does not depend on its thread count) instead of one call per block with our threads
    /// in between. Centring `X^T X - s s^T / n` afterwards cancels when a column's mean is large
    /// against its spread: callers check that and use `shiftedGram` then.
    ///
    /// Non-finite input is not reported here: it shows up as a non-finite result, and callers then
    /// take the path that names the row and column.
    /// - Throws: `.shapeMismatch` when `y.count != x.rows`; `.invalidArgument` for sizes beyond BLAS's
    ///   32-bit integers.
    /// - Complexity: O(n d^2) flops in `dsyrk` plus one read of `x`; memory O(d^2) plus O(d) per block.
    public static func rawMoments(x: some DenseMatrix<Double>, y: [Double], threads: Int = 1) throws -> RawMoments {
        let x = x.view
        let (m, d) = (x.rows, x.columns)
        guard y.count == m else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "BLAS.rawMoments", lhs: x.shape, rhs: Shape(rows: y.count, columns: 1),
                requirement: "y needs X.rows entries")
        }
        let stride = x.rowStride
        let sizes = m > 0 && d > 0 ? (try blasInt(d, "columns"), try blasInt(m, "rows"), try blasInt(stride, "row stride")) : nil
        var yTotal = 0.0
        for v in y { yTotal += v }
        let yShift = m > 0 ? yTotal / Double(m) : 0
        let blocks = ParallelRows.blocks(rows: m, blockRows: 4096)
        // Per block: [sums (d), cross (d), ySum, ySquares].
        let partials: [[Double]] = try x.withUnsafeBaseAddress { base in
            let address = UnsafeSendablePointer(base)
            return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                let range = blocks[b]
                var out = [Double](repeating: 0, count: 2 &* d &+ 2)
                y.withUnsafeBufferPointer { py in
                    out.withUnsafeMutableBufferPointer { po in
                        let o = po.baseAddress!  // invariant: 2 d + 2 >= 2 elements
                        fk_column_sums_cross(address.pointer + range.lowerBound &* stride, stride, range.count, d,
                                             py.baseAddress! + range.lowerBound, yShift,  // invariant: a block exists only when m > 0
                                             o, o + d, o + (2 &* d), o + (2 &* d &+ 1))
                    }
                }
                return out
            }
        }
        // After the pass on our threads, so OpenBLAS's workers (which spin ~0.1 s after a call) do
        // not compete with it.
        var gram = [Double](repeating: 0, count: d &* d)
        if let (d32, m32, lda) = sizes {
            x.withUnsafeBaseAddress { base in
                gram.withUnsafeMutableBufferPointer { pc in
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d32, m32, 1, base, lda, 0, pc.baseAddress!, d32) // invariant: d > 0
                }
            }
            for i in 0..<d { for j in 0..<i { gram[i &* d &+ j] = gram[j &* d &+ i] } }
        }
        var total = [Double](repeating: 0, count: 2 &* d &+ 2)
        for p in partials { for k in 0..<total.count { total[k] += p[k] } }
        return RawMoments(
            gram: Matrix(uncheckedRows: d, columns: d, storage: gram),
            sums: Array(total[0..<d]), cross: Array(total[d..<(2 &* d)]), yShift: yShift,
            ySum: total[2 &* d], ySquares: total[2 &* d &+ 1])
    }
}
