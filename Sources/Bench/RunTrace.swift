#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-run timestamps of an alternating measurement, printed to standard error when the environment
/// sets `FEATUREKIT_BENCH_TRACE=1` (a diagnostic: nothing is printed otherwise).
///
/// One line per timed run: `trace <label> <side> start=<s> end=<s> seconds=<s> waited=<ms>
/// runnable=<n> nivcsw=<n> minflt=<n>`, with `start`/`end` on CLOCK_MONOTONIC, so the lines line up with a
/// system-wide `perf record -k CLOCK_MONOTONIC -e sched:sched_switch -a` of the same run (which
/// task held each core during each timed run). `runnable` is the machine's runnable task count
/// (`Quiescence.runnableTasks`, /proc/loadavg, this reader included) just before the run; `nivcsw` the
/// involuntary context switches and `minflt` the minor page faults of this process (all threads,
/// exited ones included) during it; `cpu` the calling thread's CPU seconds during it (-1 for the
/// peer), so `seconds - cpu` is the time the run spent preempted (at 1 thread, where the fit runs on
/// the calling thread).
struct RunTrace {
    #if canImport(Glibc)
    static let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    static let RUSAGE_SELF_WHO = RUSAGE_SELF
    #endif
    static let enabled: Bool = {
        guard let value = getenv("FEATUREKIT_BENCH_TRACE") else { return false }
        return String(cString: value) == "1"
    }()

    /// Involuntary context switches and minor page faults of this process so far (every thread,
    /// exited ones included).
    static func counters() -> (switches: Int, faults: Int) {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF_WHO, &usage) == 0 else { return (0, 0) }
        return (Int(usage.ru_nivcsw), Int(usage.ru_minflt))
    }

    /// "Rss ... AnonHugePages ..." of this process (/proc/self/smaps_rollup), for the trace: whether
    /// the big buffers sit on transparent huge pages.
    static func memoryLine() -> String {
        guard let file = fopen("/proc/self/smaps_rollup", "r") else { return "smaps_rollup unreadable" }
        defer { fclose(file) }
        var parts: [String] = []
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(cString: line)
            if text.hasPrefix("Rss:") || text.hasPrefix("AnonHugePages:") {
                parts.append(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " "))
            }
        }
        return parts.joined(separator: ", ")
    }

    static func log(_ label: String, _ side: String, start: Double, end: Double, waited: Double, runnable: Int, nivcsw: Int, minflt: Int = -1,
                    cpu: Double = -1) {
        guard enabled else { return }
        let line = "trace \(label) \(side) start=\(start) end=\(end) seconds=\(end - start) waited=\((waited * 1e6).rounded() / 1e3) runnable=\(runnable) nivcsw=\(nivcsw) minflt=\(minflt) cpu=\(cpu)\n"
        emit(line)
    }

    /// Writes `line` to standard error (file descriptor 2) as one write.
    static func emit(_ line: String) {
        var text = line
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
}

extension RunTrace {
    /// `FEATUREKIT_BENCH_TRACE=1 FEATUREKIT_BENCH_GAPTEST=1`: before an alternating measurement,
    /// times our first side (a diagnostic: printed `gap <condition> ...` lines only, in no record),
    /// per repeat: after the idle wait, the peer's run and the idle wait (`peer-then`); after the idle
    /// wait, a sleep as long as a peer run and the idle wait (`sleep-then`: the gap without the peer);
    /// after the idle wait, a read of 512 MiB of our own and the idle wait (`flush-then`: the peer's
    /// eviction of X from the last-level cache without the peer); each followed at once by a fit
    /// back to back (`b2b-after-...`). Each line gives wall, thread and process CPU seconds, the core at start
    /// and end, the runnable tasks, the machine's steal jiffies, involuntary switches, minor faults,
    /// and `probe`: the microseconds of a fixed register loop run just before (a clock-speed probe:
    /// this VM exposes no cycle counters). See `Quiescence` for what it showed.
    static let gapTest: Bool = {
        guard let value = getenv("FEATUREKIT_BENCH_GAPTEST") else { return false }
        return String(cString: value) == "1"
    }()

