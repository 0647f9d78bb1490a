import Foundation

/// Decoding of fitted values that checks them, whichever way they are decoded.
///
/// A fitted value is public and `Codable`, so a caller may save one with `JSONEncoder` and load it
/// on its own, not inside a `FittedStep` (which always checked). Its state is then data anyone can
/// edit: a coefficient list shorter than the schema, an output index out of range, duplicate column
/// names. Each `init(from:)` here decodes the synthesized keys and runs the type's `checkDecoded`,
/// so an inconsistent value is a `DecodingError.dataCorrupted` naming the field and column at load
/// time, never an index out of range at transform time.
enum CheckedDecoding {
    /// Runs `check` and restates a `FeatureError` as `DecodingError.dataCorrupted` at `decoder`'s path.
    static func check(_ decoder: any Decoder, _ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as FeatureError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}

extension FeatureSchema {
    private enum CheckedKeys: String, CodingKey { case names }

    /// Decodes the names and checks them as `init(names:)` does (non-empty, distinct).
    /// - Throws: `DecodingError.dataCorrupted` naming the empty or repeated name.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        let names = try c.decode([String].self, forKey: .names)
        var checked: FeatureSchema?
        try CheckedDecoding.check(decoder) { checked = try FeatureSchema(names: names) }
        self = checked ?? FeatureSchema(unchecked: names)  // invariant: check threw or set it
    }
}

extension StandardScaler.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, mean, variance, scale, samplesSeen, affine }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(StandardScaler.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  mean: try c.decodeIfPresent([Double].self, forKey: .mean),
                  variance: try c.decodeIfPresent([Double].self, forKey: .variance),
                  scale: try c.decodeIfPresent([Double].self, forKey: .scale),
                  samplesSeen: try c.decode([Int].self, forKey: .samplesSeen),
                  affine: try c.decode(ColumnAffine.self, forKey: .affine))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension MinMaxScaler.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, dataMin, dataMax, dataRange, scale, min, affine }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(MinMaxScaler.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  dataMin: try c.decode([Double].self, forKey: .dataMin),
                  dataMax: try c.decode([Double].self, forKey: .dataMax),
                  dataRange: try c.decode([Double].self, forKey: .dataRange),
                  scale: try c.decode([Double].self, forKey: .scale),
                  min: try c.decode([Double].self, forKey: .min),
                  affine: try c.decode(ColumnAffine.self, forKey: .affine))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension MaxAbsScaler.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, maxAbs, scale, affine }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(MaxAbsScaler.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  maxAbs: try c.decode([Double].self, forKey: .maxAbs),
                  scale: try c.decode([Double].self, forKey: .scale),
                  affine: try c.decode(ColumnAffine.self, forKey: .affine))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension RobustScaler.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, center, scale, quantiles, affine }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(RobustScaler.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  center: try c.decodeIfPresent([Double].self, forKey: .center),
                  scale: try c.decodeIfPresent([Double].self, forKey: .scale),
                  quantiles: try c.decode([[Double]].self, forKey: .quantiles),
                  affine: try c.decode(ColumnAffine.self, forKey: .affine))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension PowerTransformer.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, lambdas, scaler }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(PowerTransformer.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  lambdas: try c.decode([Double].self, forKey: .lambdas),
                  scaler: try c.decodeIfPresent(StandardScaler.Fitted.self, forKey: .scaler))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension OneHotEncoder.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, columns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(OneHotEncoder.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  columns: try c.decode([ColumnPlan].self, forKey: .columns))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension OrdinalEncoder.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, columns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(OrdinalEncoder.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  columns: try c.decode([ColumnPlan].self, forKey: .columns))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension TargetEncoder.Fitted {
    private enum CheckedKeys: String, CodingKey { case configuration, inputSchema, targetType, classes, targetMeans, columns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(TargetEncoder.self, forKey: .configuration),
                  inputSchema: try c.decode(FeatureSchema.self, forKey: .inputSchema),
                  targetType: try c.decode(TargetEncoder.TargetType.self, forKey: .targetType),
                  classes: try c.decodeIfPresent([Double].self, forKey: .classes),
                  targetMeans: try c.decode([Double].self, forKey: .targetMeans),
                  columns: try c.decode([ColumnPlan].self, forKey: .columns))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}

extension FittedFeatureHasher {
    private enum CheckedKeys: String, CodingKey { case configuration, inputColumns }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        self.init(configuration: try c.decode(FeatureHasher.self, forKey: .configuration),
                  inputColumns: try c.decode([String].self, forKey: .inputColumns))
        try CheckedDecoding.check(decoder) { try checkDecoded() }
    }
}
