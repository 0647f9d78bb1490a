import LinearAlgebra

/// Exact per-column quantiles and medians of in-memory data, NaN ignored.
///
/// Large `Double` columns (65,536+ rows), eight adjacent ones at a time, are read in place by one
/// fused pass (`fusedGroup`: count and gather each quantile's sample bracket, extremes, NaN and
/// infinity checks), then introselect runs inside each small bracket. Otherwise (Float, fewer
/// rows, NaN, infinity, a column past the last group of eight, or a bracket that misses) the
/// non-NaN values of each column are copied into a contiguous buffer (eight columns at a time,
/// so each pass over the rows reads whole cache lines), then only the order statistics that the
/// requested quantiles need are found, not a full sort: by a sample-bracketing pass (`O(n)`) on
/// large columns, by introselect (`O(n log m)` for `m` quantiles) otherwise (`Selection.orderStatistics`). Columns are independent, so they are spread over `threads` threads; the
/// result does not depend on the thread count (each column's arithmetic is the same).
///
/// Values match NumPy's on the same doubles: `quantiles(method: .linear)` is
/// `numpy.nanpercentile(x, 100 q, axis=0)`, `.averagedInvertedCDF` is
/// `numpy.percentile(x, 100 q, method="averaged_inverted_cdf")`, and `medians` is
/// `numpy.nanmedian(x, axis=0)` (the mean `(a + b) / 2` of the two middle values for an even count).
/// `Float` input is widened to `Double` exactly and computed in `Double`.
///
/// scikit-learn equivalent: the `np.nanpercentile` / `np.nanmedian` calls inside `RobustScaler.fit`,
/// `SimpleImputer(strategy="median")` and `KBinsDiscretizer(strategy="quantile").fit`.
public struct ColumnQuantiles: Sendable, Hashable {
    /// Non-NaN values per column.
    public let counts: [Int]
    /// `values[j][p]`: the `p`-th requested quantile of column `j` (NaN when `counts[j] == 0`).
    public let values: [[Double]]

    /// One request for a column: a quantile or the median.
    enum Request: Sendable, Hashable {
        case quantile(Double, QuantileMethod)
        case median
    }

    /// The quantiles `probabilities` (each in [0, 1]) of every column.
    /// - Throws: `StatisticsError.invalidArgument` for a probability outside [0, 1] or NaN;
    ///   `.infiniteValue` naming the first row (and then column) holding ±infinity.
    /// - Complexity: large Double columns: one read of `x` plus a strided sample of 16,384 rows and
    ///   about `n / 8` values gathered per column; otherwise one pass over `x` to gather columns,
    ///   then `O(n log m)` per column on average, allocating `8 n` doubles per group of 8 columns.
    public static func quantiles<M: DenseMatrix>(
        _ x: M, probabilities: [Double], method: QuantileMethod = .linear, threads: Int = 1
    ) throws -> ColumnQuantiles {
        try check(probabilities)
        let requests = probabilities.map { Request.quantile($0, method) }
        return try compute(FlatElements(x), rows: x.view.rows, columns: x.view.columns, requests: Array(repeating: requests, count: x.view.columns), threads: threads)
    }

    /// Per-column probability lists (e.g. a different number of bins per column).
    /// - Throws: as `quantiles(_:probabilities:)`; `.columnCountMismatch` when
    ///   `probabilities.count != columns`.
    public static func quantiles<M: DenseMatrix>(
        _ x: M, perColumnProbabilities probabilities: [[Double]], method: QuantileMethod = .linear, threads: Int = 1
    ) throws -> ColumnQuantiles {
        guard probabilities.count == x.view.columns else {
            throw StatisticsError.columnCountMismatch(expected: x.view.columns, got: probabilities.count)
        }
        for p in probabilities { try check(p) }
        return try compute(FlatElements(x), rows: x.view.rows, columns: x.view.columns, requests: probabilities.map { $0.map { Request.quantile($0, method) } }, threads: threads)
    }

    /// The median of every column (`numpy.nanmedian`), as `values[j][0]`.
    /// - Throws: `.infiniteValue`.
    public static func medians<M: DenseMatrix>(_ x: M, threads: Int = 1) throws -> ColumnQuantiles {
        try compute(FlatElements(x), rows: x.view.rows, columns: x.view.columns, requests: Array(repeating: [.median], count: x.view.columns), threads: threads)
    }

