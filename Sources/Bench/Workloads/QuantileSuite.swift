import Features
import LinearAlgebra

/// RobustScaler, KBinsDiscretizer (quantile strategy, exact) and SimpleImputer(mean) on the
/// canonical dense data (1,000,000 x 32 Double; 200,000 x 32 when quick), each fit then transform
/// into a new matrix, side by side with scikit-learn and polars:
/// - `RobustScaler.fit+transform`: sklearn `RobustScaler().fit_transform`; polars
///   `(col - median) / (q75 - q25)` expressions, `to_numpy()`;
/// - `KBinsDiscretizer.quantile.fit+transform` (5 bins, ordinal): sklearn
///   `KBinsDiscretizer(5, encode="ordinal", subsample=None)` (exact, like ours); polars
///   `col.qcut(5, left_closed=True, allow_duplicates=True).to_physical()`, `to_numpy()`;
/// - `SimpleImputer.mean.fit+transform` on the data with NaN injected at every flat (row-major)
///   index divisible by 97 (mirrored in peer.py): sklearn `SimpleImputer().fit_transform`; polars
///   `fill_null(mean)` on a frame whose NaN were turned into nulls outside the timing, `to_numpy()`.
public struct QuantileSuite: BenchSuite {
    public let group = "transforms"
    public let shapes: [(rows: Int, cols: Int)]?

    public init(shapes: [(rows: Int, cols: Int)]? = nil) {
        self.shapes = shapes
    }

    static let seed: UInt64 = 7
    static let names = ["RobustScaler.fit+transform", "KBinsDiscretizer.quantile.fit+transform", "SimpleImputer.mean.fit+transform"]

    public var workloadNames: [String] { Self.names }

    /// The data with NaN at every flat index divisible by 97.
    static func withHoles(_ x: Matrix<Double>) throws -> Matrix<Double> {
        var elements = x.elements
        for k in stride(from: 0, to: elements.count, by: 97) { elements[k] = .nan }
        return try Matrix(rows: x.rows, columns: x.columns, elements: elements)
    }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let sizes = shapes ?? (configuration.quick ? [(200_000, 32)] : [(1_000_000, 32)])
        var records: [BenchRecord] = []
        for (rows, cols) in sizes {
            guard Self.names.contains(where: configuration.selects) else { continue }
            context.progress("generating \(rows)x\(cols) synthetic features")
            let x = try SyntheticData.features(seed: Self.seed, rows: rows, columns: cols)
            let holes = try Self.withHoles(x)
            let shape = "\(rows)x\(cols)"
            let bytes = Double(rows * cols * 8)
            let base = ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed)]
            let workloads: [(name: String, peer: String, run: () throws -> Matrix<Double>)] = [
                ("RobustScaler.fit+transform", "quantile.robust",
                 { try RobustScaler().fit(x, threads: threads).transform(x, columnNames: nil, threads: threads) }),
                ("KBinsDiscretizer.quantile.fit+transform", "quantile.kbins",
                 { try KBinsDiscretizer(nBins: 5, encode: .ordinal).fit(x, threads: threads).transform(x, columnNames: nil, threads: threads) }),
                ("SimpleImputer.mean.fit+transform", "quantile.impute_mean",
                 { try SimpleImputer().fitTransform(holes, threads: threads).output }),
            ]
            for workload in workloads where configuration.selects(workload.name) {
                for lib in ["sklearn", "polars"] {
                    let recordName = "\(workload.name) \(shape) (vs \(lib))"
                    context.progress(recordName)
                    var sink = 0.0
                    let (timing, peer) = try context.measure(
                        repeats: context.repeats(full: 5, quick: 3), peerWorkload: workload.peer,
                        peerArguments: base.merging(["lib": lib]) { $1 }
                    ) {
                        let y = try workload.run()
                        sink += try y.element(row: rows - 1, column: cols - 1)
                    }
                    records.append(BenchRecord(
                        name: recordName, rows: rows, cols: cols, timing: timing,
                        rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: 2 * bytes / timing.median,
                        peer: peer))
                    if !sink.isFinite { throw BenchError.resultCheckFailed("\(recordName) produced \(sink)") }
                }
            }
            if configuration.selects("SimpleImputer.mean.fit+transform") {
                records += try Self.imputeIntoReused(context, holes: holes, base: base, bytes: bytes)
            }
        }
        return records
    }
}

extension QuantileSuite {
    /// The same fused fit + transform into an output reused across calls: the difference from the
    /// fresh-output workload is what the fresh output's page faults (and the kernel's zeroing of
    /// each new page) cost. The peers allocate their output as usual.
    static func imputeIntoReused(_ context: BenchContext, holes: Matrix<Double>, base: [String: String], bytes: Double) throws -> [BenchRecord] {
        let threads = context.configuration.threads
        var output = try Matrix<Double>(rows: holes.rows, columns: holes.columns)
        var records: [BenchRecord] = []
        for lib in ["sklearn", "polars"] {
            let recordName = "SimpleImputer.mean.fit+transform into reused output \(holes.rows)x\(holes.columns) (vs \(lib))"
            context.progress(recordName)
            let (timing, peer) = try context.measure(
                repeats: context.repeats(full: 5, quick: 3), peerWorkload: "quantile.impute_mean",
                peerArguments: base.merging(["lib": lib]) { $1 }
            ) {
                _ = try SimpleImputer().fitTransform(holes, into: &output, threads: threads)
            }
            records.append(BenchRecord(
                name: recordName, rows: holes.rows, cols: holes.columns, timing: timing,
                rowsPerSecond: Double(holes.rows) / timing.median, bytesPerSecond: 2 * bytes / timing.median, peer: peer))
        }
        if try output.element(row: holes.rows - 1, column: holes.columns - 1).isNaN {
            throw BenchError.resultCheckFailed("SimpleImputer into reused output left a NaN")
        }
        return records
    }
}
