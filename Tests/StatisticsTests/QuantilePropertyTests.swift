import LinearAlgebra
import Testing
@testable import Statistics

/// Quantiles by full sort, the definition the selection must agree with.
private func sortedQuantile(_ values: [Double], _ q: Double, _ method: QuantileMethod, presorted: Bool = false) -> Double {
    let a = presorted ? values : values.filter { !$0.isNaN }.sorted()
    guard !a.isEmpty else { return .nan }
    let plan = QuantilePlan.make(n: a.count, q: q, method: method)
    return QuantilePlan.lerp(a[plan.lower], a[plan.upper], plan.gamma)
}

@Suite("Exact quantiles: selection, threads, Float, edge cases")
struct QuantilePropertyTests {
    static func data(rows: Int, columns: Int, seed: UInt64) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        var x = try Matrix<Double>(rows: rows, columns: columns)
        for i in 0..<rows {
            for j in 0..<columns {
                let u = g.nextUniform()
                x[i, j] = switch j % 5 {
                case 0: g.nextNormal()
                case 1: Double(Int(u * 3))                 // heavy ties
                case 2: u < 0.3 ? .nan : u * 1e300        // NaN holes, extreme values
                case 3: 7                                  // constant
                default: (u - 0.5) == 0 ? 0 : 1 / (u - 0.5)
                }
            }
        }
        return x
    }

    // Exact: selection places the same order statistics as a full sort.
    @Test("selection agrees with a full sort", arguments: [1, 2, 3, 17, 100, 1001, 3000])
    func agreesWithSort(rows: Int) throws {
        let x = try Self.data(rows: rows, columns: 11, seed: UInt64(rows))
        let qs = [0, 0.001, 0.1, 0.25, 0.5, 0.5, 0.75, 0.999, 1]
        for method in QuantileMethod.allCases {
            let ours = try ColumnQuantiles.quantiles(x, probabilities: qs, method: method, threads: 2)
            for j in 0..<x.columns {
                let column = try x.column(j).array.filter { !$0.isNaN }.sorted()
                #expect(ours.counts[j] == column.count)
                for (p, q) in qs.enumerated() {
                    let expected = sortedQuantile(column, q, method, presorted: true)
                    let got = ours.values[j][p]
                    #expect(got == expected || (got.isNaN && expected.isNaN), "\(method) col \(j) q \(q)")
                }
            }
        }
    }

    @Test("bit-identical for any thread count and through a view")
    func threads() throws {
        let x = try Self.data(rows: 3000, columns: 19, seed: 4)
        let one = try ColumnQuantiles.quantiles(x, probabilities: [0.1, 0.5, 0.9], threads: 1)
        for t in [2, 3, 8] { #expect(try ColumnQuantiles.quantiles(x, probabilities: [0.1, 0.5, 0.9], threads: t) == one) }
        #expect(try ColumnQuantiles.quantiles(x.view, probabilities: [0.1, 0.5, 0.9]) == one)
        let block = try x.rowBlock(100..<200)
        #expect(try ColumnQuantiles.quantiles(block, probabilities: [0.5]).values
                == ColumnQuantiles.quantiles(block.copy(), probabilities: [0.5]).values)
    }

    // Float values widen exactly to Double, so Float input gives the Double result of the same values.
    @Test("Float equals Double on the same values")
    func floatMatchesDouble() throws {
        let x = try Self.data(rows: 500, columns: 5, seed: 8)
        let f = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float(abs($0) > 1e30 ? $0 / 1e280 : $0) })
        let d = try Matrix<Double>(rows: x.rows, columns: x.columns, elements: f.elements.map { Double($0) })
        #expect(try ColumnQuantiles.quantiles(f, probabilities: [0.2, 0.5]) == ColumnQuantiles.quantiles(d, probabilities: [0.2, 0.5]))
        #expect(try ColumnQuantiles.medians(f) == ColumnQuantiles.medians(d))
    }

    @Test("empty, all-NaN, 1x1, infinity, bad probabilities, extreme overflow")
    func edgeCases() throws {
        let empty = try Matrix<Double>(rows: 0, columns: 3)
        let e = try ColumnQuantiles.quantiles(empty, probabilities: [0.5])
        #expect(e.counts == [0, 0, 0] && e.values.allSatisfy { $0[0].isNaN })
        let one = try Matrix<Double>([[4.5]])
        #expect(try ColumnQuantiles.quantiles(one, probabilities: [0, 0.3, 1]).values == [[4.5, 4.5, 4.5]])
        #expect(try ColumnQuantiles.medians(one).values == [[4.5]])
        let nan = try Matrix<Double>([[.nan], [.nan]])
        #expect(try ColumnQuantiles.medians(nan).values[0][0].isNaN)
        #expect(throws: StatisticsError.self) { try ColumnQuantiles.quantiles(one, probabilities: [1.5]) }
        #expect(throws: StatisticsError.self) { try ColumnQuantiles.quantiles(one, probabilities: [.nan]) }
        #expect(throws: StatisticsError.self) { try ColumnQuantiles.quantiles(one, perColumnProbabilities: [[0.5], [0.5]]) }
        let inf = try Matrix<Double>([[1, 2], [3, .infinity], [-.infinity, 0]])
        #expect {
            try ColumnQuantiles.medians(inf)
        } throws: { error in
            guard case let StatisticsError.infiniteValue(row, column, _) = error else { return false }
            return row == 1 && column == 1
        }
        // Interpolating across the whole double range stays finite (NumPy would give inf/NaN).
        let huge = try Matrix<Double>([[-Double.greatestFiniteMagnitude], [Double.greatestFiniteMagnitude]])
        let h = try ColumnQuantiles.quantiles(huge, probabilities: [0.25, 0.5])
        let allFinite = h.values[0].allSatisfy { $0.isFinite }
        #expect(allFinite)
        #expect(try ColumnQuantiles.medians(huge).values[0][0] == 0)
        // Adversarial for pivots: sorted, reversed, organ-pipe, all equal.
        let n = 4000
        for pattern in 0..<4 {
            let values: [Double] = (0..<n).map { i in
                switch pattern { case 0: Double(i); case 1: Double(n - i); case 2: Double(min(i, n - i)); default: 1 }
            }
            let m = try Matrix<Double>(rows: n, columns: 1, elements: values)
            let got = try ColumnQuantiles.quantiles(m, probabilities: [0.1, 0.5, 0.9]).values[0]
            #expect(got == [0.1, 0.5, 0.9].map { sortedQuantile(values, $0, .linear) })
        }
    }

    @Test("most frequent value: longest run, smallest on ties")
    func modes() throws {
        let x = try Matrix<Double>([[1, .nan, 5], [2, .nan, 5], [2, .nan, 3], [1, .nan, 3], [3, .nan, 9]])
        let m = try ColumnModes.mostFrequent(x, threads: 2)
        #expect(m[0]?.value == 1 && m[0]?.count == 2)
        #expect(m[1] == nil)
        #expect(m[2]?.value == 3)
    }
}
