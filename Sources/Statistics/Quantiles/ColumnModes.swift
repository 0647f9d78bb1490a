import LinearAlgebra

/// The most frequent non-NaN value of each column, the smallest one on a tie (scipy's `mode`,
/// scikit-learn's `SimpleImputer(strategy="most_frequent")`).
///
/// Each column is gathered (as for `ColumnQuantiles`) and sorted; the longest run of equal values
/// wins, the first (smallest) among equally long runs. `-0.0` and `0.0` compare equal and count as
/// one value. Columns are spread over `threads` threads; the result does not depend on it.
public enum ColumnModes {
    /// Per column: the mode (nil when the column has no non-NaN value) and its count.
    /// - Throws: `StatisticsError.infiniteValue` naming the first row (then column) holding ±infinity.
    /// - Complexity: `O(n log n)` per column (a sort); allocates `8 n` doubles per thread.
    public static func mostFrequent<M: DenseMatrix>(_ x: M, threads: Int = 1) throws -> [(value: Double, count: Int)?] {
        let view = x.view
        switch FlatElements(x) {
        case let .double(e): return try modes(e, rows: view.rows, columns: view.columns, threads: threads)
        case let .float(e): return try modes(e, rows: view.rows, columns: view.columns, threads: threads)
        }
    }

    private static func modes<Scalar: LinearAlgebraScalar>(_ elements: [Scalar], rows: Int, columns: Int, threads: Int) throws -> [(value: Double, count: Int)?] {
        let groups = (columns + ColumnQuantiles.groupWidth - 1) / ColumnQuantiles.groupWidth
        typealias Part = (modes: [ModeResult?], infinite: (row: Int, column: Int, value: Double)?)
        let parts: [Part] = try ParallelRows.map(count: groups, threads: threads) { g in
            let first = g * ColumnQuantiles.groupWidth, width = Swift.min(ColumnQuantiles.groupWidth, columns - first)
            let buffers = ColumnGather.gather(elements, rows: rows, columns: columns, first: first, width: width)
            var infinite: (row: Int, column: Int, value: Double)?
            var modes: [ModeResult?] = []
            for c in 0..<width {
                if let row = buffers.infiniteRows[c], row < (infinite?.row ?? Int.max) {
                    infinite = (row, first + c, Double(elements[row * columns + first + c]))
                }
                var column = buffers.column(c)
                column.sort()
                modes.append(mode(ofSorted: column))
            }
            return (modes, infinite)
        }
        if let bad = parts.compactMap(\.infinite).min(by: { ($0.row, $0.column) < ($1.row, $1.column) }) {
            throw StatisticsError.infiniteValue(row: bad.row, column: bad.column, value: bad.value)
        }
        return parts.flatMap(\.modes).map { $0.map { ($0.value, $0.count) } }
    }

    struct ModeResult: Sendable { let value: Double; let count: Int }

    static func mode(ofSorted a: [Double]) -> ModeResult? {
        guard !a.isEmpty else { return nil }
        var best = a[0], bestCount = 0
        var i = 0
        while i < a.count {
            var j = i + 1
            while j < a.count && a[j] == a[i] { j += 1 }
            if j - i > bestCount { best = a[i]; bestCount = j - i }
            i = j
        }
        return ModeResult(value: best, count: bestCount)
    }
}
