import Testing
@testable import LinearAlgebra

@Suite("LAPACK wrappers: Cholesky, QR and SVD least squares, symmetric eigen")
struct LAPACKReferenceTests {
    /// A well-conditioned SPD matrix: A^T A + n I.
    static func spd<S: LinearAlgebraScalar>(_: S.Type, _ n: Int, seed: UInt64) throws -> Matrix<S> {
        let a = try Reference.random(S.self, rows: n + 3, columns: n, seed: seed)
        var g = try BLAS.gram(a)
        for i in 0..<n { g[i, i] += S(n) }
        return g
    }

    func choleskyCheck<S: LinearAlgebraScalar>(_: S.Type, tolerance: Double) throws {
        for n in [0, 1, 2, 9, 40] {
            let a = try Self.spd(S.self, n, seed: UInt64(n))
            let chol = try LAPACK.cholesky(a)
            let l = chol.lower
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { #expect(l[i, j] == 0) } }
            let llt = try BLAS.matrixProduct(l, l, transposeB: .transpose)
            for i in 0..<n { for j in 0..<n { #expect(abs(Double(llt[i, j] - a[i, j])) <= tolerance * Double(n) * 4) } }
            let b = Reference.vector(S.self, count: n, seed: 99)
            let x = try chol.solve(b)
            let ax = try BLAS.matrixVectorProduct(a, x)
            for i in 0..<n { #expect(abs(Double(ax[i] - b[i])) <= tolerance * Double(n) * 10) }
            // pocon estimates 1/cond_1 to within a small factor: it lies in (0, 1] up to rounding.
            #expect(chol.reciprocalCondition > 0 && Double(chol.reciprocalCondition) <= 1 + 1e-6, "n=\(n): \(chol.reciprocalCondition)")
            // Multiple right-hand sides.
            let bm = try Reference.random(S.self, rows: n, columns: 3, seed: 7)
            let xm = try chol.solve(bm)
            let axm = try BLAS.matrixProduct(a, xm)
            for i in 0..<n { for j in 0..<3 { #expect(abs(Double(axm[i, j] - bm[i, j])) <= tolerance * Double(n) * 10) } }
        }
    }

    @Test("Cholesky: L lower, L L^T = A, solves, condition estimate in (0, 1]", arguments: ScalarKind.allCases)
    func cholesky(kind: ScalarKind) throws {
        kind == .float ? try choleskyCheck(Float.self, tolerance: 1e-5) : try choleskyCheck(Double.self, tolerance: 1e-13)
    }

    @Test("Cholesky condition estimate: exact on a diagonal matrix, tiny on a Hilbert matrix")
    func conditionEstimate() throws {
        let d = try Matrix<Double>([[1, 0], [0, 1e-6]])
        let c = try LAPACK.cholesky(d)
        #expect(c.conditionEstimate >= 1e6 / 3 && c.conditionEstimate <= 1e6 * 3)
        let hilbert = try Matrix<Double>((0..<10).map { i in (0..<10).map { j in 1 / Double(i + j + 1) } })
        #expect(try LAPACK.cholesky(hilbert).reciprocalCondition < 1e-12)
    }

    func leastSquaresCheck<S: LinearAlgebraScalar>(_: S.Type, tolerance: Double) throws {
        // y exactly linear in X: both solvers recover beta.
        for (rows, columns) in [(1, 1), (50, 3), (200, 7), (17, 17)] {
            let x = try Reference.random(S.self, rows: rows, columns: columns, seed: 31)
            let beta = (0..<columns).map { S($0) - 1.5 }
            let y = try BLAS.matrixVectorProduct(x, beta)
            let qr = try LAPACK.leastSquaresQR(x, y)
            let svd = try LAPACK.leastSquaresSVD(x, y)
            #expect(svd.rank == columns)
            #expect(svd.singularValues.count == columns && zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
            for j in 0..<columns {
                #expect(abs(Double(qr.solution[j, 0] - beta[j])) <= tolerance * 100, "QR \(rows)x\(columns) coefficient \(j)")
                #expect(abs(Double(svd.solution[j, 0] - beta[j])) <= tolerance * 100, "SVD \(rows)x\(columns) coefficient \(j)")
            }
            #expect(qr.reciprocalCondition > 0)
        }
        // Noisy tall problem: residual orthogonal to the columns, RSS matches the residual.
        let x = try Reference.random(S.self, rows: 120, columns: 4, seed: 41)
        let y = Reference.vector(S.self, count: 120, seed: 42)
        let qr = try LAPACK.leastSquaresQR(x, y)
        let fitted = try BLAS.matrixVectorProduct(x, qr.solution.elements)
        let residual = zip(y, fitted).map { $0 - $1 }
        let xtr = try BLAS.matrixVectorProduct(x, residual, transpose: .transpose)
        for v in xtr { #expect(abs(Double(v)) <= tolerance * 1e3) }
        let rss = residual.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(abs(Double(qr.residualSumOfSquares[0]) - rss) <= tolerance * 1e3 * max(rss, 1))
        // Wide: minimum-norm solution satisfying A x = b exactly, the same from QR (LQ) and SVD.
        let wide = try Reference.random(S.self, rows: 3, columns: 8, seed: 43)
        let b = Reference.vector(S.self, count: 3, seed: 44)
        let lq = try LAPACK.leastSquaresQR(wide, b), sv = try LAPACK.leastSquaresSVD(wide, b)
        let ab = try BLAS.matrixVectorProduct(wide, lq.solution.elements)
        for i in 0..<3 { #expect(abs(Double(ab[i] - b[i])) <= tolerance * 100) }
        for j in 0..<8 { #expect(abs(Double(lq.solution[j, 0] - sv.solution[j, 0])) <= tolerance * 100) }
    }

    @Test("least squares: exact answers, orthogonal residuals, RSS, wide minimum norm", arguments: ScalarKind.allCases)
    func leastSquares(kind: ScalarKind) throws {
        kind == .float ? try leastSquaresCheck(Float.self, tolerance: 1e-5) : try leastSquaresCheck(Double.self, tolerance: 1e-13)
    }

    @Test("SVD on a duplicated column: rank n-1 and the minimum-norm split of the coefficient")
    func rankDeficient() throws {
        var rows: [[Double]] = []
        var g = SeededGenerator(seed: 5)
        for _ in 0..<30 { let u = g.nextUniform(), v = g.nextUniform(); rows.append([u, v, v]) }
        let x = try Matrix<Double>(rows)
        let y = rows.map { 2 * $0[0] + 4 * $0[1] }  // the v-coefficient 4 splits as 2 + 2 at minimum norm
        let svd = try LAPACK.leastSquaresSVD(x, y)
        #expect(svd.rank == 2)
        #expect(abs(svd.solution[0, 0] - 2) < 1e-12 && abs(svd.solution[1, 0] - 2) < 1e-12 && abs(svd.solution[2, 0] - 2) < 1e-12)
        #expect(svd.conditionNumber > 1e12)
        // Singular values of a known diagonal matrix.
        let d = try Matrix<Double>([[3, 0], [0, -5], [0, 0]])
        let sv = try LAPACK.leastSquaresSVD(d, [1.0, 1, 1]).singularValues
        #expect(sv.count == 2 && abs(sv[0] - 5) <= 1e-15 * 5 && abs(sv[1] - 3) <= 1e-15 * 5)
    }

    func eigenCheck<S: LinearAlgebraScalar>(_: S.Type, tolerance: Double) throws {
        for n in [0, 1, 2, 10, 25] {
            let a = try Self.spd(S.self, n, seed: UInt64(100 + n))
            let e = try LAPACK.symmetricEigen(a)
            let v = try #require(e.eigenvectors)
            #expect(zip(e.eigenvalues, e.eigenvalues.dropFirst()).allSatisfy { $0 <= $1 })
            let av = try BLAS.matrixProduct(a, v)
            let vtv = try BLAS.matrixProduct(v, transposeA: .transpose, v)
            let scale = Double(e.eigenvalues.last ?? 1)
            for i in 0..<n {
                for k in 0..<n {
                    #expect(abs(Double(av[i, k] - v[i, k] * e.eigenvalues[k])) <= tolerance * scale * Double(n) * 10)
                    #expect(abs(Double(vtv[i, k]) - (i == k ? 1 : 0)) <= tolerance * Double(n) * 10)
                }
            }
            // Only the lower triangle is read: garbage above the diagonal changes nothing.
            var garbage = a
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { garbage[i, j] = 12345 } }
            #expect(try LAPACK.symmetricEigen(garbage, computeVectors: false).eigenvalues == LAPACK.symmetricEigen(a, computeVectors: false).eigenvalues)
        }
    }

    @Test("symmetric eigen: A V = V diag(w), V^T V = I, ascending, lower triangle only", arguments: ScalarKind.allCases)
    func eigen(kind: ScalarKind) throws {
        kind == .float ? try eigenCheck(Float.self, tolerance: 1e-5) : try eigenCheck(Double.self, tolerance: 1e-13)
    }
}
