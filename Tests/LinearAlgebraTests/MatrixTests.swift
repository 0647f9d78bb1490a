import Testing
@testable import LinearAlgebra

private struct GenerationStop: Error {}

@Suite("Matrix, MatrixView and VectorView: construction, layout, views")
struct MatrixTests {
    func checkConstruction<S: LinearAlgebraScalar>(_: S.Type) throws {
        let filled = try Matrix<S>(rows: 2, columns: 3, repeating: 7)
        #expect(filled.shape == Shape(rows: 2, columns: 3) && filled.elements == [S](repeating: 7, count: 6))
        #expect(try Matrix<S>(rows: 2, columns: 3).elements.allSatisfy { $0 == 0 })

        // Row-major: element (i, j) is elements[i * columns + j].
        let m = try Matrix<S>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        #expect(m[0, 2] == 3 && m[1, 0] == 4 && m[1, 2] == 6)
        #expect(m.rowArrays == [[1, 2, 3], [4, 5, 6]])
        #expect(try Matrix<S>([[1, 2, 3], [4, 5, 6]]) == m)
        #expect(try m.element(row: 1, column: 1) == 5)

        var edited = m
        try edited.setElement(-1, row: 0, column: 1)
        edited[1, 2] = 9
        #expect(edited.elements == [1, -1, 3, 4, 5, 9])

        let identity = try Matrix<S>.identity(3)
        for i in 0..<3 { for j in 0..<3 { #expect(identity[i, j] == (i == j ? 1 : 0)) } }
        #expect(try Matrix<S>.identity(0).shape == Shape(rows: 0, columns: 0))

        // Empty shapes.
        #expect(try Matrix<S>([]).shape == Shape(rows: 0, columns: 0))
        #expect(try Matrix<S>([[]]).shape == Shape(rows: 1, columns: 0))
        #expect(try Matrix<S>([[], []]).shape == Shape(rows: 2, columns: 0))
        for dims in [Dims(0, 4), Dims(4, 0), Dims(0, 0)] {
            let e = try Matrix<S>(rows: dims.rows, columns: dims.columns)
            #expect(e.isEmpty && e.elements.isEmpty && e.rowArrays.count == dims.rows)
            #expect(e.transposed.shape == Shape(rows: dims.columns, columns: dims.rows))
        }
        #expect(!m.isEmpty)

        // Generated in row-major order, also above the 4 MiB where huge pages are advised.
        var calls: [Int] = []
        let generated = try Matrix<S>(rows: 2, columns: 3) { i, j in calls.append(i * 3 + j); return S(i * 10 + j) }
        #expect(generated.elements == [0, 1, 2, 10, 11, 12] && calls == Array(0..<6))
        let large = try Matrix<S>(rows: 1100, columns: 1000) { i, j in S((i &* 7 &+ j) % 13) }
        #expect(large[1099, 999] == S((1099 * 7 + 999) % 13) && large[3, 4] == S(25 % 13))
        #expect(try Matrix<S>(rows: 1100, columns: 1000, repeating: 3).elements.allSatisfy { $0 == 3 })
        #expect(try Matrix<S>(rows: 0, columns: 5) { _, _ in 1 }.shape == Shape(rows: 0, columns: 5))
        #expect(throws: LinearAlgebraError.self) { try Matrix<S>(rows: -1, columns: 5) { _, _ in 1 } }
        #expect(throws: GenerationStop.self) { try Matrix<S>(rows: 3, columns: 3) { i, j in if i == 2 && j == 1 { throw GenerationStop() }; return 0 } }
    }

    @Test("construction, row-major indexing, identity, empty shapes", arguments: bothScalars)
    func construction(_ type: any LinearAlgebraScalar.Type) throws { try checkConstruction(type) }

    func checkTranspose<S: LinearAlgebraScalar>(_: S.Type, _ dims: Dims) throws {
        let a = try Inputs.uniform(S.self, dims.rows, dims.columns, seed: 1)
        let t = a.transposed
        #expect(t.shape == Shape(rows: dims.columns, columns: dims.rows))
        for i in 0..<dims.rows { for j in 0..<dims.columns { #expect(t[j, i] == a[i, j]) } }
        #expect(t.transposed == a)
    }

    // 33x65 and 64x32 cross the 32-element tiles of the blocked transpose.
    @Test("transposed is exact, including across the 32x32 tiles",
          arguments: bothScalars, Dims.all + [Dims(33, 65), Dims(64, 32)])
    func transpose(_ type: any LinearAlgebraScalar.Type, dims: Dims) throws { try checkTranspose(type, dims) }

    func checkViews<S: LinearAlgebraScalar>(_: S.Type) throws {
        let m = try Inputs.uniform(S.self, 9, 4, seed: 2)

        let whole = m.view
        #expect(whole.shape == m.shape && whole.rowStride == 4 && whole.isContiguous)
        #expect(whole.copy() == m)

        let block = try m.rowBlock(3..<7)
        #expect(block.shape == Shape(rows: 4, columns: 4) && block.rowStride == 4 && block.isContiguous)
        for i in 0..<4 { for j in 0..<4 { #expect(try block.element(row: i, column: j) == m[3 + i, j]) } }
        #expect(block.copy().rowArrays == Array(m.rowArrays[3..<7]))

        // A block of a block is offset from the parent's start, not the block's.
        let inner = try block.rowBlock(1..<3)
        #expect(inner.copy().rowArrays == Array(m.rowArrays[4..<6]))
        #expect(try m.rowBlock(9..<9).isEmpty && m.rowBlock(0..<0).copy().shape == Shape(rows: 0, columns: 4))

        let row = try m.row(5)
        #expect(row.stride == 1 && row.count == 4 && row.array == m.rowArrays[5])
        let column = try m.column(2)
        #expect(column.stride == 4 && column.count == 9 && column.array == (0..<9).map { m[$0, 2] })
        // A column of a row block: strided and offset.
        let blockColumn = try block.column(3)
        #expect(blockColumn.stride == 4 && blockColumn.array == (3..<7).map { m[$0, 3] })
        let blockRow = try block.row(0)
        #expect(blockRow.array == m.rowArrays[3])
        #expect(VectorView([S(1), 2, 3]).array == [1, 2, 3])

        // A non-contiguous view (rows 4 apart, 2 columns wide) copies its own window only.
        let window = Inputs.columnWindow(m, 1..<3)
        #expect(!window.isContiguous && window.rowStride == 4)
        #expect(window.copy().rowArrays == m.rowArrays.map { Array($0[1..<3]) })
        #expect(try window.column(1).array == (0..<9).map { m[$0, 2] })
        #expect(try window.rowBlock(2..<4).copy().rowArrays == [Array(m.rowArrays[2][1..<3]), Array(m.rowArrays[3][1..<3])])
    }

    @Test("views: row blocks, rows, strided columns, copies, non-contiguous windows", arguments: bothScalars)
    func views(_ type: any LinearAlgebraScalar.Type) throws { try checkViews(type) }

    func checkRandom<S: LinearAlgebraScalar>(_: S.Type) throws {
        var g = SeededGenerator(seed: 3)
        let u = try Matrix<S>.uniform(rows: 100, columns: 50, in: -2...3, using: &g)
        // Within the range (a Float may round up onto the upper bound, so the check is closed).
        #expect(u.elements.allSatisfy { $0 >= -2 && $0 <= 3 })
        // Filled row by row from the generator: element k is the k-th uniform draw.
        var replay = SeededGenerator(seed: 3)
        for k in 0..<5 { #expect(u.elements[k] == S(-2 + 5 * replay.nextUniform())) }

        // 5000 standard normal draws: mean within 5 standard errors (5 / sqrt(5000) ~ 0.07) of 0 and
        // variance within 5 of its standard errors (5 * sqrt(2 / 5000) ~ 0.1) of 1.
        var h = SeededGenerator(seed: 4)
        let n = try Matrix<S>.normal(rows: 100, columns: 50, using: &h)
        let values = n.elements.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        #expect(abs(mean) < 0.07 && abs(variance - 1) < 0.1, "mean \(mean), variance \(variance)")
        #expect(values.allSatisfy { $0.isFinite })
    }

    @Test("uniform and normal matrices: ranges, draw order, moments", arguments: bothScalars)
    func random(_ type: any LinearAlgebraScalar.Type) throws { try checkRandom(type) }

    func checkClampAndFinite<S: LinearAlgebraScalar>(_: S.Type) throws {
        let m = try Matrix<S>([[-5, 0.5, .nan], [2, -.infinity, 1]])
        let c = try m.clamped(to: -1...1)
        #expect(c[0, 0] == -1 && c[0, 1] == 0.5 && c[0, 2].isNaN && c[1, 0] == 1 && c[1, 1] == -1 && c[1, 2] == 1)
        #expect(m[0, 0] == -5, "clamped returns a new matrix")
        // (clamped's NaN-bound error cannot be reached from a debug build: ClosedRange itself traps on a
        // NaN bound there, even through init(uncheckedBounds:).)

        // checkFinite names the first offender in row-major order.
        expectNonFinite(row: 0, column: 2, value: .nan, operation: "probe") { try m.checkFinite(operation: "probe") }
        // On a view, the row is counted from the view's first row (row 1 of m is row 0 of the block).
        expectNonFinite(row: 0, column: 1, value: -.infinity) { try m.rowBlock(1..<2).checkFinite(operation: "probe") }
        expectNonFinite(row: 2, column: 0, value: .infinity) { try [S(1), 2, .infinity].checkFinite() }
        try Matrix<S>(rows: 3, columns: 3, repeating: 1).checkFinite()
        try [S]().checkFinite()
    }

    @Test("clamped keeps NaN; checkFinite names the first NaN or infinity", arguments: bothScalars)
    func clampAndFinite(_ type: any LinearAlgebraScalar.Type) throws { try checkClampAndFinite(type) }

    @Test("description shows type, shape and at most 8x8 elements")
    func description() throws {
        let small = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(small.description == "Matrix<Double> 2x2 [1.0, 2.0; 3.0, 4.0]")
        let big = try Matrix<Float>(rows: 10, columns: 9, repeating: 1)
        #expect(big.description.hasPrefix("Matrix<Float> 10x9 [") && big.description.hasSuffix("; ...]"))
        #expect(big.description.contains(", ..."))
        #expect(Shape(rows: 3, columns: 4).description == "3x4")
    }
}
