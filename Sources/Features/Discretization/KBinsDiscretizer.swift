import LinearAlgebra
import Statistics

/// Bin each column into intervals: the bin index (`ordinal`) or its one-hot code (`onehotDense`).
///
/// Bin edges, per column with `k` bins, minimum `lo` and maximum `hi`:
/// - `uniform`: `edges[i] = i (hi - lo) / k + lo` for `i < k`, `edges[k] = hi` (NumPy's `linspace`);
/// - `quantile`: `edges[i] = percentile(x, p_i)` with `p_i = i (100 / k)` (`p_k = 100`), by
///   `quantileMethod` (scikit-learn 1.9's default, `averagedInvertedCDF`), computed exactly over all
///   rows (`ColumnQuantiles`: a sample-bracketed selection on large columns, introselect otherwise). Then, as scikit-learn, edges closer than `1e-8`
///   to the previous edge are removed (bins too narrow), which reduces the column's bin count and is
///   recorded in `Fitted.warnings`.
/// A constant column gets one bin (edges `[-inf, inf]`) and a warning. `transform` gives the number
/// of inner edges `<= x` (`searchsorted(edges[1:-1], x, side="right")`); values outside the fitted
/// range fall in the first or last bin.
///
/// scikit-learn equivalent: `sklearn.preprocessing.KBinsDiscretizer(n_bins=, encode="onehot-dense" |
/// "ordinal", strategy="uniform" | "quantile", quantile_method=, subsample=None)`: the same edges,
/// bin counts, warnings and output feature names (`x0_0.0, x0_1.0, ...` for one-hot). Differences: no
/// subsampling (scikit-learn subsamples 200,000 rows at random by default; we are exact on all rows),
/// no `kmeans` strategy, no sparse output; NaN and ±infinity are errors naming row and column (as in
/// scikit-learn); a uniform range that overflows (±1e308) gives finite edges where NumPy gives NaN;
/// if removing narrow bins would leave no bin, the column keeps one bin `[first, last]` (scikit-learn
/// fails later); `inverseTransform` of a constant column returns its value (scikit-learn: NaN).
/// `Float` input follows scikit-learn's dtype rules: quantile edges are computed in `Double` from the
/// values widened exactly (scikit-learn's float32 edges are float64 too, and identical), uniform
/// edges in `Float` arithmetic (NumPy's float32 `linspace`); the output is `Float`.
public struct KBinsDiscretizer: Sendable, Hashable, Codable {
    /// The number of bins: the same for every column, or one per column (each >= 2).
    public enum Bins: Sendable, Hashable, Codable {
        case all(Int)
        case perColumn([Int])
    }
    /// How the bin is written out.
    public enum Encoding: String, Sendable, Hashable, Codable {
        /// One 0/1 column per bin (scikit-learn's `"onehot-dense"`).
        case onehotDense
        /// The bin index as a number (scikit-learn's `"ordinal"`).
        case ordinal
    }
    /// How edges are placed.
    public enum Strategy: String, Sendable, Hashable, Codable {
        case uniform
        case quantile
    }

    public let bins: Bins
    public let encode: Encoding
    public let strategy: Strategy
    public let quantileMethod: QuantileMethod

    public init(bins: Bins = .all(5), encode: Encoding = .onehotDense, strategy: Strategy = .quantile,
                quantileMethod: QuantileMethod = .averagedInvertedCDF) {
        self.bins = bins
        self.encode = encode
        self.strategy = strategy
        self.quantileMethod = quantileMethod
    }

    /// `KBinsDiscretizer(bins: .all(nBins), ...)`.
    public init(nBins: Int, encode: Encoding = .onehotDense, strategy: Strategy = .quantile,
                quantileMethod: QuantileMethod = .averagedInvertedCDF) {
        self.init(bins: .all(nBins), encode: encode, strategy: strategy, quantileMethod: quantileMethod)
    }

    static let name = "KBinsDiscretizer"

    /// The largest bin count accepted (scikit-learn has no limit; beyond this the edges alone would
    /// take megabytes per column, and no more than this many distinct quantiles are meaningful in
    /// practice).
    public static let maximumBins = 65_536

    /// What fitting noticed (scikit-learn's warnings, kept in the fitted value).
    public enum Warning: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The column is constant: one bin, every value becomes 0.
        case constantColumn(column: String)
        /// Bins narrower than 1e-8 were removed.
        case binsRemoved(column: String, requested: Int, kept: Int)

