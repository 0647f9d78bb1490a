import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine's physical memory in bytes (Int.max when it cannot be read). Allocations larger than
/// this are refused with a typed error instead of trapping inside the allocator.
@usableFromInline
internal let physicalMemoryBytes: Int = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, pageSize > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
    return overflow ? Int.max : bytes
}()

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages (2 MiB on
/// x86-64) where the machine allows it on request (`/sys/kernel/mm/transparent_hugepage/enabled` =
/// `madvise`, as here). A fresh 256 MB output otherwise costs 65,536 page faults of 4 KiB on first
/// touch, which is most of the time of a transform into a new matrix; with huge pages, 128. Used by
/// every kernel that returns a new large matrix (ColumnKernels, RowKernels, CodeKernels).
/// Buffers under 4 MiB are left alone. Advice only: failure changes nothing but speed.
@usableFromInline
internal func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, Int32(MADV_HUGEPAGE))
    #endif
}

/// Process-wide allocator settings for data-processing executables (see `keepFreedMemory`).
public enum AllocatorTuning {
    /// Keeps freed chunks up to 2047 MiB in the heap and trims its top only above that (glibc's
    /// `mallopt`, whose `int` arguments cap both near 2 GiB; a no-op elsewhere). For executables,
    /// not libraries: it changes the whole process.
    /// Fused pipelines allocate block-sized matrices on worker threads block after block; with
    /// glibc's defaults those are returned to the kernel when freed and the next block gets fresh
    /// pages that the kernel zeroes (22 % of a 1M-row impute -> scale -> polynomial pipeline was
    /// `clear_page`). With this, they are reused. Whole outputs too (allocated on the main
    /// thread): a 256 MiB output freed and allocated again is reused instead of being faulted in
    /// and zeroed again (measured: SimpleImputer fit+transform 1M x 32 into a fresh output cost
    /// ~25 ms more than into a reused one), which is what jemalloc, polars' allocator, does too.
    /// The trim threshold matters as much as the mmap threshold: with 512 MiB, freeing an 880 MB
    /// one-hot or 1.2 GB polynomial output at the heap's top gave it back to the kernel at once
    /// (measured with a C loop of malloc + memset + free of 1.2 GB: 1.1-1.5 s per round with
    /// trimming, 0.28-0.31 s without, on a loaded machine).
    /// The price: freed memory below 2 GiB stays resident until reused (never above the
    /// process's own peak).
    public static func keepFreedMemory() {
        fk_allocator_keep_freed(2047 << 20, 2047 << 20)
    }
}
