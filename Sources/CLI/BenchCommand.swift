import ArgumentParser
import Bench
import Foundation

/// `featurekit bench`: measures this machine's limits (memory bandwidth, BLAS throughput) and,
/// as later work lands, FeatureKit's workloads side by side with them.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure memory bandwidth, BLAS throughput and FeatureKit workloads on this machine.",
        discussion: """
        Prints a table of medians, min and max over repeated runs, with throughput and the ratio to
        the machine limit each workload is bounded by. Every figure carries the machine line
        (CPU, cores, OpenBLAS version and core type, threads).

        Examples:
          featurekit bench --quick                 # CI smoke run: smaller sizes, fewer repeats
          featurekit bench                         # full run (2 GiB buffers, dgemm 4096^3)
          featurekit bench --only memory --threads 1
          featurekit bench --json > bench.json     # JSON array of records on stdout
          featurekit bench --out bench.json        # table on stdout, JSON written to a file
        """
    )

    @Flag(help: "Smaller sizes and fewer repeats (a smoke run; still prints every figure).")
    var quick = false

    @Option(help: "Threads for parallel workloads and OpenBLAS (default: all cores).")
    var threads: Int?

    @Option(help: "Timed repeats per workload (default: per workload, fewer with --quick).")
    var repeats: Int?

    @Option(help: "Run only workloads whose name contains this text (repeatable), e.g. memory, blas.dgemm.")
    var only: [String] = []

    @Flag(help: "Print the records as a JSON array on stdout instead of the table.")
    var json = false

    @Option(help: "Also write the records as a JSON array to this file.")
    var out: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1, got \(threads)") }
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be >= 1, got \(repeats)") }
    }

    func run() throws {
        let configuration = try BenchConfiguration(
            quick: quick, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            repeats: repeats, only: only)
        let machine = MachineInfo.current()
        let stderr = FileHandle.standardError
        stderr.write(Data("machine: \(machine.line)\n".utf8))
        let records = try BenchRunner().run(configuration) { step in
            stderr.write(Data("  running \(step)\n".utf8))
        }
        let jsonText = try BenchReport.json(records)
        if let out {
            try Data((jsonText + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        }
        if json {
            print(jsonText)
        } else {
            print("machine: \(machine.line)")
            print("threads: \(configuration.threads)\(quick ? ", quick" : "")")
            print(BenchReport.table(records))
        }
    }
}
