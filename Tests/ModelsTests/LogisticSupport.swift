import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The golden reference written by data/reference/make_logistic.py (pinned scikit-learn 1.9.1).
struct LogisticReference: Decodable {
    enum Label: Decodable {
        case int(Int), text(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .text(try c.decode(String.self)) }
        }
        var classLabel: ClassLabel {
            switch self {
            case let .int(i): return .integer(i)
            case let .text(s): return .string(s)
            }
        }
    }
    struct Case: Decodable {
        let name: String
        let x: [[String]]
        let y: [Label]
        let sampleWeight: [String]?
        let C: String
        let fitIntercept: Bool
        let classWeight: String?
        let classWeightTable: [[Label]]?
        let classes: [Label]
        let coef: [[String]]
        let intercept: [String]
        let proba: [[String]]
        let objective: String
        let lbfgsObjective: String
        let lbfgsCoef: [[String]]
        let lbfgsIntercept: [String]
        let newtonIterations: Int
    }
    // classWeightTable rows are [label, hex weight]: the weight decodes as a text label.
    let sklearn: String
    let cases: [Case]

    static let shared: LogisticReference? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/reference/logistic.json").standardizedFileURL
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(LogisticReference.self, from: data)
    }()
}

func hexValue(_ s: String) throws -> Double {
    if s == "inf" { return .infinity }
    return try #require(Double(s), "bad float \(s)")
}

func hexMatrix(_ rows: [[String]]) throws -> Matrix<Double> {
    try Matrix(rows.map { try $0.map(hexValue) })
}

extension LogisticReference.Case {
    func configuration(solver: LogisticRegression.Solver, tol: Double, maxIter: Int) throws -> LogisticRegression {
        var weight: LogisticRegression.ClassWeight?
        if classWeight == "balanced" { weight = .balanced }
        if classWeight == "explicit", let table = classWeightTable {
            var dict: [ClassLabel: Double] = [:]
            for row in table {
                guard case let .text(w) = row[1] else { continue }
                dict[row[0].classLabel] = try hexValue(w)
            }
            weight = .explicit(dict)
        }
        return LogisticRegression(penalty: .l2C(try hexValue(C)), fitIntercept: fitIntercept, classWeight: weight,
                                  solver: solver, tol: tol, maxIter: maxIter)
    }
    var labels: [ClassLabel] { y.map(\.classLabel) }
    func weights() throws -> [Double]? { try sampleWeight?.map(hexValue) }
}

/// Seeded data for the property tests: `rows x columns` normal features and a label drawn from a
/// logistic model with `classes` classes.
func syntheticClassification(rows: Int, columns: Int, classes: Int, seed: UInt64, signal: Double = 1) throws -> (Matrix<Double>, [Int]) {
    var generator = SeededGenerator(seed: seed)
    let x = try Matrix<Double>.normal(rows: rows, columns: columns, using: &generator)
    var beta = [[Double]]()
    for _ in 0..<classes { beta.append((0..<columns).map { _ in generator.nextNormal() * signal }) }
    var y = [Int]()
    for i in 0..<rows {
        var best = 0, bestValue = -Double.infinity
        for k in 0..<classes {
            var z = 0.0
            for j in 0..<columns { z += x[i, j] * beta[k][j] }
            // Gumbel noise makes the argmax a draw from the softmax.
            let u = Swift.max(generator.nextUniform(), 1e-300)
            z += -log(-log(u))
            if z > bestValue { bestValue = z; best = k }
        }
        y.append(best)
    }
    return (x, y)
}
