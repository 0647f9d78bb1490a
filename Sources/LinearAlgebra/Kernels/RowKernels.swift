import CKernels
#if canImport(Glibc)
import Glibc
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
    /// cache-resident staging buffer that is then streamed out with non-temporal stores: the
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
                        guard Scalar.self == Double.self && count >= 64 else { return fill(range, source.pointer, blockTarget) }
                        return withUnsafeTemporaryAllocation(of: Scalar.self, capacity: count) { stage in
                            let flag = fill(range, source.pointer, stage.baseAddress!)  // invariant: count >= 64
                            copyNonTemporal(UnsafeMutableRawPointer(blockTarget), UnsafeRawPointer(stage.baseAddress!), doubles: count)
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
                switch norm {
                case .max:
                    value = largest
                case .l1:
                    if sum.isFinite || largest == 0 {
                        value = sum
                    } else {
                        var scaled = 0.0
                        for j in 0..<n { scaled += abs(Double(x[j])) / largest }
                        value = scaled * largest
                    }
                case .l2:
                    if largest == 0 {
                        value = 0   // a zero row: no scale to divide by
                    } else if largest < 1e150 && largest > 1e-150 {
                        value = squares.squareRoot()
                    } else {
                        var scaled = 0.0
                        for j in 0..<n { let t = Double(x[j]) / largest; scaled += t * t }
                        value = scaled.squareRoot() * largest
                    }
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
                        for run in runList {
                            let out = terms + run.start
                            if run.parentStart < 0 {
                                let from = x + run.feature
                                for t in 0..<run.length { out[t] = from[t] }
                            } else {
                                let parent = terms + run.parentStart
                                let factor = x[run.feature]
                                for t in 0..<run.length { out[t] = parent[t] * factor }
                            }
                        }
                        if !direct {
                            for k in 0..<(termCount - first) { y[bias + k] = scratch[first + k] }
                        }
                        if flag == nil && largestInput.isFinite {
                            var largest: Scalar = 0
                            for k in 0..<termCount { let a = abs(terms[k]); largest = a > largest ? a : largest }
                            if largest == .infinity, let k = (0..<termCount).first(where: { terms[$0].isInfinite }) {
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
