import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Statistics

/// Hostile inputs to the statistics layer and the table API: typed errors, never traps.
@Suite struct AdversarialStatisticsTests {
    static func expectTyped(_ what: String, _ body: () throws -> Void) {
        do { try body() } catch is StatisticsError {} catch is TableError {} catch is LinearAlgebraError {} catch {
            Issue.record("\(what): \(type(of: error)) \(error)")
        }
    }

    @Test func momentsOnDegenerateMatrices() throws {
        let cases: [Matrix<Double>] = [
            try Matrix(rows: 0, columns: 3), try Matrix(rows: 3, columns: 0), try Matrix(rows: 0, columns: 0),
            try Matrix([[Double.nan], [.nan]]), try Matrix([[Double.greatestFiniteMagnitude], [-.greatestFiniteMagnitude]]),
            try Matrix([[Double.leastNonzeroMagnitude], [-Double.leastNonzeroMagnitude], [0]]), try Matrix([[1e300, 1e-300], [-1e300, 2e-300]]),
        ]
        for x in cases {
            for threads in [1, 2, 0, -1] {
                Self.expectTyped("moments \(x.rows)x\(x.columns) threads \(threads)") {
                    let summary = try MomentsSummary.fit(x, threads: threads)
                    for column in summary.columns where column.count > 0 {
                        #expect(!column.mean.isNaN)
                        #expect(!column.standardDeviation().isNaN)
                    }
                }
            }
            Self.expectTyped("blockRows 0") { _ = try MomentsSummary.fit(x, blockRows: 0) }
            Self.expectTyped("blockRows -1") { _ = try MomentsSummary.fit(x, blockRows: -1) }
        }
        #expect(throws: StatisticsError.self) { try MomentsSummary.fit(try Matrix([[Double.infinity]])) }
        #expect(throws: StatisticsError.self) { try MomentsSummary(columnCount: 2).merged(with: try MomentsSummary(columnCount: 3)) }
        Self.expectTyped("negative columnCount") { _ = try MomentsSummary(columnCount: -1) }
    }

    @Test func quantilesWithHostileProbabilities() throws {
        let x = try Matrix([[1.0, 2], [3, .nan], [5, 7]])
        for probabilities in [[-0.1], [1.1], [Double.nan], [Double.infinity], [], [0, 1, 0.5, 0.5]] {
            for method in [QuantileMethod.linear, .invertedCDF, .averagedInvertedCDF] {
                Self.expectTyped("\(probabilities) \(method)") {
                    let q = try ColumnQuantiles.quantiles(x, probabilities: probabilities, method: method)
                    #expect(q.values.allSatisfy { $0.count == probabilities.count })
                }
            }
        }
        Self.expectTyped("empty") { _ = try ColumnQuantiles.quantiles(try Matrix<Double>(rows: 0, columns: 2), probabilities: [0.5], method: .linear) }
        Self.expectTyped("all NaN") { _ = try ColumnQuantiles.medians(try Matrix([[Double.nan], [.nan]])) }
        Self.expectTyped("inf") { _ = try ColumnQuantiles.medians(try Matrix([[Double.infinity], [1]])) }
        for weights in [[1.0, 1], [-1.0, 1, 1], [Double.nan, 1, 1], [0.0, 0, 0], [Double.infinity, 1, 1]] {
            Self.expectTyped("weights \(weights)") {
                _ = try ColumnQuantiles.weightedPercentiles(x, weights: weights, percentiles: [[50], [50]], average: true)
            }
        }
    }

    @Test func sketchWithHostileParameters() throws {
        for capacity in [0, 1, -5, Int.max, Int.min] {
            Self.expectTyped("capacity \(capacity)") {
                var sketch = try QuantileSketch(capacity: capacity)
                for v in [1.0, 2, 3, .nan, 1e300, -1e300] { try sketch.add(v) }
                _ = try sketch.quantile(0.5)
            }
        }
        var sketch = try QuantileSketch()
        Self.expectTyped("empty quantile") { _ = try sketch.quantile(0.5) }
        try sketch.add(1)
        for q in [-1.0, 2, .nan, .infinity] { Self.expectTyped("q \(q)") { _ = try sketch.quantile(q) } }
        Self.expectTyped("inf value") { try sketch.add(.infinity) }
    }

    @Test func tableAPIRefusals() throws {
        let table = try Table([.numeric("a", [1, 2, 3]), try .categorical("b", ["x", nil, "y"])])
        #expect(throws: TableError.self) { try table.rows(2..<5) }
        #expect(throws: TableError.self) { try table.rows(-1..<2) }
        #expect(throws: TableError.self) { try table.numericMatrix(columns: ["a"], rows: 0..<4) }
        #expect(throws: TableError.self) { try table.numericMatrix(columns: ["a", "b"]) }
        #expect(throws: TableError.self) { try table.numericMatrix(columns: ["zz"]) }
        #expect(throws: TableError.self) { try table.selecting(["a", "a"]) }
        #expect(throws: TableError.self) { try table.with(.numeric("c", [1])) }
        #expect(throws: TableError.self) { try Table([.numeric("", [1])]) }
        #expect(throws: TableError.self) { try CategoricalValues(levels: ["x"], codes: [0, 1]) }
        #expect(throws: TableError.self) { try CategoricalValues(levels: ["x"], codes: [-2]) }
        #expect(throws: TableError.self) { try CategoricalValues(levels: ["x", "x"], codes: [0]) }
        #expect(try table.rows(3..<3).rowCount == 0)
        #expect(try table.numericMatrix(columns: []).columns == 0)
        // Category counts of hostile columns.
        let wide = try Table([.numeric("n", [1, .nan, .infinity]), try .categorical("s", [nil, nil, nil])])
        Self.expectTyped("category counts") { _ = try CategorySummary.fit(wide, columns: ["n", "s"]) }
        Self.expectTyped("category counts unknown") { _ = try CategorySummary.fit(wide, columns: ["zz"]) }
    }
}
