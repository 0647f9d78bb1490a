import ArgumentParser
import LinearAlgebra

/// `featurekit`: the command-line face of FeatureKit. Each subcommand parses its arguments and calls
/// the library; no logic lives here.
@main
struct FeatureKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "featurekit",
        abstract: "Fast, deterministic feature transforms and linear models on OpenBLAS and LAPACKE.",
        version: "0.1.0",
        subcommands: [TrainCommand.self, PredictCommand.self, TransformCommand.self, InspectCommand.self, DriftCommand.self, CompareCommand.self, DescribeCommand.self, BenchCommand.self]
    )

    static func main() {
        AllocatorTuning.keepFreedMemory()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
