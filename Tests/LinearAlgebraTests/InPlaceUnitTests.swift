import Testing
@testable import LinearAlgebra

/// `affineInPlace` works in units of at most 1 MiB (`inPlaceUnitRows`), like the in-place limit it is
/// compared with. The unit must never change a value or the reported infinity: wide matrices whose
/// units are smaller than `blockRows` give the naive loop's bits and the first infinity by row, for
/// 1, 2 and 3 threads and any `blockRows`.
@Suite("In-place affine: 1 MiB work units")
struct InPlaceUnitTests {
    @Test("unit rows: blockRows, at most 1 MiB of rows, at least one row")
    func unitRows() {
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 4096, columns: 32, stride: 8) == 4096)  // 1 MiB exactly
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 4096, columns: 256, stride: 8) == 512)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 4096, columns: 256, stride: 4) == 1024)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 100, columns: 256, stride: 8) == 100)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 4096, columns: 1 << 20, stride: 8) == 1)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 0, columns: 3, stride: 8) == 1)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: -5, columns: 0, stride: 0) == 1)
        #expect(ColumnKernels.inPlaceUnitRows(blockRows: 4096, columns: Int.max, stride: 8) == 1)
    }

    func wideCase<S: LinearAlgebraScalar>(_: S.Type, threads: Int, blockRows: Int) throws {
        // 600 x 700: 187 (Double) or 374 (Float) rows per 1 MiB unit, so several units per block.
        let rows = 600, n = 700
        let x = try Inputs.uniform(S.self, rows, n, seed: 41)
        let a = (0..<n).map { S($0 % 7) * S(0.5) }, f = (0..<n).map { S(1) / S($0 % 5 + 2) }, c = (0..<n).map { S($0 % 3) }
        var expected = x.elements
        for i in 0..<rows { for j in 0..<n { expected[i * n + j] = (x.elements[i * n + j] - a[j]) * f[j] + c[j] } }
        var z = x
        #expect(try ColumnKernels.affineInPlace(&z, offset: a, factor: f, shift: c, blockRows: blockRows, threads: threads) == nil)
        #expect(z.elements.count == expected.count && zip(z.elements, expected).allSatisfy { $0 == $1 && $0.sign == $1.sign })

        // Infinities in two units (rows 500 and 100): the first by row is reported, whatever the threads.
        var e = x.elements
        e[500 * n + 3] = .infinity
        e[100 * n + 699] = -.infinity
        var w = try Matrix(rows: rows, columns: n, elements: e)
        let bad = try ColumnKernels.affineInPlace(&w, offset: a, factor: f, shift: c, blockRows: blockRows, threads: threads)
        #expect(bad?.row == 100 && bad?.column == 699)
    }

    @Test("wide rows: the naive loop's bits and the first infinity by row", arguments: [1, 2, 3], [4096, 300, 1])
    func wide(threads: Int, blockRows: Int) throws {
        try wideCase(Double.self, threads: threads, blockRows: blockRows)
        try wideCase(Float.self, threads: threads, blockRows: blockRows)
    }
}
