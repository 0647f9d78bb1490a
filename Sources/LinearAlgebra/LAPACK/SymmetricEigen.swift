/// `A = V diag(w) V^T` for a symmetric `A`.
public struct SymmetricEigendecomposition<Scalar: LinearAlgebraScalar>: Sendable {
    /// Eigenvalues in ascending order.
    public let eigenvalues: [Scalar]
    /// Orthonormal eigenvectors as columns: column `k` belongs to `eigenvalues[k]`. Each vector's sign
    /// is LAPACK's (deterministic for the same input and thread count, but arbitrary).
    /// `nil` when only eigenvalues were requested.
    public let eigenvectors: Matrix<Scalar>?

    @inlinable
    internal init(eigenvalues: [Scalar], eigenvectors: Matrix<Scalar>?) {
        self.eigenvalues = eigenvalues
        self.eigenvectors = eigenvectors
    }
}

extension LAPACK {
    /// Symmetric eigendecomposition by divide and conquer (`?syevd`).
    ///
    /// Reads only the lower triangle of `a`. scikit-learn equivalent: `scipy.linalg.eigh` (PCA's
    /// covariance path).
    /// - Throws: `.invalidArgument` when not square; `.nonFinite` naming row and column of a NaN/Inf in
    ///   the lower triangle; `.didNotConverge` when the algorithm fails (LAPACK's info > 0).
    /// - Complexity: O(n^3) flops; one n x n copy (two with vectors).
    @inlinable
    public static func symmetricEigen<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, computeVectors: Bool = true
    ) throws -> SymmetricEigendecomposition<Scalar> {
        let a = a.view
        try checkSquare(a, operation: "symmetricEigen")
        let n = a.rows
        for i in 0..<n {
            for j in 0...i {
                let value = try a.element(row: i, column: j)
                if !value.isFinite {
                    throw LinearAlgebraError.nonFinite(operation: "symmetricEigen", row: i, column: j, value: Double(value))
                }
            }
        }
        if n == 0 {
            return SymmetricEigendecomposition(eigenvalues: [], eigenvectors: computeVectors ? try Matrix(rows: 0, columns: 0) : nil)
        }
        var work = a.copy()
        var values = [Scalar](repeating: 0, count: n)
        let order = try blasInt(n, "n")
        let info = work.withUnsafeMutableBaseAddress { pa in
            values.withUnsafeMutableBufferPointer { pw in
                // Column-major upper == our row-major lower.
                Scalar._syevd(character(computeVectors ? "V" : "N"), character("U"), order, pa, order, pw.baseAddress!) // invariant: n > 0
            }
        }
        let routineName = routine("syevd", Scalar.self)
        try checkArguments(info, routine: routineName)
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: routineName, info: Int(info)) }
        // LAPACK wrote the eigenvectors as column-major columns, i.e. as the rows of our buffer.
        return SymmetricEigendecomposition(eigenvalues: values, eigenvectors: computeVectors ? work.transposed : nil)
    }
}
