#if canImport(Glibc)
import Glibc
#endif
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
    /// Runs the selected workloads. `context.results` holds the records of earlier suites (the
    /// machine limits), so a workload can compute its `limit_ratio`.
    func run(_ context: BenchContext) throws -> [BenchRecord]
}

/// A peer's timing of the same workload, measured in alternation with FeatureKit's.
public struct PeerTiming: Sendable {
    /// What the peer ran, e.g. "numpy np.matmul(a, b, out=c)".
    public let name: String
    public let timing: TimingSummary
}

/// What a suite sees while it runs: the configuration, earlier records, the peer (if any).
public final class BenchContext {
    public let configuration: BenchConfiguration
    public internal(set) var results: [BenchRecord] = []
    public let peer: PeerSession?
    public let progress: (String) -> Void
    /// Counts the alternating measurements, to tell them apart in `RunTrace` lines.
    private var traceSequence = 0

    public init(configuration: BenchConfiguration, peer: PeerSession?, progress: @escaping (String) -> Void) {
        self.configuration = configuration
        self.peer = peer
        self.progress = progress
    }

    /// Times `body` (one untimed warm-up, then `repeats` runs). With a peer attached and a
    /// `peerWorkload` given, the peer prepares the same workload on identical data and the runs
    /// alternate, ours then theirs, so a drift of the shared machine hits both alike; each timed
    /// run starts when both processes are idle (`Quiescence`: spinning BLAS workers of the side
    /// that just ran would otherwise take cores from the side that runs next) and, for up to
    /// `Quiescence.machineWait`, no other task is runnable; runs that started on a busy machine are
    /// counted on the progress line. `FEATUREKIT_BENCH_TRACE=1` prints every timed run (`RunTrace`).
    /// A workload the peer cannot run is reported on the progress line and measured without it.
    public func measure(repeats: Int, peerWorkload: String? = nil, peerArguments: [String: String] = [:],
                        _ body: () throws -> Void) throws -> (ours: TimingSummary, peer: PeerTiming?) {
        let (timings, peer) = try alternate(repeats: repeats, sides: 1, peerWorkload: peerWorkload, peerArguments: peerArguments) { _ in try body() }
        return (timings[0], peer)
    }

    /// `measure` for a workload and its same-size limit kernel together: each repeat runs both,
    /// in turn (ours then the limit on even repeats, the limit then ours on odd ones), then the
    /// peer, each run after the same idle wait. The ratio of the two medians then compares runs
    /// taken within the same second, under the same load, instead of two series measured one
    /// after the other.
    ///
    /// Why: on the shared 2-core machine of this session other processes came and went within a
    /// benchmark run, and the workload's series and its limit's series, taken ~10 s apart, met
    /// different loads: in one run (FEATUREKIT_BENCH_TRACE=1) in-place StandardScaler 1M x 32 had
    /// 25 of its 30 runs start while other tasks were runnable and its limit's series none of the
    /// kind, and the ratio came out 0.55 (medians 17.5 / 9.7 ms) although the runs that started on a quiet
    /// machine took 10.5 ms against 9.7 ms. The same repeats, waits and peer apply to both sides.
    /// With it, three runs on the same loaded machine (6-44 of 45 runs per measurement starting
    /// while other tasks were runnable) gave in-place scaler ratios of 0.91-1.10 (all 18) and
    /// predictProbability 0.76-0.77 (1M x 32) and 0.85-0.94 (100k x 256), against 0.72-1.80,
    /// 0.74-0.80 and 0.71-1.14 for the separate series of the main branch's binary in three runs.
    public func measureWithLimit(repeats: Int, peerWorkload: String? = nil, peerArguments: [String: String] = [:],
                                 _ body: () throws -> Void, limit: () throws -> Void)
        throws -> (ours: TimingSummary, limit: TimingSummary, peer: PeerTiming?) {
        let (timings, peer) = try alternate(repeats: repeats, sides: 2, peerWorkload: peerWorkload, peerArguments: peerArguments) { side in
            if side == 0 { try body() } else { try limit() }
        }
        return (timings[0], timings[1], peer)
    }

