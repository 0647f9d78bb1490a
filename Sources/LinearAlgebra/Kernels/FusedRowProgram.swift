import CKernels

/// A fused row-block program over `Double` columns: the transform of a numeric pipeline
/// (imputation, per-column affine maps, polynomial products) run tile by tile while a tile of rows
/// is in cache, writing only the final output.
///
/// Shape: several *chains* read columns (each column a contiguous `[Double]`, as a table stores
/// them), run their operations, and write side by side into a joined row; *tail* operations then
/// run on the joined row. The last operation writes the output row. Every operation writes into a
/// buffer the caller (this program) owns: per worker thread, one set of tile buffers allocated once
/// per `run`, none per tile. The output is allocated once, uninitialised, advised onto huge pages,
/// and written tile by tile with non-temporal stores from a cache-resident staging tile.
///
/// Arithmetic is exactly that of the one-step kernels (`ColumnKernels.affineRow`, the imputation
/// loop, `RowKernels.polynomial`): the same expression per element in the same order, so a tile's
/// values are bit-identical to the step-by-step transforms, and every value depends only on its own
/// input row (bit-identical for any thread count and tile size).
///
/// Errors are not diagnosed here: a tile in which any gathered input or any operation's output is
/// ±infinity is reported in `flaggedTiles`, and the caller re-runs those rows through the
/// step-by-step path, which names the row and column exactly as it always has (its values, when it
/// does not throw, replace the tile's).
public struct FusedRowProgram: Sendable {
    /// One operation on a row of `inputWidth` values.
    public enum Operation: Sendable, Hashable {
        /// `y[c] = isnan(x[kept[c]]) ? fill[kept[c]] : x[kept[c]]`, then a 0/1 column per
        /// `indicators` entry (SimpleImputer).
        case impute(fill: [Double], kept: [Int], indicators: [Int])
        /// `y[j] = (x[j] - offset[j]) * factor[j] + shift[j]` (the affine scalers).
        case affine(offset: [Double], factor: [Double], shift: [Double])
        /// `[1 if includeBias] + terms[firstTerm...]` of `plan` over `inputWidth` inputs (PolynomialFeatures).
        case polynomial(plan: RowKernels.ProductPlan, inputWidth: Int, includeBias: Bool, firstTerm: Int)

        var inputWidth: Int {
            switch self {
            case let .impute(fill, _, _): return fill.count
            case let .affine(offset, _, _): return offset.count
            case let .polynomial(_, inputWidth, _, _): return inputWidth
            }
        }

        var outputWidth: Int {
            switch self {
            case let .impute(_, kept, indicators): return kept.count + indicators.count
            case .affine(let offset, _, _): return offset.count
            case let .polynomial(plan, _, includeBias, firstTerm):
                return (includeBias ? 1 : 0) + plan.termCount - Swift.min(Swift.max(firstTerm, 0), plan.termCount)
            }
        }

        /// Scratch values a row needs besides its input and output (polynomial terms not written out).
        var scratchWidth: Int {
            if case let .polynomial(plan, _, _, firstTerm) = self, firstTerm > 0 { return Swift.max(plan.termCount, 1) }
            return 0
        }
    }

    /// Columns read, then operations run in order.
    public struct Chain: Sendable, Hashable {
        /// Indices into the `columns` given to `run`.
        public let sources: [Int]
        public let operations: [Operation]
        public init(sources: [Int], operations: [Operation]) {
            self.sources = sources
            self.operations = operations
        }
        var outputWidth: Int { operations.last?.outputWidth ?? sources.count }
    }

    public let chains: [Chain]
    public let tail: [Operation]
    /// The width of the chains' outputs side by side.
    public let joinedWidth: Int
    /// The width of an output row.
    public let outputWidth: Int
    /// The widest intermediate row (the tile buffers' width).
    let widest: Int
    let scratchWidth: Int

