import LinearAlgebra
import Statistics

/// A fitted scaler that is a per-column affine map (StandardScaler, MinMaxScaler, MaxAbsScaler, and
/// later RobustScaler): transform, inverse and their in-place forms are shared here.
public protocol AffineScaler: InvertibleTransform {
    /// The transform's name in errors ("StandardScaler").
    static var transformName: String { get }
    /// The fitted map `y = (x - offset) * factor + shift`.
    var affine: ColumnAffine { get }
}

extension AffineScaler {
    public var outputNames: [String] { inputSchema.names }

    /// The map into a new matrix, over fixed row blocks on `threads` threads; NaN kept.
    /// - Throws: `.columnCountMismatch` / `.schemaMismatch`; `.infiniteValue` or `.overflow` naming
    ///   row and column.
    /// - Complexity: one read of `x` and one write of the output (allocated uninitialised).
    public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
        try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Self.transformName)
        return try affine.apply(x, threads: threads, schema: inputSchema, transform: Self.transformName)
    }

    /// The map in place (no output allocation), over fixed row blocks on `threads` threads; the same
    /// values as `transform` for any thread count.
    /// - Throws: as `transform`; on an error `x` is partly transformed and should be discarded.
    public func transformInPlace<Scalar: LinearAlgebraScalar>(_ x: inout Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws {
        try inputSchema.check(columnCount: x.columns, names: columnNames, transform: Self.transformName)
        try affine.applyInPlace(&x, threads: threads, schema: inputSchema, transform: Self.transformName)
    }

    /// The inverse map into a new matrix.
    public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
        try inputSchema.check(columnCount: y.columns, names: nil, transform: Self.transformName)
        return try affine.applyInverse(y, threads: threads, schema: inputSchema, transform: Self.transformName)
    }

    /// The inverse map in place.
    public func inverseTransformInPlace<Scalar: LinearAlgebraScalar>(_ y: inout Matrix<Scalar>, threads: Int = 1) throws {
        try inputSchema.check(columnCount: y.columns, names: nil, transform: Self.transformName)
        try affine.applyInverseInPlace(&y, threads: threads, schema: inputSchema, transform: Self.transformName)
    }
}

/// Fitting shared by the moment-based scalers.
enum MomentScaling {
    /// The column moments of `x` (fixed blocks, `threads` threads) and its schema, with errors in
    /// the transform's terms.
    static func summarize<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, columnNames: [String]?, threads: Int, transform: String
    ) throws -> (MomentsSummary, FeatureSchema) {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: transform)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: transform) }
        do {
            return (try MomentsSummary.fit(x, threads: threads), schema)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: transform, row: row, column: schema.names[column], value: value)
        }
    }

    /// The per-column non-NaN minimum and maximum of `x`, NaN counts and schema, for the scalers
    /// that need nothing else (MinMaxScaler, MaxAbsScaler): one read of `x` over the same fixed
    /// blocks as `summarize`, so the values are bit-identical to that summary's `minimum`,
    /// `maximum` and `nanCount`, for any thread count.
    /// - Throws: as `summarize` (schema, `.emptyInput`, `.infiniteValue` naming row and column).
    static func extremes<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, columnNames: [String]?, threads: Int, transform: String
    ) throws -> (extremes: ColumnKernels.Extremes, schema: FeatureSchema) {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: transform)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: transform) }
        switch try ColumnKernels.extremes(x.view, blockRows: MomentsSummary.defaultBlockRows, threads: threads) {
        case .failure(let bad):
            throw FeatureError.infiniteValue(transform: transform, row: bad.row, column: schema.names[bad.column], value: bad.value)
        case .success(let found):
            return (found, schema)
        }
    }

    /// Refuses extremes with a column that has no non-NaN value among `rows` rows (as `check`).
    static func checkObserved(_ extremes: ColumnKernels.Extremes, rows: Int, schema: FeatureSchema, transform: String) throws {
        if let j = extremes.nanCount.firstIndex(where: { $0 >= rows }) {
            throw FeatureError.noObservedValues(transform: transform, column: schema.names[j])
        }
    }

    /// Refuses a summary that does not fit the schema, covers no rows, or has a column without
    /// any non-NaN value.
    static func check(_ summary: MomentsSummary, schema: FeatureSchema, transform: String) throws {
        guard summary.columns.count == schema.count else {
            throw FeatureError.columnCountMismatch(transform: transform, expected: schema.count, got: summary.columns.count)
        }
        guard summary.rows > 0 else { throw FeatureError.emptyInput(transform: transform) }
        if let j = summary.columns.firstIndex(where: { $0.count == 0 }) {
            throw FeatureError.noObservedValues(transform: transform, column: schema.names[j])
        }
        // A summary is public data (built with ColumnMoments(count:...) or decoded): one whose
        // parts cannot come from any values would fit NaN or nonsense silently (a negative count
        // gives a NaN mean, a negative M2 a NaN scale, minimum > maximum a negative range).
        for (j, c) in summary.columns.enumerated() {
            let consistent = c.count > 0 && c.nanCount >= 0 && c.count <= summary.rows - c.nanCount
                && c.minimum.isFinite && c.maximum.isFinite && c.minimum <= c.maximum
                && c.scale.isFinite && c.scale > 0 && c.scaledMean.isFinite && c.scaledM2.isFinite && c.scaledM2 >= 0
            guard consistent else {
                throw FeatureError.invalidParameter(
                    transform: transform, parameter: "summary",
                    reason: "column '\(schema.names[j])': moments that no data gives (count \(c.count), NaN count \(c.nanCount) of \(summary.rows) rows, minimum \(c.minimum), maximum \(c.maximum), scale \(c.scale), scaled mean \(c.scaledMean), scaled M2 \(c.scaledM2))")
            }
        }
    }
}

extension AffineScaler {
    /// Checks a decoded value (a model file may be corrupted or hand-edited): the map has one finite
    /// entry per input column. `transform` relies on it.
    /// - Throws: `FeatureError.invalidSpec` naming the transform and the field.
    public func checkDecoded() throws {
        let n = inputSchema.count
        for (field, values) in [("offset", affine.offset), ("factor", affine.factor), ("shift", affine.shift),
                                ("inverse_factor", affine.inverseFactor)] {
            guard values.count == n else {
                throw FeatureError.invalidSpec(path: "\(Self.transformName).\(field)", reason: "\(values.count) entries for \(n) columns")
            }
            if let j = values.firstIndex(where: { !$0.isFinite }) {
                throw FeatureError.invalidSpec(path: "\(Self.transformName).\(field)", reason: "non-finite value \(values[j]) for column '\(inputSchema.names[j])'")
            }
        }
    }
}