    /// The alternation behind `measure` and `measureWithLimit`: `run(side)` for `sides` sides (in
    /// rotating order), then the peer's run, per repeat, each after `Quiescence`'s wait. Without a
    /// peer, the sides run back to back after one warm-up each, as `Bench.measure` does.
    /// Runs timed here can be slower than the same runs back to back only by the load of other
    /// processes on the machine, not by the peer itself: see `Quiescence` (the 1-thread logistic fit,
    /// 0.153 s back to back against 0.175 s between peers, was preemption: same CPU time, no page
    /// faults, X still on huge pages, same clock speed).
    private func alternate(repeats: Int, sides: Int, peerWorkload: String?, peerArguments: [String: String],
                           _ run: (Int) throws -> Void) throws -> (timings: [TimingSummary], peer: PeerTiming?) {
        guard repeats >= 1 else { throw BenchError.invalidRepeats(repeats) }
        func alone() throws -> [TimingSummary] {
            for side in 0..<sides { try run(side) }  // warm-ups
            var samples = [[Double]](repeating: [], count: sides)
            for r in 0..<repeats {
                for k in 0..<sides {
                    let side = (k + r) % sides
                    let start = monotonicSeconds()
                    try run(side)
                    samples[side].append(monotonicSeconds() - start)
                }
            }
            return try samples.map { try TimingSummary(samples: $0) }
        }
        guard let peer, let peerWorkload else { return (try alone(), nil) }
        let description: String
        do {
            description = try peer.prepare(peerWorkload, arguments: peerArguments)
        } catch {
            progress("peer skipped for \(peerWorkload): \(error)")
            return (try alone(), nil)
        }
        for side in 0..<sides { try run(side) }  // our warm-ups; the peer warmed up in prepare
        let quiet = Quiescence(others: [peer.processIdentifier])
        var samples = [[Double]](repeating: [], count: sides), theirs: [Double] = [], waited = 0.0, busyStarts = 0
        traceSequence += 1
        let label = "m\(traceSequence):" + peerWorkload + (peerArguments.isEmpty ? "" : "[" + peerArguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "]")
        if RunTrace.enabled { RunTrace.emit("trace-memory \(label) \(RunTrace.memoryLine())\n") }
        for r in 0..<repeats {
            for k in 0..<sides {
                let side = (k + r) % sides
                let (w, machineQuiet) = quiet.waitReporting()
                waited += w
                if !machineQuiet { busyStarts += 1 }
                let runnable = RunTrace.enabled ? (Quiescence.runnableTasks() ?? -1) : 0
                let counters = RunTrace.enabled ? RunTrace.counters() : (switches: 0, faults: 0)
                let thread = RunTrace.enabled ? RunTrace.threadCPUSeconds() : 0
                let start = monotonicSeconds()
                try run(side)
                let end = monotonicSeconds()
                samples[side].append(end - start)
                if RunTrace.enabled {
                    let after = RunTrace.counters()
                    RunTrace.log(label, side == 0 ? "ours" : "limit", start: start, end: end, waited: w, runnable: runnable,
                                 nivcsw: after.switches - counters.switches, minflt: after.faults - counters.faults,
                                 cpu: RunTrace.threadCPUSeconds() - thread)
                }
            }
            let (w, machineQuiet) = quiet.waitReporting()
            waited += w
            if !machineQuiet { busyStarts += 1 }
            let runnable = RunTrace.enabled ? (Quiescence.runnableTasks() ?? -1) : 0
            let sent = monotonicSeconds()
            theirs.append(try peer.runOnce())
            if RunTrace.enabled {
                // The peer times itself inside the request: start/end bracket the whole request.
                RunTrace.log(label, "peer", start: sent, end: monotonicSeconds(), waited: w, runnable: runnable, nivcsw: -1)
            }
        }
        if RunTrace.enabled { RunTrace.emit("trace-memory-after \(label) \(RunTrace.memoryLine())\n") }
        progress("  waited \((waited * 1000).rounded()) ms in all for both processes to be idle before timed runs"
                 + (busyStarts == 0 ? "" : "; \(busyStarts) of \((sides + 1) * repeats) runs started while other tasks were runnable (a loaded machine)"))
        return (try samples.map { try TimingSummary(samples: $0) }, PeerTiming(name: description, timing: try TimingSummary(samples: theirs)))
    }

    /// The default repeat count for a workload: the configuration's, else `full` (or `quick`).
    public func repeats(full: Int, quick: Int) -> Int {
        configuration.repeats ?? (configuration.quick ? quick : full)
    }
}

/// Runs suites in order (machine limits first) and collects their records.
public struct BenchRunner {
    public var suites: [any BenchSuite]

    public init(suites: [any BenchSuite] = BenchRunner.defaultSuites) {
        self.suites = suites
    }

    /// Every suite FeatureKit ships, limits first.
    public static var defaultSuites: [any BenchSuite] { [MemoryBandwidthSuite(), BLASThroughputSuite(), ScalerSuite(), LinearModelSuite(), IngestSuite(), QuantileSuite(), ShapeSuite(), EncodingSuite(), PipelineSuite(), LogisticSuite()] }

    /// All workload names, for help and error messages.
    public var workloadNames: [String] { suites.flatMap(\.workloadNames) }

    /// Runs every selected workload, alternating with `peer` where it offers the workload.
    /// - Throws: `BenchError.unknownWorkload` when `only` matches nothing; any workload's error.
    public func run(_ configuration: BenchConfiguration, peer: PeerSession? = nil,
                    progress: @escaping (String) -> Void = { _ in }) throws -> [BenchRecord] {
        let selected = workloadNames.filter(configuration.selects)
        if selected.isEmpty {
            throw BenchError.unknownWorkload(configuration.only.joined(separator: ","), available: workloadNames)
        }
        // OpenBLAS's thread count is process-wide: held for the whole run (the BLAS suite changes it
        // between 1 and N threads) and restored afterwards, so no other thread changes it under a
        // measurement and the caller gets its own count back.
        return try BLASRuntime.withThreadCountHeld {
            try BLASRuntime.setThreadCount(configuration.threads)
            let context = BenchContext(configuration: configuration, peer: peer, progress: progress)
            for suite in suites where suite.workloadNames.contains(where: configuration.selects) {
                context.results += try suite.run(context)
            }
            return context.results
        }
    }
}

extension Array where Element == BenchRecord {
    /// The record named `name`, if this run measured it.
    public func record(named name: String) -> BenchRecord? { first { $0.name == name } }
}
