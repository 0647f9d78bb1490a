import Foundation
import LinearAlgebra
import Testing

/// data/reference/linear.json (written by data/reference/make_linear.py with scikit-learn 1.9.1).
struct LinearReference: Decodable {
    struct Dataset: Decodable {
        let x: [[String]]
        let y: [String]
        let w: [String]?
    }
    struct Params: Decodable {
        let fit_intercept: Bool
        let alpha: Double?
        let solver: String?
    }
    struct Case: Decodable {
        let dataset: String
        let model: String
        let params: Params
        let coef: [String]
        let intercept: String
        let predictions: [String]
    }
    struct Exact: Decodable {
        let name: String
        let x: [[String]]
        let y: [String]
        let intercept: String
        let coef: [String]
    }
    let sklearn: String
    let datasets: [String: Dataset]
    let cases: [Case]
    let exact: [Exact]

    static let shared: LinearReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/linear.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(LinearReference.self, from: data)
    }()
}

func hexValues(_ values: [String]) throws -> [Double] {
    try values.map { try #require(Double($0), "bad float \($0)") }
}

// hexMatrix(_:) is shared with the logistic tests (LogisticSupport.swift).

/// `max_i |a_i - b_i| / max(max_i |b_i|, tiny)`.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    var diff = 0.0, size = 0.0
    for i in a.indices { diff = max(diff, abs(a[i] - b[i])); size = max(size, abs(b[i])) }
    return diff / max(size, .leastNormalMagnitude)
}
