import Testing
@testable import LinearAlgebra

/// The work units of `LogisticKernels.predict` (claimed by the threads one at a time) change neither
/// the values nor which row an error names.
@Suite("Logistic predict: claimed work units")
struct PredictWorkUnitTests {
    @Test("forEachClaimed runs every unit exactly once, for any thread count", arguments: [1, 2, 3, 8])
    func everyUnitOnce(threads: Int) {
        for count in [0, 1, 2, 5, 1000] {
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(count, 1))
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            let slots = UnsafeMutableSendablePointer(hits.baseAddress!)
            ParallelRows.forEachClaimed(count: count, threads: threads) { unit in slots.pointer[unit] += 1 }
            #expect(Array(hits.prefix(count)) == Array(repeating: 1, count: count), "count \(count)")
        }
    }

    @Test("units: a power of two dividing the 4096-row block, at most 1 MiB of rows, at least 8 rows")
    func partRows() {
        let expected = [1: 4096, 13: 4096, 32: 4096, 33: 2048, 64: 2048, 65: 1024, 256: 512, 1000: 128, 16_384: 8, 1 << 20: 8, Int.max: 8]
        for (columns, rows) in expected {
            let got = LogisticKernels.predictPartRows(columns: columns)
            #expect(got == rows, "columns \(columns)")
            #expect(LogisticKernels.predictBlockRows % got == 0 && got % 8 == 0)
        }
    }

    /// The report of the 4096-row blocks run whole and in order (the definition of `nonFiniteRow`
    /// and `overflowRow`): each block stops at its first flagged row; the first block naming a
    /// non-finite input wins, else the first naming an overflow.
    static func wholeBlockReport(x: [Double], rows: Int, d: Int, w: [Double], b: [Double]) -> (Int?, Int?) {
        let flags = ParallelRows.blocks(rows: rows, blockRows: LogisticKernels.predictBlockRows).map { block in
            var out = [Double](repeating: 0, count: rows * 2)
            return x.withUnsafeBufferPointer { xs in
                out.withUnsafeMutableBufferPointer { os in
                    LogisticKernels.predictBlock(block, x: xs.baseAddress!, d: d, w: w, b: b, k: b.count, output: .probability,
                                                 width: Swift.max(b.count, 2), out: os.baseAddress!)
                }
            }
        }
        let nonFinite = flags.lazy.compactMap { $0.0 }.first
        return (nonFinite, nonFinite == nil ? flags.lazy.compactMap { $0.1 }.first : nil)
    }

    @Test("error rows: as whole 4096-row blocks would report them, for any thread count (256 columns: 8 units per block)",
          arguments: [1, 2, 3])
    func errorRows(threads: Int) throws {
        let (rows, d) = (9_000, 256)
        var x = (0..<(rows * d)).map { Double(($0 &* 2_654_435_761) % 1000) / 1000 - 0.5 }
        var w = (0..<d).map { Double($0 % 7) * 0.01 - 0.03 }
        w[0] = 1e300; w[1] = 1e300
        func overflow(_ i: Int) { x[i * d] = 1e300; x[i * d + 1] = -1e300 }  // products +inf and -inf: z is NaN
        func nan(_ i: Int) { x[i * d + 5] = .nan }
        let clean = x
        // (rows made to overflow, rows given a NaN, the expected report (nonFinite, overflow))
        let cases: [([Int], [Int], (Int?, Int?))] = [
            ([100], [600], (nil, 100)),     // same block, different units: the block stops at its first row
            ([600], [100], (100, nil)),
            ([100], [5000], (5000, nil)),   // a non-finite input in a later block wins over an overflow
            ([5000, 8999], [], (nil, 5000)),
            ([], [8999, 4095], (4095, nil)),
            ([4100], [3000], (3000, nil)),
        ]
        for (overflows, nans, expected) in cases.map({ ($0.0, $0.1, $0.2) }) {
            x = clean
            overflows.forEach(overflow)
            nans.forEach(nan)
            let reference = Self.wholeBlockReport(x: x, rows: rows, d: d, w: w, b: [0.25])
            #expect(reference.0 == expected.0 && reference.1 == expected.1)
            let got = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: [0.25],
                                                  output: .probability, threads: threads)
            #expect(got.nonFiniteRow == expected.0 && got.overflowRow == expected.1, "overflow \(overflows) NaN \(nans)")
        }
    }

    @Test("256 columns: values bit-identical for 1, 2 and 3 threads and to the portable loops", arguments: [1, 3])
    func wideValues(outputs: Int) throws {
        let (rows, d) = (4_100, 256)
        let x = (0..<(rows * d)).map { Double(($0 &* 40_503) % 2001) / 1000 - 1 }
        let w = (0..<(outputs * d)).map { Double(($0 &* 7_919) % 201) / 1000 - 0.1 }
        let b = (0..<outputs).map { Double($0) * 0.1 - 0.05 }
        for output in [LogisticKernels.Output.decision, .probability, .classIndex] {
            let portable = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b,
                                                       output: output, threads: 1, accelerated: false)
            for threads in [1, 2, 3] {
                let got = try LogisticKernels.predict(x: x, rows: rows, columns: d, coefficients: w, intercepts: b,
                                                      output: output, threads: threads)
                #expect(got.values.map(\.bitPattern) == portable.values.map(\.bitPattern), "\(output) threads \(threads)")
            }
        }
    }
}
