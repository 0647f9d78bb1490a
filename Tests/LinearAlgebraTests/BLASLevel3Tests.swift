import Testing
@testable import LinearAlgebra

@Suite("BLAS level 3 (gemm, matrixProduct, syrk, gram) against naive Double loops")
struct BLASLevel3Tests {
    /// `C <- alpha op(A) op(B) + beta C` checked entry by entry against the naive product.
    func expectGEMM<S: LinearAlgebraScalar>(
        _ a: MatrixView<S>, transposeA: Bool, _ b: MatrixView<S>, transposeB: Bool,
        alpha: S, beta: S, label: String
    ) throws {
        let m = Naive.opShape(a, transposed: transposeA).rows, k = Naive.opShape(a, transposed: transposeA).columns
        let n = Naive.opShape(b, transposed: transposeB).columns
        var c = try Inputs.uniform(S.self, m, n, seed: 50)
        let c0 = c
        try BLAS.gemm(alpha: alpha, a, transposeA: transposeA ? .transpose : .none,
                      b, transposeB: transposeB ? .transpose : .none, beta: beta, into: &c)
        #expect(c.shape == Shape(rows: m, columns: n))
        let (value, magnitude) = Naive.product(a, transposeA: transposeA, b, transposeB: transposeB)
        for i in 0..<m {
            for j in 0..<n {
                let expected = Double(alpha) * value[i][j] + Double(beta) * Double(c0[i, j])
                // k products plus the alpha and beta terms (see Tolerance.products).
                let bound = Tolerance.products(S.self, terms: k + 2,
                                               magnitude: abs(Double(alpha)) * magnitude[i][j] + abs(Double(beta) * Double(c0[i, j])))
                #expect(abs(Double(c[i, j]) - expected) <= bound, "\(label) (\(i), \(j)): \(c[i, j]) vs \(expected)")
            }
        }
    }

