import Testing
@testable import LinearAlgebra

@Suite("Symmetric eigendecomposition (syevd)")
struct SymmetricEigenTests {
    /// A random symmetric matrix with eigenvalues of both signs: (G + G^T) / 2 for a normal G.
    func symmetric<S: LinearAlgebraScalar>(_: S.Type, _ n: Int, seed: UInt64) throws -> Matrix<S> {
        let g = try Inputs.normal(S.self, n, n, seed: seed)
        var a = g
        for i in 0..<n { for j in 0..<n { a[i, j] = (g[i, j] + g[j, i]) / 2 } }
        return a
    }

    func checkDecomposition<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let a = try symmetric(S.self, n, seed: UInt64(110 + n))
        let e = try LAPACK.symmetricEigen(a)
        let v = try #require(e.eigenvectors)
        let w = e.eigenvalues
        #expect(w.count == n && v.shape == Shape(rows: n, columns: n))
        #expect(zip(w, w.dropFirst()).allSatisfy { $0 <= $1 }, "ascending: \(w)")
        // Backward stability: ||A V - V diag(w)|| and ||V^T V - I|| are O(n eps ||A||). Per entry we
        // allow 10 n eps ||A||_max-norm-scaled (a wrong layout or a transposed V gives O(||A||)).
        let scale = Swift.max(abs(Double(w.first ?? 1)), abs(Double(w.last ?? 1)))
        let av = Naive.product(a.view, transposeA: false, v.view, transposeB: false).value
        let vtv = Naive.product(v.view, transposeA: true, v.view, transposeB: false).value
        let bound = 10 * Double(Swift.max(n, 1)) * Tolerance.eps(S.self)
        for i in 0..<n {
            for k in 0..<n {
                #expect(abs(av[i][k] - Double(v[i, k]) * Double(w[k])) <= bound * scale, "A v_\(k), row \(i)")
                #expect(abs(vtv[i][k] - (i == k ? 1 : 0)) <= bound, "V^T V (\(i), \(k))")
            }
        }
        // The trace is the sum of the eigenvalues.
        let trace = (0..<n).reduce(0.0) { $0 + Double(a[$1, $1]) }
        #expect(abs(trace - w.reduce(0.0) { $0 + Double($1) }) <= bound * scale * Double(Swift.max(n, 1)))
        // Eigenvalues alone (a different LAPACK path) agree with those computed with the vectors.
        let valuesOnly = try LAPACK.symmetricEigen(a, computeVectors: false)
        #expect(valuesOnly.eigenvectors == nil && valuesOnly.eigenvalues.count == n)
        for (x, y) in zip(valuesOnly.eigenvalues, w) { #expect(abs(Double(x) - Double(y)) <= bound * scale) }
    }

    @Test("A V = V diag(w), V^T V = I, ascending, trace; values-only agrees", arguments: bothScalars, [0, 1, 2, 10, 25, 60])
    func decomposition(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkDecomposition(type, n) }

    func checkKnown<S: LinearAlgebraScalar>(_: S.Type) throws {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, -1) / sqrt 2 and (1, 1) / sqrt 2.
        let e = try LAPACK.symmetricEigen(Inputs.matrix(S.self, [[2, 1], [1, 2]]))
        let tolerance = 8 * Tolerance.eps(S.self)
        #expect(abs(Double(e.eigenvalues[0]) - 1) <= tolerance && abs(Double(e.eigenvalues[1]) - 3) <= 3 * tolerance)
        let v = try #require(e.eigenvectors)
        let r = 0.5.squareRoot()
        // Signs are LAPACK's choice: compare up to sign.
        #expect(abs(abs(Double(v[0, 0])) - r) <= tolerance && abs(Double(v[0, 0]) + Double(v[1, 0])) <= tolerance)
        #expect(abs(abs(Double(v[0, 1])) - r) <= tolerance && abs(Double(v[0, 1]) - Double(v[1, 1])) <= tolerance)
        // A diagonal matrix: its sorted diagonal, exactly.
        let d = try LAPACK.symmetricEigen(Inputs.matrix(S.self, [[4, 0, 0], [0, -2, 0], [0, 0, 0.5]]), computeVectors: false)
        #expect(d.eigenvalues == [-2, 0.5, 4])
    }

    @Test("known spectra: [[2, 1], [1, 2]] and a diagonal matrix", arguments: bothScalars)
    func known(_ type: any LinearAlgebraScalar.Type) throws { try checkKnown(type) }

    func checkLowerOnly<S: LinearAlgebraScalar>(_: S.Type) throws {
        let a = try symmetric(S.self, 15, seed: 120)
        var garbage = a
        for i in 0..<15 { for j in (i + 1)..<15 { garbage[i, j] = (i * j) % 3 == 0 ? .infinity : S(1e4 * Double(i - j)) } }
        let clean = try LAPACK.symmetricEigen(a), dirty = try LAPACK.symmetricEigen(garbage)
        #expect(bits(clean.eigenvalues) == bits(dirty.eigenvalues))
        #expect(bits(try #require(clean.eigenvectors)) == bits(try #require(dirty.eigenvectors)))
        // A square row block of a taller matrix decomposes like the copied block.
        var tall = try Matrix<S>(rows: 18, columns: 15, repeating: 7)
        for i in 0..<15 { for j in 0..<15 { tall[i + 1, j] = a[i, j] } }
        #expect(bits(try LAPACK.symmetricEigen(tall.rowBlock(1..<16)).eigenvalues) == bits(clean.eigenvalues))
    }

    @Test("only the lower triangle is read (garbage and infinities above the diagonal change nothing)", arguments: bothScalars)
    func lowerOnly(_ type: any LinearAlgebraScalar.Type) throws { try checkLowerOnly(type) }
}
