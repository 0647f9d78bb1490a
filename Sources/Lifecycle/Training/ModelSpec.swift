import Features
import Foundation
import Models

/// A model as data: the `"model"` part of a training spec.
///
/// JSON form, with scikit-learn's class and parameter names and defaults:
/// - `{"type": "LinearRegression", "fit_intercept": true, "solver": "qr" | "normalEquations"}`
/// - `{"type": "Ridge", "alpha": 1.0, "solver": "auto" | "cholesky" | "qr" | "svd"}`
/// - `{"type": "LogisticRegression", "C": 1.0, "penalty": "l2" | null, "solver": "lbfgs" |
///   "newton-cholesky", "class_weight": "balanced" | [["label", weight], ...], "tol": 1e-4,
///   "max_iter": 100, "fit_intercept": true}`
///
/// Explicit class weights are a list of `[label, weight]` pairs rather than an object, so that a
/// label is never mistaken for a parameter name.
public enum ModelSpec: Sendable, Hashable {
    case linearRegression(LinearRegression)
    case ridge(Ridge)
    case logisticRegression(LogisticRegression)

    public var typeName: String {
        switch self {
        case .linearRegression: return "LinearRegression"
        case .ridge: return "Ridge"
        case .logisticRegression: return "LogisticRegression"
        }
    }

    public static let typeNames = ["LinearRegression", "Ridge", "LogisticRegression"]

    /// Whether the model predicts classes.
    public var isClassifier: Bool {
        if case .logisticRegression = self { return true }
        return false
    }
}

extension ModelSpec: Codable {
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "LinearRegression":
            self = .linearRegression(try SpecCoding.decodeParameters(LinearRegression.self, from: decoder, name: type,
                                                                     defaults: LinearRegression(), optional: ["rankCutoff"]))
        case "Ridge":
            self = .ridge(try SpecCoding.decodeParameters(Ridge.self, from: decoder, name: type, defaults: Ridge()))
        case "LogisticRegression":
            self = .logisticRegression(try LogisticParameters(from: decoder).configuration(codingPath: decoder.codingPath))
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [TypeKey.type],
                debugDescription: "unknown model type '\(type)' (known: \(Self.typeNames.joined(separator: ", ")))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .linearRegression(configuration): try configuration.encode(to: encoder)
        case let .ridge(configuration): try configuration.encode(to: encoder)
        case let .logisticRegression(configuration): try LogisticParameters(configuration).encode(to: encoder)
        }
    }
}

/// LogisticRegression's parameters as scikit-learn spells them.
struct LogisticParameters: Codable {
    var C: Double?
    var penalty: String?
    var alpha: Double?
    var solver: String?
    var classWeight: JSONValue?
    var tol: Double?
    var maxIter: Int?
    var fitIntercept: Bool?

    static let names: Set<String> = ["type", "C", "penalty", "alpha", "solver", "class_weight", "tol", "max_iter", "fit_intercept"]

    enum Keys: String, CodingKey {
        case C, penalty, alpha, solver, tol
        case classWeight = "class_weight", maxIter = "max_iter", fitIntercept = "fit_intercept"
    }

