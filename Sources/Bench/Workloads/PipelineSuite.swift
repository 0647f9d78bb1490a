import Features
import Foundation
import LinearAlgebra
import Tabular

/// A fused pipeline, impute -> scale -> polynomial (degree 2), fitted and applied to a table of the
/// canonical features with NaN holes (1,000,000 x 16), against scikit-learn's
/// `make_pipeline(SimpleImputer(), StandardScaler(), PolynomialFeatures(2)).fit_transform(X)`.
/// Ours fits the imputer and the scaler by streaming row blocks into mergeable moments (no
/// intermediate matrix), then transforms as one fused row program writing only the output.
public struct PipelineSuite: BenchSuite {
    public let group = "pipelines"
    public let shapes: [(rows: Int, cols: Int)]?

    public init(shapes: [(rows: Int, cols: Int)]? = nil) {
        self.shapes = shapes
    }

    static let seed: UInt64 = 7
    static let name = "Pipeline(impute, scale, poly2).fit+transform"
    public var workloadNames: [String] { [Self.name] }

    static let spec = """
    {"columns": [{"name": "x", "select": {"kind": "numeric"},
                  "steps": [{"type": "SimpleImputer"}, {"type": "StandardScaler"}, {"type": "PolynomialFeatures", "degree": 2}]}]}
    """

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        guard configuration.selects(Self.name) else { return [] }
        let threads = configuration.threads
        var records: [BenchRecord] = []
        for (rows, cols) in shapes ?? (configuration.quick ? [(200_000, 16)] : [(1_000_000, 16)]) {
            context.progress("generating \(rows)x\(cols) synthetic features with NaN holes")
            let x = try QuantileSuite.withHoles(try SyntheticData.features(seed: Self.seed, rows: rows, columns: cols))
            let table = try Table(x, names: (0..<cols).map { "x\($0)" })
            let pipeline = try Pipeline.spec(json: Data(Self.spec.utf8))
            let recordName = "\(Self.name) \(rows)x\(cols)"
            context.progress(recordName)
            var width = 0
            let (timing, peer) = try context.measure(
                repeats: context.repeats(full: 5, quick: 3), peerWorkload: "pipeline.impute_scale_poly",
                peerArguments: ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed)]
            ) {
                let fitted = try pipeline.fit(table, threads: threads)
                width = try fitted.transform(table, threads: threads).columns
            }
            let bytes = Double(rows * (cols + width) * 8)
            records.append(BenchRecord(name: recordName, rows: rows, cols: cols, timing: timing,
                                       rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
        }
        return records
    }
}
