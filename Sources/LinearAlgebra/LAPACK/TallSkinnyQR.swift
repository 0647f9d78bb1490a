import COpenBLAS

/// The upper-triangular factor `R` of a tall matrix `A = Q R`, built one row block at a time
/// (a tall-skinny QR, TSQR): each block is stacked under the current `R` and re-factored with
/// Householder QR (`dgeqrf`), so `Q` is never formed and the rows stream.
///
/// Stacking is exact algebra: if `[A1; A2] = Q diag(Q1, I) [R1; A2]`, the `R` of `[R1; A2]` is an
/// `R` of `[A1; A2]` (unique up to the signs of its rows). Each step is backward stable, so the
/// result is the exact `R` of `A + E` with `||E|| = O(eps ||A||)` per merge level.
///
/// Determinism: the result depends only on the order of the blocks added and merged, never on a
/// thread count; OpenBLAS's `dgeqrf` on the same input and thread count is bit-identical.
///
/// scikit-learn equivalent: none (scikit-learn's LinearRegression calls `scipy.linalg.lstsq`,
/// an SVD of the whole matrix); numpy: `np.linalg.qr(A, mode="r")`.
public struct TallSkinnyQR: Sendable, Hashable {
    /// The number of columns of `A` (and the order of `R`).
    public let columns: Int
    /// The current `R`, a `columns x columns` upper-triangular row-major matrix (zero below the
    /// diagonal). All zero until rows are added.
    public private(set) var r: Matrix<Double>
    /// Rows added so far (through `add` and `merge`).
    public private(set) var rowsSeen: Int

    /// An empty factorization of `columns` columns.
    /// - Throws: `.invalidArgument` for a negative or too large `columns`.
    public init(columns: Int) throws {
        self.columns = columns
        self.r = try Matrix(rows: columns, columns: columns)
        self.rowsSeen = 0
    }

    /// `R <- R of [R; block]`.
    /// - Throws: `.shapeMismatch` when `block.columns != columns`; `.nonFinite` naming the block's
    ///   row and column of a NaN/Inf; `.lapackFailure` if LAPACK rejects an argument.
    /// - Complexity: O(2 (columns + block.rows) columns^2) flops; one column-major buffer of
    ///   `(columns + block.rows) x columns` doubles.
    public mutating func add(_ block: some DenseMatrix<Double>) throws {
        let block = block.view
        guard block.columns == columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "TallSkinnyQR.add", lhs: Shape(rows: columns, columns: columns), rhs: block.shape,
                requirement: "block.columns must equal \(columns)")
        }
        try block.checkFinite(operation: "TallSkinnyQR.add")
        if block.rows == 0 || columns == 0 { return }
        try stackAndFactor(block)
        rowsSeen += block.rows
    }

    /// `R <- R of [R; other.R]`: the factor of all rows of both (the merge of a reduction tree).
    /// - Throws: `.shapeMismatch` when the column counts differ.
    public mutating func merge(_ other: TallSkinnyQR) throws {
        guard other.columns == columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "TallSkinnyQR.merge", lhs: Shape(rows: columns, columns: columns),
                rhs: Shape(rows: other.columns, columns: other.columns), requirement: "column counts must agree")
        }
        if other.rowsSeen == 0 || columns == 0 { return }
        if rowsSeen == 0 { self = other; return }
        try stackAndFactor(other.r.view)
        rowsSeen += other.rowsSeen
    }

    private mutating func stackAndFactor(_ block: MatrixView<Double>) throws {
        let c = columns, mb = block.rows
        let ld = c &+ mb
        var buffer = [Double](repeating: 0, count: ld &* c)
        var tau = [Double](repeating: 0, count: c)
        let rStorage = r.storage
        buffer.withUnsafeMutableBufferPointer { target in
            rStorage.withUnsafeBufferPointer { source in
                for j in 0..<c {
                    for i in 0...j { target[j &* ld &+ i] = source[i &* c &+ j] }
                }
            }
            block.withUnsafeBaseAddress { source in
                // Tiled transpose of the block below R.
                let tile = 32
                var i0 = 0
                while i0 < mb {
                    let i1 = Swift.min(i0 &+ tile, mb)
                    for i in i0..<i1 {
                        let row = source + i &* block.rowStride
                        for j in 0..<c { target[j &* ld &+ c &+ i] = row[j] }
                    }
                    i0 = i1
                }
            }
        }
        let (m32, n32, ld32) = (try blasInt(ld, "rows"), try blasInt(c, "columns"), try blasInt(ld, "lda"))
        let info = buffer.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m32, n32, pa.baseAddress!, ld32, pt.baseAddress!) // invariant: c > 0
            }
        }
        try LAPACK.checkArguments(info, routine: "dgeqrf")
        var result = [Double](repeating: 0, count: c &* c)
        for i in 0..<c {
            for j in i..<c { result[i &* c &+ j] = buffer[j &* ld &+ i] }
        }
        r = Matrix(uncheckedRows: c, columns: c, storage: result)
    }

    /// The `R` of a whole matrix whose rows are produced block by block: blocks of `blockRows` rows
    /// (the last may be shorter) are grouped `blocksPerGroup` at a time; each group is reduced in
    /// order and the group factors are merged in order. The tree depends only on the row count, so
    /// the result is the same for any number of threads.
    ///
    /// `fill(range)` returns the rows of `range` as a row-major array of `range.count * columns`
    /// values (already transformed as the caller needs: centred, scaled, weighted).
    /// - Throws: what `fill` throws; `.shapeMismatch` when `fill` returns the wrong count.
    public static func factor(
        rows: Int, columns: Int, blockRows: Int = 1024, blocksPerGroup: Int = 64,
        fill: (Range<Int>) throws -> [Double]
    ) throws -> TallSkinnyQR {
        var total = try TallSkinnyQR(columns: columns)
        let blocks = ParallelRows.blocks(rows: rows, blockRows: Swift.max(blockRows, 1))
        var start = 0
        while start < blocks.count {
            let end = Swift.min(start &+ Swift.max(blocksPerGroup, 1), blocks.count)
            var group = try TallSkinnyQR(columns: columns)
            for b in start..<end {
                let range = blocks[b]
                let values = try fill(range)
                try group.add(Matrix(rows: range.count, columns: columns, elements: values))
            }
            try total.merge(group)
            start = end
        }
        return total
    }
}