    /// Microseconds of a fixed chain of dependent multiply-adds (~1 ms), from registers only.
    static func probe() -> Double {
        var x = 1.0000001, y = 0.0
        let start = monotonicSeconds()
        for _ in 0..<1_000_000 { y = y * x + 1e-9; x = x * 0.99999999 + 1e-9 }
        let end = monotonicSeconds()
        if y == -1 { emit("") }  // keeps the loop
        return ((end - start) * 1e7).rounded() / 10
    }

    /// The core this thread last ran on (/proc/thread-self/stat field 39), -1 where unreadable.
    static func currentCore() -> Int {
        guard let file = fopen("/proc/thread-self/stat", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 1024)
        guard fgets(&line, Int32(line.count), file) != nil else { return -1 }
        let text = String(cString: line)
        guard let close = text.lastIndex(of: ")") else { return -1 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 36 ? Int(fields[36]) ?? -1 : -1
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Steal jiffies of the whole machine so far (/proc/stat "cpu" line, 8th value): time the
    /// hypervisor ran something else while a vCPU wanted to run.
    static func stealTicks() -> Int {
        guard let file = fopen("/proc/stat", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        guard fgets(&line, Int32(line.count), file) != nil else { return -1 }
        let fields = String(cString: line).split(separator: " ")
        return fields.count > 8 ? Int(fields[8]) ?? -1 : -1
    }

    static func gapExperiment(label: String, repeats: Int, quiet: Quiescence, peer: PeerSession, _ run: () throws -> Void) throws {
        func timed(_ side: String) throws {
            let p = probe()
            let runnable = Quiescence.runnableTasks() ?? -1
            let cpuStart = currentCore(), counters = counters(), thread0 = threadCPUSeconds(), steal0 = stealTicks()
            var process0 = timespec(), process1 = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &process0)
            let start = monotonicSeconds()
            try run()
            let end = monotonicSeconds()
            let after = RunTrace.counters(), thread1 = threadCPUSeconds(), steal1 = stealTicks()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &process1)
            let processCPU = Double(process1.tv_sec - process0.tv_sec) + Double(process1.tv_nsec - process0.tv_nsec) * 1e-9
            emit("gap \(side) seconds=\(end - start) cpu=\(thread1 - thread0) processCPU=\(processCPU) core=\(cpuStart)->\(currentCore()) probe=\(p) runnable=\(runnable) steal=\(steal1 - steal0) nivcsw=\(after.switches - counters.switches) minflt=\(after.faults - counters.faults)\n")
        }
        // An idle wait, then a read of 512 MiB of our own (twice the last-level cache this VM reports,
        // 260 MiB): evicts X the way the peer's pass over its own copy does, without the peer.
        let count = 64 << 20
        let flush = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        defer { flush.deallocate() }
        flush.initialize(repeating: 1)
        var sink = 0.0
        var peerSeconds = 0.7
        for _ in 0..<repeats {
            quiet.wait()
            let sent = monotonicSeconds()
            _ = try peer.runOnce()
            peerSeconds = monotonicSeconds() - sent
            quiet.wait()
            try timed("peer-then")
            try timed("b2b-after-peer")
            quiet.wait()
            var pause = timespec(tv_sec: Int(peerSeconds), tv_nsec: Int((peerSeconds - Double(Int(peerSeconds))) * 1e9))
            nanosleep(&pause, nil)
            quiet.wait()
            try timed("sleep-then")
            try timed("b2b-after-sleep")
            quiet.wait()
            var s = 0.0
            for i in stride(from: 0, to: count, by: 8) { s += flush[i] }
            sink += s
            quiet.wait()
            try timed("flush-then")
            try timed("b2b-after-flush")
        }
        if sink == -1 { emit("") }
    }
}
