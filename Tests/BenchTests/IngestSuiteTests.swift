import Foundation
import Testing
@testable import Bench

@Suite("Ingest benchmark suite")
struct IngestSuiteTests {
    @Test("runs on a small shape, checks its reads, and removes its temporary folder")
    func smallRun() throws {
        // A parent folder of the test's own: the system's temporary folder is shared with other
        // processes, and another `swift test` on the machine running this test at the same moment
        // had its featurekit-ingest-* folder seen as ours (2 processes running this test in a loop
        // side by side: 35 of 60 runs of each failed the leftover check).
        let parent = NSTemporaryDirectory() + "featurekit-ingest-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        func leftovers() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? ["<unreadable>"] }
        #expect(leftovers().isEmpty)
        let configuration = try BenchConfiguration(quick: true, threads: 2, repeats: 1)
        let records = try BenchRunner(suites: [IngestSuite(shape: (rows: 500, cols: 4), temporaryParent: parent)]).run(configuration)
        let names = records.map(\.name)
        #expect(names.contains { $0.hasPrefix("CSVReader.read 500x4") && $0.hasSuffix("(vs pandas)") })
        #expect(names.contains { $0.hasPrefix("NPY.readDouble 500x4") })
        #expect(names.filter { $0.hasPrefix("csv.parse") }.count == 2)
        #expect(records.allSatisfy { $0.secondsMedian > 0 })
        #expect(leftovers().isEmpty, "the run left \(leftovers()) behind")
    }
}
