import Testing
@testable import LinearAlgebra

@Suite("Cholesky (potrf, potrs, pocon) against naive Double references")
struct CholeskyTests {
    static let orders = [0, 1, 2, 9, 40]

    func checkFactor<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let a = try Inputs.spd(S.self, n, seed: UInt64(60 + n))
        let chol = try LAPACK.cholesky(a)
        let l = chol.lower
        #expect(l.shape == Shape(rows: n, columns: n))
        for i in 0..<n {
            #expect(l[i, i] > 0, "diagonal (\(i), \(i))")
            for j in (i + 1)..<Swift.max(n, i + 1) { #expect(l[i, j] == 0, "strict upper (\(i), \(j)) must be zero") }
        }
        // Backward error of Cholesky (Higham, Thm 10.3): |A - L L^T| <= gamma_{n+1} |L| |L^T|.
        let (llt, magnitude) = Naive.product(l.view, transposeA: false, l.view, transposeB: true)
        for i in 0..<n {
            for j in 0..<n {
                #expect(abs(llt[i][j] - Double(a[i, j])) <= Tolerance.products(S.self, terms: n + 1, magnitude: magnitude[i][j]),
                        "L L^T (\(i), \(j)), n=\(n)")
            }
        }
        // The 1-norm the estimate used: the largest absolute column sum of A.
        let rows = Naive.rows(a)
        #expect(abs(Double(chol.oneNorm) - Naive.oneNorm(rows)) <= Tolerance.products(S.self, terms: n, magnitude: Naive.oneNorm(rows)))
        if n > 0 {
            // pocon estimates ||A^-1||_1 from below, so its 1 / cond is at least the true one, and in
            // practice within a factor 3 of it (LAPACK's Hager/Higham estimator is exact on most
            // small matrices). The true value comes from a naive Double inverse (cond < 3: accurate).
            let exact = 1 / (Naive.oneNorm(rows) * Naive.oneNorm(Naive.inverse(rows)))
            let estimate = Double(chol.reciprocalCondition)
            #expect(estimate >= exact * (1 - 1e-4) && estimate <= 3 * exact, "n=\(n): estimate \(estimate), exact \(exact)")
            #expect(abs(Double(chol.conditionEstimate) - 1 / estimate) <= 1e-6 / estimate)
        } else {
            #expect(chol.reciprocalCondition == 1 && chol.oneNorm == 0)
        }
    }

    @Test("factor: L lower with a positive diagonal, L L^T = A, 1-norm, condition estimate",
          arguments: bothScalars, orders)
    func factor(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkFactor(type, n) }

    func checkSolve<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let a = try Inputs.spd(S.self, n, seed: UInt64(70 + n))
        let chol = try LAPACK.cholesky(a)
        let l = chol.lower
        // Three right-hand sides, handed over as a row block of a taller matrix (offset storage).
        let stacked = try Inputs.uniform(S.self, n + 5, 3, seed: 71)
        let b = try stacked.rowBlock(2..<(2 + n))
        let x = try chol.solve(b)
        let bm = b.copy()
        #expect(x.shape == Shape(rows: n, columns: 3))
        // Backward stability of the solve (Higham, Thm 10.4): (A + dA) x = b with
        // |dA| <= gamma_{3n+1} |L| |L^T|, so |b - A x| <= gamma_{3n+1} |L| |L^T| |x| entrywise.
        let (_, llt) = Naive.product(l.view, transposeA: false, l.view, transposeB: true)
        for k in 0..<3 {
            let xk = (0..<n).map { x[$0, k] }
            let ax = Naive.matrixVector(a.view, transposed: false, xk).value
            let reference = Naive.solve(Naive.rows(a), (0..<n).map { Double(bm[$0, k]) })
            for i in 0..<n {
                let scale = (0..<n).reduce(0.0) { $0 + llt[i][$1] * abs(Double(xk[$1])) }
                #expect(abs(Double(bm[i, k]) - ax[i]) <= Tolerance.products(S.self, terms: 3 * n + 1, magnitude: scale),
                        "residual row \(i), rhs \(k), n=\(n)")
                // cond(A) < 3, so the forward error is within Tolerance.solve of the Double solve.
                #expect(close(Double(xk[i]), reference[i], relative: Tolerance.solve(S.self)), "x[\(i)] rhs \(k)")
            }
        }
        // One right-hand side as an array agrees with the first column. Not bit for bit: OpenBLAS may
        // take another kernel path for one right-hand side than for three (it does with its generic
        // Prescott kernels), so within the solve tolerance; the same call twice is bit-identical.
        let rhs = (0..<n).map { bm[$0, 0] }
        let first = try chol.solve(rhs)
        for i in 0..<n {
            #expect(close(Double(first[i]), Double(x[i, 0]), relative: Tolerance.solve(S.self)), "x[\(i)] one rhs")
        }
        #expect(try chol.solve(rhs) == first)
        // No right-hand sides: an n x 0 answer.
        #expect(try chol.solve(Matrix<S>(rows: n, columns: 0)).shape == Shape(rows: n, columns: 0))
    }

    @Test("solve: backward-stable residual, agreement with a Double solve, several right-hand sides",
          arguments: bothScalars, orders)
    func solve(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkSolve(type, n) }

    func checkLowerOnly<S: LinearAlgebraScalar>(_: S.Type) throws {
        let a = try Inputs.spd(S.self, 12, seed: 80)
        var garbage = a
        for i in 0..<12 { for j in (i + 1)..<12 { garbage[i, j] = (i + j) % 2 == 0 ? .nan : -1e6 } }
        let clean = try LAPACK.cholesky(a), dirty = try LAPACK.cholesky(garbage)
        #expect(bits(clean.lower) == bits(dirty.lower))
        #expect(clean.reciprocalCondition == dirty.reciprocalCondition && clean.oneNorm == dirty.oneNorm)
        // A square row block of a taller matrix factors like the copied block.
        var tall = try Matrix<S>(rows: 15, columns: 12, repeating: 99)
        for i in 0..<12 { for j in 0..<12 { tall[i + 2, j] = a[i, j] } }
        #expect(bits(try LAPACK.cholesky(tall.rowBlock(2..<14)).lower) == bits(clean.lower))
    }

    @Test("only the lower triangle is read (NaN and garbage above the diagonal change nothing)", arguments: bothScalars)
    func lowerOnly(_ type: any LinearAlgebraScalar.Type) throws { try checkLowerOnly(type) }

    func checkConditionEstimate<S: LinearAlgebraScalar>(_: S.Type) throws {
        // diag(1, 1e-6): ||A||_1 = 1, ||A^-1||_1 = 1e6, so cond_1 is exactly 1e6.
        let d = try Inputs.matrix(S.self, [[1, 0], [0, 1e-6]])
        let c = try LAPACK.cholesky(d)
        #expect(Double(c.conditionEstimate) >= 1e6 / 3 && Double(c.conditionEstimate) <= 3e6, "\(c.conditionEstimate)")
        #expect(c.oneNorm == 1)
        // The 4x4 Hilbert matrix: cond_1 = 28375 exactly (its inverse has integer entries).
        let h4 = try Inputs.matrix(S.self, (0..<4).map { i in (0..<4).map { j in 1 / Double(i + j + 1) } })
        let r4 = Double(try LAPACK.cholesky(h4).reciprocalCondition)
        #expect(r4 >= 1 / (3 * 28375.0) && r4 <= 1.01 / 28375, "\(r4)")
    }

    @Test("condition estimate: diag(1, 1e-6) gives 1e6, Hilbert(4) gives 28375, within a factor 3", arguments: bothScalars)
    func conditionEstimate(_ type: any LinearAlgebraScalar.Type) throws { try checkConditionEstimate(type) }

    @Test("an ill-conditioned Hilbert matrix (order 10, cond ~ 3.5e13) has a tiny reciprocal condition")
    func hilbert() throws {
        let h = try Matrix<Double>((0..<10).map { i in (0..<10).map { j in 1 / Double(i + j + 1) } })
        let c = try LAPACK.cholesky(h)
        #expect(c.reciprocalCondition > 0 && c.reciprocalCondition < 1e-12, "\(c.reciprocalCondition)")
        #expect(c.conditionEstimate > 1e12)
    }
}
