// The Statistics and Features layers: fitting summaries and scalers, transforming in place, and a
// pipeline's fused row-block transform, on FeatureKit's canonical design-matrix shape.
//
// Inputs are built from a fixed seed in `setup:` (not measured). Metrics: wall clock and throughput
// for people; `mallocCountTotal` for the CI gate (Benchmarks/check-allocations.sh). Every case runs
// on ONE thread: spreading rows over threads starts Dispatch work items, whose allocations are the
// runtime's and vary with scheduling, and what the gate must pin is the steady state of the
// transform itself. Each case's comment gives its allocations per iteration as measured (Swift 6.3.1)
// and where they come from.
//
// Closure parameters carry their types (see LinearAlgebraBenchmarks.swift for why).

import Benchmark
import Features
import LinearAlgebra
import Statistics
import Tabular
import Foundation

/// A design matrix and the state a case works on. A class, so that the measured closure mutates the
/// stored matrix through the reference (a struct copy would share its buffer and copy on first write).
final class Design: @unchecked Sendable {
    var x: Matrix<Double>
    let standard: StandardScaler.Fitted
    let minMax: MinMaxScaler.Fitted
    var forward = true
    let table: Table
    let pipeline: FittedPipeline

    init(rows: Int, columns: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        // Mixed scales, as real features: column j spans +-10^(j mod 7 - 3).
        var x = try Matrix<Double>.uniform(rows: rows, columns: columns, in: -1...1, using: &generator)
        for i in 0..<rows {
            for j in 0..<columns { x[i, j] *= [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3][j % 7] }
        }
        self.x = x
        standard = try StandardScaler().fit(x)
        minMax = try MinMaxScaler().fit(x)
        let names = (0..<columns).map { "x\($0)" }
        table = try Table(x, names: names)
        let spec = """
        {"columns": [{"name": "num", "select": {"kind": "numeric"}, "steps": [{"type": "StandardScaler"}]}],
         "steps": [{"type": "MinMaxScaler"}]}
        """
        pipeline = try Pipeline.spec(json: Data(spec.utf8)).fit(table)
    }
}

/// The canonical shape of the transform workloads, at a size that keeps a benchmark run short.
let rows = 200_000
let columns = 32

/// Wall clock and throughput for people; malloc counts with zero tolerance for the gate (see
/// LinearAlgebraBenchmarks.swift).
func configuration(maxDuration: Duration = .seconds(1), maxIterations: Int = 200, mallocTolerance: Int = 0) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2, maxDuration: maxDuration, maxIterations: maxIterations,
        thresholds: [
            .mallocCountTotal: BenchmarkThresholds(relative: [:], absolute: [.p90: mallocTolerance]),
            .wallClock: BenchmarkThresholds(relative: [:], absolute: [:]),
            .throughput: BenchmarkThresholds(relative: [:], absolute: [:]),
        ])
}

let benchmarks: @Sendable () -> Void = {
    // MARK: Statistics

    // Column moments (count, scaled mean and M2, NaN count) over fixed 4096-row blocks, merged in
    // order: 51 MB read. Allocations: 591 = about 12 per 4096-row block (the block's summary arrays
    // and the merge's results); fitting is not yet allocation-free per block.
    Benchmark("MomentsSummary.fit 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Design) in
        blackHole(try MomentsSummary.fit(state.x, threads: 1))
    } setup: {
        try Design(rows: rows, columns: columns, seed: 1)
    }

    // MARK: Scalers

    // fit = the moments above plus O(columns) arrays for the fitted map. Allocations: 598 (591 + 7).
    Benchmark("StandardScaler.fit 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Design) in
        blackHole(try StandardScaler().fit(state.x, threads: 1))
    } setup: {
        try Design(rows: rows, columns: columns, seed: 2)
    }

    // The steady state of a transform: in place over the stored matrix, alternating with the inverse
    // so the values stay put; 51 MB read and written. Allocations: 5 per call, none per block: the
    // parameters converted to the scalar type (3), the block list and the per-block results (2).
    // (Was 54, one per block, until ParallelRows.map was made @inlinable: unspecialised, it boxed
    // each block's result. This case is the gate's guard against that coming back.)
    Benchmark("StandardScaler.transform in place 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Design) in
        if state.forward {
            try state.standard.transformInPlace(&state.x, threads: 1)
        } else {
            try state.standard.inverseTransformInPlace(&state.x, threads: 1)
        }
        state.forward.toggle()
    } setup: {
        try Design(rows: rows, columns: columns, seed: 3)
    }

    // Into a new matrix. Allocations: 6 = the 5 above and the output.
    Benchmark("MinMaxScaler.transform 200k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Design) in
        blackHole(try state.minMax.transform(state.x, columnNames: nil, threads: 1))
    } setup: {
        try Design(rows: rows, columns: columns, seed: 4)
    }

    // MARK: Pipeline

    // A fitted pipeline (StandardScaler on every column, then MinMaxScaler) over a Table, fused in
    // 1024-row blocks: per block, the block's input gather, one matrix per step, and the output
    // append. Allocations: 3344, about 17 per block. Not yet allocation-free per block: this count
    // is the baseline that work must lower (and that the gate keeps from rising).
    // The count differs by one between processes (3343 in a fresh clone's CI run, 3344 here), so this
    // case alone has a tolerance of 8: far below the ~196 that one more allocation per block adds.
    Benchmark("Pipeline.transform 200k x 32 Double", configuration: configuration(mallocTolerance: 8)) { (_: Benchmark, state: Design) in
        blackHole(try state.pipeline.transform(state.table, threads: 1))
    } setup: {
        try Design(rows: rows, columns: columns, seed: 5)
    }
}
