import LinearAlgebra
import Statistics

/// Replace missing values (NaN) in each column by a statistic of the column's observed values.
///
/// `statistic_j` = the mean, the median (the mean of the two middle values for an even count), the
/// most frequent value (the smallest on a tie), or a constant; then `y = isnan(x) ? statistic : x`.
/// With `addIndicator`, one 0/1 column `missingindicator_<name>` per column that had NaN at fit time
/// is appended (scikit-learn's `MissingIndicator(features="missing-only")`; NaN appearing at
/// transform time in a column that had none at fit is imputed but not flagged, as there).
///
/// Columns with no observed value at fit time are dropped from the output (scikit-learn 1.9's
/// default, with a warning, kept here in `Fitted.droppedColumns`), unless `keepEmptyFeatures`, which
/// fills them with 0 (or the constant). scikit-learn equivalent:
/// `sklearn.impute.SimpleImputer(strategy=, fill_value=, add_indicator=, keep_empty_features=)` on
/// numeric input with `missing_values=np.nan`; output feature names as its `get_feature_names_out`.
/// ±infinity is an error naming row and column (as in scikit-learn). The mean comes from the
/// mergeable `MomentsSummary` (scaled, so a column spanning ±1e300 has a finite mean). `Float`
/// input: the statistics are computed in `Double` and rounded to `Float` when filled (scikit-learn
/// averages float32 in float32: the last bit may differ).
public struct SimpleImputer: Sendable, Hashable, Codable {
    public enum Strategy: Sendable, Hashable, Codable {
        case mean
        case median
        case mostFrequent
        /// A finite fill value (scikit-learn's `strategy="constant", fill_value=`; its default is 0).
        case constant(Double)
    }

    public let strategy: Strategy
    public let addIndicator: Bool
    public let keepEmptyFeatures: Bool

    public init(strategy: Strategy = .mean, addIndicator: Bool = false, keepEmptyFeatures: Bool = false) {
        self.strategy = strategy
        self.addIndicator = addIndicator
        self.keepEmptyFeatures = keepEmptyFeatures
    }

    static let name = "SimpleImputer"

