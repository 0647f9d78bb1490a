import LinearAlgebra
import Statistics

extension SimpleImputer {
    /// `fit(x)` then `transform(x)` in one read of `x` where it can be: scikit-learn's `fit_transform`.
    ///
    /// For the mean and constant strategies without indicators, one pass over `x` writes its copy
    /// (non-temporal stores), summarises every fixed block of `MomentsSummary.defaultBlockRows` rows
    /// (NaN count, extremes, scaled sum: the very numbers `MomentsSummary.fit` computes, merged in
    /// the same left-to-right order) and records where the NaN are; the column means are then
    /// written into those positions only. The result is bit-identical to `fit` followed by
    /// `transform`, for any `threads`. Every other case (median, most frequent, `addIndicator`,
    /// a column with no observed value and `keepEmptyFeatures == false`, ±infinity) runs `fit` then
    /// `transform` (or finishes with `transform`), with their results and errors.
    /// - Throws: as `fit` and `transform` (`.infiniteValue` naming row and column, `.emptyInput`, ...).
    /// - Complexity: one read of `x` (each block's sums re-read it from cache) and one write of the
    ///   output, plus one write per NaN; the NaN positions are kept (8 bytes each) for blocks with
    ///   at most an eighth of NaN, other blocks are filled again from `x`.
    ///
    /// scikit-learn equivalent: `SimpleImputer(...).fit_transform(X)`.
    public func fitTransform<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1
    ) throws -> (fitted: Fitted, output: Matrix<Scalar>) {
        func separately() throws -> (fitted: Fitted, output: Matrix<Scalar>) {
            let fitted = try fit(x, columnNames: columnNames, threads: threads)
            return (fitted, try fitted.transform(x, columnNames: columnNames, threads: threads))
        }
        switch strategy {
        case .mean: break
        case let .constant(value): guard value.isFinite else { return try separately() }
        case .median, .mostFrequent: return try separately()
        }
        guard !addIndicator, x.rows > 0, x.columns > 0 else { return try separately() }
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard let scanned = try RowKernels.scanCopy(
            x, blockRows: MomentsSummary.defaultBlockRows, threads: threads,
            reciprocalScale: Self.reciprocalScale
        ), !scanned.summary.infinite else {
            return try separately()  // another scalar type, or ±infinity: fit reports it
        }
        let summary = scanned.summary
        let fitted = try fitted(from: summary, rows: x.rows, schema: schema)
        guard fitted.keptColumns.count == x.columns, fitted.indicatorColumns.isEmpty else {
            // A column without observed values is dropped: the output is narrower than the copy.
            return (fitted, try fitted.transform(x, columnNames: columnNames, threads: threads))
        }
        var output = scanned.output
        try fillRecorded(&output, summary: summary, x: x, fitted: fitted, threads: threads)
        return (fitted, output)
    }

    /// `fitTransform` into an existing matrix of the output's shape, overwritten: the steady state
    /// for batch after batch, with no allocation of the output (a fresh output's pages are faulted
    /// in and zeroed by the kernel on first touch; see the benchmark for what that costs).
    /// - Throws: as `fitTransform`; `.invalidParameter` ("output") when `output` does not have the
    ///   fitted output's shape (`x.rows` by `outputNames.count`), in which case its contents are
    ///   unspecified.
    /// - Complexity: as `fitTransform`, without the output's allocation.
    public func fitTransform<Scalar: LinearAlgebraScalar>(
        _ x: Matrix<Scalar>, into output: inout Matrix<Scalar>, columnNames: [String]? = nil, threads: Int = 1
    ) throws -> Fitted {
        func checked(_ fitted: Fitted) throws -> Fitted {
            guard output.rows == x.rows, output.columns == fitted.outputNames.count else {
                throw FeatureError.invalidParameter(
                    transform: Self.name, parameter: "output",
                    reason: "is \(output.rows)x\(output.columns), expected \(x.rows)x\(fitted.outputNames.count)")
            }
            return fitted
        }
        func separately() throws -> Fitted {
            let fitted = try checked(try fit(x, columnNames: columnNames, threads: threads))
            output = try fitted.transform(x, columnNames: columnNames, threads: threads)
            return fitted
        }
        switch strategy {
        case .mean: break
        case let .constant(value): guard value.isFinite else { return try separately() }
        case .median, .mostFrequent: return try separately()
        }
        guard !addIndicator, x.rows > 0, x.columns > 0, output.rows == x.rows, output.columns == x.columns else {
            return try separately()
        }
        let schema = try FeatureSchema.resolve(columnNames, columnCount: x.columns, transform: Self.name)
        guard let summary = try RowKernels.scanCopy(x, into: &output, blockRows: MomentsSummary.defaultBlockRows, threads: threads,
                                                    reciprocalScale: Self.reciprocalScale),
              !summary.infinite else {
            return try separately()
        }
        let fitted = try checked(try fitted(from: summary, rows: x.rows, schema: schema))
        guard fitted.keptColumns.count == x.columns else {
            output = try fitted.transform(x, columnNames: columnNames, threads: threads)  // invariant: unreachable (checked width)
            return fitted
        }
        try fillRecorded(&output, summary: summary, x: x, fitted: fitted, threads: threads)
        return fitted
    }

    /// Each block's `1 / scale`, as `MomentsSummary` scales it.
    @Sendable static func reciprocalScale(_ minimum: [Double], _ maximum: [Double]) -> [Double] {
        zip(minimum, maximum).map { 1 / ColumnMoments.blockScale(minimum: $0, maximum: $1) }
    }

    /// The fitted value from the fused scan: the blocks' moments (without spread) merged left to
    /// right, as `MomentsSummary.fit` merges them.
    func fitted(from summary: RowKernels.ScanSummary, rows: Int, schema: FeatureSchema) throws -> Fitted {
        let n = schema.count
        var columns = [ColumnMoments](repeating: ColumnMoments(), count: n)
        for block in summary.blocks {
            for j in 0..<n {
                columns[j] = columns[j].merged(with: ColumnMoments.block(
                    count: block.counts[j], nanCount: block.nanCount[j], minimum: block.minimum[j], maximum: block.maximum[j],
                    scale: ColumnMoments.blockScale(minimum: block.minimum[j], maximum: block.maximum[j]), scaledSum: block.scaledSums[j]))
            }
        }
        return try fit(columns: columns, rows: rows, schema: schema)
    }

    /// Writes the fill values into the NaN the scan recorded.
    func fillRecorded<Scalar: LinearAlgebraScalar>(
        _ output: inout Matrix<Scalar>, summary: RowKernels.ScanSummary, x: Matrix<Scalar>, fitted: Fitted, threads: Int
    ) throws {
        do {
            try RowKernels.fillRecorded(&output, summary: summary, source: x, fill: fitted.fillValues.map { Scalar($0) }, threads: threads)
        } catch let error as LinearAlgebraError {
            throw FeatureError.invalidParameter(transform: Self.name, parameter: "x", reason: error.description)
        }
    }
}
