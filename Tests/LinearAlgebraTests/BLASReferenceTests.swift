import Testing
@testable import LinearAlgebra

@Suite("BLAS wrappers against naive references, Float and Double")
struct BLASReferenceTests {
    func level1<S: LinearAlgebraScalar>(_: S.Type) throws {
        for n in [0, 1, 7, 100, 1000] {
            let x = Reference.vector(S.self, count: n, seed: 1), y = Reference.vector(S.self, count: n, seed: 2)
            var dot = 0.0, magnitude = 0.0, squares = 0.0
            for i in 0..<n { dot += Double(x[i]) * Double(y[i]); magnitude += abs(Double(x[i]) * Double(y[i])); squares += Double(x[i]) * Double(x[i]) }
            #expect(abs(Double(try BLAS.dot(x, y)) - dot) <= Reference.tolerance(S.self, terms: n, magnitude: magnitude), "dot n=\(n)")
            #expect(abs(Double(try BLAS.nrm2(x)) - squares.squareRoot()) <= Reference.tolerance(S.self, terms: n, magnitude: squares.squareRoot()))
            var z = y
            try BLAS.axpy(alpha: S(0.5), x: x, y: &z)
            for i in 0..<n { #expect(abs(Double(z[i]) - (0.5 * Double(x[i]) + Double(y[i]))) <= 4 * Double(S.ulpOfOne)) }
            var w = x
            try BLAS.scal(alpha: S(-2), x: &w)
            for i in 0..<n { #expect(w[i] == -2 * x[i]) }  // multiplication by a power of two is exact
        }
        // Strided: a column of a row-major matrix.
        let m = try Reference.random(S.self, rows: 30, columns: 5, seed: 3)
        let column = try m.column(3)
        #expect(column.stride == 5 && column.count == 30)
        var expected = 0.0
        for i in 0..<30 { expected += Double(m[i, 3]) * Double(m[i, 3]) }
        #expect(abs(Double(try BLAS.dot(column, column)) - expected) <= Reference.tolerance(S.self, terms: 30, magnitude: expected))
        #expect(abs(Double(try BLAS.nrm2(column)) - expected.squareRoot()) <= 1e-5 * expected.squareRoot())
    }

    @Test("dot, nrm2, axpy, scal (contiguous and strided)", arguments: ScalarKind.allCases)
    func levelOne(kind: ScalarKind) throws {
        kind == .float ? try level1(Float.self) : try level1(Double.self)
    }

    func gemvCheck<S: LinearAlgebraScalar>(_: S.Type) throws {
        for (rows, columns) in testShapes {
            for transpose in [Transpose.none, .transpose] {
                let a = try Reference.random(S.self, rows: rows, columns: columns, seed: 5)
                let (inCount, outCount) = transpose == .none ? (columns, rows) : (rows, columns)
                let x = Reference.vector(S.self, count: inCount, seed: 6)
                var y = Reference.vector(S.self, count: outCount, seed: 7)
                let y0 = y
                try BLAS.gemv(alpha: 2, a, transpose: transpose, x: x, beta: 0.5, y: &y)
                for i in 0..<outCount {
                    var sum = 0.0, magnitude = 0.0
                    for p in 0..<inCount {
                        let t = Reference.at(a, i, p, transposed: transpose == .transpose) * Double(x[p])
                        sum += t; magnitude += abs(t)
                    }
                    let expected = 2 * sum + 0.5 * Double(y0[i])
                    #expect(abs(Double(y[i]) - expected) <= Reference.tolerance(S.self, terms: inCount + 1, magnitude: 2 * magnitude + abs(Double(y0[i]))),
                            "gemv \(rows)x\(columns) \(transpose) row \(i)")
                }
            }
        }
        // A row block view (no copy) gives the same as the copied block.
        let big = try Reference.random(S.self, rows: 40, columns: 6, seed: 8)
        let block = try big.rowBlock(10..<25)
        let x = Reference.vector(S.self, count: 6, seed: 9)
        #expect(try BLAS.matrixVectorProduct(block, x) == BLAS.matrixVectorProduct(block.copy(), x))
    }

    @Test("gemv: shapes x transposes x alpha/beta, and row-block views", arguments: ScalarKind.allCases)
    func gemv(kind: ScalarKind) throws {
        kind == .float ? try gemvCheck(Float.self) : try gemvCheck(Double.self)
    }

    func gemmCheck<S: LinearAlgebraScalar>(_: S.Type) throws {
        for (m, k) in testShapes {
            for n in [0, 1, 5] {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    let a = try ta ? Reference.random(S.self, rows: k, columns: m, seed: 10) : Reference.random(S.self, rows: m, columns: k, seed: 10)
                    let b = try tb ? Reference.random(S.self, rows: n, columns: k, seed: 11) : Reference.random(S.self, rows: k, columns: n, seed: 11)
                    var c = try Reference.random(S.self, rows: m, columns: n, seed: 12)
                    let c0 = c
                    try BLAS.gemm(alpha: 1.5, a, transposeA: ta ? .transpose : .none, b, transposeB: tb ? .transpose : .none, beta: -1, into: &c)
                    let (values, magnitude) = Reference.product(a, ta, b, tb)
                    for i in 0..<m {
                        for j in 0..<n {
                            let expected = 1.5 * values[i][j] - Double(c0[i, j])
                            let tolerance = Reference.tolerance(S.self, terms: k + 1, magnitude: 1.5 * magnitude[i][j] + abs(Double(c0[i, j])))
                            #expect(abs(Double(c[i, j]) - expected) <= tolerance, "gemm m=\(m) k=\(k) n=\(n) ta=\(ta) tb=\(tb)")
                        }
                    }
                }
            }
        }
    }

