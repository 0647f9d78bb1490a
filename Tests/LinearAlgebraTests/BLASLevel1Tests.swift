import Testing
@testable import LinearAlgebra

@Suite("BLAS level 1 (dot, nrm2, axpy, scal) against naive Double loops")
struct BLASLevel1Tests {
    static let lengths = [0, 1, 2, 7, 31, 100, 1000]

    func checkDot<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let x = try Inputs.vector(S.self, n, seed: 10), y = try Inputs.vector(S.self, n, seed: 11)
        let (expected, magnitude) = Naive.dot(x, y)
        // A sum of n products in S: Higham's bound (see Tolerance.products).
        let tolerance = Tolerance.products(S.self, terms: n, magnitude: magnitude)
        #expect(abs(Double(try BLAS.dot(x, y)) - expected) <= tolerance, "n=\(n)")

        // Strided operands: columns 1 and 2 of an n x 3 matrix (stride 3), and a column of a row block.
        let m = try Inputs.uniform(S.self, n, 3, seed: 12)
        let c1 = try m.column(1), c2 = try m.column(2)
        #expect(c1.stride == 3)
        let (stridedExpected, stridedMagnitude) = Naive.dot(c1.array, c2.array)
        #expect(abs(Double(try BLAS.dot(c1, c2)) - stridedExpected)
                <= Tolerance.products(S.self, terms: n, magnitude: stridedMagnitude))
        // Mixed strides: a contiguous array against a strided column.
        let (mixedExpected, mixedMagnitude) = Naive.dot(x, c1.array)
        #expect(abs(Double(try BLAS.dot(x, c1)) - mixedExpected) <= Tolerance.products(S.self, terms: n, magnitude: mixedMagnitude))
        if n >= 2 {
            let half = try m.rowBlock((n / 2)..<n).column(0)
            let (blockExpected, blockMagnitude) = Naive.dot(half.array, half.array)
            #expect(half.array == (n / 2..<n).map { m[$0, 0] })
            #expect(abs(Double(try BLAS.dot(half, half)) - blockExpected) <= Tolerance.products(S.self, terms: n, magnitude: blockMagnitude))
        }
    }

    @Test("dot: contiguous, strided and mixed, lengths 0 to 1000", arguments: bothScalars, lengths)
    func dot(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkDot(type, n) }

    func checkNorm<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let x = try Inputs.vector(S.self, n, seed: 20)
        let squares = Naive.dot(x, x).value
        // ||x|| = sqrt(sum of n squares): the relative error of the sum is at most ~n eps, halved by the root.
        let tolerance = Tolerance.products(S.self, terms: n, magnitude: 1) * squares.squareRoot()
        #expect(abs(Double(try BLAS.nrm2(x)) - squares.squareRoot()) <= tolerance, "n=\(n)")
        let column = try Inputs.uniform(S.self, n, 4, seed: 21).column(3)
        let columnSquares = Naive.dot(column.array, column.array).value
        #expect(abs(Double(try BLAS.nrm2(column)) - columnSquares.squareRoot())
                <= Tolerance.products(S.self, terms: n, magnitude: 1) * columnSquares.squareRoot())
    }

    @Test("nrm2: contiguous and strided, lengths 0 to 1000", arguments: bothScalars, lengths)
    func norm(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkNorm(type, n) }

    func checkNormRange<S: LinearAlgebraScalar>(_: S.Type) throws {
        // The squares of these overflow (or underflow to zero) in S; nrm2 must scale. 3-4-5 triangles,
        // so the answer is known: 5 * scale, to a few eps.
        let big: S = S.self == Float.self ? S(1e30) : S(1e200)
        let tiny: S = S.self == Float.self ? S(1e-30) : S(1e-200)
        for scale in [big, tiny] {
            let norm = try BLAS.nrm2([3 * scale, 4 * scale])
            #expect(norm.isFinite && abs(norm / (5 * scale) - 1) <= 4 * S.ulpOfOne, "scale \(scale): \(norm)")
        }
    }

    @Test("nrm2 neither overflows nor underflows", arguments: bothScalars)
    func normRange(_ type: any LinearAlgebraScalar.Type) throws { try checkNormRange(type) }

    func checkAxpyScal<S: LinearAlgebraScalar>(_: S.Type, _ n: Int) throws {
        let x = try Inputs.vector(S.self, n, seed: 30), y = try Inputs.vector(S.self, n, seed: 31)
        let alpha = S(0.3)
        var z = y
        try BLAS.axpy(alpha: alpha, x: x, y: &z)
        // One product and one sum per element: at most 2 roundings of |alpha x| + |y|.
        for i in 0..<n {
            let exact = Double(alpha) * Double(x[i]) + Double(y[i])
            let bound = 2 * Tolerance.eps(S.self) * (abs(Double(alpha) * Double(x[i])) + abs(Double(y[i])))
            #expect(abs(Double(z[i]) - exact) <= bound, "axpy n=\(n) i=\(i)")
        }
        // Strided x (a column, stride 2).
        let m = try Inputs.uniform(S.self, n, 2, seed: 32)
        var w = y
        try BLAS.axpy(alpha: -1, x: m.column(1), y: &w)
        for i in 0..<n { #expect(w[i] == y[i] - m[i, 1], "strided axpy n=\(n) i=\(i)") }  // one exact-input subtraction: correctly rounded
        // alpha = 0 leaves y exactly as it was.
        var unchanged = y
        try BLAS.axpy(alpha: 0, x: x, y: &unchanged)
        #expect(bits(unchanged) == bits(y))

        var s = x
        try BLAS.scal(alpha: -2, x: &s)
        #expect(s == x.map { -2 * $0 })  // a power of two: exact
        var t = x
        try BLAS.scal(alpha: S(0.1), x: &t)
        for i in 0..<n { #expect(abs(Double(t[i]) - Double(S(0.1)) * Double(x[i])) <= Tolerance.eps(S.self) * abs(Double(x[i]))) }
        var matrix = try Inputs.uniform(S.self, n, 3, seed: 33)
        let before = matrix
        try BLAS.scal(alpha: 4, matrix: &matrix)
        #expect(matrix.elements == before.elements.map { 4 * $0 } && matrix.shape == before.shape)
    }

    @Test("axpy (contiguous, strided, alpha 0) and scal (vector, matrix)", arguments: bothScalars, lengths)
    func axpyScal(_ type: any LinearAlgebraScalar.Type, n: Int) throws { try checkAxpyScal(type, n) }

    @Test("copy on write: axpy and scal on a copy leave the original alone")
    func copyOnWrite() throws {
        let x: [Double] = [1, 2, 3]
        var y = x
        try BLAS.axpy(alpha: 1, x: x, y: &y)
        #expect(x == [1, 2, 3] && y == [2, 4, 6])
        var m = try Matrix<Double>([[1, 2], [3, 4]])
        let copy = m
        try BLAS.scal(alpha: 2, matrix: &m)
        #expect(copy.elements == [1, 2, 3, 4] && m.elements == [2, 4, 6, 8])
    }
}
