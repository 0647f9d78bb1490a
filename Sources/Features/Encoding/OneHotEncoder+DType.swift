import LinearAlgebra
import Tabular

extension OneHotEncoder {
    /// The element type of the dense one-hot output: scikit-learn's `dtype` (`np.uint8`,
    /// `np.float32`, `np.float64`, the default). The values are the same 0 and 1 in each.
    public enum DType: String, Sendable, Hashable, Codable, CaseIterable {
        /// One byte per element (`np.uint8`; polars' `to_dummies()` type): an eighth of float64's memory.
        case uint8
        /// `np.float32`.
        case float32
        /// `np.float64`, scikit-learn's default.
        case float64
    }

    /// A dense one-hot output in the encoder's `dtype`.
    public enum DenseOutput: Sendable, Hashable {
        case uint8(UInt8Matrix)
        case float32(Matrix<Float>)
        case float64(Matrix<Double>)

        /// Rows of the output.
        public var rows: Int {
            switch self {
            case let .uint8(m): return m.rows
            case let .float32(m): return m.rows
            case let .float64(m): return m.rows
            }
        }

        /// Columns of the output.
        public var columns: Int {
            switch self {
            case let .uint8(m): return m.columns
            case let .float32(m): return m.columns
            case let .float64(m): return m.columns
            }
        }

        /// The same values as `Matrix<Double>` (exact).
        /// - Throws: `LinearAlgebraError.invalidArgument` when the Double matrix would not fit in memory.
        public func doubles() throws -> Matrix<Double> {
            switch self {
            case let .uint8(m): return try m.converted(to: Double.self)
            case let .float32(m): return try Matrix(rows: m.rows, columns: m.columns, elements: m.elements.map { Double($0) })
            case let .float64(m): return m
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case categories, drop, handleUnknown, minFrequency, maxCategories, dtype
    }

    /// Decodes a configuration; `dtype` may be absent (files written before it existed: float64).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(categories: try c.decode(EncoderCategories.self, forKey: .categories),
                  drop: try c.decode(Drop.self, forKey: .drop),
                  handleUnknown: try c.decode(HandleUnknown.self, forKey: .handleUnknown),
                  minFrequency: try c.decodeIfPresent(MinFrequency.self, forKey: .minFrequency),
                  maxCategories: try c.decodeIfPresent(Int.self, forKey: .maxCategories),
                  dtype: try c.decodeIfPresent(DType.self, forKey: .dtype) ?? .float64)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(categories, forKey: .categories)
        try c.encode(drop, forKey: .drop)
        try c.encode(handleUnknown, forKey: .handleUnknown)
        try c.encodeIfPresent(minFrequency, forKey: .minFrequency)
        try c.encodeIfPresent(maxCategories, forKey: .maxCategories)
        try c.encode(dtype, forKey: .dtype)
    }
}

extension OneHotEncoder.Fitted {
    /// Rows per block for a dense output of `bytes` per element: about 256 KiB of output per block
    /// (zeroed, then scattered into, while in L2), at most 4096 rows, at least 16.
    func denseBlockRows(elementBytes: Int) -> Int {
        Swift.max(16, Swift.min(4096, (256 << 10) / Swift.max(elementBytes * outputCount, 1)))
    }

    /// `body` (a dense-output kernel) with its `LinearAlgebraError` (an output too large to
    /// allocate, a bad shape) reported as this transform's `.invalidParameter` ("output").
    func mappingOutputErrors<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as LinearAlgebraError {
            throw FeatureError.invalidParameter(transform: Self.transformName, parameter: "output", reason: error.description)
        }
    }

    /// Throws `.invalidParameter` ("output") unless an output of `rows x columns` fits `table`.
    func checkOutput(rows: Int, columns: Int, for table: Table) throws {
        guard rows == table.rowCount, columns == outputCount else {
            throw FeatureError.invalidParameter(
                transform: Self.transformName, parameter: "output",
                reason: "is \(rows)x\(columns), expected \(table.rowCount)x\(outputCount)")
        }
    }

    /// The dense one-hot matrix in the encoder's `dtype` (scikit-learn's `transform` with
    /// `sparse_output=False, dtype=`): the same 0/1 pattern as `transform(_:threads:)`, unknown
    /// categories and dropped columns handled alike.
    /// - Throws: as `transform(_:threads:)`.
    /// - Complexity: as `transform(_:threads:)`, writing 1, 4 or 8 bytes per element.
    public func transformDense(_ table: Table, threads: Int = 1) throws -> OneHotEncoder.DenseOutput {
        switch configuration.dtype {
        case .uint8: return .uint8(try transformUInt8(table, threads: threads))
        case .float32: return .float32(try transformFloat(table, threads: threads))
        case .float64: return .float64(try transform(table, threads: threads))
        }
    }

    /// The dense one-hot matrix as bytes, whatever the configured `dtype`.
    /// - Throws: as `transform(_:threads:)`.
    /// - Complexity: one pass over each column's codes; `rows * outputCount` bytes written once.
    public func transformUInt8(_ table: Table, threads: Int = 1) throws -> UInt8Matrix {
        let (codes, targets) = try lookup(table)
        return try mappingOutputErrors {
            try ColumnKernels.scatterOnes(rows: table.rowCount, width: outputCount, codes: codes, targets: targets, as: UInt8.self,
                                          blockRows: denseBlockRows(elementBytes: 1), threads: threads)
        }
    }

    /// The dense one-hot matrix as `Float`, whatever the configured `dtype`.
    /// - Throws: as `transform(_:threads:)`.
    /// - Complexity: one pass over each column's codes; `rows * outputCount` Floats written once.
    public func transformFloat(_ table: Table, threads: Int = 1) throws -> Matrix<Float> {
        let (codes, targets) = try lookup(table)
        return try mappingOutputErrors {
            try ColumnKernels.scatterOnes(rows: table.rowCount, width: outputCount, codes: codes, targets: targets, as: Float.self,
                                          blockRows: denseBlockRows(elementBytes: 4), threads: threads)
        }
    }

    /// `transformUInt8` into an existing `table.rowCount x outputCount` byte matrix, overwritten:
    /// no allocation (the steady state, batch after batch).
    /// - Throws: as `transform(_:threads:)`; `.invalidParameter` ("output") for a matrix of the wrong shape.
    public func transform(_ table: Table, into output: inout UInt8Matrix, threads: Int = 1) throws {
        try checkOutput(rows: output.rows, columns: output.columns, for: table)
        let (codes, targets) = try lookup(table)
        try mappingOutputErrors {
            try ColumnKernels.scatterOnes(into: &output, codes: codes, targets: targets, blockRows: denseBlockRows(elementBytes: 1), threads: threads)
        }
    }
}
