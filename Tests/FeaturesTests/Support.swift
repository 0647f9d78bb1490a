import Foundation
import LinearAlgebra
import Testing

/// The golden reference written by data/reference/make_reference.py (pinned scikit-learn).
struct ScalerReference: Decodable {
    struct Dataset: Decodable {
        let columns: [String]
        let x: [[String]]
        let probe: [[String]]
    }
    struct Case: Decodable {
        let transform: String
        let params: [String: Param]
        let dataset: String
        let fitted: [String: [Param]?]
        let transformed: [[String]]
        let probe_transformed: [[String]]
        let inverse: [[String]]
    }
    /// A JSON value that is a number, a bool or a hex string.
    enum Param: Decodable {
        case number(Double), bool(Bool), text(String), list([Double])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let l = try? c.decode([Double].self) { self = .list(l) }
            else { self = .text(try c.decode(String.self)) }
        }
        var double: Double? {
            switch self {
            case let .number(n): return n
            case let .text(s): return Double(s)
            default: return nil
            }
        }
    }
    let sklearn: String
    let datasets: [String: Dataset]
    let cases: [Case]

    static let shared: ScalerReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/scalers.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(ScalerReference.self, from: data)
    }()
}

/// Parses scikit-learn's `float.hex()` / "nan" / "inf" strings exactly.
func parseHex(_ rows: [[String]]) throws -> Matrix<Double> {
    try Matrix(rows.map { row in try row.map { try #require(Double($0), "bad float \($0)") } })
}

func parseHex(_ values: [ScalerReference.Param]) throws -> [Double] {
    try values.map { try #require($0.double) }
}

/// `|a - b| <= tolerance`, with NaN equal to NaN (both must be NaN).
func sameOrClose(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a == b { return true }
    return abs(a - b) <= tolerance
}
