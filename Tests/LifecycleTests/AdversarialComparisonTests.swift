import Foundation
import Features
import Tabular
import Testing
@testable import Lifecycle

/// Champion / challenger comparisons on extreme but finite predictions.
@Suite struct AdversarialComparisonTests {
    /// A regression target in units of 1e200 (both models train and predict finite values; their
    /// metrics are computed scale-safe): the predictions differ by ~1e201, whose squares overflow, so
    /// `rms_difference` was +infinity and `featurekit compare --json` failed to encode the report.
    @Test func regressorsWhosePredictionsDifferByMoreThanTheSquareRootOfDoubleMax() throws {
        let base = try dataTable("diabetes")
        let table = try Table(base.columns.map { column in
            guard column.name == "target", case let .numeric(values) = column.values else { return column }
            return .numeric("target", values.map { $0 * 1e200 })
        })
        let champion = try ComparisonTests.train(TrainingTests.diabetesSpec, table)
        let challenger = try ComparisonTests.train(TrainingTests.diabetesSpec.replacingOccurrences(of: "\"alpha\": 0.5", with: "\"alpha\": 5"), table)
        let c = try ModelComparison(champion: champion, challenger: challenger, table: table)
        guard case let .values(a) = try champion.predict(table), case let .values(b) = try challenger.predict(table) else {
            Issue.record("kind"); return
        }
        // The same statistics on the differences in units of 1e200 (no overflow there).
        let d = zip(a, b).map { ($1 - $0) / 1e200 }
        let rms = (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot() * 1e200
        let mean = d.reduce(0, +) / Double(d.count) * 1e200
        // Summation order and the scaling differ: a few ulps over 442 rows.
        #expect(abs(try #require(c.agreement["rms_difference"]) - rms) <= 1e-13 * rms, "\(c.agreement)")
        #expect(abs(try #require(c.agreement["mean_difference"]) - mean) <= 1e-12 * rms)
        #expect(c.agreement["max_abs_difference"] == zip(a, b).map { abs($1 - $0) }.max())
        #expect(c.challengerIsBetter == false)
        _ = try SpecCoding.encoder().encode(c)
    }

    /// A difference beyond `Double.max` itself (predictions of -1e308 and 1e308): its maximum cannot
    /// be reported and is left out, as the metrics leave out what overflows, rather than given as
    /// infinity; its mean and root mean square over three rows are representable and exact.
    @Test func differencesBeyondDoubleMaxAreLeftOut() throws {
        let (agreement, rows) = ModelComparison.compareValues([-1e308, 0, 1], [1e308, 0, 1])
        #expect(agreement["max_abs_difference"] == nil)
        #expect(agreement["rms_difference"].map { abs($0 - 1e308 / 3.0.squareRoot() * 2) <= 1e293 } ?? false, "\(agreement)")
        #expect(agreement["mean_difference"].map { abs($0 - 1e308 / 3 * 2) <= 1e293 } ?? false, "\(agreement)")
        #expect(rows.first?.row == 0)
        #expect(agreement.values.allSatisfy { $0.isFinite })
    }
}
