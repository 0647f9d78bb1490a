import LinearAlgebra

/// The per-column affine map `y = (x - offset) * factor + shift` and its inverse
/// `x = (y - shift) * inverseFactor + offset`, shared by the scalers.
///
/// `inverseFactor` is stored rather than computed as `1 / factor`, so that an inverse multiplies by
/// exactly the fitted scale, as scikit-learn's `inverse_transform` does.
public struct ColumnAffine: Sendable, Hashable, Codable {
    public let offset: [Double]
    public let factor: [Double]
    public let shift: [Double]
    public let inverseFactor: [Double]

    /// Rows per block: the transform reads and writes 4096-row blocks (256 KiB per 8 Double
    /// columns) so that later fused pipelines can chain steps while a block is in cache.
    static let blockRows = 4096

    /// Applies the map to every row of `x` into a new matrix.
    /// - Throws: `FeatureError.infiniteValue` naming the row and column of the first ±infinity.
    func apply<Scalar: LinearAlgebraScalar>(_ x: Matrix<Scalar>, threads: Int, schema: FeatureSchema, transform: String) throws -> Matrix<Scalar> {
        try Self.run(x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
    }

    /// Applies the inverse map.
    func applyInverse<Scalar: LinearAlgebraScalar>(_ y: Matrix<Scalar>, threads: Int, schema: FeatureSchema, transform: String) throws -> Matrix<Scalar> {
        try Self.run(y, offset: shift, factor: inverseFactor, shift: offset, threads: threads, schema: schema, transform: transform)
    }

    /// Applies the map in place over fixed row blocks on `threads` threads (element-wise, so the
    /// result is the same for any thread count).
    /// - Throws: `FeatureError.infiniteValue` naming the row and column of the first infinite result
    ///   (an infinite input, or an overflow); `x` is then fully transformed and should be discarded.
    func applyInPlace<Scalar: LinearAlgebraScalar>(_ x: inout Matrix<Scalar>, threads: Int, schema: FeatureSchema, transform: String) throws {
        try Self.runInPlace(&x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
    }

    /// The inverse map in place (see `applyInPlace`).
    func applyInverseInPlace<Scalar: LinearAlgebraScalar>(_ x: inout Matrix<Scalar>, threads: Int, schema: FeatureSchema, transform: String) throws {
        try Self.runInPlace(&x, offset: shift, factor: inverseFactor, shift: offset, threads: threads, schema: schema, transform: transform)
    }

    /// Dispatches to a concrete scalar type so the kernel is specialised (see `MomentsSummary.summarize`).
    /// The matrix is moved out of `x` while it is worked on, so its buffer stays uniquely referenced
    /// and is mutated in place rather than copied.
    private static func runInPlace<Scalar: LinearAlgebraScalar>(
        _ x: inout Matrix<Scalar>, offset: [Double], factor: [Double], shift: [Double],
        threads: Int, schema: FeatureSchema, transform: String
    ) throws {
        if Scalar.self == Double.self || Scalar.self == Float.self {
            var work = x
            x = try Matrix(rows: 0, columns: 0)  // drop our reference: `work` is now unique
            defer { x = work }
            if var concrete = work as? Matrix<Double> {
                work = try Matrix(rows: 0, columns: 0)
                defer { work = (concrete as? Matrix<Scalar>) ?? work }
                try runInPlaceConcrete(&concrete, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
            } else if var concrete = work as? Matrix<Float> {
                work = try Matrix(rows: 0, columns: 0)
                defer { work = (concrete as? Matrix<Scalar>) ?? work }
                try runInPlaceConcrete(&concrete, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
            }
            return
        }
        try runInPlaceConcrete(&x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
    }

    private static func runInPlaceConcrete<Scalar: LinearAlgebraScalar>(
        _ x: inout Matrix<Scalar>, offset: [Double], factor: [Double], shift: [Double],
        threads: Int, schema: FeatureSchema, transform: String
    ) throws {
        if Scalar.self != Double.self, try widenedWhenUnrepresentable(x, offset: offset, factor: factor, shift: shift) != nil {
            x = try run(x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
            return
        }
        if let bad = try ColumnKernels.affineInPlace(
            &x, offset: offset.map { Scalar($0) }, factor: factor.map { Scalar($0) }, shift: shift.map { Scalar($0) },
            blockRows: blockRows, threads: threads) {
            throw FeatureError.infiniteValue(transform: transform, row: bad.row, column: schema.names[bad.column], value: bad.value)
        }
    }

    /// `x` in Double when some finite parameter is not finite in `Scalar` (else nil).
    private static func widenedWhenUnrepresentable<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, offset: [Double], factor: [Double], shift: [Double]
    ) throws -> Matrix<Double>? {
        func lost(_ values: [Double]) -> Bool { values.contains { $0.isFinite && !Scalar($0).isFinite } }
        let unrepresentable = lost(offset) || lost(factor) || lost(shift)  // no allocation on the common path
        guard unrepresentable else { return nil }
        return try Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map { Double($0) })
    }

    private static func run<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, offset: [Double], factor: [Double], shift: [Double], threads: Int,
        schema: FeatureSchema, transform: String
    ) throws -> Matrix<Scalar> {
        // Concrete dispatch, so the kernel is specialised (see `MomentsSummary.summarize`).
        if let x = x as? Matrix<Double>, let y = try runConcrete(x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform) as? Matrix<Scalar> {
            return y
        }
        if let x = x as? Matrix<Float>, let y = try runConcrete(x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform) as? Matrix<Scalar> {
            return y
        }
        return try runConcrete(x, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
    }

    private static func runConcrete<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, offset: [Double], factor: [Double], shift: [Double], threads: Int,
        schema: FeatureSchema, transform: String
    ) throws -> Matrix<Scalar> {
        if Scalar.self != Double.self, let wide = try Self.widenedWhenUnrepresentable(x, offset: offset, factor: factor, shift: shift) {
            // A parameter Scalar cannot hold (a Float column of subnormals has 1 / scale ~ 6e39 >
            // Float.greatestFiniteMagnitude): compute in Double and round each result once, as
            // scikit-learn divides float32 data by a float64 scale_. Rare: the common path is untouched.
            let y = try runConcrete(wide, offset: offset, factor: factor, shift: shift, threads: threads, schema: schema, transform: transform)
            var narrow = [Scalar](repeating: 0, count: y.elements.count)
            for k in y.elements.indices {
                narrow[k] = Scalar(y.elements[k])
                if narrow[k].isInfinite, !y.elements[k].isInfinite {
                    throw FeatureError.overflow(transform: transform, row: k / x.columns, column: schema.names[k % x.columns], value: wide.elements[k])
                }
            }
            return try Matrix(rows: x.rows, columns: x.columns, elements: narrow)
        }
        let (output, bad) = try ColumnKernels.affineParallel(
            x, offset: offset.map { Scalar($0) }, factor: factor.map { Scalar($0) }, shift: shift.map { Scalar($0) },
            blockRows: blockRows, threads: threads)
        if let bad {
            let column = schema.names[bad.column]
            throw bad.value.isInfinite
                ? FeatureError.infiniteValue(transform: transform, row: bad.row, column: column, value: bad.value)
                : FeatureError.overflow(transform: transform, row: bad.row, column: column, value: bad.value)
        }
        return output
    }
}
