import LinearAlgebra

/// How a benchmark run is sized and threaded.
public struct BenchConfiguration: Sendable {
    /// Smaller inputs and fewer repeats: a CI smoke run that still prints every figure.
    public var quick: Bool
    /// Threads for parallel workloads and for OpenBLAS (default: all cores).
    public var threads: Int
    /// Timed repeats per workload; nil = the workload's default (fewer when quick).
    public var repeats: Int?
    /// Workload name filters (substring match, case-insensitive); empty = everything.
    public var only: [String]

    public init(quick: Bool = false, threads: Int, repeats: Int? = nil, only: [String] = []) throws {
        guard threads >= 1 else { throw BenchError.invalidThreads(threads) }
        if let repeats, repeats < 1 { throw BenchError.invalidRepeats(repeats) }
        self.quick = quick
        self.threads = threads
        self.repeats = repeats
        self.only = only
    }

    /// True when `name` passes the `only` filters.
    public func selects(_ name: String) -> Bool {
        only.isEmpty || only.contains { name.lowercased().contains($0.lowercased()) }
    }
}

/// A group of related workloads ("memory", "blas", later "transforms", ...).
public protocol BenchSuite {
    /// The group name, used by `--only`.
    var group: String { get }
    /// Names of the workloads this suite runs, for `--only` and listings.
    var workloadNames: [String] { get }
    /// Runs the selected workloads. `results` holds the records of earlier suites (the machine
    /// limits), so a workload can compute its `limit_ratio`.
    func run(_ configuration: BenchConfiguration, results: [BenchRecord],
             progress: (String) -> Void) throws -> [BenchRecord]
}

/// Runs suites in order (machine limits first) and collects their records.
public struct BenchRunner {
    public var suites: [any BenchSuite]

    public init(suites: [any BenchSuite] = BenchRunner.defaultSuites) {
        self.suites = suites
    }

    /// Every suite FeatureKit ships, limits first.
    public static var defaultSuites: [any BenchSuite] { [MemoryBandwidthSuite(), BLASThroughputSuite()] }

    /// All workload names, for help and error messages.
    public var workloadNames: [String] { suites.flatMap(\.workloadNames) }

    /// Runs every selected workload.
    /// - Throws: `BenchError.unknownWorkload` when `only` matches nothing; any workload's error.
    public func run(_ configuration: BenchConfiguration, progress: (String) -> Void = { _ in }) throws -> [BenchRecord] {
        let selected = workloadNames.filter(configuration.selects)
        if selected.isEmpty {
            throw BenchError.unknownWorkload(configuration.only.joined(separator: ","), available: suites.map(\.group))
        }
        try BLASRuntime.setThreadCount(configuration.threads)
        var results: [BenchRecord] = []
        for suite in suites where suite.workloadNames.contains(where: configuration.selects) {
            results += try suite.run(configuration, results: results, progress: progress)
        }
        return results
    }
}

extension Array where Element == BenchRecord {
    /// The record named `name`, if this run measured it.
    public func record(named name: String) -> BenchRecord? { first { $0.name == name } }
}
