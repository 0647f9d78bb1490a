import ArgumentParser
import Bench
import Foundation

/// `featurekit bench`: measures this machine's limits (memory bandwidth, BLAS throughput) and
/// FeatureKit's workloads side by side with them and, with `--peers`, with numpy/scikit-learn.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure memory bandwidth, BLAS throughput and FeatureKit workloads on this machine.",
        discussion: """
        Prints a table of medians, min and max over repeated runs, with throughput and the ratio to
        the machine limit each workload is bounded by. Every figure carries the machine line
        (CPU, cores, OpenBLAS version and core type, threads).

        With --peers, the peer script (Benchmarks/peers/peer.py, run from the repository root or
        found with --peer-dir) runs the same workloads on bit-identical data in numpy and friends,
        alternating with FeatureKit run by run, at the same thread count. Its virtual environment
        (pinned versions) is created on first use.

        Examples:
          featurekit bench --quick                 # CI smoke run: smaller sizes, fewer repeats
          featurekit bench                         # full run (2 GiB buffers, dgemm 4096^3)
          featurekit bench --peers --only blas     # BLAS workloads next to numpy's
          featurekit bench --only memory --threads 1
          featurekit bench --json > bench.json     # JSON array of records on stdout
          featurekit bench --peers --out build/bench.json --chart BENCHMARKS.svg --markdown BENCHMARKS.md
        """
    )

    @Flag(help: "Smaller sizes and fewer repeats (a smoke run; still prints every figure).")
    var quick = false

    @Option(help: "Threads for FeatureKit, OpenBLAS and the peer (default: all cores).")
    var threads: Int?

    @Option(help: "Timed repeats per workload (default: per workload, fewer with --quick).")
    var repeats: Int?

    @Option(help: "Run only workloads whose name contains this text (repeatable), e.g. memory, blas.dgemm.")
    var only: [String] = []

    @Flag(help: "Run the peer (numpy, scikit-learn, ...) on the same workloads, alternating with FeatureKit.")
    var peers = false

    @Option(help: "Folder holding the peer's setup.sh and peer.py.")
    var peerDir = "Benchmarks/peers"

    @Flag(help: "Print the records as a JSON array on stdout instead of the table.")
    var json = false

    @Option(help: "Also write the records as a JSON array to this file.")
    var out: String?

    @Option(help: "Write an SVG bar chart of speedups and limit ratios to this file.")
    var chart: String?

    @Option(help: "Replace the generated section of this Markdown file (e.g. BENCHMARKS.md) with this run.")
    var markdown: String?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1, got \(threads)") }
        if let repeats, repeats < 1 { throw ValidationError("--repeats must be >= 1, got \(repeats)") }
    }

    func run() throws {
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let configuration = try BenchConfiguration(quick: quick, threads: threadCount, repeats: repeats, only: only)
        let machine = MachineInfo.current()
        let stderr = FileHandle.standardError
        func note(_ text: String) { stderr.write(Data((text + "\n").utf8)) }
        note("machine: \(machine.line)")
        let peer = peers ? try PeerSession(directory: peerDir, threads: threadCount) : nil
        if let peer { note("peer: \(peer.info.line)") }
        let records = try BenchRunner().run(configuration, peer: peer) { note("  running \($0)") }

        let jsonText = try BenchReport.json(records)
        if let out { try write(jsonText + "\n", to: out) }
        if let chart {
            try write(BenchDocument.svgChart(records: records, title: "FeatureKit bench — \(machine.cpu), \(threadCount) threads"), to: chart)
        }
        if let markdown {
            let existing = (try? String(contentsOfFile: markdown, encoding: .utf8)) ?? "# Benchmarks\n"
            let command = "featurekit " + CommandLine.arguments.dropFirst().joined(separator: " ")
            let chartLink = chart.map { URL(fileURLWithPath: $0).lastPathComponent }
            let section = BenchDocument.markdownSection(records: records, machine: machine, peer: peer?.info,
                                                        command: command, threads: threadCount, chartPath: chartLink)
            try write(BenchDocument.replacingSection(in: existing, with: section), to: markdown)
        }
        if json {
            print(jsonText)
        } else {
            print("machine: \(machine.line)")
            if let peer { print("peer: \(peer.info.line)") }
            print("threads: \(threadCount)\(quick ? ", quick" : "")")
            print(BenchReport.table(records))
        }
    }

    /// Writes atomically (temporary file, then rename), so a failed run leaves no half-written file.
    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
