/// A transform's parameters as a spec gives them (scikit-learn's names and value forms), read one
/// by one with their defaults; whatever is left unread at `finish()` is an unknown parameter.
///
/// Keys may be snake_case (scikit-learn's) or camelCase; values take scikit-learn's forms
/// (`"strategy": "most_frequent"`, `"quantile_range": [25, 75]`, `"n_bins": [3, 5]`).
struct SpecParameters {
    let transform: String
    let codingPath: [any CodingKey]
    private var values: [String: JSONValue] = [:]
    private var read: Set<String> = []
    private(set) var known: [String] = []

    init(transform: String, from decoder: any Decoder) throws {
        self.transform = transform
        codingPath = decoder.codingPath
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where key.stringValue != "type" {
            let name = SpecCoding.snakeCase(SpecCoding.camelCase(key.stringValue))
            guard values.updateValue(try container.decode(JSONValue.self, forKey: key), forKey: name) == nil else {
                throw error(name, "is given twice")
            }
        }
    }

    func error(_ name: String, _ reason: String) -> DecodingError {
        DecodingError.dataCorrupted(DecodingError.Context(
            codingPath: codingPath + [AnyCodingKey(name)], debugDescription: "\(transform) parameter '\(name)' \(reason)"))
    }

    /// The raw value of `name` (nil when absent or null), marking it known and read.
    mutating func value(_ name: String) -> JSONValue? {
        known.append(name)
        read.insert(name)
        if case .null? = values[name] { return nil }
        return values[name]
    }

    mutating func bool(_ name: String, _ fallback: Bool) throws -> Bool {
        switch value(name) {
        case nil: return fallback
        case let .bool(b)?: return b
        default: throw error(name, "must be true or false")
        }
    }

    mutating func double(_ name: String, _ fallback: Double) throws -> Double {
        try optionalDouble(name) ?? fallback
    }

    mutating func optionalDouble(_ name: String) throws -> Double? {
        switch value(name) {
        case nil: return nil
        case let .number(n)?: return n
        default: throw error(name, "must be a number")
        }
    }

    mutating func int(_ name: String, _ fallback: Int) throws -> Int {
        try optionalInt(name) ?? fallback
    }

    mutating func optionalInt(_ name: String) throws -> Int? {
        switch value(name) {
        case nil: return nil
        case let .number(n)? where n == n.rounded() && abs(n) <= 9.0e15: return Int(n)
        default: throw error(name, "must be an integer")
        }
    }

    mutating func string(_ name: String, _ fallback: String, allowed: [String]) throws -> String {
        switch value(name) {
        case nil: return fallback
        case let .string(s)? where allowed.contains(s): return s
        default: throw error(name, "must be one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", "))
        }
    }

    /// Per-column category lists (`[["a", "b"], ["x", null]]`) or "auto".
    mutating func categories(_ name: String) throws -> EncoderCategories {
        switch value(name) {
        case nil, .string("auto")?: return .auto
        case let .array(columns)?:
            return .explicit(try columns.map { column in
                guard case let .array(items) = column else { throw error(name, "must be \"auto\" or a list of category lists") }
                return try items.map { item -> String? in
                    switch item {
                    case .null: return nil
                    case let .string(s): return s
                    case let .number(n): return n == n.rounded() && abs(n) < 9.0e15 ? String(Int(n)) : "\(n)"
                    default: throw error(name, "categories must be strings, numbers or null")
                    }
                }
            })
        default: throw error(name, "must be \"auto\" or a list of category lists")
        }
    }

    /// scikit-learn's `min_frequency`: an integer count or a fraction in (0, 1).
    mutating func minFrequency(_ name: String) throws -> MinFrequency? {
        switch value(name) {
        case nil: return nil
        case let .number(n)? where n >= 1 && n == n.rounded() && n <= 9.0e15: return .count(Int(n))
        case let .number(n)? where n > 0 && n < 1: return .fraction(n)
        default: throw error(name, "must be an integer count >= 1 or a fraction between 0 and 1")
        }
    }

    /// Refuses parameters that were never read.
    func finish() throws {
        if let unknown = values.keys.sorted().first(where: { !read.contains($0) }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [AnyCodingKey(unknown)],
                debugDescription: "unknown parameter '\(unknown)' for \(transform) (its parameters: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"))
        }
    }
}
