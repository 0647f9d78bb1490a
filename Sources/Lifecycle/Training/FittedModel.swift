import Foundation
import LinearAlgebra
import Models

/// A fitted model of a training spec, Codable with its type so a model file says what it holds.
public enum FittedModel: Sendable {
    case linearRegression(LinearRegressionFit)
    case ridge(RidgeFit)
    case logisticRegression(LogisticRegressionModel)

    public var typeName: String {
        switch self {
        case .linearRegression: return "LinearRegression"
        case .ridge: return "Ridge"
        case .logisticRegression: return "LogisticRegression"
        }
    }

    /// The number of input features the model takes.
    public var featureCount: Int {
        switch self {
        case let .linearRegression(fit): return fit.coefficients.count
        case let .ridge(fit): return fit.coefficients.count
        case let .logisticRegression(model): return model.featureCount
        }
    }

    /// The classes of a classifier (nil for a regressor).
    public var classes: [ClassLabel]? {
        if case let .logisticRegression(model) = self { return model.classes }
        return nil
    }

    /// What a model predicts for a block of rows.
    public enum Prediction: Sendable {
        /// One value per row.
        case values([Double])
        /// The most probable class per row and the probability of every class (rows x classes).
        case classes([ClassLabel], probabilities: Matrix<Double>)
    }

    /// Predictions for the rows of `x` (the features pipeline's output).
    /// - Throws: `ModelError.columnCountMismatch`, `.nonFiniteValue` naming row and column.
    public func predict(_ x: Matrix<Double>, threads: Int = 1) throws -> Prediction {
        switch self {
        case let .linearRegression(fit): return .values(try fit.predict(x))
        case let .ridge(fit): return .values(try fit.predict(x))
        case let .logisticRegression(model):
            let probabilities = try model.predictProbability(x, threads: threads)
            let classes = model.classes
            var labels: [ClassLabel] = []
            labels.reserveCapacity(x.rows)
            let width = classes.count
            let p = probabilities.elements
            for i in 0..<x.rows {
                var best = 0
                for k in 1..<width where p[i * width + k] > p[i * width + best] { best = k }
                labels.append(classes[best])
            }
            return .classes(labels, probabilities: probabilities)
        }
    }

    /// The numbers a loaded file must hold finite: coefficients and intercepts (of the models whose
    /// decoders do not check themselves).
    /// - Throws: `LifecycleError.corruptModel` naming the field.
    func checkDecoded() throws {
        func check(_ values: [Double], _ field: String) throws {
            if let bad = values.first(where: { !$0.isFinite }) {
                throw LifecycleError.corruptModel(reason: "\(typeName).\(field) holds the non-finite value \(bad)")
            }
        }
        switch self {
        case let .linearRegression(fit):
            try check(fit.coefficients, "coefficients"); try check([fit.intercept], "intercept")
        case let .ridge(fit):
            try check(fit.coefficients, "coefficients"); try check([fit.intercept], "intercept")
        case .logisticRegression:
            break  // LogisticRegressionModel checks its shapes and finiteness as it is decoded
        }
    }
}

extension FittedModel: Codable {
    enum Keys: String, CodingKey { case type, fitted }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "LinearRegression": self = .linearRegression(try container.decode(LinearRegressionFit.self, forKey: .fitted))
        case "Ridge": self = .ridge(try container.decode(RidgeFit.self, forKey: .fitted))
        case "LogisticRegression": self = .logisticRegression(try container.decode(LogisticRegressionModel.self, forKey: .fitted))
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [Keys.type],
                debugDescription: "unknown model type '\(type)' (known: \(ModelSpec.typeNames.joined(separator: ", ")))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .linearRegression(fit): try container.encode(fit, forKey: .fitted)
        case let .ridge(fit): try container.encode(fit, forKey: .fitted)
        case let .logisticRegression(model): try container.encode(model, forKey: .fitted)
        }
    }
}
