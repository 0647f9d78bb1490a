// The LinearAlgebra layer: BLAS and LAPACK through FeatureKit's typed wrappers, and the in-place
// memory kernel that the transforms are compared against.
//
// Every input is built from a fixed seed in `setup:` (not measured); the measured closure runs one
// call per iteration into an output that setup preallocated. Metrics: wall clock and throughput
// (iterations per second; the work per iteration is in each case's comment) for people, and
// `mallocCountTotal` for the CI gate (Benchmarks/check-allocations.sh), which checks allocations
// only: counts are deterministic, times on a shared 2-core machine are not. Each case's comment
// gives its allocations per iteration as measured (Swift 6.3.1, Debian's OpenBLAS 0.3.21, 2 threads)
// and where they come from (`--allocation-stacks` shows the stacks).
//
// Closure parameters carry their types: with several statements in a closure, Swift cannot pick
// among Benchmark's overloads (sync, async, throwing) and reports an unrelated case instead.
//
// OpenBLAS picks its kernels from OPENBLAS_CORETYPE (SkylakeX or Haswell on the project's machines,
// which set it); set it as the Makefile does before running, or numbers (and results' last bits)
// change. The stored allocation counts hold for both core types.

import Benchmark
import LinearAlgebra

/// Inputs and a preallocated output for one case. A class, so that the measured closure writes into
/// `output` through the reference: a struct copy of the setup state would share the output's
/// buffer with the stored state, and the first write would copy it (an allocation per iteration).
final class Operands: @unchecked Sendable {
    let a: Matrix<Double>
    let b: Matrix<Double>
    let x: [Double]
    var output: Matrix<Double>
    var vectorOutput: [Double]

    init(a: Matrix<Double>, b: Matrix<Double>? = nil, x: [Double] = [],
         output: Matrix<Double>? = nil, vectorOutput: [Double] = []) throws {
        self.a = a
        self.b = try b ?? Matrix(rows: 0, columns: 0)
        self.x = x
        self.output = try output ?? Matrix(rows: 0, columns: 0)
        self.vectorOutput = vectorOutput
    }
}

/// The shape shared by the tall-matrix cases: FeatureKit's typical design matrix.
let tallRows = 100_000
let tallColumns = 32

/// One case's configuration. Metrics: wall clock, throughput, and `mallocCountTotal`, the only one
/// with stored thresholds (Thresholds/). Allocations have zero tolerance: a stored threshold must be
/// met exactly. Time metrics get no tolerance entries at all, so no comparison (`thresholds check`,
/// `baseline check`) can fail on them. (A function, not a global: the types are not `Sendable`.)
func configuration(maxDuration: Duration = .seconds(1), maxIterations: Int = 1_000) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2, maxDuration: maxDuration, maxIterations: maxIterations,
        thresholds: [
            .mallocCountTotal: BenchmarkThresholds(relative: [:], absolute: [.p90: 0]),
            .wallClock: BenchmarkThresholds(relative: [:], absolute: [:]),
            .throughput: BenchmarkThresholds(relative: [:], absolute: [:]),
        ])
}

/// OpenBLAS threads for every case. Pinned, not left to the core count, because allocations depend
/// on it: OpenBLAS's threaded level-3 driver mallocs its job array (64 x 8 KiB with Debian's
/// MAX_CPU_NUMBER) once per threaded call, so the stored counts hold for exactly this many threads.
let openBLASThreads = 2