    /// Checks that each operation accepts the width the one before it produces, that every parameter
    /// list has the operation's width, and that every index is in range.
    /// - Throws: `LinearAlgebraError.invalidArgument` naming the chain and operation.
    public init(chains: [Chain], tail: [Operation]) throws {
        func fail(_ reason: String) -> LinearAlgebraError { .invalidArgument(parameter: "FusedRowProgram", reason: reason) }
        func check(_ operation: Operation, width: Int, at path: String) throws {
            guard operation.inputWidth == width else { throw fail("\(path) takes \(operation.inputWidth) columns, gets \(width)") }
            switch operation {
            case let .impute(fill, kept, indicators):
                guard (kept + indicators).allSatisfy({ $0 >= 0 && $0 < width }), fill.allSatisfy(\.isFinite) else {
                    throw fail("\(path): column index out of 0..<\(width) or non-finite fill")
                }
            case let .affine(offset, factor, shift):
                guard factor.count == width, shift.count == width else { throw fail("\(path): parameter lengths differ from \(width)") }
                _ = offset
            case let .polynomial(plan, inputWidth, _, _):
                for run in plan.runs {
                    let inRange = run.start >= 0 && run.length >= 0 && run.start + run.length <= plan.termCount
                    let parentOK = run.parentStart < 0
                        ? run.feature >= 0 && run.feature + run.length <= inputWidth
                        : run.parentStart + run.length <= run.start && run.feature >= 0 && run.feature < inputWidth
                    guard inRange && parentOK else { throw fail("\(path): product plan out of range") }
                }
            }
        }
        var joined = 0, widest = 0, scratch = 0
        for (c, chain) in chains.enumerated() {
            var width = chain.sources.count
            widest = Swift.max(widest, width)
            for (k, operation) in chain.operations.enumerated() {
                try check(operation, width: width, at: "chains[\(c)].operations[\(k)]")
                width = operation.outputWidth
                widest = Swift.max(widest, width)
                scratch = Swift.max(scratch, operation.scratchWidth)
            }
            joined += width
        }
        var width = joined
        widest = Swift.max(widest, width)
        for (k, operation) in tail.enumerated() {
            try check(operation, width: width, at: "tail[\(k)]")
            width = operation.outputWidth
            widest = Swift.max(widest, width)
            scratch = Swift.max(scratch, operation.scratchWidth)
        }
        self.chains = chains
        self.tail = tail
        self.joinedWidth = joined
        self.outputWidth = width
        self.widest = widest
        self.scratchWidth = scratch
    }

    /// Rows per tile: a power of two (so tiles nest in any power-of-two block of at least that
    /// many rows), with a tile of the widest row about 128 KiB, between 16 and 1024 rows.
    public var tileRows: Int {
        let target = Swift.max(16, Swift.min(1024, 16_384 / Swift.max(widest, 1)))
        var rows = 16
        while rows * 2 <= target { rows *= 2 }
        return rows
    }