        public var description: String {
            switch self {
            case let .constantColumn(column): return "column '\(column)' is constant and will be replaced with 0"
            case let .binsRemoved(column, requested, kept):
                return "bins whose width are too small (<= 1e-8) in column '\(column)' are removed: \(kept) of \(requested) kept; consider fewer bins"
            }
        }
    }

    /// Fits the bin edges on `x`, optionally with one weight per row (scikit-learn's
    /// `fit(X, sample_weight=)`): quantile edges are then weighted percentiles (scikit-learn's
    /// `_weighted_percentile`, averaged for `averagedInvertedCDF`; only the two inverted-CDF methods
    /// accept weights, as there), and uniform edges span the rows of non-zero weight.
    /// - Throws: `.invalidParameter` for a bin count below 2 or a per-column list of the wrong
    ///   length, or weights of the wrong length, negative, non-finite or all zero (naming the row),
    ///   or weights with the `linear` method; `.emptyInput`; `.missingValue` (NaN) and
    ///   `.infiniteValue` naming row and column; `.columnCountMismatch` / `.invalidColumnNames`.
    /// - Complexity: `quantile`: an `O(n)` average selection per column (for large Double input one
    ///   fused read of each group of 8 columns, in place, then a selection among the few values
    ///   near each edge; otherwise a gather of each column first, allocating `8 n` doubles per
    ///   group of 8 columns; groups spread over `threads` threads); `uniform`: one pass.
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, sampleWeight: [Double]? = nil,
                                                 threads: Int = 1) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        if let w = sampleWeight {
            guard w.count == x.rows else {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "sampleWeight", reason: "expected \(x.rows) weights (one per row), got \(w.count)")
            }
            if let i = w.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "sampleWeight", reason: "weight \(w[i]) at row \(i) must be finite and >= 0")
            }
            guard w.contains(where: { $0 > 0 }) else {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "sampleWeight", reason: "all weights are zero")
            }
            if strategy == .quantile && quantileMethod == .linear {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "quantileMethod",
                                                    reason: "with sample weights the quantile method must be invertedCDF or averagedInvertedCDF (as scikit-learn)")
            }
        }
        let requested = try requestedBins(schema: schema)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        if strategy == .quantile && sampleWeight == nil {
            // One gather and selection per column: the 0 and 100 percentiles are the extremes,
            // the non-NaN counts reveal NaN, infinity is reported by the quantiles themselves.
            let levels = requested.map { k in Self.linspace(0, 100, k + 1).map { $0 / 100 } }
            let q: ColumnQuantiles
            do {
                q = try ColumnQuantiles.quantiles(x, perColumnProbabilities: levels, method: quantileMethod, threads: threads)
            } catch let StatisticsError.infiniteValue(row, column, value) {
                throw FeatureError.infiniteValue(transform: Self.name, row: row, column: schema.names[column], value: value)
            }
            if let j = q.counts.firstIndex(where: { $0 < x.rows }) {
                throw FeatureError.missingValue(transform: Self.name, row: try BinKernels.firstNaNRow(x, column: j), column: schema.names[j])
            }
            return finish(raw: q.values, lows: q.values.map { $0[0] }, highs: q.values.map { $0[$0.count - 1] },
                          requested: requested, schema: schema)
        }
        // Extremes (and the NaN / infinity check) from the mergeable moments.
        let moments: MomentsSummary
        do {
            moments = try MomentsSummary.fit(x, threads: threads)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: Self.name, row: row, column: schema.names[column], value: value)
        }
        if let j = moments.columns.firstIndex(where: { $0.nanCount > 0 }) {
            let row = try BinKernels.firstNaNRow(x, column: j)
            throw FeatureError.missingValue(transform: Self.name, row: row, column: schema.names[j])
        }
        var lows = moments.columns.map(\.minimum), highs = moments.columns.map(\.maximum)
        if let w = sampleWeight, strategy == .uniform {
            // scikit-learn: the extremes of the rows with a non-zero weight.
            lows = Array(repeating: .infinity, count: schema.count); highs = Array(repeating: -.infinity, count: schema.count)
            let e = x.elements
            for i in 0..<x.rows where w[i] != 0 {
                for j in 0..<schema.count {
                    let v = Double(e[i * schema.count + j])
                    lows[j] = Swift.min(lows[j], v); highs[j] = Swift.max(highs[j], v)
                }
            }
        }
        var raw: [[Double]] = []
        switch strategy {
        case .uniform:
            if Scalar.self == Float.self {
                // scikit-learn keeps float32 input in float32: np.linspace runs in float32 there.
                raw = (0..<schema.count).map { j in
                    Self.linspaceFloat(Float(lows[j]), Float(highs[j]), requested[j] + 1).map { Double($0) }
                }
            } else {
                raw = (0..<schema.count).map { Self.linspace(lows[$0], highs[$0], requested[$0] + 1) }
            }
        case .quantile:
            if let w = sampleWeight {
                let levels = requested.map { k in Self.linspace(0, 100, k + 1) }
                raw = try ColumnQuantiles.weightedPercentiles(x, weights: w, percentiles: levels,
                                                              average: quantileMethod == .averagedInvertedCDF, threads: threads).values
            } else {
                let levels = requested.map { k in Self.linspace(0, 100, k + 1).map { $0 / 100 } }
                raw = try ColumnQuantiles.quantiles(x, perColumnProbabilities: levels, method: quantileMethod, threads: threads).values
            }
        }
        return finish(raw: raw, lows: lows, highs: highs, requested: requested, schema: schema)
    }

    /// Fits quantile edges from a mergeable `QuantileSketchSummary` (the streaming path: sketch row
    /// blocks anywhere, merge, then fit). Each edge is the sketch's quantile, whose true rank is
    /// within the sketch's `rankErrorBound` of the exact one (see `QuantileSketch`); the outer
    /// edges are the exact extremes. Narrow bins are removed as in `fit`.
    /// - Throws: `.invalidParameter` for the `uniform` strategy (fit on moments' extremes instead
    ///   is not offered here), bad bin counts, or a column that saw NaN; `.columnCountMismatch`;
    ///   `.emptyInput`.
    public func fit(sketch: QuantileSketchSummary, schema: FeatureSchema) throws -> Fitted {
        guard sketch.columns.count == schema.count else {
            throw FeatureError.columnCountMismatch(transform: Self.name, expected: schema.count, got: sketch.columns.count)
        }
        guard strategy == .quantile else {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "strategy", reason: "a sketch fits the quantile strategy only")
        }
        let requested = try requestedBins(schema: schema)
        guard sketch.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        if let j = sketch.columns.firstIndex(where: { $0.nanCount > 0 }) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "sketch",
                                                reason: "column '\(schema.names[j])' saw \(sketch.columns[j].nanCount) NaN values (impute first)")
        }
        let raw = try (0..<schema.count).map { j in
            try sketch.columns[j].quantiles(Self.linspace(0, 100, requested[j] + 1).map { $0 / 100 })
        }
        return finish(raw: raw, lows: sketch.columns.map(\.minimum), highs: sketch.columns.map(\.maximum),
                      requested: requested, schema: schema)
    }

    /// The bin count of every column, validated.
    private func requestedBins(schema: FeatureSchema) throws -> [Int] {
        let requested: [Int]
        switch bins {
        case let .all(k): requested = Array(repeating: k, count: schema.count)
        case let .perColumn(list):
            guard list.count == schema.count else {
                throw FeatureError.invalidParameter(transform: Self.name, parameter: "bins",
                                                    reason: "expected one bin count per column (\(schema.count)), got \(list.count)")
            }
            requested = list
        }
        if let j = requested.firstIndex(where: { $0 < 2 || $0 > Self.maximumBins }) {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "bins",
                                                reason: "each bin count must be in 2...\(Self.maximumBins), got \(requested[j]) for column '\(schema.names[j])'")
        }
        return requested
    }

    /// Constant columns, narrow-bin removal and warnings, as scikit-learn.
    private func finish(raw: [[Double]], lows: [Double], highs: [Double], requested: [Int], schema: FeatureSchema) -> Fitted {
        var edges: [[Double]] = [], counts: [Int] = [], warnings: [Warning] = []
        for j in 0..<schema.count {
            if lows[j] == highs[j] {
                edges.append([-.infinity, .infinity]); counts.append(1)
                warnings.append(.constantColumn(column: schema.names[j]))
                continue
            }
            var e = raw[j]
            if strategy == .quantile {
                // np.ediff1d(edges, to_begin=inf) > 1e-8, on the original consecutive edges.
                var kept = [e[0]]
                for i in 1..<e.count where e[i] - e[i - 1] > 1e-8 { kept.append(e[i]) }
                if kept.count < 2 { kept = [e[0], e[e.count - 1]] }
                if kept.count - 1 != requested[j] {
                    warnings.append(.binsRemoved(column: schema.names[j], requested: requested[j], kept: kept.count - 1))
                }
                e = kept
            }
            edges.append(e); counts.append(e.count - 1)
        }
        return Fitted(configuration: self, inputSchema: schema, binEdges: edges, nBins: counts,
                      constantValues: (0..<schema.count).map { lows[$0] == highs[$0] ? lows[$0] : nil },
                      warnings: warnings)
    }

    /// NumPy's `linspace(start, stop, num)` (endpoint included): `i * step + start`, last = stop,
    /// with `step = (stop - start) / (num - 1)`; `i / div * delta + start` when the step underflows
    /// to 0. When `stop - start` overflows, `start (1 - t) + stop t` with `t = i / div` keeps it finite.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        let div = Double(num - 1)
        let delta = stop - start
        var y: [Double]
        if !delta.isFinite {
            y = (0..<num).map { i in let t = Double(i) / div; return start * (1 - t) + stop * t }
        } else {
            let step = delta / div
            y = step == 0 ? (0..<num).map { Double($0) / div * delta + start } : (0..<num).map { Double($0) * step + start }
        }
        y[num - 1] = stop
        return y
    }

    /// `linspace` in `Float` arithmetic, as NumPy computes it for float32 endpoints.
    static func linspaceFloat(_ start: Float, _ stop: Float, _ num: Int) -> [Float] {
        let div = Float(num - 1)
        let delta = stop - start
        var y: [Float]
        if !delta.isFinite {
            y = (0..<num).map { i in let t = Float(i) / div; return start * (1 - t) + stop * t }
        } else {
            let step = delta / div
            y = step == 0 ? (0..<num).map { Float($0) / div * delta + start } : (0..<num).map { Float($0) * step + start }
        }
        y[num - 1] = stop
        return y
    }

    /// A fitted KBinsDiscretizer: scikit-learn's `bin_edges_` and `n_bins_`.
    public struct Fitted: InvertibleTransform, Hashable {
        public let configuration: KBinsDiscretizer
        public let inputSchema: FeatureSchema
        /// Per column, its `nBins[j] + 1` ascending edges (`[-inf, inf]` for a constant column).
        public let binEdges: [[Double]]
        /// Bins per column after narrow bins were removed (1 for a constant column).
        public let nBins: [Int]
        /// The value of each constant column (nil otherwise), for `inverseTransform`.
        public let constantValues: [Double?]
        /// What fitting noticed (scikit-learn's warnings).
        public let warnings: [Warning]

        /// `x0_0.0, x0_1.0, ..., x1_0.0, ...` for one-hot (scikit-learn's `get_feature_names_out`: its
        /// one-hot categories are float bin indices); the input names for ordinal.
        public var outputNames: [String] {
            switch configuration.encode {
            case .ordinal: return inputSchema.names
            case .onehotDense:
                return zip(inputSchema.names, nBins).flatMap { name, k in (0..<k).map { "\(name)_\($0).0" } }
            }
        }

        /// Bins every value: the bin index (ordinal) or its one-hot code, over fixed row blocks on
        /// `threads` threads (the result does not depend on the thread count).
        /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.missingValue` (NaN) and
        ///   `.infiniteValue` naming row and column.
        /// - Complexity: one read of `x` and one write of the output (`rows x sum(nBins)` for
        ///   one-hot); a linear scan of up to 16 edges per value, else a binary search.
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: KBinsDiscretizer.name)
            let inner = binEdges.map { Array($0.dropFirst().dropLast()) }
            let result = try BinKernels.bin(x, innerEdges: inner, oneHot: configuration.encode == .onehotDense,
                                            nBins: nBins, threads: threads)
            if let bad = result.bad {
                let column = inputSchema.names[bad.column]
                if bad.value.isNaN { throw FeatureError.missingValue(transform: KBinsDiscretizer.name, row: bad.row, column: column) }
                throw FeatureError.infiniteValue(transform: KBinsDiscretizer.name, row: bad.row, column: column, value: bad.value)
            }
            return result.output
        }

        /// The centre of each value's bin, `(edges[b] + edges[b + 1]) / 2` (a constant column gives
        /// its value back). Accepts the output of `transform` (ordinal bin indices, or one-hot codes).
        /// - Throws: `.columnCountMismatch`; `.invalidEncodedValue` naming row and column for a bin
        ///   index that is not an integer in range, or a one-hot group without exactly one 1.
        public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            let width = configuration.encode == .ordinal ? inputSchema.count : nBins.reduce(0, +)
            guard y.columns == width else {
                throw FeatureError.columnCountMismatch(transform: KBinsDiscretizer.name, expected: width, got: y.columns)
            }
            let centres = (0..<inputSchema.count).map { j -> [Double] in
                if let c = constantValues[j] { return [c] }
                let e = binEdges[j]
                return (0..<(e.count - 1)).map { (e[$0] + e[$0 + 1]) * 0.5 }
            }
            var rows: [[Scalar]] = []
            rows.reserveCapacity(y.rows)
            let elements = y.elements
            for i in 0..<y.rows {
                var row: [Scalar] = []
                row.reserveCapacity(inputSchema.count)
                var offset = 0
                for j in 0..<inputSchema.count {
                    let bin: Int
                    if configuration.encode == .ordinal {
                        let v = Double(elements[i * width + j])
                        guard v.isFinite, v == v.rounded(), v >= 0, v < Double(nBins[j]) else {
                            throw FeatureError.invalidEncodedValue(transform: KBinsDiscretizer.name, row: i, column: inputSchema.names[j],
                                                                   value: v, reason: "expected a bin index in 0..<\(nBins[j])")
                        }
                        bin = Int(v)
                    } else {
                        var found: Int? = nil
                        for b in 0..<nBins[j] {
                            let v = Double(elements[i * width + offset + b])
                            if v == 1, found == nil { found = b; continue }
                            guard v == 0 else {
                                throw FeatureError.invalidEncodedValue(transform: KBinsDiscretizer.name, row: i, column: "\(inputSchema.names[j])_\(b)",
                                                                       value: v, reason: "one-hot groups must hold exactly one 1 and zeros")
                            }
                        }
                        guard let f = found else {
                            throw FeatureError.invalidEncodedValue(transform: KBinsDiscretizer.name, row: i, column: inputSchema.names[j],
                                                                   value: 0, reason: "one-hot group has no 1")
                        }
                        bin = f
                        offset += nBins[j]
                    }
                    row.append(Scalar(centres[j][constantValues[j] == nil ? bin : 0]))
                }
                rows.append(row)
            }
            if y.rows == 0 { return try Matrix(rows: 0, columns: inputSchema.count) }
            return try Matrix(rows)
        }
    }
}

extension KBinsDiscretizer.Fitted {
    private enum CodingKeys: String, CodingKey {
        case configuration, inputSchema, binEdges, nBins, constantValues, warnings
    }

    /// Decodes a fitted value and checks that its parts agree (a model file edited by hand or
    /// corrupted must be an error, never a crash at transform time).
    /// - Throws: `DecodingError.dataCorrupted` naming the inconsistency.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let configuration = try c.decode(KBinsDiscretizer.self, forKey: .configuration)
        let inputSchema = try c.decode(FeatureSchema.self, forKey: .inputSchema)
        var binEdges = try c.decode([[Double]].self, forKey: .binEdges)
        let nBins = try c.decode([Int].self, forKey: .nBins)
        let constantValues = try c.decode([Double?].self, forKey: .constantValues)
        // Constant columns are stored without their edges [-inf, inf] (JSON has no infinity).
        if binEdges.count == constantValues.count {
            for j in binEdges.indices where constantValues[j] != nil && binEdges[j].isEmpty { binEdges[j] = [-.infinity, .infinity] }
        }
        let warnings = try c.decode([KBinsDiscretizer.Warning].self, forKey: .warnings)
        func corrupt(_ reason: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "KBinsDiscretizer.Fitted: \(reason)"))
        }
        let n = inputSchema.count
        guard binEdges.count == n, nBins.count == n, constantValues.count == n else {
            throw corrupt("expected \(n) columns of edges, bin counts and constants, got \(binEdges.count), \(nBins.count), \(constantValues.count)")
        }
        for j in 0..<n {
            guard nBins[j] >= 1, binEdges[j].count == nBins[j] + 1 else {
                throw corrupt("column \(j) has \(nBins[j]) bins but \(binEdges[j].count) edges")
            }
            guard !binEdges[j].contains(where: \.isNaN), zip(binEdges[j], binEdges[j].dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw corrupt("column \(j) has edges that are NaN or not ascending")
            }
            if let v = constantValues[j], !v.isFinite { throw corrupt("column \(j) has a non-finite constant") }
        }
        self.init(configuration: configuration, inputSchema: inputSchema, binEdges: binEdges, nBins: nBins,
                  constantValues: constantValues, warnings: warnings)
    }

    /// Encodes every part; a constant column's edges `[-inf, inf]` are written as `[]` (JSON has no
    /// infinity) and restored by `init(from:)`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(configuration, forKey: .configuration)
        try c.encode(inputSchema, forKey: .inputSchema)
        try c.encode(binEdges.indices.map { constantValues[$0] != nil ? [] : binEdges[$0] }, forKey: .binEdges)
        try c.encode(nBins, forKey: .nBins)
        try c.encode(constantValues, forKey: .constantValues)
        try c.encode(warnings, forKey: .warnings)
    }
}
