#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Median, minimum and maximum of repeated wall-clock measurements, in seconds.
public struct TimingSummary: Sendable, Equatable {
    public let median: Double
    public let min: Double
    public let max: Double
    public let repeats: Int

    /// Summarises samples; the median of an even count is the mean of the middle two.
    /// - Throws: `BenchError.noSamples` for an empty list.
    public init(samples: [Double]) throws {
        guard !samples.isEmpty else { throw BenchError.noSamples }
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
        repeats = sorted.count
    }
}

/// Monotonic wall-clock seconds.
@inline(__always)
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Runs `body` `warmup` times untimed, then `repeats` times timed, and summarises the timed runs.
/// - Throws: whatever `body` throws; `BenchError.invalidRepeats` when `repeats < 1`.
public func measure(warmup: Int = 1, repeats: Int, _ body: () throws -> Void) throws -> TimingSummary {
    guard repeats >= 1 else { throw BenchError.invalidRepeats(repeats) }
    for _ in 0..<Swift.max(warmup, 0) { try body() }
    var samples: [Double] = []
    samples.reserveCapacity(repeats)
    for _ in 0..<repeats {
        let start = monotonicSeconds()
        try body()
        samples.append(monotonicSeconds() - start)
    }
    return try TimingSummary(samples: samples)
}

/// Errors of the benchmark harness.
public enum BenchError: Error, CustomStringConvertible, Equatable {
    case noSamples
    case invalidRepeats(Int)
    case invalidThreads(Int)
    case unknownWorkload(String, available: [String])
    case resultCheckFailed(String)

    public var description: String {
        switch self {
        case .noSamples: return "no timing samples"
        case let .invalidRepeats(n): return "invalid argument 'repeats': must be >= 1, got \(n)"
        case let .invalidThreads(n): return "invalid argument 'threads': must be >= 1, got \(n)"
        case let .unknownWorkload(name, available):
            return "no workload matches '\(name)'; available groups: \(available.joined(separator: ", "))"
        case let .resultCheckFailed(what): return "benchmark result check failed: \(what)"
        }
    }
}
