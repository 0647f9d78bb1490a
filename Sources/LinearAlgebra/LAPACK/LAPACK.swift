/// LAPACK through typed Swift calls: factorizations and least-squares solvers for `Float` and `Double`.
///
/// Every entry point:
/// 1. checks shapes (`.shapeMismatch`, `.invalidArgument`) and finiteness (`.nonFinite`, naming row
///    and column; LAPACK's behaviour on NaN is undefined and some routines loop on it);
/// 2. arranges the column-major layout LAPACK expects. A symmetric matrix is the same in both
///    layouts, so Cholesky and the eigensolver read row-major storage directly (with the triangle
///    flag mirrored); the least-squares routines overwrite their input anyway, so the wrapper makes
///    that one copy in column-major order instead of letting LAPACKE transpose behind our back;
/// 3. turns LAPACK's `info` into a typed error naming the routine (`dpotrf`, `sgelsd`, ...).
public enum LAPACK {
    /// The LAPACK routine name for the scalar type, e.g. `routine("potrf")` is "dpotrf" for Double.
    @inlinable
    internal static func routine<Scalar: LinearAlgebraScalar>(_ name: String, _: Scalar.Type) -> String {
        Scalar.routinePrefix + name
    }

    /// Maps LAPACK's negative `info` (an illegal argument, or LAPACKE's workspace allocation failure)
    /// to `.lapackFailure`. Positive codes carry routine-specific meaning and are mapped by each caller.
    @inlinable
    internal static func checkArguments(_ info: Int32, routine: String) throws {
        if info < 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: Int(info)) }
    }

    @inlinable
    internal static func character(_ c: Unicode.Scalar) -> CChar { CChar(UInt8(ascii: c)) }

    /// Copies a row-major view into a new column-major buffer with leading dimension `ld >= rows`
    /// (extra rows are zero). - Complexity: O(ld * columns).
    @inlinable
    internal static func columnMajorCopy<Scalar: LinearAlgebraScalar>(
        _ a: MatrixView<Scalar>, leadingDimension ld: Int
    ) -> [Scalar] {
        var result = [Scalar](repeating: 0, count: ld &* a.columns)
        let (m, n) = (a.rows, a.columns)
        a.withUnsafeBaseAddress { source in
            result.withUnsafeMutableBufferPointer { target in
                let tile = 32
                var i0 = 0
                while i0 < m {
                    let i1 = Swift.min(i0 &+ tile, m)
                    var j0 = 0
                    while j0 < n {
                        let j1 = Swift.min(j0 &+ tile, n)
                        for i in i0..<i1 {
                            let row = source + i &* a.rowStride
                            for j in j0..<j1 { target[j &* ld &+ i] = row[j] }
                        }
                        j0 = j1
                    }
                    i0 = i1
                }
            }
        }
        return result
    }

    /// The inverse of `columnMajorCopy` for the leading `rows x columns` block.
    @inlinable
    internal static func rowMajorMatrix<Scalar: LinearAlgebraScalar>(
        columnMajor buffer: [Scalar], leadingDimension ld: Int, rows: Int, columns: Int
    ) -> Matrix<Scalar> {
        var result = [Scalar](repeating: 0, count: rows &* columns)
        for j in 0..<columns {
            for i in 0..<rows { result[i &* columns &+ j] = buffer[j &* ld &+ i] }
        }
        return Matrix(uncheckedRows: rows, columns: columns, storage: result)
    }

    @inlinable
    internal static func checkSquare<Scalar: LinearAlgebraScalar>(_ a: MatrixView<Scalar>, operation: String) throws {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.invalidArgument(
                parameter: "A", reason: "\(operation) needs a square matrix, got \(a.shape)")
        }
    }
}
