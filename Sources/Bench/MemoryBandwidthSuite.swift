import Dispatch
import LinearAlgebra

/// The machine's streaming memory bandwidth: STREAM-style read, write, copy and in-place scale over
/// buffers far larger than the last-level cache, at 1 thread and at the configured thread count.
///
/// Byte counts follow STREAM: read 8 B/element, write 8 B (the read-for-ownership traffic of a
/// write is not counted), copy 16 B, in-place scale 16 B. Write and copy are measured twice: with
/// ordinary stores (what a plain loop does) and with non-temporal stores (the machine's limit,
/// about twice as fast here because no line is read before it is written). These figures are the
/// limits that transform and predict workloads report their `limit_ratio` against.
public struct MemoryBandwidthSuite: BenchSuite {
    public enum Kernel: String, CaseIterable, Sendable {
        /// Sum (8 B/element).
        case read
        /// Fill with ordinary stores (8 B counted; the read-for-ownership traffic is not).
        case write
        /// Fill with non-temporal stores: the machine's write limit.
        case writeNonTemporal = "write.nt"
        /// Copy with ordinary stores (16 B/element).
        case copy
        /// Copy with non-temporal stores: the machine's copy limit (what memcpy reaches).
        case copyNonTemporal = "copy.nt"
        /// In-place `a *= s` (16 B/element): the access pattern of an in-place transform.
        case scale
        var bytesPerElement: Int { self == .read || self == .write || self == .writeNonTemporal ? 8 : 16 }

        /// The peer's kernel: numpy's fill and copyto decide their store kind themselves.
        var peerKernel: String? {
            switch self {
            case .read: return "read"
            case .write: return "write"
            case .copyNonTemporal: return "copy"  // numpy's copyto calls memcpy, which streams
            case .scale: return "scale"
            case .writeNonTemporal, .copy: return nil
            }
        }
    }

    public let group = "memory"
    /// Buffer length in doubles; nil = the default for the run (see `elementCount(quick:)`).
    public let elementCountOverride: Int?

    /// - Parameter elementCount: a fixed buffer length (tests use a small one); nil = the default.
    public init(elementCount: Int? = nil) {
        elementCountOverride = elementCount
    }

    /// The record name of a kernel at a thread count, e.g. "memory.read (1 thread)".
    public static func recordName(_ kernel: Kernel, threads: Int) -> String {
        "memory.\(kernel.rawValue) (\(threads) thread\(threads == 1 ? "" : "s"))"
    }

    public var workloadNames: [String] {
        Kernel.allCases.map { "memory.\($0.rawValue)" }
    }

