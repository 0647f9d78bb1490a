import Testing
#if canImport(Glibc)
import Glibc
#endif
import CKernels

/// The C kernels' run-time CPU dispatch (cpu.h's one probe, used by every dispatching C file):
/// the builds chosen match the CPU's features as the kernel reports them in /proc/cpuinfo.
@Suite("C kernel dispatch follows the CPU's features")
struct CPUDispatchTests {
    /// The first CPU's feature flags (Linux on x86_64; nil elsewhere). Read with Glibc, not
    /// Foundation: importing Foundation in one file of this test module puts its operator
    /// overloads in every file's scope, and LogisticFusedMathTests' long array expressions then
    /// exceed the type checker's limits.
    static func cpuFlags() -> Set<String>? {
        #if os(Linux) && arch(x86_64)
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return nil
        #else
        return nil
        #endif
    }

    @Test("the logistic pass and the AVX-512 kernels pick the builds the CPU's flags allow")
    func levelsMatchTheFlags() throws {
        guard Self.onLinuxX86 else { return }
        let flags = try #require(Self.cpuFlags())
        let avx512 = ["avx512f", "avx512dq", "avx512vl", "avx512bw"].allSatisfy(flags.contains)
        let fma = flags.contains("fma"), avx2 = flags.contains("avx2")
        let expected: Int32 = fma && avx512 ? 2 : fma && avx2 ? 1 : 0
        #expect(fk_logistic_code_level() == expected, "flags: avx512 \(avx512), avx2 \(avx2), fma \(fma)")
        #expect((fk_logistic_uses_avx512() != 0) == avx512)
        // Level 2 is the AVX-512 build: never chosen unless the shared probe says AVX-512.
        #expect(fk_logistic_code_level() < 2 || fk_logistic_uses_avx512() != 0)
    }

    static var onLinuxX86: Bool {
        #if os(Linux) && arch(x86_64)
        return true
        #else
        return false
        #endif
    }
}
