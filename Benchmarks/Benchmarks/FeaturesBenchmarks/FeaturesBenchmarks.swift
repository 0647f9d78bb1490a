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

/// The bench's pipeline (`featurekit bench --only Pipeline`): SimpleImputer(mean) ->
/// StandardScaler -> PolynomialFeatures(2) over 16 columns with NaN holes, fitted in setup.
final class FusedDesign: @unchecked Sendable {
    let table: Table
    let pipeline: FittedPipeline

    init(rows: Int, columns: Int, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        var built: [Column] = []
        for j in 0..<columns {
            var values = [Double](repeating: 0, count: rows)
            for i in 0..<rows {
                let value: Double = Double.random(in: -1...1, using: &generator) * Double(j + 1)
                values[i] = (i &* 31 &+ j) % 13 == 0 ? Double.nan : value
            }
            built.append(Column.numeric("x\(j)", values))
        }
        table = try Table(built)
        let spec = """
        {"columns": [{"name": "x", "select": {"kind": "numeric"},
                      "steps": [{"type": "SimpleImputer"}, {"type": "StandardScaler"}, {"type": "PolynomialFeatures", "degree": 2}]}]}
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

    // A fitted pipeline (StandardScaler on every column, then MinMaxScaler) over a Table, run as one
    // fused row program (FusedRowProgram): 512-row tiles gathered from the table's columns through
    // both steps in one set of tile buffers allocated once per call, the output streamed once.
    // Allocations: 25 per call, none per tile (was 3344, about 17 per 1024-row block, with
    // one matrix per step per block). The tolerance of 8 stays from the block path, whose count
    // varied by one between processes; one allocation per tile would add ~390.
    Benchmark("Pipeline.transform 200k x 32 Double", configuration: configuration(mallocTolerance: 8)) { (_: Benchmark, state: Design) in
        blackHole(try state.pipeline.transform(state.table, threads: 1))
    } setup: {
        try Design(rows: rows, columns: columns, seed: 5)
    }

    // The bench's pipeline, impute -> scale -> polynomial(2), 200k x 16 with NaN holes -> 200k x 153
    // (245 MB written per call): the same fused program, 64-row tiles. Allocations: 32 per
    // call, none per tile (3,125 tiles: one per tile would show).
    Benchmark("Pipeline.transform impute-scale-poly2 200k x 16 Double", configuration: configuration(mallocTolerance: 8)) { (_: Benchmark, state: FusedDesign) in
        blackHole(try state.pipeline.transform(state.table, threads: 1))
    } setup: {
        try FusedDesign(rows: rows, columns: 16, seed: 6)
    }
}
