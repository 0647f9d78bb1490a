import Features
import Foundation
import LinearAlgebra
import Models
import Tabular

/// A trained model as one versioned JSON document: what another process loads to serve predictions
/// with the same code, and what `featurekit inspect` shows.
///
/// Holds the format and library versions, the training spec, the input schema (column names and
/// kinds), the target (and classes), every fitted step of the features pipeline, the fitted model
/// with its solver diagnostics, the training metrics, the training data profile (for drift checks),
/// and `contentHash`: SHA-256 of the canonical JSON (sorted keys) of the fitted pipeline and model.
/// Doubles round-trip exactly (Swift writes the shortest decimal that reads back to the same bits),
/// so a retrain that reproduces the model bit for bit reproduces the hash.
///
/// Loading checks, in order: it is JSON and a FeatureKit model; the format version is one this
/// library reads; every field is present and well typed; the hash matches the content; every fitted
/// step and coefficient is consistent and finite; the model takes as many features as the pipeline
/// makes. Loading never runs code: the file holds data only, decoded into fixed types.
public struct ModelDocument: Sendable, Codable {
    public static let format = "featurekit-model"
    public static let formatVersion = 1
    public static let libraryVersion = "0.1.0"

    public struct InputColumn: Sendable, Hashable, Codable {
        public let name: String
        public let kind: ColumnKind
        /// For categorical columns: how their categories compare (string or integer codes).
        public let categoryKind: CategoryKind?
    }

    public struct Target: Sendable, Hashable, Codable {
        public let name: String
        /// The classes of a classifier, in the order of its probability columns; nil for regression.
        public let classes: [ClassLabel]?
    }

    public struct TrainingReport: Sendable, Hashable, Codable {
        public let rows: Int
        public let metrics: [String: Double]
    }

    public let format: String
    public let formatVersion: Int
    public let libraryVersion: String
    public let spec: TrainingSpec
    public let inputSchema: [InputColumn]
    public let target: Target
    public let features: FittedPipeline
    public let model: FittedModel
    public let training: TrainingReport
    public let profile: DataProfile
    public let contentHash: String

    init(spec: TrainingSpec, inputSchema: [InputColumn], target: Target, features: FittedPipeline, model: FittedModel,
         training: TrainingReport, profile: DataProfile) throws {
        format = Self.format
        formatVersion = Self.formatVersion
        libraryVersion = Self.libraryVersion
        self.spec = spec
        self.inputSchema = inputSchema
        self.target = target
        self.features = features
        self.model = model
        self.training = training
        self.profile = profile
        contentHash = try Self.hash(features: features, model: model)
    }

    struct HashedState: Encodable {
        let features: FittedPipeline
        let model: FittedModel
    }

