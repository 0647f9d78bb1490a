import Features
import Foundation

/// What `featurekit train` fits: the target column, the features pipeline and the model.
///
/// ```json
/// {
///   "target": "target",
///   "features": {"columns": [{"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "StandardScaler"}]}]},
///   "model": {"type": "LogisticRegression", "C": 1.0}
/// }
/// ```
/// The target (and the optional `sample_weight` column) are removed from the table before the
/// features pipeline sees it, so a `{"kind": "numeric"}` selection never includes them.
public struct TrainingSpec: Sendable, Hashable, Codable {
    public let target: String
    public let sampleWeight: String?
    public let features: Pipeline
    public let model: ModelSpec

    public init(target: String, sampleWeight: String? = nil, features: Pipeline, model: ModelSpec) {
        self.target = target
        self.sampleWeight = sampleWeight
        self.features = features
        self.model = model
    }

    enum Keys: String, CodingKey {
        case target, features, model
        case sampleWeight = "sample_weight"
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.container(keyedBy: AnyCodingKey.self)
        let known = ["target", "sample_weight", "features", "model"]
        for key in raw.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [key],
                debugDescription: "unknown key '\(key.stringValue)' in a training spec (known: \(known.joined(separator: ", ")))"))
        }
        let container = try decoder.container(keyedBy: Keys.self)
        target = try container.decode(String.self, forKey: .target)
        sampleWeight = try container.decodeIfPresent(String.self, forKey: .sampleWeight)
        features = try container.decode(Pipeline.self, forKey: .features)
        model = try container.decode(ModelSpec.self, forKey: .model)
        guard !target.isEmpty, sampleWeight != target else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [Keys.target], debugDescription: "the target must be a non-empty column name, other than sample_weight"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(target, forKey: .target)
        try container.encodeIfPresent(sampleWeight, forKey: .sampleWeight)
        try container.encode(features, forKey: .features)
        try container.encode(model, forKey: .model)
    }

    /// Reads a spec from JSON.
    /// - Throws: `LifecycleError.invalidSpec` with the JSON path and the problem.
    public static func read(json: Data) throws -> TrainingSpec {
        do {
            return try SpecCoding.decoder().decode(TrainingSpec.self, from: json)
        } catch {
            throw LifecycleError.invalidSpec(reason: SpecCoding.describe(error))
        }
    }
}
