/// The order scikit-learn gives categories (`np.unique` of the column).
public enum CategoryOrder {
    /// Strings by Unicode code point (compare UTF-8 bytes: the same order, and what Python's `<` does
    /// on `str`); `.integer` levels numerically (levels that do not parse sort last, by text — they
    /// cannot occur in a validated `CategoricalValues`).
    public static func sorted(_ levels: [String], kind: CategoryKind) -> [String] {
        switch kind {
        case .string:
            return levels.sorted { codePointLess($0, $1) }
        case .integer:
            return levels.sorted { lhs, rhs in
                switch (Int64(lhs), Int64(rhs)) {
                case let (l?, r?): return l < r
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return codePointLess(lhs, rhs)
                }
            }
        }
    }

    /// Python's `str` ordering: lexicographic by code point.
    public static func codePointLess(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
