import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-wise kernels behind the shape-changing transforms (Normalizer, PolynomialFeatures, the
/// element-wise power and function transforms).
///
/// They live here because they read and write rows through raw pointers (this module is the only
/// one that does); what the numbers mean (which norm, which powers, which error) is the features
/// layer's. Every kernel writes a new matrix allocated uninitialised, over fixed row blocks on
/// `threads` threads; each output row depends only on its own input row, so the result is
/// bit-identical for any thread count.
public enum RowKernels {
    /// Copies `doubles` doubles with non-temporal stores (CKernels), for write-only outputs.
    @usableFromInline
    static func copyNonTemporal(_ target: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, doubles: Int) {
        guard doubles > 0 else { return }
        fk_copy_nontemporal(target.assumingMemoryBound(to: Double.self), source.assumingMemoryBound(to: Double.self), doubles)
    }

    /// The first entry (in row order) that a kernel flags: an input that is not finite, or an
    /// output that became non-finite from a finite input.
    public struct Flag: Sendable, Equatable {
        /// Row of the input matrix.
        public let row: Int
        /// Column of the input (when `inInput`) or of the output.
        public let column: Int
        /// The input value at (row, column) when `inInput`, else the offending output value.
        public let value: Double
        /// True when the input itself was flagged (NaN or ±infinity), false for a computed output.
        public let inInput: Bool

        @inlinable
        public init(row: Int, column: Int, value: Double, inInput: Bool) {
            self.row = row
            self.column = column
            self.value = value
            self.inInput = inInput
        }
    }

    /// Runs `fill(rows, source, blockTarget)` over fixed blocks into an uninitialised
    /// `rows x outputColumns` matrix and returns it with the first flag in row order.
    /// `blockTarget` points at the block's first output row (row `i` of the block is at
    /// `blockTarget + (i - rows.lowerBound) * outputColumns`). For Double output it is a
    /// cache-resident staging buffer (Double and Float, blocks of 64 values or more) that is then streamed out with non-temporal stores: the
    /// output is write-only, and ordinary stores would first read every line from memory.
    @inlinable
    internal static func blockMap<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, outputColumns: Int, blockRows: Int, threads: Int,
        _ fill: @Sendable (Range<Int>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Flag?
    ) throws -> (Matrix<Scalar>, Flag?) {
        let count = try Matrix<Scalar>.elementCount(rows: input.rows, columns: outputColumns)
        if count == 0 { return (Matrix(uncheckedRows: input.rows, columns: outputColumns, storage: []), nil) }
        let blocks = ParallelRows.blocks(rows: input.rows, blockRows: Swift.max(blockRows, 1))
        var found: [Flag?] = []
        var failure: (any Error)?
        let elements = Array<Scalar>(unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableSendablePointer(buffer.baseAddress!)  // invariant: count > 0
            adviseHugePages(UnsafeMutableRawPointer(buffer.baseAddress!), bytes: count &* MemoryLayout<Scalar>.stride)
            do {
                found = try input.view.withUnsafeBaseAddress { sourceBase in
                    let source = UnsafeSendablePointer(sourceBase)
                    return try ParallelRows.map(count: blocks.count, threads: threads) { b in
                        let range = blocks[b]
                        let blockTarget = target.pointer + range.lowerBound &* outputColumns
                        let count = range.count &* outputColumns
                        guard count >= 64 else { return fill(range, source.pointer, blockTarget) }
                        return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: count) { stage in
                            let flag = fill(range, source.pointer, stage.baseAddress!)  // invariant: count >= 64
                            ElementKernels.copyNonTemporal(blockTarget, stage.baseAddress!, count: count)  // invariant: as above
                            return flag
                        }
                    }
                }
            } catch {
                failure = error
                for i in 0..<buffer.count { buffer.initializeElement(at: i, to: 0) }
            }
            initialized = buffer.count
        }
        if let failure { throw failure }
        return (Matrix(uncheckedRows: input.rows, columns: outputColumns, storage: elements), found.lazy.compactMap { $0 }.first)
    }

    /// Rows per block for kernels that stage each block in cache before streaming it out: at most
    /// `limit` and about 128 KiB of Double output (`columns` values per row), at least 1.
    @inlinable
    public static func stagingRows(columns: Int, limit: Int) -> Int {
        Swift.max(1, Swift.min(Swift.max(limit, 1), 16_384 / Swift.max(columns, 1)))
    }

    /// `y[i][j] = body(x[i][j], j)` into a new matrix. Flags the first entry whose input is NaN
    /// only when `body` does not map it to NaN (never: NaN is passed through), an infinite input,
    /// or a non-NaN input whose output is NaN or infinite (a domain error or an overflow).
    /// - Complexity: one read of `input`, one write of the output, `rows * columns` calls of `body`.
    @inlinable
    public static func mapElements<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, blockRows: Int = 1024, threads: Int = 1,
        _ body: @Sendable (Scalar, Int) -> Scalar
    ) throws -> (Matrix<Scalar>, Flag?) {
        let n = input.columns
        return try blockMap(input, outputColumns: n, blockRows: blockRows, threads: threads) { range, source, target in
            var first: Flag?
            for i in range {
                let x = source + i &* n, y = target + (i &- range.lowerBound) &* n
                var bad = false
                for j in 0..<n {
                    let value = x[j]
                    let out = value.isNaN ? value : body(value, j)
                    y[j] = out
                    bad = bad || (!value.isNaN && !out.isFinite)
                }
                if bad && first == nil, let j = (0..<n).first(where: { !x[$0].isNaN && !y[$0].isFinite }) {
                    first = x[j].isInfinite
                        ? Flag(row: i, column: j, value: Double(x[j]), inInput: true)
                        : Flag(row: i, column: j, value: Double(y[j]), inInput: false)
                }
            }
            return first
        }
    }

    /// The row norm that `normalizeRows` divides by.
    public enum RowNorm: Int, Sendable {
        /// Sum of absolute values.
        case l1
        /// Euclidean norm, computed scale-safe (no overflow or underflow for rows near 1e±300).
        case l2
        /// Largest absolute value.
        case max
    }

    /// Divides every row by its norm: `y = x / norm(x)`, where a norm below `tinyNorm` (scikit-learn
    /// uses 10 eps of the element type) is replaced by 1, so zero rows stay zero. Norms are
    /// accumulated in Double; the L2 norm is `s sqrt(sum((x/s)^2))` with `s = max|x|` when a plain
    /// sum of squares could overflow or underflow, else the plain sum. Flags the first NaN or
    /// infinite input (the row is then left unnormalised).
    /// - Complexity: two reads of each row (norm, divide) while it is in cache; one write.
    @inlinable
    public static func normalizeRows<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, norm: RowNorm, tinyNorm: Double, blockRows: Int = 4096, threads: Int = 1
    ) throws -> (Matrix<Scalar>, Flag?) {
        let n = input.columns
        return try blockMap(input, outputColumns: n, blockRows: blockRows, threads: threads) { range, source, target in
            var first: Flag?
            for i in range {
                let x = source + i &* n, y = target + (i &- range.lowerBound) &* n
                var largest = 0.0, sum = 0.0, squares = 0.0
                for j in 0..<n {
                    let a = abs(Double(x[j]))
                    largest = a > largest ? a : largest
                    sum += a
                    squares += a * a
                }
                // NaN never wins the max and poisons the sum: check both.
                if !(largest.isFinite && sum == sum) {
                    if first == nil, let j = (0..<n).first(where: { !x[$0].isFinite }) {
                        first = Flag(row: i, column: j, value: Double(x[j]), inInput: true)
                    }
                    for j in 0..<n { y[j] = x[j] }
                    continue
                }
                var value: Double
                // The norm as `scaled * largest` when a plain sum would overflow or underflow.
                var scaled = 1.0
                switch norm {
                case .max:
                    value = largest
                case .l1:
                    if sum.isFinite || largest == 0 {
                        value = sum
                    } else {
                        var s = 0.0
                        for j in 0..<n { s += abs(Double(x[j])) / largest }
                        (scaled, value) = (s, s * largest)
                    }
                case .l2:
                    if largest == 0 {
                        value = 0   // a zero row: no scale to divide by
                    } else if largest < 1e150 && largest > 1e-150 {
                        value = squares.squareRoot()
                    } else {
                        var s = 0.0
                        for j in 0..<n { let t = Double(x[j]) / largest; s += t * t }
                        (scaled, value) = (s.squareRoot(), s.squareRoot() * largest)
                    }
                }
                if value.isInfinite {
                    // A norm beyond Double's range (`[1e308, 1e308]` in L1) although every entry is
                    // finite: divide by its two factors in turn instead of by infinity (zeros).
                    for j in 0..<n { y[j] = Scalar(Double(x[j]) / largest / scaled) }
                    continue
                }
                if value < tinyNorm { value = 1 }
                if Scalar.self == Double.self {
                    let d = Scalar(value)
                    for j in 0..<n { y[j] = x[j] / d }
                } else {
                    for j in 0..<n { y[j] = Scalar(Double(x[j]) / value) }
                }
            }
            return first
        }
    }

    /// One row's polynomial terms: `terms[run.start + t]` for every run of the plan, from `input`
    /// (the row) and the lower-degree terms written before it. Shared by `polynomial` and the
    /// fused pipeline program.
    @inlinable @inline(__always)
    static func expandTerms<Scalar: FloatingPoint>(
        _ runs: UnsafeBufferPointer<ProductPlan.Run>, input: UnsafePointer<Scalar>, terms: UnsafeMutablePointer<Scalar>
    ) {
        for run in runs {
            let out = terms + run.start
            if run.parentStart < 0 {
                let from = input + run.feature
                for t in 0..<run.length { out[t] = from[t] }
            } else {
                let parent = terms + run.parentStart
                let factor = input[run.feature]
                for t in 0..<run.length { out[t] = parent[t] * factor }
            }
        }
    }

    /// A polynomial expansion plan: output column `k` of the full term list is
    /// `term[parent[k]] * x[feature[k]]` (a lower-degree term times one input), or `x[feature[k]]`
    /// when `parent[k] < 0`. Runs of consecutive terms with consecutive parents and the same
    /// feature are multiplied as one vector loop.
    public struct ProductPlan: Sendable, Hashable, Codable {
        /// One run: `term[start + t] = term[parentStart + t] * x[feature]` for `t < length`
        /// (`parentStart < 0`: `term[start + t] = x[feature + t]`).
        public struct Run: Sendable, Hashable, Codable {
            public let start: Int
            public let length: Int
            public let parentStart: Int
            public let feature: Int
            public init(start: Int, length: Int, parentStart: Int, feature: Int) {
                self.start = start; self.length = length; self.parentStart = parentStart; self.feature = feature
            }
        }
        /// The runs, in output order; parents always precede their children.
        public let runs: [Run]
        /// Total number of terms (the full list, without the bias).
        public let termCount: Int
        public init(runs: [Run], termCount: Int) {
            self.runs = runs
            self.termCount = termCount
        }

        /// The highest degree of any term (1 for an empty plan): a term's degree is its
        /// parent's plus one, an input copy's is 1.
        public var maxDegree: Int {
            var degree = [Int](repeating: 1, count: termCount)
            for run in runs where run.parentStart >= 0 {
                for t in 0..<run.length where run.start + t < termCount && run.parentStart + t < termCount {
                    degree[run.start + t] = degree[run.parentStart + t] + 1
                }
            }
            return degree.max() ?? 1
        }

        /// The largest |input| for which no term can overflow: half of the `maxDegree`-th root of
        /// the largest finite value. A term is a product of at most `maxDegree` inputs, each at
        /// most this in magnitude, so its exact value is at most `greatestFiniteMagnitude / 2^D`
        /// and the `D - 1` roundings (each a factor of at most 1 + eps) cannot bring it to infinity.
        public func overflowFreeInput<Scalar: LinearAlgebraScalar>(_: Scalar.Type) -> Scalar {
            let root = pow(Double(Scalar.greatestFiniteMagnitude), 1 / Double(Swift.max(maxDegree, 1)))
            return Scalar(root / 2)
        }
    }

    /// Polynomial features: each output row is `[1 if bias] + terms[firstTerm...]` of the plan,
    /// computed from its input row while it is in cache (lower-degree terms reused). Flags the first
    /// infinite input (its input column), or the first term that overflowed to infinity from a
    /// finite row (its index in the plan's full term list, which may precede `firstTerm`). NaN
    /// propagates through every product it enters.
    /// - Complexity: one read of `input`, one write of the output, one multiply per output term.
    @inlinable
    public static func polynomial<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, plan: ProductPlan, includeBias: Bool, firstTerm: Int,
        blockRows: Int = 1024, threads: Int = 1
    ) throws -> (Matrix<Scalar>, Flag?) {
        let n = input.columns
        let bias = includeBias ? 1 : 0
        let first = Swift.min(Swift.max(firstTerm, 0), plan.termCount)
        let outputColumns = bias + plan.termCount - first
        let direct = first == 0
        let termCount = plan.termCount
        let runs = plan.runs
        let safeInput = plan.overflowFreeInput(Scalar.self)
        return try blockMap(input, outputColumns: outputColumns, blockRows: blockRows, threads: threads) { range, source, target in
            var flag: Flag?
            let scratchCount = direct ? 1 : Swift.max(termCount, 1)
            return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: scratchCount) { scratchBuffer in
                let scratch = scratchBuffer.baseAddress!  // invariant: capacity >= 1
                runs.withUnsafeBufferPointer { runList in
                    for i in range {
                        let x = source + i &* n
                        let y = target + (i &- range.lowerBound) &* outputColumns
                        if bias == 1 { y[0] = 1 }
                        let terms = direct ? y + bias : scratch
                        var largestInput: Scalar = 0
                        for j in 0..<n { let a = abs(x[j]); largestInput = a > largestInput ? a : largestInput }
                        if largestInput == .infinity {
                            if flag == nil, let j = (0..<n).first(where: { x[$0].isInfinite }) {
                                flag = Flag(row: i, column: j, value: Double(x[j]), inInput: true)
                            }
                        }
                        expandTerms(runList, input: x, terms: terms)
                        if !direct {
                            for k in 0..<(termCount - first) { y[bias + k] = scratch[first + k] }
                        }
                        // Terms can overflow only when some input is above `safeInput` (rare):
                        // only then are they scanned, with a branch-free OR that vectorises.
                        if flag == nil && largestInput > safeInput && largestInput.isFinite {
                            var infinite: UInt8 = 0
                            for k in 0..<termCount { infinite |= abs(terms[k]) == .infinity ? 1 : 0 }
                            if infinite != 0, let k = (0..<termCount).first(where: { terms[$0].isInfinite }) {
                                flag = Flag(row: i, column: k, value: Double(terms[k]), inInput: false)
                            }
                        }
                    }
                }
                return flag
            }
        }
    }
}

