#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Waits, before a timed run, until this process and the peer have stopped using the CPU.
///
/// OpenBLAS keeps its idle worker threads spinning for a while (about 0.1 s with its default
/// `OPENBLAS_THREAD_TIMEOUT`) after each call returns, and so do other thread pools. In an
/// alternating benchmark those spinning workers of one side share the two cores with the other
/// side's next timed run, which then measures the neighbour rather than itself. A user who calls
/// a fit does not have the benchmark's peer spinning beside it, so each timed run starts only
/// when both processes are quiet: together they used at most `quietFraction` of one core over a
/// `window`, checked from their CPU clocks (`clock_getcpuclockid`, nanoseconds, all threads).
/// The wait is bounded by `maxWait`; on a machine busy with other work it simply times out.
///
/// Checked (FEATUREKIT_BENCH_TRACE=1 with a system-wide `perf record -e sched:sched_switch`,
/// predictProbability 1M x 32 against scikit-learn): the peer's CPU clock is read correctly
/// (`clock_getcpuclockid` of another process sums all its threads), and each of our runs after
/// the peer's started 97-113 ms later, when OpenBLAS's spinning workers had stopped. In two such
/// traces python ran during 1 of our 28 timed runs (4 ms of the first run after the peer's
/// untimed warm-up in `prepare`), so a spinning peer explains at most that run. Other processes (compilers of
/// a shared machine) are not seen by the CPU clocks: see `waitReporting`'s machine check.
///
/// What the wait and the peer do NOT change (checked for LogisticRegression.fit well-posed lbfgs
/// 1M x 32 at 1 thread, where a fit timed between scikit-learn runs had come out ~13 % slower,
/// 0.175 s, than fits run back to back, 0.153 s): anything in our process. A one-off diagnostic
/// (`RunTrace.gapExperiment`, commit 0410729, removed once it had answered) had the same process
/// time a fit right after the peer's run, after an idle sleep as long as a peer run, and after
/// reading 512 MiB of its own (evicting X from the 260 MiB last-level cache the VM reports), each
/// followed by a fit run back to back. No timed fit page-faulted (minflt 0: the benchmark executable
/// keeps freed memory, `AllocatorTuning.keepFreedMemory`, so the 8 MB weights and the target arrays
/// are reused, not faulted in again); X stayed on huge pages (AnonHugePages 247,808 kB before and
/// after the peer's runs); no core migration; no steal time; a fixed register loop timed before each
/// fit (a clock-speed probe: the VM exposes no cycle counters) took ~2.38 ms after idle gaps as back
/// to back. The gap has two parts, neither in our process:
/// - Preemption by other work (`seconds - cpu` in the trace, at 1 thread the fit runs on the calling
///   thread): with other helpers' builds runnable (3-4 runnable tasks) fits after an idle gap took
///   0.165-0.227 s wall for 0.150-0.185 s CPU with 9-58 involuntary switches, against 0.152-0.175 s
///   and 1-24 switches back to back (likely: after an idle gap the sleeper shares a core with tasks
///   that spread over both cores while it slept, and the alternating series spans several seconds of
///   a load that comes and goes); with one more busy loop every fit, back to back or not, took
///   0.29-0.33 s wall for 0.148-0.151 s CPU, the peer's doubled alike, and the ratio stayed 4.35x.
/// - With the guest quiet (1 runnable task, ~0 switches, no steal) the fit's CPU time itself is
///   bimodal: mostly 0.14-0.16 s, some runs 0.165-0.204 s with nothing different inside the guest,
///   back to back as well as after a gap; in five runs (180 fits) 12 of 90 fits after an idle gap and
///   6 of 90 back to back were slow, and the register probe just before a slow fit was 3 % slower on
///   average. The fit is single-threaded there (process CPU = thread CPU within 0.1 ms), so no
///   helper thread or spinning pool is involved. A C loop of 7 passes over 256 MB (gcc -O2, huge
///   pages), back to back against after a 0.7 s sleep, 14 each: medians 0.200 s and 0.203 s. That is the host (other tenants on the shared cores, cache and memory: this VM's L3 is
///   the host's), which a user of an idle machine does not see and the peer meets alike.
/// The benchmark keeps timing wall clock on both sides alike; the runnable count on the progress line
/// says when the guest was loaded.
public struct Quiescence: Sendable {
    /// Processes watched besides this one (the peer's process identifier).
    public let others: [Int32]
    public var window: Double = 0.005
    public var quietFraction: Double = 0.1
    public var maxWait: Double = 1.0
    /// How long to wait, once both processes are quiet, for other tasks on the machine to stop
    /// (0: do not look at the machine). See `waitReporting`.
    public var machineWait: Double = 0.25

