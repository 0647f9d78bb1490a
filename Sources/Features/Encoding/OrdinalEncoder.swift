import LinearAlgebra
import Statistics
import Tabular

/// Each category replaced by its index among the column's sorted categories.
///
/// `out[i][j] = g_j(x_ij)`: 0, 1, ... in category order, the infrequent categories (with
/// `minFrequency` / `maxCategories`) sharing the index after the frequent ones; a missing value
/// becomes `encodedMissingValue` (NaN by default) and is never infrequent; an unknown category is
/// an error naming column, value and row, or `unknownValue`.
///
/// scikit-learn equivalent: `sklearn.preprocessing.OrdinalEncoder(categories=, handle_unknown=,
/// unknown_value=, encoded_missing_value=, min_frequency=, max_categories=)`.
public struct OrdinalEncoder: Sendable, Hashable, Codable {
    /// What `transform` does with a category not seen at fit.
    public enum HandleUnknown: Sendable, Hashable, Codable {
        case error
        /// Encode it as this value: an integer not used by a known category, or NaN.
        case useEncodedValue(Double)
    }

    public let categories: EncoderCategories
    public let handleUnknown: HandleUnknown
    /// The code of a missing value (NaN, or an integer not used by a known category).
    public let encodedMissingValue: Double
    public let minFrequency: MinFrequency?
    public let maxCategories: Int?

    public init(categories: EncoderCategories = .auto, handleUnknown: HandleUnknown = .error,
                encodedMissingValue: Double = .nan, minFrequency: MinFrequency? = nil, maxCategories: Int? = nil) {
        self.categories = categories
        self.handleUnknown = handleUnknown
        self.encodedMissingValue = encodedMissingValue
        self.minFrequency = minFrequency
        self.maxCategories = maxCategories
    }

    static let name = "OrdinalEncoder"

    /// Fits on the named columns of `table` (every column when nil).
    /// - Throws: `.emptyInput`, `.schemaMismatch`, `.invalidParameter` (an unknown or missing code
    ///   that collides with a category's code, a non-integer code), `.invalidCategories`,
    ///   `.unknownCategory` (explicit categories with `.error`), `.infiniteValue`.
    /// - Complexity: one pass over each column's codes plus O(d log d) per column.
    public func fit(_ table: Table, columns: [String]? = nil, threads: Int = 1) throws -> Fitted {
        let schema = try CategoryEncoding.select(table, columns: columns, transform: Self.name)
        let summary = try CategoryEncoding.summarize(table, schema: schema, transform: Self.name, threads: threads)
        if case .explicit = categories, handleUnknown == .error {
            let (fitted, _) = try CategoryEncoding.categories(from: summary, spec: categories, transform: Self.name)
            try CategoryEncoding.refuseUnknown(try CategoryEncoding.columns(of: table, schema: schema, transform: Self.name),
                                               categories: fitted, transform: Self.name)
        }
        return try fit(summary: summary, schema: schema)
    }

