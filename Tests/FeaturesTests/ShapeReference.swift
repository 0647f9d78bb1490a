import Foundation
import LinearAlgebra
import Testing

/// The golden reference written by data/reference/make_shape.py (pinned scikit-learn 1.9.1):
/// Normalizer, PowerTransformer, FunctionTransformer and PolynomialFeatures.
struct ShapeReference: Decodable {
    struct Dataset: Decodable {
        let columns: [String]
        let x: [[String]]
        let probe: [[String]]
    }
    struct Case: Decodable {
        let transform: String
        let params: [String: ScalerReference.Param]
        let dataset: String
        let error: String?
        let fitted: [String: [String]?]?
        let transformed: [[String]]?
        let probe_transformed: [[String]]?
        let inverse: [[String]]?
        let names: [String]?
        let powers: [[Int]]?

        func text(_ key: String) -> String? {
            if case let .text(s)? = params[key] { return s }
            return nil
        }
        func bool(_ key: String) -> Bool? {
            if case let .bool(b)? = params[key] { return b }
            return nil
        }
        func int(_ key: String) -> Int? {
            if case let .number(n)? = params[key] { return Int(n) }
            return nil
        }
        func fittedValues(_ key: String) -> [Double]? {
            guard let values = fitted?[key] ?? nil else { return nil }
            return values.compactMap { Double($0) }
        }
        var label: String { "\(transform) \(params.keys.sorted().map { "\($0)=\(params[$0].map { "\($0)" } ?? "")" }) on \(dataset)" }
    }
    let sklearn: String
    let datasets: [String: Dataset]
    let cases: [Case]

    static let shared: ShapeReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/shape.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(ShapeReference.self, from: data)
    }()

    static func cases(_ transform: String) -> [Int] {
        (shared?.cases ?? []).indices.filter { shared?.cases[$0].transform == transform }
    }
}

/// `|a - b| <= tolerance` element-wise (NaN matches NaN only), recording the first few misses.
func expectClose(_ ours: Matrix<Double>, _ expected: Matrix<Double>, _ context: String,
                 tolerance: (Int, Int, Double) -> Double) throws {
    #expect(ours.shape == expected.shape, "\(context): shape \(ours.shape) vs \(expected.shape)")
    guard ours.shape == expected.shape else { return }
    var misses = 0
    for i in 0..<ours.rows {
        for j in 0..<ours.columns {
            let (o, e) = (ours[i, j], expected[i, j])
            let t = tolerance(i, j, e)
            if t == .infinity { continue }  // not compared (the caller says why)
            if !sameOrClose(o, e, tolerance: t) {
                misses += 1
                if misses <= 3 { Issue.record("\(context) row \(i) column \(j): \(o) vs scikit-learn \(e) (diff \(abs(o - e)))") }
            }
        }
    }
}