    init(from decoder: any Decoder) throws {
        let raw = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in raw.allKeys where !Self.names.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown parameter '\(key.stringValue)' for LogisticRegression (its parameters: \(Self.names.subtracting(["type"]).sorted().joined(separator: ", ")))"))
        }
        let container = try decoder.container(keyedBy: Keys.self)
        C = try container.decodeIfPresent(Double.self, forKey: .C)
        penalty = try container.decodeIfPresent(String.self, forKey: .penalty)
        if container.contains(.penalty), try container.decodeNil(forKey: .penalty) { penalty = "none" }
        alpha = try container.decodeIfPresent(Double.self, forKey: .alpha)
        solver = try container.decodeIfPresent(String.self, forKey: .solver)
        classWeight = try container.decodeIfPresent(JSONValue.self, forKey: .classWeight)
        tol = try container.decodeIfPresent(Double.self, forKey: .tol)
        maxIter = try container.decodeIfPresent(Int.self, forKey: .maxIter)
        fitIntercept = try container.decodeIfPresent(Bool.self, forKey: .fitIntercept)
    }

    init(_ configuration: LogisticRegression) {
        switch configuration.penalty {
        case .none: penalty = "none"
        case let .l2(alpha): penalty = "l2"; self.alpha = alpha
        case let .l2C(c): penalty = "l2"; C = c
        }
        switch configuration.solver {
        case .newtonCholesky: solver = "newton-cholesky"
        case .lbfgs: solver = "lbfgs"
        }
        switch configuration.classWeight {
        case nil: classWeight = nil
        case .balanced?: classWeight = .string("balanced")
        case let .explicit(weights)?:
            classWeight = .array(weights.sorted { $0.key < $1.key }.map { label, weight in
                let value: JSONValue
                switch label {
                case let .integer(i): value = .number(Double(i))
                case let .real(r): value = .number(r)
                case let .string(s): value = .string(s)
                }
                return .array([value, .number(weight)])
            })
        }
        tol = configuration.tol
        maxIter = configuration.maxIter
        fitIntercept = configuration.fitIntercept
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(C, forKey: .C)
        try container.encodeIfPresent(penalty, forKey: .penalty)
        try container.encodeIfPresent(alpha, forKey: .alpha)
        try container.encodeIfPresent(solver, forKey: .solver)
        try container.encodeIfPresent(classWeight, forKey: .classWeight)
        try container.encodeIfPresent(tol, forKey: .tol)
        try container.encodeIfPresent(maxIter, forKey: .maxIter)
        try container.encodeIfPresent(fitIntercept, forKey: .fitIntercept)
    }

    func configuration(codingPath: [any CodingKey]) throws -> LogisticRegression {
        func fail(_ key: String, _ reason: String) -> DecodingError {
            DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath + [AnyCodingKey(key)], debugDescription: reason))
        }
        let penalty: LogisticRegression.Penalty
        switch self.penalty ?? "l2" {
        case "none":
            guard C == nil, alpha == nil else { throw fail("penalty", "penalty null (none) takes neither C nor alpha") }
            penalty = .none
        case "l2":
            if C != nil && alpha != nil { throw fail("alpha", "give C or alpha, not both") }
            penalty = alpha.map { .l2(alpha: $0) } ?? .l2C(C ?? 1)
        default:
            throw fail("penalty", "penalty '\(self.penalty ?? "")' is not supported (use \"l2\" or null)")
        }
        let solver: LogisticRegression.Solver
        switch self.solver ?? "lbfgs" {
        case "lbfgs": solver = .lbfgs(memory: 10)
        case "newton-cholesky": solver = .newtonCholesky
        default: throw fail("solver", "solver '\(self.solver ?? "")' is not supported (use \"lbfgs\" or \"newton-cholesky\")")
        }
        var classWeight: LogisticRegression.ClassWeight?
        switch self.classWeight {
        case nil, .null?: classWeight = nil
        case .string("balanced")?: classWeight = .balanced
        case let .array(pairs)?:
            var weights: [ClassLabel: Double] = [:]
            for pair in pairs {
                guard case let .array(items) = pair, items.count == 2, case let .number(weight) = items[1] else {
                    throw fail("class_weight", "expected [label, weight] pairs")
                }
                switch items[0] {
                case let .string(label): weights[.string(label)] = weight
                case let .number(label) where label == label.rounded() && abs(label) < 1e15: weights[.integer(Int(label))] = weight
                case let .number(label): weights[.real(label)] = weight
                default: throw fail("class_weight", "a label must be a string or a number")
                }
            }
            classWeight = .explicit(weights)
        default:
            throw fail("class_weight", "expected \"balanced\", null or a list of [label, weight] pairs")
        }
        return LogisticRegression(penalty: penalty, fitIntercept: fitIntercept ?? true, classWeight: classWeight,
                                  solver: solver, tol: tol ?? 1e-4, maxIter: maxIter ?? 100)
    }
}