extension LAPACK {
    /// Solves `op(R) x = b` for an upper-triangular `R` (row-major, only the upper triangle read)
    /// by substitution (`cblas_dtrsv`).
    /// - Throws: `.invalidArgument` when `R` is not square; `.shapeMismatch` when `b.count != R.rows`;
    ///   `.singular(routine: "dtrsv", info:)` naming the first (1-based) zero diagonal entry.
    /// - Complexity: O(n^2), one copy of `b`.
    public static func solveUpperTriangular(_ r: Matrix<Double>, _ b: [Double], transpose: Transpose = .none) throws -> [Double] {
        try checkSquare(r.view, operation: "solveUpperTriangular")
        guard b.count == r.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "solveUpperTriangular", lhs: r.shape, rhs: Shape(rows: b.count, columns: 1),
                requirement: "b.count must equal R.rows")
        }
        let n = r.rows
        for i in 0..<n where r.storage[i &* n &+ i] == 0 {
            throw LinearAlgebraError.singular(routine: "dtrsv", info: i + 1)
        }
        if n == 0 { return [] }
        var x = b
        let n32 = try blasInt(n, "n")
        r.storage.withUnsafeBufferPointer { pr in
            x.withUnsafeMutableBufferPointer { px in
                cblas_dtrsv(CblasRowMajor, CblasUpper, transpose.cblas, CblasNonUnit, n32, pr.baseAddress!, n32, px.baseAddress!, 1) // invariant: n > 0
            }
        }
        return x
    }

    /// LAPACK's estimate (`dtrcon`, 1-norm) of `1 / cond_1(R)` for an upper-triangular `R`.
    /// - Throws: `.invalidArgument` when not square; `.nonFinite` for NaN/Inf in the upper triangle.
    public static func upperTriangularReciprocalCondition(_ r: Matrix<Double>) throws -> Double {
        try checkSquare(r.view, operation: "upperTriangularReciprocalCondition")
        let n = r.rows
        for i in 0..<n { for j in i..<n where !r.storage[i &* n &+ j].isFinite {
            throw LinearAlgebraError.nonFinite(operation: "upperTriangularReciprocalCondition", row: i, column: j, value: r.storage[i &* n &+ j])
        } }
        if n == 0 { return 1 }
        var rcond = 0.0
        let n32 = try blasInt(n, "n")
        // Row-major upper R is column-major lower R^T, and cond_1(R) = cond_inf(R^T).
        let info = r.storage.withUnsafeBufferPointer { pr in
            LAPACKE_dtrcon(LAPACK_COL_MAJOR, character("I"), character("L"), character("N"), n32, pr.baseAddress!, n32, &rcond) // invariant: n > 0
        }
        try checkArguments(info, routine: "dtrcon")
        return rcond
    }
}

