import Features
import LinearAlgebra
import Tabular

/// OneHotEncoder fit + transform on 1,000,000 rows of four integer categorical columns with
/// cardinalities 10, 100, 1,000 and 10,000 (`SyntheticData.categoryCode`, mirrored by peer.py's
/// `synthetic_categories`), side by side with scikit-learn and polars:
/// - "sparse 4 columns": FeatureKit's `transformIndices` (per-row output columns, CSR-like) against
///   scikit-learn's `OneHotEncoder().fit_transform(X)` (a scipy CSR matrix) — a dense output of
///   11,110 columns would need 89 GB;
/// - "dense 2 columns": the two small columns (10 + 100 outputs) as a dense Double matrix, against
///   scikit-learn with `sparse_output=False` and polars `df.to_dummies().to_numpy()` (whose
///   output is UInt8, an eighth of the bytes FeatureKit writes), and ("polars-f64") polars' output
///   converted with `astype(np.float64)` to the same Double matrix. A fresh 880 MB output is bound
///   by the kernel zeroing every new page before we write it;
/// - "dense into reused output": the same fit + transform writing into an output matrix kept
///   across calls (`transform(_:into:)`, streamed with non-temporal stores), the steady state of a
///   batch pipeline; the peers have no such form and allocate each time.
/// Inputs are built in setup, untimed: the Table for FeatureKit, an int64 array / DataFrame for the peers.
public struct EncodingSuite: BenchSuite {
    public let group = "encoding"
    public let rows: Int?

    public init(rows: Int? = nil) {
        self.rows = rows
    }

    static let seed: UInt64 = 7

    public var workloadNames: [String] { ["OneHotEncoder.sparse", "OneHotEncoder.dense", "OneHotEncoder.dense UInt8"] }


    /// The four categorical columns as a Table ("c0" ... "c3", integer categories).
    static func table(rows: Int, columns: Int) throws -> Table {
        try Table((0..<columns).map { j in
            let cardinality = SyntheticData.categoryCardinalities[j]
            let codes = (0..<rows).map { Int32(SyntheticData.categoryCode(seed: seed, row: $0, column: j, cardinality: cardinality)) }
            let values = try CategoricalValues(levels: (0..<cardinality).map(String.init), codes: codes, kind: .integer)
            return Column(name: "c\(j)", values: .categorical(values))
        })
    }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let n = rows ?? (configuration.quick ? 200_000 : 1_000_000)
        var records: [BenchRecord] = []
        let arguments = ["rows": String(n), "seed": String(Self.seed)]
        if configuration.selects("OneHotEncoder.sparse") {
            context.progress("generating \(n)x4 categorical columns")
            let table = try Self.table(rows: n, columns: 4)
            let name = "OneHotEncoder.fit+transform sparse \(n)x4 (cardinalities 10..10,000) (vs sklearn)"
            context.progress(name)
            var sink = 0
            let (timing, peer) = try context.measure(
                repeats: context.repeats(full: 7, quick: 3), peerWorkload: "encoding.onehot",
                peerArguments: arguments.merging(["lib": "sklearn", "columns": "4", "dense": "0"]) { $1 }
            ) {
                let fitted = try OneHotEncoder().fit(table, threads: threads)
                let out = try fitted.transformIndices(table)
                sink &+= Int(out.indices[out.indices.count - 1])
            }
            records.append(BenchRecord(name: name, rows: n, cols: 4, timing: timing,
                                       rowsPerSecond: Double(n) / timing.median, peer: peer))
            if sink < 0 { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
        }
        if configuration.selects("OneHotEncoder.dense") {
            context.progress("generating \(n)x2 categorical columns")
            let table = try Self.table(rows: n, columns: 2)
            for lib in ["sklearn", "polars", "polars-f64"] {
                let name = "OneHotEncoder.fit+transform dense \(n)x2 (cardinalities 10, 100) (vs \(lib))"
                context.progress(name)
                var sink = 0.0
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 7, quick: 3), peerWorkload: "encoding.onehot",
                    peerArguments: arguments.merging(["lib": lib, "columns": "2", "dense": "1"]) { $1 }
                ) {
                    let fitted = try OneHotEncoder().fit(table, threads: threads)
                    let out = try fitted.transform(table, threads: threads)
                    sink += try out.element(row: n - 1, column: out.columns - 1)
                }
                records.append(BenchRecord(name: name, rows: n, cols: 2, timing: timing,
                                           rowsPerSecond: Double(n) / timing.median,
                                           bytesPerSecond: Double(n * 110 * 8) / timing.median, peer: peer))
                if !sink.isFinite { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
            }
            // The steady state: the same fit + transform into an output reused across calls (no
            // fresh pages for the kernel to zero); the peers have no such form, so they allocate.
            let fitted = try OneHotEncoder().fit(table, threads: threads)
            var output = try Matrix<Double>(rows: n, columns: fitted.outputCount)
            for lib in ["sklearn", "polars"] {
                let name = "OneHotEncoder.fit+transform dense into reused output \(n)x2 (vs \(lib))"
                context.progress(name)
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 7, quick: 3), peerWorkload: "encoding.onehot",
                    peerArguments: arguments.merging(["lib": lib, "columns": "2", "dense": "1"]) { $1 }
                ) {
                    let refitted = try OneHotEncoder().fit(table, threads: threads)
                    try refitted.transform(table, into: &output, threads: threads)
                }
                records.append(BenchRecord(name: name, rows: n, cols: 2, timing: timing,
                                           rowsPerSecond: Double(n) / timing.median,
                                           bytesPerSecond: Double(n * 110 * 8) / timing.median, peer: peer))
            }
        }
        if configuration.selects("OneHotEncoder.fit+transform dense UInt8") || configuration.selects("OneHotEncoder.dense UInt8") {
            records += try Self.denseUInt8(context, rows: n, arguments: arguments)
        }
        return records
    }
}

