import LinearAlgebra

/// One transform as data: its kind and hyperparameters, as a pipeline spec (JSON) names it.
///
/// JSON form: `{"type": "StandardScaler", "with_mean": true, "with_std": false}` — the scikit-learn
/// class name and parameter names; omitted parameters take scikit-learn's defaults; an unknown type
/// or parameter is an error that lists the known ones.
///
/// Adding a transform = one case here, one in `FittedStep`, and one line in each `switch`.
public enum TransformSpec: Sendable, Hashable {
    case standardScaler(StandardScaler)
    case minMaxScaler(MinMaxScaler)
    case maxAbsScaler(MaxAbsScaler)

    /// The scikit-learn class name (the JSON `type`).
    public var typeName: String {
        switch self {
        case .standardScaler: return "StandardScaler"
        case .minMaxScaler: return "MinMaxScaler"
        case .maxAbsScaler: return "MaxAbsScaler"
        }
    }

    /// Every `type` a spec may name.
    public static let typeNames = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler"]

    /// Fits this transform on `x` (the output of the previous steps, with its column names).
    /// - Throws: the transform's `FeatureError`s.
    public func fit(_ x: Matrix<Double>, columnNames: [String], threads: Int) throws -> FittedStep {
        switch self {
        case let .standardScaler(configuration):
            return .standardScaler(try configuration.fit(x, columnNames: columnNames, threads: threads))
        case let .minMaxScaler(configuration):
            return .minMaxScaler(try configuration.fit(x, columnNames: columnNames, threads: threads))
        case let .maxAbsScaler(configuration):
            return .maxAbsScaler(try configuration.fit(x, columnNames: columnNames, threads: threads))
        }
    }
}

extension TransformSpec: Codable {
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "StandardScaler": self = .standardScaler(try SpecCoding.decodeParameters(StandardScaler.self, from: decoder, name: type, defaults: StandardScaler()))
        case "MinMaxScaler": self = .minMaxScaler(try SpecCoding.decodeParameters(MinMaxScaler.self, from: decoder, name: type, defaults: MinMaxScaler()))
        case "MaxAbsScaler": self = .maxAbsScaler(try SpecCoding.decodeParameters(MaxAbsScaler.self, from: decoder, name: type, defaults: MaxAbsScaler()))
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [TypeKey.type],
                debugDescription: "unknown transform type '\(type)' (known: \(Self.typeNames.joined(separator: ", ")))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .standardScaler(configuration): try configuration.encode(to: encoder)
        case let .minMaxScaler(configuration): try configuration.encode(to: encoder)
        case let .maxAbsScaler(configuration): try configuration.encode(to: encoder)
        }
    }
}
