import Foundation
import LinearAlgebra
import Models
import Tabular
import Testing
@testable import Features
@testable import Lifecycle

/// Hostile model files. The content hash is a checksum, not a signature: anyone can edit a file and
/// recompute it, so every check behind it must hold on its own. Each edited file must be refused
/// with a typed error when loaded or when predicting — never a trap — and a prediction that is
/// returned must be finite.
@Suite struct AdversarialModelFileTests {
    /// A table with numeric, constant and categorical columns (iris plus two derived columns).
    static func table() throws -> Table {
        let iris = try dataTable("iris")
        let length = try iris.numeric("petal_length_cm")
        let size = length.map { $0 < 2 ? "small" : $0 < 5 ? "medium" : "large" }
        return try iris.with(try .categorical("size", size)).with(.numeric("flat", Array(repeating: 1, count: iris.rowCount)))
    }

    static let classifierSpec = """
    {"target": "target",
     "features": {"columns": [
        {"name": "num", "select": ["sepal_length_cm", "sepal_width_cm"], "steps": [{"type": "StandardScaler"}, {"type": "PolynomialFeatures", "degree": 2}]},
        {"name": "bins", "select": ["petal_length_cm"], "steps": [{"type": "KBinsDiscretizer", "n_bins": 3}]},
        {"name": "imp", "select": ["petal_width_cm", "flat"], "steps": [{"type": "SimpleImputer", "strategy": "median"}, {"type": "MinMaxScaler"}]},
        {"name": "cat", "select": ["size"], "steps": [{"type": "OneHotEncoder"}]},
        {"name": "ord", "select": ["size"], "steps": [{"type": "OrdinalEncoder"}]}
      ], "steps": [{"type": "MaxAbsScaler"}]},
     "model": {"type": "LogisticRegression", "C": 1.0, "max_iter": 300}}
    """

    static let regressionSpec = """
    {"target": "petal_width_cm",
     "features": {"columns": [
        {"name": "num", "select": ["sepal_length_cm", "petal_length_cm"], "steps": [{"type": "RobustScaler"}, {"type": "PowerTransformer"}]},
        {"name": "cat", "select": ["size"], "steps": [{"type": "TargetEncoder"}]},
        {"name": "fn", "select": ["sepal_width_cm"], "steps": [{"type": "FunctionTransformer", "func": "log1p"}, {"type": "Normalizer"}]}
      ]},
     "model": {"type": "Ridge", "alpha": 0.5}}
    """

    static let linearSpec = """
    {"target": "sepal_length_cm",
     "features": {"columns": [
        {"name": "hash", "select": ["size"], "steps": [{"type": "FeatureHasher", "n_features": 4}]},
        {"name": "poly", "select": ["petal_length_cm", "petal_width_cm"], "steps": [{"type": "KBinsDiscretizer", "n_bins": 3, "strategy": "uniform", "encode": "ordinal"}, {"type": "PolynomialFeatures", "degree": 2, "interaction_only": true}]}
      ], "remainder": "passthrough"},
     "model": {"type": "LinearRegression"}}
    """

    static let variantSpec = """
    {"target": "target",
     "features": {"columns": [
        {"name": "imp", "select": ["sepal_length_cm", "flat"], "steps": [{"type": "SimpleImputer", "add_indicator": true, "keep_empty_features": true}, {"type": "KBinsDiscretizer", "n_bins": [3, 2], "strategy": "quantile", "quantile_method": "linear"}]},
        {"name": "cat", "select": ["size"], "steps": [{"type": "OneHotEncoder", "drop": "first", "handle_unknown": "infrequent_if_exist", "min_frequency": 40}]},
        {"name": "te", "select": ["size"], "steps": [{"type": "TargetEncoder", "target_type": "multiclass"}]}
      ]},
     "model": {"type": "LogisticRegression", "solver": "newton-cholesky", "class_weight": "balanced"}}
    """

    static func document(_ spec: String) throws -> (Data, Table) {
        let table = try table()
        let document = try Trainer.train(try TrainingSpec.read(json: Data(spec.utf8)), on: table)
        return (try document.encoded(), table)
    }

    struct HashedParts: Decodable {
        let features: FittedPipeline
        let model: FittedModel
    }

