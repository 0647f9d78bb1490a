import Foundation
import LinearAlgebra
import Models
import Tabular
import Testing
@testable import Lifecycle

@Suite struct ComparisonTests {
    static func train(_ spec: String, _ table: Table) throws -> ModelDocument {
        try Trainer.train(try TrainingSpec.read(json: Data(spec.utf8)), on: table)
    }

    static let weakIris = TrainingTests.irisSpec.replacingOccurrences(of: "\"C\": 10", with: "\"C\": 0.01")

    @Test func aModelAgainstItselfAgreesEverywhere() throws {
        let table = try dataTable("iris")
        let model = try Self.train(TrainingTests.irisSpec, table)
        let c = try ModelComparison(champion: model, challenger: model, table: table)
        #expect(c.kind == .classification && c.rows == 150)
        #expect(c.agreement["label_agreement"] == 1 && c.agreement["max_probability_difference"] == 0)
        #expect(c.largestDifferences.isEmpty)
        // The metrics on the training rows are the ones the model file recorded.
        #expect(c.championMetrics == model.training.metrics && c.challengerMetrics == model.training.metrics)
        #expect(c.challengerIsBetter == false)
    }

    @Test func aWeakerChallengerIsReportedNotBetter() throws {
        let table = try dataTable("iris")
        let champion = try Self.train(TrainingTests.irisSpec, table)
        let challenger = try Self.train(Self.weakIris, table)
        let c = try ModelComparison(champion: champion, challenger: challenger, table: table)
        let agreement = try #require(c.agreement["label_agreement"])
        #expect(agreement > 0.5 && agreement < 1)
        #expect(c.challengerIsBetter == false)
        #expect(try #require(c.challengerMetrics?["log_loss"]) > (try #require(c.championMetrics?["log_loss"])))
        // Swapped, the stronger model is the better challenger.
        #expect(try ModelComparison(champion: challenger, challenger: champion, table: table).challengerIsBetter == true)
        // The reported rows are the largest probability differences, in decreasing order, and recomputable.
        #expect(c.largestDifferences.count == ModelComparison.reportedDifferences)
        let gaps = c.largestDifferences.map { abs($0.challenger - $0.champion) }
        #expect(gaps == gaps.sorted(by: >))
        #expect(abs(gaps[0] - (try #require(c.agreement["max_probability_difference"]))) == 0)
    }

    @Test func regressionDifferencesAndNoTarget() throws {
        let table = try dataTable("diabetes")
        let champion = try Self.train(TrainingTests.diabetesSpec, table)
        let challenger = try Self.train(TrainingTests.diabetesSpec.replacingOccurrences(of: "\"alpha\": 0.5", with: "\"alpha\": 5"), table)
        let c = try ModelComparison(champion: champion, challenger: challenger, table: table)
        #expect(c.kind == .regression)
        guard case let .values(a) = try champion.predict(table), case let .values(b) = try challenger.predict(table) else {
            Issue.record("kind"); return
        }
        let largest = zip(a, b).map { abs($1 - $0) }.max() ?? 0
        #expect(c.agreement["max_abs_difference"] == largest && largest > 0)
        #expect(c.largestDifferences.first.map { abs($0.challenger - $0.champion) } == largest)
        #expect(c.challengerIsBetter == false)  // more shrinkage fits the training rows worse
        let withoutTarget = try table.selecting(table.names.filter { $0 != "target" })
        let blind = try ModelComparison(champion: champion, challenger: challenger, table: withoutTarget)
        #expect(blind.championMetrics == nil && blind.challengerIsBetter == nil)
        #expect(blind.agreement == c.agreement)
    }

    @Test func incomparableModelsAndEmptyDataAreErrors() throws {
        let iris = try dataTable("iris")
        let classifier = try Self.train(TrainingTests.irisSpec, iris)
        let regressor = try Self.train("""
            {"target": "target", "features": {"columns": [{"name": "num", "select": {"kind": "numeric"}, "steps": []}]},
             "model": {"type": "LinearRegression"}}
            """, iris)
        #expect(throws: LifecycleError.incomparableModels(reason: "the champion is a classifier, the challenger a regressor")) {
            try ModelComparison(champion: classifier, challenger: regressor, table: iris)
        }
        let empty = try iris.rows(0..<0)
        #expect(throws: LifecycleError.emptyTable(what: "compare")) {
            try ModelComparison(champion: classifier, challenger: classifier, table: empty)
        }
        let missing = try iris.selecting(iris.names.filter { $0 != "petal_width_cm" })
        #expect(throws: LifecycleError.schemaMismatch(missing: ["petal_width_cm"], wrongKind: [])) {
            try ModelComparison(champion: classifier, challenger: classifier, table: missing)
        }
    }
}
