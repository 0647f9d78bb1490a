import LinearAlgebra

/// BLAS throughput: dgemm on n x n x n (the machine's compute peak as OpenBLAS reaches it) and
/// dsyrk `X^T X` on a tall 1,000,000 x 32 matrix (the Gram matrix of least squares, bounded by a
/// mix of memory and compute), at 1 thread and at the configured thread count.
public struct BLASThroughputSuite: BenchSuite {
    public let group = "blas"
    /// dgemm order; nil = 4096 (2048 when quick).
    public let gemmOrder: Int?
    /// Rows of the 32-column dsyrk input; nil = 1,000,000.
    public let syrkRows: Int?

    /// - Parameters: fixed sizes (tests use small ones); nil = the defaults.
    public init(gemmOrder: Int? = nil, syrkRows: Int? = nil) {
        self.gemmOrder = gemmOrder
        self.syrkRows = syrkRows
    }

    public var workloadNames: [String] { ["blas.dgemm", "blas.dsyrk"] }

    /// The record name of a BLAS workload at a thread count, e.g. "blas.dgemm 4096^3 (2 threads)".
    public static func recordName(_ base: String, threads: Int) -> String {
        "\(base) (\(threads) thread\(threads == 1 ? "" : "s"))"
    }

    /// Data seed shared with the peer (streams 10 and 11 for dgemm, 12 for dsyrk).
    static let seed: UInt64 = 42

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        var records: [BenchRecord] = []
        let threadCounts = configuration.threads == 1 ? [1] : [1, configuration.threads]
        defer { try? BLASRuntime.setThreadCount(configuration.threads) }

        if configuration.selects("blas.dgemm") {
            let n = gemmOrder ?? (configuration.quick ? 2048 : 4096)
            let a = try SyntheticData.uniformMatrix(seed: Self.seed, stream: 10, rows: n, columns: n)
            let b = try SyntheticData.uniformMatrix(seed: Self.seed, stream: 11, rows: n, columns: n)
            var c = try Matrix<Double>(rows: n, columns: n)
            for threads in threadCounts {
                try BLASRuntime.setThreadCount(threads)
                let name = Self.recordName("blas.dgemm \(n)^3", threads: threads)
                context.progress(name)
                // The peer runs at the configured thread count: compare at that count only.
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 5, quick: 3),
                    peerWorkload: threads == configuration.threads ? "blas.dgemm" : nil,
                    peerArguments: ["n": String(n), "seed": String(Self.seed)]
                ) { try BLAS.gemm(a, b, into: &c) }
                let flops = 2 * Double(n) * Double(n) * Double(n)
                records.append(BenchRecord(name: name, rows: n, cols: n, timing: timing,
                                           gflops: flops / timing.median / 1e9, peer: peer))
            }
            try checkProductEntries(a, b, c)
        }

        if configuration.selects("blas.dsyrk") {
            let (rows, cols) = (syrkRows ?? 1_000_000, 32)
            let x = try SyntheticData.uniformMatrix(seed: Self.seed, stream: 12, rows: rows, columns: cols)
            var gram = try Matrix<Double>(rows: cols, columns: cols)
            for threads in threadCounts {
                try BLASRuntime.setThreadCount(threads)
                let name = Self.recordName("blas.dsyrk X^T X \(rows)x\(cols)", threads: threads)
                context.progress(name)
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 11, quick: 5),
                    peerWorkload: threads == configuration.threads ? "blas.dsyrk" : nil,
                    peerArguments: ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed)]
                ) { try BLAS.syrk(x, into: &gram) }
                let bytes = Double(rows * cols * 8)
                let limitName = MemoryBandwidthSuite.recordName(.read, threads: threads)
                let limit = context.results.record(named: limitName)?.bytesPerSecond
                records.append(BenchRecord(
                    name: name, rows: rows, cols: cols, timing: timing,
                    rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: bytes / timing.median,
                    gflops: Double(rows) * Double(cols) * Double(cols + 1) / timing.median / 1e9,
                    limitName: limit == nil ? nil : limitName,
                    limitRatio: limit.map { bytes / timing.median / $0 }, peer: peer))
            }
        }
        return records
    }

    /// Checks a few entries of C = A B against a plain sum, so a broken BLAS cannot report a fast time.
    private func checkProductEntries(_ a: Matrix<Double>, _ b: Matrix<Double>, _ c: Matrix<Double>) throws {
        let n = a.rows
        for (i, j) in [(0, 0), (n / 3, n - 1), (n - 1, n / 2)] {
            var sum = 0.0, magnitude = 0.0
            for k in 0..<n {
                let term = try a.element(row: i, column: k) * b.element(row: k, column: j)
                sum += term
                magnitude += abs(term)
            }
            let got = try c.element(row: i, column: j)
            guard abs(got - sum) <= 1e-12 * Double(n) * magnitude else {
                throw BenchError.resultCheckFailed("dgemm C[\(i), \(j)] = \(got), expected \(sum)")
            }
        }
    }
}
