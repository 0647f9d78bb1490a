import Foundation
import LinearAlgebra
import Models

/// LinearRegression (accurate QR path and normal equations) and Ridge on the canonical dense data
/// (1,000,000 x 32 and 100,000 x 256 Double, `SyntheticData.features` with its regression target),
/// side by side with scikit-learn's `LinearRegression().fit` and `Ridge(solver="cholesky").fit`.
///
/// The normal-equations record carries, as its limit, `dsyrk` of `X^T X` on the same matrix
/// measured in the same run: its `limit_ratio` is `t(dsyrk) / t(fit)` (the target is a fit
/// within 1.3x of the dsyrk time, i.e. a ratio >= 0.77).
public struct LinearModelSuite: BenchSuite {
    public let group = "models"
    /// Fixed sizes for tests; nil = the canonical shapes (smaller when quick).
    public let shapes: [(rows: Int, cols: Int)]?

    public init(shapes: [(rows: Int, cols: Int)]? = nil) {
        self.shapes = shapes
    }

    static let seed: UInt64 = 7

    public var workloadNames: [String] { ["LinearRegression.fit", "LinearRegression.normalEquations", "Ridge.fit"] }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        // FEATUREKIT_LINEAR_SHAPES="100000x256,1000000x32" narrows a run (profiling one shape).
        let requested = ProcessInfo.processInfo.environment["FEATUREKIT_LINEAR_SHAPES"].map { text in
            text.split(separator: ",").compactMap { item -> (rows: Int, cols: Int)? in
                let parts = item.split(separator: "x").compactMap { Int($0) }
                return parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? (parts[0], parts[1]) : nil
            }
        }
        let sizes = shapes ?? requested ?? (configuration.quick ? [(200_000, 32)] : [(1_000_000, 32), (100_000, 256)])
        var records: [BenchRecord] = []
        guard workloadNames.contains(where: { configuration.selects($0) }) else { return [] }
        for (rows, cols) in sizes {
            context.progress("generating \(rows)x\(cols) synthetic features and target")
            let x = try SyntheticData.features(seed: Self.seed, rows: rows, columns: cols)
            let y = try SyntheticData.targets(seed: Self.seed, features: x).regression
            let shape = "\(rows)x\(cols)"
            let bytes = Double(rows * cols * 8)
            let peerArguments = ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed)]
            var sink = 0.0
            if configuration.selects("LinearRegression.fit") {
                let name = "LinearRegression.fit (qr) \(shape)"
                context.progress(name)
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 5, quick: 3), peerWorkload: "linear.fit",
                    peerArguments: peerArguments.merging(["model": "linear"]) { $1 }
                ) {
                    sink += try LinearRegression().fit(x: x, y: y, threads: threads).intercept
                }
                records.append(BenchRecord(name: name, rows: rows, cols: cols, timing: timing,
                                           rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
            }
            if configuration.selects("LinearRegression.normalEquations") {
                let syrkName = "dsyrk X^T X \(shape) (same data)"
                context.progress(syrkName)
                var gram = try Matrix<Double>(rows: cols, columns: cols)
                // Timed in the same alternation as the fit it is the limit for (with a peer: each
                // repeat after an idle wait and after the peer's fit has run and left the caches),
                // so the ratio compares like with like; the peer's timing here is not reported.
                let (syrk, _) = try context.measure(
                    repeats: context.repeats(full: 7, quick: 3), peerWorkload: "linear.fit",
                    peerArguments: peerArguments.merging(["model": "linear"]) { $1 }
                ) {
                    try BLAS.syrk(x, into: &gram)
                }
                records.append(BenchRecord(name: syrkName, rows: rows, cols: cols, timing: syrk,
                                           rowsPerSecond: Double(rows) / syrk.median, bytesPerSecond: bytes / syrk.median))
                let name = "LinearRegression.fit (normalEquations) \(shape)"
                context.progress(name)
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 5, quick: 3), peerWorkload: "linear.fit",
                    peerArguments: peerArguments.merging(["model": "linear"]) { $1 }
                ) {
                    sink += try LinearRegression(solver: .normalEquations).fit(x: x, y: y, threads: threads).intercept
                }
                records.append(BenchRecord(name: name, rows: rows, cols: cols, timing: timing,
                                           rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: bytes / timing.median,
                                           limitName: syrkName, limitRatio: syrk.median / timing.median, peer: peer))
            }
            if configuration.selects("Ridge.fit") {
                let name = "Ridge.fit (auto) \(shape)"
                context.progress(name)
                let (timing, peer) = try context.measure(
                    repeats: context.repeats(full: 5, quick: 3), peerWorkload: "linear.fit",
                    peerArguments: peerArguments.merging(["model": "ridge"]) { $1 }
                ) {
                    sink += try Ridge(alpha: 1).fit(x: x, y: y, threads: threads).intercept
                }
                records.append(BenchRecord(name: name, rows: rows, cols: cols, timing: timing,
                                           rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: bytes / timing.median, peer: peer))
            }
            if !sink.isFinite { throw BenchError.resultCheckFailed("linear models on \(shape) produced \(sink)") }
        }
        return records
    }
}
