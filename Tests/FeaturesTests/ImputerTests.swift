import Foundation
import LinearAlgebra
import Testing
@testable import Features
import Statistics

/// SimpleImputer against scikit-learn 1.9.1 (data/reference/quantile.json) and its properties.
///
/// Tolerances, and why:
/// - `statistics_` for the median, the most frequent value and constants: exact (the same order
///   statistics; the median's `(a + b) / 2` as NumPy);
/// - the mean: `4 eps |mean| + 4 eps max|x|`, since NumPy sums pairwise in input order and we
///   sum in scaled form over blocks (both are within a few ulps of the true mean; on these
///   datasets they were measured equal);
/// - transformed rows: exact (observed values are copied; imputed ones are the statistics, which
///   were measured equal to scikit-learn's on these datasets).
@Suite("SimpleImputer")
struct ImputerTests {
    static var cases: [[String: Any]] { QuantileGolden.cases("imputer") }

    static func configuration(_ params: [String: Any]) throws -> SimpleImputer {
        let strategy: SimpleImputer.Strategy
        switch params["strategy"] as? String {
        case "mean": strategy = .mean
        case "median": strategy = .median
        case "mostFrequent": strategy = .mostFrequent
        default: strategy = .constant(try #require(QuantileGolden.double(params["fill"])))
        }
        return SimpleImputer(strategy: strategy, addIndicator: params["addIndicator"] as? Bool ?? false,
                             keepEmptyFeatures: params["keepEmptyFeatures"] as? Bool ?? false)
    }

    @Test("matches scikit-learn", arguments: cases.indices)
    func golden(index: Int) throws {
        let file = try #require(QuantileGolden.shared)
        let c = Self.cases[index]
        let name = try #require(c["dataset"] as? String)
        let params = try #require(c["params"] as? [String: Any])
        let (columns, x, probe) = try file.dataset(name)
        let context = "SimpleImputer \(params) on \(name)"
        let imputer = try Self.configuration(params)
        let fitted = try imputer.fit(x, columnNames: columns, threads: 2)
        let expected = try #require(QuantileGolden.vector(c["statistics_"]))
        let isMean = imputer.strategy == .mean
        var tolerance = [Double](repeating: 0, count: columns.count)
        for j in columns.indices {
            let column = try x.column(j).array.filter { !$0.isNaN }
            let largest = column.map { abs($0) }.max() ?? 0
            if isMean { tolerance[j] = 4 * Double.ulpOfOne * (abs(expected[j]) + largest) }
            let ours = fitted.statistics[j]
            if expected[j].isNaN {
                // scikit-learn marks a column without observed values by NaN (keep_empty_features=False).
                #expect(ours == nil, "\(context): statistics_[\(j)] should be absent")
            } else if let ours {
                #expect(abs(ours - expected[j]) <= tolerance[j], "\(context): statistics_[\(j)] = \(ours) vs \(expected[j])")
            } else {
                // keep_empty_features: scikit-learn reports the fill (0) as the statistic.
                #expect(fitted.fillValues[j] == expected[j], "\(context): fill of empty column \(j)")
            }
        }
        #expect(fitted.outputNames == (c["feature_names"] as? [String]), "\(context): feature names")
        let messages = try #require(c["warnings"] as? [String])
        #expect(fitted.droppedColumns.isEmpty == messages.isEmpty, "\(context): dropped \(fitted.droppedColumns) vs \(messages)")
        for (matrix, key) in [(x, "transformed"), (probe, "probe_transformed")] {
            let ours = try fitted.transform(matrix, columnNames: nil, threads: 2)
            let theirs = try #require(QuantileGolden.matrix(c[key]))
            expectClose(ours, theirs, context + " " + key)
        }
    }

    @Test("mean from mergeable moments, thread counts, Float, in-range properties")
    func properties() throws {
        var g = SeededGenerator(seed: 33)
        var x = try Matrix<Double>.normal(rows: 10_000, columns: 4, using: &g)
        for i in 0..<10_000 where i % 97 == 0 || i % 31 == 5 { x[i, i % 4] = .nan }
        let a = try SimpleImputer().fit(x, threads: 1), b = try SimpleImputer().fit(x, threads: 2)
        #expect(a == b)
        #expect(try a.transform(x, columnNames: nil, threads: 1) == a.transform(x, columnNames: nil, threads: 3))
        // Streaming: block summaries merged left to right (the fit's blocks) give the fit's
        // statistics bit for bit; an arbitrary split agrees within a few ulps.
        var summary = try MomentsSummary(columnCount: 4)
        for r in [0..<4096, 4096..<8192, 8192..<10_000] { try summary.merge(try MomentsSummary.fit(try x.rowBlock(r).copy())) }
        let streamed = try SimpleImputer().fit(summary: summary, schema: FeatureSchema.anonymous(count: 4))
        #expect(streamed.statistics == a.statistics)
        var split = try MomentsSummary.fit(try x.rowBlock(0..<1234).copy())
        try split.merge(try MomentsSummary.fit(try x.rowBlock(1234..<10_000).copy()))
        let other = try SimpleImputer().fit(summary: split, schema: FeatureSchema.anonymous(count: 4))
        for j in 0..<4 { #expect(abs(other.statistics[j]! - a.statistics[j]!) <= 1e-15) }
        // Output has no NaN; observed values untouched.
        let y = try a.transform(x)
        #expect(!y.elements.contains { $0.isNaN })
        for k in x.elements.indices where !x.elements[k].isNaN { #expect(y.elements[k] == x.elements[k]) }
        // Float agrees with Double within Float precision.
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        let f = try SimpleImputer(strategy: .median, addIndicator: true).fit(xf)
        let d = try SimpleImputer(strategy: .median, addIndicator: true).fit(
            try Matrix<Double>(rows: x.rows, columns: x.columns, elements: xf.elements.map { Double($0) }))
        #expect(f.statistics == d.statistics)
        // The Float output is the Double output rounded to Float (the median may not be a Float).
        let yd = try d.transform(try Matrix<Double>(rows: x.rows, columns: x.columns, elements: xf.elements.map { Double($0) }))
        #expect(try f.transform(xf).elements == yd.elements.map { Float($0) })
        let data = try JSONEncoder().encode(f)
        #expect(try JSONDecoder().decode(SimpleImputer.Fitted.self, from: data) == f)
    }

    @Test("errors and edge cases")
    func edges() throws {
        let x = try Matrix<Double>([[1, .nan, .nan], [3, 4, .nan], [.nan, 6, .nan]])
        let f = try SimpleImputer(addIndicator: true).fit(x, columnNames: ["a", "b", "c"])
        #expect(f.droppedColumns == ["c"])
        #expect(f.outputNames == ["a", "b", "missingindicator_a", "missingindicator_b", "missingindicator_c"])
        #expect(try f.transform(x).rowArrays == [[1, 5, 0, 1, 1], [3, 4, 0, 0, 1], [2, 6, 1, 0, 1]])
        let kept = try SimpleImputer(strategy: .constant(-1), keepEmptyFeatures: true).fit(x)
        #expect(try kept.transform(x).rowArrays == [[1, -1, -1], [3, 4, -1], [-1, 6, -1]])
        #expect(throws: FeatureError.self) { try SimpleImputer(strategy: .constant(.nan)).fit(x) }
        #expect(throws: FeatureError.self) { try SimpleImputer(strategy: .constant(.infinity)).fit(x) }
        #expect(throws: FeatureError.self) { try SimpleImputer().fit(try Matrix<Double>(rows: 0, columns: 2)) }
        #expect {
            try SimpleImputer(strategy: .median).fit(try Matrix<Double>([[1, 2], [2, -.infinity]]), columnNames: ["p", "q"])
        } throws: { error in
            guard case let FeatureError.infiniteValue(_, row, column, _) = error else { return false }
            return row == 1 && column == "q"
        }
        // Infinity at transform time, also in a dropped column.
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[1, 2, .infinity]])) }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[.infinity, 2, 1]])) }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[1, 2]])) }
        #expect(throws: FeatureError.self) { try SimpleImputer(strategy: .median).fit(summary: try MomentsSummary(columnCount: 1), schema: .anonymous(count: 1)) }
        // Extreme magnitudes: a finite mean.
        let huge = try Matrix<Double>([[1e300], [-1e300], [.nan], [1e300]])
        let h = try SimpleImputer().fit(huge)
        #expect(h.statistics[0].map { $0.isFinite } == true)
        // Most frequent: smallest of the tied values.
        let m = try SimpleImputer(strategy: .mostFrequent).fit(try Matrix<Double>([[3], [1], [3], [1], [.nan]]))
        #expect(m.statistics == [1])
        // Empty transform input.
        #expect(try f.transform(try Matrix<Double>(rows: 0, columns: 3)).columns == 5)
        // A corrupted model file is a decoding error, not a crash later.
        var json = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"keptColumns\":[0,1]", with: "\"keptColumns\":[0,7]")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SimpleImputer.Fitted.self, from: Data(json.utf8)) }
    }
}
