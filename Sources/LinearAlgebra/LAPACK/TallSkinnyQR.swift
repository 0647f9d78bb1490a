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
