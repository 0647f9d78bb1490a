/// `A = L L^T` for a symmetric positive definite `A`, with a condition estimate.
///
/// scikit-learn equivalent: `scipy.linalg.cho_factor` / `cho_solve` inside `Ridge(solver="cholesky")`.
public struct CholeskyFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// The lower-triangular factor `L` (strict upper triangle zero).
    public let lower: Matrix<Scalar>
    /// LAPACK's estimate (`?pocon`) of `1 / cond_1(A)`, in [0, 1]. Near machine epsilon or below,
    /// solves lose all accuracy; a caller that needs accuracy should switch to QR or SVD.
    public let reciprocalCondition: Scalar
    /// The 1-norm of `A` that the estimate was computed from.
    public let oneNorm: Scalar

    @inlinable
    internal init(lower: Matrix<Scalar>, reciprocalCondition: Scalar, oneNorm: Scalar) {
        self.lower = lower
        self.reciprocalCondition = reciprocalCondition
        self.oneNorm = oneNorm
    }

    /// `cond_1(A)` estimated as `1 / reciprocalCondition` (infinity when the estimate is 0).
    public var conditionEstimate: Scalar { reciprocalCondition > 0 ? 1 / reciprocalCondition : .infinity }

    /// Solves `A X = B` with the factor (`?potrs`).
    /// - Throws: `.shapeMismatch` when `B.rows != A.rows`; `.nonFinite` for NaN/Inf in `B`.
    /// - Complexity: O(n^2 * B.columns); two transposed copies of `B`.
    @inlinable
    public func solve(_ b: some DenseMatrix<Scalar>) throws -> Matrix<Scalar> {
        let b = b.view
        let n = lower.rows
        guard b.rows == n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "cholesky solve", lhs: lower.shape, rhs: b.shape, requirement: "B.rows must equal A.rows")
        }
        try b.checkFinite(operation: "cholesky solve (B)")
        if n == 0 || b.columns == 0 { return try Matrix(rows: n, columns: b.columns) }
        let routine = LAPACK.routine("potrs", Scalar.self)
        var x = LAPACK.columnMajorCopy(b, leadingDimension: n)
        let (order, nrhs) = (try blasInt(n, "n"), try blasInt(b.columns, "nrhs"))
        // Row-major L is column-major U = L^T: solve with uplo 'U'.
        let info = lower.view.withUnsafeBaseAddress { pa in
            x.withUnsafeMutableBufferPointer { px in
                Scalar._potrs(LAPACK.character("U"), order, nrhs, pa, order, px.baseAddress!, order) // invariant: n * nrhs > 0
            }
        }
        try LAPACK.checkArguments(info, routine: routine)
        return LAPACK.rowMajorMatrix(columnMajor: x, leadingDimension: n, rows: n, columns: b.columns)
    }

    /// Solves `A x = b` for one right-hand side.
    @inlinable
    public func solve(_ b: [Scalar]) throws -> [Scalar] {
        try solve(Matrix(rows: b.count, columns: 1, elements: b)).elements
    }
}

extension LAPACK {
    /// Cholesky factorization (`?potrf`) with a 1-norm condition estimate (`?pocon`).
    ///
    /// Reads only the lower triangle of `a` (as LAPACK does); the upper triangle is ignored.
    /// - Throws: `.invalidArgument` when `a` is not square; `.nonFinite` naming row and column of a
    ///   NaN/Inf in the lower triangle; `.notPositiveDefinite(routine:info:)` when the leading minor of
    ///   order `info` is not positive definite.
    /// - Complexity: O(n^3 / 3) flops; one n x n copy.
    @inlinable
    public static func cholesky<Scalar: LinearAlgebraScalar>(_ a: some DenseMatrix<Scalar>) throws -> CholeskyFactorization<Scalar> {
        let a = a.view
        try checkSquare(a, operation: "cholesky")
        let n = a.rows
        for i in 0..<n {
            for j in 0...i {
                let value = try a.element(row: i, column: j)
                if !value.isFinite {
                    throw LinearAlgebraError.nonFinite(operation: "cholesky", row: i, column: j, value: Double(value))
                }
            }
        }
        if n == 0 {
            return CholeskyFactorization(lower: try Matrix(rows: 0, columns: 0), reciprocalCondition: 1, oneNorm: 0)
        }
        var factor = a.copy()
        // 1-norm of the symmetric matrix implied by the lower triangle: max over columns of sum |a_ij|.
        var columnSums = [Scalar](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0...i {
                let v = abs(factor.storage[i &* n &+ j])
                columnSums[j] += v
                if i != j { columnSums[i] += v }
            }
        }
        let oneNorm = columnSums.max() ?? 0
        let order = try blasInt(n, "n")
        let uplo = character("U")  // column-major upper == our row-major lower
        let info = factor.withUnsafeMutableBaseAddress { Scalar._potrf(uplo, order, $0, order) }
        try checkArguments(info, routine: routine("potrf", Scalar.self))
        if info > 0 {
            throw LinearAlgebraError.notPositiveDefinite(routine: routine("potrf", Scalar.self), info: Int(info))
        }
        for i in 0..<n {
            for j in (i &+ 1)..<n { factor.storage[i &* n &+ j] = 0 }
        }
        var rcond: Scalar = 0
        let conInfo = factor.view.withUnsafeBaseAddress { Scalar._pocon(uplo, order, $0, order, oneNorm, &rcond) }
        try checkArguments(conInfo, routine: routine("pocon", Scalar.self))
        return CholeskyFactorization(lower: factor, reciprocalCondition: rcond, oneNorm: oneNorm)
    }
}
