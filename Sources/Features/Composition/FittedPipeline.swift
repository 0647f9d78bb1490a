import LinearAlgebra
import Tabular

/// A fitted `Pipeline`: every step's fitted state, the input columns it reads and the names of the
/// columns it writes. Immutable and Codable (the core of a model file).
public struct FittedPipeline: Sendable, Codable {
    /// One column group's fitted steps.
    public struct FittedGroup: Sendable, Codable {
        public let name: String
        /// The table columns the group reads, in order.
        public let inputColumns: [String]
        public let steps: [FittedStep]
    }

    /// The spec this was fitted from.
    public let spec: Pipeline
    /// Every table column the pipeline reads (groups' columns, then passthrough remainder columns).
    public let inputColumns: [String]
    public let groups: [FittedGroup]
    /// Numeric columns passed through unchanged (`remainder: passthrough`).
    public let remainderColumns: [String]
    /// The steps after the column groups.
    public let steps: [FittedStep]
    /// The output column names (scikit-learn's `get_feature_names_out`).
    public let outputNames: [String]

    /// Rows per block of the block-by-block transform: a block of 32 input columns of Double is
    /// 256 KiB at 1024 rows, so a block's input, intermediates and output stay in L2 on common CPUs.
    /// The fused program's tiles (a power of two of at most 1024 rows) nest in these blocks, and a
    /// tile that meets an infinity is redone as its whole block, so errors are the same either way.
    public static let blockRows = 1024

    /// Transforms `table` block by block: each block of rows goes through every group's steps and
    /// the pipeline's steps while it is in cache, and only the final output is written (no
    /// full-size intermediate matrix). Blocks run on `threads` threads; block boundaries are fixed,
    /// so the output is bit-identical for any thread count.
    /// - Throws: `TableError.unknownColumn` / `.wrongColumnKind` for a table that lacks a column the
    ///   pipeline was fitted on (by name); the steps' `FeatureError`s with the row index in the table.
    ///
    /// Numeric pipelines (every group numeric, every step an imputer, an affine scaler —
    /// MinMaxScaler without clip — or PolynomialFeatures) run as one `FusedRowProgram`: tiles of
    /// rows are gathered from the table's columns, go through every step in per-thread buffers
    /// allocated once per call, and the last step's rows are streamed into the output with
    /// non-temporal stores. A tile in which an infinity appears is redone by the block-by-block
    /// path over its 1,024-row block, so errors are exactly those of that path. Other pipelines
    /// (encoders, Normalizer, PowerTransformer, ...) take the block-by-block path.
    /// - Complexity: one read of the used columns and one write of the output. Fused: a fixed
    ///   number of allocations per call (the output, one set of tile buffers per thread, the
    ///   program's parameter arrays), none per block. Block-by-block: one matrix per step per block.
    public func transform(_ table: Table, threads: Int = 1) throws -> Matrix<Double> {
        // Columns read as numbers must be numeric; encoders check their own columns.
        let encoded = Set(groups.filter { $0.steps.first?.readsTable == true }.flatMap(\.inputColumns))
        for name in inputColumns {
            let column = try table.column(named: name)
            guard column.kind == .numeric || encoded.contains(name) else {
                throw TableError.numericExpected(column)
            }
        }
        if let output = try transformFused(table, threads: threads) { return output }
        let width = outputNames.count
        let blocks = ParallelRows.blocks(rows: table.rowCount, blockRows: Self.blockRows)
        // Each encoder group's columns, selected once (not once per block).
        let encoderInputs = try groups.map { group in
            group.steps.first?.readsTable == true ? try table.selecting(group.inputColumns) : nil
        }
        let results = try ParallelRows.map(count: blocks.count, threads: threads) { index in
            let rows = blocks[index]
            do {
                return try transformBlock(table, encoderInputs: encoderInputs, rows: rows)
            } catch let error as FeatureError {
                throw error.offsettingRows(by: rows.lowerBound)
            }
        }
        return try Matrix.stackingRows(results, columns: width, threads: threads)
    }

