import Foundation

/// JSON keys not known in advance (a spec's parameter names, checked against the known ones).
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public let intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    public init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
    public init(_ string: String) { self.init(stringValue: string) }
}

/// How specs and fitted pipelines are read and written as JSON.
///
/// Parameter names follow scikit-learn (`with_mean`, `feature_range`): a transform's parameters
/// are snake_case in a spec and converted to the Swift names (`withMean`) when read, so a spec reads
/// like the Python a scikit-learn user would write (camelCase is accepted too). Only parameter
/// names are converted, never data (column names, category labels), and fitted state is written
/// with the Swift names as they are: a key strategy on the whole document would rewrite dictionary
/// keys that are user data. Unknown keys are errors (a typo such as `with_meen` must not silently
/// fall back to a default).
public enum SpecCoding {
    public static func decoder() -> JSONDecoder {
        JSONDecoder()
    }

    /// Sorted keys: the same value always gives the same bytes (content hashes rely on it).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// `with_mean` -> `withMean`; names without underscores are unchanged.
    public static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_", omittingEmptySubsequences: true)
        guard parts.count > 1 else { return name }
        return String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Decodes a transform's configuration from the spec object at `decoder`: parameters the spec
    /// omits take their values from `defaults` (scikit-learn's defaults), parameters it does not know
    /// are errors naming them and listing the known ones. Keys are snake_case (scikit-learn's) or the
    /// Swift names. `optional` lists parameters whose default is nil
    /// (absent from `defaults`' encoding).
    /// - Throws: `DecodingError` with the JSON path of the bad parameter.
    public static func decodeParameters<T: Codable>(_ type: T.Type, from decoder: any Decoder, name: String, defaults: T,
                                             optional: Set<String> = [], ignoring: Set<String> = ["type"]) throws -> T {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        guard case var .object(merged) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(defaults)) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\(name) has no parameters object"))
        }
        let known = Set(merged.keys).union(optional)
        var given = Set<String>()
        for key in container.allKeys where !ignoring.contains(key.stringValue) {
            let parameter = camelCase(key.stringValue)
            guard known.contains(parameter) else {
                let listed = known.sorted().map(snakeCase).joined(separator: ", ")
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: decoder.codingPath + [key],
                    debugDescription: "unknown parameter '\(snakeCase(key.stringValue))' for \(name) (its parameters: \(listed.isEmpty ? "none" : listed))"))
            }
            guard given.insert(parameter).inserted else {
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: decoder.codingPath + [key], debugDescription: "parameter '\(snakeCase(parameter))' is given twice"))
            }
            merged[parameter] = try container.decode(JSONValue.self, forKey: key)
        }
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(JSONValue.object(merged)))
        } catch let error as DecodingError {
            // The inner path is in Swift parameter names; the user wrote scikit-learn's.
            throw error.prefixingPath(decoder.codingPath, renaming: snakeCase)
        }
    }

    /// The top-level keys `value` encodes to (Swift names).
    static func knownKeys<T: Encodable>(of value: T) throws -> Set<String> {
        let data = try JSONEncoder().encode(value)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return Set(object.keys)
    }

    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// A decoding failure as one line a user can act on: where in the file (the JSON path) and what.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? FeatureError { return error.description }
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }
            return parts.isEmpty ? "(top level)" : parts.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        case let .keyNotFound(key, context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        case let .typeMismatch(type, context):
            return "\(path(context)): expected \(type): \(context.debugDescription)"
        case let .valueNotFound(type, context):
            return "\(path(context)): expected a value of type \(type)"
        @unknown default:
            return String(describing: error)
        }
    }
}

extension DecodingError {
    /// The same error with `prefix` in front of its coding path (for a value decoded on its own).
    func prefixingPath(_ prefix: [any CodingKey], renaming: (String) -> String = { $0 }) -> DecodingError {
        func moved(_ context: Context) -> Context {
            let inner: [any CodingKey] = context.codingPath.map { key in
                key.intValue.map { AnyCodingKey(intValue: $0) } ?? AnyCodingKey(renaming(key.stringValue))
            }
            return Context(codingPath: prefix + inner, debugDescription: context.debugDescription, underlyingError: context.underlyingError)
        }
        switch self {
        case let .dataCorrupted(context): return .dataCorrupted(moved(context))
        case let .keyNotFound(key, context): return .keyNotFound(key, moved(context))
        case let .typeMismatch(type, context): return .typeMismatch(type, moved(context))
        case let .valueNotFound(type, context): return .valueNotFound(type, moved(context))
        @unknown default: return self
        }
    }
}
