import Foundation
import LinearAlgebra
import Testing
@testable import Statistics

/// The exact rank (number of values `<= x`) in a sorted array.
private func trueRank(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] <= x { lo = mid + 1 } else { hi = mid } }
    return lo
}

/// Seeded values with heavy tails and ties.
private func values(_ n: Int, seed: UInt64) -> [Double] {
    var g = SeededGenerator(seed: seed)
    return (0..<n).map { i in
        let u = g.nextUniform()
        switch i % 4 {
        case 0: return g.nextNormal()
        case 1: return (u - 0.5) == 0 ? 0 : 1 / (u - 0.5)          // Cauchy-like tails
        case 2: return Double(Int(u * 7))                          // ties
        default: return u * 1e300 - 5e299                          // extreme magnitudes
        }
    }
}

@Suite("Quantile sketch: guaranteed rank error, merging, determinism")
struct QuantileSketchTests {
    /// Checks |estimated rank - true rank| <= rankErrorBound at every input value and at the
    /// quantiles, and that the bound respects the a priori formula of the type's documentation.
    static func checkBound(_ sketch: QuantileSketch, _ data: [Double]) throws {
        let sorted = data.sorted()
        let bound = sketch.rankErrorBound
        for x in stride(from: 0, to: sorted.count, by: Swift.max(1, sorted.count / 200)).map({ sorted[$0] }) {
            let error = abs(sketch.rank(of: x) - Double(trueRank(sorted, x)))
            #expect(error <= bound, "rank error \(error) > bound \(bound) at \(x)")
        }
        let n = Double(data.count), k = Double(sketch.capacity - 1)
        let apriori = n <= k ? 0 : n / k * (log2(n / k) + 1)
        #expect(bound <= apriori + 1e-9, "bound \(bound) above the a priori \(apriori)")
        for q in [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0] {
            let v = try sketch.quantile(q)
            // The true rank of v reaches q n - bound, and values below v have rank <= q n + bound.
            #expect(Double(trueRank(sorted, v)) >= q * n - bound - 1e-9, "q=\(q)")
            let below = trueRank(sorted, v.nextDown)
            #expect(Double(below) <= q * n + bound + 1e-9, "q=\(q)")
        }
        #expect(try sketch.quantile(0) == sorted.first)
        #expect(try sketch.quantile(1) == sorted.last)
    }

    @Test("rank error within the guaranteed bound", arguments: [(100, 8), (10_000, 64), (30_000, 256), (40_000, 1024)])
    func bound(n: Int, capacity: Int) throws {
        let data = values(n, seed: UInt64(n))
        var sketch = try QuantileSketch(capacity: capacity)
        for v in data { try sketch.add(v) }
        #expect(sketch.count == n)
        try Self.checkBound(sketch, data)
    }

    @Test("small data is exact")
    func exactWhenSmall() throws {
        let data = values(1000, seed: 3)
        var sketch = try QuantileSketch()
        for v in data { try sketch.add(v) }
        #expect(sketch.rankErrorBound == 0)
        let sorted = data.sorted()
        for x in sorted { #expect(sketch.rank(of: x) == Double(trueRank(sorted, x))) }
    }

    @Test("merge of split sketches stays within its bound", arguments: [2, 3, 7, 16])
    func mergeSplits(parts: Int) throws {
        let data = values(20_000, seed: 9)
        let chunk = (data.count + parts - 1) / parts
        var merged = try QuantileSketch(capacity: 64)
        for p in 0..<parts {
            var s = try QuantileSketch(capacity: 64)
            for v in data[(p * chunk)..<Swift.min((p + 1) * chunk, data.count)] { try s.add(v) }
            try merged.merge(s)
        }
        #expect(merged.count == data.count)
        try Self.checkBound(merged, data)
    }

    @Test("NaN is counted and skipped; infinity is refused; bad capacity is refused")
    func edgeCases() throws {
        var s = try QuantileSketch(capacity: 8)
        try s.add(.nan)
        #expect(s.nanCount == 1 && s.count == 0)
        #expect(try s.quantile(0.5).isNaN)
        #expect(throws: StatisticsError.self) { try s.add(.infinity) }
        #expect(throws: StatisticsError.self) { try QuantileSketch(capacity: 7) }
        #expect(throws: StatisticsError.self) { try QuantileSketch(capacity: 2) }
        #expect(throws: StatisticsError.self) { try s.quantile(1.5) }
        // Codable round trip; a corrupted capacity is a decoding error (it would loop forever).
        var full = try QuantileSketch(capacity: 8)
        for v in values(100, seed: 1) { try full.add(v) }
        let data = try JSONEncoder().encode(full)
        #expect(try JSONDecoder().decode(QuantileSketch.self, from: data) == full)
        let empty = try QuantileSketch(capacity: 8)
        #expect(try JSONDecoder().decode(QuantileSketch.self, from: try JSONEncoder().encode(empty)) == empty)
        let broken = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"capacity\":8", with: "\"capacity\":0")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(QuantileSketch.self, from: Data(broken.utf8)) }
        var other = try QuantileSketch(capacity: 16)
        try other.add(1)
        #expect(throws: StatisticsError.self) { try s.merge(other) }
    }

    @Test("matrix summary: bit-identical for any thread count; merge of blocks equals fit")
    func summaryDeterminism() throws {
        var g = SeededGenerator(seed: 5)
        var x = try Matrix<Double>.normal(rows: 20_000, columns: 3, using: &g)
        try x.setElement(.nan, row: 17, column: 1)
        let one = try QuantileSketchSummary.fit(x, capacity: 64, blockRows: 1000, threads: 1)
        let two = try QuantileSketchSummary.fit(x, capacity: 64, blockRows: 1000, threads: 2)
        let four = try QuantileSketchSummary.fit(x, capacity: 64, blockRows: 1000, threads: 4)
        #expect(one == two && two == four)
        var manual = try QuantileSketchSummary(columnCount: 3, capacity: 64)
        for start in stride(from: 0, to: 20_000, by: 1000) {
            var part = try QuantileSketchSummary(columnCount: 3, capacity: 64)
            try part.add(x.rowBlock(start..<(start + 1000)).copy())
            try manual.merge(part)
        }
        #expect(manual == one)
        #expect(one.columns[1].nanCount == 1)
        for j in 0..<3 { try Self.checkBound(one.columns[j], try x.column(j).array.filter { !$0.isNaN }) }
        var bad = x
        try bad.setElement(-.infinity, row: 12_345, column: 2)
        #expect {
            try QuantileSketchSummary.fit(bad, capacity: 64, blockRows: 1000, threads: 2)
        } throws: { error in
            guard case let StatisticsError.infiniteValue(row, column, _) = error else { return false }
            return row == 12_345 && column == 2
        }
    }
}
