import LinearAlgebra
import Testing
@testable import Statistics

/// Plain two-pass reference (no scaling) over the non-NaN values of one column.
private func reference(_ values: [Double]) -> (count: Int, mean: Double, variance: Double, min: Double, max: Double) {
    let finite = values.filter { !$0.isNaN }
    let mean = finite.reduce(0, +) / Double(finite.count)
    let m2 = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (finite.count, mean, m2 / Double(finite.count), finite.min() ?? .nan, finite.max() ?? .nan)
}

private func column(_ m: Matrix<Double>, _ j: Int) throws -> [Double] { try m.column(j).array }

/// Relative closeness, with an absolute floor for values near 0.
private func close(_ a: Double, _ b: Double, relative: Double, floor: Double = 0) -> Bool {
    abs(a - b) <= relative * Swift.max(abs(a), abs(b)) + floor
}

@Suite("Column moments: accuracy, NaN, extremes, merging")
struct MomentsTests {
    /// Mixed-scale data with NaNs: every column compared with the two-pass reference.
    static func data(rows: Int, seed: UInt64) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        var rowsArray: [[Double]] = []
        for i in 0..<rows {
            rowsArray.append((0..<5).map { j in
                if j == 2 && i % 7 == 3 { return .nan }
                let u = g.nextUniform()
                return [1e-8, 1.0, 1e6, -3e12, 42.0][j] * (u - 0.25) + (j == 4 ? 1e9 : 0)
            })
        }
        return try Matrix(rowsArray)
    }

    // Tolerance: the two-pass reference itself carries ~n*eps relative rounding in the mean and the
    // variance; with n <= 5000 that is < 1e-12. Column 4 has mean 1e9 and spread 42, so its variance
    // is known only to ~eps*(mean/std)^2 ~ 1e-16 * 6e14 relative: that column is checked at 1e-6.
    @Test("matches the two-pass reference", arguments: [1, 2, 17, 4096, 5000])
    func matchesReference(rows: Int) throws {
        let x = try Self.data(rows: rows, seed: UInt64(rows))
        let summary = try MomentsSummary.fit(x, blockRows: 1000)
        #expect(summary.rows == rows)
        for j in 0..<x.columns {
            let r = reference(try column(x, j))
            let m = summary.columns[j]
            #expect(m.count == r.count)
            #expect(m.count + m.nanCount == rows)
            #expect(m.minimum == r.min && m.maximum == r.max)
            #expect(close(m.mean, r.mean, relative: 1e-13, floor: 1e-13 * m.maxAbs))
            let tolerance = j == 4 ? 1e-6 : 1e-12
            #expect(close(m.variance(), r.variance, relative: tolerance, floor: 1e-300), "column \(j)")
        }
    }

    @Test("NaN is counted and skipped")
    func nanSkipped() throws {
        let x = try Matrix<Double>([[1, .nan], [.nan, .nan], [3, 5]])
        let s = try MomentsSummary.fit(x)
        #expect(s.columns[0].count == 2 && s.columns[0].nanCount == 1 && s.columns[0].mean == 2)
        #expect(s.columns[0].variance() == 1)
        #expect(s.columns[1].count == 1 && s.columns[1].nanCount == 2 && s.columns[1].mean == 5)
        let empty = try MomentsSummary.fit(Matrix<Double>([[.nan], [.nan]]))
        #expect(empty.columns[0].count == 0 && empty.columns[0].mean.isNaN && empty.columns[0].maxAbs == 0)
    }

    @Test("values near the largest doubles give a finite mean and standard deviation")
    func extremes() throws {
        let x = try Matrix<Double>([[1e300, 1.7e308, -1.7e308], [-1e300, 1.7e308, 1.7e308],
                                    [1e300, 1.7e308, -1.7e308], [-1e300, 1.7e308, 1.7e308]])
        for blockRows in [1, 2, 4] {
            let s = try MomentsSummary.fit(x, blockRows: blockRows)
            #expect(s.columns[0].mean == 0)
            #expect(close(s.columns[0].standardDeviation(), 1e300, relative: 1e-15))
            #expect(s.columns[1].mean == 1.7e308 && s.columns[1].standardDeviation() == 0)
            #expect(s.columns[2].mean == 0 && close(s.columns[2].standardDeviation(), 1.7e308, relative: 1e-15))
            #expect(s.columns[2].variance().isInfinite)  // 2.9e616 is honestly out of range
            for c in s.columns { #expect(!c.mean.isNaN && c.standardDeviation().isFinite) }
        }
        let tiny = try MomentsSummary.fit(Matrix<Double>([[Double.leastNonzeroMagnitude], [-Double.leastNonzeroMagnitude], [0x1p-1030]]))
        #expect(tiny.columns[0].standardDeviation().isFinite && tiny.columns[0].standardDeviation() > 0)
    }

    @Test("a constant column has variance exactly 0, whatever the blocks")
    func constantColumn() throws {
        let x = try Matrix<Double>(rows: 10_000, columns: 2, repeating: 0.1)
        for blockRows in [1, 7, 4096, 20_000] {
            let s = try MomentsSummary.fit(x, blockRows: blockRows)
            #expect(s.columns[0].variance() == 0 && s.columns[0].mean == 0.1)
        }
    }

    @Test("infinity is an error naming the global row and the column")
    func infinity() throws {
        var x = try Matrix<Double>(rows: 10, columns: 3, repeating: 1)
        try x.setElement(-.infinity, row: 7, column: 2)
        do {
            _ = try MomentsSummary.fit(x, blockRows: 4)
            Issue.record("expected an error")
        } catch let StatisticsError.infiniteValue(row, column, value) {
            #expect(row == 7 && column == 2 && value == -.infinity)
            #expect(StatisticsError.infiniteValue(row: row, column: column, value: value).description.contains("row 7, column 2"))
        }
    }

    @Test("merging the summaries of any split matches one pass; fixed blocks are bit-identical")
    func mergeSplits() throws {
        let x = try Self.data(rows: 3000, seed: 9)
        let whole = try MomentsSummary.fit(x, blockRows: 3000)
        var g = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let cut1 = Int(g.next() % 3001), cut2 = Int(g.next() % 3001)
            let (a, b) = (min(cut1, cut2), max(cut1, cut2))
            var merged = try MomentsSummary.summarize(x.rowBlock(0..<a))
            try merged.merge(MomentsSummary.summarize(x.rowBlock(a..<b)))
            try merged.merge(MomentsSummary.summarize(x.rowBlock(b..<3000)))
            #expect(merged.rows == 3000)
            for j in 0..<x.columns {
                let (m, w) = (merged.columns[j], whole.columns[j])
                #expect(m.count == w.count && m.nanCount == w.nanCount && m.minimum == w.minimum && m.maximum == w.maximum)
                // Arbitrary splits: equal within 1e-13 relative (mean) and 1e-10 (variance, 1e-6 for
                // the large-mean column 4, whose variance is ill-conditioned; see matchesReference).
                #expect(close(m.mean, w.mean, relative: 1e-13, floor: 1e-13 * w.maxAbs))
                #expect(close(m.variance(), w.variance(), relative: j == 4 ? 1e-6 : 1e-10))
            }
        }
        // Fixed block boundaries and merge order: bit-identical to the streaming fold.
        let fitted = try MomentsSummary.fit(x, blockRows: 512)
        var folded = try MomentsSummary(columnCount: x.columns)
        for start in stride(from: 0, to: 3000, by: 512) {
            try folded.add(x.rowBlock(start..<min(start + 512, 3000)))
        }
        #expect(fitted == folded)
        #expect(try MomentsSummary.fit(x, blockRows: 512) == fitted)  // deterministic
        // The empty summary is the identity.
        #expect(try MomentsSummary(columnCount: x.columns).merged(with: fitted) == fitted)
        #expect(try fitted.merged(with: MomentsSummary(columnCount: x.columns)) == fitted)
    }

    @Test("Float input agrees with the same values as Double")
    func floatInput() throws {
        let x = try Self.data(rows: 500, seed: 3)
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        let asDouble = try Matrix<Double>(rows: x.rows, columns: x.columns, elements: xf.elements.map { Double($0) })
        #expect(try MomentsSummary.fit(xf) == MomentsSummary.fit(asDouble))  // accumulation is in Double
    }

    @Test("column count mismatch and bad block size are errors")
    func errors() throws {
        var s = try MomentsSummary(columnCount: 2)
        #expect(throws: StatisticsError.self) { try s.add(Matrix<Double>(rows: 1, columns: 3)) }
        #expect(throws: StatisticsError.self) { try s.merge(MomentsSummary(columnCount: 1)) }
        #expect(throws: StatisticsError.self) { try MomentsSummary.fit(Matrix<Double>(rows: 1, columns: 1), blockRows: 0) }
        #expect(throws: StatisticsError.self) { try MomentsSummary(columnCount: -1) }
        #expect(s.rows == 0)
    }
}