    func checkGEMM<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        let (m, k) = (dims.rows, dims.columns)
        for n in [0, 1, 5] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = try ta ? Inputs.uniform(S.self, k, m, seed: 51) : Inputs.uniform(S.self, m, k, seed: 51)
                let b = try tb ? Inputs.uniform(S.self, n, k, seed: 52) : Inputs.uniform(S.self, k, n, seed: 52)
                for (alpha, beta) in [(S(1), S(0)), (S(1.5), S(-1))] {
                    try expectGEMM(a.view, transposeA: ta, b.view, transposeB: tb, alpha: alpha, beta: beta,
                                   label: "m=\(m) k=\(k) n=\(n) ta=\(ta) tb=\(tb) alpha=\(alpha) beta=\(beta)")
                }
                // matrixProduct is gemm with alpha 1, beta 0 into a fresh C.
                let p = try BLAS.matrixProduct(a, transposeA: ta ? .transpose : .none, b, transposeB: tb ? .transpose : .none)
                let (value, magnitude) = Naive.product(a.view, transposeA: ta, b.view, transposeB: tb)
                #expect(p.shape == Shape(rows: m, columns: n))
                for i in 0..<m {
                    for j in 0..<n {
                        #expect(abs(Double(p[i, j]) - value[i][j]) <= Tolerance.products(S.self, terms: k, magnitude: magnitude[i][j]))
                    }
                }
            }
        }
    }

    // m x k from the shared shapes, n in {0, 1, 5}, all four transpose combinations, two (alpha, beta).
    @Test("gemm over shapes x transposes x (alpha, beta); matrixProduct", arguments: bothScalars, Dims.all)
    func gemm(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkGEMM(type, dims) }

    func checkGEMMViews<S: LinearAlgebraScalar>(_: S.Type) throws {
        let parent = try Inputs.uniform(S.self, 40, 11, seed: 53)
        let block = try parent.rowBlock(5..<16)          // 11 x 11, offset
        let window = Inputs.columnWindow(parent, 2..<9)  // 40 x 7, leading dimension 11
        let other = try Inputs.uniform(S.self, 30, 11, seed: 54)
        let otherWindow = Inputs.columnWindow(other, 4..<11)  // 30 x 7
        try expectGEMM(window, transposeA: true, window, transposeB: false, alpha: 1, beta: 0, label: "W^T W")
        try expectGEMM(block, transposeA: false, window.rowBlock(0..<11), transposeB: false, alpha: 2, beta: 0.5, label: "block x window")
        try expectGEMM(otherWindow, transposeA: false, window, transposeB: true, alpha: -1, beta: 1, label: "window x window^T")
        try expectGEMM(window, transposeA: true, Inputs.columnWindow(parent, 8..<11), transposeB: false, alpha: 1, beta: 0,
                       label: "window^T x window")
        try expectGEMM(block, transposeA: true, parent.rowBlock(20..<27), transposeB: true, alpha: 1, beta: 0, label: "block^T x block^T")
    }

    @Test("gemm on row blocks and non-contiguous windows", arguments: bothScalars)
    func gemmViews(_ type: any LinearAlgebraScalar.Type) throws { try checkGEMMViews(type) }

    func checkGEMMEmptyInner<S: LinearAlgebraScalar>(_: S.Type) throws {
        // k = 0: op(A) op(B) is an empty sum, so C <- beta C; beta = 0 clears even NaN.
        let a = try Matrix<S>(rows: 2, columns: 0), b = try Matrix<S>(rows: 0, columns: 3)
        var c = try Inputs.matrix(S.self, [[1, 2, .nan], [4, -5, 6]])
        try BLAS.gemm(alpha: 7, a, b, beta: 3, into: &c)
        #expect(c[0, 0] == 3 && c[0, 1] == 6 && c[0, 2].isNaN && c[1, 1] == -15 && c[1, 2] == 18)
        try BLAS.gemm(alpha: 7, a, b, beta: 0, into: &c)
        #expect(c.elements == [0, 0, 0, 0, 0, 0])
        #expect(try BLAS.matrixProduct(a, b) == Matrix<S>(rows: 2, columns: 3))
    }

    @Test("gemm with an empty inner dimension scales C by beta", arguments: bothScalars)
    func gemmEmptyInner(_ type: any LinearAlgebraScalar.Type) throws { try checkGEMMEmptyInner(type) }

    func checkSYRK<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        let a = try Inputs.uniform(S.self, dims.rows, dims.columns, seed: 55)
        for transpose in [Transpose.transpose, .none] {
            // .transpose: C = A^T A (order = columns, inner = rows); .none: C = A A^T.
            let transposed = transpose == .transpose
            let (order, inner) = transposed ? (dims.columns, dims.rows) : (dims.rows, dims.columns)
            let (value, magnitude) = Naive.product(a.view, transposeA: transposed, a.view, transposeB: !transposed)
            for triangle in [Triangle.upper, .lower] {
                for (alpha, beta) in [(S(1), S(0)), (S(-0.5), S(2))] {
                    // The other triangle holds a sentinel that must survive untouched.
                    var c = try Inputs.uniform(S.self, order, order, seed: 56)
                    for i in 0..<order { for j in 0..<order where triangle == .upper ? j < i : j > i { c[i, j] = 1234.5 } }
                    let c0 = c
                    try BLAS.syrk(alpha: alpha, a, transpose: transpose, beta: beta, into: &c, triangle: triangle)
                    for i in 0..<order {
                        for j in 0..<order {
                            let inTriangle = triangle == .upper ? j >= i : j <= i
                            if inTriangle {
                                let expected = Double(alpha) * value[i][j] + Double(beta) * Double(c0[i, j])
                                let bound = Tolerance.products(S.self, terms: inner + 2,
                                                               magnitude: abs(Double(alpha)) * magnitude[i][j] + abs(Double(beta) * Double(c0[i, j])))
                                #expect(abs(Double(c[i, j]) - expected) <= bound,
                                        "\(dims.testDescription) \(transpose) \(triangle) (\(i), \(j))")
                            } else {
                                #expect(c[i, j] == 1234.5, "\(dims.testDescription) \(transpose) \(triangle): (\(i), \(j)) was written")
                            }
                        }
                    }
                }
            }
        }
        // gram: both triangles, exactly symmetric, equal to A^T A.
        let g = try BLAS.gram(a)
        let (value, magnitude) = Naive.product(a.view, transposeA: true, a.view, transposeB: false)
        #expect(g.shape == Shape(rows: dims.columns, columns: dims.columns))
        for i in 0..<dims.columns {
            for j in 0..<dims.columns {
                #expect(g[i, j] == g[j, i])
                #expect(abs(Double(g[i, j]) - value[i][j]) <= Tolerance.products(S.self, terms: dims.rows, magnitude: magnitude[i][j]))
            }
        }
    }

    // Includes inner = 0 (0x4 with .transpose, 4x0 with .none): only the triangle is scaled by beta.
    @Test("syrk: A^T A and A A^T, upper and lower, alpha/beta, other triangle untouched; gram",
          arguments: bothScalars, Dims.all)
    func syrk(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkSYRK(type, dims) }

    func checkSYRKViews<S: LinearAlgebraScalar>(_: S.Type) throws {
        let parent = try Inputs.uniform(S.self, 50, 10, seed: 57)
        for view in [try parent.rowBlock(7..<43), Inputs.columnWindow(parent, 1..<6)] {
            var c = try Matrix<S>(rows: view.columns, columns: view.columns)
            try BLAS.syrk(view, into: &c, triangle: .lower)
            let (value, magnitude) = Naive.product(view, transposeA: true, view, transposeB: false)
            for i in 0..<view.columns {
                for j in 0...i {
                    #expect(abs(Double(c[i, j]) - value[i][j]) <= Tolerance.products(S.self, terms: view.rows, magnitude: magnitude[i][j]))
                }
            }
            #expect(try BLAS.gram(view).shape == Shape(rows: view.columns, columns: view.columns))
        }
    }

    @Test("syrk and gram on row blocks and non-contiguous windows", arguments: bothScalars)
    func syrkViews(_ type: any LinearAlgebraScalar.Type) throws { try checkSYRKViews(type) }

    @Test("generic and concrete entry points give the same bits")
    func genericMatchesConcrete() throws {
        func generic<S: LinearAlgebraScalar>(_ a: Matrix<S>) throws -> Matrix<S> { try BLAS.matrixProduct(a, transposeA: .transpose, a) }
        let a = try Inputs.uniform(Double.self, 64, 9, seed: 58)
        #expect(bits(try generic(a)) == bits(try BLAS.matrixProduct(a, transposeA: .transpose, a)))
    }
}
