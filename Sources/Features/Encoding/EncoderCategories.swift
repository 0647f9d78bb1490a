import LinearAlgebra
import Statistics
import Tabular

/// Which categories an encoder knows per column: found in the data, or given.
///
/// scikit-learn equivalent: the `categories` parameter (`'auto'` or a list of arrays).
public enum EncoderCategories: Sendable, Hashable, Codable {
    /// The sorted distinct values of each column at fit time (missing values last, if any).
    case auto
    /// Given per column, in the order of the fitted columns: text for string columns, decimal
    /// integers for integer columns, decimal numbers for numeric columns; nil is the missing value
    /// and may only come last. Numeric and integer categories must be sorted (as scikit-learn
    /// requires of numeric ones); string categories keep the order given.
    case explicit([[String?]])
}

/// One input column's fitted categories (scikit-learn's `categories_[i]`): its levels in order,
/// then the missing value if it was seen (or listed).
public struct FittedCategories: Sendable, Hashable, Codable {
    /// The non-missing categories.
    public let levels: CategoryLevels
    /// Whether the missing value is a category (the last one).
    public let hasMissing: Bool

    public init(levels: CategoryLevels, hasMissing: Bool) {
        self.levels = levels
        self.hasMissing = hasMissing
    }

    /// The number of categories, the missing one included.
    public var count: Int { levels.count + (hasMissing ? 1 : 0) }

    /// The index of the missing category, if any.
    public var missingIndex: Int? { hasMissing ? levels.count : nil }

    /// Category `index` as scikit-learn prints it ("nan" for the missing value).
    public func name(at index: Int) -> String {
        index < levels.count ? levels.name(at: index) : "nan"
    }

    /// Every category's name.
    public var names: [String] { (0..<count).map { name(at: $0) } }
}

/// A table column's codes and, per code, the fitted category (built once per column per call).
struct MappedColumn: Sendable {
    /// Per row: `-1` for missing or a level index of the column's own dictionary.
    let codes: [Int32]
    /// `category[code + 1]`: the fitted category index, or -1 for a value the encoder does not know.
    let category: [Int32]
    /// `names[code + 1]`: the value as text, for error messages ("nan" for missing).
    let names: [String]

    /// The first row whose value is unknown, with the value's name.
    func firstUnknown() -> (row: Int, value: String)? {
        guard category.contains(-1) else { return nil }
        for (row, code) in codes.enumerated() where category[Int(code) + 1] < 0 {
            return (row, names[Int(code) + 1])
        }
        return nil
    }
}

/// Fitting and mapping shared by the encoders.
enum CategoryEncoding {
    /// The schema and columns of `table` an encoder uses: `columns`, or every column.
    static func select(_ table: Table, columns: [String]?, transform: String) throws -> FeatureSchema {
        let names = columns ?? table.names
        let schema = try FeatureSchema(names: names)
        let missing = names.filter { table[$0] == nil }
        if !missing.isEmpty {
            throw FeatureError.schemaMismatch(transform: transform, missing: missing, extra: [], reordered: false)
        }
        return schema
    }

    /// The fitted schema's columns from `table` (extra columns are ignored; missing ones named).
    static func columns(of table: Table, schema: FeatureSchema, transform: String) throws -> [Column] {
        let missing = schema.names.filter { table[$0] == nil }
        if !missing.isEmpty {
            throw FeatureError.schemaMismatch(transform: transform, missing: missing, extra: [], reordered: false)
        }
        return schema.names.compactMap { table[$0] }
    }

    /// Category counts of the schema's columns, with errors in the transform's terms.
    static func summarize(_ table: Table, schema: FeatureSchema, transform: String, threads: Int) throws -> CategorySummary {
        guard table.rowCount > 0 else { throw FeatureError.emptyInput(transform: transform) }
        do {
            return try CategorySummary.fit(table, columns: schema.names, threads: threads)
        } catch let StatisticsError.infiniteValue(row, column, value) {
            throw FeatureError.infiniteValue(transform: transform, row: row, column: schema.names[column], value: value)
        }
    }

