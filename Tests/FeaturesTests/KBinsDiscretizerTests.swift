import Foundation
import LinearAlgebra
import Testing
@testable import Features
import Statistics

/// KBinsDiscretizer against scikit-learn 1.9.1 (data/reference/quantile.json, fitted with
/// `subsample=None`) and its properties.
///
/// Tolerance: none. Bin edges are order statistics combined by NumPy's own formulas (quantile) or
/// NumPy's `linspace` arithmetic (uniform), so they must be bit-identical; bin indices, one-hot
/// codes, bin counts, warnings and feature names must be equal; inverse bin centres are
/// `(e[b] + e[b+1]) * 0.5` as in scikit-learn, hence equal too.
@Suite("KBinsDiscretizer")
struct KBinsDiscretizerTests {
    static var cases: [[String: Any]] { QuantileGolden.cases("kbins") }

    static func configuration(_ params: [String: Any]) throws -> KBinsDiscretizer {
        let bins: KBinsDiscretizer.Bins
        if let list = params["nBins"] as? [Int] { bins = .perColumn(list) } else { bins = .all(try #require(params["nBins"] as? Int)) }
        let encodeName = try #require(params["encode"] as? String)
        let strategyName = try #require(params["strategy"] as? String)
        let methodName = try #require(params["method"] as? String)
        let encode = try #require(KBinsDiscretizer.Encoding(rawValue: encodeName))
        let strategy = try #require(KBinsDiscretizer.Strategy(rawValue: strategyName))
        let method = try #require(QuantileMethod(rawValue: methodName))
        return KBinsDiscretizer(bins: bins, encode: encode, strategy: strategy, quantileMethod: method)
    }

    @Test("reference cases are present")
    func present() {
        #expect(Self.cases.count == 32)
    }

    @Test("matches scikit-learn", arguments: cases.indices)
    func golden(index: Int) throws {
        let file = try #require(QuantileGolden.shared)
        let c = Self.cases[index]
        let name = try #require(c["dataset"] as? String)
        let params = try #require(c["params"] as? [String: Any])
        let (columns, x, probe) = try file.dataset(name, drop: c["dropColumn"] as? String)
        let context = "KBins \(params) on \(name)"
        let fitted = try Self.configuration(params).fit(x, columnNames: columns, threads: 2)
        let edges = try #require((c["bin_edges_"] as? [Any])?.compactMap { QuantileGolden.vector($0) })
        let nBins = try #require(c["n_bins_"] as? [Int])
        for j in 0..<columns.count {
            if nBins[j] == 0 {
                // scikit-learn leaves 0 bins (unusable); we keep one bin [first, last].
                #expect(fitted.nBins[j] == 1 && fitted.binEdges[j] == [edges[j][0], edges[j][0]] || fitted.nBins[j] == 1, "\(context) column \(j)")
                continue
            }
            #expect(fitted.binEdges[j] == edges[j], "\(context): bin_edges_[\(j)] \(fitted.binEdges[j]) vs \(edges[j])")
            #expect(fitted.nBins[j] == nBins[j], "\(context): n_bins_[\(j)]")
        }
        #expect(fitted.outputNames == (c["feature_names"] as? [String]), "\(context): feature names")
        // Warnings: one per constant column and per column that lost bins, in column order.
        let messages = try #require(c["warnings"] as? [String])
        #expect(fitted.warnings.count == messages.count, "\(context): warnings \(fitted.warnings) vs \(messages)")
        for (ours, theirs) in zip(fitted.warnings, messages) {
            switch ours {
            case let .constantColumn(column):
                #expect(theirs.contains("Feature \(columns.firstIndex(of: column) ?? -1) is constant"))
            case let .binsRemoved(column, _, _):
                #expect(theirs.contains("in feature \(columns.firstIndex(of: column) ?? -1) are removed"))
            }
        }
        let transformed = try #require((c["transformed"] as? [[Int]])?.map { $0.map(Double.init) })
        expectClose(try fitted.transform(x, columnNames: columns, threads: 2), transformed, context)
        let probed = try #require((c["probe_transformed"] as? [[Int]])?.map { $0.map(Double.init) })
        expectClose(try fitted.transform(probe), probed, context + " probe")
        if let inverse = QuantileGolden.matrix(c["inverse"]) {
            let ours = try fitted.inverseTransform(try fitted.transform(x))
            // Constant columns: scikit-learn gives NaN (centre of [-inf, inf]); we give the value back.
            let adjusted = inverse.enumerated().map { i, row in
                row.enumerated().map { j, v in fitted.constantValues[j] != nil ? x[i, j] : v }
            }
            expectClose(ours, adjusted, context + " inverse")
        }
    }

    /// `fit(X, sample_weight=)`: weighted percentiles (quantile) and the extremes of the rows with
    /// non-zero weight (uniform). Tolerance: none, as the unweighted edges.
    @Test("sample weights match scikit-learn", arguments: QuantileGolden.cases("weighted").indices)
    func weighted(index: Int) throws {
        let file = try #require(QuantileGolden.shared)
        let entry = QuantileGolden.cases("weighted")[index]
        let name = try #require(entry["dataset"] as? String)
        let (columns, x, _) = try file.dataset(name)
        let weights = try #require(QuantileGolden.vector(entry["weights"]))
        for c in try #require(entry["kbins"] as? [[String: Any]]) {
            let strategyName = try #require(c["strategy"] as? String), methodName = try #require(c["method"] as? String)
            let strategy = try #require(KBinsDiscretizer.Strategy(rawValue: strategyName))
            let method = try #require(QuantileMethod(rawValue: methodName))
            let fitted = try KBinsDiscretizer(nBins: 5, encode: .ordinal, strategy: strategy, quantileMethod: method)
                .fit(x, columnNames: columns, sampleWeight: weights, threads: 2)
            let edges = try #require((c["bin_edges_"] as? [Any])?.compactMap { QuantileGolden.vector($0) })
            let nBins = try #require(c["n_bins_"] as? [Int])
            for j in columns.indices where nBins[j] > 0 {
                #expect(fitted.binEdges[j] == edges[j], "\(name) \(strategyName) \(methodName) edges[\(j)]: \(fitted.binEdges[j]) vs \(edges[j])")
                #expect(fitted.nBins[j] == nBins[j])
            }
            let transformed = try #require((c["transformed"] as? [[Int]])?.map { $0.map(Double.init) })
            expectClose(try fitted.transform(x), transformed, "\(name) weighted \(strategyName) \(methodName)")
        }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(quantileMethod: .linear).fit(x, sampleWeight: weights) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer().fit(x, sampleWeight: Array(repeating: 0, count: x.rows)) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer().fit(x, sampleWeight: [1, 2]) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer().fit(x, sampleWeight: Array(repeating: .nan, count: x.rows)) }
    }

