import Foundation
import LinearAlgebra
import Testing

/// data/reference/quantile.json (data/reference/make_quantile.py, pinned scikit-learn 1.9.1), read
/// without a schema; shared by the RobustScaler, KBinsDiscretizer and SimpleImputer golden tests.
struct QuantileGolden: @unchecked Sendable {  // immutable after load
    let root: [String: Any]

    static let shared: QuantileGolden? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/quantile.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return QuantileGolden(root: object)
    }()

    static func cases(_ key: String) -> [[String: Any]] { (shared?.root[key] as? [[String: Any]]) ?? [] }

    static func double(_ any: Any?) -> Double? {
        if let s = any as? String { return Double(s) }
        if let n = any as? NSNumber { return n.doubleValue }
        return nil
    }
    static func vector(_ any: Any?) -> [Double]? { (any as? [Any])?.map { double($0) ?? .nan } }
    static func matrix(_ any: Any?) -> [[Double]]? { (any as? [Any])?.compactMap(vector) }

    /// The dataset, without `drop` when given.
    func dataset(_ name: String, drop: String? = nil) throws -> (columns: [String], x: Matrix<Double>, probe: Matrix<Double>) {
        let sets = try #require(root["datasets"] as? [String: Any])
        let set = try #require(sets[name] as? [String: Any])
        var columns = try #require(set["columns"] as? [String])
        var x = try #require(Self.matrix(set["x"])), probe = try #require(Self.matrix(set["probe"]))
        if let drop, let k = columns.firstIndex(of: drop) {
            columns.remove(at: k)
            x = x.map { var r = $0; r.remove(at: k); return r }
            probe = probe.map { var r = $0; r.remove(at: k); return r }
        }
        return (columns, try Matrix(x), try Matrix(probe))
    }
}

/// Compares matrices element-wise with `tolerance(expected)`; NaN must match NaN.
func expectClose(_ ours: Matrix<Double>, _ expected: [[Double]], _ context: String,
                 tolerance: (Double) -> Double = { _ in 0 }) {
    #expect(ours.rows == expected.count, "\(context): rows \(ours.rows) vs \(expected.count)")
    guard ours.rows == expected.count else { return }
    var failures = 0
    for i in 0..<ours.rows {
        #expect(ours.columns == expected[i].count, "\(context): columns")
        guard ours.columns == expected[i].count else { return }
        for j in 0..<ours.columns {
            let (a, b) = (ours[i, j], expected[i][j])
            if !sameOrClose(a, b, tolerance: tolerance(b)) {
                failures += 1
                if failures <= 5 { Issue.record("\(context): [\(i), \(j)] = \(a), scikit-learn \(b)") }
            }
        }
    }
}
