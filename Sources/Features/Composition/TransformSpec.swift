import LinearAlgebra
import Statistics
import Tabular

/// One transform as data: its kind and hyperparameters, as a pipeline spec (JSON) names them.
///
/// JSON form: `{"type": "StandardScaler", "with_mean": true, "with_std": false}` — the scikit-learn
/// class name and keyword arguments, in scikit-learn's value forms; omitted parameters take
/// scikit-learn's defaults; an unknown type or parameter is an error that lists the known ones
/// (see docs/spec.md for every transform's parameters).
///
/// Two kinds of step: *numeric* transforms map a matrix to a matrix (scalers, discretizer, imputer,
/// polynomial, ...); *table* transforms (the encoders) read a group's table columns directly and
/// must come first in their group.
///
/// Adding a transform = a case here (with its `parameters` and `decode` lines), a case in
/// `FittedStep`, and a line in `fit`.
public enum TransformSpec: Sendable, Hashable {
    case standardScaler(StandardScaler)
    case minMaxScaler(MinMaxScaler)
    case maxAbsScaler(MaxAbsScaler)
    case robustScaler(RobustScaler)
    case normalizer(Normalizer)
    case powerTransformer(PowerTransformer)
    case functionTransformer(FunctionTransformer)
    case polynomialFeatures(PolynomialFeatures)
    case kBinsDiscretizer(KBinsDiscretizer)
    case simpleImputer(SimpleImputer)
    case oneHotEncoder(OneHotEncoder)
    case ordinalEncoder(OrdinalEncoder)
    case targetEncoder(TargetEncoder)
    case featureHasher(FeatureHasher)

    /// The scikit-learn class name (the JSON `type`).
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

    /// Every `type` a spec may name.
    public static let typeNames = [
        "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer", "PowerTransformer",
        "FunctionTransformer", "PolynomialFeatures", "KBinsDiscretizer", "SimpleImputer",
        "OneHotEncoder", "OrdinalEncoder", "TargetEncoder", "FeatureHasher",
    ]

    /// Whether the step reads table columns (an encoder) rather than a numeric matrix.
    public var readsTable: Bool { Self.tableTypeNames.contains(typeName) }

    /// The transforms that read table columns (the encoders); `FittedStep.readsTable` uses it too.
    static let tableTypeNames: Set<String> = ["OneHotEncoder", "OrdinalEncoder", "TargetEncoder", "FeatureHasher"]

