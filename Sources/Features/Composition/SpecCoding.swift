import Foundation

/// JSON keys not known in advance (a spec's parameter names, checked against the known ones).
struct AnyCodingKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
    init(_ string: String) { self.init(stringValue: string) }
}

/// How specs and fitted pipelines are read and written as JSON.
///
/// Parameter names follow scikit-learn (`with_mean`, `feature_range`): keys are snake_case in files
/// and converted to the Swift names (`withMean`) on reading, so a spec reads like the Python a
/// scikit-learn user would write. camelCase keys are accepted too. Unknown keys are errors (a typo
/// such as `with_meen` must not silently fall back to a default).
public enum SpecCoding {
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// Decodes a transform's configuration from the spec object at `decoder`: parameters the spec
    /// omits take their values from `defaults` (scikit-learn's defaults), parameters it does not know
    /// are errors naming them and listing the known ones. Keys are compared after the decoder's key
    /// strategy (snake_case in files -> Swift names). `optional` lists parameters whose default is nil
    /// (absent from `defaults`' encoding).
    /// - Throws: `DecodingError` with the JSON path of the bad parameter.
    static func decodeParameters<T: Codable>(_ type: T.Type, from decoder: any Decoder, name: String, defaults: T,
                                             optional: Set<String> = [], ignoring: Set<String> = ["type"]) throws -> T {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        guard case var .object(merged) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(defaults)) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "\(name) has no parameters object"))
        }
        let known = Set(merged.keys).union(optional)
        for key in container.allKeys where !ignoring.contains(key.stringValue) {
            guard known.contains(key.stringValue) else {
                let listed = known.sorted().map(snakeCase).joined(separator: ", ")
                throw DecodingError.dataCorrupted(DecodingError.Context(
                    codingPath: decoder.codingPath + [key],
                    debugDescription: "unknown parameter '\(snakeCase(key.stringValue))' for \(name) (its parameters: \(listed.isEmpty ? "none" : listed))"))
            }
            merged[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
        do {
            return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(JSONValue.object(merged)))
        } catch let error as DecodingError {
            throw error.prefixingPath(decoder.codingPath)
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
            let parts = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\(snakeCase($0.stringValue))" }
            return parts.isEmpty ? "(top level)" : parts.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        case let .keyNotFound(key, context):
            return "\(path(context)): missing key '\(snakeCase(key.stringValue))'"
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
    func prefixingPath(_ prefix: [any CodingKey]) -> DecodingError {
        func moved(_ context: Context) -> Context {
            Context(codingPath: prefix + context.codingPath, debugDescription: context.debugDescription, underlyingError: context.underlyingError)
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
