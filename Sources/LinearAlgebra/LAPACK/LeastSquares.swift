/// The result of a least-squares solve `min ||A X - B||_2` by Householder QR (`?gels`).
public struct QRLeastSquaresSolution<Scalar: LinearAlgebraScalar>: Sendable {
    /// `X`, `A.columns x B.columns`. For a wide `A` (rows < columns) it is the minimum-norm solution.
    public let solution: Matrix<Scalar>
    /// Residual sum of squares `||A x_k - b_k||^2` per right-hand side (from the QR, no extra pass);
    /// zeros when `A` has no more rows than columns.
    public let residualSumOfSquares: [Scalar]
    /// LAPACK's estimate (`?trcon`, 1-norm) of `1 / cond(R)` for the triangular factor, in [0, 1].
    public let reciprocalCondition: Scalar

    @inlinable
    internal init(solution: Matrix<Scalar>, residualSumOfSquares: [Scalar], reciprocalCondition: Scalar) {
        self.solution = solution
        self.residualSumOfSquares = residualSumOfSquares
        self.reciprocalCondition = reciprocalCondition
    }
}

/// The result of a minimum-norm least-squares solve by the SVD (`?gelsd`).
public struct SVDLeastSquaresSolution<Scalar: LinearAlgebraScalar>: Sendable {
    /// The minimum-norm `X` among all minimisers, `A.columns x B.columns`.
    public let solution: Matrix<Scalar>
    /// The effective rank: the number of singular values above `cutoff * singularValues[0]`.
    public let rank: Int
    /// The singular values of `A`, in decreasing order (`min(rows, columns)` of them).
    public let singularValues: [Scalar]
    /// The relative cutoff used for the rank decision.
    public let cutoff: Scalar

    @inlinable
    internal init(solution: Matrix<Scalar>, rank: Int, singularValues: [Scalar], cutoff: Scalar) {
        self.solution = solution
        self.rank = rank
        self.singularValues = singularValues
        self.cutoff = cutoff
    }

    /// `sigma_max / sigma_min` (infinity when the smallest singular value is 0).
    public var conditionNumber: Scalar {
        guard let largest = singularValues.first, let smallest = singularValues.last else { return 1 }
        return smallest > 0 ? largest / smallest : .infinity
    }
}