    /// Medians and quantiles together (one gather of each column): `values[j][0]` is the median,
    /// then the quantiles in order. RobustScaler's fit.
    public static func mediansAndQuantiles<M: DenseMatrix>(
        _ x: M, probabilities: [Double], method: QuantileMethod = .linear, threads: Int = 1
    ) throws -> ColumnQuantiles {
        try check(probabilities)
        let requests = [Request.median] + probabilities.map { Request.quantile($0, method) }
        return try compute(FlatElements(x), rows: x.view.rows, columns: x.view.columns, requests: Array(repeating: requests, count: x.view.columns), threads: threads)
    }

    static func check(_ probabilities: [Double]) throws {
        if let bad = probabilities.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw StatisticsError.invalidArgument(parameter: "probabilities", reason: "each must be in [0, 1], got \(bad)")
        }
    }

    /// The quantiles of values already gathered (NaN-free, any order; rearranged in place).
    static func evaluate(_ values: inout [Double], requests: [Request]) -> [Double] {
        evaluate(&values, base: 0, count: values.count, requests: requests)
    }

    /// The same for the values in `values[base ..< base + count]` (rearranged in place).
    static func evaluate(_ values: inout [Double], base: Int, count n: Int, requests: [Request]) -> [Double] {
        guard n > 0 else { return requests.map { _ in .nan } }
        var ranks: [Int] = []
        var plans: [QuantilePlan?] = []
        for request in requests {
            switch request {
            case let .quantile(q, method):
                let plan = QuantilePlan.make(n: n, q: q, method: method)
                plans.append(plan)
                ranks.append(plan.lower); ranks.append(plan.upper)
            case .median:
                plans.append(nil)
                ranks.append((n - 1) / 2); ranks.append(n / 2)
            }
        }
        let placed = Selection.orderStatistics(&values, base: base, count: n, ranks: ranks)
        return plans.enumerated().map { index, plan in
            if let plan { return QuantilePlan.lerp(placed[2 * index], placed[2 * index + 1], plan.gamma) }
            let (a, b) = (placed[2 * index], placed[2 * index + 1])
            if a == b { return a }
            let sum = a + b
            return sum.isFinite ? sum / 2 : a / 2 + b / 2
        }
    }

    /// Columns gathered per task: eight doubles are one 64-byte cache line of a row.
    static let groupWidth = 8

    static func compute(
        _ elements: FlatElements, rows: Int, columns: Int, requests: [[Request]], threads: Int
    ) throws -> ColumnQuantiles {
        // Concrete dispatch so the gather loop is specialised (see MomentsSummary.summarize).
        switch elements {
        case let .double(e): return try computeConcrete(e, doubles: e, rows: rows, columns: columns, requests: requests, threads: threads)
        case let .float(e): return try computeConcrete(e, doubles: nil, rows: rows, columns: columns, requests: requests, threads: threads)
        }
    }

    /// `doubles` is `elements` when they are `Double` (the fused path reads them; a generic
    /// `as? [Double]` cast would convert element by element).
    private static func computeConcrete<Scalar: LinearAlgebraScalar>(
        _ elements: [Scalar], doubles: [Double]?, rows: Int, columns: Int, requests: [[Request]], threads: Int
    ) throws -> ColumnQuantiles {
        let groups = (columns + groupWidth - 1) / groupWidth
        typealias Part = (counts: [Int], values: [[Double]], infinite: (row: Int, column: Int, value: Double)?)
        let parts: [Part] = try ParallelRows.map(count: groups, threads: threads) { g in
            let first = g * groupWidth, width = Swift.min(groupWidth, columns - first)
            if width == groupWidth, rows >= Selection.bracketMinimumCount, let doubles,
               let values = fusedGroup(doubles, rows: rows, columns: columns, first: first, requests: Array(requests[first..<(first + width)])) {
                return (Array(repeating: rows, count: width), values, nil)
            }
            var buffers = ColumnGather.gather(elements, rows: rows, columns: columns, first: first, width: width)
            var counts: [Int] = [], values: [[Double]] = []
            var infinite: (row: Int, column: Int, value: Double)?
            for c in 0..<width {
                if let row = buffers.infiniteRows[c], row < (infinite?.row ?? Int.max) {
                    infinite = (row, first + c, Double(elements[row * columns + first + c]))
                }
                counts.append(buffers.counts[c])
                values.append(infinite == nil
                              ? evaluate(&buffers.flat, base: c * rows, count: buffers.counts[c], requests: requests[first + c]) : [])
            }
            return (counts, values, infinite)
        }
        if let bad = parts.compactMap(\.infinite).min(by: { ($0.row, $0.column) < ($1.row, $1.column) }) {
            throw StatisticsError.infiniteValue(row: bad.row, column: bad.column, value: bad.value)
        }
        return ColumnQuantiles(counts: parts.flatMap(\.counts), values: parts.flatMap(\.values))
    }
}

