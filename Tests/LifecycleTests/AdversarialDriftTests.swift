import Foundation
import Tabular
import Testing
@testable import Lifecycle

/// Drift checks that must not be blind: degenerate training columns against production data.
@Suite struct AdversarialDriftTests {
    /// A column constant in training (a flag that was always 2, a default value) gets one bin, so
    /// every production value fell into it and the PSI was 0 whatever arrived: all rows 1000 was
    /// "stable" (and the mean shift nil, the training deviation being 0). Values outside the
    /// training range now count as a bin of their own.
    @Test func aConstantTrainingColumnThatChangesIsDrift() throws {
        let rows = 1_000
        let training = try Table([.numeric("flag", [Double](repeating: 2, count: rows)),
                                  .numeric("mostly", (0..<rows).map { $0 < 5 ? 0 : 1 })])
        let profile = try DataProfile(training)
        func level(_ flag: [Double], _ mostly: [Double]? = nil) throws -> (DriftReport.Level, DriftReport.Level) {
            let report = try DriftReport(profile: profile, table: try Table([.numeric("flag", flag), .numeric("mostly", mostly ?? flag.map { _ in 1 })]))
            return (report.columns[0].level, report.columns[1].level)
        }
        #expect(try level([Double](repeating: 2, count: 500)).0 == .stable)
        #expect(try level([Double](repeating: 1000, count: 500)).0 == .significant)
        #expect(try level([Double](repeating: -3, count: 500)).0 == .significant)
        #expect(try level((0..<500).map { $0 % 2 == 0 ? 2 : 7 }).0 == .significant)
        // One row in a thousand off the training value is within the PSI floor: stable.
        #expect(try level((0..<1000).map { $0 == 0 ? 7 : 2 }).0 == .stable)
        // A column whose quantile edges all equal its maximum (99.5% ones) also has a single bin.
        #expect(try level([Double](repeating: 2, count: 500), [Double](repeating: 1, count: 500)).1 == .stable)
        #expect(try level([Double](repeating: 2, count: 500), [Double](repeating: -50, count: 500)).1 == .significant)
        #expect(try level([Double](repeating: 2, count: 500), [Double](repeating: 50, count: 500)).1 == .significant)
    }
}