    /// Fits this numeric transform on `x` (the output of the previous steps, with its column names).
    /// - Throws: the transform's `FeatureError`s; `.invalidSpec` for a table transform.
    public func fit(_ x: Matrix<Double>, columnNames: [String], threads: Int) throws -> FittedStep {
        switch self {
        case let .standardScaler(c): return .standardScaler(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .minMaxScaler(c): return .minMaxScaler(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .maxAbsScaler(c): return .maxAbsScaler(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .robustScaler(c): return .robustScaler(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .normalizer(c): return .normalizer(try c.fit(x, columnNames: columnNames))
        case let .powerTransformer(c): return .powerTransformer(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .functionTransformer(c): return .functionTransformer(try c.fit(x, columnNames: columnNames))
        case let .polynomialFeatures(c): return .polynomialFeatures(try c.fit(x, columnNames: columnNames))
        case let .kBinsDiscretizer(c): return .kBinsDiscretizer(try c.fit(x, columnNames: columnNames, threads: threads))
        case let .simpleImputer(c): return .simpleImputer(try c.fit(x, columnNames: columnNames, threads: threads))
        case .oneHotEncoder, .ordinalEncoder, .targetEncoder, .featureHasher:
            throw FeatureError.invalidSpec(path: typeName, reason: "an encoder reads table columns: it must be the first step of its column group")
        }
    }

    /// Fits this table transform on `columns` of `table`, returning the fitted step and its output
    /// on the same rows (for TargetEncoder the cross-fitted encodings, as scikit-learn's
    /// `fit_transform`, so later steps are fitted on what they will see).
    /// - Throws: the encoder's `FeatureError`s; `.invalidSpec` for TargetEncoder without a target.
    public func fit(_ table: Table, columns: [String], target: [Double]?, threads: Int) throws -> (FittedStep, Matrix<Double>) {
        switch self {
        case let .oneHotEncoder(c):
            let fitted = try c.fit(table, columns: columns, threads: threads)
            return (.oneHotEncoder(fitted), try fitted.transform(table, threads: threads))
        case let .ordinalEncoder(c):
            let fitted = try c.fit(table, columns: columns, threads: threads)
            return (.ordinalEncoder(fitted), try fitted.transform(table, threads: threads))
        case let .targetEncoder(c):
            guard let target else {
                throw FeatureError.invalidSpec(path: typeName, reason: "TargetEncoder needs the target: fit it in a training spec")
            }
            let (fitted, encoded) = try c.fitTransform(table, target: target, columns: columns, threads: threads)
            return (.targetEncoder(fitted), encoded)
        case let .featureHasher(c):
            let fitted = FittedFeatureHasher(configuration: c, inputColumns: columns)
            return (.featureHasher(fitted), try fitted.transform(table, threads: threads))
        default:
            let x = try table.numericMatrix(columns: columns)
            let fitted = try fit(x, columnNames: columns, threads: threads)
            return (fitted, try fitted.transform.transform(x, columnNames: columns, threads: threads))
        }
    }
}

extension TransformSpec: Codable {
    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        guard Self.typeNames.contains(type) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [TypeKey.type],
                debugDescription: "unknown transform type '\(type)' (known: \(Self.typeNames.joined(separator: ", ")))"))
        }
        var p = try SpecParameters(transform: type, from: decoder)
        switch type {
        case "StandardScaler":
            self = .standardScaler(StandardScaler(withMean: try p.bool("with_mean", true), withStd: try p.bool("with_std", true)))
        case "MinMaxScaler":
            let range = try p.doublePair("feature_range", (0, 1))
            guard range.0 < range.1 else { throw p.error("feature_range", "must have its minimum below its maximum") }
            self = .minMaxScaler(MinMaxScaler(featureRange: range.0...range.1, clip: try p.bool("clip", false)))
        case "MaxAbsScaler":
            self = .maxAbsScaler(MaxAbsScaler())
        case "RobustScaler":
            let centering = try p.bool("with_centering", true), scaling = try p.bool("with_scaling", true)
            let range = try p.doublePair("quantile_range", (25, 75))
            self = .robustScaler(RobustScaler(withCentering: centering, withScaling: scaling, quantileRange: range,
                                              unitVariance: try p.bool("unit_variance", false)))
        case "Normalizer":
            let norm = try p.string("norm", "l2", allowed: ["l1", "l2", "max"])
            self = .normalizer(Normalizer(norm: Normalizer.Norm(rawValue: norm) ?? .l2))
        case "PowerTransformer":
            let method = try p.string("method", "yeo-johnson", allowed: ["yeo-johnson", "box-cox"])
            self = .powerTransformer(PowerTransformer(method: method == "box-cox" ? .boxCox : .yeoJohnson,
                                                      standardize: try p.bool("standardize", true)))
        case "FunctionTransformer":
            let function = try p.string("func", "log1p", allowed: FunctionTransformer.Function.allCases.map(\.rawValue))
            self = .functionTransformer(FunctionTransformer(FunctionTransformer.Function(rawValue: function) ?? .log1p))
        case "PolynomialFeatures":
            let degree: (Int, Int)
            switch p.value("degree") {
            case nil: degree = (0, 2)
            case let .number(n)? where n == n.rounded() && n >= 0 && n < 1e6: degree = (0, Int(n))
            case let .array(pair)? where pair.count == 2:
                guard case let .number(a) = pair[0], case let .number(b) = pair[1], a == a.rounded(), b == b.rounded(), a >= 0, a < 1e6, b > -1e6, b < 1e6 else {
                    throw p.error("degree", "must be an integer or [min_degree, max_degree]")
                }
                degree = (Int(a), Int(b))
            default: throw p.error("degree", "must be an integer or [min_degree, max_degree]")
            }
            self = .polynomialFeatures(PolynomialFeatures(degree: degree.1, minDegree: degree.0,
                                                          interactionOnly: try p.bool("interaction_only", false),
                                                          includeBias: try p.bool("include_bias", true)))
        case "KBinsDiscretizer":
            let bins: KBinsDiscretizer.Bins
            switch p.value("n_bins") {
            case nil: bins = .all(5)
            case let .number(n)? where n == n.rounded() && abs(n) < 1e9: bins = .all(Int(n))
            case let .array(list)?:
                bins = .perColumn(try list.map { item in
                    guard case let .number(n) = item, n == n.rounded(), abs(n) < 1e9 else { throw p.error("n_bins", "must be an integer or a list of integers") }
                    return Int(n)
                })
            default: throw p.error("n_bins", "must be an integer or a list of integers")
            }
            let encode = try p.string("encode", "onehot-dense", allowed: ["onehot-dense", "ordinal"])
            let strategy = try p.string("strategy", "quantile", allowed: ["uniform", "quantile"])
            let method = try p.string("quantile_method", "averaged_inverted_cdf", allowed: ["linear", "inverted_cdf", "averaged_inverted_cdf"])
            if case .number? = p.value("subsample") { throw p.error("subsample", "must be null: FeatureKit bins exactly on all rows") }
            self = .kBinsDiscretizer(KBinsDiscretizer(
                bins: bins, encode: encode == "ordinal" ? .ordinal : .onehotDense, strategy: strategy == "uniform" ? .uniform : .quantile,
                quantileMethod: method == "linear" ? .linear : method == "inverted_cdf" ? .invertedCDF : .averagedInvertedCDF))
        case "SimpleImputer":
            let strategy = try p.string("strategy", "mean", allowed: ["mean", "median", "most_frequent", "constant"])
            let fill = try p.double("fill_value", 0)
            let s: SimpleImputer.Strategy
            switch strategy {
            case "median": s = .median
            case "most_frequent": s = .mostFrequent
            case "constant": s = .constant(fill)
            default: s = .mean
            }
            self = .simpleImputer(SimpleImputer(strategy: s, addIndicator: try p.bool("add_indicator", false),
                                                keepEmptyFeatures: try p.bool("keep_empty_features", false)))
        case "OneHotEncoder":
            let categories = try p.categories("categories")
            let drop: OneHotEncoder.Drop
            switch p.value("drop") {
            case nil: drop = .none
            case .string("first")?: drop = .first
            case .string("if_binary")?: drop = .ifBinary
            case let .array(items)?:
                drop = .categories(try items.map { item -> String? in
                    switch item {
                    case .null: return nil
                    case let .string(s): return s
                    case let .number(n): return n == n.rounded() && abs(n) < 9.0e15 ? String(Int(n)) : "\(n)"
                    default: throw p.error("drop", "categories must be strings, numbers or null")
                    }
                })
            default: throw p.error("drop", "must be null, \"first\", \"if_binary\" or a list of categories")
            }
            let unknown = try p.string("handle_unknown", "error", allowed: ["error", "ignore", "infrequent_if_exist"])
            // scikit-learn's dtype (numpy names); the pipeline's own output stays float64.
            let dtype = try p.string("dtype", "float64", allowed: OneHotEncoder.DType.allCases.map(\.rawValue))
            self = .oneHotEncoder(OneHotEncoder(
                categories: categories, drop: drop,
                handleUnknown: unknown == "ignore" ? .ignore : unknown == "error" ? .error : .infrequentIfExist,
                minFrequency: try p.minFrequency("min_frequency"), maxCategories: try p.optionalInt("max_categories"),
                dtype: OneHotEncoder.DType(rawValue: dtype) ?? .float64))
        case "OrdinalEncoder":
            let categories = try p.categories("categories")
            let unknown = try p.string("handle_unknown", "error", allowed: ["error", "use_encoded_value"])
            let unknownValue: Double?
            switch p.value("unknown_value") {
            case nil: unknownValue = nil
            case let .number(n)?: unknownValue = n
            case .string("nan")?: unknownValue = .nan
            default: throw p.error("unknown_value", "must be an integer or \"nan\"")
            }
            if unknown == "use_encoded_value", unknownValue == nil {
                throw p.error("unknown_value", "is required with handle_unknown \"use_encoded_value\"")
            }
            let missing: Double
            switch p.value("encoded_missing_value") {
            case nil, .string("nan")?: missing = .nan
            case let .number(n)?: missing = n
            default: throw p.error("encoded_missing_value", "must be a number or \"nan\"")
            }
            self = .ordinalEncoder(OrdinalEncoder(
                categories: categories, handleUnknown: unknown == "error" ? .error : .useEncodedValue(unknownValue ?? .nan),
                encodedMissingValue: missing, minFrequency: try p.minFrequency("min_frequency"),
                maxCategories: try p.optionalInt("max_categories")))
        case "TargetEncoder":
            let categories = try p.categories("categories")
            let targetType = try p.string("target_type", "auto", allowed: ["auto", "continuous", "binary", "multiclass"])
            let smooth: TargetEncoder.Smooth
            switch p.value("smooth") {
            case nil, .string("auto")?: smooth = .auto
            case let .number(n)?: smooth = .value(n)
            default: throw p.error("smooth", "must be \"auto\" or a number")
            }
            let seed = try p.int("random_state", 0)
            guard seed >= 0 else { throw p.error("random_state", "must be a non-negative integer seed") }
            self = .targetEncoder(TargetEncoder(
                categories: categories, targetType: TargetEncoder.TargetType(rawValue: targetType) ?? .auto, smooth: smooth,
                cv: try p.int("cv", 5), shuffle: try p.bool("shuffle", true), randomState: UInt64(seed)))
        default:  // "FeatureHasher"
            _ = try p.string("input_type", "string", allowed: ["string"])
            self = .featureHasher(FeatureHasher(nFeatures: try p.int("n_features", 1 << 20),
                                                alternateSign: try p.bool("alternate_sign", true)))
        }
        try p.finish()
    }

    /// The parameters in the spec's own form (scikit-learn's names and values), all of them.
    public var parameters: [String: JSONValue] {
        func categories(_ c: EncoderCategories) -> JSONValue {
            switch c {
            case .auto: return .string("auto")
            case let .explicit(lists): return .array(lists.map { .array($0.map { $0.map(JSONValue.string) ?? .null }) })
            }
        }
        func minFrequency(_ m: MinFrequency?) -> JSONValue {
            switch m {
            case nil: return .null
            case let .count(n)?: return .number(Double(n))
            case let .fraction(f)?: return .number(f)
            }
        }
        func optionalInt(_ n: Int?) -> JSONValue { n.map { .number(Double($0)) } ?? .null }
        func number(_ x: Double) -> JSONValue { x.isNaN ? .string("nan") : .number(x) }
        switch self {
        case let .standardScaler(c): return ["with_mean": .bool(c.withMean), "with_std": .bool(c.withStd)]
        case let .minMaxScaler(c):
            return ["feature_range": .array([.number(c.featureRange.lowerBound), .number(c.featureRange.upperBound)]), "clip": .bool(c.clip)]
        case .maxAbsScaler: return [:]
        case let .robustScaler(c):
            return ["with_centering": .bool(c.withCentering), "with_scaling": .bool(c.withScaling),
                    "quantile_range": .array([.number(c.quantileRangeLow), .number(c.quantileRangeHigh)]), "unit_variance": .bool(c.unitVariance)]
        case let .normalizer(c): return ["norm": .string(c.norm.rawValue)]
        case let .powerTransformer(c):
            return ["method": .string(c.method == .boxCox ? "box-cox" : "yeo-johnson"), "standardize": .bool(c.standardize)]
        case let .functionTransformer(c): return ["func": .string(c.function.rawValue)]
        case let .polynomialFeatures(c):
            return ["degree": .array([.number(Double(c.minDegree)), .number(Double(c.degree))]),
                    "interaction_only": .bool(c.interactionOnly), "include_bias": .bool(c.includeBias)]
        case let .kBinsDiscretizer(c):
            let bins: JSONValue
            switch c.bins {
            case let .all(n): bins = .number(Double(n))
            case let .perColumn(list): bins = .array(list.map { .number(Double($0)) })
            }
            return ["n_bins": bins, "encode": .string(c.encode == .ordinal ? "ordinal" : "onehot-dense"),
                    "strategy": .string(c.strategy.rawValue), "quantile_method": .string(Self.sklearnName(c.quantileMethod))]
        case let .simpleImputer(c):
            var out: [String: JSONValue] = ["add_indicator": .bool(c.addIndicator), "keep_empty_features": .bool(c.keepEmptyFeatures)]
            switch c.strategy {
            case .mean: out["strategy"] = .string("mean")
            case .median: out["strategy"] = .string("median")
            case .mostFrequent: out["strategy"] = .string("most_frequent")
            case let .constant(v): out["strategy"] = .string("constant"); out["fill_value"] = .number(v)
            }
            return out
        case let .oneHotEncoder(c):
            let drop: JSONValue
            switch c.drop {
            case .none: drop = .null
            case .first: drop = .string("first")
            case .ifBinary: drop = .string("if_binary")
            case let .categories(list): drop = .array(list.map { $0.map(JSONValue.string) ?? .null })
            }
            let unknown = c.handleUnknown == .infrequentIfExist ? "infrequent_if_exist" : c.handleUnknown.rawValue
            var out: [String: JSONValue] = ["categories": categories(c.categories), "drop": drop, "handle_unknown": .string(unknown),
                                            "min_frequency": minFrequency(c.minFrequency), "max_categories": optionalInt(c.maxCategories)]
            if c.dtype != .float64 { out["dtype"] = .string(c.dtype.rawValue) }
            return out
        case let .ordinalEncoder(c):
            var out: [String: JSONValue] = ["categories": categories(c.categories), "encoded_missing_value": number(c.encodedMissingValue),
                                            "min_frequency": minFrequency(c.minFrequency), "max_categories": optionalInt(c.maxCategories)]
            switch c.handleUnknown {
            case .error: out["handle_unknown"] = .string("error")
            case let .useEncodedValue(v): out["handle_unknown"] = .string("use_encoded_value"); out["unknown_value"] = number(v)
            }
            return out
        case let .targetEncoder(c):
            let smooth: JSONValue
            switch c.smooth {
            case .auto: smooth = .string("auto")
            case let .value(v): smooth = .number(v)
            }
            return ["categories": categories(c.categories), "target_type": .string(c.targetType.rawValue), "smooth": smooth,
                    "cv": .number(Double(c.cv)), "shuffle": .bool(c.shuffle), "random_state": .number(Double(c.randomState))]
        case let .featureHasher(c):
            return ["n_features": .number(Double(c.nFeatures)), "alternate_sign": .bool(c.alternateSign)]
        }
    }

    static func sklearnName(_ method: QuantileMethod) -> String {
        switch method {
        case .linear: return "linear"
        case .invertedCDF: return "inverted_cdf"
        case .averagedInvertedCDF: return "averaged_inverted_cdf"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try container.encode(typeName, forKey: AnyCodingKey("type"))
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            try container.encode(value, forKey: AnyCodingKey(key))
        }
    }
}

extension SpecParameters {
    /// A `[low, high]` pair of numbers.
    mutating func doublePair(_ name: String, _ fallback: (Double, Double)) throws -> (Double, Double) {
        switch value(name) {
        case nil: return fallback
        case let .array(items)? where items.count == 2:
            guard case let .number(a) = items[0], case let .number(b) = items[1] else { throw error(name, "must be two numbers [low, high]") }
            return (a, b)
        default: throw error(name, "must be two numbers [low, high]")
        }
    }
}