    /// Buffer length in doubles: 2 GiB per buffer (8x the 260 MiB last-level cache seen here), or
    /// 1 GiB when quick. Far larger than any cache, so the kernels stream from DRAM.
    static func elementCount(quick: Bool) -> Int { (quick ? 1 : 2) << 27 }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let count = elementCountOverride ?? Self.elementCount(quick: configuration.quick)
        let repeats = context.repeats(full: 7, quick: 3)
        context.progress("allocating 2 x \((count * 8) >> 20) MiB for the memory kernels")
        let a = try StreamBuffer(count: count, value: 1)
        let b = try StreamBuffer(count: count, value: 0)
        var records: [BenchRecord] = []
        var expected = 1.0  // the value every element of `a` holds
        let threadCounts = configuration.threads == 1 ? [1] : [1, configuration.threads]
        for threads in threadCounts {
            let ranges = Self.split(count, into: threads)
            for kernel in Kernel.allCases where configuration.selects("memory.\(kernel.rawValue)") {
                let name = Self.recordName(kernel, threads: threads)
                context.progress(name)
                // numpy's element-wise kernels are single-threaded: it is a peer at 1 thread only.
                let (timing, peer) = try context.measure(
                    repeats: repeats, peerWorkload: threads == 1 && kernel.peerKernel != nil ? "memory" : nil,
                    peerArguments: ["kernel": kernel.peerKernel ?? "", "elements": String(count)]
                ) {
                    // Alternate x2 and x0.5 so the values stay exact, normal, and checkable.
                    let factor = kernel == .scale ? (expected == 1 ? 2.0 : 0.5) : 1
                    if kernel == .scale { expected *= factor }
                    try Self.parallel(ranges) { range in
                        switch kernel {
                        case .read: _ = try a.sum(range)
                        case .write: try b.fill(1, range)
                        case .writeNonTemporal: try b.fillNonTemporal(1, range)
                        case .copy: try b.copy(from: a, range)
                        case .copyNonTemporal: try b.copyNonTemporal(from: a, range)
                        case .scale: try a.scale(by: factor, range)
                        }
                    }
                }
                let bytes = Double(count * kernel.bytesPerElement)
                records.append(BenchRecord(
                    name: name, rows: count, cols: 1, timing: timing,
                    rowsPerSecond: Double(count) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
            }
        }
        // The kernels must have computed what they claim: every element of a holds `expected`.
        let sum = try a.sum(0..<count)
        guard sum == expected * Double(count) else {
            throw BenchError.resultCheckFailed("memory kernels: sum \(sum), expected \(expected * Double(count))")
        }
        return records
    }

    /// `0..<count` in `parts` contiguous ranges, boundaries on 64-element (512-byte) multiples.
    static func split(_ count: Int, into parts: Int) -> [Range<Int>] {
        let chunk = ((count + parts - 1) / parts + 63) / 64 * 64
        return (0..<parts).map { i in Swift.min(i * chunk, count)..<Swift.min((i + 1) * chunk, count) }
    }

    /// The in-alternation limit kernels (a workload's same-size limit, timed between the peer's
    /// runs): `kernel` over `buffer` in units of 1 MiB that `threads` threads claim one at a time,
    /// on threads of their own (`ParallelRows.forEachClaimed`), the scheduling the library's
    /// streaming kernels use, so a thread woken late after the idle wait does not make the limit
    /// look lower than the machine allows. Returns the sum of the elements read (read), or 0.
    static func claimedPass(_ kernel: Kernel, _ buffer: StreamBuffer, factor: Double = 1, threads: Int) throws -> Double {
        let unit = 1 << 17  // doubles: 1 MiB
        let units = (buffer.count + unit - 1) / unit
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(units, 1))
        defer { sums.deallocate() }
        _ = sums.initialize(from: repeatElement(0, count: sums.count))
        let errors = ErrorBox()
        let slots = SendableSlots(sums)
        ParallelRows.forEachClaimed(count: units, threads: threads) { k in
            let range = (k * unit)..<Swift.min((k + 1) * unit, buffer.count)
            do {
                switch kernel {
                case .read: slots.set(k, try buffer.sum(range))
                case .scale: try buffer.scale(by: factor, range)
                default: throw BenchError.resultCheckFailed("no in-alternation limit for memory.\(kernel.rawValue)")
                }
            } catch {
                errors.set(error)
            }
        }
        if let error = errors.error { throw error }
        return sums.reduce(0, +)
    }

    /// Runs `body` on each range, one thread per range.
    static func parallel(_ ranges: [Range<Int>], _ body: @Sendable (Range<Int>) throws -> Void) throws {
        if ranges.count == 1 { return try body(ranges[0]) }
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
            do { try body(ranges[i]) } catch { errors.set(error) }
        }
        if let error = errors.error { throw error }
    }
}

/// Collects the first error thrown on a worker thread.
final class ErrorBox: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var stored: (any Error)?

    func set(_ error: any Error) {
        lock.wait()
        if stored == nil { stored = error }
        lock.signal()
    }

    var error: (any Error)? {
        lock.wait()
        defer { lock.signal() }
        return stored
    }
}

/// Per-unit result slots written by claiming threads (each unit by exactly one thread).
struct SendableSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
    func set(_ index: Int, _ value: Double) { buffer[index] = value }
}
