import Foundation
import LinearAlgebra
import Models
import Tabular
import Testing
@testable import Features
@testable import Lifecycle

func dataTable(_ name: String) throws -> Table {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/\(name).csv").standardizedFileURL
    let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
    let header = lines[0].split(separator: ",").map(String.init)
    var columns = Array(repeating: [Double](), count: header.count)
    for line in lines.dropFirst() {
        for (j, token) in line.split(separator: ",").enumerated() { columns[j].append(try #require(Double(token))) }
    }
    return try Table(zip(header, columns).map { Column.numeric($0, $1) })
}

@Suite struct TrainingTests {
    static let irisSpec = """
    {"target": "target",
     "features": {"columns": [{"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "StandardScaler"}]}]},
     "model": {"type": "LogisticRegression", "C": 10, "tol": 1e-10, "max_iter": 1000}}
    """
    static let diabetesSpec = """
    {"target": "target",
     "features": {"columns": [{"name": "x", "select": {"kind": "numeric", "exclude": ["sex"]}, "steps": [{"type": "MinMaxScaler"}]}]},
     "model": {"type": "Ridge", "alpha": 0.5}}
    """

    @Test func trainsSavesLoadsAndPredictsTheSame() throws {
        let table = try dataTable("iris")
        let spec = try TrainingSpec.read(json: Data(Self.irisSpec.utf8))
        let document = try Trainer.train(spec, on: table)
        #expect(document.inputSchema.map(\.name) == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        #expect(document.target.classes == [0, 1, 2])
        #expect((document.training.metrics["accuracy"] ?? 0) > 0.95)
        guard case let .logisticRegression(model) = document.model else { Issue.record("model type"); return }
        #expect(model.diagnostics.converged)
        let loaded = try ModelDocument.decode(try document.encoded())
        #expect(loaded.contentHash == document.contentHash)
        guard case let .classes(labels, p) = try document.predict(table), case let .classes(labels2, p2) = try loaded.predict(table) else {
            Issue.record("prediction kind"); return
        }
        #expect(labels == labels2)
        #expect(p.elements.map(\.bitPattern) == p2.elements.map(\.bitPattern))
        // Retraining reproduces the model bit for bit, and so its hash.
        #expect(try Trainer.train(spec, on: table).contentHash == document.contentHash)
        #expect(try Trainer.train(spec, on: table, threads: 2).contentHash == document.contentHash)
    }

    @Test func regressionWithExcludedColumnAndMetrics() throws {
        let table = try dataTable("diabetes")
        let document = try Trainer.train(try TrainingSpec.read(json: Data(Self.diabetesSpec.utf8)), on: table)
        #expect(!document.inputSchema.map(\.name).contains("sex") && !document.inputSchema.map(\.name).contains("target"))
        let r2 = try #require(document.training.metrics["r2"])
        #expect(r2 > 0.3 && r2 < 0.6)
        guard case let .values(predictions) = try document.predict(table) else { Issue.record("kind"); return }
        #expect(predictions.count == table.rowCount && predictions.allSatisfy(\.isFinite))
        #expect(document.target.classes == nil)
    }

    @Test func specErrorsNameThePlace() {
        let cases: [(String, String)] = [
            (#"{"target": "t", "features": {"columns": [{"name": "a", "select": ["x"], "steps": []}]}, "model": {"type": "LogisticRegresion"}}"#, "unknown model type 'LogisticRegresion'"),
            (#"{"target": "t", "features": {"columns": [{"name": "a", "select": ["x"], "steps": []}]}, "model": {"type": "Ridge", "alpah": 1}}"#, "unknown parameter 'alpah' for Ridge"),
            (#"{"target": "t", "features": {"columns": [{"name": "a", "select": ["x"], "steps": []}]}, "model": {"type": "LogisticRegression", "solver": "saga"}}"#, "solver 'saga' is not supported"),
            (#"{"target": "t", "features": {"columns": [{"name": "a", "select": ["x"], "steps": []}]}, "model": {"type": "LogisticRegression", "C": 1, "alpha": 2}}"#, "give C or alpha, not both"),
            (#"{"target": "t", "featurez": {}, "model": {"type": "Ridge"}}"#, "unknown key 'featurez'"),
            (#"{"features": {"columns": [{"name": "a", "select": ["x"], "steps": []}]}, "model": {"type": "Ridge"}}"#, "missing key 'target'"),
        ]
        for (json, message) in cases {
            do {
                _ = try TrainingSpec.read(json: Data(json.utf8))
                Issue.record("accepted: \(json)")
            } catch {
                #expect(String(describing: error).contains(message), "\(error)")
            }
        }
    }

    @Test func targetProblemsNameColumnAndRow() throws {
        var target = try dataTable("diabetes").numeric("target")
        target[7] = .nan
        let table = try dataTable("diabetes").with(.numeric("target", target))
        #expect(throws: LifecycleError.invalidTarget(column: "target", row: 7, reason: "value nan is not a finite number")) {
            try Trainer.train(try TrainingSpec.read(json: Data(Self.diabetesSpec.utf8)), on: table)
        }
        let missing = #"{"target": "label", "features": {"columns": [{"name": "a", "select": ["bmi"], "steps": []}]}, "model": {"type": "Ridge"}}"#
        #expect(throws: TableError.self) { try Trainer.train(try TrainingSpec.read(json: Data(missing.utf8)), on: table) }
    }

    @Test func loadingRefusesDamagedFiles() throws {
        let document = try Trainer.train(try TrainingSpec.read(json: Data(Self.irisSpec.utf8)), on: try dataTable("iris"))
        let text = String(decoding: try document.encoded(), as: UTF8.self)
        func refusal(_ damaged: String) -> String {
            do {
                _ = try ModelDocument.decode(Data(damaged.utf8))
                return "accepted"
            } catch {
                return String(describing: error)
            }
        }
        #expect(refusal(String(text.prefix(text.count / 2))).contains("not JSON or truncated"))
        #expect(refusal(text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 2")).contains("format version 2 is not supported"))
        #expect(refusal(text.replacingOccurrences(of: "\"format\" : \"featurekit-model\"", with: "\"format\" : \"pickle\"")).contains("expected 'featurekit-model'"))
        #expect(refusal("[1, 2]").contains("not JSON or truncated") || refusal("[1, 2]").contains("format"))
        // A changed coefficient no longer matches the content hash.
        let intercept = try #require(text.range(of: "\"intercepts\" : [\n"))
        var edited = text
        edited.insert(contentsOf: "        1.5,\n", at: intercept.upperBound)
        #expect(refusal(edited).contains("does not match the fitted state") || refusal(edited).contains("coefficient shapes"))
        // A removed field is named.
        #expect(refusal(text.replacingOccurrences(of: "\"inputSchema\"", with: "\"inputSchemas\"")).contains("inputSchema"))
        // An overflowing number is not a finite coefficient.
        let overflow = text.replacingOccurrences(of: "\"intercepts\" : [\n", with: "\"intercepts\" : [\n1e999,\n")
        #expect(refusal(overflow) != "accepted")
    }

    /// A block of a larger input (as `featurekit predict` streams a file) names the rows of the
    /// whole input, and a NaN that reaches the model names the feature, not a column index.
    @Test func predictionErrorsNameTheRowOfTheWholeInputAndTheFeature() throws {
        let table = try dataTable("iris")
        let document = try Trainer.train(try TrainingSpec.read(json: Data(Self.irisSpec.utf8)), on: table)
        func replacing(_ name: String, row: Int, with value: Double) throws -> Table {
            var values = try table.numeric(name)
            values[row] = value
            return try table.with(.numeric(name, values))
        }
        let missing = try replacing("petal_length_cm", row: 7, with: .nan)
        for firstRow in [0, 1_000_000] {
            do {
                _ = try document.predict(missing, firstRow: firstRow)
                Issue.record("NaN accepted")
            } catch let LifecycleError.nonFiniteFeature(model, feature, row, value) {
                #expect(model == "LogisticRegression" && feature.contains("petal_length_cm") && row == firstRow + 7 && value.isNaN)
                #expect(LifecycleError.nonFiniteFeature(model: model, feature: feature, row: row, value: value).description.contains("SimpleImputer"))
            }
        }
        do {
            _ = try document.predict(try replacing("sepal_width_cm", row: 3, with: -.infinity), threads: 2, firstRow: 500)
            Issue.record("infinity accepted")
        } catch let FeatureError.infiniteValue(_, row, column, _) {
            #expect(row == 503 && column == "sepal_width_cm")
        }
        #expect(throws: LifecycleError.self) { try document.predict(table, firstRow: -1) }
        // Training names the feature too.
        do {
            _ = try Trainer.train(try TrainingSpec.read(json: Data(Self.irisSpec.utf8)), on: missing)
            Issue.record("NaN trained")
        } catch let LifecycleError.nonFiniteFeature(_, feature, row, _) {
            #expect(feature.contains("petal_length_cm") && row == 7)
        }
        // Saturating: a row beyond Int.max is never a wrapped negative row.
        do {
            _ = try document.predict(missing, firstRow: Int.max - 2)
        } catch let LifecycleError.nonFiniteFeature(_, _, row, _) {
            #expect(row == Int.max)
        }
    }

    @Test func predictionRefusesDataThatDoesNotFitTheSchema() throws {
        let table = try dataTable("iris")
        let document = try Trainer.train(try TrainingSpec.read(json: Data(Self.irisSpec.utf8)), on: table)
        let damaged = try table.selecting(["sepal_length_cm", "petal_length_cm", "petal_width_cm"])
            .with(try .categorical("sepal_width_cm", Array(repeating: "wide", count: table.rowCount)))
        #expect(throws: LifecycleError.schemaMismatch(missing: [], wrongKind: ["sepal_width_cm"])) { try document.predict(damaged) }
        #expect(throws: LifecycleError.schemaMismatch(missing: ["sepal_width_cm", "petal_width_cm"], wrongKind: [])) {
            try document.predict(try table.selecting(["sepal_length_cm", "petal_length_cm"]))
        }
    }
}
