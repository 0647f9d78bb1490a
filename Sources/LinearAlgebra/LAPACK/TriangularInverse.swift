import COpenBLAS

extension LAPACK {
    /// The inverse of a lower-triangular `L` (row-major; only the lower triangle read), by `dtrtri`.
    ///
    /// Used for the diagonal of `(L L^T)^{-1}` (standard errors: `||column j of L^{-1}||`), which
    /// costs `n^3 / 3` flops instead of `n` triangular solves of `n^2` each.
    /// - Throws: `.invalidArgument` when `L` is not square; `.nonFinite` naming row and column of a
    ///   NaN/Inf in the lower triangle; `.singular(routine: "dtrtri", info:)` naming the first
    ///   (1-based) zero diagonal entry.
    /// - Complexity: O(n^3 / 3) flops; one n x n copy. The upper triangle of the result is zero.
    public static func invertLowerTriangular(_ l: Matrix<Double>) throws -> Matrix<Double> {
        try checkSquare(l.view, operation: "invertLowerTriangular")
        let n = l.rows
        var out = [Double](repeating: 0, count: n &* n)
        for i in 0..<n {
            for j in 0...i {
                let value = l.storage[i &* n &+ j]
                guard value.isFinite else {
                    throw LinearAlgebraError.nonFinite(operation: "invertLowerTriangular", row: i, column: j, value: value)
                }
                out[i &* n &+ j] = value
            }
            if n > 0 && out[i &* n &+ i] == 0 { throw LinearAlgebraError.singular(routine: "dtrtri", info: i &+ 1) }
        }
        if n == 0 { return l }
        let n32 = try blasInt(n, "n")
        // Row-major lower L is column-major upper L^T, and inv(L^T) = inv(L)^T: the same storage.
        let info = out.withUnsafeMutableBufferPointer { p in
            LAPACKE_dtrtri(LAPACK_COL_MAJOR, character("U"), character("N"), n32, p.baseAddress!, n32) // invariant: n > 0
        }
        try checkArguments(info, routine: "dtrtri")
        if info > 0 { throw LinearAlgebraError.singular(routine: "dtrtri", info: Int(info)) }
        return Matrix(uncheckedRows: n, columns: n, storage: out)
    }
}
