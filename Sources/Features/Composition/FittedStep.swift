import LinearAlgebra

/// One fitted transform of a pipeline: the fitted value of a `TransformSpec`, Codable with its
/// `type` so a model file can say what each step is.
public enum FittedStep: Sendable {
    case standardScaler(StandardScaler.Fitted)
    case minMaxScaler(MinMaxScaler.Fitted)
    case maxAbsScaler(MaxAbsScaler.Fitted)

    /// The fitted value behind the case.
    public var transform: any FittedTransform {
        switch self {
        case let .standardScaler(fitted): return fitted
        case let .minMaxScaler(fitted): return fitted
        case let .maxAbsScaler(fitted): return fitted
        }
    }

    public var typeName: String {
        switch self {
        case .standardScaler: return "StandardScaler"
        case .minMaxScaler: return "MinMaxScaler"
        case .maxAbsScaler: return "MaxAbsScaler"
        }
    }

    public var inputSchema: FeatureSchema { transform.inputSchema }
    public var outputNames: [String] { transform.outputNames }

    /// Transforms one block (single-threaded: a pipeline parallelises over blocks).
    func apply(_ x: Matrix<Double>) throws -> Matrix<Double> {
        switch self {
        case let .standardScaler(fitted): return try fitted.transform(x, columnNames: nil, threads: 1)
        case let .minMaxScaler(fitted): return try fitted.transform(x, columnNames: nil, threads: 1)
        case let .maxAbsScaler(fitted): return try fitted.transform(x, columnNames: nil, threads: 1)
        }
    }
}

extension FittedStep: Codable {
    enum Keys: String, CodingKey { case type, fitted }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "StandardScaler": self = .standardScaler(try container.decode(StandardScaler.Fitted.self, forKey: .fitted))
        case "MinMaxScaler": self = .minMaxScaler(try container.decode(MinMaxScaler.Fitted.self, forKey: .fitted))
        case "MaxAbsScaler": self = .maxAbsScaler(try container.decode(MaxAbsScaler.Fitted.self, forKey: .fitted))
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [Keys.type],
                debugDescription: "unknown fitted step type '\(type)' (known: \(TransformSpec.typeNames.joined(separator: ", ")))"))
        }
        do {
            try checkDecoded()
        } catch let error as FeatureError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// The fitted value's own consistency check (lengths, finiteness).
    func checkDecoded() throws {
        switch self {
        case let .standardScaler(fitted): try fitted.checkDecoded()
        case let .minMaxScaler(fitted): try fitted.checkDecoded()
        case let .maxAbsScaler(fitted): try fitted.checkDecoded()
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .standardScaler(fitted): try container.encode(fitted, forKey: .fitted)
        case let .minMaxScaler(fitted): try container.encode(fitted, forKey: .fitted)
        case let .maxAbsScaler(fitted): try container.encode(fitted, forKey: .fitted)
        }
    }
}