extension ColumnQuantiles {
    /// The quantiles of 8 adjacent large `Double` columns without copying them out: per column,
    /// the brackets of `Selection.bracketed` (the same deterministic sample of every
    /// `rows / bracketSampleSize`-th row, the same sample positions), then one fused pass over the
    /// rows (`ColumnKernels.bracketGroup`) that counts and gathers every bracket of the 8 columns,
    /// then introselect inside each bracket. The values are exactly those of `evaluate` (each
    /// order statistic is the value a full sort puts at that rank; the extremes are the first
    /// minimum and maximum in row order, as the bracketed path's). Nil whenever a column holds NaN
    /// or ±infinity (in the sample or anywhere), needs more than 8 brackets, or a rank misses its
    /// bracket or a bracket overflows: the caller then takes the gathering path, which handles all
    /// of these exactly.
    /// - Complexity: one read of the 8 columns' cache lines plus the sample; allocates about
    ///   `1.5 x` the bracketed values (`~n / 20` per bracket) and no column copies.
    static func fusedGroup(_ elements: [Double], rows n: Int, columns: Int, first: Int, requests: [[Request]]) -> [[Double]]? {
        let width = groupWidth, m = Selection.bracketSampleSize, step = n / m
        // Per column: the order statistics needed, and the brackets (sample-position intervals
        // around each inner rank, merged where they overlap), as in Selection.bracketed.
        var plans: [[QuantilePlan?]] = [], ranks: [[Int]] = []
        var starts: [[Int]] = [], ends: [[Int]] = [], members: [[[Int]]] = []
        for c in 0..<width {
            var r: [Int] = [], p: [QuantilePlan?] = []
            for request in requests[c] {
                switch request {
                case let .quantile(q, method):
                    let plan = QuantilePlan.make(n: n, q: q, method: method)
                    p.append(plan); r.append(plan.lower); r.append(plan.upper)
                case .median:
                    p.append(nil); r.append((n - 1) / 2); r.append(n / 2)
                }
            }
            var s: [Int] = [], e: [Int] = [], mem: [[Int]] = []
            for k in Set(r).sorted() where k > 0 && k < n - 1 {
                let position = Int((Double(k) + 0.5) / Double(n) * Double(m))
                let lo = position - Selection.bracketHalfWidth, hi = position + Selection.bracketHalfWidth
                if let last = e.last, lo <= last {
                    e[e.count - 1] = Swift.max(last, hi); mem[mem.count - 1].append(k)
                } else {
                    s.append(lo); e.append(hi); mem.append([k])
                }
            }
            guard s.count <= 8 else { return nil }
            plans.append(p); ranks.append(r); starts.append(s); ends.append(e); members.append(mem)
        }
        let brackets = Swift.max(1, starts.map(\.count).max() ?? 0)
        var lows = [Double](repeating: .nan, count: brackets * width), highs = lows
        var capacities = [Int](repeating: 0, count: brackets * width)
        // The sample of all 8 columns at once (each sampled row is one cache line of the group),
        // column c at samples[c * m ..< (c + 1) * m].
        var samples = [Double](repeating: 0, count: m * width)
        var finite = true
        do {
            var out = samples.mutableSpan
            let e = elements.span
            for t in 0..<m {
                let row = (t &* step) &* columns &+ first
                for c in 0..<width {
                    let v = e[row &+ c]
                    finite = finite && v.isFinite
                    out[c &* m &+ t] = v
                }
            }
        }
        guard finite else { return nil }
        for c in 0..<width where !starts[c].isEmpty {
            var sample = Array(samples[(c * m)..<((c + 1) * m)])
            let positions = (starts[c] + ends[c]).filter { $0 > 0 && $0 < m - 1 }
            Selection.select(&sample, ranks: positions)
            for b in 0..<starts[c].count {
                let (s, e) = (starts[c][b], ends[c][b])
                lows[b * width + c] = s <= 0 ? -.infinity : sample[s]
                highs[b * width + c] = e >= m - 1 ? .infinity : sample[e]
                // The expected count plus half again and a margin; a fuller bracket falls back.
                let expected = (Swift.min(e, m - 1) - Swift.max(s, 0) + 1) * step
                capacities[b * width + c] = Swift.min(expected + expected / 2 + 4096, n)
            }
        }
        guard var pass = try? ColumnKernels.bracketGroup(elements, rows: n, columns: columns, first: first, lows: lows, highs: highs,
                                                         brackets: brackets, capacities: capacities),
              !pass.sawInfinity, pass.nanCount.allSatisfy({ $0 == 0 }) else { return nil }
        var results: [[Double]] = []
        for c in 0..<width {
            var placed: [Int: Double] = [0: pass.minimum[c], n - 1: pass.maximum[c]]
            var total = 0
            for b in 0..<starts[c].count {
                let slot = b * width + c, below = pass.below[slot], inside = pass.inside[slot]
                guard pass.gathered[slot] == inside, members[c][b].allSatisfy({ below <= $0 && $0 < below + inside }) else { return nil }
                total += inside
                let local = members[c][b].map { $0 - below }
                Selection.select(&pass.buffer, base: pass.offsets[slot], count: inside, ranks: local)
                for (k, r) in zip(members[c][b], local) { placed[k] = pass.buffer[pass.offsets[slot] + r] }
            }
            guard total <= n / 2 else { return nil }
            let values = ranks[c].map { placed[$0] ?? .nan }  // invariant: every rank was placed above
            results.append(plans[c].enumerated().map { index, plan in
                if let plan { return QuantilePlan.lerp(values[2 * index], values[2 * index + 1], plan.gamma) }
                let (a, b) = (values[2 * index], values[2 * index + 1])
                if a == b { return a }
                let sum = a + b
                return sum.isFinite ? sum / 2 : a / 2 + b / 2
            })
        }
        return results
    }
}

