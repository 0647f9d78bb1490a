import Testing
@testable import LinearAlgebra

@Suite("Least squares: QR (gels + trcon) and SVD (gelsd) against independent solutions")
struct LeastSquaresTests {
    /// `b - A x`, computed in Double from the S values.
    func residual<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ x: [S], _ b: [S]) -> [Double] {
        let ax = Naive.matrixVector(a.view, transposed: false, x).value
        return zip(b, ax).map { Double($0) - $1 }
    }

    func checkExactRecovery<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        // y = X beta, with y rounded to S: both solvers recover beta to the precision of S times
        // cond(X) (asserted small below, so Tolerance.solve applies).
        let x = try Inputs.uniform(S.self, dims.rows, dims.columns, seed: 90)
        let beta = (0..<dims.columns).map { S(Double($0) - 1.5) }
        let y = Naive.matrixVector(x.view, transposed: false, beta).value.map { S($0) }
        let qr = try LAPACK.leastSquaresQR(x, y)
        let svd = try LAPACK.leastSquaresSVD(x, y)
        #expect(svd.conditionNumber < 1e3, "the tolerance assumes a well-conditioned X")
        #expect(qr.solution.shape == Shape(rows: dims.columns, columns: 1) && svd.solution.shape == qr.solution.shape)
        for j in 0..<dims.columns {
            #expect(close(Double(qr.solution[j, 0]), Double(beta[j]), relative: Tolerance.solve(S.self)), "QR beta[\(j)]: \(qr.solution[j, 0])")
            #expect(close(Double(svd.solution[j, 0]), Double(beta[j]), relative: Tolerance.solve(S.self)), "SVD beta[\(j)]: \(svd.solution[j, 0])")
        }
        #expect(svd.rank == dims.columns)
        #expect(svd.singularValues.count == dims.columns)
        #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 }, "singular values descend")
        #expect(svd.cutoff == S.ulpOfOne * S(Swift.max(dims.rows, dims.columns)), "numpy's default cutoff")
        #expect(qr.reciprocalCondition > 0 && qr.reciprocalCondition <= 1)
        // The residual is zero up to the rounding of y: each entry is off by at most eps |y_i|.
        let yNorm = y.reduce(0.0) { Swift.max($0, abs(Double($1))) }
        #expect(Double(qr.residualSumOfSquares[0]) <= Double(dims.rows) * (100 * Tolerance.eps(S.self) * yNorm) * (100 * Tolerance.eps(S.self) * yNorm))
    }

    @Test("exactly linear y: QR and SVD recover beta", arguments: bothScalars, [Dims(1, 1), Dims(50, 3), Dims(200, 7), Dims(17, 17)])
    func exactRecovery(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkExactRecovery(type, dims) }

    func checkNoisy<S: LinearAlgebraScalar>(_: S.Type) throws {
        let (m, n) = (120, 4)
        let a = try Inputs.normal(S.self, m, n, seed: 91)
        let b = try Inputs.normal(S.self, m, 3, seed: 92)
        let qr = try LAPACK.leastSquaresQR(a, b)
        let svd = try LAPACK.leastSquaresSVD(a, b)
        #expect(qr.solution.shape == Shape(rows: n, columns: 3) && svd.solution.shape == Shape(rows: n, columns: 3))
        #expect(svd.conditionNumber < 10, "the tolerances assume a well-conditioned A")
        let columnNorms = (0..<n).map { j in (0..<m).reduce(0.0) { $0 + Double(a[$1, j]) * Double(a[$1, j]) }.squareRoot() }
        for k in 0..<3 {
            let bk = (0..<m).map { b[$0, k] }
            // Independent answer: the normal equations solved in Double (error ~ cond^2 * 1e-16).
            let reference = Naive.normalEquations(a, bk)
            for (name, solution) in [("QR", qr.solution), ("SVD", svd.solution)] {
                let x = (0..<n).map { solution[$0, k] }
                for j in 0..<n {
                    #expect(close(Double(x[j]), reference[j], relative: Tolerance.solve(S.self)), "\(name) rhs \(k) x[\(j)]")
                }
                // The residual is orthogonal to every column: a backward-stable solve gives
                // |a_j . r| <= c m eps ||a_j|| (||A|| ||x|| + ||b||); c = 10 leaves a margin, while a
                // wrong solution (off by 1e-3 relative) would leave a_j . r ~ ||a_j||^2 * 1e-3.
                let r = residual(a, x, bk)
                let xNorm = x.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let bNorm = bk.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let aNorm = columnNorms.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                for j in 0..<n {
                    let atr = (0..<m).reduce(0.0) { $0 + Double(a[$1, j]) * r[$1] }
                    let bound = 10 * Double(m) * Tolerance.eps(S.self) * columnNorms[j] * (aNorm * xNorm + bNorm)
                    #expect(abs(atr) <= bound, "\(name) rhs \(k): a_\(j) . r = \(atr), bound \(bound)")
                }
                if name == "QR" {
                    // gels's residual sum of squares equals ||b - A x||^2 (to the solve's precision;
                    // an error in x changes it only to second order, r being orthogonal to range(A)).
                    let rss = r.reduce(0.0) { $0 + $1 * $1 }
                    #expect(abs(Double(qr.residualSumOfSquares[k]) - rss) <= Tolerance.solve(S.self) * rss, "RSS rhs \(k)")
                }
            }
            // One right-hand side at a time gives the same solution (to rounding).
            let single = try LAPACK.leastSquaresQR(a, bk).solution
            for j in 0..<n { #expect(close(Double(single[j, 0]), Double(qr.solution[j, k]), relative: Tolerance.solve(S.self))) }
        }
        #expect(qr.residualSumOfSquares.count == 3)
    }

    @Test("noisy tall problem: matches normal equations in Double, residual orthogonal to columns, RSS", arguments: bothScalars)
    func noisy(_ type: any LinearAlgebraScalar.Type) throws { try checkNoisy(type) }

    func checkWide<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        // Underdetermined, full row rank: infinitely many exact solutions; both solvers must return
        // the one of minimum norm, x = A^T (A A^T)^-1 b (computed independently in Double).
        let a = try Inputs.uniform(S.self, dims.rows, dims.columns, seed: 93)
        let b = try Inputs.vector(S.self, dims.rows, seed: 94)
        let reference = Naive.minimumNorm(a, b)
        let qr = try LAPACK.leastSquaresQR(a, b), svd = try LAPACK.leastSquaresSVD(a, b)
        #expect(svd.rank == dims.rows && svd.singularValues.count == dims.rows)
        #expect(qr.residualSumOfSquares == [0], "no residual for a wide full-rank system")
        #expect(qr.reciprocalCondition > 0)
        for (name, solution) in [("LQ", qr.solution), ("SVD", svd.solution)] {
            #expect(solution.shape == Shape(rows: dims.columns, columns: 1))
            let x = solution.elements
            for j in 0..<dims.columns {
                #expect(close(Double(x[j]), reference[j], relative: Tolerance.solve(S.self)), "\(name) x[\(j)]")
            }
            // A x = b exactly up to a backward-stable solve's residual: |r_i| <= c n eps (|A| |x|)_i + eps |b_i|.
            let r = residual(a, x, b)
            let magnitude = Naive.matrixVector(a.view, transposed: false, x).magnitude
            for i in 0..<dims.rows {
                #expect(abs(r[i]) <= Tolerance.products(S.self, terms: 10 * dims.columns, magnitude: magnitude[i] + abs(Double(b[i]))),
                        "\(name) row \(i): residual \(r[i])")
            }
        }
    }

    @Test("wide problems: QR (LQ) and SVD give the minimum-norm exact solution",
          arguments: bothScalars, [Dims(1, 4), Dims(3, 8), Dims(3, 50), Dims(5, 40)])
    func wide(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkWide(type, dims) }

    func checkRankDeficient<S: LinearAlgebraScalar>(_: S.Type) throws {
        // Columns [u, v, v]: rank 2. y = 2u + 4v; every (2, c, 4 - c) fits exactly and the minimum
        // norm one splits the duplicated coefficient into equal halves: (2, 2, 2).
        var g = SeededGenerator(seed: 95)
        var rows: [[Double]] = []
        for _ in 0..<30 { let u = g.nextUniform() - 0.5, v = g.nextUniform() - 0.5; rows.append([u, v, v]) }
        let a = try Inputs.matrix(S.self, rows)
        let y = (0..<30).map { 2 * a[$0, 0] + 4 * a[$0, 1] }
        let svd = try LAPACK.leastSquaresSVD(a, y)
        #expect(svd.rank == 2)
        for j in 0..<3 { #expect(close(Double(svd.solution[j, 0]), 2, relative: Tolerance.solve(S.self)), "x[\(j)] = \(svd.solution[j, 0])") }
        #expect(Double(svd.conditionNumber) > 1 / (100 * Tolerance.eps(S.self)))

        // A zero column: its minimum-norm coefficient is 0, and the others are unaffected.
        let z = try Inputs.matrix(S.self, rows.map { [$0[0], 0, $0[1]] })
        let yz = (0..<30).map { z[$0, 0] - 3 * z[$0, 2] }
        let svdZ = try LAPACK.leastSquaresSVD(z, yz)
        #expect(svdZ.rank == 2 && Double(svdZ.singularValues[2]) <= 10 * Tolerance.eps(S.self) * Double(svdZ.singularValues[0]))
        #expect(close(Double(svdZ.solution[0, 0]), 1, relative: Tolerance.solve(S.self)))
        #expect(abs(Double(svdZ.solution[1, 0])) <= Tolerance.solve(S.self))
        #expect(close(Double(svdZ.solution[2, 0]), -3, relative: Tolerance.solve(S.self)))
        #expect(Double(svdZ.conditionNumber) > 1 / (100 * Tolerance.eps(S.self)))
    }

    @Test("SVD on rank-deficient problems: duplicated column gives rank n-1 and equal halves; zero column gives 0",
          arguments: bothScalars)
    func rankDeficient(_ type: any LinearAlgebraScalar.Type) throws { try checkRankDeficient(type) }

    func checkSingularValues<S: LinearAlgebraScalar>(_: S.Type) throws {
        // Known: the singular values of a (signed, permuted, padded) diagonal matrix are the sorted
        // |d_i|, to a few eps of the largest (the bidiagonal SVD iterates even on a diagonal input).
        let tall = try Inputs.matrix(S.self, [[3, 0], [0, -5], [0, 0]])
        let wide = try Inputs.matrix(S.self, [[0, 2, 0], [1, 0, 0]])
        for (a, expected) in [(tall, [5.0, 3]), (wide, [2.0, 1])] {
            let sigma = try LAPACK.leastSquaresSVD(a, [S](repeating: 1, count: a.rows)).singularValues
            #expect(sigma.count == 2)
            for (s, e) in zip(sigma, expected) { #expect(abs(Double(s) - e) <= 4 * Tolerance.eps(S.self) * expected[0], "\(sigma)") }
        }

        // Against sqrt(eigenvalues of A^T A) from the symmetric eigensolver. A perturbation of
        // eps ||A||^2 in an eigenvalue moves sqrt(lambda) by ~eps ||A||^2 / sigma; with cond(A) < 10
        // that is well inside Tolerance.solve * sigma_max.
        let a = try Inputs.normal(S.self, 40, 6, seed: 96)
        let sigma = try LAPACK.leastSquaresSVD(a, try Matrix<S>(rows: 40, columns: 1)).singularValues
        let lambda = try LAPACK.symmetricEigen(BLAS.gram(a), computeVectors: false).eigenvalues
        #expect(sigma.count == 6 && lambda.count == 6)
        for (s, l) in zip(sigma, lambda.reversed()) {
            #expect(abs(Double(s) - Double(l).squareRoot()) <= Tolerance.solve(S.self) * Double(sigma[0]), "\(s) vs sqrt(\(l))")
        }
    }

    @Test("singular values: a known diagonal matrix, and sqrt(eig(A^T A))", arguments: bothScalars)
    func singularValues(_ type: any LinearAlgebraScalar.Type) throws { try checkSingularValues(type) }

    func checkCutoffAndCondition<S: LinearAlgebraScalar>(_: S.Type) throws {
        // diag(5, 3, 0.125): with the default cutoff all three count; with cutoff 0.05 the third
        // (0.125 < 0.05 * 5) is treated as zero and its component of the solution dropped.
        let d = try Inputs.matrix(S.self, [[5, 0, 0], [0, 3, 0], [0, 0, 0.125]])
        let b: [S] = [5, 3, 0.125]
        let full = try LAPACK.leastSquaresSVD(d, b)
        #expect(full.rank == 3)
        for j in 0..<3 { #expect(close(Double(full.solution[j, 0]), 1, relative: Tolerance.solve(S.self))) }
        #expect(close(Double(full.conditionNumber), 40, relative: Tolerance.solve(S.self)))
        let truncated = try LAPACK.leastSquaresSVD(d, b, cutoff: 0.05)
        #expect(truncated.rank == 2 && truncated.cutoff == 0.05)
        #expect(close(Double(truncated.solution[0, 0]), 1, relative: Tolerance.solve(S.self)))
        #expect(close(Double(truncated.solution[1, 0]), 1, relative: Tolerance.solve(S.self)))
        #expect(truncated.solution[2, 0] == 0)
        #expect(try LAPACK.leastSquaresSVD(d, b, cutoff: 0).rank == 3)

        // QR's condition estimate: R = diag(1, 1e-3) (up to signs) has 1-norm condition exactly 1e3,
        // for a tall A (R from QR) and for a wide one (L from LQ).
        let tall = try Inputs.matrix(S.self, [[1, 0], [0, 1e-3], [0, 0]])
        let wide = try Inputs.matrix(S.self, [[1, 0, 0], [0, 1e-3, 0]])
        for a in [tall, wide] {
            let r = Double(try LAPACK.leastSquaresQR(a, [S](repeating: 1, count: a.rows)).reciprocalCondition)
            #expect(r >= 1e-3 / 3 && r <= 3e-3, "\(a.shape): \(r)")
        }
        #expect(Double(try LAPACK.leastSquaresQR(Inputs.matrix(S.self, [[2, 0], [0, 2]]), [S(1), 1]).reciprocalCondition) == 1)
        // Non-diagonal factors, so that reading the wrong triangle would show: R = [[1, 1000], [0, 1]]
        // for the tall A, L = [[1, 0], [1000, 1]] for the wide one (the Householder vectors are zero
        // here); both have cond_1 = 1001 * 1001, and trcon's estimate is exact for a 2x2 triangle.
        let tallSkew = try Inputs.matrix(S.self, [[1, 1000], [0, 1], [0, 0]])
        let wideSkew = try Inputs.matrix(S.self, [[1, 0, 0], [1000, 1, 0]])
        for a in [tallSkew, wideSkew] {
            let r = Double(try LAPACK.leastSquaresQR(a, [S](repeating: 1, count: a.rows)).reciprocalCondition)
            #expect(close(r * 1001 * 1001, 1, relative: Tolerance.solve(S.self)), "\(a.shape): \(r)")
        }
    }

    @Test("SVD cutoff decides the rank; QR reports 1 / cond(R)", arguments: bothScalars)
    func cutoffAndCondition(_ type: any LinearAlgebraScalar.Type) throws { try checkCutoffAndCondition(type) }

    func checkEmpty<S: LinearAlgebraScalar>(_: S.Type) throws {
        // No equations: x = 0 is the minimum-norm minimiser.
        let noRows = try LAPACK.leastSquaresQR(Matrix<S>(rows: 0, columns: 3), Matrix<S>(rows: 0, columns: 2))
        #expect(noRows.solution == (try Matrix<S>(rows: 3, columns: 2)) && noRows.residualSumOfSquares == [0, 0])
        let noRowsSVD = try LAPACK.leastSquaresSVD(Matrix<S>(rows: 0, columns: 3), [S]())
        #expect(noRowsSVD.solution.shape == Shape(rows: 3, columns: 1) && noRowsSVD.rank == 0 && noRowsSVD.singularValues.isEmpty)
        // No unknowns: the residual is b itself.
        let b = try Inputs.matrix(S.self, [[1, 2], [3, 4], [0, 1]])
        let noColumns = try LAPACK.leastSquaresQR(Matrix<S>(rows: 3, columns: 0), b)
        #expect(noColumns.solution.shape == Shape(rows: 0, columns: 2) && noColumns.residualSumOfSquares == [10, 21])
        #expect(noColumns.reciprocalCondition == 1)
        #expect(try LAPACK.leastSquaresSVD(Matrix<S>(rows: 3, columns: 0), b).solution.shape == Shape(rows: 0, columns: 2))
        // No right-hand sides: an n x 0 solution, but A's rank, singular values and condition are
        // still A's (they do not depend on B).
        let a = try Inputs.matrix(S.self, [[2, 0], [0, 1], [0, 0]])
        let qr0 = try LAPACK.leastSquaresQR(a, Matrix<S>(rows: 3, columns: 0))
        #expect(qr0.solution.shape == Shape(rows: 2, columns: 0) && qr0.residualSumOfSquares.isEmpty)
        #expect(qr0.reciprocalCondition == 0.5, "1 / cond_1(diag(2, 1))")
        let svd0 = try LAPACK.leastSquaresSVD(a, Matrix<S>(rows: 3, columns: 0))
        #expect(svd0.solution.shape == Shape(rows: 2, columns: 0))
        #expect(svd0.rank == 2 && svd0.singularValues.count == 2)
        #expect(zip(svd0.singularValues, [2.0, 1]).allSatisfy { abs(Double($0) - $1) <= 8 * Tolerance.eps(S.self) })
    }

    @Test("empty problems: no rows, no columns, no right-hand sides", arguments: bothScalars)
    func empty(_ type: any LinearAlgebraScalar.Type) throws { try checkEmpty(type) }

    func checkViews<S: LinearAlgebraScalar>(_: S.Type) throws {
        // The wrappers copy A and B into LAPACK's layout first, so a view and its copy give identical bits.
        let parent = try Inputs.normal(S.self, 80, 8, seed: 97)
        let a = Inputs.columnWindow(parent, 1..<5)      // 80 x 4, non-contiguous
        let blockA = try parent.rowBlock(10..<70)       // 60 x 8, offset
        let targets = try Inputs.normal(S.self, 80, 3, seed: 98)
        let b = try targets.rowBlock(0..<80), blockB = try targets.rowBlock(10..<70)
        #expect(bits(try LAPACK.leastSquaresQR(a, b).solution) == bits(try LAPACK.leastSquaresQR(a.copy(), b.copy()).solution))
        #expect(bits(try LAPACK.leastSquaresSVD(a, b).solution) == bits(try LAPACK.leastSquaresSVD(a.copy(), b.copy()).solution))
        #expect(bits(try LAPACK.leastSquaresQR(blockA, blockB).solution) == bits(try LAPACK.leastSquaresQR(blockA.copy(), blockB.copy()).solution))
        #expect(bits(try LAPACK.leastSquaresSVD(blockA, blockB).solution) == bits(try LAPACK.leastSquaresSVD(blockA.copy(), blockB.copy()).solution))
    }

    @Test("row-block and non-contiguous operands give the same bits as their copies", arguments: bothScalars)
    func views(_ type: any LinearAlgebraScalar.Type) throws { try checkViews(type) }
}
