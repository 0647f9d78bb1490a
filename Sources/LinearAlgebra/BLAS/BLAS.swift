/// BLAS through typed, shape-checked Swift calls, for `Float` and `Double`.
///
/// Every function is `@inlinable` and generic over `LinearAlgebraScalar`: a call from a concrete
/// context is specialised and reaches `cblas_s*` / `cblas_d*` directly. Shapes are checked before any
/// pointer is formed; a mismatch throws `LinearAlgebraError.shapeMismatch` naming both shapes.
/// Empty operands are handled in Swift (BLAS is not called with a zero leading dimension).
///
/// NaN and infinity propagate under IEEE rules, as in any BLAS; these wrappers do not scan for them
/// (a scan would double the cost of level-1 and level-2 calls). The LAPACK wrappers, whose routines
/// can misbehave on NaN, do check. Results may differ in the last bits across thread counts for
/// level-3 routines only if OpenBLAS splits the reduction dimension; measured X^T X (dsyrk, dgemm) was
/// bit-identical for 1 and 2 threads on this machine (RECIPES.md).
public enum BLAS {
    // MARK: Level 1

    /// Dot product `x . y`. scikit-learn equivalent: `numpy.dot(x, y)`.
    /// - Throws: `.shapeMismatch` when the lengths differ.
    /// - Complexity: O(n), no allocation.
    @inlinable
    public static func dot<Scalar: LinearAlgebraScalar>(_ x: some DenseVector<Scalar>, _ y: some DenseVector<Scalar>) throws -> Scalar {
        let (x, y) = (x.vectorView, y.vectorView)
        guard x.count == y.count else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "dot", lhs: Shape(rows: x.count, columns: 1), rhs: Shape(rows: y.count, columns: 1),
                requirement: "vectors must have the same length")
        }
        if x.count == 0 { return 0 }
        let n = try blasInt(x.count, "n")
        let (incx, incy) = (try blasInt(x.stride, "x.stride"), try blasInt(y.stride, "y.stride"))
        return x.withUnsafeBaseAddress { px in y.withUnsafeBaseAddress { py in Scalar._dot(n, px, incx, py, incy) } }
    }

    /// Euclidean norm `||x||_2`, computed without overflow or underflow of the squares.
    /// - Complexity: O(n), no allocation.
    @inlinable
    public static func nrm2<Scalar>(_ x: some DenseVector<Scalar>) throws -> Scalar {
        let x = x.vectorView
        if x.count == 0 { return 0 }
        let n = try blasInt(x.count, "n")
        let incx = try blasInt(x.stride, "x.stride")
        return x.withUnsafeBaseAddress { Scalar._nrm2(n, $0, incx) }
    }

    /// `y <- alpha * x + y`.
    /// - Throws: `.shapeMismatch` when the lengths differ.
    /// - Complexity: O(n); no allocation unless `y` shares its buffer (copy on write).
    @inlinable
    public static func axpy<Scalar: LinearAlgebraScalar>(alpha: Scalar, x: some DenseVector<Scalar>, y: inout [Scalar]) throws {
        let x = x.vectorView
        guard x.count == y.count else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "axpy", lhs: Shape(rows: x.count, columns: 1), rhs: Shape(rows: y.count, columns: 1),
                requirement: "x and y must have the same length")
        }
        if x.count == 0 { return }
        let n = try blasInt(x.count, "n")
        let incx = try blasInt(x.stride, "x.stride")
        y.withUnsafeMutableBufferPointer { py in
            x.withUnsafeBaseAddress { px in Scalar._axpy(n, alpha, px, incx, py.baseAddress!, 1) } // invariant: count > 0, so the buffer has an address
        }
    }

    /// `x <- alpha * x`.
    /// - Complexity: O(n), no allocation unless `x` shares its buffer.
    @inlinable
    public static func scal<Scalar: LinearAlgebraScalar>(alpha: Scalar, x: inout [Scalar]) throws {
        if x.isEmpty { return }
        let n = try blasInt(x.count, "n")
        x.withUnsafeMutableBufferPointer { Scalar._scal(n, alpha, $0.baseAddress!, 1) } // invariant: count > 0, so the buffer has an address
    }

    /// `A <- alpha * A` for a whole matrix (its storage is one contiguous vector).
    @inlinable
    public static func scal<Scalar: LinearAlgebraScalar>(alpha: Scalar, matrix: inout Matrix<Scalar>) throws {
        try scal(alpha: alpha, x: &matrix.storage)
    }

    // MARK: Level 2

    /// `y <- alpha * op(A) x + beta * y`, with `op(A)` = A or A^T.
    /// scikit-learn equivalent: the `X @ coef_` inside `predict`.
    /// - Throws: `.shapeMismatch` when `x` or `y` does not fit `op(A)`.
    /// - Complexity: O(rows * columns), no allocation.
    @inlinable
    public static func gemv<Scalar: LinearAlgebraScalar>(
        alpha: Scalar = 1, _ a: some DenseMatrix<Scalar>, transpose: Transpose = .none,
        x: some DenseVector<Scalar>, beta: Scalar = 0, y: inout [Scalar]
    ) throws {
        let (a, x) = (a.view, x.vectorView)
        let (outCount, inCount) = transpose == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard x.count == inCount else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemv", lhs: transpose == .none ? a.shape : Shape(rows: a.columns, columns: a.rows),
                rhs: Shape(rows: x.count, columns: 1), requirement: "op(A).columns must equal x.count")
        }
        guard y.count == outCount else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemv", lhs: transpose == .none ? a.shape : Shape(rows: a.columns, columns: a.rows),
                rhs: Shape(rows: y.count, columns: 1), requirement: "op(A).rows must equal y.count")
        }
        if outCount == 0 { return }
        if inCount == 0 {  // op(A) x is an empty sum: y <- beta * y
            if beta == 0 { for i in y.indices { y[i] = 0 } } else { try scal(alpha: beta, x: &y) }
            return
        }
        let (m, n) = (try blasInt(a.rows, "A.rows"), try blasInt(a.columns, "A.columns"))
        let lda = try leadingDimension(a, "A.rowStride")
        let incx = try blasInt(x.stride, "x.stride")
        y.withUnsafeMutableBufferPointer { py in
            a.withUnsafeBaseAddress { pa in
                x.withUnsafeBaseAddress { px in
                    Scalar._gemv(transpose.cblas, m, n, alpha, pa, lda, px, incx, beta, py.baseAddress!, 1) // invariant: outCount > 0
                }
            }
        }
    }

    /// `op(A) x` as a new array.
    @inlinable
    public static func matrixVectorProduct<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, _ x: some DenseVector<Scalar>, transpose: Transpose = .none
    ) throws -> [Scalar] {
        let a = a.view
        var y = [Scalar](repeating: 0, count: transpose == .none ? a.rows : a.columns)
        try gemv(a, transpose: transpose, x: x, y: &y)
        return y
    }

    // MARK: Level 3

    /// `C <- alpha * op(A) op(B) + beta * C`.
    /// - Throws: `.shapeMismatch` naming the two shapes that do not fit.
    /// - Complexity: O(m * n * k) flops, no allocation unless `C` shares its buffer.
    @inlinable
    public static func gemm<Scalar: LinearAlgebraScalar>(
        alpha: Scalar = 1, _ a: some DenseMatrix<Scalar>, transposeA: Transpose = .none,
        _ b: some DenseMatrix<Scalar>, transposeB: Transpose = .none,
        beta: Scalar = 0, into c: inout Matrix<Scalar>
    ) throws {
        let (a, b) = (a.view, b.view)
        let opA = transposeA == .none ? a.shape : Shape(rows: a.columns, columns: a.rows)
        let opB = transposeB == .none ? b.shape : Shape(rows: b.columns, columns: b.rows)
        guard opA.columns == opB.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemm", lhs: opA, rhs: opB, requirement: "op(A).columns must equal op(B).rows")
        }
        guard c.rows == opA.rows && c.columns == opB.columns else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "gemm", lhs: Shape(rows: opA.rows, columns: opB.columns), rhs: c.shape,
                requirement: "C must be op(A).rows x op(B).columns")
        }
        if c.isEmpty { return }
        if opA.columns == 0 {  // empty inner dimension: C <- beta * C
            if beta == 0 { c = try Matrix(rows: c.rows, columns: c.columns) } else { try scal(alpha: beta, matrix: &c) }
            return
        }
        let m = try blasInt(opA.rows, "m"), n = try blasInt(opB.columns, "n"), k = try blasInt(opA.columns, "k")
        let lda = try leadingDimension(a, "A.rowStride"), ldb = try leadingDimension(b, "B.rowStride")
        let ldc = try blasInt(c.columns, "C.columns")
        c.withUnsafeMutableBaseAddress { pc in
            a.withUnsafeBaseAddress { pa in
                b.withUnsafeBaseAddress { pb in
                    Scalar._gemm(transposeA.cblas, transposeB.cblas, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc)
                }
            }
        }
    }

    /// `op(A) op(B)` as a new matrix.
    @inlinable
    public static func matrixProduct<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, transposeA: Transpose = .none,
        _ b: some DenseMatrix<Scalar>, transposeB: Transpose = .none
    ) throws -> Matrix<Scalar> {
        let (a, b) = (a.view, b.view)
        var c = try Matrix<Scalar>(rows: transposeA == .none ? a.rows : a.columns,
                                   columns: transposeB == .none ? b.columns : b.rows)
        try gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    /// Symmetric rank-k update of one triangle: `C <- alpha * op(A) op(A)^T + beta * C`, where
    /// `transpose: .transpose` gives the Gram matrix `A^T A` (the one least squares needs).
    /// Only `triangle` of `C` is read and written; the other is left as it was.
    /// - Throws: `.shapeMismatch` when `C` is not square of the right order.
    /// - Complexity: O(n^2 k) flops (half of gemm's), no allocation unless `C` shares its buffer.
    @inlinable
    public static func syrk<Scalar: LinearAlgebraScalar>(
        alpha: Scalar = 1, _ a: some DenseMatrix<Scalar>, transpose: Transpose = .transpose,
        beta: Scalar = 0, into c: inout Matrix<Scalar>, triangle: Triangle = .upper
    ) throws {
        let a = a.view
        let (order, inner) = transpose == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard c.rows == order && c.columns == order else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "syrk", lhs: Shape(rows: order, columns: order), rhs: c.shape,
                requirement: "C must be square with order \(transpose == .none ? "A.rows" : "A.columns")")
        }
        if order == 0 { return }
        if inner == 0 {  // empty sum: C <- beta * C on the requested triangle only, as BLAS would
            for i in 0..<order {
                for j in (triangle == .upper ? i..<order : 0..<(i + 1)) {
                    c.storage[i &* order &+ j] = beta == 0 ? 0 : beta * c.storage[i &* order &+ j]
                }
            }
            return
        }
        let n = try blasInt(order, "n"), k = try blasInt(inner, "k")
        let lda = try leadingDimension(a, "A.rowStride"), ldc = try blasInt(order, "C.columns")
        c.withUnsafeMutableBaseAddress { pc in
            a.withUnsafeBaseAddress { pa in
                Scalar._syrk(triangle.cblas, transpose.cblas, n, k, alpha, pa, lda, beta, pc, ldc)
            }
        }
    }

    /// The Gram matrix `A^T A` (both triangles filled), through `syrk`.
    /// - Complexity: O(columns^2 * rows) flops, one allocation of columns^2 elements.
    @inlinable
    public static func gram<Scalar: LinearAlgebraScalar>(_ a: some DenseMatrix<Scalar>) throws -> Matrix<Scalar> {
        let a = a.view
        var c = try Matrix<Scalar>(rows: a.columns, columns: a.columns)
        try syrk(a, transpose: .transpose, into: &c, triangle: .upper)
        c.mirrorUpperToLower()
        return c
    }
}

extension Matrix {
    /// Copies the upper triangle onto the lower one, making a `syrk` result fully symmetric.
    @inlinable
    internal mutating func mirrorUpperToLower() {
        let n = columns
        guard rows == n else { return }
        for i in 0..<n {
            for j in 0..<i { storage[i &* n &+ j] = storage[j &* n &+ i] }
        }
    }
}
