/// A class label of a classifier: an integer, a real number or a string.
///
/// Labels sort as NumPy's `np.unique` sorts them, which is how scikit-learn orders `classes_`:
/// integers and reals numerically, strings by Unicode code points (not by Swift's canonical
/// string ordering, which differs for some composed characters). A target must hold one kind only
/// (scikit-learn also refuses mixed targets); integers and reals do not compare with strings.
///
/// scikit-learn equivalent: an element of `classes_`.
public enum ClassLabel: Sendable, Hashable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case integer(Int)
    case real(Double)
    case string(String)

    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .string(value) }

    /// 0 for integers, 1 for reals, 2 for strings: the kind, for the mixed-target check.
    var kind: Int {
        switch self {
        case .integer: return 0
        case .real: return 1
        case .string: return 2
        }
    }

    public static func < (lhs: ClassLabel, rhs: ClassLabel) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): return a < b
        case let (.real(a), .real(b)): return a < b
        case let (.integer(a), .real(b)): return Double(a) < b
        case let (.real(a), .integer(b)): return a < Double(b)
        case let (.string(a), .string(b)): return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        default: return lhs.kind < rhs.kind
        }
    }

    public static func == (lhs: ClassLabel, rhs: ClassLabel) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): return a == b
        case let (.real(a), .real(b)): return a == b
        // Strings are equal when their code points are, as in NumPy.
        case let (.string(a), .string(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case let .integer(a): hasher.combine(0); hasher.combine(a)
        case let .real(a): hasher.combine(1); hasher.combine(a)
        case let .string(a): hasher.combine(2); for u in a.unicodeScalars { hasher.combine(u.value) }
        }
    }

    public var description: String {
        switch self {
        case let .integer(a): return "\(a)"
        case let .real(a): return "\(a)"
        case let .string(a): return "\"\(a)\""
        }
    }
}
