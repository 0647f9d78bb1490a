// The Models layer: the steady state of prediction (what a serving process does batch after batch)
// and the fits, on FeatureKit's canonical design-matrix shape.
//
// Inputs are built from a fixed seed in `setup:` (not measured). Metrics: wall clock and throughput
// for people; `mallocCountTotal` for the CI gate (Benchmarks/check-allocations.sh). Prediction runs
// on ONE thread, so the counts pin the kernels' own allocations (not Dispatch's); each case's
// comment gives its count as measured (Swift 6.3.1) and where it comes from.

import Benchmark
import LinearAlgebra
import Models

/// A design matrix, targets and fitted models. A class so the measured closures read it by reference.
final class Problem: @unchecked Sendable {
    let x: Matrix<Double>
    let y: [Double]
    let labels: [Int]
    let linear: LinearRegressionFit
    let logistic: LogisticRegressionModel

    init(rows: Int, columns: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        x = try Matrix<Double>.uniform(rows: rows, columns: columns, in: -1...1, using: &generator)
        let beta = (0..<columns).map { Double(($0 % 5) - 2) }
        let elements = x.elements
        var y = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var sum = 0.0
            for j in 0..<columns { sum += elements[i * columns + j] * beta[j] }
            y[i] = sum + Double.random(in: -0.5..<0.5, using: &generator)
        }
        self.y = y
        labels = y.map { $0 > 0 ? 1 : 0 }
        linear = try LinearRegression().fit(x: x, y: y, threads: 1)
        logistic = try LogisticRegression(solver: .newtonCholesky).fit(x, labels, threads: 1)
    }
}

let rows = 200_000
let columns = 32

func configuration(maxDuration: Duration = .seconds(1), maxIterations: Int = 200) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2, maxDuration: maxDuration, maxIterations: maxIterations,
        thresholds: [
            .mallocCountTotal: BenchmarkThresholds(relative: [:], absolute: [.p90: 0]),
            .wallClock: BenchmarkThresholds(relative: [:], absolute: [:]),
            .throughput: BenchmarkThresholds(relative: [:], absolute: [:]),
        ])
}

/// OpenBLAS threads, pinned: its threaded level-3 calls (inside the QR and the Gram products) malloc
/// a job array per call, so the stored counts hold for exactly this many (see LinearAlgebraBenchmarks).
let openBLASThreads = 2

let benchmarks: @Sendable () -> Void = {
    Benchmark.setup = { try BLASRuntime.setThreadCount(openBLASThreads) }
    // X w + b for 200k rows: 51 MB read. Allocations: 1, the output.
    Benchmark("LinearRegression.predict 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Problem) in
        blackHole(try state.linear.predict(state.x))
    } setup: {
        try Problem(rows: rows, columns: columns, seed: 1)
    }

    // Probabilities of a binary model, fused sigmoid per row block, written into one output.
    // Allocations: 4 per call (the output, the parameter copies, the block list); was 53, one per
    // 4096-row block, before the blocks wrote in place.
    Benchmark("LogisticRegression.predictProbability 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Problem) in
        blackHole(try state.logistic.predictProbability(state.x, threads: 1))
    } setup: {
        try Problem(rows: rows, columns: columns, seed: 2)
    }

    // The accurate default fit: TSQR over row blocks, SVD of the small factor, refinement as needed.
    // Allocations: 1741 (per-block factors and LAPACK workspaces; a fit, not a steady state).
    Benchmark("LinearRegression.fit 200k x 32 Double", configuration: configuration(maxIterations: 50)) { (_: Benchmark, state: Problem) in
        blackHole(try LinearRegression().fit(x: state.x, y: state.y, threads: 1))
    } setup: {
        try Problem(rows: rows, columns: columns, seed: 3)
    }
}
