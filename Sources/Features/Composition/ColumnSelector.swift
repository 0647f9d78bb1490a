import Tabular

/// Which columns of a table a column group takes: by name, or every column of a kind.
///
/// JSON: `["age", "income"]` (names, in that order) or `{"kind": "numeric"}` / `{"kind": "categorical"}`
/// (scikit-learn's `make_column_selector(dtype_include=...)`), optionally with `"exclude": [names]`.
public enum ColumnSelector: Sendable, Hashable {
    case names([String])
    case kind(ColumnKind, exclude: [String])

    /// The selected names, in table order for `.kind`.
    /// - Throws: `TableError.unknownColumn` for a name the table lacks, `.wrongColumnKind` is left to
    ///   the steps; `FeatureError.invalidSpec` for an empty or repeated selection.
    public func resolve(in table: Table, group: String) throws -> [String] {
        let names: [String]
        switch self {
        case let .names(list):
            for name in list where table[name] == nil {
                throw TableError.unknownColumn(name, available: table.names)
            }
            names = list
        case let .kind(kind, exclude):
            for name in exclude where table[name] == nil {
                throw TableError.unknownColumn(name, available: table.names)
            }
            names = table.names(of: kind).filter { !exclude.contains($0) }
        }
        guard !names.isEmpty else { throw FeatureError.invalidSpec(path: "columns.\(group)", reason: "selects no column") }
        if Set(names).count != names.count {
            throw FeatureError.invalidSpec(path: "columns.\(group)", reason: "selects a column twice")
        }
        return names
    }
}

extension ColumnSelector: Codable {
    enum Keys: String, CodingKey { case kind, exclude }

    public init(from decoder: any Decoder) throws {
        if let names = try? decoder.singleValueContainer().decode([String].self) {
            self = .names(names)
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        let kind = try container.decode(ColumnKind.self, forKey: .kind)
        self = .kind(kind, exclude: try container.decodeIfPresent([String].self, forKey: .exclude) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .names(names):
            var container = encoder.singleValueContainer()
            try container.encode(names)
        case let .kind(kind, exclude):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(kind, forKey: .kind)
            if !exclude.isEmpty { try container.encode(exclude, forKey: .exclude) }
        }
    }
}
