import Testing
@testable import LinearAlgebra

@Suite("BLAS.rawMoments (one dsyrk on X, one pass for sums and X^T y)")
struct RawMomentsTests {
    // 5,000 x 70: several 4096-row blocks of the sums pass, a threaded dsyrk.
    @Test("matches naive sums within the summation bound; bit-identical for 1, 2, 3 threads")
    func matchesNaive() throws {
        let (m, d) = (5_000, 70)
        let x = try Inputs.normal(Double.self, m, d, seed: 51)
        let y = try Inputs.vector(Double.self, m, seed: 52)
        let one = try BLAS.rawMoments(x: x, y: y, threads: 1)
        for threads in [2, 3] {
            let many = try BLAS.rawMoments(x: x, y: y, threads: threads)
            #expect(many.gram == one.gram && many.sums == one.sums && many.cross == one.cross)
            #expect(many.ySum.bitPattern == one.ySum.bitPattern && many.ySquares.bitPattern == one.ySquares.bitPattern)
        }
        // Naive sums in a different order; |error| <= m eps sum |terms| (a loose, always-valid bound).
        let bound = Double(m) * Double.ulpOfOne
        let mean = y.reduce(0, +) / Double(m)
        #expect(abs(one.yShift - mean) <= bound * abs(mean))
        let v = y.map { $0 - one.yShift }
        for j in 0..<d {
            var s = 0.0, sa = 0.0, c = 0.0, ca = 0.0
            for i in 0..<m { s += x[i, j]; sa += abs(x[i, j]); c += x[i, j] * v[i]; ca += abs(x[i, j] * v[i]) }
            #expect(abs(one.sums[j] - s) <= 2 * bound * sa)
            #expect(abs(one.cross[j] - c) <= 2 * bound * ca)
            for k in stride(from: j % 5, to: d, by: 5) {
                var g = 0.0, ga = 0.0
                for i in 0..<m { g += x[i, j] * x[i, k]; ga += abs(x[i, j] * x[i, k]) }
                #expect(abs(one.gram[j, k] - g) <= 2 * bound * ga)
                #expect(one.gram[j, k].bitPattern == one.gram[k, j].bitPattern)
            }
        }
        let ys = v.reduce(0, +), yy = v.reduce(0) { $0 + $1 * $1 }
        #expect(abs(one.ySum - ys) <= 2 * bound * v.reduce(0) { $0 + abs($1) })
        #expect(abs(one.ySquares - yy) <= 2 * bound * yy)
    }

    @Test("empty and mismatched input")
    func edges() throws {
        let x = try Matrix<Double>(rows: 0, columns: 3)
        let empty = try BLAS.rawMoments(x: x, y: [], threads: 2)
        #expect(empty.sums == [0, 0, 0] && empty.gram.elements.allSatisfy { $0 == 0 } && empty.ySum == 0)
        #expect(throws: LinearAlgebraError.self) { try BLAS.rawMoments(x: try Matrix<Double>(rows: 2, columns: 3), y: [1], threads: 1) }
    }
}
