import Features
import LinearAlgebra

/// StandardScaler, MinMaxScaler and MaxAbsScaler on the canonical dense data (1,000,000 x 32 and
/// 100,000 x 256 Double, mixed scales and heavy tails), side by side with scikit-learn and polars:
/// - "fit+transform": fit, then transform into a new matrix (what `fit_transform` and a polars
///   `select(...).to_numpy()` do);
/// - "transform in place": the fitted transform over the data in place, alternating with its
///   inverse so the data stays put, against the in-place streaming limit: `memory.scale`'s kernel on
///   a buffer of the same size, timed in the same alternation with the peer.
public struct ScalerSuite: BenchSuite {
    public let group = "transforms"
    /// Fixed sizes for tests; nil = the canonical shapes (smaller when quick).
    public let shapes: [(rows: Int, cols: Int)]?

    public init(shapes: [(rows: Int, cols: Int)]? = nil) {
        self.shapes = shapes
    }

    static let seed: UInt64 = 7
    static let kinds = [("StandardScaler", "standard"), ("MinMaxScaler", "minmax"), ("MaxAbsScaler", "maxabs")]
    /// Timed runs of an in-place transform and of its same-size limit (each, interleaved): 15, was 11. A run takes
    /// 8-13 ms, and a system-wide `perf sched` trace of this benchmark on the shared 2-core machine
    /// showed other processes on a core in up to half of the runs (22-35 ms each), enough to move a
    /// median of 11. Same count for both sides.
    static let inPlaceRepeats = 15

    public var workloadNames: [String] {
        Self.kinds.flatMap { ["\($0.0).fit+transform", "\($0.0).transform"] }
    }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let sizes = shapes ?? (configuration.quick ? [(200_000, 32)] : [(1_000_000, 32), (100_000, 256)])
        var records: [BenchRecord] = []
        for (rows, cols) in sizes {
            guard Self.kinds.contains(where: { configuration.selects("\($0.0).fit+transform") || configuration.selects("\($0.0).transform") }) else { continue }
            context.progress("generating \(rows)x\(cols) synthetic features")
            let x = try SyntheticData.features(seed: Self.seed, rows: rows, columns: cols)
            let shape = "\(rows)x\(cols)"
            let bytes = Double(rows * cols * 8)
            let peerArguments = ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed)]
            for (name, kind) in Self.kinds {
                if configuration.selects("\(name).fit+transform") {
                    for lib in ["sklearn", "polars"] {
                        let recordName = "\(name).fit+transform \(shape) (vs \(lib))"
                        context.progress(recordName)
                        var sink = 0.0
                        let (timing, peer) = try context.measure(
                            repeats: context.repeats(full: 7, quick: 3), peerWorkload: "scaler.fit_transform",
                            peerArguments: peerArguments.merging(["scaler": kind, "lib": lib]) { $1 }
                        ) {
                            let y = try Self.fitTransform(kind, x, threads: threads)
                            sink += try y.element(row: rows - 1, column: cols - 1)
                        }
                        records.append(BenchRecord(
                            name: recordName, rows: rows, cols: cols, timing: timing,
                            rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: 2 * bytes / timing.median,
                            peer: peer))
                        if !sink.isFinite { throw BenchError.resultCheckFailed("\(recordName) produced \(sink)") }
                    }
                }
                if configuration.selects("\(name).transform") {
                    let recordName = "\(name).transform in place \(shape)"
                    context.progress(recordName)
                    // Its own copy, made before timing (not by copy-on-write in the first run), on
                    // huge pages as the input and the limit's buffer are.
                    let source = x.elements
                    var y = try Matrix<Double>(rows: x.rows, columns: x.columns) { i, j in source[i &* x.columns &+ j] }
                    let transform = try Self.inPlace(kind, fittedOn: x)
                    var forward = true
                    // The limit: `memory.scale`'s kernel (x2 and x0.5 in place, in 1 MiB units the
                    // threads claim, as the library's kernels schedule) on a buffer of the same size,
                    // timed in the same alternation as the transform (`measureWithLimit`: transform,
                    // limit, peer in each repeat, each run after the idle wait), so the ratio
                    // compares runs taken under the same load; the back-to-back `memory.scale` record
                    // on 2 GiB stays in the table for comparison.
                    let limitName = "memory.scale \(shape) in place (alternating as \(name).transform)"
                    let buffer = try StreamBuffer(count: rows * cols, value: 1)
                    var factor = 2.0
                    let (timing, limit, peer) = try context.measureWithLimit(
                        repeats: context.repeats(full: Self.inPlaceRepeats, quick: 5), peerWorkload: "scaler.transform_inplace",
                        peerArguments: peerArguments.merging(["scaler": kind]) { $1 }
                    ) {
                        try transform(&y, forward, threads)
                        forward.toggle()
                    } limit: {
                        _ = try MemoryBandwidthSuite.claimedPass(.scale, buffer, factor: factor, threads: threads)
                        factor = factor == 2 ? 0.5 : 2
                    }
                    let throughput = 2 * bytes / timing.median  // read and write every element
                    let limitThroughput = 2 * bytes / limit.median
                    records.append(BenchRecord(name: limitName, rows: rows * cols, cols: 1, timing: limit,
                                               rowsPerSecond: Double(rows * cols) / limit.median, bytesPerSecond: limitThroughput))
                    records.append(BenchRecord(
                        name: recordName, rows: rows, cols: cols, timing: timing,
                        rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: throughput,
                        limitName: limitName, limitRatio: throughput / limitThroughput, peer: peer))
                }
            }
        }
        return records
    }

    static func fitTransform(_ kind: String, _ x: Matrix<Double>, threads: Int) throws -> Matrix<Double> {
        switch kind {
        case "standard": return try StandardScaler().fit(x, threads: threads).transform(x, columnNames: nil, threads: threads)
        case "minmax": return try MinMaxScaler().fit(x, threads: threads).transform(x, columnNames: nil, threads: threads)
        default: return try MaxAbsScaler().fit(x, threads: threads).transform(x, columnNames: nil, threads: threads)
        }
    }

    /// The fitted transform (forward or inverse) in place, as one closure.
    static func inPlace(_ kind: String, fittedOn x: Matrix<Double>) throws -> (inout Matrix<Double>, Bool, Int) throws -> Void {
        switch kind {
        case "standard":
            let f = try StandardScaler().fit(x)
            return { y, forward, threads in forward ? try f.transformInPlace(&y, threads: threads) : try f.inverseTransformInPlace(&y, threads: threads) }
        case "minmax":
            let f = try MinMaxScaler().fit(x)
            return { y, forward, threads in forward ? try f.transformInPlace(&y, threads: threads) : try f.inverseTransformInPlace(&y, threads: threads) }
        default:
            let f = try MaxAbsScaler().fit(x)
            return { y, forward, threads in forward ? try f.transformInPlace(&y, threads: threads) : try f.inverseTransformInPlace(&y, threads: threads) }
        }
    }
}
