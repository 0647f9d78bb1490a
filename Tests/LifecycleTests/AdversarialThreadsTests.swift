import Foundation
import LinearAlgebra
import Models
import Statistics
import Tabular
import Testing
@testable import Features
@testable import Lifecycle

/// Thread counts a caller may pass by mistake (0, negative, absurdly large): each entry point either
/// treats them as a valid count or throws a typed error; never a trap, never a different answer.
@Suite struct AdversarialThreadsTests {
    @Test(arguments: [0, -1, Int.min, 10_000])
    func oddThreadCounts(threads: Int) throws {
        let table = try dataTable("iris")
        let spec = try TrainingSpec.read(json: Data(AdversarialModelFileTests.regressionSpec.replacingOccurrences(of: "TargetEncoder", with: "OrdinalEncoder").utf8))
        let withSize = try table.with(try .categorical("size", (try table.numeric("petal_length_cm")).map { $0 < 3 ? "small" : "large" }))
        do {
            let document = try Trainer.train(spec, on: withSize, threads: threads)
            let reference = try Trainer.train(spec, on: withSize, threads: 1)
            #expect(document.contentHash == reference.contentHash)
            _ = try document.predict(withSize, threads: threads)
        } catch is FeatureError, is ModelError, is LifecycleError, is StatisticsError {
        } catch {
            Issue.record("threads \(threads): \(type(of: error)) \(error)")
        }
        let x = try table.numericMatrix(columns: ["sepal_length_cm", "sepal_width_cm"])
        let y = try table.numeric("target").map { Int($0) }
        do { _ = try LogisticRegression().fit(x, y, threads: threads) } catch is ModelError {} catch { Issue.record("logistic \(threads): \(error)") }
        do { _ = try LinearRegression().fit(x: x, y: y.map(Double.init), threads: threads) } catch is ModelError {} catch { Issue.record("linear \(threads): \(error)") }
    }
}