    /// Fits the per-column statistics on `x`.
    /// - Throws: `.invalidParameter` for a non-finite constant; `.emptyInput`; `.infiniteValue`
    ///   (row, column); `.columnCountMismatch` / `.invalidColumnNames` for bad names.
    /// - Complexity: mean and constant: one pass over `x` in fixed row blocks (the result does not
    ///   depend on `threads`); median: a gather and an `O(n)` selection per column; most frequent: a
    ///   sort per column.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        if case let .constant(value) = strategy, !value.isFinite {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "strategy", reason: "the constant fill value must be finite, got \(value)")
        }
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        do {
            let moments = try MomentsSummary.fit(x, threads: threads)
            let nanCounts = moments.columns.map(\.nanCount)
            let observed = moments.columns.map(\.count)
            var statistic: [Double?]
            switch strategy {
            case .mean, .constant:
                return try fit(summary: moments, schema: schema)
            case .median:
                statistic = try ColumnQuantiles.medians(x, threads: threads).values.map { $0[0].isNaN ? nil : $0[0] }
            case .mostFrequent:
                statistic = try ColumnModes.mostFrequent(x, threads: threads).map { $0?.value }
            }
            for j in statistic.indices where observed[j] == 0 { statistic[j] = nil }
            return try make(schema: schema, statistic: statistic, nanCounts: nanCounts, rows: moments.rows)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: Self.name, row: row, column: schema.names[column], value: value)
        }
    }

    /// Fits `mean` or `constant` from mergeable column moments (the streaming path).
    /// - Throws: `.invalidParameter` for the median and most-frequent strategies (they need the
    ///   values, not moments) or a non-finite constant; `.columnCountMismatch`; `.emptyInput`.
    public func fit(summary: MomentsSummary, schema: FeatureSchema) throws -> Fitted {
        guard summary.columns.count == schema.count else {
            throw FeatureError.columnCountMismatch(transform: Self.name, expected: schema.count, got: summary.columns.count)
        }
        guard summary.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        return try fit(columns: summary.columns, rows: summary.rows, schema: schema)
    }

    /// `fit(summary:schema:)` from the per-column moments (only count, mean and NaN count are used).
    func fit(columns: [ColumnMoments], rows: Int, schema: FeatureSchema) throws -> Fitted {
        let statistic: [Double?]
        switch strategy {
        case .mean:
            statistic = columns.map { $0.count > 0 ? $0.mean : nil }
        case let .constant(value):
            guard value.isFinite else {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "strategy", reason: "the constant fill value must be finite, got \(value)")
            }
            statistic = columns.map { $0.count > 0 ? value : nil }
        case .median, .mostFrequent:
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "strategy",
                                                reason: "\(strategy) cannot be fitted from moments; fit on the data")
        }
        return try make(schema: schema, statistic: statistic, nanCounts: columns.map(\.nanCount), rows: rows)
    }

    func make(schema: FeatureSchema, statistic: [Double?], nanCounts: [Int], rows: Int) throws -> Fitted {
        var fill = [Double](repeating: 0, count: schema.count)
        var kept: [Int] = [], dropped: [String] = []
        for j in 0..<schema.count {
            if let s = statistic[j] {
                fill[j] = s; kept.append(j)
            } else if keepEmptyFeatures {
                if case let .constant(value) = strategy { fill[j] = value } else { fill[j] = 0 }
                kept.append(j)
            } else {
                dropped.append(schema.names[j])
            }
        }
        let indicators = addIndicator ? (0..<schema.count).filter { nanCounts[$0] > 0 } : []
        return Fitted(configuration: self, inputSchema: schema, statistics: statistic, fillValues: fill,
                      keptColumns: kept, indicatorColumns: indicators, droppedColumns: dropped)
    }

    /// A fitted SimpleImputer: scikit-learn's `statistics_` (nil for a column without observed
    /// values), the columns kept and flagged.
    public struct Fitted: FittedTransform, Hashable {
        public let configuration: SimpleImputer
        public let inputSchema: FeatureSchema
        /// The statistic of each column (nil when the column had no observed value).
        public let statistics: [Double?]
        /// The value written into each column's NaN (0 / the constant for kept empty columns).
        public let fillValues: [Double]
        /// Input columns present in the output, in order.
        public let keptColumns: [Int]
        /// Input columns that get a missing-value indicator (those with NaN at fit time).
        public let indicatorColumns: [Int]
        /// Names of the columns dropped for having no observed value (scikit-learn's warning).
        public let droppedColumns: [String]

        /// The kept input names, then `missingindicator_<name>` for each indicator.
        public var outputNames: [String] {
            keptColumns.map { inputSchema.names[$0] } + indicatorColumns.map { "missingindicator_\(inputSchema.names[$0])" }
        }

        /// Imputes `x` (NaN -> statistic), drops empty columns, appends indicators; fixed row blocks
        /// on `threads` threads (the result does not depend on it).
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.infiniteValue` naming row and column.
        /// - Complexity: one read of `x`, one write of the output.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: SimpleImputer.name)
            let result = try ImputeKernels.impute(x, fill: fillValues, kept: keptColumns, indicators: indicatorColumns, threads: threads)
            if let bad = result.bad {
                throw FeatureError.infiniteValue(transform: SimpleImputer.name, row: bad.row, column: inputSchema.names[bad.column], value: bad.value)
            }
            return result.output
        }
    }
}

extension SimpleImputer.Fitted {
    private enum CodingKeys: String, CodingKey {
        case configuration, inputSchema, statistics, fillValues, keptColumns, indicatorColumns, droppedColumns
    }

    /// Decodes a fitted value and checks that its parts agree (a corrupted model file must be an
    /// error, never a crash at transform time).
    /// - Throws: `DecodingError.dataCorrupted` naming the inconsistency.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try c.decode(SimpleImputer.self, forKey: .configuration)
        let inputSchema = try c.decode(FeatureSchema.self, forKey: .inputSchema)
        let statistics = try c.decode([Double?].self, forKey: .statistics)
        let fillValues = try c.decode([Double].self, forKey: .fillValues)
        let kept = try c.decode([Int].self, forKey: .keptColumns)
        let indicators = try c.decode([Int].self, forKey: .indicatorColumns)
        let dropped = try c.decode([String].self, forKey: .droppedColumns)
        func corrupt(_ reason: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "SimpleImputer.Fitted: \(reason)"))
        }
        let n = inputSchema.count
        guard statistics.count == n, fillValues.count == n else {
            throw corrupt("expected \(n) statistics and fill values, got \(statistics.count) and \(fillValues.count)")
        }
        guard fillValues.allSatisfy(\.isFinite) else { throw corrupt("fill values must be finite") }
        for list in [kept, indicators] {
            guard list.allSatisfy({ $0 >= 0 && $0 < n }), zip(list, list.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw corrupt("column indices must be ascending and in 0..<\(n)")
            }
        }
        self.init(configuration: configuration, inputSchema: inputSchema, statistics: statistics, fillValues: fillValues,
                  keptColumns: kept, indicatorColumns: indicators, droppedColumns: dropped)
    }
}
