import LinearAlgebra
import Tabular

/// One fitted transform of a pipeline: the fitted value of a `TransformSpec`, Codable with its
/// `type` so a model file can say what each step is.
public enum FittedStep: Sendable {
    case standardScaler(StandardScaler.Fitted)
    case minMaxScaler(MinMaxScaler.Fitted)
    case maxAbsScaler(MaxAbsScaler.Fitted)
    case robustScaler(RobustScaler.Fitted)
    case normalizer(Normalizer.Fitted)
    case powerTransformer(PowerTransformer.Fitted)
    case functionTransformer(FunctionTransformer.Fitted)
    case polynomialFeatures(PolynomialFeatures.Fitted)
    case kBinsDiscretizer(KBinsDiscretizer.Fitted)
    case simpleImputer(SimpleImputer.Fitted)
    case oneHotEncoder(OneHotEncoder.Fitted)
    case ordinalEncoder(OrdinalEncoder.Fitted)
    case targetEncoder(TargetEncoder.Fitted)
    case featureHasher(FittedFeatureHasher)

    /// The fitted value behind the case.
    public var transform: any FittedTransform {
        switch self {
        case let .standardScaler(f): return f
        case let .minMaxScaler(f): return f
        case let .maxAbsScaler(f): return f
        case let .robustScaler(f): return f
        case let .normalizer(f): return f
        case let .powerTransformer(f): return f
        case let .functionTransformer(f): return f
        case let .polynomialFeatures(f): return f
        case let .kBinsDiscretizer(f): return f
        case let .simpleImputer(f): return f
        case let .oneHotEncoder(f): return f
        case let .ordinalEncoder(f): return f
        case let .targetEncoder(f): return f
        case let .featureHasher(f): return f
        }
    }

    public var typeName: String {
        switch self {
        case .standardScaler: return "StandardScaler"
        case .minMaxScaler: return "MinMaxScaler"
        case .maxAbsScaler: return "MaxAbsScaler"
        case .robustScaler: return "RobustScaler"
        case .normalizer: return "Normalizer"
        case .powerTransformer: return "PowerTransformer"
        case .functionTransformer: return "FunctionTransformer"
        case .polynomialFeatures: return "PolynomialFeatures"
        case .kBinsDiscretizer: return "KBinsDiscretizer"
        case .simpleImputer: return "SimpleImputer"
        case .oneHotEncoder: return "OneHotEncoder"
        case .ordinalEncoder: return "OrdinalEncoder"
        case .targetEncoder: return "TargetEncoder"
        case .featureHasher: return "FeatureHasher"
        }
    }

    /// Whether the step reads table columns (an encoder) rather than a numeric matrix.
    public var readsTable: Bool { TransformSpec.tableTypeNames.contains(typeName) }

    public var inputSchema: FeatureSchema { transform.inputSchema }
    public var outputNames: [String] { transform.outputNames }

    /// Transforms one block of a numeric step (single-threaded: a pipeline parallelises over blocks).
    func apply(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try transform.transform(x, columnNames: nil, threads: 1)
    }

    /// Transforms one block of table rows through an encoder step.
    func applyTable(_ table: Table) throws -> Matrix<Double> {
        switch self {
        case let .oneHotEncoder(f): return try f.transform(table, threads: 1)
        case let .ordinalEncoder(f): return try f.transform(table, threads: 1)
        case let .targetEncoder(f): return try f.transform(table, threads: 1)
        case let .featureHasher(f): return try f.transform(table, threads: 1)
        default:
            return try apply(try table.numericMatrix(columns: inputSchema.names))
        }
    }
}

/// FeatureHasher in a pipeline: stateless (scikit-learn's `FeatureHasher` needs no fit), bound to
/// the columns it hashes.
public struct FittedFeatureHasher: FittedTransform, Hashable {
    public let configuration: FeatureHasher
    public let inputColumns: [String]

