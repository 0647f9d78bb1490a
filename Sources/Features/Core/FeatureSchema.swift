/// The columns a fitted transform accepts: their names, in order.
///
/// Fitted values keep the schema they were fitted on and refuse input that does not match it,
/// naming the missing and extra columns. Without names, columns are called `x0, x1, ...` as
/// scikit-learn's `get_feature_names_out` does for unnamed input.
public struct FeatureSchema: Sendable, Hashable, Codable {
    public let names: [String]

    /// - Throws: `FeatureError.invalidColumnNames` for an empty or repeated name.
    public init(names: [String]) throws {
        var seen = Set<String>()
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else { throw FeatureError.invalidColumnNames(reason: "column \(index) has an empty name") }
            guard seen.insert(name).inserted else {
                throw FeatureError.invalidColumnNames(reason: "'\(name)' appears more than once")
            }
        }
        self.names = names
    }

    /// `x0, x1, ..., x{count-1}`.
    public static func anonymous(count: Int) -> FeatureSchema {
        FeatureSchema(unchecked: (0..<Swift.max(count, 0)).map { "x\($0)" })
    }

    init(unchecked names: [String]) { self.names = names }

    public var count: Int { names.count }

    /// The schema for `columnCount` columns with optional caller names.
    /// - Throws: `.columnCountMismatch` when `names` has the wrong length; `.invalidColumnNames`.
    public static func resolve(_ names: [String]?, columnCount: Int, transform: String) throws -> FeatureSchema {
        guard let names else { return anonymous(count: columnCount) }
        guard names.count == columnCount else {
            throw FeatureError.columnCountMismatch(transform: transform, expected: names.count, got: columnCount)
        }
        return try FeatureSchema(names: names)
    }

    /// Checks that input with `columnCount` columns (and, when given, these names) fits this schema.
    /// - Throws: `.columnCountMismatch`, or `.schemaMismatch` naming missing and extra columns.
    public func check(columnCount: Int, names: [String]?, transform: String) throws {
        if let names, names != self.names {
            let expected = Set(self.names), got = Set(names)
            let missing = self.names.filter { !got.contains($0) }
            let extra = names.filter { !expected.contains($0) }
            throw FeatureError.schemaMismatch(transform: transform, missing: missing, extra: extra,
                                              reordered: missing.isEmpty && extra.isEmpty)
        }
        guard columnCount == count else {
            throw FeatureError.columnCountMismatch(transform: transform, expected: count, got: columnCount)
        }
    }
}