    /// Runs the program over `rows` rows of `columns` on `threads` threads (contiguous runs of
    /// tiles per thread).
    /// - Returns: the `rows x outputWidth` output and the row ranges of the tiles in which an
    ///   infinity appeared (ascending); those tiles' output rows hold unspecified values.
    /// - Throws: `.invalidArgument` when a chain names a column that is not given or a column has
    ///   fewer than `rows` values; `.invalidArgument` for an element count that overflows.
    /// - Complexity: one read of the used columns and one streaming write of the output; per
    ///   thread, one allocation of `tileRows x (3 widest + joined + output)` values per call.
    public func run(columns: [[Double]], rows: Int, threads: Int) throws -> (output: Matrix<Double>, flaggedTiles: [Range<Int>]) {
        for chain in chains {
            for s in chain.sources where s < 0 || s >= columns.count || columns[s].count < rows {
                throw LinearAlgebraError.invalidArgument(parameter: "columns", reason: "chain source \(s) is missing or shorter than \(rows) rows")
            }
        }
        let count = try Matrix<Double>.elementCount(rows: rows, columns: outputWidth)
        if count == 0 { return (Matrix(uncheckedRows: rows, columns: outputWidth, storage: []), []) }
        let tile = tileRows
        let tiles = (rows + tile - 1) / tile
        let workers = Swift.max(1, Swift.min(threads, tiles))
        let chunk = (tiles + workers - 1) / workers
        var flagged: [[Range<Int>]] = []
        let elements = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(target.pointer), bytes: count &* MemoryLayout<Double>.stride)
            flagged = Self.withColumnBases(columns) { bases in
                let sources = UnsafeSendablePointer(bases.baseAddress!)  // invariant: withColumnBases passes a non-empty buffer
                return (try? ParallelRows.map(count: workers, threads: workers) { w in
                    runTiles(Swift.min(w * chunk, tiles)..<Swift.min((w + 1) * chunk, tiles), tileRows: tile, rows: rows,
                             columns: sources.pointer, output: target.pointer)
                }) ?? []
            }
            initialized = count
        }
        return (Matrix(uncheckedRows: rows, columns: outputWidth, storage: elements), flagged.flatMap { $0 })
    }

    /// The base addresses of every column, valid inside `body` (nested `withUnsafeBufferPointer`s,
    /// so no pointer outlives its array's access). Empty columns get a dangling-free placeholder.
    private static func withColumnBases<R>(_ columns: [[Double]], _ body: (UnsafeBufferPointer<UnsafePointer<Double>>) -> R) -> R {
        let placeholder = [0.0]
        return placeholder.withUnsafeBufferPointer { zero in
            let fallback = zero.baseAddress!  // invariant: one element
            return withUnsafeTemporaryAllocation(of: UnsafePointer<Double>.self, capacity: Swift.max(columns.count, 1)) { bases in
                bases.initialize(repeating: fallback)
                func nest(_ j: Int) -> R {
                    if j == columns.count { return body(UnsafeBufferPointer(bases)) }
                    return columns[j].withUnsafeBufferPointer { column in
                        if let base = column.baseAddress { bases[j] = base }
                        return nest(j + 1)
                    }
                }
                return nest(0)
            }
        }
    }

    /// One worker's tiles. Buffers: two ping-pong tiles of the widest row, the joined tile, the
    /// staging tile of output rows, and per-row polynomial scratch; one allocation.
    private func runTiles(_ tileRange: Range<Int>, tileRows: Int, rows: Int,
                          columns: UnsafePointer<UnsafePointer<Double>>, output: UnsafeMutablePointer<Double>) -> [Range<Int>] {
        var flagged: [Range<Int>] = []
        if tileRange.isEmpty { return flagged }
        let pingCount = tileRows &* widest
        let joinedCount = tail.isEmpty ? 0 : tileRows &* joinedWidth
        let stageCount = tileRows &* outputWidth
        let total = 2 &* pingCount &+ joinedCount &+ stageCount &+ scratchWidth &+ 1
        withUnsafeTemporaryAllocation(of: Double.self, capacity: total) { buffer in
            let base = buffer.baseAddress!  // invariant: total >= 1
            let ping = base, pong = base + pingCount
            let joined = pong + pingCount
            let stage = joined + joinedCount
            let scratch = stage + stageCount
            for t in tileRange {
                let start = t &* tileRows
                let end = Swift.min(start &+ tileRows, rows)
                let n = end &- start
                var infinite = false
                // Chains write into the joined tile (or straight into the staging tile).
                let chainTarget = tail.isEmpty ? stage : joined
                let chainStride = tail.isEmpty ? outputWidth : joinedWidth
                var offset = 0
                for chain in chains {
                    let width = chain.sources.count
                    let direct = chain.operations.isEmpty
                    let gatherTarget = direct ? chainTarget + offset : ping
                    let gatherStride = direct ? chainStride : width
                    for (c, s) in chain.sources.enumerated() {
                        let column = columns[s] + start
                        var y = gatherTarget + c
                        var largest = 0.0
                        for i in 0..<n {
                            let v = column[i]
                            let a = abs(v)
                            largest = a > largest ? a : largest  // NaN never wins
                            y.pointee = v
                            y += gatherStride
                        }
                        infinite = infinite || largest == .infinity
                    }
                    var source = ping, sourceStride = width
                    for (k, operation) in chain.operations.enumerated() {
                        let last = k == chain.operations.count - 1
                        let target = last ? chainTarget + offset : (source == ping ? pong : ping)
                        let targetStride = last ? chainStride : operation.outputWidth
                        infinite = apply(operation, rows: n, source, sourceStride, target, targetStride, scratch) || infinite
                        source = target; sourceStride = targetStride
                    }
                    offset &+= chain.outputWidth
                }
                if !tail.isEmpty {
                    var source = joined, sourceStride = joinedWidth
                    for (k, operation) in tail.enumerated() {
                        let last = k == tail.count - 1
                        let target = last ? stage : (source == ping ? pong : ping)
                        let targetStride = last ? outputWidth : operation.outputWidth
                        infinite = apply(operation, rows: n, source, sourceStride, target, targetStride, scratch) || infinite
                        source = target; sourceStride = targetStride
                    }
                }
                fk_copy_nontemporal(output + start &* outputWidth, stage, n &* outputWidth)
                if infinite { flagged.append(start..<end) }
            }
        }
        return flagged
    }

    /// One operation over `rows` rows; returns whether any output value is infinite.
    private func apply(_ operation: Operation, rows: Int,
                       _ x: UnsafeMutablePointer<Double>, _ xStride: Int,
                       _ y: UnsafeMutablePointer<Double>, _ yStride: Int,
                       _ scratch: UnsafeMutablePointer<Double>) -> Bool {
        switch operation {
        case let .impute(fill, kept, indicators):
            return Self.impute(rows: rows, x, xStride, y, yStride, fill: fill, kept: kept, indicators: indicators)
        case let .affine(offset, factor, shift):
            return Self.affine(rows: rows, x, xStride, y, yStride, offset: offset, factor: factor, shift: shift)
        case let .polynomial(plan, inputWidth, includeBias, firstTerm):
            return Self.polynomial(rows: rows, x, xStride, y, yStride, scratch, plan: plan, n: inputWidth,
                                   includeBias: includeBias, firstTerm: firstTerm)
        }
    }

    /// The imputation loop of `ImputeKernels` (NaN -> fill; kept columns; indicators).
    private static func impute(rows: Int, _ x: UnsafeMutablePointer<Double>, _ xStride: Int,
                               _ y: UnsafeMutablePointer<Double>, _ yStride: Int,
                               fill: [Double], kept: [Int], indicators: [Int]) -> Bool {
        let n = fill.count
        let allKept = kept.count == n
        return fill.withUnsafeBufferPointer { fillBuffer in
            kept.withUnsafeBufferPointer { keptBuffer in
                indicators.withUnsafeBufferPointer { indicatorBuffer in
                    let f = fillBuffer.baseAddress!  // invariant: the program has no zero-width operation
                    for i in 0..<rows {
                        let source = x + i &* xStride, target = y + i &* yStride
                        if allKept {
                            for j in 0..<n {
                                let v = source[j]
                                target[j] = v.isNaN ? f[j] : v
                            }
                        } else {
                            for c in 0..<keptBuffer.count {
                                let v = source[keptBuffer[c]]
                                target[c] = v.isNaN ? f[keptBuffer[c]] : v
                            }
                        }
                        let k = keptBuffer.count
                        for c in 0..<indicatorBuffer.count {
                            target[k &+ c] = source[indicatorBuffer[c]].isNaN ? 1 : 0
                        }
                    }
                    // Fill values are finite: an infinite output comes from an infinite input,
                    // which the gather (or an earlier operation) has already flagged.
                    return false
                }
            }
        }
    }

    /// `ColumnKernels.affineRow`'s expression over a tile (ElementKernels.affine).
    private static func affine(rows: Int, _ x: UnsafeMutablePointer<Double>, _ xStride: Int,
                               _ y: UnsafeMutablePointer<Double>, _ yStride: Int,
                               offset: [Double], factor: [Double], shift: [Double]) -> Bool {
        let n = offset.count
        return offset.withUnsafeBufferPointer { aBuffer in
            factor.withUnsafeBufferPointer { fBuffer in
                shift.withUnsafeBufferPointer { cBuffer in
                    let a = aBuffer.baseAddress!, f = fBuffer.baseAddress!, c = cBuffer.baseAddress!  // invariant: n > 0
                    // The scalers' own C kernel: the same expression, vectorised, no FMA contraction.
                    return ElementKernels.affine(UnsafePointer(x), xStride, y, yStride, rows: rows, n: n, a, f, c) ?? true  // invariant: Double
                }
            }
        }
    }

    /// `RowKernels.polynomial`'s row loop: each term a lower-degree term times one input.
    private static func polynomial(rows: Int, _ x: UnsafeMutablePointer<Double>, _ xStride: Int,
                                   _ y: UnsafeMutablePointer<Double>, _ yStride: Int,
                                   _ scratch: UnsafeMutablePointer<Double>,
                                   plan: RowKernels.ProductPlan, n: Int, includeBias: Bool, firstTerm: Int) -> Bool {
        let bias = includeBias ? 1 : 0
        let termCount = plan.termCount
        let first = Swift.min(Swift.max(firstTerm, 0), termCount)
        let direct = first == 0
        var infinite: UInt8 = 0
        plan.runs.withUnsafeBufferPointer { runList in
            for i in 0..<rows {
                let source = x + i &* xStride, target = y + i &* yStride
                if bias == 1 { target[0] = 1 }
                let terms = direct ? target + bias : scratch
                RowKernels.expandTerms(runList, input: UnsafePointer(source), terms: terms)
                if !direct {
                    for k in 0..<(termCount &- first) { target[bias &+ k] = scratch[first &+ k] }
                }
                for k in 0..<termCount { infinite |= abs(terms[k]) == .infinity ? 1 : 0 }
            }
        }
        return infinite != 0
    }
}

