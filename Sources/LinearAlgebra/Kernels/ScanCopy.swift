import CKernels

/// The fused fit + transform of a NaN-filling transform (SimpleImputer with the mean or a constant):
/// ONE read of the input that writes its copy, summarises every fixed row block (per column: NaN
/// count, minimum, maximum, and the sum of the non-NaN values times a per-block reciprocal scale)
/// and records where the NaN are; then, once the caller has turned the summaries into fill values,
/// only the recorded positions are written. Fit followed by transform reads the input twice.
///
/// The per-block numbers are exactly those of `ColumnKernels.scan` and `ColumnKernels.addScaledSums`
/// over the same block (each column's accumulator in row order, no FMA), so a summary built from
/// them is bit-identical to one built block by block by the statistics layer.
extension RowKernels {
    /// The summary of one fixed row block, as `ColumnKernels.scan` and `addScaledSums` give it.
    public struct ScannedBlock: Sendable {
        /// The block's rows.
        public let rows: Range<Int>
        /// NaN entries per column.
        public let nanCount: [Int]
        /// Smallest non-NaN value per column (+infinity when none).
        public let minimum: [Double]
        /// Largest non-NaN value per column (-infinity when none).
        public let maximum: [Double]
        /// The reciprocal scale the sums were taken with (as returned by the caller's closure).
        public let reciprocalScale: [Double]
        /// `sum(x * reciprocalScale[j])` over the non-NaN values of each column, in row order.
        public let scaledSums: [Double]
        /// Non-NaN entries per column.
        public let counts: [Int]
        /// Flat (row-major) indices of the NaN entries, in order; nil when the block held more than
        /// an eighth of NaN (it is then filled again from the input instead).
        @usableFromInline let positions: [Int]?
    }

    /// The block summaries of a `scanCopy`, which `fillRecorded` needs to finish the output.
    public struct ScanSummary: Sendable {
        /// Fixed blocks of `blockRows` rows, in row order (cut short at a block with an infinity).
        public let blocks: [ScannedBlock]
        /// True when some input is ±infinity: the block summaries are then incomplete (a caller
        /// reports the error with the statistics layer's row and column).
        public let infinite: Bool
    }