    /// The categories of each column and their counts (missing last), from a summary and the
    /// `categories` choice. `counts[j][k]` is how often category k of column j occurred.
    static func categories(
        from summary: CategorySummary, spec: EncoderCategories, transform: String
    ) throws -> (categories: [FittedCategories], counts: [[Int]]) {
        var result: [FittedCategories] = []
        var counts: [[Int]] = []
        let explicit: [[String?]]?
        if case let .explicit(lists) = spec {
            guard lists.count == summary.columns.count else {
                throw FeatureError.invalidParameter(
                    transform: transform, parameter: "categories",
                    reason: "has \(lists.count) lists for \(summary.columns.count) columns")
            }
            explicit = lists
        } else {
            explicit = nil
        }
        for (j, column) in summary.columns.enumerated() {
            let name = summary.names[j]
            let kind = column.kind ?? .string
            if let list = explicit?[j] {
                let fitted = try parseExplicit(list, kind: kind, column: name, transform: transform)
                var c = (0..<fitted.levels.count).map { column.count(of: fitted.levels, at: $0) }
                if fitted.hasMissing { c.append(column.missing) }
                result.append(fitted)
                counts.append(c)
            } else {
                let (levels, c) = column.sorted()
                let hasMissing = column.missing > 0
                result.append(FittedCategories(levels: levels, hasMissing: hasMissing))
                counts.append(hasMissing ? c + [column.missing] : c)
            }
        }
        return (result, counts)
    }

    /// Explicit categories of one column, validated as scikit-learn validates them.
    static func parseExplicit(_ list: [String?], kind: CategoryValueKind, column: String, transform: String) throws -> FittedCategories {
        func fail(_ reason: String) -> FeatureError {
            FeatureError.invalidCategories(transform: transform, column: column, reason: reason)
        }
        guard !list.isEmpty else { throw fail("the explicit category list is empty") }
        if let position = list.dropLast().firstIndex(where: { $0 == nil }) {
            throw fail("the missing value (nil) must be the last category, found at position \(position)")
        }
        let hasMissing = list.last! == nil  // invariant: list is not empty
        let values = list.compactMap { $0 }
        let levels: CategoryLevels
        switch kind {
        case .string:
            var seen = Set<ExactString>()
            for value in values where !seen.insert(ExactString(value)).inserted {
                throw fail("category '\(value)' is listed twice")
            }
            levels = .strings(values)
        case .integer:
            let parsed = try values.map { text -> Int64 in
                guard let v = Int64(text) else { throw fail("category '\(text)' is not an integer") }
                return v
            }
            levels = .integers(parsed)
        case .numeric:
            let parsed = try values.map { text -> Double in
                guard let v = Double(text), v.isFinite else { throw fail("category '\(text)' is not a finite number") }
                return v == 0 ? 0 : v
            }
            levels = .numbers(parsed)
        }
        if kind != .string {
            if Set(values.indices.map { levels.name(at: $0) }).count != values.count {
                throw fail("a category is listed twice")
            }
            if !levels.isSorted {
                throw fail("numeric categories must be sorted increasingly (scikit-learn does not support unsorted numeric categories)")
            }
        }
        return FittedCategories(levels: levels, hasMissing: hasMissing)
    }

    /// Maps a table column onto fitted categories: its codes and, per code, the category index.
    /// - Throws: `.categoryKindMismatch`, `.infiniteValue` (numeric columns).
    static func map(_ column: Column, onto fitted: FittedCategories, transform: String) throws -> MappedColumn {
        let missingCategory = Int32(fitted.missingIndex ?? -1)
        switch column.values {
        case let .categorical(values):
            let kind = CategoryValueKind(values.kind)
            guard kind == fitted.levels.kind else {
                throw FeatureError.categoryKindMismatch(transform: transform, column: column.name,
                                                        expected: fitted.levels.kind.description, got: kind.description)
            }
            var category = [Int32](repeating: -1, count: values.levels.count + 1)
            category[0] = missingCategory
            switch fitted.levels {
            case let .strings(levels):
                var index: [ExactString: Int32] = [:]
                for (k, level) in levels.enumerated() { index[ExactString(level)] = Int32(k) }
                for (code, level) in values.levels.enumerated() { category[code + 1] = index[ExactString(level)] ?? -1 }
            case let .integers(levels):
                var index: [Int64: Int32] = [:]
                for (k, level) in levels.enumerated() { index[level] = Int32(k) }
                for (code, level) in values.levels.enumerated() { category[code + 1] = Int64(level).flatMap { index[$0] } ?? -1 }
            case .numbers:
                break  // invariant: kinds matched above, so this case cannot occur
            }
            return MappedColumn(codes: values.codes, category: category, names: ["nan"] + values.levels)
        case let .numeric(values):
            guard case let .numbers(levels) = fitted.levels else {
                throw FeatureError.categoryKindMismatch(transform: transform, column: column.name,
                                                        expected: fitted.levels.kind.description, got: CategoryValueKind.numeric.description)
            }
            var index: [Double: Int32] = [:]
            for (k, level) in levels.enumerated() { index[level] = Int32(k) }
            var seen: [Double: Int32] = [:]
            var category: [Int32] = [missingCategory]
            var names = ["nan"]
            var codes = [Int32](repeating: -1, count: values.count)
            for (row, value) in values.enumerated() {
                if value.isNaN { continue }
                guard value.isFinite else {
                    throw FeatureError.infiniteValue(transform: transform, row: row, column: column.name, value: value)
                }
                let key = value == 0 ? 0 : value
                if let code = seen[key] {
                    codes[row] = code
                } else {
                    let code = Int32(category.count - 1)
                    seen[key] = code
                    category.append(index[key] ?? -1)
                    names.append(CategoryLevels.numbers([key]).name(at: 0))
                    codes[row] = code
                }
            }
            return MappedColumn(codes: codes, category: category, names: names)
        }
    }

