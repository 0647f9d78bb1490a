import COpenBLAS

extension LAPACK {
    /// The triangular factor of a wide matrix's transpose: `A^T = Q R` for a row-major `A` with
    /// `rows <= columns`, so `A = R^T Q^T` and `A A^T = R^T R` (`dgeqrf`, Householder).
    ///
    /// A row-major `m x n` matrix is the column-major `n x m` matrix `A^T`, so `dgeqrf` factors it in
    /// place of one copy, without a transpose. `R` is `m x m`, upper triangular, row-major, zero below
    /// the diagonal; its singular values are those of `A`. `Q` is not formed.
    ///
    /// Determinism: OpenBLAS's `dgeqrf` on the same input and OpenBLAS thread count is bit-identical.
    ///
    /// numpy equivalent: `np.linalg.qr(A.T, mode="r")`.
    /// - Throws: `.invalidArgument` when `rows > columns`; `.nonFinite` naming the row and column of
    ///   a NaN/Inf; `.lapackFailure` if LAPACK rejects an argument.
    /// - Complexity: O(2 m^2 (n - m / 3)) flops; one copy of `A` and an `m x m` result.
    public static func transposedQRFactor(_ a: Matrix<Double>) throws -> Matrix<Double> {
        let (m, n) = (a.rows, a.columns)
        guard m <= n else {
            throw LinearAlgebraError.invalidArgument(
                parameter: "A", reason: "transposedQRFactor needs rows <= columns, got \(a.shape)")
        }
        try a.view.checkFinite(operation: "transposedQRFactor")
        if m == 0 { return try Matrix(rows: 0, columns: 0) }
        var buffer = a.storage
        var tau = [Double](repeating: 0, count: m)
        let (n32, m32) = (try blasInt(n, "columns"), try blasInt(m, "rows"))
        let info = buffer.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                LAPACKE_dgeqrf(LAPACK_COL_MAJOR, n32, m32, pa.baseAddress!, n32, pt.baseAddress!) // invariant: m > 0
            }
        }
        try checkArguments(info, routine: "dgeqrf")
        // Column-major n x m: entry (i, j) of R (i <= j) is buffer[j * n + i].
        var r = [Double](repeating: 0, count: m &* m)
        for i in 0..<m {
            for j in i..<m { r[i &* m &+ j] = buffer[j &* n &+ i] }
        }
        return Matrix(uncheckedRows: m, columns: m, storage: r)
    }
}