extension TallSkinnyQR {
    /// The `R` of the weighted, shifted design of a linear model, built in one pass over `x`:
    ///
    ///     [ sqrt(w) | sqrt(w) (X - 1 shift^T) | sqrt(w) (y - yShift) ]     (leadingOnes: true)
    ///     [           sqrt(w)  X              | sqrt(w)  y            ]     (leadingOnes: false)
    ///
    /// Each block of `blockRows` rows is written straight into the column-major buffer under the
    /// group's current `R` and factored with `dgeqrf` (no intermediate copy). Groups of
    /// `blocksPerGroup` blocks are reduced on up to `threads` threads and merged in group order, so
    /// the result does not depend on `threads`. The default `blockRows` keeps a block's
    /// `(c + rows) x c` below OpenBLAS's threading threshold for level-2 calls (8192 elements)
    /// when `c` is small (up to about 60 columns; wider data use `max(1024, 4 c)` rows), so each `dgeqrf` runs on the calling thread instead of dispatching
    /// OpenBLAS threads for tiny products (measured: 2-3x faster for 32 columns on 2 cores).
    ///
    /// With the column of ones first, the trailing block of `R` is the `R` of the centred `[X | y]`
    /// (Householder QR projects the first column out exactly as centring would, without the
    /// cancellation of subtracting means), and its first row carries the intercept.
    /// - Throws: `.shapeMismatch` for `y`, `weights` or `shift` of the wrong length; `.nonFinite`
    ///   naming the row and column (in `[ones?, X, y]` numbering) of a non-finite shifted value
    ///   (NaN/Inf input, or overflow of `x - shift`).
    /// - Complexity: O(2 n c^2) flops, c = d + 1 (+1 with ones); memory `threads` buffers of
    ///   `(c + blockRows) x c` doubles.
    public static func factorLinearModel(
        x: some DenseMatrix<Double>, y: [Double], weights: [Double]?, shift: [Double], yShift: Double,
        leadingOnes: Bool, blockRows requestedBlockRows: Int? = nil, blocksPerGroup requestedPerGroup: Int? = nil, threads: Int = 1
    ) throws -> TallSkinnyQR {
        let x = x.view
        let (m, d) = (x.rows, x.columns)
        let width = d + (leadingOnes ? 2 : 1)
        // Narrow: under the threshold (at least 128 rows). Wide: at least 4 c rows per block, so
        // re-factoring the stacked R (c rows) costs at most a quarter more.
        let narrow = 8192 / Swift.max(width, 1) - width
        let blockRows = requestedBlockRows ?? (narrow >= 128 ? Swift.min(1024, narrow) : Swift.max(1024, 4 * width))
        let blocksPerGroup = requestedPerGroup ?? Swift.max(1, 32_768 / blockRows)
        guard y.count == m, weights.map({ $0.count == m }) ?? true, shift.count == d else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "TallSkinnyQR.factorLinearModel", lhs: x.shape, rhs: Shape(rows: y.count, columns: shift.count),
                requirement: "y and weights need X.rows entries, shift X.columns")
        }
        let offset = leadingOnes ? 1 : 0
        let c = offset &+ d &+ 1
        let blocks = ParallelRows.blocks(rows: m, blockRows: Swift.max(blockRows, 1))
        let perGroup = Swift.max(blocksPerGroup, 1)
        let groupCount = (blocks.count &+ perGroup &- 1) / perGroup
        let stride = x.rowStride
        let groups: [TallSkinnyQR] = try x.withUnsafeBaseAddress { base in
            let address = UnsafeSendablePointer(base)
            return try ParallelRows.map(count: groupCount, threads: threads) { g in
                var result = try TallSkinnyQR(columns: c)
                let first = g &* perGroup, last = Swift.min(first &+ perGroup, blocks.count)
                let maxRows = blocks[first..<last].map(\.count).max() ?? 0
                let ld = c &+ maxRows
                var buffer = [Double](repeating: 0, count: ld &* c)
                var tau = [Double](repeating: 0, count: c)
                let (ld32, c32) = (try blasInt(ld, "lda"), try blasInt(c, "columns"))
                var workSize = 0.0
                _ = buffer.withUnsafeMutableBufferPointer { pa in
                    tau.withUnsafeMutableBufferPointer { pt in
                        LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, ld32, c32, pa.baseAddress!, ld32, pt.baseAddress!, &workSize, -1) // invariant: c > 0
                    }
                }
                var work = [Double](repeating: 0, count: Swift.max(Int(workSize), c))
                let lwork = try blasInt(work.count, "lwork")
                var haveR = false
                for b in first..<last {
                    let range = blocks[b]
                    let mb = range.count
                    let rows = (haveR ? c : 0) &+ mb
                    var bad: (Int, Int, Double)?
                    buffer.withUnsafeMutableBufferPointer { target in
                        // R on top (upper triangle; below it zeros), then the block.
                        let top = haveR ? c : 0
                        if haveR {
                            result.r.storage.withUnsafeBufferPointer { source in
                                for j in 0..<c {
                                    for i in 0...j { target[j &* ld &+ i] = source[i &* c &+ j] }
                                    for i in (j &+ 1)..<c { target[j &* ld &+ i] = 0 }
                                }
                            }
                        }
                        y.withUnsafeBufferPointer { py in
                            shift.withUnsafeBufferPointer { ps in
                                var k = top
                                for i in range {
                                    let sw = weights.map { $0[i].squareRoot() } ?? 1
                                    let row = address.pointer + i &* stride
                                    if leadingOnes { target[k] = sw }
                                    var finite = true
                                    for j in 0..<d {
                                        let v = (row[j] - ps[j]) * sw
                                        finite = finite && v.isFinite
                                        target[(j &+ offset) &* ld &+ k] = v
                                    }
                                    let v = (py[i] - yShift) * sw
                                    finite = finite && v.isFinite
                                    target[(c &- 1) &* ld &+ k] = v
                                    if !finite && bad == nil {
                                        let j = (0..<d).first { !((row[$0] - ps[$0]) * sw).isFinite }
                                        bad = (i, j.map { $0 &+ offset } ?? c &- 1, j.map { row[$0] } ?? py[i])
                                    }
                                    k &+= 1
                                }
                            }
                        }
                    }
                    if let (i, j, value) = bad {
                        throw LinearAlgebraError.nonFinite(operation: "TallSkinnyQR.factorLinearModel", row: i, column: j, value: value)
                    }
                    let rows32 = try blasInt(rows, "rows")
                    let info = buffer.withUnsafeMutableBufferPointer { pa in
                        tau.withUnsafeMutableBufferPointer { pt in
                            work.withUnsafeMutableBufferPointer { pw in
                                LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, rows32, c32, pa.baseAddress!, ld32, pt.baseAddress!, pw.baseAddress!, lwork) // invariant: c > 0
                            }
                        }
                    }
                    try LAPACK.checkArguments(info, routine: "dgeqrf")
                    var r = [Double](repeating: 0, count: c &* c)
                    for i in 0..<Swift.min(c, rows) {
                        for j in i..<c { r[i &* c &+ j] = buffer[j &* ld &+ i] }
                    }
                    result.r = Matrix(uncheckedRows: c, columns: c, storage: r)
                    result.rowsSeen &+= mb
                    haveR = true
                }
                return result
            }
        }
        var total = try TallSkinnyQR(columns: c)
        for group in groups { try total.merge(group) }
        return total
    }
}
