import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BLAS library this process runs on: its version, the CPU kernel it chose, and its threads.
///
/// OpenBLAS picks its kernels ("core type") at load time from the CPU, unless the
/// `OPENBLAS_CORETYPE` environment variable names one. Debian's OpenBLAS 0.3.21 misdetects recent
/// CPUs (it falls back to the slow generic "Prescott" kernels), which is why the project's Makefile
/// sets that variable when the machine has not. Every benchmark figure carries this description.
public enum BLASRuntime {
    /// OpenBLAS's version, e.g. "0.3.21".
    public static var version: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = fk_openblas_version(&buffer, Int32(buffer.count))
        return length > 0 ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
    }

    /// The kernel family OpenBLAS selected, e.g. "SkylakeX", "Haswell", "Prescott".
    public static var coreType: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (version, DYNAMIC_ARCH, threading, MAX_THREADS).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// The number of threads OpenBLAS uses for level-2 and level-3 calls.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's thread count for the whole process.
    ///
    /// Determinism: results are bit-identical for the same input and the same thread count. OpenBLAS
    /// level-3 results (X^T X through dgemm/dsyrk) were also bit-identical between 1 and 2 threads on
    /// this machine, but OpenBLAS does not promise it for every routine and shape.
    ///
    /// The count is process-wide: the change waits while another thread holds
    /// `withThreadCountHeld` (the same thread may change it inside its own hold).
    /// - Throws: `.invalidArgument` unless `1 <= count <= 1024`.
    public static func setThreadCount(_ count: Int) throws {
        guard count >= 1 && count <= 1024 else {
            throw LinearAlgebraError.invalidArgument(parameter: "threads", reason: "must be in 1...1024, got \(count)")
        }
        threadCountLock.withLock { openblas_set_num_threads(Int32(count)) }
    }

    /// Runs `body` while no other thread can change OpenBLAS's thread count, and restores on return
    /// the count found on entry (also when `body` throws).
    ///
    /// For code that changes the count for a while (the benchmark runs its BLAS figures at 1 and at
    /// N threads) or that relies on it staying put (two runs that must see the same count). Inside
    /// `body` the calling thread may call `setThreadCount` and nest `withThreadCountHeld` (the lock is
    /// recursive); other threads' `setThreadCount` calls wait until `body` returns. BLAS calls of
    /// other threads do not wait: they run at whatever count is set while they start.
    /// Why: `featurekit bench`'s runner set the count and left it changed, and tests run in parallel in
    /// one process; a test that checked the count around refused `setThreadCount` calls saw the
    /// benchmark's 1 instead of its own 2 (1 run in 300 of the two suites together).
    /// - Complexity: a lock and at most three OpenBLAS calls around `body`; no allocation.
    public static func withThreadCountHeld<R>(_ body: () throws -> R) rethrows -> R {
        try threadCountLock.withLock {
            let entry = openblas_get_num_threads()
            defer { if openblas_get_num_threads() != entry { openblas_set_num_threads(entry) } }
            return try body()
        }
    }

    /// The environment variables that steer OpenBLAS's kernel choice, as this process sees them.
    public static var environment: [String: String] {
        var result: [String: String] = [:]
        for name in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_THREAD_TIMEOUT", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }

    /// The vector instruction set the build targeted ("avx512f" under the Makefile's native release
    /// build on this machine, "sse2" for a default x86_64 build).
    public static var buildVectorISA: String { String(cString: fk_build_vector_isa()) }

    /// One line for benchmark reports: "OpenBLAS 0.3.21, core SkylakeX, 2 threads".
    public static var summary: String {
        "OpenBLAS \(version), core \(coreType), \(threadCount) thread\(threadCount == 1 ? "" : "s")"
    }
}

/// A process-wide recursive mutex (pthread), for `BLASRuntime`'s thread count.
final class RecursiveLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

extension BLASRuntime {
    /// Held while OpenBLAS's process-wide thread count is changed or must stay put.
    static let threadCountLock = RecursiveLock()
}
