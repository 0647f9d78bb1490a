import Tabular

/// What a column's categories are: text, integers, or numbers (a numeric column treated as
/// categories, as scikit-learn's encoders treat a float array).
public enum CategoryValueKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case string
    case integer
    case numeric
    public var description: String { rawValue }

    /// The kind of a Tabular categorical column.
    public init(_ kind: CategoryKind) {
        switch kind {
        case .string: self = .string
        case .integer: self = .integer
        }
    }
}

/// The distinct (non-missing) categories of one column, in scikit-learn's order (`np.unique`, or
/// Python's `sorted` for object arrays): strings by Unicode code point, integers and numbers
/// numerically. A missing value is not a level: summaries and encoders keep it apart and place it
/// last, as scikit-learn places NaN / None last.
///
/// Equality of `.strings` uses Swift's `String ==` (canonical equivalence); lookups by value go
/// through `ExactString`, so "é" and "e\u{301}" remain two categories.
public enum CategoryLevels: Sendable, Hashable, Codable {
    case strings([String])
    case integers([Int64])
    case numbers([Double])

    /// The number of levels.
    public var count: Int {
        switch self {
        case let .strings(values): return values.count
        case let .integers(values): return values.count
        case let .numbers(values): return values.count
        }
    }

    public var kind: CategoryValueKind {
        switch self {
        case .strings: return .string
        case .integers: return .integer
        case .numbers: return .numeric
        }
    }

    /// No levels of `kind`.
    public static func empty(_ kind: CategoryValueKind) -> CategoryLevels {
        switch kind {
        case .string: return .strings([])
        case .integer: return .integers([])
        case .numeric: return .numbers([])
        }
    }

    /// Level `index` as Python's `str(category)` spells it (what `get_feature_names_out` prints):
    /// the text itself, the integer in decimal, or the shortest round-trip form of a number
    /// ("1.0", "0.25", "1e+16", as Python's `repr(float)`).
    public func name(at index: Int) -> String {
        switch self {
        case let .strings(values): return values[index]
        case let .integers(values): return String(values[index])
        case let .numbers(values): return Self.pythonRepr(values[index])
        }
    }

    /// Every level's name (see `name(at:)`).
    public var names: [String] { (0..<count).map { name(at: $0) } }

    /// Python's `repr(float)` for a finite double: Swift's `description` uses the same shortest
    /// round-trip digits and the same switch to exponent form (exponent < -4 or >= 16).
    static func pythonRepr(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        return value.description
    }

    /// Whether the levels are strictly increasing in scikit-learn's order (what it requires of
    /// explicit numeric categories).
    public var isSorted: Bool {
        switch self {
        case let .strings(values):
            return zip(values, values.dropFirst()).allSatisfy { CategoryOrder.codePointLess($0, $1) }
        case let .integers(values): return zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
        case let .numbers(values): return zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
        }
    }
}
