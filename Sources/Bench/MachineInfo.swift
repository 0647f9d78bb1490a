import Foundation
import LinearAlgebra

/// What a benchmark figure was measured on: every report carries this line.
public struct MachineInfo: Codable, Sendable {
    public var cpu: String
    public var cores: Int
    public var memoryGiB: Double
    public var lastLevelCacheMiB: Double?
    public var blas: String
    public var blasConfiguration: String
    public var blasEnvironment: [String: String]
    public var swift: String
    public var buildVectorISA: String
    public var date: String

    /// Reads /proc and sysfs (Linux); fields that cannot be read say "unknown".
    public static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Double($0) } ?? 0
        let formatter = ISO8601DateFormatter()
        return MachineInfo(
            cpu: cpu, cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (memKiB / 1_048_576 * 10).rounded() / 10,
            lastLevelCacheMiB: lastLevelCacheMiB(),
            blas: BLASRuntime.summary, blasConfiguration: BLASRuntime.configuration,
            blasEnvironment: BLASRuntime.environment, swift: swiftCompilerVersion, buildVectorISA: BLASRuntime.buildVectorISA,
            date: formatter.string(from: Date()))
    }

    /// The largest cache of CPU 0 as sysfs reports it (L3 on most machines), in MiB.
    static func lastLevelCacheMiB() -> Double? {
        var largest: Double?
        for index in 0..<8 {
            let path = "/sys/devices/system/cpu/cpu0/cache/index\(index)/size"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let number = Double(trimmed.dropLast()) ?? 0
            let mib = trimmed.hasSuffix("K") ? number / 1024 : trimmed.hasSuffix("M") ? number : number / 1_048_576
            largest = max(largest ?? 0, mib)
        }
        return largest
    }

    /// One line for tables and BENCHMARKS.md.
    public var line: String {
        let cache = lastLevelCacheMiB.map { String(format: ", LLC %.0f MiB", $0) } ?? ""
        let env = blasEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(cpu), \(cores) cores, \(String(format: "%.1f", memoryGiB)) GiB\(cache); \(blas)"
            + (env.isEmpty ? "" : " [\(env)]") + "; \(swift), kernels built for \(buildVectorISA)"
    }
}

/// The compiler that built this binary (to the minor version).
let swiftCompilerVersion: String = {
    #if compiler(>=6.5)
    return "Swift >= 6.5"
    #elseif compiler(>=6.4)
    return "Swift 6.4"
    #elseif compiler(>=6.3)
    return "Swift 6.3"
    #elseif compiler(>=6.2)
    return "Swift 6.2"
    #else
    return "Swift < 6.2"
    #endif
}()
