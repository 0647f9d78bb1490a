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
            let text = lineText(line)
            if text.hasPrefix("Rss:") || text.hasPrefix("AnonHugePages:") {
                parts.append(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " "))
            }
        }
        return parts.joined(separator: ", ")
    }

    /// The text `fgets` left in `buffer`: the bytes before its first NUL, decoded as UTF-8 (invalid
    /// bytes repaired). `String(decoding:as:)` over the truncated bytes, as the deprecated
    /// `String(cString:)` on an array did; no pointer to the array escapes.
    static func lineText(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
    /// CPU seconds of the calling thread (a timed run's CPU time next to its wall time in the trace).
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