    /// One block of rows through every step.
    func transformBlock(_ table: Table, encoderInputs: [Table?], rows: Range<Int>) throws -> Matrix<Double> {
        var parts: [Matrix<Double>] = []
        parts.reserveCapacity(groups.count + 1)
        for (group, inputs) in zip(groups, encoderInputs) {
            var x: Matrix<Double>
            var steps = group.steps[...]
            if let first = steps.first, let inputs, first.readsTable {
                x = try first.applyTable(try inputs.rows(rows))
                steps = steps.dropFirst()
            } else {
                x = try table.numericMatrix(columns: group.inputColumns, rows: rows)
            }
            for step in steps { x = try step.apply(x) }
            parts.append(x)
        }
        if !remainderColumns.isEmpty {
            parts.append(try table.numericMatrix(columns: remainderColumns, rows: rows))
        }
        var x = try Pipeline.join(parts, rows: rows.count)
        for step in steps { x = try step.apply(x) }
        return x
    }

    enum Keys: String, CodingKey { case spec, inputColumns, groups, remainderColumns, steps, outputNames }

    init(spec: Pipeline, inputColumns: [String], groups: [FittedGroup], remainderColumns: [String],
         steps: [FittedStep], outputNames: [String]) {
        self.spec = spec
        self.inputColumns = inputColumns
        self.groups = groups
        self.remainderColumns = remainderColumns
        self.steps = steps
        self.outputNames = outputNames
    }

    /// Decodes and checks that the parts fit together (each step accepts what the one before it
    /// produces), so a corrupted or hand-edited file fails here, by name, rather than in `transform`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        spec = try container.decode(Pipeline.self, forKey: .spec)
        inputColumns = try container.decode([String].self, forKey: .inputColumns)
        groups = try container.decode([FittedGroup].self, forKey: .groups)
        remainderColumns = try container.decode([String].self, forKey: .remainderColumns)
        steps = try container.decode([FittedStep].self, forKey: .steps)
        outputNames = try container.decode([String].self, forKey: .outputNames)
        func fail(_ reason: String) -> DecodingError {
            DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: reason))
        }
        guard groups.count == spec.columns.count else { throw fail("\(groups.count) fitted column groups for \(spec.columns.count) in the spec") }
        var joinedWidth = 0
        for group in groups {
            var width = group.inputColumns.count
            for step in group.steps {
                guard step.inputSchema.count == width else {
                    throw fail("group '\(group.name)': step \(step.typeName) takes \(step.inputSchema.count) columns, gets \(width)")
                }
                width = step.outputNames.count
            }
            joinedWidth += width
        }
        joinedWidth += remainderColumns.count
        for step in steps {
            guard step.inputSchema.count == joinedWidth else {
                throw fail("step \(step.typeName) takes \(step.inputSchema.count) columns, gets \(joinedWidth)")
            }
            joinedWidth = step.outputNames.count
        }
        guard joinedWidth == outputNames.count else { throw fail("\(outputNames.count) output names for \(joinedWidth) output columns") }
        let used = Set(groups.flatMap(\.inputColumns) + remainderColumns)
        guard used == Set(inputColumns) else { throw fail("input columns do not match the groups' columns") }
    }
}

extension FeatureError {
    /// The same error with its row index moved by `offset` (a block's rows -> the table's rows).
    func offsettingRows(by offset: Int) -> FeatureError {
        switch self {
        case let .infiniteValue(transform, row, column, value):
            return .infiniteValue(transform: transform, row: row + offset, column: column, value: value)
        case let .overflow(transform, row, column, value):
            return .overflow(transform: transform, row: row + offset, column: column, value: value)
        case let .missingValue(transform, row, column):
            return .missingValue(transform: transform, row: row + offset, column: column)
        case let .outOfDomain(transform, row, column, value, requirement):
            return .outOfDomain(transform: transform, row: row + offset, column: column, value: value, requirement: requirement)
        case let .unknownCategory(transform, column, value, row):
            return .unknownCategory(transform: transform, column: column, value: value, row: row.map { $0 + offset })
        case let .invalidEncodedValue(transform, row, column, value, reason):
            return .invalidEncodedValue(transform: transform, row: row + offset, column: column, value: value, reason: reason)
        default:
            return self
        }
    }
}