    /// Re-serialises an edited JSON tree with its content hash recomputed (when the edited fitted
    /// state still decodes: otherwise the hash is left stale, and loading must refuse it anyway).
    static func rehash(_ tree: Any) throws -> Data {
        var object = try #require(tree as? [String: Any])
        let data = try JSONSerialization.data(withJSONObject: object)
        if let parts = try? JSONDecoder().decode(HashedParts.self, from: data),
           let hash = try? ModelDocument.hash(features: parts.features, model: parts.model) {
            object["contentHash"] = hash
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// Every path to a value in the tree (dictionary keys and array indices).
    static func paths(_ value: Any, _ prefix: [AnyHashable] = []) -> [[AnyHashable]] {
        var out: [[AnyHashable]] = [prefix]
        if let dictionary = value as? [String: Any] {
            for key in dictionary.keys.sorted() { out += paths(dictionary[key] as Any, prefix + [key]) }
        } else if let array = value as? [Any] {
            for (k, item) in array.enumerated() { out += paths(item, prefix + [k]) }
        }
        return out
    }

    static func replacing(_ value: Any, at path: ArraySlice<AnyHashable>, with replacement: (Any) -> Any?) -> Any? {
        guard let head = path.first else { return replacement(value) }
        if var dictionary = value as? [String: Any], let key = head as? String {
            dictionary[key] = dictionary[key].flatMap { replacing($0, at: path.dropFirst(), with: replacement) }
            return dictionary
        }
        if var array = value as? [Any], let index = head as? Int, array.indices.contains(index) {
            if let new = replacing(array[index], at: path.dropFirst(), with: replacement) { array[index] = new } else { array.remove(at: index) }
            return array
        }
        return value
    }

    /// Mutations of one value: numbers to extremes, arrays shortened or lengthened, strings emptied.
    static func mutations(of value: Any) -> [(String, (Any) -> Any?)] {
        var out: [(String, (Any) -> Any?)] = [("remove", { _ in nil })]
        if value is NSNumber {
            out += [("-1", { _ in -1 }), ("0", { _ in 0 }), ("1e308", { _ in 1e308 }), ("-1e308", { _ in -1e308 }),
                    ("2^62", { _ in 1 << 62 }), ("0.5", { _ in 0.5 }), ("5e-324", { _ in Double.leastNonzeroMagnitude })]
        }
        if value is String { out += [("empty", { _ in "" }), ("other", { _ in "zzz" })] }
        if let array = value as? [Any] {
            out += [("empty array", { _ in [Any]() }), ("drop last", { _ in Array(array.dropLast()) }),
                    ("duplicate first", { _ in array.isEmpty ? array : [array[0]] + array }),
                    ("reverse", { _ in Array(array.reversed()) })]
        }
        return out
    }

    /// Loads and predicts; returns a failure description when something is wrong.
    static func loadAndPredict(_ data: Data, table: Table) -> String? {
        do {
            let document = try ModelDocument.decode(data)
            let drift = try DriftReport(profile: document.profile, table: table)
            if let bad = drift.columns.first(where: { ($0.psi?.isNaN ?? false) || ($0.meanShift?.isNaN ?? false) }) { return "drift \(bad)" }
            switch try document.predict(table) {
            case let .values(values):
                if let bad = values.first(where: { !$0.isFinite }) { return "prediction \(bad)" }
                if values.count != table.rowCount { return "\(values.count) predictions" }
            case let .classes(labels, probabilities):
                if let bad = probabilities.elements.first(where: { !($0.isFinite && $0 >= 0 && $0 <= 1) }) { return "probability \(bad)" }
                if labels.count != table.rowCount { return "\(labels.count) labels" }
            }
            return nil
        } catch is LifecycleError, is FeatureError, is ModelError, is TableError {
            return nil
        } catch {
            return "untyped error \(type(of: error)): \(error)"
        }
    }

    @Test(arguments: [classifierSpec, regressionSpec, linearSpec, variantSpec])
    func everyFieldOfTheFittedStateMutated(spec: String) throws {
        let (data, full) = try Self.document(spec)
        // Every 13th row: all three classes and sizes, and predictions fast enough for ~2,000 files.
        let table = try Table(full.columns.map { column in
            switch column.values {
            case let .numeric(values): return .numeric(column.name, stride(from: 0, to: values.count, by: 13).map { values[$0] })
            case let .categorical(values):
                return try .categorical(column.name, stride(from: 0, to: values.codes.count, by: 13).map { values.value(at: $0) })
            }
        })
        let tree = try JSONSerialization.jsonObject(with: data)
        // The full run (FK_ADVERSARIAL_FULL=1: ~3,000 edited files, over a minute in a debug build)
        // is opt-in; by default a fixed sample of one in eleven edits runs (11 is prime to the
        // number of edits per value, so every kind of edit is sampled), so the suite stays fast.
        let every = ProcessInfo.processInfo.environment["FK_ADVERSARIAL_FULL"] == nil ? 11 : 1
        var checked = 0
        var index = 0
        let edited: Set<AnyHashable> = ["features", "model", "profile", "inputSchema", "target"]
        for path in Self.paths(tree) where path.first.map(edited.contains) ?? false {
            // Array elements past the second are like the first two: skip them (speed).
            guard path.count > 1, !path.contains(where: { ($0.base as? Int).map { $0 > 1 } ?? false }),
                  let value = Self.value(tree, at: path[...]) else { continue }
            for (name, mutation) in Self.mutations(of: value) {
                index += 1
                guard index % every == 0 else { continue }
                guard let edited = Self.replacing(tree, at: path[...], with: mutation) else { continue }
                if ProcessInfo.processInfo.environment["FK_ADVERSARIAL_VERBOSE"] != nil {
                    FileHandle.standardError.write(Data("mutating \(path.map { "\($0.base)" }.joined(separator: "/")) \(name)\n".utf8))
                }
                let bytes = try Self.rehash(edited)
                if let problem = Self.loadAndPredict(bytes, table: table) {
                    Issue.record("\(path.map { "\($0.base)" }.joined(separator: "/")) \(name): \(problem)")
                }
                checked += 1
            }
        }
        #expect(checked > 100 / every)
    }

    static func value(_ tree: Any, at path: ArraySlice<AnyHashable>) -> Any? {
        guard let head = path.first else { return tree }
        if let dictionary = tree as? [String: Any], let key = head as? String { return dictionary[key].flatMap { value($0, at: path.dropFirst()) } }
        if let array = tree as? [Any], let index = head as? Int, array.indices.contains(index) { return value(array[index], at: path.dropFirst()) }
        return nil
    }

    /// The profile is not covered by the content hash: counts that overflow when added, and
    /// fractions that do not match the edges, are refused when loading (drift would trap or mislead).
    @Test func hostileProfile() throws {
        let (data, _) = try Self.document(Self.classifierSpec)
        let tree = try JSONSerialization.jsonObject(with: data)
        let profilePaths = Self.paths(tree).filter { $0.first == AnyHashable("profile") && ($0.last?.base as? String) == "count" }
        let first = try #require(profilePaths.first)
        var edited = Self.replacing(tree, at: first[...]) { _ in 1 << 62 } as Any
        edited = Self.replacing(edited, at: (first.dropLast() + ["missing"])[...]) { _ in 1 << 62 } as Any
        #expect(throws: LifecycleError.self) { try ModelDocument.decode(try JSONSerialization.data(withJSONObject: edited)) }
        let negative = Self.replacing(tree, at: first[...]) { _ in -5 } as Any
        #expect(throws: LifecycleError.self) { try ModelDocument.decode(try JSONSerialization.data(withJSONObject: negative)) }
    }

    @Test func malformedFiles() throws {
        let (data, _) = try Self.document(Self.classifierSpec)
        let text = String(decoding: data, as: UTF8.self)
        var cases: [(String, Data)] = [
            ("empty", Data()),
            ("one byte", Data([0x7B])),
            ("one NUL", Data([0])),
            ("truncated", Data(data.prefix(data.count / 3))),
            ("truncated by one", Data(data.dropLast())),
            ("not UTF-8", Data([0xFF, 0xFE, 0x7B, 0x7D])),
            ("array", Data("[]".utf8)),
            ("null", Data("null".utf8)),
            ("wrong types", Data(#"{"format": 1, "formatVersion": "1"}"#.utf8)),
            ("version 999", Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 999").utf8)),
            ("version -1", Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : -1").utf8)),
            ("version 1e999", Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 1e999").utf8)),
            ("version 2^70", Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 1180591620717411303424").utf8)),
            ("NaN", Data(text.replacingOccurrences(of: "\"intercepts\" : [\n", with: "\"intercepts\" : [\nNaN,\n").utf8)),
            ("Infinity", Data(text.replacingOccurrences(of: "\"intercepts\" : [\n", with: "\"intercepts\" : [\nInfinity,\n").utf8)),
            ("1e999", Data(text.replacingOccurrences(of: "\"intercepts\" : [\n", with: "\"intercepts\" : [\n1e999,\n").utf8)),
            ("wrong hash", Data(text.replacingOccurrences(of: "\"contentHash\" : \"sha256:", with: "\"contentHash\" : \"sha256:0").utf8)),
            ("unknown field", Data(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 1, \"surprise\": {\"a\": [1, 2]}").utf8)),
        ]
        // Deep nesting (stack depth) where an object is expected, and at the top.
        let depth = 100_000
        cases.append(("deep array", Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)))
        cases.append(("deep object", Data((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8)))
        cases.append(("deep in spec", Data(text.replacingOccurrences(
            of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 1, \"x\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)))
        // A claimed huge array: a long run of numbers where a short list is expected.
        cases.append(("huge array", Data(text.replacingOccurrences(
            of: "\"intercepts\" : [\n", with: "\"intercepts\" : [\n" + String(repeating: "0,", count: 200_000)).utf8)))
        for (name, bytes) in cases {
            do {
                _ = try ModelDocument.decode(bytes)
                if name != "unknown field" { Issue.record("\(name): accepted") }
            } catch is LifecycleError {
            } catch {
                Issue.record("\(name): \(type(of: error)) \(error)")
            }
        }
    }

    /// Training on data whose fitted state cannot be written (a variance that overflows Double, as
    /// scikit-learn's `var_` would) or whose metrics overflow is a typed error, not an EncodingError.
    @Test func trainingOnExtremeValues() throws {
        let big: [Double] = (0..<20).map { (k: Int) -> Double in
            let sign: Double = k % 2 == 0 ? 1 : -1
            return sign * 1e300 * Double(k + 1) / 20
        }
        let table = try Table([.numeric("a", big), .numeric("b", (0..<20).map { Double($0) }),
                               .numeric("y", (0..<20).map { (k: Int) -> Double in k % 2 == 0 ? 1e300 : -1e300 }),
                               .numeric("c", (0..<20).map { Double($0 % 2) })])
        let specs = [
            #"{"target": "c", "features": {"columns": [{"name": "n", "select": ["a", "b"], "steps": [{"type": "StandardScaler"}]}]}, "model": {"type": "LogisticRegression"}}"#,
            #"{"target": "y", "features": {"columns": [{"name": "n", "select": ["b"], "steps": []}]}, "model": {"type": "LinearRegression"}}"#,
            #"{"target": "y", "features": {"columns": [{"name": "n", "select": ["a"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "c", "features": {"columns": [{"name": "n", "select": ["a"], "steps": [{"type": "PolynomialFeatures", "degree": 3}]}]}, "model": {"type": "LogisticRegression"}}"#,
        ]
        for spec in specs {
            do {
                let document = try Trainer.train(try TrainingSpec.read(json: Data(spec.utf8)), on: table)
                let loaded = try ModelDocument.decode(try document.encoded())
                _ = try loaded.predict(table)
            } catch is LifecycleError, is FeatureError, is ModelError {
            } catch {
                Issue.record("\(spec): \(type(of: error)) \(error)")
            }
        }
    }

    @Test func trainingSpecEdgeCases() throws {
        let table = try Self.table()
        let cases = [
            // No column selected.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": [], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": []}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": {"kind": "numeric", "exclude": ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm", "flat"]}, "steps": []}]}, "model": {"type": "Ridge"}}"#,
            // The target as a feature, a missing target, a categorical regression target.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["target"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "nope", "features": {"columns": [{"name": "n", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "size", "features": {"columns": [{"name": "n", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            // Weight column: missing, categorical, the target itself.
            #"{"target": "target", "sample_weight": "nope", "features": {"columns": [{"name": "n", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "sample_weight": "size", "features": {"columns": [{"name": "n", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "sample_weight": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            // Group names: duplicate, with "__", empty.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["flat"], "steps": []}, {"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "a__b", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "", "select": ["flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            // An encoder after a numeric step; a numeric step on a categorical column.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "StandardScaler"}, {"type": "OneHotEncoder"}]}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "StandardScaler"}]}]}, "model": {"type": "Ridge"}}"#,
            // The same column twice in one select.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["flat", "flat"], "steps": []}]}, "model": {"type": "Ridge"}}"#,
            // Model parameters at their limits.
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression", "C": 0}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression", "max_iter": 0}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression", "max_iter": 1e300}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression", "tol": -1}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression", "class_weight": [[1e300, 2], [0, -1]]}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "Ridge", "alpha": -1}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LinearRegression", "rank_cutoff": -1}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "TargetEncoder", "cv": 1000}]}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "OneHotEncoder", "min_frequency": 1000}]}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "FeatureHasher", "n_features": 0}]}]}, "model": {"type": "Ridge"}}"#,
            #"{"target": "target", "features": {"columns": [{"name": "n", "select": ["size"], "steps": [{"type": "FeatureHasher", "n_features": 9000000000000000}]}]}, "model": {"type": "Ridge"}}"#,
        ]
        for json in cases {
            do {
                let document = try Trainer.train(try TrainingSpec.read(json: Data(json.utf8)), on: table)
                let loaded = try ModelDocument.decode(try document.encoded())
                if let problem = Self.loadAndPredict(try loaded.encoded(), table: table) { Issue.record("\(json): \(problem)") }
            } catch is LifecycleError, is FeatureError, is ModelError, is TableError, is DecodingError {
            } catch {
                Issue.record("\(json): \(type(of: error)) \(error)")
            }
        }
    }
}

