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
public struct Quiescence: Sendable {
    /// Processes watched besides this one (the peer's process identifier).
    public let others: [Int32]
    public var window: Double = 0.005
    public var quietFraction: Double = 0.1
    public var maxWait: Double = 1.0

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

    /// Sleeps in `window` steps until one window is quiet or `maxWait` has passed.
    /// - Returns: the seconds waited.
    @discardableResult
    public func wait() -> Double {
        let start = monotonicSeconds()
        var before = cpuSeconds()
        var lastTick = start
        while true {
            var pause = timespec(tv_sec: 0, tv_nsec: Int(window * 1e9))
            nanosleep(&pause, nil)
            let now = monotonicSeconds(), cpu = cpuSeconds()
            if cpu - before <= quietFraction * (now - lastTick) || now - start >= maxWait { return now - start }
            before = cpu
            lastTick = now
        }
    }
}
