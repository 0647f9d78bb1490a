/// Problems of the production lifecycle (profiles, drift, model files), named precisely.
public enum LifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Profiling or comparing a table without rows.
    case emptyTable(what: String)
    /// A parameter outside its domain.
    case invalidParameter(parameter: String, reason: String)
    /// A training spec that cannot be used: where and why.
    case invalidSpec(reason: String)
    /// The target column cannot serve the model (named, with the reason and the row when known).
    case invalidTarget(column: String, row: Int?, reason: String)
    /// A model file that is not a FeatureKit model, is truncated, or fails its checks.
    case corruptModel(reason: String)
    /// A model file written by a newer FeatureKit (or an unknown format version).
    case unsupportedFormatVersion(found: Int, supported: Int)
    /// Data whose columns do not match the model's input schema.
    case schemaMismatch(missing: [String], wrongKind: [String])
    /// Two models that cannot be compared on the same rows (a regressor and a classifier, other
    /// classes or another target), with the reason.
    case incomparableModels(reason: String)
    /// A trained model that a model file cannot hold: a non-finite value (JSON has no infinity or
    /// NaN) at `path` in the fitted state, e.g. a variance that overflows Double for values near 1e300.
    case unwritableModel(path: String, value: String)
    /// NaN or ±infinity in a feature the model takes (the output of the features pipeline, named),
    /// at `row` of the data: the scalers keep NaN, as scikit-learn's do, so a missing value reaches
    /// the model unless the pipeline imputes it.
    case nonFiniteFeature(model: String, feature: String, row: Int, value: Double)

    public var description: String {
        switch self {
        case let .emptyTable(what):
            return "\(what): the table has no rows"
        case let .invalidParameter(parameter, reason):
            return "invalid parameter '\(parameter)': \(reason)"
        case let .invalidSpec(reason):
            return "invalid training spec: \(reason)"
        case let .invalidTarget(column, row, reason):
            return "target column '\(column)'\(row.map { " at row \($0)" } ?? ""): \(reason)"
        case let .corruptModel(reason):
            return "not a valid FeatureKit model file: \(reason)"
        case let .unsupportedFormatVersion(found, supported):
            return "model file format version \(found) is not supported (this FeatureKit reads version \(supported)); use the FeatureKit that wrote it or retrain"
        case let .schemaMismatch(missing, wrongKind):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing columns \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            if !wrongKind.isEmpty { parts.append("columns of the wrong kind \(wrongKind.map { "'\($0)'" }.joined(separator: ", "))") }
            return "data does not match the model's input schema: " + parts.joined(separator: "; ")
        case let .incomparableModels(reason):
            return "the models cannot be compared: \(reason)"
        case let .unwritableModel(path, value):
            return "the trained model cannot be written: \(path) is \(value), which a model file (JSON) cannot hold; the data has values too large or too small for this pipeline (rescale them)"
        case let .nonFiniteFeature(model, feature, row, value):
            let advice = value.isNaN ? "a missing value reaches the model: add an imputer step (e.g. SimpleImputer) to the features, or fill the value" : "rescale or clip the input"
            return "\(model): non-finite value \(value) in feature '\(feature)' at row \(row); \(advice)"
        }
    }
}
