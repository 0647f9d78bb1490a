/// Whether a column holds numbers or categories.
public enum ColumnKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case numeric
    case categorical
    public var description: String { rawValue }
}

/// How categories compare, which fixes their order (scikit-learn sorts categories with `np.unique`):
/// strings by Unicode code point (Python's `str` order, *not* Swift's `String <`, which follows
/// canonical equivalence), integers numerically.
public enum CategoryKind: String, Sendable, Hashable, Codable {
    /// Text categories, ordered by Unicode code point (= UTF-8 byte order).
    case string
    /// Integer category codes (e.g. a zip code or a class id), kept as their decimal text and ordered
    /// numerically. Every level must parse as a 64-bit integer.
    case integer
}

/// A categorical column stored as a dictionary: distinct `levels` and one code per row.
///
/// `codes[i]` is an index into `levels`, or `CategoricalValues.missing` (-1) for a missing value.
/// Levels are kept in first-seen order (so reading a file is one pass); `sortedLevels` gives
/// scikit-learn's order. Memory: 4 bytes per row plus the distinct strings.
public struct CategoricalValues: Sendable, Hashable {
    /// The code of a missing value.
    public static let missing: Int32 = -1

    public let levels: [String]
    public let codes: [Int32]
    public let kind: CategoryKind

    /// Validated: every code is `missing` or a valid index, levels are distinct, and for `.integer`
    /// every level parses as an `Int64`.
    /// - Throws: `TableError.invalidCategories` (the column name is filled in by `Table`).
    public init(levels: [String], codes: [Int32], kind: CategoryKind = .string) throws {
        if levels.count > Int(Int32.max) {
            throw TableError.invalidCategories(column: "", reason: "more than \(Int32.max) levels")
        }
        var seen = Set<ExactString>(minimumCapacity: levels.count)
        for level in levels {
            guard seen.insert(ExactString(level)).inserted else {
                throw TableError.invalidCategories(column: "", reason: "level '\(level)' appears twice")
            }
            if kind == .integer, Int64(level) == nil {
                throw TableError.invalidCategories(column: "", reason: "level '\(level)' is not an integer")
            }
        }
        let count = Int32(levels.count)
        if let (row, code) = codes.enumerated().first(where: { $0.element < -1 || $0.element >= count }) {
            throw TableError.invalidCategories(column: "", reason: "row \(row) has code \(code), outside -1..<\(count)")
        }
        self.levels = levels
        self.codes = codes
        self.kind = kind
    }

    init(uncheckedLevels levels: [String], codes: [Int32], kind: CategoryKind) {
        self.levels = levels
        self.codes = codes
        self.kind = kind
    }

    /// Dictionary-encodes `values` (nil = missing), levels in first-seen order.
    /// - Throws: `TableError.invalidCategories` for `.integer` values that are not integers.
    public init(_ values: [String?], kind: CategoryKind = .string) throws {
        var index: [ExactString: Int32] = [:]
        var levels: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(values.count)
        for value in values {
            guard let value else { codes.append(Self.missing); continue }
            if let code = index[ExactString(value)] {
                codes.append(code)
            } else {
                if kind == .integer, Int64(value) == nil {
                    throw TableError.invalidCategories(column: "", reason: "'\(value)' is not an integer")
                }
                guard levels.count < Int(Int32.max) else {
                    throw TableError.invalidCategories(column: "", reason: "more than \(Int32.max) levels")
                }
                let code = Int32(levels.count)
                index[ExactString(value)] = code
                levels.append(value)
                codes.append(code)
            }
        }
        self.init(uncheckedLevels: levels, codes: codes, kind: kind)
    }

    /// The value of row `row`, nil when missing.
    public func value(at row: Int) -> String? {
        let code = codes[row]
        return code == Self.missing ? nil : levels[Int(code)]
    }

    /// The levels in scikit-learn's order (`np.unique`): code point order for strings, numeric for integers.
    public var sortedLevels: [String] { CategoryOrder.sorted(levels, kind: kind) }

    /// Rows `range` as a new column with the same levels (codes copied).
    func slice(_ range: Range<Int>) -> CategoricalValues {
        CategoricalValues(uncheckedLevels: levels, codes: Array(codes[range]), kind: kind)
    }
}

/// The values of one column.
public enum ColumnValues: Sendable, Hashable {
    /// Numbers; NaN marks a missing value.
    case numeric([Double])
    /// Dictionary-encoded categories.
    case categorical(CategoricalValues)

    public var count: Int {
        switch self {
        case let .numeric(values): return values.count
        case let .categorical(values): return values.codes.count
        }
    }

    public var kind: ColumnKind {
        switch self {
        case .numeric: return .numeric
        case .categorical: return .categorical
        }
    }
}

/// A named column.
public struct Column: Sendable, Hashable {
    public let name: String
    public let values: ColumnValues

    public init(name: String, values: ColumnValues) {
        self.name = name
        self.values = values
    }

    /// A numeric column.
    public static func numeric(_ name: String, _ values: [Double]) -> Column {
        Column(name: name, values: .numeric(values))
    }

    /// A categorical column from optional strings (nil = missing).
    /// - Throws: `TableError.invalidCategories` naming the column.
    public static func categorical(_ name: String, _ values: [String?], kind: CategoryKind = .string) throws -> Column {
        do {
            return Column(name: name, values: .categorical(try CategoricalValues(values, kind: kind)))
        } catch let TableError.invalidCategories(_, reason) {
            throw TableError.invalidCategories(column: name, reason: reason)
        }
    }

    public var count: Int { values.count }
    public var kind: ColumnKind { values.kind }
}

/// A string compared and hashed by its exact Unicode scalars (UTF-8 bytes), as Python and numpy
/// compare `str`. Swift's `String ==` follows canonical equivalence ("é" == "e\u{301}"), which would
/// merge two categories that scikit-learn keeps apart.
public struct ExactString: Hashable, Sendable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public static func == (lhs: ExactString, rhs: ExactString) -> Bool { lhs.value.utf8.elementsEqual(rhs.value.utf8) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value.utf8.count)
        for byte in value.utf8 { hasher.combine(byte) }
    }
}