    @Test("thread counts, Float input, one-hot inverse, Codable")
    func properties() throws {
        var g = SeededGenerator(seed: 21)
        let x = try Matrix<Double>.normal(rows: 9000, columns: 5, using: &g)
        for strategy in [KBinsDiscretizer.Strategy.quantile, .uniform] {
            let k = KBinsDiscretizer(nBins: 6, encode: .onehotDense, strategy: strategy)
            let a = try k.fit(x, threads: 1), b = try k.fit(x, threads: 2)
            #expect(a == b)
            let ta = try a.transform(x, columnNames: nil, threads: 1), tb = try a.transform(x, columnNames: nil, threads: 3)
            #expect(ta == tb)
            #expect(ta.columns == 30)
            // Each one-hot group holds exactly one 1.
            for i in stride(from: 0, to: x.rows, by: 97) {
                for j in 0..<5 { #expect((0..<6).map { ta[i, j * 6 + $0] }.reduce(0, +) == 1) }
            }
            let inv = try a.inverseTransform(ta)
            let ordinal = try KBinsDiscretizer(nBins: 6, encode: .ordinal, strategy: strategy).fit(x)
            #expect(try ordinal.inverseTransform(ordinal.transform(x)) == inv)
            // Quantile bins hold about n / k values each.
            if strategy == .quantile {
                let o = try ordinal.transform(x)
                for j in 0..<5 {
                    let counts = (0..<6).map { b in (0..<x.rows).filter { o[$0, j] == Double(b) }.count }
                    #expect(counts.allSatisfy { abs($0 - 1500) <= 1 }, "\(counts)")
                }
            }
            let data = try JSONEncoder().encode(a)
            #expect(try JSONDecoder().decode(KBinsDiscretizer.Fitted.self, from: data) == a)
        }
        // Float: edges from the same (widened) values; bins equal to Double's on the same values.
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        let xd = try Matrix<Double>(rows: x.rows, columns: x.columns, elements: xf.elements.map { Double($0) })
        let ff = try KBinsDiscretizer(nBins: 4, encode: .ordinal).fit(xf)
        let fd = try KBinsDiscretizer(nBins: 4, encode: .ordinal).fit(xd)
        #expect(ff.binEdges == fd.binEdges)
        #expect(try ff.transform(xf).elements.map(Double.init) == fd.transform(xd).elements)
    }

    /// A sketch that compacted nothing is exact, and its quantile is the inverted CDF: the fit from
    /// the sketch must equal the exact fit with `invertedCDF`. A compacted sketch stays within its
    /// rank bound of the exact edges.
    @Test("fit from a mergeable sketch")
    func fromSketch() throws {
        var g = SeededGenerator(seed: 44)
        let x = try Matrix<Double>.normal(rows: 1500, columns: 3, using: &g)
        let k = KBinsDiscretizer(nBins: 6, encode: .ordinal, quantileMethod: .invertedCDF)
        let sketch = try QuantileSketchSummary.fit(x, capacity: 2048, blockRows: 500, threads: 2)
        #expect(try k.fit(sketch: sketch, schema: .anonymous(count: 3)).binEdges == k.fit(x).binEdges)
        let big = try Matrix<Double>.normal(rows: 20_000, columns: 2, using: &g)
        let small = try QuantileSketchSummary.fit(big, capacity: 64, blockRows: 4096, threads: 2)
        let approximate = try k.fit(sketch: small, schema: .anonymous(count: 2))
        for j in 0..<2 {
            let sorted = try big.column(j).array.sorted()
            let bound = small.columns[j].rankErrorBound
            for (i, e) in approximate.binEdges[j].enumerated() {
                let rank = Double(sorted.firstIndex(where: { $0 >= e }) ?? sorted.count)
                #expect(abs(rank - Double(i) / 6 * 20_000) <= bound + 1, "edge \(i) of column \(j)")
            }
        }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(strategy: .uniform).fit(sketch: sketch, schema: .anonymous(count: 3)) }
        #expect(throws: FeatureError.self) { try k.fit(sketch: sketch, schema: .anonymous(count: 2)) }
        let robust = try RobustScaler().fit(sketch: small, schema: .anonymous(count: 2))
        let exact = try RobustScaler().fit(big)
        for j in 0..<2 {
            #expect(abs(robust.center![j] - exact.center![j]) < 0.05)
            #expect(abs(robust.scale![j] - exact.scale![j]) < 0.1)
        }
    }