    /// Copies `input` into a new matrix while summarising its fixed blocks of `blockRows` rows on
    /// `threads` threads (the summaries do not depend on `threads`). `reciprocalScale(minimum,
    /// maximum)` gives each block's per-column factor from its extremes. Returns nil for a scalar
    /// type other than `Float` and `Double` (the caller then fits and transforms separately).
    /// - Throws: `.invalidArgument` for `blockRows < 1`, an output larger than memory, or a
    ///   `reciprocalScale` result of the wrong length.
    /// - Complexity: one read of `input` (the scaled sums re-read each block while it is in cache),
    ///   one non-temporal write of the output; per block a few arrays of one entry per column and
    ///   the NaN positions (8 bytes each, at most an eighth of the block).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public static func scanCopy<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, blockRows: Int, threads: Int,
        reciprocalScale: @Sendable ([Double], [Double]) -> [Double]
    ) throws -> (output: Matrix<Scalar>, summary: ScanSummary)? {
        guard Scalar.self == Double.self || Scalar.self == Float.self else { return nil }
        guard blockRows >= 1 else {
            throw LinearAlgebraError.invalidArgument(parameter: "blockRows", reason: "must be >= 1, got \(blockRows)")
        }
        let count = try Matrix<Scalar>.elementCount(rows: input.rows, columns: input.columns)
        var scanned: [ScannedBlock] = []
        var failure: (any Error)?
        let elements = Array<Scalar>(unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                let base = count > 0 ? buffer.baseAddress : nil
                if let base { adviseHugePages(UnsafeMutableRawPointer(base), bytes: count &* MemoryLayout<Scalar>.stride) }
                scanned = try scanAll(input, into: base.map { UnsafeMutableSendablePointer($0) }, blockRows: blockRows,
                                      threads: threads, reciprocalScale: reciprocalScale)
            } catch {
                failure = error
                for i in 0..<buffer.count { buffer.initializeElement(at: i, to: 0) }
            }
            initialized = buffer.count
        }
        if let failure { throw failure }
        let output = Matrix(uncheckedRows: input.rows, columns: input.columns, storage: elements)
        return (output, ScanSummary(blocks: scanned, infinite: scanned.count < ParallelRows.blocks(rows: input.rows, blockRows: blockRows).count))
    }

    /// `scanCopy` into an existing matrix of the input's shape, overwritten (the steady state for
    /// batch after batch, and the way to measure what a fresh output's page faults cost).
    /// - Throws: as `scanCopy`; `.shapeMismatch` when `output` is not the input's shape.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public static func scanCopy<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, into output: inout Matrix<Scalar>, blockRows: Int, threads: Int,
        reciprocalScale: @Sendable ([Double], [Double]) -> [Double]
    ) throws -> ScanSummary? {
        guard Scalar.self == Double.self || Scalar.self == Float.self else { return nil }
        guard blockRows >= 1 else {
            throw LinearAlgebraError.invalidArgument(parameter: "blockRows", reason: "must be >= 1, got \(blockRows)")
        }
        guard output.rows == input.rows, output.columns == input.columns else {
            throw LinearAlgebraError.shapeMismatch(operation: "RowKernels.scanCopy", lhs: input.shape, rhs: output.shape,
                                                   requirement: "the output must have the input's shape")
        }
        if output.isEmpty {
            return ScanSummary(blocks: try scanAll(input, into: nil, blockRows: blockRows, threads: threads, reciprocalScale: reciprocalScale),
                               infinite: false)
        }
        let scanned = try output.withUnsafeMutableBaseAddress { base in
            try scanAll(input, into: UnsafeMutableSendablePointer(base), blockRows: blockRows, threads: threads,
                        reciprocalScale: reciprocalScale)
        }
        return ScanSummary(blocks: scanned, infinite: scanned.count < ParallelRows.blocks(rows: input.rows, blockRows: blockRows).count)
    }

    /// Replaces the NaN that `summary` recorded in `output` (a `scanCopy` of `source`) by
    /// `fill[column]` (blocks with too many NaN are filled again from `source`), on `threads` threads.
    /// - Throws: `.shapeMismatch` when `fill` has not one value per column or `source` is not the
    ///   copy's shape.
    /// - Complexity: one write per NaN (plus one read and write of each block that held more than
    ///   an eighth of NaN); no allocation.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Float)
    public static func fillRecorded<Scalar: LinearAlgebraScalar>(
        _ output: inout Matrix<Scalar>, summary: ScanSummary, source: Matrix<Scalar>, fill: [Scalar], threads: Int
    ) throws {
        let n = output.columns
        try ColumnKernels.checkLength(fill.count, n, "fill")
        guard source.rows == output.rows, source.columns == n else {
            throw LinearAlgebraError.shapeMismatch(operation: "RowKernels.fillRecorded", lhs: source.shape, rhs: output.shape,
                                                   requirement: "the source must be the copied matrix")
        }
        if output.isEmpty { return }
        let blocks = summary.blocks
        try source.view.withUnsafeBaseAddress { sourceBase in
            let x = UnsafeSendablePointer(sourceBase)
            try output.withUnsafeMutableBaseAddress { base in
                let y = UnsafeMutableSendablePointer(base)
                try fill.withUnsafeBufferPointer { fills in
                    let v = UnsafeSendablePointer(fills.baseAddress!)  // invariant: n > 0 (output not empty)
                    _ = try ParallelRows.map(count: blocks.count, threads: threads) { b in
                        let block = blocks[b]
                        if let positions = block.positions {
                            // Ascending positions: walk the rows instead of dividing.
                            var rowStart = block.rows.lowerBound &* n
                            for p in positions {
                                while p >= rowStart &+ n { rowStart &+= n }
                                y.pointer[p] = v.pointer[p &- rowStart]
                            }
                        } else {
                            let start = block.rows.lowerBound &* n
                            if ElementKernels.fillNaN(x.pointer + start, n, y.pointer + start, n, rows: block.rows.count, n: n, v.pointer) == nil {
                                for k in start..<(start &+ block.rows.count &* n) where x.pointer[k].isNaN { y.pointer[k] = v.pointer[k % n] }
                            }
                        }
                        return 0
                    }
                }
            }
        }
    }

    /// Every block, on `threads` workers; returns the summaries in row order, cut short (no
    /// summary for the block and the ones after it) at the first block holding an infinity.
    private static func scanAll<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, into target: UnsafeMutableSendablePointer<Scalar>?, blockRows: Int, threads: Int,
        reciprocalScale: @Sendable ([Double], [Double]) -> [Double]
    ) throws -> [ScannedBlock] {
        let n = input.columns
        let blocks = ParallelRows.blocks(rows: input.rows, blockRows: blockRows)
        guard n > 0, !blocks.isEmpty, let target else {
            return blocks.map { ScannedBlock(rows: $0, nanCount: [], minimum: [], maximum: [], reciprocalScale: [],
                                             scaledSums: [], counts: [], positions: []) }
        }
        let stageRows = stagingRows(columns: n, limit: blockRows)
        let parts: [ScannedBlock?] = try input.view.withUnsafeBaseAddress { sourceBase in
            let source = UnsafeSendablePointer(sourceBase)
            return try ParallelRows.map(count: blocks.count, threads: threads) { b -> ScannedBlock? in
                try scanBlock(source.pointer, target.pointer, rows: blocks[b], n: n, stageRows: stageRows, reciprocalScale: reciprocalScale)
            }
        }
        var result: [ScannedBlock] = []
        result.reserveCapacity(parts.count)
        for part in parts {
            guard let part else { break }
            result.append(part)
        }
        return result
    }

    /// One block: staged copy + scan + NaN positions, sub-block by sub-block (each staged in cache
    /// and streamed out), then the scaled sums over the whole block. nil when it holds an infinity.
    private static func scanBlock<Scalar: LinearAlgebraScalar>(
        _ source: UnsafePointer<Scalar>, _ target: UnsafeMutablePointer<Scalar>, rows: Range<Int>, n: Int, stageRows: Int,
        reciprocalScale: ([Double], [Double]) -> [Double]
    ) throws -> ScannedBlock? {
        var nans = [Int64](repeating: 0, count: n)
        var minimum = [Double](repeating: .infinity, count: n)
        var maximum = [Double](repeating: -.infinity, count: n)
        let limit = Swift.max(rows.count &* n / 8, 1)
        var positions: [Int] = []
        var overflow = false
        let stageCount = Swift.min(stageRows, rows.count) &* n
        var infinite = false
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: stageCount) { stage in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: stageCount) { found in
                let stageBase = stage.baseAddress!, foundBase = found.baseAddress!  // invariant: stageCount >= n > 0
                nans.withUnsafeMutableBufferPointer { nanBuffer in
                    minimum.withUnsafeMutableBufferPointer { lo in
                        maximum.withUnsafeMutableBufferPointer { hi in
                            var start = rows.lowerBound
                            while start < rows.upperBound && !infinite {
                                let count = Swift.min(stageRows, rows.upperBound &- start)
                                var recorded = 0
                                let x = source + start &* n
                                let flag: Int32
                                if Scalar.self == Double.self {
                                    flag = fk_scan_copy_rows_f64(
                                        UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), n,
                                        UnsafeMutableRawPointer(stageBase).assumingMemoryBound(to: Double.self), n, count, n,
                                        nanBuffer.baseAddress!, lo.baseAddress!, hi.baseAddress!, foundBase, Int64(start &* n), &recorded)  // invariant: n > 0
                                } else {
                                    flag = fk_scan_copy_rows_f32(
                                        UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), n,
                                        UnsafeMutableRawPointer(stageBase).assumingMemoryBound(to: Float.self), n, count, n,
                                        nanBuffer.baseAddress!, lo.baseAddress!, hi.baseAddress!, foundBase, Int64(start &* n), &recorded)  // invariant: n > 0
                                }
                                infinite = flag != 0
                                ElementKernels.copyNonTemporal(target + start &* n, stageBase, count: count &* n)
                                if !overflow {
                                    overflow = positions.count &+ recorded > limit
                                    if overflow {
                                        positions = []
                                    } else {
                                        positions.append(contentsOf: UnsafeBufferPointer(start: foundBase, count: recorded).lazy.map { Int($0) })
                                    }
                                }
                                start &+= count
                            }
                        }
                    }
                }
            }
        }
        if infinite { return nil }
        let r = reciprocalScale(minimum, maximum)
        try ColumnKernels.checkLength(r.count, n, "reciprocalScale")
        var sums = [Double](repeating: 0, count: n)
        var counts = [Int64](repeating: 0, count: n)
        let x = source + rows.lowerBound &* n
        if Scalar.self == Double.self {
            fk_scaled_sums_rows_f64(UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), n, rows.count, n, r, &sums, &counts)
        } else {
            fk_scaled_sums_rows_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), n, rows.count, n, r, &sums, &counts)
        }
        return ScannedBlock(rows: rows, nanCount: nans.map { Int($0) }, minimum: minimum, maximum: maximum, reciprocalScale: r,
                            scaledSums: sums, counts: counts.map { Int($0) }, positions: overflow ? nil : positions)
    }
}
