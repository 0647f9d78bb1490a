import LinearAlgebra
import Statistics
import Testing

/// The block summary's extremes and sums come from one pass (`ColumnKernels.scanWithSums`) and the
/// scaled sum is the plain sum times the power-of-two reciprocal scale. That is the bits of summing
/// the scaled values (the former separate pass, `addScaledSums`) whenever no plain partial sum
/// overflows; a column near the largest doubles takes the scaled pass again.
@Suite struct ScanWithSumsTests {
    /// The former path: scan, then the scaled sums in their own pass.
    static func scaledSums(_ x: Matrix<Double>) throws -> (sums: [Double], counts: [Int]) {
        let n = x.columns
        var nan = [Int](repeating: 0, count: n), lo = [Double](repeating: .infinity, count: n), hi = [Double](repeating: -.infinity, count: n)
        _ = try ColumnKernels.scan(x.view, nanCount: &nan, minimum: &lo, maximum: &hi)
        let reciprocal = (0..<n).map { 1 / ColumnMoments.blockScale(minimum: lo[$0], maximum: hi[$0]) }
        var sums = [Double](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
        try ColumnKernels.addScaledSums(x.view, reciprocalScale: reciprocal, sums: &sums, counts: &counts)
        return (sums, counts)
    }

    @Test("scaled means: the bits of the separate scaled pass", arguments: [1e-300, 1e-5, 1.0, 3e7, 1e250])
    func sameBits(scale: Double) throws {
        var generator = SeededGenerator(seed: 77)
        let rows = 1000, n = 9
        var values = try Matrix<Double>.uniform(rows: rows, columns: n, in: -1...1, using: &generator).elements
        for i in 0..<rows {
            values[i * n] = (values[i * n] + 1e6) * scale      // offset column
            values[i * n + 1] *= scale
            if i % 17 == 0 { values[i * n + 2] = .nan }          // NaNs skipped
            values[i * n + 3] = i % 2 == 0 ? 5e-324 : -0.0       // subnormal and signed zero
        }
        let x = try Matrix(rows: rows, columns: n, elements: values)
        let expected = try Self.scaledSums(x)
        let summary = try MomentsSummary.summarize(x.view)
        for j in 0..<n {
            let c = summary.columns[j]
            #expect(c.count == expected.counts[j])
            let mean = expected.counts[j] > 0 ? expected.sums[j] / Double(expected.counts[j]) : 0
            #expect(c.scaledMean.bitPattern == mean.bitPattern || c.minimum == c.maximum, "column \(j): \(c.scaledMean) vs \(mean)")
        }
    }

    @Test("a column whose plain sum overflows: the scaled pass, finite moments")
    func overflowingSum() throws {
        let rows = 64
        let values = (0..<rows).flatMap { i in [1.7e308 * (i % 2 == 0 ? 1 : 0.9), Double(i)] }
        let x = try Matrix(rows: rows, columns: 2, elements: values)
        let expected = try Self.scaledSums(x)
        let summary = try MomentsSummary.summarize(x.view)
        let c = summary.columns[0]
        #expect(c.scaledMean.bitPattern == (expected.sums[0] / Double(rows)).bitPattern)
        #expect(c.mean.isFinite && abs(c.mean - 0.95 * 1.7e308) <= 1e-12 * 1.7e308, "\(c.mean)")
        #expect(summary.columns[1].mean == Double(rows - 1) / 2)
    }
}