extension Matrix where Scalar == Double {
    /// Overwrites rows `row ..< row + block.rows` with `block` (same column count).
    /// - Throws: `.shapeMismatch` when the block does not fit there.
    public mutating func replaceRows(startingAt row: Int, with block: Matrix<Double>) throws {
        guard block.columns == columns, row >= 0, row <= rows - block.rows else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix.replaceRows", lhs: shape, rhs: block.shape,
                requirement: "the block must have \(columns) columns and fit at row \(row)")
        }
        let start = row * columns
        storage.withUnsafeMutableBufferPointer { target in
            block.storage.withUnsafeBufferPointer { source in
                for k in 0..<source.count { target[start + k] = source[k] }
            }
        }
    }
}

extension Matrix where Scalar == Double {
    /// Rows `rows` of `columns` (each a column's values) as a row-major matrix: how a row block of
    /// a table's numeric columns is gathered for a streamed fit.
    /// - Throws: `.invalidArgument` when a column has fewer than `rows.upperBound` values or the
    ///   range is negative.
    /// - Complexity: one read of the block's values, one write of the block.
    public static func gathering(columns: [[Double]], rows: Range<Int>) throws -> Matrix<Double> {
        guard rows.lowerBound >= 0, columns.allSatisfy({ $0.count >= rows.upperBound }) else {
            throw LinearAlgebraError.invalidArgument(parameter: "rows", reason: "\(rows) is outside a column's values")
        }
        let width = columns.count, n = rows.count
        let count = try Matrix.elementCount(rows: n, columns: width)
        let elements = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            for (j, column) in columns.enumerated() {
                column.withUnsafeBufferPointer { source in
                    for i in 0..<n { (buffer.baseAddress! + (i &* width &+ j)).initialize(to: source[rows.lowerBound &+ i]) }  // invariant: count > 0 here
                }
            }
            initialized = count
        }
        return Matrix(uncheckedRows: n, columns: width, storage: elements)
    }
}
