import LinearAlgebra
import Tabular
import Testing
@testable import Lifecycle

@Suite struct DriftTests {
    static func table(rows: Int, seed: UInt64, shift: Double = 0, missingEvery: Int = 0, colours: [String] = ["red", "green", "blue"]) throws -> Table {
        var generator = SeededGenerator(seed: seed)
        var x = (0..<rows).map { _ in Double.random(in: 0..<1, using: &generator) + Double.random(in: 0..<1, using: &generator) + shift }
        if missingEvery > 0 { for i in stride(from: 0, to: rows, by: missingEvery) { x[i] = .nan } }
        let c = (0..<rows).map { _ in colours[Int.random(in: 0..<colours.count, using: &generator)] }
        return try Table([.numeric("x", x), try .categorical("c", c)])
    }

    @Test func profileSummarisesTheTrainingData() throws {
        let profile = try DataProfile(try Self.table(rows: 10_000, seed: 1, missingEvery: 10))
        guard case let .numeric(x) = profile.columns[0], case let .categorical(c) = profile.columns[1] else {
            Issue.record("kinds"); return
        }
        #expect(x.count == 9_000 && x.missing == 1_000)
        #expect(abs(x.mean - 1) < 0.02)                 // sum of two uniforms: mean 1, sd sqrt(1/6)
        #expect(abs(x.standardDeviation - (1.0 / 6).squareRoot()) < 0.01)
        #expect(x.edges.count == 9 && x.fractions.count == 10)
        #expect(x.fractions.allSatisfy { abs($0 - 0.1) < 0.002 })  // decile bins: 10 % each (ties aside)
        #expect(Set(c.levels) == ["red", "green", "blue"] && abs(c.fractions.reduce(0, +) - 1) < 1e-12)
    }

    @Test func sameDistributionIsStableShiftedIsNot() throws {
        let profile = try DataProfile(try Self.table(rows: 20_000, seed: 1))
        let same = try DriftReport(profile: profile, table: try Self.table(rows: 20_000, seed: 2))
        #expect(same.level == .stable, "\(same.columns)")
        #expect(same.columns.allSatisfy { ($0.psi ?? 1) < 0.01 })
        let shifted = try DriftReport(profile: profile, table: try Self.table(rows: 20_000, seed: 3, shift: 0.5))
        #expect(shifted.columns[0].level == .significant)
        #expect(abs((shifted.columns[0].meanShift ?? 0) - 0.5 / (1.0 / 6).squareRoot()) < 0.05)
        #expect(shifted.columns[1].level == .stable)
        let newColours = try DriftReport(profile: profile, table: try Self.table(rows: 20_000, seed: 4, colours: ["red", "purple"]))
        #expect(newColours.columns[1].level == .significant)
        let emptier = try DriftReport(profile: profile, table: try Self.table(rows: 20_000, seed: 5, missingEvery: 4))
        #expect(emptier.columns[0].level == .significant && emptier.columns[0].note?.contains("missing rate") == true)
    }

    @Test func schemaChangesAreSignificant() throws {
        let profile = try DataProfile(try Self.table(rows: 1_000, seed: 1))
        let renamed = try Table([.numeric("x", [1, 2]), .numeric("c", [3, 4]), .numeric("z", [5, 6])])
        let report = try DriftReport(profile: profile, table: renamed)
        #expect(report.columns[1].note == "column changed kind (numeric vs categorical)")
        #expect(report.extraColumns == ["z"])
        let missing = try DriftReport(profile: profile, table: try Table([.numeric("x", [1])]))
        #expect(missing.columns[1].note == "column is missing" && missing.level == .significant)
        #expect(missing.columns.map(\.status) == [.compared, .missing] && missing.missingColumns == ["c"])
        #expect(report.columns.map(\.status) == [.compared, .changedKind] && report.changedKindColumns == ["c"])
        #expect(report.missingColumns.isEmpty && missing.changedKindColumns.isEmpty)
        #expect(throws: LifecycleError.emptyTable(what: "drift")) { try DriftReport(profile: profile, table: try Table([.numeric("x", [])])) }
    }

    /// A column the new data lack is reported with its training missing rate (it was 0 whatever
    /// the training data held), the other columns measured as usual.
    @Test func missingColumnKeepsItsTrainingFacts() throws {
        let profile = try DataProfile(try Self.table(rows: 1_000, seed: 1, missingEvery: 10))
        let full = try Self.table(rows: 1_000, seed: 2, missingEvery: 10)
        let report = try DriftReport(profile: profile, table: try full.selecting(["c"]))
        #expect(report.columns.map(\.name) == ["x", "c"])
        #expect(report.columns[0].status == .missing && report.columns[0].psi == nil && report.columns[0].missingRate == nil)
        #expect(report.columns[0].trainingMissingRate == 0.1)
        #expect(report.columns[1].status == .compared && report.columns[1].psi != nil)
    }

    @Test func extremeAndDegenerateColumnsStayFinite() throws {
        let table = try Table([.numeric("big", [1e300, -1e300, 5e299, .nan]), .numeric("empty", [.nan, .nan, .nan, .nan]),
                               .numeric("constant", [2, 2, 2, 2])])
        let profile = try DataProfile(table)
        guard case let .numeric(big) = profile.columns[0], case let .numeric(constant) = profile.columns[2] else { return }
        #expect(big.mean.isFinite && big.standardDeviation.isFinite && big.standardDeviation > 0)
        #expect(constant.standardDeviation == 0 && constant.edges.isEmpty && constant.fractions == [1])
        let report = try DriftReport(profile: profile, table: table)
        #expect(report.columns.allSatisfy { $0.psi.map(\.isFinite) ?? true })
        #expect(throws: LifecycleError.self) { try DataProfile(table, bins: 1) }
    }
}
