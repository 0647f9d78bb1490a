import DataIO
import Foundation
import LinearAlgebra
import Tabular

/// Reading the canonical 1,000,000 x 32 features (ScalerSuite's seed) from CSV and .npy, side by side
/// with pandas.read_csv (C engine), polars.read_csv and numpy.load on the same file, plus the
/// number-parsing figures that chose fast_float over Swift's `Double(Substring)`.
///
/// The files are written into a temporary folder (removed afterwards, also on error) by FeatureKit's
/// own writers (CSV: shortest round-trip digits), and the peer reads the same path, so both sides
/// parse identical bytes. Our read is checked bit for bit against the generated matrix once.
/// Throughput is file bytes per second, against the machine's read limit (`memory.read`).
public struct IngestSuite: BenchSuite {
    public let group = "ingest"
    /// Fixed size for tests; nil = 1,000,000 x 32 (100,000 x 32 when quick).
    public let shape: (rows: Int, cols: Int)?
    /// The folder in which the run's own temporary folder is made (the system's by default; a test
    /// passes one of its own, so that it can see what was left behind without other processes'
    /// runs in the shared temporary folder).
    public let temporaryParent: String

    public init(shape: (rows: Int, cols: Int)? = nil, temporaryParent: String = NSTemporaryDirectory()) {
        self.shape = shape
        self.temporaryParent = temporaryParent
    }

    public var workloadNames: [String] { ["ingest.csv", "ingest.npy", "csv.parse"] }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let (rows, cols) = shape ?? (configuration.quick ? (100_000, 32) : (1_000_000, 32))
        let folder = temporaryParent + (temporaryParent.hasSuffix("/") ? "" : "/") + "featurekit-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        context.progress("generating \(rows)x\(cols) synthetic features")
        let x = try SyntheticData.features(seed: ScalerSuite.seed, rows: rows, columns: cols)
        let names = (0..<cols).map { "x\($0)" }
        let shapeText = "\(rows)x\(cols)"
        let limitName = MemoryBandwidthSuite.recordName(.read, threads: threads)
        let limit = context.results.record(named: limitName)?.bytesPerSecond
        var records: [BenchRecord] = []

        if configuration.selects("ingest.csv") || configuration.selects("csv.parse") {
            let csvPath = folder + "/features.csv"
            context.progress("writing \(shapeText) CSV")
            try CSVWriter().write(try Table(x, names: names), to: csvPath, threads: threads)
            let bytes = Double(try FileManager.default.attributesOfItem(atPath: csvPath)[.size] as? Int ?? 0)
            if configuration.selects("ingest.csv") {
                // Correctness once, untimed: every value bit for bit. Its CPU time (all threads) is
                // shown, as a figure that a busy shared machine does not inflate the way wall time is.
                let cpuBefore = processCPUSeconds()
                let table = try CSVReader().read(csvPath, threads: threads)
                context.progress(String(format: "CSVReader.read: %.3f CPU s (all threads) for %.0f MB", processCPUSeconds() - cpuBefore, bytes / 1e6))
                let check = try table.numericMatrix(columns: names)
                guard check.elements.map(\.bitPattern) == x.elements.map(\.bitPattern) else {
                    throw BenchError.resultCheckFailed("CSVReader.read of \(csvPath) differs from the written matrix")
                }
                for lib in ["pandas", "polars"] {
                    let name = "CSVReader.read \(shapeText) (\(Int(bytes / 1e6)) MB) (vs \(lib))"
                    context.progress(name)
                    var sink = 0
                    let (timing, peer) = try context.measure(
                        repeats: context.repeats(full: 5, quick: 3), peerWorkload: "ingest.csv",
                        peerArguments: ["path": csvPath, "lib": lib]
                    ) {
                        sink &+= try CSVReader().read(csvPath, threads: threads).rowCount
                    }
                    if sink == 0 { throw BenchError.resultCheckFailed("\(name) read no rows") }
                    let throughput = bytes / timing.median
                    records.append(BenchRecord(
                        name: name, rows: rows, cols: cols, timing: timing, rowsPerSecond: Double(rows) / timing.median,
                        bytesPerSecond: throughput, limitName: limit == nil ? nil : limitName,
                        limitRatio: limit.map { throughput / $0 }, peer: peer))
                }
            }
            if configuration.selects("csv.parse") {
                records += try parseFigures(csvPath: csvPath, context: context)
            }
        }

        if configuration.selects("ingest.npy") {
            let npyPath = folder + "/features.npy"
            try NPY.write(x, to: npyPath)
            let bytes = Double(try FileManager.default.attributesOfItem(atPath: npyPath)[.size] as? Int ?? 0)
            let check = try NPY.readDouble(npyPath)
            guard check.elements.map(\.bitPattern) == x.elements.map(\.bitPattern) else {
                throw BenchError.resultCheckFailed("NPY.readDouble of \(npyPath) differs from the written matrix")
            }
            let name = "NPY.readDouble \(shapeText)"
            context.progress(name)
            var sink = 0.0
            let (timing, peer) = try context.measure(
                repeats: context.repeats(full: 7, quick: 3), peerWorkload: "ingest.npy", peerArguments: ["path": npyPath]
            ) {
                sink += try NPY.readDouble(npyPath).element(row: rows - 1, column: cols - 1)
            }
            if sink.isNaN { throw BenchError.resultCheckFailed("\(name) produced NaN") }
            let throughput = bytes / timing.median
            records.append(BenchRecord(
                name: name, rows: rows, cols: cols, timing: timing, rowsPerSecond: Double(rows) / timing.median,
                bytesPerSecond: throughput, limitName: limit == nil ? nil : limitName,
                limitRatio: limit.map { throughput / $0 }, peer: peer))
        }
        return records
    }

    /// One thread, the first 1,000,000 numbers of the CSV file (one `Substring` each, made untimed):
    /// Swift's `Double(Substring)` against fast_float (`CSVNumberSyntax.parse`). Records give
    /// numbers per second in `rows_per_second`.
    func parseFigures(csvPath: String, context: BenchContext) throws -> [BenchRecord] {
        let text = try String(contentsOfFile: csvPath, encoding: .utf8)
        var tokens: [Substring] = []
        tokens.reserveCapacity(1_000_000)
        for line in text.split(separator: "\n").dropFirst() {
            for token in line.split(separator: ",") {
                tokens.append(token)
                if tokens.count == 1_000_000 { break }
            }
            if tokens.count == 1_000_000 { break }
        }
        var records: [BenchRecord] = []
        let parsers: [(String, (Substring) -> Double?)] = [
            ("Double(Substring)", { Double($0) }),
            ("fast_float", { CSVNumberSyntax.parse($0) }),
        ]
        var sums: [Double] = []
        for (label, parse) in parsers {
            let name = "csv.parse \(label) (\(tokens.count) numbers, 1 thread)"
            context.progress(name)
            var sum = 0.0
            let timing = try Bench.measure(repeats: context.repeats(full: 5, quick: 3)) {
                sum = 0
                for token in tokens { sum += parse(token) ?? .nan }
            }
            sums.append(sum)
            records.append(BenchRecord(name: name, rows: tokens.count, cols: 1, timing: timing,
                                       rowsPerSecond: Double(tokens.count) / timing.median))
        }
        if sums[0].bitPattern != sums[1].bitPattern {
            throw BenchError.resultCheckFailed("Double(Substring) and fast_float disagree: \(sums[0]) vs \(sums[1])")
        }
        return records
    }
}

/// User + system CPU seconds of this process so far (all threads).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}