/// Copies a group of columns of a row-major buffer into one contiguous array per column, dropping
/// NaN and noting the first row of each column that holds ±infinity. Rows are read in order and
/// the group's columns are written side by side, so one pass reads each cache line once.
enum ColumnGather {
    struct Result {
        /// Column `c`'s non-NaN values are `flat[c * rows ..< c * rows + counts[c]]`.
        var flat: [Double]
        var counts: [Int]
        var rows: Int
        var infiniteRows: [Int?]

        /// Column `c`'s values as their own array.
        func column(_ c: Int) -> [Double] { Array(flat[(c * rows)..<(c * rows + counts[c])]) }
    }

    static func gather<Scalar: LinearAlgebraScalar>(
        _ elements: [Scalar], rows: Int, columns: Int, first: Int, width: Int
    ) -> Result {
        var flat = [Double](repeating: 0, count: rows &* width)
        var counts = [Int](repeating: 0, count: width)
        var sawInfinity = false
        do {
            var out = flat.mutableSpan
            var n = counts.mutableSpan
            let source = elements.span
            var index = first
            for _ in 0..<rows {
                for c in 0..<width {
                    let v = Double(source[index &+ c])
                    out[c &* rows &+ n[c]] = v
                    n[c] &+= v.isNaN ? 0 : 1
                    sawInfinity = sawInfinity || v.isInfinite
                }
                index &+= columns
            }
        }
        var infiniteRows = [Int?](repeating: nil, count: width)
        if sawInfinity {
            for c in 0..<width {
                infiniteRows[c] = (0..<rows).first { elements[$0 &* columns &+ first &+ c].isInfinite }
            }
        }
        return Result(flat: flat, counts: counts, rows: rows, infiniteRows: infiniteRows)
    }
}

/// The row-major elements of a dense matrix as a concrete `[Double]` or `[Float]`, without copying a
/// `Matrix` (its storage is shared) and without an element-wise array cast (`[T] as? [Double]`
/// converts element by element: measured as a large share of the fit time).
enum FlatElements {
    case double([Double])
    case float([Float])

    init<M: DenseMatrix>(_ x: M) {
        if let m = x as? Matrix<Double> { self = .double(m.elements); return }
        if let m = x as? Matrix<Float> { self = .float(m.elements); return }
        let view = x.view
        if let v = view as? MatrixView<Double> { self = .double(v.copy().elements); return }
        if let v = view as? MatrixView<Float> { self = .float(v.copy().elements); return }
        self = .double(view.copy().elements.map { Double($0) })
    }
}
