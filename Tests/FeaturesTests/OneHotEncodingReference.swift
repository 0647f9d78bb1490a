import Foundation
import LinearAlgebra
import Tabular
import Testing
@testable import Features

/// The golden reference of the encoders, written by data/reference/make_encoding.py (pinned
/// scikit-learn 1.9.1). Shared by the OneHot, Ordinal, Target and Hasher tests.
struct EncodingReference: Decodable, Sendable {
    struct ColumnData: Decodable, Sendable {
        let name: String
        let kind: String
        let values: [String?]
    }

    /// A JSON value that may be a number, a string, null, a list or an object.
    indirect enum Value: Decodable, Sendable {
        case number(Double), text(String), null, list([Value]), object([String: Value])
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let n = try? c.decode(Double.self) { self = .number(n) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let l = try? c.decode([Value].self) { self = .list(l) }
            else { self = .object(try c.decode([String: Value].self)) }
        }
        var number: Double? { if case let .number(n) = self { return n }; if case let .text(s) = self { return Double(s) }; return nil }
        var text: String? { if case let .text(s) = self { return s }; return nil }
        var list: [Value]? { if case let .list(l) = self { return l }; return nil }
        var object: [String: Value]? { if case let .object(o) = self { return o }; return nil }
    }

    struct ProbeError: Decodable, Sendable {
        let column: String
        let value: String
        let row: Int
    }

    struct Case: Decodable, Sendable {
        let encoder: String
        let params: [String: Value]
        let dataset: String
        let columns: [String]
        let categories: [[String]]
        let infrequent: [[String]?]?
        let drop_idx: [Int?]?
        let feature_names: [String]?
        let transformed: [[Value]]
        let probe_transformed: [[Value]]?
        let probe_error: ProbeError?
        // TargetEncoder
        let target: [String]?
        let encodings: [[String]]?
        let target_mean: [String]?
        let fit_transform: [[String]]?
    }

    struct Murmur: Decodable, Sendable {
        let text: String
        let hash: Int32
    }

    struct HasherCase: Decodable, Sendable {
        let dataset: String
        let n_features: Int
        let alternate_sign: Bool
        let row_starts: [Int]
        let indices: [Int32]
        let values: [String]
    }

    struct HasherStrings: Decodable, Sendable {
        let rows: [[String]]
        let n_features: Int
        let row_starts: [Int]
        let indices: [Int32]
        let values: [String]
    }

    let sklearn: String
    let datasets: [String: [ColumnData]]
    let onehot: [Case]
    let ordinal: [Case]
    let target: [Case]
    let murmur: [Murmur]
    let hasher: [HasherCase]
    let hasher_strings: HasherStrings

    static let shared: EncodingReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/encoding.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        do {
            return try JSONDecoder().decode(EncodingReference.self, from: data)
        } catch {
            print("encoding.json: \(error)")
            return nil
        }
    }()

    /// The dataset as a Table (string / integer categorical columns, numeric columns from hex).
    func table(_ name: String) throws -> Table {
        let columns = try #require(datasets[name], "no dataset \(name)")
        return try Table(columns.map { column in
            switch column.kind {
            case "numeric":
                return .numeric(column.name, try column.values.map { try #require(Double($0 ?? "nan")) })
            case "integer":
                return try .categorical(column.name, column.values, kind: .integer)
            default:
                return try .categorical(column.name, column.values, kind: .string)
            }
        })
    }

    /// Explicit categories from a case's params (nil entries are the missing value).
    static func explicitCategories(_ params: [String: Value]) -> EncoderCategories {
        guard let lists = params["categories"]?.list else { return .auto }
        return .explicit(lists.map { list in (list.list ?? []).map { $0.text } })
    }

    static func minFrequency(_ params: [String: Value]) -> MinFrequency? {
        guard let object = params["min_frequency"]?.object else { return nil }
        if let count = object["count"]?.number { return .count(Int(count)) }
        if let fraction = object["fraction"]?.number { return .fraction(fraction) }
        return nil
    }
}

/// Rows of JSON numbers or hex strings as a matrix.
func matrix(_ rows: [[EncodingReference.Value]]) throws -> Matrix<Double> {
    try Matrix(rows.map { row in try row.map { try #require($0.number, "bad number \($0)") } })
}

/// Rows of hex strings as a matrix.
func matrix(hex rows: [[String]]) throws -> Matrix<Double> {
    try Matrix(rows.map { row in try row.map { try #require(Double($0), "bad float \($0)") } })
}

/// Element-wise equality with NaN equal to NaN; records the first difference.
func expectIdentical(_ a: Matrix<Double>, _ b: Matrix<Double>, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard a.rows == b.rows, a.columns == b.columns else {
        Issue.record("\(context): shape \(a.rows)x\(a.columns) vs \(b.rows)x\(b.columns)", sourceLocation: sourceLocation)
        return
    }
    for i in 0..<a.rows {
        for j in 0..<a.columns {
            let x = a[i, j], y = b[i, j]
            if !(x == y || (x.isNaN && y.isNaN)) {
                Issue.record("\(context): [\(i), \(j)] \(x) != \(y)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}