    public var inputSchema: FeatureSchema { FeatureSchema(unchecked: inputColumns) }
    /// `hash0 ... hash{n-1}` (scikit-learn's FeatureHasher has no feature names).
    public var outputNames: [String] { (0..<configuration.nFeatures).map { "hash\($0)" } }

    public func transform(_ table: Table, threads: Int) throws -> Matrix<Double> {
        try configuration.transform(table, columns: inputColumns, threads: threads)
    }

    /// After decoding: `nFeatures` in 1...2^31-1, as every fit requires (a negative count trapped
    /// in `outputNames`).
    func checkDecoded() throws {
        guard configuration.nFeatures >= 1, configuration.nFeatures <= Int(Int32.max) else {
            throw FeatureError.invalidSpec(path: "FeatureHasher.nFeatures", reason: "must be in 1...\(Int32.max), got \(configuration.nFeatures)")
        }
    }

    /// A hasher reads table columns, never a numeric matrix.
    public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
        throw FeatureError.invalidSpec(path: "FeatureHasher", reason: "reads table columns: use it as the first step of a column group")
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
        case "RobustScaler": self = .robustScaler(try container.decode(RobustScaler.Fitted.self, forKey: .fitted))
        case "Normalizer": self = .normalizer(try container.decode(Normalizer.Fitted.self, forKey: .fitted))
        case "PowerTransformer": self = .powerTransformer(try container.decode(PowerTransformer.Fitted.self, forKey: .fitted))
        case "FunctionTransformer": self = .functionTransformer(try container.decode(FunctionTransformer.Fitted.self, forKey: .fitted))
        case "PolynomialFeatures": self = .polynomialFeatures(try container.decode(PolynomialFeatures.Fitted.self, forKey: .fitted))
        case "KBinsDiscretizer": self = .kBinsDiscretizer(try container.decode(KBinsDiscretizer.Fitted.self, forKey: .fitted))
        case "SimpleImputer": self = .simpleImputer(try container.decode(SimpleImputer.Fitted.self, forKey: .fitted))
        case "OneHotEncoder": self = .oneHotEncoder(try container.decode(OneHotEncoder.Fitted.self, forKey: .fitted))
        case "OrdinalEncoder": self = .ordinalEncoder(try container.decode(OrdinalEncoder.Fitted.self, forKey: .fitted))
        case "TargetEncoder": self = .targetEncoder(try container.decode(TargetEncoder.Fitted.self, forKey: .fitted))
        case "FeatureHasher": self = .featureHasher(try container.decode(FittedFeatureHasher.self, forKey: .fitted))
        default:
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [Keys.type],
                debugDescription: "unknown fitted step type '\(type)' (known: \(TransformSpec.typeNames.joined(separator: ", ")))"))
        }
        // Each fitted value checked itself as it was decoded (`CheckedDecoding`).
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case let .standardScaler(f): try container.encode(f, forKey: .fitted)
        case let .minMaxScaler(f): try container.encode(f, forKey: .fitted)
        case let .maxAbsScaler(f): try container.encode(f, forKey: .fitted)
        case let .robustScaler(f): try container.encode(f, forKey: .fitted)
        case let .normalizer(f): try container.encode(f, forKey: .fitted)
        case let .powerTransformer(f): try container.encode(f, forKey: .fitted)
        case let .functionTransformer(f): try container.encode(f, forKey: .fitted)
        case let .polynomialFeatures(f): try container.encode(f, forKey: .fitted)
        case let .kBinsDiscretizer(f): try container.encode(f, forKey: .fitted)
        case let .simpleImputer(f): try container.encode(f, forKey: .fitted)
        case let .oneHotEncoder(f): try container.encode(f, forKey: .fitted)
        case let .ordinalEncoder(f): try container.encode(f, forKey: .fitted)
        case let .targetEncoder(f): try container.encode(f, forKey: .fitted)
        case let .featureHasher(f): try container.encode(f, forKey: .fitted)
        }
    }
}