    /// Fits from category counts (see `OneHotEncoder.fit(summary:schema:)`).
    public func fit(summary: CategorySummary, schema: FeatureSchema) throws -> Fitted {
        try minFrequency?.validate(transform: Self.name)
        if let maxCategories, maxCategories < 1 {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "maxCategories", reason: "must be >= 1, got \(maxCategories)")
        }
        if case let .useEncodedValue(value) = handleUnknown, !value.isNaN, value.rounded() != value || !value.isFinite {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "unknownValue", reason: "must be an integer or NaN, got \(value)")
        }
        if !encodedMissingValue.isNaN, encodedMissingValue.rounded() != encodedMissingValue || !encodedMissingValue.isFinite {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "encodedMissingValue", reason: "must be an integer or NaN, got \(encodedMissingValue)")
        }
        guard summary.names == schema.names else {
            throw FeatureError.schemaMismatch(transform: Self.name, missing: schema.names.filter { !summary.names.contains($0) },
                                              extra: summary.names.filter { !schema.names.contains($0) }, reordered: false)
        }
        guard summary.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        let (fittedCategories, counts) = try CategoryEncoding.categories(from: summary, spec: categories, transform: Self.name)
        var plans: [Fitted.ColumnPlan] = []
        for j in 0..<schema.count {
            let cats = fittedCategories[j]
            // The missing value is never infrequent (scikit-learn removes it from the counts).
            let levelCounts = Array(counts[j].prefix(cats.levels.count))
            let infrequent = (minFrequency != nil || maxCategories != nil)
                ? CategoryEncoding.infrequent(counts: levelCounts, rows: summary.rows, minFrequency: minFrequency, maxCategories: maxCategories)
                : nil
            let grouped = CategoryEncoding.grouping(count: cats.levels.count, infrequent: infrequent)
            var codes = grouped.map { Double($0) }
            if cats.hasMissing { codes.append(encodedMissingValue) }
            let cardinality = cats.levels.count - (infrequent.map { $0.count - 1 } ?? 0)
            if case let .useEncodedValue(value) = handleUnknown, value >= 0, value < Double(cardinality) {
                throw FeatureError.invalidParameter(
                    transform: Self.name, parameter: "unknownValue",
                    reason: "\(value) is already the code of a known category of column '\(schema.names[j])'")
            }
            if cats.hasMissing, encodedMissingValue >= 0, encodedMissingValue < Double(cardinality) {
                throw FeatureError.invalidParameter(
                    transform: Self.name, parameter: "encodedMissingValue",
                    reason: "\(encodedMissingValue) is already the code of a known category of column '\(schema.names[j])'")
            }
            plans.append(Fitted.ColumnPlan(name: schema.names[j], categories: cats, counts: counts[j], infrequent: infrequent, codes: codes))
        }
        return Fitted(configuration: self, inputSchema: schema, columns: plans)
    }

    /// A fitted OrdinalEncoder: scikit-learn's `categories_` and `infrequent_categories_`.
    public struct Fitted: FittedTransform, Hashable {
        public struct ColumnPlan: Sendable, Hashable, Codable {
            public let name: String
            public let categories: FittedCategories
            public let counts: [Int]
            /// Indices (into `categories`) of the infrequent ones, nil when none.
            public let infrequent: [Int]?
            /// `codes[k]`: the output of category k (the missing one: `encodedMissingValue`).
            public let codes: [Double]

            public var infrequentNames: [String]? { infrequent?.map { categories.name(at: $0) } }
        }

        public let configuration: OrdinalEncoder
        public let inputSchema: FeatureSchema
        public let columns: [ColumnPlan]

        public static let transformName = OrdinalEncoder.name
        public var outputNames: [String] { inputSchema.names }

        /// After decoding (a model file's fitted state is data anyone can edit): one plan per
        /// column, one code and one count per category.
        /// - Throws: `FeatureError.invalidSpec` naming the column.
        func checkDecoded() throws {
            guard columns.count == inputSchema.count else {
                throw FeatureError.invalidSpec(path: "OrdinalEncoder.columns", reason: "\(columns.count) plans for \(inputSchema.count) columns")
            }
            for plan in columns {
                let n = plan.categories.count
                guard plan.codes.count == n, plan.counts.count == n,
                      plan.infrequent?.allSatisfy({ (0..<n).contains($0) }) ?? true else {
                    throw FeatureError.invalidSpec(path: "OrdinalEncoder.columns",
                                                   reason: "column '\(plan.name)': \(plan.codes.count) codes and \(plan.counts.count) counts for \(n) categories")
                }
            }
        }

        /// The codes of `table`'s fitted columns (other columns are ignored), one output column
        /// per input column, over fixed row blocks on `threads` threads.
        /// - Throws: `.schemaMismatch`, `.categoryKindMismatch`, `.unknownCategory` (column, value,
        ///   first row) with `.error`, `.infiniteValue`.
        /// - Complexity: a lookup table per column from its levels, then one pass over the codes.
        public func transform(_ table: Table, threads: Int = 1) throws -> Matrix<Double> {
            let sources = try CategoryEncoding.columns(of: table, schema: inputSchema, transform: Self.transformName)
            var codes: [[Int32]] = []
            var tables: [[Double]] = []
            for (column, plan) in zip(sources, columns) {
                let mapped = try CategoryEncoding.map(column, onto: plan.categories, transform: Self.transformName)
                let unknown: Double
                switch configuration.handleUnknown {
                case .error:
                    if let (row, value) = mapped.firstUnknown() {
                        throw FeatureError.unknownCategory(transform: Self.transformName, column: column.name, value: value, row: row)
                    }
                    unknown = .nan
                case let .useEncodedValue(value):
                    unknown = value
                }
                codes.append(mapped.codes)
                tables.append(mapped.category.map { $0 < 0 ? unknown : plan.codes[Int($0)] })
            }
            do {
                return try ColumnKernels.gatherCodes(rows: table.rowCount, codes: codes, sources: Array(codes.indices),
                                                     tables: tables, blockRows: 4096, threads: threads)
            } catch let error as LinearAlgebraError {
                throw FeatureError.invalidParameter(transform: Self.transformName, parameter: "output", reason: error.description)
            }
        }

        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Self.transformName)
            let y = try transform(try Table(x, names: inputSchema.names), threads: threads)
            return try Matrix(rows: y.rows, columns: y.columns, elements: y.elements.map { Scalar($0) })
        }
    }
}

