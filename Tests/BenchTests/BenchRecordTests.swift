import Foundation
import LinearAlgebra
import Testing
@testable import Bench

@Suite("Benchmark records and reports")
struct BenchRecordTests {
    static let keys: Set<String> = [
        "name", "rows", "cols", "seconds_median", "seconds_min", "seconds_max", "repeats",
        "rows_per_second", "bytes_per_second", "gflops", "limit_name", "limit_ratio", "peer_name",
        "peer_seconds_median", "speedup_vs_peer",
    ]

    @Test("every record has every key, null where it does not apply")
    func jsonHasEveryKey() throws {
        let timing = try TimingSummary(samples: [0.3, 0.1, 0.2])
        let sparse = BenchRecord(name: "x", rows: nil, cols: nil, timing: timing)
        let full = BenchRecord(name: "y", rows: 10, cols: 2, timing: timing, rowsPerSecond: 50,
                               bytesPerSecond: 8e9, gflops: 1, limitName: "memory.read (1 thread)",
                               limitRatio: 0.5, peer: PeerTiming(name: "peer", timing: try TimingSummary(samples: [0.4])))
        let data = Data(try BenchReport.json([sparse, full]).utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        for object in array { #expect(Set(object.keys) == Self.keys) }
        #expect(array[0]["rows"] is NSNull)
        #expect(array[0]["speedup_vs_peer"] is NSNull)
        #expect(array[0]["seconds_median"] as? Double == 0.2)
        #expect(array[1]["speedup_vs_peer"] as? Double == 2.0)  // 0.4 / 0.2
        let decoded = try JSONDecoder().decode([BenchRecord].self, from: data)
        #expect(decoded == [sparse, full])
    }

    @Test("timing summary: median of odd and even counts, min, max; empty is an error")
    func timingSummary() throws {
        let odd = try TimingSummary(samples: [5, 1, 3])
        #expect(odd.median == 3 && odd.min == 1 && odd.max == 5 && odd.repeats == 3)
        let even = try TimingSummary(samples: [4, 1, 3, 2])
        #expect(even.median == 2.5)
        #expect(throws: BenchError.noSamples) { try TimingSummary(samples: []) }
        #expect(throws: BenchError.invalidRepeats(0)) { try measure(repeats: 0) {} }
    }

    @Test("configuration rejects bad threads and repeats; filters by substring")
    func configuration() throws {
        #expect(throws: BenchError.invalidThreads(0)) { try BenchConfiguration(threads: 0) }
        #expect(throws: BenchError.invalidRepeats(0)) { try BenchConfiguration(threads: 1, repeats: 0) }
        let config = try BenchConfiguration(threads: 1, only: ["MEMORY.read"])
        #expect(config.selects("memory.read"))
        #expect(!config.selects("blas.dgemm"))
        #expect(throws: BenchError.self) {
            try BenchRunner(suites: [MemoryBandwidthSuite(elementCount: 64)])
                .run(BenchConfiguration(threads: 1, only: ["nothing-matches"]))
        }
    }

    @Test("ranges split evenly, cover everything once, on 64-element boundaries", arguments: [1, 2, 3, 7])
    func split(parts: Int) {
        for count in [0, 1, 63, 64, 1000, 4097] {
            let ranges = MemoryBandwidthSuite.split(count, into: parts)
            #expect(ranges.count == parts)
            #expect(ranges.map(\.count).reduce(0, +) == count)
            for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
            for r in ranges.dropFirst() where r.lowerBound < count { #expect(r.lowerBound % 64 == 0) }
        }
    }

    @Test("a small run produces every limit record with consistent throughput and ratios")
    func smallRun() throws {
        let runner = BenchRunner(suites: [MemoryBandwidthSuite(elementCount: 10_000),
                                          BLASThroughputSuite(gemmOrder: 64, syrkRows: 1_000)])
        // The runner changes OpenBLAS's process-wide thread count (1 and 2 threads for the BLAS
        // figures) and gives the caller's back; held here so that no other test changes it meanwhile.
        let (records, before, after) = try BLASRuntime.withThreadCountHeld {
            let before = BLASRuntime.threadCount
            let records = try runner.run(BenchConfiguration(threads: 2, repeats: 2))
            return (records, before, BLASRuntime.threadCount)
        }
        #expect(after == before, "the runner left OpenBLAS at \(after) threads, found \(before)")
        let names = records.map(\.name)
        for kernel in MemoryBandwidthSuite.Kernel.allCases {
            #expect(names.contains(MemoryBandwidthSuite.recordName(kernel, threads: 1)))
            #expect(names.contains(MemoryBandwidthSuite.recordName(kernel, threads: 2)))
        }
        #expect(names.contains("blas.dgemm 64^3 (2 threads)"))
        let syrk = try #require(records.record(named: "blas.dsyrk X^T X 1000x32 (1 thread)"))
        #expect(syrk.limitName == "memory.read (1 thread)")
        let read = try #require(records.record(named: "memory.read (1 thread)"))
        let ratio = try #require(syrk.limitRatio)
        let syrkBytes = try #require(syrk.bytesPerSecond), readBytes = try #require(read.bytesPerSecond)
        #expect(abs(ratio - syrkBytes / readBytes) <= 1e-12 * ratio)
        for record in records {
            #expect(record.secondsMin <= record.secondsMedian && record.secondsMedian <= record.secondsMax)
            #expect(record.repeats == 2)
        }
        let copy = try #require(records.record(named: "memory.copy (1 thread)"))
        #expect(copy.bytesPerSecond == 16 * 10_000 / copy.secondsMedian)
        let table = BenchReport.table(records)
        #expect(table.contains("memory.read (2 threads)") && table.contains("GFLOP/s"))
    }
}