extension EncodingSuite {
    /// "OneHotEncoder.fit+transform dense UInt8": the dense one-hot of the two small columns as
    /// bytes (`OneHotEncoder(dtype: .uint8)`, `transformDense`), against scikit-learn's
    /// `OneHotEncoder(sparse_output=False, dtype=np.uint8)` and polars' `to_dummies().to_numpy()`
    /// (UInt8 as well); then into a reused byte output (the steady state; the peers allocate).
    static func denseUInt8(_ context: BenchContext, rows n: Int, arguments: [String: String]) throws -> [BenchRecord] {
        let threads = context.configuration.threads
        context.progress("generating \(n)x2 categorical columns")
        let table = try table(rows: n, columns: 2)
        var records: [BenchRecord] = []
        let encoder = OneHotEncoder(dtype: .uint8)
        var reused = try UInt8Matrix(rows: n, columns: try encoder.fit(table, threads: threads).outputCount)
        for reuse in [false, true] {
            for lib in ["sklearn", "polars"] {
                let name = "OneHotEncoder.fit+transform dense UInt8 \(reuse ? "into reused output " : "")\(n)x2 (cardinalities 10, 100) (vs \(lib))"
                context.progress(name)
                var sink = 0
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 7, quick: 3), peerWorkload: "encoding.onehot_uint8",
                    peerArguments: arguments.merging(["lib": lib, "columns": "2"]) { $1 }
                ) {
                    let fitted = try encoder.fit(table, threads: threads)
                    if reuse {
                        try fitted.transform(table, into: &reused, threads: threads)
                        sink &+= Int(try reused.element(row: n - 1, column: reused.columns - 1))
                    } else if case let .uint8(out) = try fitted.transformDense(table, threads: threads) {
                        sink &+= Int(try out.element(row: n - 1, column: out.columns - 1))
                    }
                }
                records.append(BenchRecord(name: name, rows: n, cols: 2, timing: timing,
                                           rowsPerSecond: Double(n) / timing.median,
                                           bytesPerSecond: Double(n * reused.columns) / timing.median, peer: peer))
                if sink < 0 { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
            }
        }
        return records
    }
}