let benchmarks: @Sendable () -> Void = {
    Benchmark.setup = { try BLASRuntime.setThreadCount(openBLASThreads) }

    // MARK: BLAS level 3

    // 2 * 512^3 = 268 MFLOP per iteration; C is preallocated, beta = 0.
    // Allocations: 1, OpenBLAS's job array (512 KiB) of its threaded level-3 driver; 0 in Swift, and
    // 0 in all with one OpenBLAS thread.
    Benchmark("BLAS.gemm 512x512x512 Double", configuration: configuration()) { (_: Benchmark, state: Operands) in
        try BLAS.gemm(state.a, state.b, into: &state.output)
    } setup: {
        var generator = SeededGenerator(seed: 1)
        let a = try Matrix<Double>.uniform(rows: 512, columns: 512, in: -1...1, using: &generator)
        let b = try Matrix<Double>.uniform(rows: 512, columns: 512, in: -1...1, using: &generator)
        return try Operands(a: a, b: b, output: Matrix(rows: 512, columns: 512))
    }

    // The Gram matrix of a design matrix, upper triangle: 32^2 * 100k = 102 MFLOP, 25.6 MB read.
    // Allocations: 0.
    Benchmark("BLAS.syrk X^T X 100k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Operands) in
        try BLAS.syrk(state.a, into: &state.output)
    } setup: {
        var generator = SeededGenerator(seed: 2)
        let x = try Matrix<Double>.uniform(rows: tallRows, columns: tallColumns, in: -1...1, using: &generator)
        return try Operands(a: x, output: Matrix(rows: tallColumns, columns: tallColumns))
    }

    // MARK: BLAS levels 2 and 1

    // X w, the product inside a linear model's predict: 6.4 MFLOP, 25.6 MB read. Allocations: 0.
    Benchmark("BLAS.gemv 100k x 32 Double", configuration: configuration()) { (_: Benchmark, state: Operands) in
        try BLAS.gemv(state.a, x: state.x, y: &state.vectorOutput)
    } setup: {
        var generator = SeededGenerator(seed: 3)
        let x = try Matrix<Double>.uniform(rows: tallRows, columns: tallColumns, in: -1...1, using: &generator)
        let w = try Matrix<Double>.uniform(rows: 1, columns: tallColumns, in: -1...1, using: &generator).elements
        return try Operands(a: x, x: w, vectorOutput: [Double](repeating: 0, count: tallRows))
    }

    // 2 MFLOP, 16 MB read. Allocations: 0.
    Benchmark("BLAS.dot 1M Double", configuration: configuration(maxIterations: 10_000)) { (_: Benchmark, state: Operands) in
        blackHole(try BLAS.dot(state.x, state.vectorOutput))
    } setup: {
        var generator = SeededGenerator(seed: 4)
        let x = try Matrix<Double>.uniform(rows: 1, columns: 1_000_000, in: -1...1, using: &generator)
        let y = try Matrix<Double>.uniform(rows: 1, columns: 1_000_000, in: -1...1, using: &generator)
        return try Operands(a: x, x: x.elements, vectorOutput: y.elements)
    }

    // MARK: LAPACK (allocating by design: column-major copies and LAPACKE's workspace)

    // Householder QR of a tall matrix (~2 m n^2 = 205 MFLOP) plus the wrapper's column-major copies.
    // Allocations: 9 = column-major copies of A and b (2), the solution and the residual array (2),
    // LAPACKE's workspaces for dgels and dtrcon (3), and two strings that name the operation for
    // a finiteness error built on every call (2, in `checkLeastSquaresOperands`).
    Benchmark("LAPACK.leastSquaresQR 100k x 32 Double", configuration: configuration(maxDuration: .seconds(2))) { (_: Benchmark, state: Operands) in
        blackHole(try LAPACK.leastSquaresQR(state.a, state.b))
    } setup: {
        var generator = SeededGenerator(seed: 5)
        let x = try Matrix<Double>.uniform(rows: tallRows, columns: tallColumns, in: -1...1, using: &generator)
        let y = try Matrix<Double>.uniform(rows: tallRows, columns: 1, in: -1...1, using: &generator)
        return try Operands(a: x, b: y)
    }

    // potrf + pocon of a well-conditioned SPD matrix: n^3 / 3 = 5.6 MFLOP, on ONE OpenBLAS thread.
    // Allocations: 4 = the factor's copy and the column sums for the 1-norm (2) and LAPACKE's dpocon
    // workspaces (2). Why one thread: threaded, OpenBLAS's dpotrf recurses in blocks whose size comes
    // from the kernel's GEMM_Q, and mallocs a job array per threaded level-3 call inside, so the count
    // depended on the machine's core type (35 with OPENBLAS_CORETYPE=SkylakeX, 11 with Haswell) and
    // failed the gate on a machine of the other kind. Single-threaded dpotrf mallocs nothing, so the
    // gate sees our allocations only, whatever the CPU. Teardown restores the suite's thread count.
    Benchmark("LAPACK.cholesky 256 Double", configuration: configuration()) { (_: Benchmark, state: Operands) in
        blackHole(try LAPACK.cholesky(state.a))
    } setup: {
        try BLASRuntime.setThreadCount(1)
        // X^T X / rows + I: symmetric positive definite, condition number below 2.
        var generator = SeededGenerator(seed: 6)
        let n = 256, rows = 1_024
        let x = try Matrix<Double>.uniform(rows: rows, columns: n, in: -1...1, using: &generator)
        var spd = try Matrix<Double>.identity(n)
        try BLAS.gemm(alpha: 1 / Double(rows), x, transposeA: .transpose, x, beta: 1, into: &spd)
        return try Operands(a: spd)
    } teardown: {
        try BLASRuntime.setThreadCount(openBLASThreads)
    }

    // MARK: Memory kernel

    // 16M doubles (128 MB) scaled in place: 128 MB read + 128 MB written. The factor -1 keeps the
    // values bounded over any number of iterations (no overflow, no subnormals). Allocations: 0.
    Benchmark("StreamBuffer.scale 16M", configuration: configuration()) { (_: Benchmark, buffer: StreamBuffer) in
        try buffer.scale(by: -1, 0..<buffer.count)
    } setup: {
        try StreamBuffer(count: 16 << 20, value: 1)
    }
}
