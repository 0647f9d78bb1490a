import Features
import LinearAlgebra

/// The shape-changing transforms on the canonical dense data, side by side with scikit-learn and
/// polars:
/// - "PolynomialFeatures.fit+transform" (degree 2, bias, 1,000,000 x 16 -> 153 columns): fit and
///   transform into a new dense matrix; polars builds the same columns as expressions
///   (`pl.lit(1)`, the inputs, every `x_i * x_j`) and materialises them with `to_numpy()`;
/// - "Normalizer.transform" (L2, 1,000,000 x 32) into a new matrix; polars divides by
///   `sqrt(sum_horizontal(x^2))` (its rows with norm 0 become NaN where ours stay 0);
/// - "PowerTransformer.transform" (Yeo-Johnson, standardised, 1,000,000 x 32), both sides fitted
///   untimed on the first 10,000 rows (the lambda search is a fit cost, not a transform cost).
public struct ShapeSuite: BenchSuite {
    public let group = "transforms"
    /// Rows for tests; nil = the canonical sizes (smaller when quick).
    public let rows: Int?

    public init(rows: Int? = nil) {
        self.rows = rows
    }

    static let seed: UInt64 = 7
    static let fitRows = 10_000

    public var workloadNames: [String] {
        ["PolynomialFeatures.fit+transform", "Normalizer.transform", "PowerTransformer.transform"]
    }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let n = rows ?? (configuration.quick ? 200_000 : 1_000_000)
        var records: [BenchRecord] = []
        if configuration.selects("PolynomialFeatures.fit+transform") {
            let cols = 16
            context.progress("generating \(n)x\(cols) synthetic features")
            let x = try SyntheticData.features(seed: Self.seed, rows: n, columns: cols)
            let outputs = 1 + cols + cols * (cols + 1) / 2
            let arguments = ["rows": String(n), "cols": String(cols), "seed": String(Self.seed)]
            for lib in ["sklearn", "polars"] {
                let name = "PolynomialFeatures(degree 2).fit+transform \(n)x\(cols) (vs \(lib))"
                context.progress(name)
                var sink = 0.0
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 5, quick: 3), peerWorkload: "shape.polynomial",
                    peerArguments: arguments.merging(["lib": lib]) { $1 }
                ) {
                    let y = try PolynomialFeatures(degree: 2).fit(x).transform(x, columnNames: nil, threads: threads)
                    sink += try y.element(row: n - 1, column: outputs - 1)
                }
                if !sink.isFinite { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
                let bytes = Double(n * (cols + outputs) * 8)  // read the input, write the output
                records.append(BenchRecord(name: name, rows: n, cols: cols, timing: timing,
                                           rowsPerSecond: Double(n) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
            }
        }
        let cols = 32
        let needsWide = configuration.selects("Normalizer.transform") || configuration.selects("PowerTransformer.transform")
        guard needsWide else { return records }
        context.progress("generating \(n)x\(cols) synthetic features")
        let x = try SyntheticData.features(seed: Self.seed, rows: n, columns: cols)
        let arguments = ["rows": String(n), "cols": String(cols), "seed": String(Self.seed)]
        let bytes = Double(n * cols * 8 * 2)
        if configuration.selects("Normalizer.transform") {
            let fitted = try Normalizer().fit(x)
            for lib in ["sklearn", "polars"] {
                let name = "Normalizer(l2).transform \(n)x\(cols) (vs \(lib))"
                context.progress(name)
                var sink = 0.0
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 7, quick: 3), peerWorkload: "shape.normalizer",
                    peerArguments: arguments.merging(["lib": lib]) { $1 }
                ) {
                    sink += try fitted.transform(x, columnNames: nil, threads: threads).element(row: n - 1, column: cols - 1)
                }
                if !sink.isFinite { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
                records.append(BenchRecord(name: name, rows: n, cols: cols, timing: timing,
                                           rowsPerSecond: Double(n) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
            }
        }
        if configuration.selects("PowerTransformer.transform") {
            let name = "PowerTransformer(yeo-johnson).transform \(n)x\(cols) (vs sklearn)"
            context.progress("fitting PowerTransformer on the first \(Self.fitRows) rows")
            let fitted = try PowerTransformer().fit(try x.rowBlock(0..<Swift.min(Self.fitRows, n)).copy(), threads: threads)
            context.progress(name)
            var sink = 0.0
            let (timing, peer) = try context.measure(
                repeats: context.repeats(full: 5, quick: 3), peerWorkload: "shape.power_transform",
                peerArguments: arguments.merging(["fit_rows": String(Self.fitRows)]) { $1 }
            ) {
                sink += try fitted.transform(x, columnNames: nil, threads: threads).element(row: n - 1, column: cols - 1)
            }
            if !sink.isFinite { throw BenchError.resultCheckFailed("\(name) produced \(sink)") }
            records.append(BenchRecord(name: name, rows: n, cols: cols, timing: timing,
                                       rowsPerSecond: Double(n) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
        }
        return records
    }
}
