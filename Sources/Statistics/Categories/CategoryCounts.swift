import LinearAlgebra
import Tabular

/// How often each category of one column occurs: the fit of the one-hot and ordinal encoders
/// (their categories, and the counts behind `minFrequency` / `maxCategories`).
///
/// A monoid: `CategoryCounts()` is empty, `add` folds rows in, `merge` combines the counts of
/// disjoint rows. Counts are integers, so any split and any merge order give exactly the same
/// summary (no rounding to depend on the order).
///
/// Values are compared as scikit-learn compares them: strings by their exact Unicode scalars
/// (`ExactString`: "é" and "e\u{301}" are two categories), integers by value, numbers by value with
/// -0.0 equal to 0.0. Missing values (`CategoricalValues.missing`, NaN in a numeric column) are
/// counted apart in `missing`.
///
/// scikit-learn equivalent: `sklearn.utils._encode._unique(values, return_counts=True)`.
public struct CategoryCounts: Sendable, Equatable {
    /// The kind of the values seen so far (nil before the first non-empty `add`).
    public private(set) var kind: CategoryValueKind?
    private var strings: [ExactString: Int] = [:]
    private var integers: [Int64: Int] = [:]
    private var numbers: [Double: Int] = [:]
    /// Missing values seen.
    public private(set) var missing: Int = 0
    /// Rows seen (missing or not).
    public private(set) var rows: Int = 0

    /// The empty summary.
    public init() {}

    /// The number of distinct non-missing categories seen.
    public var distinctCount: Int {
        switch kind {
        case .string?: return strings.count
        case .integer?: return integers.count
        case .numeric?: return numbers.count
        case nil: return 0
        }
    }

    private mutating func claim(_ other: CategoryValueKind, column: Int) throws {
        if let kind, kind != other {
            throw StatisticsError.categoryKindMismatch(column: column, expected: kind.description, got: other.description)
        }
        kind = other
    }

    /// Folds in rows `rows` (all when nil) of a dictionary-encoded column: the codes are counted
    /// per level on `threads` threads over fixed chunks, then each level's count is added once.
    /// - Parameter column: the column's index, for error messages.
    /// - Throws: `.categoryKindMismatch` when earlier rows were of another kind (the summary is
    ///   then unchanged); `.invalidArgument` for a row range outside the column.
    /// - Complexity: O(rows + levels) time, O(levels x chunks) temporary memory.
    public mutating func add(_ values: CategoricalValues, rows range: Range<Int>? = nil, column: Int = 0, threads: Int = 1) throws {
        let range = range ?? 0..<values.codes.count
        guard range.lowerBound >= 0, range.upperBound <= values.codes.count else {
            throw StatisticsError.invalidArgument(parameter: "rows", reason: "\(range) is outside 0..<\(values.codes.count)")
        }
        try claim(CategoryValueKind(values.kind), column: column)
        let levelCounts = Self.countCodes(values.codes, range: range, levels: values.levels.count, threads: threads)
        for (level, count) in zip(values.levels, levelCounts.dropFirst()) where count > 0 {
            switch values.kind {
            case .string:
                strings[ExactString(level), default: 0] += count
            case .integer:
                // invariant: CategoricalValues validated that every .integer level parses.
                guard let value = Int64(level) else { continue }
                integers[value, default: 0] += count
            }
        }
        missing += levelCounts[0]
        rows += range.count
    }

    /// `counts[code + 1]` over `range` (index 0 counts missing values), summed over fixed chunks.
    static func countCodes(_ codes: [Int32], range: Range<Int>, levels: Int, threads: Int) -> [Int] {
        let chunks = ParallelRows.blocks(rows: range.count, blockRows: 1 << 16)
        let partial: [[Int]] = (try? ParallelRows.map(count: chunks.count, threads: threads) { b -> [Int] in
            var counts = [Int](repeating: 0, count: levels + 1)
            let chunk = chunks[b]
            codes.withUnsafeBufferPointer { c in
                for i in (range.lowerBound + chunk.lowerBound)..<(range.lowerBound + chunk.upperBound) {
                    counts[Int(c[i]) &+ 1] &+= 1
                }
            }
            return counts
        }) ?? []
        var total = [Int](repeating: 0, count: levels + 1)
        for counts in partial {
            for k in total.indices { total[k] += counts[k] }
        }
        return total
    }

    /// Folds in the values of a numeric column treated as categories (NaN counts as missing).
    /// - Parameters:
    ///   - firstRow: the row number of `values.first`, for error messages.
    ///   - column: the column's index, for error messages.
    /// - Throws: `.infiniteValue` naming the row of the first ±infinity (scikit-learn's encoders
    ///   refuse infinity), `.categoryKindMismatch`; the summary is then unchanged.
    /// - Complexity: O(values) hash-table updates.
    public mutating func add<Values: Collection<Double>>(numbers values: Values, firstRow: Int = 0, column: Int = 0) throws {
        if let offset = values.firstIndex(where: { $0.isInfinite }) {
            let position = values.distance(from: values.startIndex, to: offset)
            throw StatisticsError.infiniteValue(row: firstRow + position, column: column, value: values[offset])
        }
        try claim(.numeric, column: column)
        for value in values {
            if value.isNaN { missing += 1; continue }
            numbers[value == 0 ? 0 : value, default: 0] += 1
        }
        rows += values.count
    }