extension LAPACK {
    @inlinable
    internal static func checkLeastSquaresOperands<Scalar: LinearAlgebraScalar>(
        _ a: MatrixView<Scalar>, _ b: MatrixView<Scalar>, operation: String
    ) throws {
        guard a.rows == b.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: operation, lhs: a.shape, rhs: b.shape, requirement: "A.rows must equal B.rows")
        }
        try a.checkFinite(operation: "\(operation) (A)")
        try b.checkFinite(operation: "\(operation) (B)")
    }

    /// Least squares by Householder QR (`?gels`): `min ||A X - B||`, or the minimum-norm solution of
    /// an underdetermined full-row-rank system. Accurate to O(eps * cond(A)) for full-rank problems.
    ///
    /// scikit-learn equivalent: none directly (sklearn uses the SVD); numpy: `lstsq` on full-rank data.
    /// - Throws: `.shapeMismatch` when `A.rows != B.rows`; `.nonFinite` naming row and column;
    ///   `.singular(routine:info:)` when `A` is exactly rank deficient (use `leastSquaresSVD`).
    /// - Complexity: O(2 m n^2) flops; a column-major copy of `A` and of `B`.
    @inlinable
    public static func leastSquaresQR<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, _ b: some DenseMatrix<Scalar>
    ) throws -> QRLeastSquaresSolution<Scalar> {
        let (a, b) = (a.view, b.view)
        try checkLeastSquaresOperands(a, b, operation: "leastSquaresQR")
        let (m, n, nrhs) = (a.rows, a.columns, b.columns)
        if n == 0 || m == 0 {
            // No unknowns or no equations: X = 0 is the minimum-norm minimiser.
            var rss = [Scalar](repeating: 0, count: nrhs)
            for k in 0..<nrhs { for i in 0..<m { let v = try b.element(row: i, column: k); rss[k] += v * v } }
            return QRLeastSquaresSolution(solution: try Matrix(rows: n, columns: nrhs),
                                          residualSumOfSquares: m > n ? rss : [Scalar](repeating: 0, count: nrhs),
                                          reciprocalCondition: n == 0 ? 1 : 0)
        }
        let routineName = routine("gels", Scalar.self)
        let ldb = Swift.max(m, n)
        var aCol = columnMajorCopy(a, leadingDimension: m)
        // ?gels returns before factoring A when B has no columns; one zero column keeps the
        // singularity check and `reciprocalCondition` about A for nrhs == 0 too.
        var bCol = nrhs > 0 ? columnMajorCopy(b, leadingDimension: ldb) : [Scalar](repeating: 0, count: ldb)
        let (mm, nn, kk) = (try blasInt(m, "A.rows"), try blasInt(n, "A.columns"), try blasInt(Swift.max(nrhs, 1), "B.columns"))
        let (lda32, ldb32) = (try blasInt(m, "lda"), try blasInt(ldb, "ldb"))
        let info = aCol.withUnsafeMutableBufferPointer { pa in
            bCol.withUnsafeMutableBufferPointer { pb in
                Scalar._gels(character("N"), mm, nn, kk, pa.baseAddress!, lda32, pb.baseAddress!, ldb32) // invariant: m, n, nrhs > 0
            }
        }
        try checkArguments(info, routine: routineName)
        if info > 0 { throw LinearAlgebraError.singular(routine: routineName, info: Int(info)) }
        var rss = [Scalar](repeating: 0, count: nrhs)
        if m > n {
            for k in 0..<nrhs { for i in n..<m { let v = bCol[k &* ldb &+ i]; rss[k] += v * v } }
        }
        // The triangular factor: R (upper, n x n) for a tall A, L (lower, m x m) for a wide one.
        let order = try blasInt(Swift.min(m, n), "order")
        var rcond: Scalar = 0
        let conInfo = aCol.withUnsafeBufferPointer { pa in
            Scalar._trcon(character("1"), character(m >= n ? "U" : "L"), character("N"), order, pa.baseAddress!, lda32, &rcond) // invariant: m, n > 0
        }
        try checkArguments(conInfo, routine: routine("trcon", Scalar.self))
        return QRLeastSquaresSolution(
            solution: rowMajorMatrix(columnMajor: bCol, leadingDimension: ldb, rows: n, columns: nrhs),
            residualSumOfSquares: rss, reciprocalCondition: rcond)
    }

    /// `leastSquaresQR` for one right-hand side `b`.
    @inlinable
    public static func leastSquaresQR<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, _ b: [Scalar]
    ) throws -> QRLeastSquaresSolution<Scalar> {
        try leastSquaresQR(a, Matrix(rows: b.count, columns: 1, elements: b))
    }

    /// Minimum-norm least squares by the SVD (`?gelsd`, divide and conquer): handles rank-deficient
    /// and wide problems, and reports the rank and singular values.
    ///
    /// Singular values below `cutoff * sigma_max` are treated as zero. The default cutoff is
    /// `eps * max(rows, columns)`, numpy's `lstsq` default (scipy's `lstsq`, used by scikit-learn's
    /// LinearRegression, defaults to plain `eps`).
    /// - Throws: `.shapeMismatch`; `.nonFinite` naming row and column; `.invalidArgument` for a
    ///   negative or non-finite cutoff; `.didNotConverge` when the SVD fails to converge.
    /// - Complexity: O(m n min(m, n)) flops; column-major copies of `A` and `B`.
    @inlinable
    public static func leastSquaresSVD<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, _ b: some DenseMatrix<Scalar>, cutoff: Scalar? = nil
    ) throws -> SVDLeastSquaresSolution<Scalar> {
        let (a, b) = (a.view, b.view)
        try checkLeastSquaresOperands(a, b, operation: "leastSquaresSVD")
        let (m, n, nrhs) = (a.rows, a.columns, b.columns)
        let cut = cutoff ?? Scalar.ulpOfOne * Scalar(Swift.max(m, n, 1))
        guard cut.isFinite && cut >= 0 else {
            throw LinearAlgebraError.invalidArgument(parameter: "cutoff", reason: "must be finite and >= 0, got \(cut)")
        }
        let k = Swift.min(m, n)
        if k == 0 {
            return SVDLeastSquaresSolution(solution: try Matrix(rows: n, columns: nrhs), rank: 0,
                                           singularValues: [], cutoff: cut)
        }
        let routineName = routine("gelsd", Scalar.self)
        let ldb = Swift.max(m, n)
        var aCol = columnMajorCopy(a, leadingDimension: m)
        // `rank` and `singularValues` describe A whatever B is: with no right-hand side, solve for one
        // zero column and return none.
        var bCol = nrhs > 0 ? columnMajorCopy(b, leadingDimension: ldb) : [Scalar](repeating: 0, count: ldb)
        var singularValues = [Scalar](repeating: 0, count: k)
        var rank: Int32 = 0
        let (mm, nn, kk) = (try blasInt(m, "A.rows"), try blasInt(n, "A.columns"), try blasInt(Swift.max(nrhs, 1), "B.columns"))
        let (lda32, ldb32) = (try blasInt(m, "lda"), try blasInt(ldb, "ldb"))
        let info = aCol.withUnsafeMutableBufferPointer { pa in
            bCol.withUnsafeMutableBufferPointer { pb in
                singularValues.withUnsafeMutableBufferPointer { ps in
                    Scalar._gelsd(mm, nn, kk, pa.baseAddress!, lda32, pb.baseAddress!, ldb32, ps.baseAddress!, cut, &rank) // invariant: m, n, nrhs > 0
                }
            }
        }
        try checkArguments(info, routine: routineName)
        if info > 0 { throw LinearAlgebraError.didNotConverge(routine: routineName, info: Int(info)) }
        return SVDLeastSquaresSolution(
            solution: rowMajorMatrix(columnMajor: bCol, leadingDimension: ldb, rows: n, columns: nrhs),
            rank: Int(rank), singularValues: singularValues, cutoff: cut)
    }

    /// `leastSquaresSVD` for one right-hand side `b`.
    @inlinable
    public static func leastSquaresSVD<Scalar: LinearAlgebraScalar>(
        _ a: some DenseMatrix<Scalar>, _ b: [Scalar], cutoff: Scalar? = nil
    ) throws -> SVDLeastSquaresSolution<Scalar> {
        try leastSquaresSVD(a, Matrix(rows: b.count, columns: 1, elements: b), cutoff: cutoff)
    }
}
