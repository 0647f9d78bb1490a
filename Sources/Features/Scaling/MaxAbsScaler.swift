import LinearAlgebra
import Statistics

/// Scale each column by its largest magnitude: `y = x / maxAbs`, so values lie in [-1, 1] and
/// zeros (sparsity) are kept.
///
/// scikit-learn equivalent: `sklearn.preprocessing.MaxAbsScaler()`; an all-zero column gets scale 1;
/// NaN ignored in fit and kept in transform.
public struct MaxAbsScaler: Sendable, Hashable, Codable {
    public init() {}

    static let name = "MaxAbsScaler"

    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public func fit<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws -> Fitted {
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard x.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        let summary: MomentsSummary
        do { summary = try MomentsSummary.fit(x, threads: threads) } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: Self.name, row: row, column: schema.names[column], value: value)
        }
        return try fit(summary: summary, schema: schema)
    }

    /// Fits from mergeable column moments (largest magnitude).
    public func fit(summary: MomentsSummary, schema: FeatureSchema) throws -> Fitted {
        guard summary.columns.count == schema.count else {
            throw FeatureError.columnCountMismatch(transform: Self.name, expected: schema.count, got: summary.columns.count)
        }
        guard summary.rows > 0 else { throw FeatureError.emptyInput(transform: Self.name) }
        if let j = summary.columns.firstIndex(where: { $0.count == 0 }) {
            throw FeatureError.noObservedValues(transform: Self.name, column: schema.names[j])
        }
        let maxAbs = summary.columns.map(\.maxAbs)
        let scale = maxAbs.map(ScaleHandling.handleZeros)
        let n = scale.count
        let affine = ColumnAffine(offset: Array(repeating: 0, count: n), factor: scale.map { 1 / $0 },
                                  shift: Array(repeating: 0, count: n), inverseFactor: scale)
        return Fitted(configuration: self, inputSchema: schema, maxAbs: maxAbs, scale: scale, affine: affine)
    }

    /// A fitted MaxAbsScaler: scikit-learn's `max_abs_` and `scale_`.
    public struct Fitted: InvertibleTransform, Hashable {
        public let configuration: MaxAbsScaler
        public let inputSchema: FeatureSchema
        public let maxAbs: [Double]
        public let scale: [Double]
        let affine: ColumnAffine

        public var outputNames: [String] { inputSchema.names }

        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func transform<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, columnNames: [String]?, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: MaxAbsScaler.name)
            return try affine.apply(x, threads: threads, schema: inputSchema, transform: MaxAbsScaler.name)
        }

        /// The transform in place (no output allocation), over fixed row blocks on `threads` threads;
        /// the same values as `transform(_:)` for any thread count.
        /// - Throws: as `transform`; on an error `x` is partly transformed and should be discarded.
        /// - Complexity: one read and one write of `x`, in place.
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func transformInPlace<Scalar: LinearAlgebraScalar>(_ x: inout Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1) throws {
            try inputSchema.check(columnCount: x.columns, names: columnNames, transform: MaxAbsScaler.name)
            try affine.applyInPlace(&x, threads: threads, schema: inputSchema, transform: MaxAbsScaler.name)
        }

        /// The inverse transform in place, over fixed row blocks on `threads` threads.
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func inverseTransformInPlace<Scalar: LinearAlgebraScalar>(_ y: inout Matrix<Scalar>, threads: Int = 1) throws {
            try inputSchema.check(columnCount: y.columns, names: nil, transform: MaxAbsScaler.name)
            try affine.applyInverseInPlace(&y, threads: threads, schema: inputSchema, transform: MaxAbsScaler.name)
        }

        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Float)
        public func inverseTransform<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int) throws -> Matrix<Scalar> {
            try inputSchema.check(columnCount: y.columns, names: nil, transform: MaxAbsScaler.name)
            return try affine.applyInverse(y, threads: threads, schema: inputSchema, transform: MaxAbsScaler.name)
        }
    }
}