/// A `DataProfile` saved with `JSONEncoder` and edited, then decoded on its own (not inside a model
/// file): refused at decoding, so `DriftReport` never computes a PSI over mismatched bins.
@Suite struct AdversarialProfileDecodingTests {
    @Test(arguments: [
        (#""edges":\[[^\]]*\]"#, #""edges":[3, 1]"#),
        (#""fractions":\[[^\]]*\]"#, #""fractions":[0.5]"#),
        (#""count":\d+"#, #""count":-4"#),
        (#""names":\[[^\]]*\]"#, #""names":[]"#),
    ])
    func editedProfileIsRefused(pattern: String, replacement: String) throws {
        let table = try Table([.numeric("a", (0..<50).map { Double($0 % 7) }), try .categorical("b", (0..<50).map { $0 % 3 == 0 ? "p" : "q" })])
        var json = String(decoding: try JSONEncoder().encode(try DataProfile(table)), as: UTF8.self)
        let range = try #require(json.range(of: pattern, options: .regularExpression), "\(json)")
        json.replaceSubrange(range, with: replacement)
        // Before: decoded, and DriftReport zipped 2 edges' 3 bins with 11 fractions (a silently wrong PSI).
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DataProfile.self, from: Data(json.utf8)) }
    }
}

/// `predict(_:firstRow:)` on a block of a larger input whose numeric column holds a stray value:
/// the row is that of the whole input.
@Suite struct AdversarialStrayValueRowTests {
    @Test func strayValueRowIsShiftedByFirstRow() throws {
        let spec = #"{"target": "y", "features": {"columns": [{"name": "n", "select": ["a", "b"], "steps": []}]}, "model": {"type": "Ridge"}}"#
        let table = try Table([.numeric("a", [1, 2, 3, 4]), .numeric("b", [2, 1, 5, 4]), .numeric("y", [3, 4, 1, 2])])
        let document = try Trainer.train(try TrainingSpec.read(json: Data(spec.utf8)), on: table)
        let block = try Table([.numeric("a", [1, 2]), try .categorical("b", ["3", "x"])])
        #expect(throws: TableError.notNumeric(column: "b", row: 1001, value: "x")) { try document.predict(block, firstRow: 1000) }
    }
}

/// A classifier trained on a continuous numeric target: refused naming the first non-integer row,
/// as scikit-learn's `LogisticRegression.fit` ("Unknown label type: continuous"). Before, iris's
/// petal width trained silently as a 22-class classifier.
@Suite struct AdversarialContinuousTargetTests {
    @Test func continuousTargetIsRefusedForAClassifier() throws {
        let spec = #"{"target": "petal_width_cm", "features": {"columns": [{"name": "n", "select": ["sepal_length_cm"], "steps": []}]}, "model": {"type": "LogisticRegression"}}"#
        let table = try dataTable("iris")
        #expect(throws: LifecycleError.invalidTarget(column: "petal_width_cm", row: 0, reason: "value 0.2 is not an integer class label: the target is continuous (a regression target?); use a regression model, or a categorical or integer column")) {
            try Trainer.train(try TrainingSpec.read(json: Data(spec.utf8)), on: table)
        }
        // Integral numeric targets (stored as Double) still train.
        let integral = spec.replacingOccurrences(of: "petal_width_cm", with: "target")
        #expect(try Trainer.train(try TrainingSpec.read(json: Data(integral.utf8)), on: table).target.classes?.count == 3)
    }
}

/// Drift thresholds that cannot classify anything (NaN, negative, moderate above significant):
/// refused naming the parameter. Before, NaN and -1 marked an unchanged column "significant".
@Suite struct AdversarialDriftThresholdTests {
    @Test(arguments: [(Double.nan, 0.25), (0.1, -1), (0.5, 0.1), (0.1, .infinity)])
    func badThresholdsAreRefused(moderate: Double, significant: Double) throws {
        let table = try Table([.numeric("a", (0..<20).map { Double($0) })])
        let profile = try DataProfile(table)
        #expect(throws: LifecycleError.self) { try DriftReport(profile: profile, table: table, moderate: moderate, significant: significant) }
        #expect(try DriftReport(profile: profile, table: table).level == .stable)
    }
}
