import Foundation
import Tabular

/// How far new data has moved from the training data, column by column.
///
/// The measure is the population stability index over the profile's bins (numeric: the training
/// quantile bins; categorical: the training levels plus one bin for the rest and unseen levels):
/// `PSI = sum_k (q_k - p_k) ln(q_k / p_k)`, with p the training and q the new fractions, each floored
/// at 1e-4 so an empty bin does not make it infinite. A numeric column with a single training bin
/// (constant in training) is binned as below, inside and above the training range instead
/// (training fractions 0, 1, 0), so a constant that changes is drift. Rule of thumb (credit-scoring practice):
/// < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 significant shift. The missing-value rate is
/// compared separately, so a column that starts arriving empty is flagged even if the rest is stable.
/// A training column absent from the new data, or of the other kind, is reported as such
/// (`ColumnDrift.status`, `missingColumns`, `changedKindColumns`) next to the other columns' drift.
public struct DriftReport: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Hashable, Codable, Comparable {
        case stable, moderate, significant
        public static func < (lhs: Level, rhs: Level) -> Bool {
            let order: [Level] = [.stable, .moderate, .significant]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)! // invariant: every case is in order
        }
    }

    public struct ColumnDrift: Sendable, Hashable, Codable {
        /// Whether the column could be compared at all. A missing column, or one of another kind,
        /// is a finding of its own (the model cannot score such data), not a drift level; its
        /// `level` is `.significant` so that a threshold on levels catches it too.
        public enum Status: String, Sendable, Hashable, Codable {
            /// In the new data, of the training kind: `psi` and the rates are measured.
            case compared
            /// Absent from the new data.
            case missing
            /// Numeric in training and categorical now, or the reverse.
            case changedKind = "changed_kind"
        }

        public let name: String
        public let status: Status
        /// The population stability index (nil when the column is missing or changed kind).
        public let psi: Double?
        public let trainingMissingRate: Double
        public let missingRate: Double?
        /// For numeric columns: (new mean - training mean) / training standard deviation.
        public let meanShift: Double?
        public let level: Level
        /// What is wrong, in words, when the level is not stable.
        public let note: String?
    }

    public let rowCount: Int
    public let columns: [ColumnDrift]
    /// Columns of the new table that the training data did not have (ignored by the model).
    public let extraColumns: [String]

    /// The worst level over all columns.
    public var level: Level { columns.map(\.level).max() ?? .stable }

    /// Training columns absent from the new data, in profile order.
    public var missingColumns: [String] { columns.filter { $0.status == .missing }.map(\.name) }

    /// Training columns present in the new data with the other kind (numeric vs categorical).
    public var changedKindColumns: [String] { columns.filter { $0.status == .changedKind }.map(\.name) }

    static let floor = 1e-4

    /// Compares `table` with `profile`.
    /// - Throws: `LifecycleError.emptyTable`; `.invalidParameter` for a threshold that is not
    ///   finite and >= 0, or `moderate > significant` (every column would be misclassified).
    public init(profile: DataProfile, table: Table, moderate: Double = 0.1, significant: Double = 0.25) throws {
        for (name, value) in [("moderate", moderate), ("significant", significant)] where !(value.isFinite && value >= 0) {
            throw LifecycleError.invalidParameter(parameter: name, reason: "a PSI threshold must be finite and >= 0, got \(value)")
        }
        guard moderate <= significant else {
            throw LifecycleError.invalidParameter(parameter: "moderate", reason: "\(moderate) exceeds significant \(significant)")
        }
        guard table.rowCount > 0 else { throw LifecycleError.emptyTable(what: "drift") }
        rowCount = table.rowCount
        extraColumns = table.names.filter { !profile.names.contains($0) }
        func level(_ psi: Double) -> Level { psi > significant ? .significant : psi >= moderate ? .moderate : .stable }
        var out: [ColumnDrift] = []
        for (name, column) in zip(profile.names, profile.columns) {
            switch (column, table[name]?.values) {
            case let (.numeric(p), .numeric(values)?):
                let trainingMissing = Self.trainingMissingRate(column)
                let present = values.filter { !$0.isNaN }
                let missingRate = Double(values.count - present.count) / Double(values.count)
                var psi = 0.0, meanShift: Double?
                if !present.isEmpty, !p.fractions.isEmpty {
                    if p.edges.isEmpty {
                        // One bin (a column constant in training, or whose quantiles all equal its
                        // maximum) would hold every new value, PSI 0 whatever arrives: compare the
                        // fractions below, inside and above the training range instead.
                        let below = present.filter { $0 < p.min }.count, above = present.filter { $0 > p.max }.count
                        let inside = present.count - below - above
                        psi = Self.psi(training: [0, 1, 0], new: [below, inside, above].map { Double($0) / Double(present.count) })
                    } else {
                        let counts = DataProfile.binCounts(present, edges: p.edges)
                        psi = Self.psi(training: p.fractions, new: counts.map { Double($0) / Double(present.count) })
                    }
                    let mean = present.reduce(0) { $0 + $1 / Double(present.count) }
                    meanShift = p.standardDeviation > 0 ? (mean - p.mean) / p.standardDeviation : nil
                }
                out.append(Self.column(name, psi: psi, trainingMissing: trainingMissing, missing: missingRate,
                                       meanShift: meanShift, level: level))
            case let (.categorical(p), .categorical(values)?):
                let trainingMissing = Self.trainingMissingRate(column)
                var counts = [Int](repeating: 0, count: p.levels.count + 1)
                var index: [ExactString: Int] = [:]
                for (k, levelName) in p.levels.enumerated() { index[ExactString(levelName)] = k }
                let map = values.levels.map { index[ExactString($0)] ?? p.levels.count }
                var missing = 0
                for code in values.codes {
                    if code == CategoricalValues.missing { missing += 1 } else { counts[map[Int(code)]] += 1 }
                }
                let present = values.codes.count - missing
                let psi = present == 0 ? 0 : Self.psi(training: p.fractions + [p.otherFraction],
                                                      new: counts.map { Double($0) / Double(present) })
                out.append(Self.column(name, psi: psi, trainingMissing: trainingMissing,
                                       missing: Double(missing) / Double(values.codes.count), meanShift: nil, level: level))
            case (_, nil):
                out.append(ColumnDrift(name: name, status: .missing, psi: nil, trainingMissingRate: Self.trainingMissingRate(column),
                                       missingRate: nil, meanShift: nil, level: .significant, note: "column is missing"))
            default:
                out.append(ColumnDrift(name: name, status: .changedKind, psi: nil, trainingMissingRate: Self.trainingMissingRate(column),
                                       missingRate: nil, meanShift: nil, level: .significant,
                                       note: "column changed kind (numeric vs categorical)"))
            }
        }
        columns = out
    }

    /// The fraction of training rows where the column was missing (0 for a profile of no rows).
    static func trainingMissingRate(_ column: DataProfile.ColumnProfile) -> Double {
        let (missing, count): (Int, Int)
        switch column {
        case let .numeric(p): (missing, count) = (p.missing, p.count)
        case let .categorical(p): (missing, count) = (p.missing, p.count)
        }
        return count + missing > 0 ? Double(missing) / Double(count + missing) : 0
    }

    static func psi(training: [Double], new: [Double]) -> Double {
        zip(training, new).reduce(0) { sum, pair in
            let p = Swift.max(pair.0, floor), q = Swift.max(pair.1, floor)
            return sum + (q - p) * log(q / p)
        }
    }

    static func column(_ name: String, psi: Double, trainingMissing: Double, missing: Double, meanShift: Double?,
                       level: (Double) -> Level) -> ColumnDrift {
        var result = level(psi)
        var notes: [String] = []
        if result != .stable { notes.append(String(format: "distribution shifted (PSI %.3f)", psi)) }
        // Missing rate: more than 10 points above training is significant, 2 points moderate.
        let missingDelta = missing - trainingMissing
        if missingDelta > 0.10 {
            result = .significant
            notes.append(String(format: "missing rate %.1f%% vs %.1f%% in training", 100 * missing, 100 * trainingMissing))
        } else if missingDelta > 0.02 {
            result = Swift.max(result, .moderate)
            notes.append(String(format: "missing rate %.1f%% vs %.1f%% in training", 100 * missing, 100 * trainingMissing))
        }
        return ColumnDrift(name: name, status: .compared, psi: psi, trainingMissingRate: trainingMissing, missingRate: missing,
                           meanShift: meanShift, level: result, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }
}
