import Foundation
import LinearAlgebra
import Testing
@testable import Statistics

/// data/reference/quantile.json (written by data/reference/make_quantile.py, pinned NumPy and
/// scikit-learn), read without a schema: the quantile part.
struct QuantileReferenceFile: @unchecked Sendable {  // immutable after load
    let root: [String: Any]

    static let shared: QuantileReferenceFile? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/quantile.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return QuantileReferenceFile(root: object)
    }()

    static func double(_ any: Any?) -> Double? {
        if let s = any as? String { return Double(s) }
        if let n = any as? NSNumber { return n.doubleValue }
        return nil
    }

    static func vector(_ any: Any?) -> [Double]? { (any as? [Any])?.compactMap(double) }
    static func matrix(_ any: Any?) -> [[Double]]? { (any as? [Any])?.compactMap(vector) }

    func dataset(_ name: String) throws -> (columns: [String], x: Matrix<Double>) {
        let sets = try #require(root["datasets"] as? [String: Any])
        let set = try #require(sets[name] as? [String: Any])
        let columns = try #require(set["columns"] as? [String])
        return (columns, try Matrix(try #require(Self.matrix(set["x"]))))
    }
}

/// Exact quantiles against NumPy 2.4 on the golden datasets. Tolerance: none: the same order
/// statistics and the same interpolation formula (`_lerp`) give the same doubles, so every value
/// must be bit-identical (NaN for an all-NaN column).
@Suite("Exact quantiles match NumPy")
struct QuantileGoldenTests {
    static var entries: [[String: Any]] { (QuantileReferenceFile.shared?.root["quantiles"] as? [[String: Any]]) ?? [] }

    @Test("reference file is present")
    func present() throws {
        let file = try #require(QuantileReferenceFile.shared, "data/reference/quantile.json missing: run make reference")
        #expect(file.root["sklearn"] as? String == "1.9.1")
        #expect(Self.entries.count == 6)
    }

    @Test("nanpercentile (linear, inverted CDF, averaged inverted CDF) and nanmedian", arguments: entries.indices)
    func matchesNumPy(index: Int) throws {
        let file = try #require(QuantileReferenceFile.shared)
        let entry = Self.entries[index]
        let name = try #require(entry["dataset"] as? String)
        let (_, x) = try file.dataset(name)
        let percentiles = try #require(QuantileReferenceFile.vector(file.root["percentiles"]))
        let probabilities = percentiles.map { $0 / 100 }
        for (key, method) in [("linear", QuantileMethod.linear), ("averaged_inverted_cdf", .averagedInvertedCDF),
                              ("inverted_cdf", .invertedCDF)] {
            let expected = try #require(QuantileReferenceFile.matrix(entry[key]))
            for threads in [1, 2] {
                let ours = try ColumnQuantiles.quantiles(x, probabilities: probabilities, method: method, threads: threads)
                for j in 0..<x.columns {
                    for p in probabilities.indices {
                        let (a, b) = (ours.values[j][p], expected[j][p])
                        #expect(a == b || (a.isNaN && b.isNaN), "\(name) \(key) column \(j) p=\(percentiles[p]): \(a) vs NumPy \(b)")
                    }
                }
            }
        }
        let medians = try #require(QuantileReferenceFile.vector(entry["median"]))
        let ours = try ColumnQuantiles.medians(x)
        for j in 0..<x.columns {
            let (a, b) = (ours.values[j][0], medians[j])
            #expect(a == b || (a.isNaN && b.isNaN), "\(name) median column \(j): \(a) vs NumPy \(b)")
        }
    }
}

/// Weighted percentiles against scikit-learn's `_weighted_percentile` (the code path of
/// `KBinsDiscretizer.fit(X, sample_weight=)`). Tolerance: none (the same running sums in the same
/// order, the same searches); ties among equal values are ordered by row here and by an unstable
/// sort there, which changes no returned value.
@Suite("Weighted percentiles match scikit-learn")
struct WeightedQuantileGoldenTests {
    static var entries: [[String: Any]] { (QuantileReferenceFile.shared?.root["weighted"] as? [[String: Any]]) ?? [] }

    @Test("inverted CDF and averaged inverted CDF", arguments: entries.indices)
    func matches(index: Int) throws {
        let file = try #require(QuantileReferenceFile.shared)
        let entry = Self.entries[index]
        let name = try #require(entry["dataset"] as? String)
        let (_, x) = try file.dataset(name)
        let weights = try #require(QuantileReferenceFile.vector(entry["weights"]))
        let levels = try #require(QuantileReferenceFile.vector(entry["levels"]))
        for (key, average) in [("average", true), ("plain", false)] {
            let expected = try #require(QuantileReferenceFile.matrix(entry[key]))
            let ours = try ColumnQuantiles.weightedPercentiles(x, weights: weights, percentiles: Array(repeating: levels, count: x.columns),
                                                               average: average, threads: 2)
            for j in 0..<x.columns {
                #expect(ours.values[j] == expected[j], "\(name) \(key) column \(j): \(ours.values[j]) vs \(expected[j])")
            }
        }
        #expect(throws: StatisticsError.self) {
            try ColumnQuantiles.weightedPercentiles(x, weights: [1], percentiles: Array(repeating: levels, count: x.columns), average: true)
        }
        var negative = weights
        negative[3] = -1
        #expect(throws: StatisticsError.self) {
            try ColumnQuantiles.weightedPercentiles(x, weights: negative, percentiles: Array(repeating: levels, count: x.columns), average: true)
        }
    }
}