    /// Adds the counts of other rows.
    /// - Throws: `.categoryKindMismatch` (self unchanged).
    public mutating func merge(_ other: CategoryCounts, column: Int = 0) throws {
        if let otherKind = other.kind { try claim(otherKind, column: column) }
        for (key, count) in other.strings { strings[key, default: 0] += count }
        for (key, count) in other.integers { integers[key, default: 0] += count }
        for (key, count) in other.numbers { numbers[key, default: 0] += count }
        missing += other.missing
        rows += other.rows
    }

    /// `self` merged with `other`.
    public func merged(with other: CategoryCounts, column: Int = 0) throws -> CategoryCounts {
        var result = self
        try result.merge(other, column: column)
        return result
    }

    /// The categories in scikit-learn's order with their counts (missing values apart, in
    /// `missing`). A summary that saw nothing gives `.strings([])`.
    /// - Complexity: O(d log d) for d distinct categories.
    public func sorted() -> (levels: CategoryLevels, counts: [Int]) {
        switch kind {
        case .string?, nil:
            let pairs = strings.sorted { CategoryOrder.codePointLess($0.key.value, $1.key.value) }
            return (.strings(pairs.map(\.key.value)), pairs.map(\.value))
        case .integer?:
            let pairs = integers.sorted { $0.key < $1.key }
            return (.integers(pairs.map(\.key)), pairs.map(\.value))
        case .numeric?:
            let pairs = numbers.sorted { $0.key < $1.key }
            return (.numbers(pairs.map(\.key)), pairs.map(\.value))
        }
    }

    /// The count of one level of `levels` (as returned by `sorted()`), 0 when unseen.
    public func count(of levels: CategoryLevels, at index: Int) -> Int {
        switch levels {
        case let .strings(values): return strings[ExactString(values[index])] ?? 0
        case let .integers(values): return integers[values[index]] ?? 0
        case let .numbers(values): return numbers[values[index]] ?? 0
        }
    }
}

/// `CategoryCounts` for several columns of a table, built over fixed row blocks.
///
/// scikit-learn equivalent: the `_unique(..., return_counts=True)` loop of `_BaseEncoder._fit`.
public struct CategorySummary: Sendable, Equatable {
    /// The names of the summarised columns.
    public let names: [String]
    /// One summary per column.
    public private(set) var columns: [CategoryCounts]

    /// The empty summary of `names`.
    public init(names: [String]) {
        self.names = names
        self.columns = Array(repeating: CategoryCounts(), count: names.count)
    }

    /// Rows seen.
    public var rows: Int { columns.first?.rows ?? 0 }

    /// Folds in rows `range` (all when nil) of the named columns of `table`. Categorical columns
    /// are counted by code; numeric columns are treated as categories (NaN = missing).
    /// - Throws: `TableError.unknownColumn` / `.rowRangeOutOfBounds`; `StatisticsError
    ///   .infiniteValue` (row, column index) for ±infinity in a numeric column;
    ///   `.categoryKindMismatch` (the summary is then partly updated: discard it).
    public mutating func add(_ table: Table, rows range: Range<Int>? = nil, threads: Int = 1) throws {
        let range = range ?? 0..<table.rowCount
        guard range.lowerBound >= 0, range.upperBound <= table.rowCount else {
            throw TableError.rowRangeOutOfBounds(lower: range.lowerBound, upper: range.upperBound, rowCount: table.rowCount)
        }
        let sources = try names.map { try table.column(named: $0) }
        for (j, column) in sources.enumerated() {
            switch column.values {
            case let .categorical(values):
                try columns[j].add(values, rows: range, column: j, threads: threads)
            case let .numeric(values):
                try columns[j].add(numbers: values[range], firstRow: range.lowerBound, column: j)
            }
        }
    }

    /// Adds another summary of the same columns (other rows).
    /// - Throws: `.columnCountMismatch`, `.categoryKindMismatch`.
    public mutating func merge(_ other: CategorySummary) throws {
        guard other.names.count == names.count else {
            throw StatisticsError.columnCountMismatch(expected: names.count, got: other.names.count)
        }
        for j in columns.indices { try columns[j].merge(other.columns[j], column: j) }
    }

    /// The summary of the named columns of a whole table.
    public static func fit(_ table: Table, columns names: [String], threads: Int = 1) throws -> CategorySummary {
        var summary = CategorySummary(names: names)
        try summary.add(table, threads: threads)
        return summary
    }
}