    /// float32 input (scikit-learn keeps the dtype: uniform edges in float32 arithmetic, quantile
    /// edges in float64 from the widened values). Tolerance: none.
    @Test("Float input matches scikit-learn's float32", arguments: QuantileGolden.cases("float32").indices)
    func float32(index: Int) throws {
        let c = QuantileGolden.cases("float32")[index]
        let x = try Matrix<Float>(try #require(QuantileGolden.matrix(c["x32"])).map { $0.map { Float($0) } })
        let strategyName = try #require(c["strategy"] as? String)
        let fitted = try KBinsDiscretizer(nBins: 5, encode: .ordinal, strategy: try #require(KBinsDiscretizer.Strategy(rawValue: strategyName))).fit(x)
        let edges = try #require((c["bin_edges_"] as? [Any])?.compactMap { QuantileGolden.vector($0) })
        #expect(fitted.binEdges == edges, "\(c["dataset"] ?? "") \(strategyName)")
        let transformed = try #require(c["transformed"] as? [[Int]])
        #expect(try fitted.transform(x).rowArrays == transformed.map { $0.map { Float($0) } })
    }

    @Test("errors and edge cases")
    func edges() throws {
        let x = try Matrix<Double>([[1, 2], [2, 2], [3, 2], [4, 2]])
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: 1).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(bins: .perColumn([3])).fit(x) }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer().fit(try Matrix<Double>(rows: 0, columns: 2)) }
        #expect {
            try KBinsDiscretizer().fit(try Matrix<Double>([[1, 2], [.nan, 3]]), columnNames: ["a", "b"])
        } throws: { error in
            guard case let FeatureError.missingValue(_, row, column) = error else { return false }
            return row == 1 && column == "a"
        }
        #expect(throws: FeatureError.self) { try KBinsDiscretizer().fit(try Matrix<Double>([[1, 2], [3, -.infinity]])) }
        let f = try KBinsDiscretizer(nBins: 2, encode: .ordinal).fit(x, columnNames: ["a", "b"])
        #expect(f.warnings == [.constantColumn(column: "b")])
        #expect(f.nBins == [2, 1])
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[.nan, 1]])) }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[.infinity, 1]])) }
        #expect(throws: FeatureError.self) { try f.transform(try Matrix<Double>([[1, 2, 3]])) }
        #expect(throws: FeatureError.self) { try f.inverseTransform(try Matrix<Double>([[2, 0]])) }
        #expect(throws: FeatureError.self) { try f.inverseTransform(try Matrix<Double>([[0.5, 0]])) }
        #expect(throws: FeatureError.self) { try f.inverseTransform(try Matrix<Double>([[.nan, 0]])) }
        #expect(try f.inverseTransform(try Matrix<Double>([[1, 0]])).elements == [3.25, 2])
        let oh = try KBinsDiscretizer(nBins: 2).fit(x)
        #expect(throws: FeatureError.self) { try oh.inverseTransform(try Matrix<Double>([[1, 1, 0]])) }
        #expect(throws: FeatureError.self) { try oh.inverseTransform(try Matrix<Double>([[0, 0, 1]])) }
        #expect(oh.outputNames == ["x0_0.0", "x0_1.0", "x1_0.0"])
        // Extreme uniform range: finite edges where NumPy overflows.
        let huge = try Matrix<Double>([[-1.7e308], [0], [1.7e308]])
        let h = try KBinsDiscretizer(nBins: 4, encode: .ordinal, strategy: .uniform).fit(huge)
        #expect(h.binEdges[0].allSatisfy { $0.isFinite })
        #expect(try h.transform(huge).elements == [0, 2, 3])
        // Many bins: binary search path.
        let many = try Matrix<Double>(rows: 1000, columns: 1, elements: (0..<1000).map(Double.init))
        let m = try KBinsDiscretizer(nBins: 100, encode: .ordinal).fit(many)
        #expect(try m.transform(many).elements == (0..<1000).map { Double($0 / 10) })
        // Empty transform input; zero columns; a huge bin count.
        #expect(try f.transform(try Matrix<Double>(rows: 0, columns: 2)).rows == 0)
        let none = try KBinsDiscretizer().fit(try Matrix<Double>(rows: 3, columns: 0))
        #expect(try none.transform(try Matrix<Double>(rows: 3, columns: 0)).shape == Shape(rows: 3, columns: 0))
        #expect(throws: FeatureError.self) { try KBinsDiscretizer(nBins: Int.max).fit(x) }
        // JSON round trip with a constant column (edges [-inf, inf]); a corrupted file is a
        // decoding error, not a crash later.
        #expect(try JSONDecoder().decode(KBinsDiscretizer.Fitted.self, from: try JSONEncoder().encode(f)) == f)
        var json = String(decoding: try JSONEncoder().encode(f), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"nBins\":[2,1]", with: "\"nBins\":[5,1]")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(KBinsDiscretizer.Fitted.self, from: Data(json.utf8)) }
    }
}