    public init(others: [Int32]) {
        self.others = others
    }

    /// CPU seconds used so far by this process and the watched ones (a process whose clock cannot
    /// be read, e.g. one that ended, counts as zero).
    func cpuSeconds() -> Double {
        var total = Self.seconds(of: CLOCK_PROCESS_CPUTIME_ID)
        for pid in others {
            var clock = clockid_t()
            if clock_getcpuclockid(pid, &clock) == 0 { total += Self.seconds(of: clock) }
        }
        return total
    }

    private static func seconds(of clock: clockid_t) -> Double {
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The machine's runnable tasks right now (the numerator of /proc/loadavg's fourth field, this
    /// reading thread included), or nil where it cannot be read (not Linux).
    static func runnableTasks() -> Int? {
        #if os(Linux)
        let fd = open("/proc/loadavg", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        // "0.56 1.16 1.55 3/145 11617": the text after the third space, up to the slash.
        let fields = bytes[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count >= 4, let slash = fields[3].firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return Int(String(decoding: fields[3][fields[3].startIndex..<slash], as: UTF8.self))
        #else
        return nil
        #endif
    }

    /// Sleeps in `window` steps until one window is quiet or `maxWait` has passed.
    /// - Returns: the seconds waited.
    @discardableResult
    public func wait() -> Double { waitReporting().seconds }

    /// `wait`, also telling whether the machine was quiet too when the wait ended.
    ///
    /// Quiet: this process and the watched ones used at most `quietFraction` of a core over the last
    /// `window`, and (with `machineWait > 0`, on Linux) no other task was runnable at its end
    /// (`runnableTasks() <= 1`, the reader itself). Once the processes are quiet, the wait goes on
    /// for at most `machineWait` for other processes to finish; after that, or after `maxWait`, the
    /// run starts anyway and `machineQuiet` is false. The check is the same for FeatureKit's run, the
    /// limit's and the peer's.
    ///
    /// Why the machine as well: a system-wide `perf record -e sched:sched_switch` of
    /// `featurekit bench --peers` on this 2-core VM while other work was building (the session's
    /// shared machine) showed compilers holding one core for most of a timed run, e.g. in-place
    /// StandardScaler 1M x 32 at 22-35 ms with swift-frontend on a core against 10-13 ms without; the two
    /// processes' CPU clocks cannot see that. Waiting cannot make a busy machine quiet, but it starts
    /// a run in a gap when there is one, and the count of runs that started while other tasks were
    /// runnable goes on the progress line, so a loaded measurement says so.
    public func waitReporting() -> (seconds: Double, machineQuiet: Bool) {
        let start = monotonicSeconds()
        var before = cpuSeconds()
        var lastTick = start
        var processesQuietSince: Double?
        while true {
            var pause = timespec(tv_sec: 0, tv_nsec: Int(window * 1e9))
            nanosleep(&pause, nil)
            let now = monotonicSeconds(), cpu = cpuSeconds()
            let processesQuiet = cpu - before <= quietFraction * (now - lastTick)
            let machineQuiet = machineWait <= 0 || (Self.runnableTasks() ?? 1) <= 1
            if processesQuiet {
                if processesQuietSince == nil { processesQuietSince = now }
            } else {
                processesQuietSince = nil
            }
            if processesQuiet && machineQuiet { return (now - start, true) }
            if let since = processesQuietSince, now - since >= machineWait { return (now - start, false) }
            if now - start >= maxWait { return (now - start, false) }
            before = cpu
            lastTick = now
        }
    }
}