    /// scikit-learn's `_identify_infrequent`: the indices (into `counts`) of the infrequent
    /// categories, or nil when none is.
    static func infrequent(counts: [Int], rows: Int, minFrequency: MinFrequency?, maxCategories: Int?) -> [Int]? {
        var mask = [Bool](repeating: false, count: counts.count)
        switch minFrequency {
        case let .count(m)?:
            for (k, c) in counts.enumerated() where c < m { mask[k] = true }
        case let .fraction(f)?:
            let threshold = Double(rows) * f
            for (k, c) in counts.enumerated() where Double(c) < threshold { mask[k] = true }
        case nil:
            break
        }
        let current = counts.count - mask.filter { $0 }.count + 1
        if let maxCategories, maxCategories < current {
            let frequent = maxCategories - 1
            if frequent == 0 {
                mask = mask.map { _ in true }
            } else {
                // A stable sort by count (mergesort): ties keep category order.
                let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }
                for k in order.dropLast(frequent) { mask[k] = true }
            }
        }
        let result = mask.indices.filter { mask[$0] }
        return result.isEmpty ? nil : result
    }

    /// `grouped[k]`: category k's index after the infrequent categories are grouped into one
    /// placed after the frequent ones (scikit-learn's `_default_to_infrequent_mappings`).
    static func grouping(count: Int, infrequent: [Int]?) -> [Int] {
        guard let infrequent else { return Array(0..<count) }
        let isInfrequent = Set(infrequent)
        let frequentCount = count - infrequent.count
        var next = 0
        return (0..<count).map { k in
            if isInfrequent.contains(k) { return frequentCount }
            defer { next += 1 }
            return next
        }
    }

    /// Refuses fit data with values outside explicit categories (scikit-learn's `handle_unknown
    /// ='error'` check at fit time), naming the first such row.
    static func refuseUnknown(_ columns: [Column], categories: [FittedCategories], transform: String) throws {
        for (column, fitted) in zip(columns, categories) {
            let mapped = try map(column, onto: fitted, transform: transform)
            if let (row, value) = mapped.firstUnknown() {
                throw FeatureError.unknownCategory(transform: transform, column: column.name, value: value, row: row)
            }
        }
    }
}

/// Below which count a category is infrequent (scikit-learn's `min_frequency`).
public enum MinFrequency: Sendable, Hashable, Codable {
    /// Categories seen fewer than this many times (>= 1).
    case count(Int)
    /// Categories seen in less than this fraction of the rows (strictly between 0 and 1).
    case fraction(Double)

    func validate(transform: String) throws {
        switch self {
        case let .count(m) where m < 1:
            throw FeatureError.invalidParameter(transform: transform, parameter: "minFrequency", reason: "a count must be >= 1, got \(m)")
        case let .fraction(f) where !(f > 0 && f < 1):
            throw FeatureError.invalidParameter(transform: transform, parameter: "minFrequency", reason: "a fraction must be strictly between 0 and 1, got \(f)")
        default:
            return
        }
    }
}
