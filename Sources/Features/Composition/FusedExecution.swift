import LinearAlgebra
import Statistics
import Tabular

/// The fast paths of a pipeline: its transform as one `FusedRowProgram` (no per-block matrices),
/// and fitting by streaming row blocks through the already fitted steps into the next step's
/// mergeable summary (no full-size intermediate matrix).
///
/// Both give exactly the values of the step-by-step path (the same arithmetic per element; the same
/// 4096-row blocks merged in the same order as `MomentsSummary.fit`), and both hand anything
/// unusual back to the step-by-step path, which names rows and columns as it always has.
extension FittedStep {
    /// This step as one operation of a fused row program, or nil when it has no fused kernel
    /// (encoders, MinMaxScaler with clip, the non-affine numeric transforms) or a zero-width output.
    var fusedOperation: FusedRowProgram.Operation? {
        let operation: FusedRowProgram.Operation
        switch self {
        case let .simpleImputer(f):
            operation = .impute(fill: f.fillValues, kept: f.keptColumns, indicators: f.indicatorColumns)
        case let .standardScaler(f):
            operation = .affine(offset: f.affine.offset, factor: f.affine.factor, shift: f.affine.shift)
        case let .maxAbsScaler(f):
            operation = .affine(offset: f.affine.offset, factor: f.affine.factor, shift: f.affine.shift)
        case let .robustScaler(f):
            operation = .affine(offset: f.affine.offset, factor: f.affine.factor, shift: f.affine.shift)
        case let .minMaxScaler(f):
            guard !f.configuration.clip else { return nil }
            operation = .affine(offset: f.affine.offset, factor: f.affine.factor, shift: f.affine.shift)
        case let .polynomialFeatures(f):
            operation = .polynomial(plan: f.plan, inputWidth: f.inputSchema.count,
                                    includeBias: f.configuration.includeBias, firstTerm: f.firstTerm)
        default:
            return nil
        }
        guard inputSchema.count > 0, outputNames.count > 0 else { return nil }
        return operation
    }
}

extension FittedPipeline {
    /// The whole transform as one fused row program over `inputColumns`, or nil when some group
    /// starts with an encoder or some step has no fused kernel.
    func fusedProgram() -> FusedRowProgram? {
        var position: [String: Int] = [:]
        for (k, name) in inputColumns.enumerated() { position[name] = k }
        var chains: [FusedRowProgram.Chain] = []
        for group in groups {
            var operations: [FusedRowProgram.Operation] = []
            for step in group.steps {
                guard let operation = step.fusedOperation else { return nil }
                operations.append(operation)
            }
            let sources = group.inputColumns.compactMap { position[$0] }
            guard sources.count == group.inputColumns.count else { return nil }
            chains.append(.init(sources: sources, operations: operations))
        }
        if !remainderColumns.isEmpty {
            let sources = remainderColumns.compactMap { position[$0] }
            guard sources.count == remainderColumns.count else { return nil }
            chains.append(.init(sources: sources, operations: []))
        }
        var tail: [FusedRowProgram.Operation] = []
        for step in steps {
            guard let operation = step.fusedOperation else { return nil }
            tail.append(operation)
        }
        guard let program = try? FusedRowProgram(chains: chains, tail: tail), program.outputWidth == outputNames.count else {
            return nil  // a decoded pipeline is checked on decoding; this only guards the invariant
        }
        return program
    }

    /// The fused transform (see `transform`): nil when the pipeline has no fused program.
    /// Tiles in which an infinity appeared are redone by `transformBlock` over their enclosing
    /// 1,024-row block (tiles nest in blocks), in block order: it throws exactly the error the
    /// step-by-step path throws for the first bad block, or, when nothing is wrong after all,
    /// its values replace the tile's.
    func transformFused(_ table: Table, threads: Int) throws -> Matrix<Double>? {
        guard table.rowCount > 0, let program = fusedProgram(), program.outputWidth > 0,
              Self.blockRows % program.tileRows == 0 else { return nil }
        let columns = try inputColumns.map { try table.numeric($0) }
        var (output, flagged) = try program.run(columns: columns, rows: table.rowCount, threads: threads)
        if flagged.isEmpty { return output }
        var redone = Set<Int>()
        let noEncoders = [Table?](repeating: nil, count: groups.count)
        for tile in flagged {
            let block = tile.lowerBound / Self.blockRows
            guard redone.insert(block).inserted else { continue }
            let rows = (block * Self.blockRows)..<Swift.min((block + 1) * Self.blockRows, table.rowCount)
            do {
                try output.replaceRows(startingAt: rows.lowerBound, with: try transformBlock(table, encoderInputs: noEncoders, rows: rows))
            } catch let error as FeatureError {
                throw error.offsettingRows(by: rows.lowerBound)
            }
        }
        return output
    }
}

