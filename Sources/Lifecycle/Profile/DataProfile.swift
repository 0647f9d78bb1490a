import Tabular

/// What the training data looked like, kept in the model file so that production data can later be
/// checked for drift against it without the training data itself.
///
/// Per numeric column: count, missing count, mean, standard deviation, min, max, and the training
/// distribution over `bins` quantile bins (edges from the training data's quantiles, fractions of
/// the non-missing values in each). Per categorical column: the missing count and the frequency of
/// the `maxLevels` most frequent levels (the rest pooled). Fixed at fit time; O(columns x bins).
public struct DataProfile: Sendable, Hashable, Codable {
    public struct NumericProfile: Sendable, Hashable, Codable {
        public let count: Int
        public let missing: Int
        public let mean: Double
        public let standardDeviation: Double
        public let min: Double
        public let max: Double
        /// Interior bin edges (increasing, distinct): bin k holds values in (edges[k-1], edges[k]].
        public let edges: [Double]
        /// Fraction of the non-missing training values in each of the `edges.count + 1` bins.
        public let fractions: [Double]
    }

    public struct CategoricalProfile: Sendable, Hashable, Codable {
        public let count: Int
        public let missing: Int
        /// The most frequent levels and their fractions of the non-missing values, most frequent first
        /// (ties by code point order).
        public let levels: [String]
        public let fractions: [Double]
        /// Fraction of the non-missing values in levels not listed.
        public let otherFraction: Double
    }

    public enum ColumnProfile: Sendable, Hashable, Codable {
        case numeric(NumericProfile)
        case categorical(CategoricalProfile)
    }

    public let rowCount: Int
    public let names: [String]
    public let columns: [ColumnProfile]

    /// Profiles every column of `table`.
    /// - Throws: `LifecycleError.emptyTable`, `.invalidParameter` for `bins < 2` or `maxLevels < 1`.
    public init(_ table: Table, bins: Int = 10, maxLevels: Int = 100) throws {
        guard table.rowCount > 0 else { throw LifecycleError.emptyTable(what: "DataProfile") }
        guard bins >= 2, bins <= 1_000 else { throw LifecycleError.invalidParameter(parameter: "bins", reason: "\(bins) is outside 2...1000") }
        guard maxLevels >= 1 else { throw LifecycleError.invalidParameter(parameter: "maxLevels", reason: "must be at least 1") }
        rowCount = table.rowCount
        names = table.names
        columns = table.columns.map { column in
            switch column.values {
            case let .numeric(values): return .numeric(Self.numeric(values, bins: bins))
            case let .categorical(values): return .categorical(Self.categorical(values, maxLevels: maxLevels))
            }
        }
    }

    static func numeric(_ values: [Double], bins: Int) -> NumericProfile {
        let present = values.filter { !$0.isNaN }.sorted()
        let n = present.count
        guard n > 0 else {
            return NumericProfile(count: 0, missing: values.count, mean: .nan, standardDeviation: .nan, min: .nan, max: .nan,
                                  edges: [], fractions: [])
        }
        // Mean and deviation in scaled form (values up to ±1e300 must not overflow when squared).
        let scale = Swift.max(abs(present[0]), abs(present[n - 1]))
        var mean = 0.0, m2 = 0.0
        if scale > 0 && scale.isFinite {
            for (k, value) in present.enumerated() {
                let x = value / scale
                let delta = x - mean
                mean += delta / Double(k + 1)
                m2 += delta * (x - mean)
            }
        }
        let standardDeviation = (m2 / Double(n)).squareRoot() * (scale.isFinite ? scale : 0)
        mean *= scale.isFinite ? scale : 0
        // Interior edges at the quantiles k/bins (lower order statistic), kept distinct.
        var edges: [Double] = []
        for k in 1..<bins {
            let edge = present[Swift.min(n - 1, (k * n) / bins)]
            if edge < present[n - 1], edges.last.map({ edge > $0 }) ?? true { edges.append(edge) }
        }
        let fractions = binCounts(present, edges: edges).map { Double($0) / Double(n) }
        return NumericProfile(count: n, missing: values.count - n, mean: mean, standardDeviation: standardDeviation,
                              min: present[0], max: present[n - 1], edges: edges, fractions: fractions)
    }

    /// Counts of `values` (no NaN) in the bins (-inf, e0], (e0, e1], ..., (e_last, +inf).
    /// After decoding a model file (the profile is not covered by the content hash): one profile
    /// per name, non-negative counts whose sum fits an Int, increasing finite edges with one
    /// fraction per bin, one fraction per listed level.
    /// - Throws: `LifecycleError.corruptModel` naming the column.
    func checkDecoded() throws {
        func bad(_ name: String, _ reason: String) -> LifecycleError {
            .corruptModel(reason: "profile of column '\(name)': \(reason)")
        }
        guard names.count == columns.count, rowCount >= 0 else {
            throw LifecycleError.corruptModel(reason: "profile: \(names.count) names for \(columns.count) columns (rows \(rowCount))")
        }
        func counts(_ name: String, _ count: Int, _ missing: Int) throws {
            guard count >= 0, missing >= 0, count <= Int.max - missing else { throw bad(name, "counts \(count) and \(missing) are invalid") }
        }
        for (name, column) in zip(names, columns) {
            switch column {
            case let .numeric(p):
                try counts(name, p.count, p.missing)
                guard p.fractions.count == p.edges.count + 1, p.edges.allSatisfy({ $0.isFinite }),
                      zip(p.edges, p.edges.dropFirst()).allSatisfy({ $0 < $1 }),
                      p.fractions.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
                    throw bad(name, "\(p.edges.count) edges and \(p.fractions.count) fractions (edges must increase, fractions be in [0, 1])")
                }
            case let .categorical(p):
                try counts(name, p.count, p.missing)
                guard p.levels.count == p.fractions.count,
                      (p.fractions + [p.otherFraction]).allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
                    throw bad(name, "\(p.levels.count) levels and \(p.fractions.count) fractions (fractions must be in [0, 1])")
                }
            }
        }
    }

    static func binCounts(_ values: [Double], edges: [Double]) -> [Int] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for value in values where !value.isNaN {
            // First edge >= value (binary search).
            var low = 0, high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] < value { low = middle + 1 } else { high = middle }
            }
            counts[low] += 1
        }
        return counts
    }

    static func categorical(_ values: CategoricalValues, maxLevels: Int) -> CategoricalProfile {
        var counts = [Int](repeating: 0, count: values.levels.count)
        var missing = 0
        for code in values.codes {
            if code == CategoricalValues.missing { missing += 1 } else { counts[Int(code)] += 1 }
        }
        let present = values.codes.count - missing
        let order = counts.indices.sorted { a, b in
            counts[a] != counts[b] ? counts[a] > counts[b] : CategoryOrder.codePointLess(values.levels[a], values.levels[b])
        }.filter { counts[$0] > 0 }
        let kept = Array(order.prefix(maxLevels))
        let denominator = Double(Swift.max(present, 1))
        let keptCount = kept.reduce(0) { $0 + counts[$1] }
        return CategoricalProfile(
            count: present, missing: missing, levels: kept.map { values.levels[$0] },
            fractions: kept.map { Double(counts[$0]) / denominator },
            otherFraction: present == 0 ? 0 : Double(present - keptCount) / denominator)
    }
}