    @Test("gemm: shapes x transposes x alpha/beta", arguments: ScalarKind.allCases)
    func gemm(kind: ScalarKind) throws {
        kind == .float ? try gemmCheck(Float.self) : try gemmCheck(Double.self)
    }

    func syrkCheck<S: LinearAlgebraScalar>(_: S.Type) throws {
        for (rows, columns) in testShapes {
            let a = try Reference.random(S.self, rows: rows, columns: columns, seed: 13)
            for triangle in [Triangle.upper, .lower] {
                var c = try Matrix<S>(rows: columns, columns: columns, repeating: 7)  // sentinel in the other triangle
                try BLAS.syrk(a, transpose: .transpose, into: &c, triangle: triangle)
                let (values, magnitude) = Reference.product(a, true, a, false)
                for i in 0..<columns {
                    for j in 0..<columns {
                        let inTriangle = triangle == .upper ? j >= i : j <= i
                        if inTriangle {
                            #expect(abs(Double(c[i, j]) - values[i][j]) <= Reference.tolerance(S.self, terms: rows, magnitude: magnitude[i][j]))
                        } else {
                            #expect(c[i, j] == 7, "syrk must not touch the other triangle")
                        }
                    }
                }
            }
            let gram = try BLAS.gram(a)
            for i in 0..<columns { for j in 0..<columns { #expect(gram[i, j] == gram[j, i]) } }
            // A A^T through transpose: .none
            var outer = try Matrix<S>(rows: rows, columns: rows)
            try BLAS.syrk(a, transpose: .none, into: &outer, triangle: .lower)
            let (ov, om) = Reference.product(a, false, a, true)
            for i in 0..<rows { for j in 0...i where rows > 0 {
                #expect(abs(Double(outer[i, j]) - ov[i][j]) <= Reference.tolerance(S.self, terms: columns, magnitude: om[i][j]))
            } }
        }
    }

    @Test("syrk: A^T A and A A^T, upper and lower, other triangle untouched; gram symmetric", arguments: ScalarKind.allCases)
    func syrk(kind: ScalarKind) throws {
        kind == .float ? try syrkCheck(Float.self) : try syrkCheck(Double.self)
    }

    @Test("generic entry point gives the same bits as the concrete type (specialisation does not change results)")
    func genericEqualsConcrete() throws {
        func generic<S: LinearAlgebraScalar>(_ a: Matrix<S>) throws -> Matrix<S> { try BLAS.matrixProduct(a, transposeA: .transpose, a) }
        let a = try Reference.random(Double.self, rows: 64, columns: 9, seed: 21)
        #expect(try generic(a) == BLAS.matrixProduct(a, transposeA: .transpose, a))
    }
}
