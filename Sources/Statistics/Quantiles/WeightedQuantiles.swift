import LinearAlgebra

extension ColumnQuantiles {
    /// Weighted percentiles of every column, as scikit-learn's `_weighted_percentile` computes them
    /// (the weighted `inverted_cdf`, or with `average` the weighted `averaged_inverted_cdf` that
    /// `KBinsDiscretizer(quantile_method="averaged_inverted_cdf").fit(X, sample_weight=w)` uses).
    ///
    /// Per column, with the values sorted ascending and `C` the running sum of their weights
    /// (NaN values get weight 0): `t = p / 100 * C_last` (the smallest positive double when 0);
    /// `i` = the first index with `C[i] >= t`; the result is `v[i]`, or with `average`, when
    /// `C[i] - t <= eps` (the level falls on a data point), `(v[i] + v[i'])/2` where `i'` is the next
    /// value with a positive weight.
    /// - Parameters:
    ///   - percentiles: each in [0, 100].
    ///   - weights: one finite, non-negative weight per row, not all zero.
    /// - Throws: `.invalidArgument` for bad percentiles or weights (naming the row);
    ///   `.infiniteValue` naming row and column.
    /// - Complexity: a sort per column, `O(n log n)`; columns spread over `threads` threads (the
    ///   result does not depend on it).
    public static func weightedPercentiles<M: DenseMatrix>(
        _ x: M, weights: [Double], percentiles: [[Double]], average: Bool, threads: Int = 1
    ) throws -> ColumnQuantiles {
        let view = x.view
        guard weights.count == view.rows else {
            throw StatisticsError.invalidArgument(parameter: "weights", reason: "expected \(view.rows) weights (one per row), got \(weights.count)")
        }
        if let i = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw StatisticsError.invalidArgument(parameter: "weights", reason: "weight \(weights[i]) at row \(i) must be finite and >= 0")
        }
        guard percentiles.count == view.columns else {
            throw StatisticsError.columnCountMismatch(expected: view.columns, got: percentiles.count)
        }
        for p in percentiles {
            if let bad = p.first(where: { !($0 >= 0 && $0 <= 100) }) {
                throw StatisticsError.invalidArgument(parameter: "percentiles", reason: "each must be in [0, 100], got \(bad)")
            }
        }
        let rows = view.rows, columns = view.columns
        let elements: [Double]
        switch FlatElements(x) {
        case let .double(e): elements = e
        case let .float(e): elements = e.map { Double($0) }
        }
        typealias Part = (counts: Int, values: [Double], infinite: (row: Int, column: Int, value: Double)?)
        let parts: [Part] = try ParallelRows.map(count: columns, threads: threads) { j in
            var items: [(value: Double, weight: Double, row: Int)] = []
            items.reserveCapacity(rows)
            var count = 0
            for i in 0..<rows {
                let v = elements[i &* columns &+ j]
                if v.isInfinite { return (0, [], (i, j, v)) }
                if !v.isNaN { count += 1 }
                items.append((v, weights[i], i))
            }
            // NaN last (with weight 0 in the running sum, as scikit-learn); ties by row, so the
            // order (and the running sums) are deterministic.
            items.sort { a, b in
                if a.value.isNaN != b.value.isNaN { return b.value.isNaN }
                if a.value != b.value { return a.value < b.value }
                return a.row < b.row
            }
            var cumulative = [Double]()
            cumulative.reserveCapacity(rows)
            var total = 0.0
            for item in items { total += item.value.isNaN ? 0 : item.weight; cumulative.append(total) }
            guard total > 0 else { return (count, percentiles[j].map { _ in .nan }, nil) }
            let maxIndex = rows - 1
            let values = percentiles[j].map { p -> Double in
                var t = p / 100 * total
                if t == 0 { t = Double.leastNonzeroMagnitude }
                var lo = 0, hi = rows
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < t { lo = mid + 1 } else { hi = mid } }
                let index = Swift.min(lo, maxIndex)
                guard average else { return items[index].value }
                if cumulative[index] - t > Double.ulpOfOne { return items[index].value }
                var next = Swift.min(index + 1, maxIndex)
                if items[next].weight == 0 {
                    // The next value with a larger running sum (searchsorted side="right").
                    var a = 0, b = rows
                    while a < b { let mid = (a + b) / 2; if cumulative[mid] <= cumulative[index] { a = mid + 1 } else { b = mid } }
                    next = a > maxIndex ? index : a
                }
                let (u, v) = (items[index].value, items[next].value)
                let sum = u + v
                return sum.isFinite ? sum / 2 : u / 2 + v / 2
            }
            return (count, values, nil)
        }
        if let bad = parts.compactMap(\.infinite).min(by: { ($0.row, $0.column) < ($1.row, $1.column) }) {
            throw StatisticsError.infiniteValue(row: bad.row, column: bad.column, value: bad.value)
        }
        return ColumnQuantiles(counts: parts.map(\.counts), values: parts.map(\.values))
    }
}