    /// `sha256:` + the hex SHA-256 of the canonical JSON of the fitted pipeline and model.
    static func hash(features: FittedPipeline, model: FittedModel) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try unwritable { try encoder.encode(HashedState(features: features, model: model)) }
        return "sha256:" + SHA256.hex(data)
    }

    /// The document as pretty-printed JSON with sorted keys (the same model gives the same bytes).
    /// - Throws: `LifecycleError.unwritableModel` naming a non-finite value's path.
    public func encoded() throws -> Data {
        try Self.unwritable { try SpecCoding.encoder().encode(self) }
    }

    /// Runs an encoding, turning JSONEncoder's refusal of a non-finite Double into a typed error
    /// that names its path.
    static func unwritable<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let EncodingError.invalidValue(value, context) {
            var path = ""
            for key in context.codingPath {
                if let index = key.intValue { path += "[\(index)]" } else { path += (path.isEmpty ? "" : ".") + key.stringValue }
            }
            throw LifecycleError.unwritableModel(path: path, value: "\(value)")
        }
    }

    struct Header: Decodable {
        let format: String?
        let formatVersion: Int?
    }

    /// Reads and checks a model file's bytes.
    /// - Throws: `LifecycleError.corruptModel` (not JSON, not a FeatureKit model, a missing or
    ///   mistyped field with its path, a hash mismatch, inconsistent or non-finite fitted state),
    ///   `.unsupportedFormatVersion`.
    public static func decode(_ data: Data) throws -> ModelDocument {
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw LifecycleError.corruptModel(reason: "not JSON or truncated (\(SpecCoding.describe(error)))")
        }
        guard header.format == format else {
            throw LifecycleError.corruptModel(reason: "the 'format' field is \(header.format.map { "'\($0)'" } ?? "missing"), expected '\(format)'")
        }
        guard let version = header.formatVersion else { throw LifecycleError.corruptModel(reason: "the 'formatVersion' field is missing") }
        guard version == formatVersion else { throw LifecycleError.unsupportedFormatVersion(found: version, supported: formatVersion) }
        let document: ModelDocument
        do {
            document = try JSONDecoder().decode(ModelDocument.self, from: data)
        } catch {
            throw LifecycleError.corruptModel(reason: SpecCoding.describe(error))
        }
        let recomputed = try hash(features: document.features, model: document.model)
        guard recomputed == document.contentHash else {
            throw LifecycleError.corruptModel(reason: "content hash \(document.contentHash) does not match the fitted state (\(recomputed)): the file was modified or damaged")
        }
        try document.model.checkDecoded()  // the profile checked itself as it was decoded
        guard document.model.featureCount == document.features.outputNames.count else {
            throw LifecycleError.corruptModel(reason: "the model takes \(document.model.featureCount) features, the pipeline makes \(document.features.outputNames.count)")
        }
        guard Set(document.inputSchema.map(\.name)) == Set(document.features.inputColumns) else {
            throw LifecycleError.corruptModel(reason: "the input schema does not list the pipeline's input columns")
        }
        return document
    }

    /// Checks that `table` has every input column with the right kind (extra columns are ignored).
    /// - Throws: `LifecycleError.schemaMismatch` naming every missing and wrongly typed column;
    ///   `TableError.notNumeric` (row and value) when the only problem is a numeric column read as
    ///   text because of a stray value.
    public func checkSchema(_ table: Table) throws {
        var missing: [String] = [], wrongKind: [String] = []
        for column in inputSchema {
            guard let found = table[column.name] else { missing.append(column.name); continue }
            if found.kind != column.kind { wrongKind.append(column.name) }
        }
        // A numeric column read as text because of a stray value: name its row and value.
        if missing.isEmpty, let name = wrongKind.first, let column = table[name], column.kind == .categorical,
           case let .notNumeric(column, row, value) = TableError.numericExpected(column) {
            throw TableError.notNumeric(column: column, row: row, value: value)
        }
        if !missing.isEmpty || !wrongKind.isEmpty { throw LifecycleError.schemaMismatch(missing: missing, wrongKind: wrongKind) }
    }

    /// Predictions for `table`: the features pipeline (fused, in row blocks), then the model.
    ///
    /// `firstRow` is the row of the data at which `table` starts when a larger input is predicted
    /// block by block (as `featurekit predict` streams a file): errors then name the row of the
    /// whole input, not of the block.
    /// - Throws: `.schemaMismatch`; the pipeline's errors naming row and column; `.nonFiniteFeature`
    ///   naming the row and the feature (by name) where NaN or infinity reaches the model;
    ///   `.invalidParameter` for a negative `firstRow`.
    public func predict(_ table: Table, threads: Int = 1, firstRow: Int = 0) throws -> FittedModel.Prediction {
        guard firstRow >= 0 else { throw LifecycleError.invalidParameter(parameter: "firstRow", reason: "must be >= 0, got \(firstRow)") }
        do {
            try checkSchema(table)
            let x = try features.transform(table, threads: threads)
            return try ErrorRestatement.namingFeatures(features.outputNames) { try model.predict(x, threads: threads) }
        } catch {
            throw ErrorRestatement.shiftingRows(error, by: firstRow)
        }
    }
}
