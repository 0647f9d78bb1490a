import Testing
@testable import LinearAlgebra

@Suite("BLAS level 2 (gemv, matrixVectorProduct) against naive Double loops")
struct BLASLevel2Tests {
    /// `y <- alpha op(A) x + beta y` checked entry by entry against the naive product.
    func expectGEMV<S: LinearAlgebraScalar>(
        _ a: MatrixView<S>, transpose: Transpose, x: some DenseVector<S>, alpha: S, beta: S, label: String
    ) throws {
        let transposed = transpose == .transpose
        let (outCount, inCount) = Naive.opShape(a, transposed: transposed)
        var y = try Inputs.vector(S.self, outCount, seed: 40)
        let y0 = y
        try BLAS.gemv(alpha: alpha, a, transpose: transpose, x: x, beta: beta, y: &y)
        let (value, magnitude) = Naive.matrixVector(a, transposed: transposed, x.vectorView.array)
        for i in 0..<outCount {
            let expected = Double(alpha) * value[i] + Double(beta) * Double(y0[i])
            // inCount products plus the alpha and beta terms (see Tolerance.products).
            let bound = Tolerance.products(S.self, terms: inCount + 2,
                                           magnitude: abs(Double(alpha)) * magnitude[i] + abs(Double(beta) * Double(y0[i])))
            #expect(abs(Double(y[i]) - expected) <= bound, "\(label) row \(i): \(y[i]) vs \(expected)")
        }
    }

    func checkShapes<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        let a = try Inputs.uniform(S.self, dims.rows, dims.columns, seed: 41)
        for transpose in [Transpose.none, .transpose] {
            let inCount = transpose == .none ? dims.columns : dims.rows
            let x = try Inputs.vector(S.self, inCount, seed: 42)
            for (alpha, beta) in [(S(1), S(0)), (S(2), S(0.5)), (S(-1.5), S(1))] {
                try expectGEMV(a.view, transpose: transpose, x: x, alpha: alpha, beta: beta,
                               label: "\(dims.testDescription) \(transpose) alpha=\(alpha) beta=\(beta)")
            }
            // The convenience form computes op(A) x alone.
            let product = try BLAS.matrixVectorProduct(a, x, transpose: transpose)
            let (value, magnitude) = Naive.matrixVector(a.view, transposed: transpose == .transpose, x)
            #expect(product.count == value.count)
            for i in product.indices {
                #expect(abs(Double(product[i]) - value[i]) <= Tolerance.products(S.self, terms: inCount, magnitude: magnitude[i]))
            }
        }
    }

    @Test("gemv over shapes x transposes x (alpha, beta)", arguments: bothScalars, Dims.all)
    func shapes(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkShapes(type, dims) }

    func checkNonContiguous<S: LinearAlgebraScalar>(_: S.Type) throws {
        let parent = try Inputs.uniform(S.self, 60, 9, seed: 43)
        // A row block (offset into the parent's buffer, contiguous).
        let block = try parent.rowBlock(17..<41)
        // A column window: leading dimension 9, 4 columns.
        let window = Inputs.columnWindow(parent, 3..<7)
        // x as a strided column (stride 5) of another matrix.
        let source = try Inputs.uniform(S.self, 24, 5, seed: 44)
        let strided = try source.column(2)
        try expectGEMV(block, transpose: .transpose, x: strided, alpha: 1.5, beta: -0.5, label: "row block, A^T x, strided x")
        let xs = try Inputs.uniform(S.self, 9, 5, seed: 45).column(4)
        try expectGEMV(block, transpose: .none, x: xs, alpha: 1, beta: 0, label: "row block, A x, strided x")
        for transpose in [Transpose.none, .transpose] {
            let x = try Inputs.vector(S.self, transpose == .none ? 4 : 60, seed: 46)
            try expectGEMV(window, transpose: transpose, x: x, alpha: 2, beta: 0.25, label: "column window \(transpose)")
            // The same answer as on a contiguous copy, within rounding (a different leading dimension
            // may make the kernel block differently, so bits are not promised).
            let onView = try BLAS.matrixVectorProduct(window, x, transpose: transpose)
            let onCopy = try BLAS.matrixVectorProduct(window.copy(), x, transpose: transpose)
            let (_, magnitude) = Naive.matrixVector(window, transposed: transpose == .transpose, x)
            for i in onView.indices {
                #expect(abs(Double(onView[i]) - Double(onCopy[i])) <= 2 * Tolerance.products(S.self, terms: x.count, magnitude: magnitude[i]))
            }
        }
    }

    @Test("gemv on row blocks, non-contiguous windows and strided x", arguments: bothScalars)
    func nonContiguous(_ type: any LinearAlgebraScalar.Type) throws { try checkNonContiguous(type) }

    func checkEmptyInner<S: LinearAlgebraScalar>(_: S.Type) throws {
        // op(A) x is an empty sum: y <- beta y exactly; beta = 0 clears y even where it held NaN.
        let a = try Matrix<S>(rows: 3, columns: 0)
        var y: [S] = [1, -2, .nan]
        try BLAS.gemv(alpha: 5, a, x: [S](), beta: 2, y: &y)
        #expect(y[0] == 2 && y[1] == -4 && y[2].isNaN)
        try BLAS.gemv(alpha: 5, a, x: [S](), beta: 0, y: &y)
        #expect(y == [0, 0, 0])
        var none: [S] = []
        try BLAS.gemv(a, transpose: .transpose, x: [S(1), 2, 3], y: &none)
        #expect(none.isEmpty)
    }

    @Test("gemv with an empty inner dimension scales y by beta", arguments: bothScalars)
    func emptyInner(_ type: any LinearAlgebraScalar.Type) throws { try checkEmptyInner(type) }
}
