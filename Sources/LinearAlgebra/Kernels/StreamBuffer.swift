import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A page-aligned buffer of `Double` with the four STREAM-style kernels that measure a machine's
/// memory bandwidth: read (sum), write (fill), copy, and in-place scale.
///
/// The kernels are explicit `SIMD8<Double>` loops with several independent accumulators, at the
/// default target CPU (no unsafe build flags), so they run at the memory bus's speed rather than at
/// a dependency chain's. A class (not a value) so that several threads can work on disjoint ranges of
/// one buffer; each call takes the range it touches, and the caller guarantees that concurrent calls
/// touch disjoint ranges (the benchmark harness splits `0..<count` into equal parts).
public final class StreamBuffer: @unchecked Sendable {
    /// Number of `Double` elements.
    public let count: Int
    @usableFromInline internal let base: UnsafeMutablePointer<Double>

    /// A buffer of `count` doubles, page aligned, filled with `value` (which also faults every page
    /// in, so a later timing does not measure the kernel's page faults). Advised for transparent
    /// huge pages first (4 MiB or more), like the matrices the library makes and numpy's arrays, so
    /// the limits are measured on the same pages as the workloads and the peers.
    /// - Throws: `.invalidArgument` when `count` is negative or needs more than the machine's memory.
    public init(count: Int, value: Double = 0) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        guard count >= 0, !overflow, bytes <= physicalMemoryBytes else {
            throw LinearAlgebraError.invalidArgument(parameter: "count", reason: "\(count) doubles cannot be allocated")
        }
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 64), alignment: 4096)
        adviseHugePages(raw, bytes: bytes)
        base = raw.bindMemory(to: Double.self, capacity: Swift.max(count, 8))
        base.initialize(repeating: value, count: count)
    }

    deinit { base.deallocate() }

    /// The element at `index`, or nil when out of range.
    public func value(at index: Int) -> Double? {
        index >= 0 && index < count ? base[index] : nil
    }

    @inlinable
    internal func check(_ range: Range<Int>) throws {
        guard range.lowerBound >= 0 && range.upperBound <= count else {
            throw LinearAlgebraError.invalidArgument(parameter: "range", reason: "\(range) is not inside 0..<\(count)")
        }
    }

    /// Read kernel: the sum of the elements in `range` (8 bytes read per element).
    public func sum(_ range: Range<Int>) throws -> Double {
        try check(range)
        var p = UnsafeRawPointer(base + range.lowerBound)
        var remaining = range.count
        var (a0, a1, a2, a3) = (SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>(), SIMD8<Double>())
        while remaining >= 32 {
            a0 += p.loadUnaligned(fromByteOffset: 0, as: SIMD8<Double>.self)
            a1 += p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
            a2 += p.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self)
            a3 += p.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self)
            p += 256
            remaining &-= 32
        }
        var total = ((a0 + a1) + (a2 + a3)).sum()
        let tail = p.assumingMemoryBound(to: Double.self)
        for i in 0..<remaining { total += tail[i] }
        return total
    }

    /// Write kernel: sets every element in `range` to `value` (8 bytes written per element).
    public func fill(_ value: Double, _ range: Range<Int>) throws {
        try check(range)
        var p = UnsafeMutableRawPointer(base + range.lowerBound)
        var remaining = range.count
        let v = SIMD8<Double>(repeating: value)
        while remaining >= 32 {
            p.storeBytes(of: v, toByteOffset: 0, as: SIMD8<Double>.self)
            p.storeBytes(of: v, toByteOffset: 64, as: SIMD8<Double>.self)
            p.storeBytes(of: v, toByteOffset: 128, as: SIMD8<Double>.self)
            p.storeBytes(of: v, toByteOffset: 192, as: SIMD8<Double>.self)
            p += 256
            remaining &-= 32
        }
        let tail = p.assumingMemoryBound(to: Double.self)
        for i in 0..<remaining { tail[i] = value }
    }

    /// Copy kernel: `self[range] = source[range]` (8 bytes read and 8 written per element).
    /// - Throws: `.invalidArgument` when `range` is outside either buffer.
    public func copy(from source: StreamBuffer, _ range: Range<Int>) throws {
        try check(range)
        try source.check(range)
        var target = UnsafeMutableRawPointer(base + range.lowerBound)
        var from = UnsafeRawPointer(source.base + range.lowerBound)
        var remaining = range.count
        while remaining >= 32 {
            target.storeBytes(of: from.loadUnaligned(fromByteOffset: 0, as: SIMD8<Double>.self), toByteOffset: 0, as: SIMD8<Double>.self)
            target.storeBytes(of: from.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self), toByteOffset: 64, as: SIMD8<Double>.self)
            target.storeBytes(of: from.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self), toByteOffset: 128, as: SIMD8<Double>.self)
            target.storeBytes(of: from.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self), toByteOffset: 192, as: SIMD8<Double>.self)
            target += 256
            from += 256
            remaining &-= 32
        }
        let t = target.assumingMemoryBound(to: Double.self), f = from.assumingMemoryBound(to: Double.self)
        for i in 0..<remaining { t[i] = f[i] }
    }

    /// Write kernel with non-temporal stores (bypassing the caches, so no read-for-ownership):
    /// the machine's write limit, about twice `fill` on this machine.
    public func fillNonTemporal(_ value: Double, _ range: Range<Int>) throws {
        try check(range)
        fk_fill_nontemporal(base + range.lowerBound, range.count, value)
    }

    /// Copy kernel with non-temporal stores: the machine's copy limit (what `memcpy` reaches for
    /// large buffers).
    public func copyNonTemporal(from source: StreamBuffer, _ range: Range<Int>) throws {
        try check(range)
        try source.check(range)
        fk_copy_nontemporal(base + range.lowerBound, source.base + range.lowerBound, range.count)
    }

    /// In-place scale kernel: `self[range] *= factor` (8 bytes read and 8 written per element): the
    /// access pattern of an in-place standardisation, which is why transforms compare against it.
    public func scale(by factor: Double, _ range: Range<Int>) throws {
        try check(range)
        var p = UnsafeMutableRawPointer(base + range.lowerBound)
        var remaining = range.count
        let f = SIMD8<Double>(repeating: factor)
        while remaining >= 32 {
            p.storeBytes(of: p.loadUnaligned(fromByteOffset: 0, as: SIMD8<Double>.self) * f, toByteOffset: 0, as: SIMD8<Double>.self)
            p.storeBytes(of: p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self) * f, toByteOffset: 64, as: SIMD8<Double>.self)
            p.storeBytes(of: p.loadUnaligned(fromByteOffset: 128, as: SIMD8<Double>.self) * f, toByteOffset: 128, as: SIMD8<Double>.self)
            p.storeBytes(of: p.loadUnaligned(fromByteOffset: 192, as: SIMD8<Double>.self) * f, toByteOffset: 192, as: SIMD8<Double>.self)
            p += 256
            remaining &-= 32
        }
        let tail = p.assumingMemoryBound(to: Double.self)
        for i in 0..<remaining { tail[i] *= factor }
    }
}
