import Testing
@testable import LinearAlgebra

@Suite("BLAS.shiftedGram (row-block Gram of the shifted, weighted design)")
struct ShiftedGramTests {
    /// `[sqrt(w) | sqrt(w)(X - shift) | sqrt(w)(y - yShift)]` built naively, and its Gram by plain
    /// `dsyrk` over the whole matrix at once.
    static func reference(_ x: Matrix<Double>, _ y: [Double], _ w: [Double]?, _ shift: [Double], _ yShift: Double) throws -> Matrix<Double> {
        let (m, d) = (x.rows, x.columns)
        let c = d + 2
        var a = [Double](repeating: 0, count: m * c)
        for i in 0..<m {
            let sw = w.map { $0[i].squareRoot() } ?? 1
            a[i * c] = sw
            for j in 0..<d { a[i * c + 1 + j] = (x[i, j] - shift[j]) * sw }
            a[i * c + c - 1] = (y[i] - yShift) * sw
        }
        var g = try Matrix<Double>(rows: c, columns: c)
        try BLAS.syrk(try Matrix(rows: m, columns: c, elements: a), into: &g)
        return g  // upper triangle only
    }

    // 9,000 x 70 (wide: 4096-row blocks, 1024-row pieces, threaded dsyrk) and 9,000 x 6 (narrow groups).
    @Test("equals one plain dsyrk within the summation bound; bit-identical for 1, 2, 3 threads", arguments: [6, 70])
    func matchesPlainSyrk(columns: Int) throws {
        let x = try Inputs.normal(Double.self, 9_000, columns, seed: 41)
        let y = try Inputs.vector(Double.self, 9_000, seed: 42)
        let w = (0..<9_000).map { 0.25 + Double($0 % 5) }
        let shift = (0..<columns).map { x[3, $0] }
        for weights in [nil, w] {
            let g1 = try BLAS.shiftedGram(x: x, y: y, weights: weights, shift: shift, yShift: y[3], threads: 1)
            for threads in [2, 3] {
                #expect(try BLAS.shiftedGram(x: x, y: y, weights: weights, shift: shift, yShift: y[3], threads: threads) == g1)
            }
            // Checksum of the bits: compare runs with OPENBLAS_NUM_THREADS=1 and 2 (OpenBLAS splits
            // G's columns among its threads, never the sums: measured identical).
            print("shiftedGram \(columns) columns, weights \(weights != nil): bits checksum \(g1.elements.reduce(UInt64(0)) { $0 &* 31 &+ $1.bitPattern })")
            let plain = try Self.reference(x, y, weights, shift, y[3])
            let c = columns + 2
            for i in 0..<c {
                for j in 0..<c {
                    // Both sum the same 9,000 products in different orders: |error| <= 2 m eps sum |a_ki a_kj|,
                    // bounded by Cauchy-Schwarz with the diagonal.
                    let bound = 2 * 9_000 * Double.ulpOfOne * (plain[i, i] * plain[j, j]).squareRoot()
                    #expect(abs(g1[i, j] - plain[Swift.min(i, j), Swift.max(i, j)]) <= bound, "(\(i), \(j))")  // plain: upper triangle
                    #expect(g1[i, j] == g1[j, i])
                }
            }
        }
    }

    @Test("a NaN is reported with its row and column ([ones, X, y] numbering), wide and narrow", arguments: [6, 70])
    func reportsNaN(columns: Int) throws {
        var x = try Inputs.normal(Double.self, 5_000, columns, seed: 43)
        x[4_500, 2] = .nan
        x[4_700, 1] = .infinity
        let y = try Inputs.vector(Double.self, 5_000, seed: 44)
        #expect {
            try BLAS.shiftedGram(x: x, y: y, weights: nil, shift: [Double](repeating: 0, count: columns), yShift: 0, threads: 2)
        } throws: { error in
            guard case let LinearAlgebraError.nonFinite(_, row, column, _) = error else { return false }
            return row == 4_500 && column == 3
        }
    }
}