extension Pipeline {
    /// Rows per block of a streamed fit: `MomentsSummary.defaultBlockRows`, so that the streamed
    /// summary is the materialised one bit for bit.
    static let fitBlockRows = MomentsSummary.defaultBlockRows

    /// Fits `step` on the output of `prefix` over `columns` of `table` without materialising it,
    /// when the step's fit is a mergeable reduction (moments) or needs no data; nil otherwise.
    ///
    /// Each 4,096-row block is gathered, put through the fitted `prefix` and summarised; the block
    /// summaries are merged in block order, exactly as `MomentsSummary.fit` merges them over the
    /// materialised matrix, so the fitted state is bit-identical to the step-by-step fit.
    /// - Throws: the errors of the step-by-step fit: `.infiniteValue` naming the table row and the
    ///   column (by the step's input name), the prefix steps' transform errors (table rows), and
    ///   the step's own `fit(summary:schema:)` errors.
    static func fitStreamed(_ step: TransformSpec, table: Table, columns: [String], prefix: [FittedStep],
                            inputNames: [String], threads: Int) throws -> FittedStep? {
        func schema() throws -> FeatureSchema {
            try FeatureSchema.resolve(inputNames, columnCount: inputNames.count, transform: step.typeName)
        }
        switch step {
        case let .polynomialFeatures(c):
            return .polynomialFeatures(try c.fit(schema: try schema()))
        case let .standardScaler(c):
            let s = try schema()
            return .standardScaler(try c.fit(summary: try streamMoments(table, columns: columns, prefix: prefix, names: inputNames, transform: step.typeName, threads: threads), schema: s))
        case let .minMaxScaler(c):
            let s = try schema()
            return .minMaxScaler(try c.fit(summary: try streamMoments(table, columns: columns, prefix: prefix, names: inputNames, transform: step.typeName, threads: threads), schema: s))
        case let .maxAbsScaler(c):
            let s = try schema()
            return .maxAbsScaler(try c.fit(summary: try streamMoments(table, columns: columns, prefix: prefix, names: inputNames, transform: step.typeName, threads: threads), schema: s))
        case let .simpleImputer(c):
            switch c.strategy {
            case .mean, .constant:
                if case let .constant(value) = c.strategy, !value.isFinite {
                    throw FeatureError.invalidParameter(transform: step.typeName, parameter: "strategy",
                                                        reason: "the constant fill value must be finite, got \(value)")
                }
                let s = try schema()
                return .simpleImputer(try c.fit(summary: try streamMoments(table, columns: columns, prefix: prefix, names: inputNames, transform: step.typeName, threads: threads), schema: s))
            case .median, .mostFrequent:
                return nil
            }
        default:
            return nil
        }
    }

    /// The column moments of `prefix` applied to `columns` of `table`, block by block.
    static func streamMoments(_ table: Table, columns: [String], prefix: [FittedStep], names: [String],
                              transform: String, threads: Int) throws -> MomentsSummary {
        let sources = try columns.map { try table.numeric($0) }
        let blocks = ParallelRows.blocks(rows: table.rowCount, blockRows: fitBlockRows)
        let parts = try ParallelRows.map(count: blocks.count, threads: threads) { b -> MomentsSummary in
            let rows = blocks[b]
            var x = try Matrix.gathering(columns: sources, rows: rows)
            do {
                for step in prefix { x = try step.apply(x) }
            } catch let error as FeatureError {
                throw error.offsettingRows(by: rows.lowerBound)
            }
            do {
                return try MomentsSummary.summarize(x.view, firstRow: rows.lowerBound)
            } catch let StatisticsError.infiniteValue(row, column, value) {
                throw FeatureError.infiniteValue(transform: transform, row: row, column: names[column], value: value)
            }
        }
        var summary = try MomentsSummary(columnCount: names.count)
        for part in parts { try summary.merge(part) }
        return summary
    }
}
