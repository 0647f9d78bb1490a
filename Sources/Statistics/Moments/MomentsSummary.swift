import LinearAlgebra

/// Per-column `ColumnMoments` of a matrix, built block by block: the fit of StandardScaler,
/// MinMaxScaler, MaxAbsScaler and SimpleImputer(mean), and the training-data profile of a model.
///
/// `add(_:)` folds one row block in; `merged(with:)` combines the summaries of two disjoint sets of
/// rows, so the same code serves one block, a stream of blocks, several threads and (through the
/// Codable form) several machines. `MomentsSummary.fit(_:blockRows:)` uses fixed block boundaries and
/// a fixed left-to-right merge order, so its result is bit-identical whatever the thread count.
public struct MomentsSummary: Sendable, Hashable, Codable {
    /// One summary per column.
    public private(set) var columns: [ColumnMoments]
    /// Rows folded in so far (NaN or not); also the global index of the next block's first row.
    public private(set) var rows: Int

    /// The empty summary of `columnCount` columns.
    public init(columnCount: Int) throws {
        guard columnCount >= 0 else {
            throw StatisticsError.invalidArgument(parameter: "columnCount", reason: "must be >= 0, got \(columnCount)")
        }
        columns = Array(repeating: ColumnMoments(), count: columnCount)
        rows = 0
    }

    /// Folds in one row block (rows are numbered after those already seen).
    /// - Throws: `StatisticsError.columnCountMismatch`; `.infiniteValue` naming the global row and
    ///   the column of the first ±infinity (the summary is left unchanged).
    /// - Complexity: three passes over the block (scan, sums, squared deviations), which should fit
    ///   in cache; allocations: a few arrays of one entry per column.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public mutating func add<Scalar: LinearAlgebraScalar>(_ block: MatrixView<Scalar>) throws {
        let blockSummary = try Self.summarize(block, firstRow: rows)
        try merge(blockSummary)
    }

    /// Folds in a whole matrix or view (one block).
    @_specialize(exported: true, where M == Matrix<Double>)
    @_specialize(exported: true, where M == Matrix<Float>)
    public mutating func add<M: DenseMatrix>(_ matrix: M) throws {
        try add(matrix.view)
    }

    /// Combines with the summary of other rows (which come after these rows).
    /// - Throws: `.columnCountMismatch`.
    public mutating func merge(_ other: MomentsSummary) throws {
        guard other.columns.count == columns.count else {
            throw StatisticsError.columnCountMismatch(expected: columns.count, got: other.columns.count)
        }
        for j in columns.indices { columns[j] = columns[j].merged(with: other.columns[j]) }
        rows += other.rows
    }

    /// `self` combined with `other` (see `merge(_:)`).
    public func merged(with other: MomentsSummary) throws -> MomentsSummary {
        var result = self
        try result.merge(other)
        return result
    }

    /// The summary of `block` alone; `firstRow` only numbers the rows in error messages.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public static func summarize<Scalar: LinearAlgebraScalar>(_ block: MatrixView<Scalar>, firstRow: Int = 0) throws -> MomentsSummary {
        // A public generic function is not specialised for callers in other modules (RECIPES.md,
        // "Generics"): dispatch once per block to a concrete type, so the kernels below are
        // specialised and inlined for Double and Float (measured: ~50x faster than the generic path).
        if let block = block as? MatrixView<Double> { return try summarizeBlock(block, firstRow: firstRow) }
        if let block = block as? MatrixView<Float> { return try summarizeBlock(block, firstRow: firstRow) }
        return try summarizeBlock(block, firstRow: firstRow)
    }

    private static func summarizeBlock<Scalar: LinearAlgebraScalar>(_ block: MatrixView<Scalar>, firstRow: Int) throws -> MomentsSummary {
        let n = block.columns
        var nanCount = [Int](repeating: 0, count: n)
        var minimum = [Double](repeating: .infinity, count: n)
        var maximum = [Double](repeating: -.infinity, count: n)
        // Extremes and plain sums in one in-cache pass; the scales are powers of two, so the scaled
        // sums are the plain ones times the reciprocal (the same bits as summing scaled values, see
        // scanWithSums), unless a plain sum overflowed (values near the largest doubles): then the
        // scaled pass.
        var sums = [Double](repeating: 0, count: n)
        if let bad = try ColumnKernels.scanWithSums(block, nanCount: &nanCount, minimum: &minimum, maximum: &maximum, sums: &sums) {
            throw StatisticsError.infiniteValue(row: firstRow + bad.row, column: bad.column, value: bad.value)
        }
        let scales = (0..<n).map { ColumnMoments.blockScale(minimum: minimum[$0], maximum: maximum[$0]) }
        let reciprocal = scales.map { 1 / $0 }
        var counts = (0..<n).map { block.rows - nanCount[$0] }
        if sums.allSatisfy({ $0.isFinite }) {
            for j in 0..<n { sums[j] *= reciprocal[j] }
        } else {
            sums = [Double](repeating: 0, count: n)
            counts = [Int](repeating: 0, count: n)
            try ColumnKernels.addScaledSums(block, reciprocalScale: reciprocal, sums: &sums, counts: &counts)
        }
        let means = (0..<n).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : 0 }
        var m2 = [Double](repeating: 0, count: n)
        try ColumnKernels.addScaledSquaredDeviations(block, reciprocalScale: reciprocal, center: means, sums: &m2)
        var summary = try MomentsSummary(columnCount: n)
        summary.columns = (0..<n).map { j in
            ColumnMoments.block(count: counts[j], nanCount: nanCount[j], minimum: minimum[j], maximum: maximum[j],
                                scale: scales[j], scaledSum: sums[j], scaledM2: m2[j])
        }
        summary.rows = block.rows
        return summary
    }

    /// The default block height: 4096 rows (256 KiB per 8 columns of Double), small enough to stay
    /// in a 2 MiB L2 for the three passes at up to ~64 columns.
    public static let defaultBlockRows = 4096

    /// The summary of a whole matrix, over fixed blocks of `blockRows` rows merged left to right.
    /// The blocks are summarised on `threads` threads; the merge order is fixed, so the result is
    /// bit-identical for any thread count.
    /// - Throws: `.invalidArgument` for `blockRows < 1`; `.infiniteValue` naming row and column.
    @_specialize(exported: true, where M == Matrix<Double>)
    @_specialize(exported: true, where M == Matrix<Float>)
    @_specialize(exported: true, where M == MatrixView<Double>)
    @_specialize(exported: true, where M == MatrixView<Float>)
    public static func fit<M: DenseMatrix>(_ matrix: M, blockRows: Int = defaultBlockRows, threads: Int = 1) throws -> MomentsSummary {
        guard blockRows >= 1 else {
            throw StatisticsError.invalidArgument(parameter: "blockRows", reason: "must be >= 1, got \(blockRows)")
        }
        let view = matrix.view
        let blocks = ParallelRows.blocks(rows: view.rows, blockRows: blockRows)
        let parts = try ParallelRows.map(count: blocks.count, threads: threads) { b in
            try summarize(view.rowBlock(blocks[b]), firstRow: blocks[b].lowerBound)
        }
        var summary = try MomentsSummary(columnCount: view.columns)
        for part in parts { try summary.merge(part) }
        return summary
    }
}
