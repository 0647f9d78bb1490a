import Foundation

/// Renders records as the text table `featurekit bench` prints and as the JSON array of `--json`.
public enum BenchReport {
    /// A fixed-width table, one record per line.
    public static func table(_ records: [BenchRecord]) -> String {
        let headers = ["workload", "rows", "cols", "median s", "min s", "max s", "n", "rows/s", "GB/s",
                       "GFLOP/s", "vs limit", "peer s", "speedup"]
        let rows: [[String]] = records.map { r in
            [r.name, r.rows.map(String.init) ?? "-", r.cols.map(String.init) ?? "-",
             seconds(r.secondsMedian), seconds(r.secondsMin), seconds(r.secondsMax), String(r.repeats),
             r.rowsPerSecond.map { scaled($0) } ?? "-",
             r.bytesPerSecond.map { String(format: "%.2f", $0 / 1e9) } ?? "-",
             r.gflops.map { String(format: "%.1f", $0) } ?? "-",
             r.limitRatio.map { String(format: "%.2f", $0) } ?? "-",
             r.peerSecondsMedian.map(seconds) ?? "-",
             r.speedupVsPeer.map { String(format: "%.2fx", $0) } ?? "-"]
        }
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var out = [line(headers), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        let limits = records.compactMap { r in r.limitName.map { "\(r.name) vs \($0)" } }
        if !limits.isEmpty { out.append("vs limit: " + limits.joined(separator: "; ")) }
        return out.joined(separator: "\n")
    }

    /// The records as a pretty-printed JSON array (every field present, `null` where it does not apply).
    public static func json(_ records: [BenchRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(records), as: UTF8.self)
    }

    static func seconds(_ value: Double) -> String {
        value >= 1 ? String(format: "%.3f", value) : value >= 1e-3 ? String(format: "%.4f", value) : String(format: "%.2e", value)
    }

    static func scaled(_ value: Double) -> String {
        value >= 1e9 ? String(format: "%.2fG", value / 1e9) : value >= 1e6 ? String(format: "%.1fM", value / 1e6)
            : String(format: "%.0f", value)
    }
}