extension RowKernels {
    /// SimpleImputer's transform: output row `i` is `[isnan(x[i][k]) ? fill[k] : x[i][k] for k in kept]`
    /// followed by `[isnan(x[i][k]) ? 1 : 0 for k in indicators]`, into a new matrix over fixed row
    /// blocks on `threads` threads (element-wise: the result does not depend on `threads`). When
    /// every column is kept in order and there is no indicator, the C kernel (AVX-512 where available)
    /// fills each block in cache and streams it out with non-temporal stores.
    /// Flags the first ±infinite input in row order, in any column (kept or not).
    /// - Throws: `.shapeMismatch` when `fill.count != input.columns` or an index is out of range.
    /// - Complexity: one read of `input`, one write of the output; no allocation beyond the output,
    ///   one staging buffer per block and per-block bookkeeping.
    @inlinable
    public static func impute<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, fill: [Scalar], kept: [Int], indicators: [Int], blockRows: Int = 4096, threads: Int = 1
    ) throws -> (Matrix<Scalar>, Flag?) {
        let n = input.columns
        try ColumnKernels.checkLength(fill.count, n, "fill")
        guard kept.allSatisfy({ $0 >= 0 && $0 < n }), indicators.allSatisfy({ $0 >= 0 && $0 < n }) else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "RowKernels.impute", lhs: input.shape, rhs: Shape(rows: 1, columns: kept.count + indicators.count),
                requirement: "kept and indicator columns must be in 0..<\(n)")
        }
        let width = kept.count &+ indicators.count
        let identity = indicators.isEmpty && kept.count == n && kept.enumerated().allSatisfy { $0.offset == $0.element }
        let rowsPerBlock = stagingRows(columns: Swift.max(width, n), limit: blockRows)
        return try blockMap(input, outputColumns: width, blockRows: rowsPerBlock, threads: threads) { range, source, target in
            fill.withUnsafeBufferPointer { fills in
                kept.withUnsafeBufferPointer { keptColumns in
                    indicators.withUnsafeBufferPointer { flagged in
                        let x = source + range.lowerBound &* n
                        let rows = range.count
                        var infinite = false
                        if identity, let viaC = ElementKernels.fillNaN(x, n, target, n, rows: rows, n: n, fills.baseAddress!) {  // invariant: n > 0 (width > 0)
                            infinite = viaC
                        } else {
                            let k = keptColumns.count
                            for i in 0..<rows {
                                let row = x + i &* n, y = target + i &* width
                                for c in 0..<k {
                                    let j = keptColumns[c], v = row[j]
                                    y[c] = v.isNaN ? fills[j] : v
                                }
                                for c in 0..<flagged.count { y[k &+ c] = row[flagged[c]].isNaN ? 1 : 0 }
                                var largest: Scalar = 0
                                for j in 0..<n { let m = abs(row[j]); largest = m > largest ? m : largest }  // NaN never wins
                                infinite = infinite || largest == .infinity
                            }
                        }
                        guard infinite else { return nil }
                        for i in 0..<rows {
                            let row = x + i &* n
                            if let j = (0..<n).first(where: { row[$0].isInfinite }) {
                                return Flag(row: range.lowerBound &+ i, column: j, value: Double(row[j]), inInput: true)
                            }
                        }
                        return nil
                    }
                }
            }
        }
    }

    /// KBinsDiscretizer's ordinal transform: `y[i][j]` = the number of `e < levelCount` with
    /// `levels[e * n + j] <= Double(x[i][j])` (`levels` holds each column's inner bin edges,
    /// level-major, padded with +infinity, which no finite value reaches), i.e. NumPy's
    /// `searchsorted(edges, x, side="right")`. Branch-free and vectorised across the columns of a
    /// row; into a new matrix over fixed row blocks on `threads` threads (the result does not depend
    /// on `threads`). Flags the first NaN or ±infinite input in row order.
    /// - Throws: `.shapeMismatch` when `levels.count != levelCount * input.columns` or `levelCount < 0`.
    /// - Complexity: `O(rows * columns * levelCount)` compares, one read of `input`, one write.
    @inlinable
    public static func countEdges<Scalar: LinearAlgebraScalar>(
        _ input: Matrix<Scalar>, levels: [Double], levelCount: Int, blockRows: Int = 4096, threads: Int = 1
    ) throws -> (Matrix<Scalar>, Flag?) {
        let n = input.columns
        guard levelCount >= 0, levels.count == levelCount &* n else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "RowKernels.countEdges", lhs: input.shape, rhs: Shape(rows: Swift.max(levelCount, 0), columns: levels.count),
                requirement: "levels must hold levelCount rows of one edge per column")
        }
        let rowsPerBlock = stagingRows(columns: n, limit: blockRows)
        return try blockMap(input, outputColumns: n, blockRows: rowsPerBlock, threads: threads) { range, source, target in
            levels.withUnsafeBufferPointer { edges in
                let x = source + range.lowerBound &* n
                let rows = range.count
                var bad = false
                if let e = edges.baseAddress, let viaC = ElementKernels.countEdges(x, n, target, n, rows: rows, n: n, e, levels: levelCount) {
                    bad = viaC
                } else {
                    for i in 0..<rows {
                        let row = x + i &* n, y = target + i &* n
                        for j in 0..<n {
                            let v = Double(row[j])
                            var count = 0
                            for e in 0..<levelCount { count &+= edges[e &* n &+ j] <= v ? 1 : 0 }
                            y[j] = Scalar(count)
                            bad = bad || !v.isFinite
                        }
                    }
                }
                guard bad else { return nil }
                for i in 0..<rows {
                    let row = x + i &* n
                    if let j = (0..<n).first(where: { !row[$0].isFinite }) {
                        return Flag(row: range.lowerBound &+ i, column: j, value: Double(row[j]), inInput: true)
                    }
                }
                return nil
            }
        }
    }
}