/// A double that survives JSON: finite values as numbers, NaN and ±infinity as the strings "nan",
/// "inf", "-inf" (Foundation's JSONEncoder refuses non-finite numbers by default, and NaN is the
/// ordinal encoder's default code for missing values).
struct PortableDouble: Codable, Hashable, Sendable {
    let value: Double

    init(_ value: Double) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        switch try container.decode(String.self) {
        case "nan": value = .nan
        case "inf": value = .infinity
        case "-inf": value = -.infinity
        case let other:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(other)' is not a number")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isNaN {
            try container.encode("nan")
        } else if value.isInfinite {
            try container.encode(value > 0 ? "inf" : "-inf")
        } else {
            try container.encode(value)
        }
    }
}

extension OrdinalEncoder.HandleUnknown {
    private enum CodingKeys: String, CodingKey { case error, useEncodedValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let value = try container.decodeIfPresent(PortableDouble.self, forKey: .useEncodedValue) {
            self = .useEncodedValue(value.value)
        } else {
            self = .error
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .error: try container.encode(true, forKey: .error)
        case let .useEncodedValue(value): try container.encode(PortableDouble(value), forKey: .useEncodedValue)
        }
    }
}

extension OrdinalEncoder {
    private enum CodingKeys: String, CodingKey { case categories, handleUnknown, encodedMissingValue, minFrequency, maxCategories }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(categories: try container.decode(EncoderCategories.self, forKey: .categories),
                  handleUnknown: try container.decode(HandleUnknown.self, forKey: .handleUnknown),
                  encodedMissingValue: try container.decode(PortableDouble.self, forKey: .encodedMissingValue).value,
                  minFrequency: try container.decodeIfPresent(MinFrequency.self, forKey: .minFrequency),
                  maxCategories: try container.decodeIfPresent(Int.self, forKey: .maxCategories))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(categories, forKey: .categories)
        try container.encode(handleUnknown, forKey: .handleUnknown)
        try container.encode(PortableDouble(encodedMissingValue), forKey: .encodedMissingValue)
        try container.encodeIfPresent(minFrequency, forKey: .minFrequency)
        try container.encodeIfPresent(maxCategories, forKey: .maxCategories)
    }
}

extension OrdinalEncoder.Fitted.ColumnPlan {
    private enum CodingKeys: String, CodingKey { case name, categories, counts, infrequent, codes }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try container.decode(String.self, forKey: .name),
                  categories: try container.decode(FittedCategories.self, forKey: .categories),
                  counts: try container.decode([Int].self, forKey: .counts),
                  infrequent: try container.decodeIfPresent([Int].self, forKey: .infrequent),
                  codes: try container.decode([PortableDouble].self, forKey: .codes).map(\.value))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(categories, forKey: .categories)
        try container.encode(counts, forKey: .counts)
        try container.encodeIfPresent(infrequent, forKey: .infrequent)
        try container.encode(codes.map(PortableDouble.init), forKey: .codes)
    }
}
