import Foundation
import Testing
@testable import Bench

@Suite("Ingest benchmark suite")
struct IngestSuiteTests {
    @Test("runs on a small shape, checks its reads, and removes its temporary folder")
    func smallRun() throws {
        func leftovers() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []).filter { $0.hasPrefix("featurekit-ingest-") })
        }
        let before = leftovers()
        let configuration = try BenchConfiguration(quick: true, threads: 2, repeats: 1)
        let records = try BenchRunner(suites: [IngestSuite(shape: (rows: 500, cols: 4))]).run(configuration)
        let names = records.map(\.name)
        #expect(names.contains { $0.hasPrefix("CSVReader.read 500x4") && $0.hasSuffix("(vs pandas)") })
        #expect(names.contains { $0.hasPrefix("NPY.readDouble 500x4") })
        #expect(names.filter { $0.hasPrefix("csv.parse") }.count == 2)
        #expect(records.allSatisfy { $0.secondsMedian > 0 })
        #expect(leftovers() == before)
    }
}
