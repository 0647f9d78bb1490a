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
    /// - Throws: `.invalidArgument` unless `1 <= count <= 1024`.
    public static func setThreadCount(_ count: Int) throws {
        guard count >= 1 && count <= 1024 else {
            throw LinearAlgebraError.invalidArgument(parameter: "threads", reason: "must be in 1...1024, got \(count)")
        }
        openblas_set_num_threads(Int32(count))
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
