import Foundation
import LinearAlgebra
import Models

/// LogisticRegression on the canonical dense data (1,000,000 x 32 and 100,000 x 256 Double) with
/// SyntheticData's binary target (`1 if y > 0`), side by side with scikit-learn:
/// - "fit lbfgs" / "fit newton-cholesky": both libraries asked for the same optimum (C = 1) at a tight
///   tolerance (`tol` 1e-10; max_iter 1000 for L-BFGS, 100 for Newton, on both sides). A common
///   reference optimum is computed once, untimed: FeatureKit's Newton at tol 1e-12 (max_iter 200).
///   Each side's relative objective gap to it is printed (ours on the progress line, scikit-learn's in
///   the peer's description), so "reached the same objective (gap <= 1e-10)" is checked, not assumed:
///   a solver that stops above it is reported with its time and gap, never silently compared.
///   Why the defaults (tol 1e-4) were not enough: the columns' scales span 1e-3 to 1e3 and the
///   target is a nearly noiseless linear rule (noise +-0.5 against a signal of spread ~30), so the
///   optimum has large coefficients and the Hessian's condition number is ~1e12 from the units
///   alone; at tol 1e-4 both libraries' L-BFGS stopped at a relative gap of ~46 after 100 iterations,
///   and scikit-learn's newton-cholesky finds the Hessian "ill-conditioned" (rcond ~5e-19) and falls
///   back to L-BFGS. FeatureKit's L-BFGS works on standardised columns and its Newton factors the
///   Jacobi-scaled Hessian, which removes the units from the conditioning; near-separability
///   remains, and there L-BFGS (ours and theirs) still stops above the optimum after 1000
///   iterations (measured 200k x 32: ours gap 2.1, scikit-learn's 3.6), while our Newton reaches it
///   in ~21 iterations and scikit-learn's newton-cholesky stops at gap 29 (BENCHMARKS.md).
/// - "predictProbability": the fitted model's probabilities for every row, against the streaming
///   read limit, as X is read once: `memory.read`'s kernel over a buffer of X's size, timed in the
///   same alternation with the peer. The timed region is the whole public call:
///   validation, the output's allocation, the fused pass and the result matrix. Checked with
///   FEATUREKIT_BENCH_TRACE=1 (three runs, 45 timed calls of 1M x 32): no page fault in any timed
///   call (the executable's allocator reuses the freed 16 MB output), so what remains between the
///   prediction and the read (0.76-0.77 of it, same alternation) is the output's write (16 MB
///   and its read-for-ownership against 256 MB read) and the fused arithmetic.
///   `FEATUREKIT_LOGISTIC_PREDICT_ONLY=1` skips the fits and predicts with a 5-iteration Newton model.
public struct LogisticSuite: BenchSuite {
    public let group = "models"
    public let shapes: [(rows: Int, cols: Int)]?

    public init(shapes: [(rows: Int, cols: Int)]? = nil) {
        self.shapes = shapes
    }

    static let seed: UInt64 = 7
    /// The tolerance both sides fit with (tight enough to reach a relative gap <= 1e-10 when the
    /// solver can), and the iteration limits per solver.
    static let tol = 1e-10
    static func maxIter(_ solver: String) -> Int { solver == "lbfgs" ? 1000 : 100 }
    /// Timed runs of predictProbability and of its same-size read limit (each, interleaved): 15, was 7. A run
    /// takes ~10 ms, so one that a busy machine slows (other processes on a core: 22-35 ms instead
    /// of 10-13 ms for the in-place scalers in a system-wide `perf sched` trace) moved a median of 7;
    /// the 8 extra pairs cost ~1.5 s with the idle waits. Same count for both sides.
    static let predictRepeats = 15

    public var workloadNames: [String] {
        // Every record name of the quick and the full run, so that --only can pick one.
        let sizes = shapes ?? [(200_000, 32), (1_000_000, 32), (100_000, 256)]
        return sizes.flatMap { shape in
            ["LogisticRegression.fit lbfgs", "LogisticRegression.fit newton-cholesky", "LogisticRegression.predictProbability",
             Self.wellPosedName("lbfgs"), Self.wellPosedName("newton-cholesky")]
                .map { "\($0) \(shape.rows)x\(shape.cols)" }
        }
    }

    public func run(_ context: BenchContext) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        // Quick: 200,000 x 32. Full: 1,000,000 x 32 and 100,000 x 256. Every record is selectable by
        // its own name (e.g. --only "newton-cholesky 100000x256"); a shape runs only when one of its
        // records is selected.
        let sizes = shapes ?? (configuration.quick ? [(200_000, 32)] : [(1_000_000, 32), (100_000, 256)])
        // FEATUREKIT_LOGISTIC_PREDICT_ONLY=1 (profiling the prediction): the fit workloads are skipped and
        // the predicting model is a short untimed Newton fit (5 iterations) instead of the reference
        // optimum (seconds instead of minutes); prediction's cost does not depend on the optimum (the
        // peer also predicts with a short fit).
        let predictOnly = ProcessInfo.processInfo.environment["FEATUREKIT_LOGISTIC_PREDICT_ONLY"] == "1"
        var records: [BenchRecord] = []
        for (rows, cols) in sizes {
            records += try runWellPosed(context, rows: rows, cols: cols)
            let shape = "\(rows)x\(cols)"
            let fitNames = predictOnly ? [] : ["lbfgs", "newton-cholesky"].filter { configuration.selects("LogisticRegression.fit \($0) \(shape)") }
            let wantPredict = configuration.selects("LogisticRegression.predictProbability \(shape)")
            guard !fitNames.isEmpty || wantPredict else { continue }
            context.progress("generating \(rows)x\(cols) synthetic features and binary target")
            let x = try SyntheticData.features(seed: Self.seed, rows: rows, columns: cols)
            let y = try SyntheticData.targets(seed: Self.seed, features: x).binary
            let bytes = Double(rows * cols * 8)
            let newton = LogisticRegression(C: 1, solver: .newtonCholesky, tol: 1e-12, maxIter: predictOnly ? 5 : 200)
            context.progress(predictOnly ? "FEATUREKIT_LOGISTIC_PREDICT_ONLY: model for prediction (newton-cholesky, max_iter 5)"
                                         : "reference optimum (FeatureKit newton-cholesky, tol 1e-12, max_iter 200)")
            let reference = try newton.fit(x, y, threads: threads)
            let optimum = reference.diagnostics.objective
            context.progress("reference optimum \(optimum): \(reference.diagnostics.iterations) iterations, stop \(reference.diagnostics.stopReason.rawValue), "
                             + "max |gradient| \(reference.diagnostics.gradientMaxAbs)")
            let peerArguments = ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed),
                                 "tol": String(Self.tol), "reference": optimum.description]
            do {
                for (solverName, solver) in [("lbfgs", LogisticRegression.Solver.lbfgs(memory: 10)), ("newton-cholesky", .newtonCholesky)]
                where fitNames.contains(solverName) {
                    let config = LogisticRegression(C: 1, solver: solver, tol: Self.tol, maxIter: Self.maxIter(solverName))
                    let recordName = "LogisticRegression.fit \(solverName) \(shape)"
                    context.progress(recordName)
                    var last: LogisticRegressionModel?
                    let (timing, peer) = try context.measure(
                        // One timed fit per side after the warm-up: a scikit-learn fit of 1M x 32 takes a minute or more.
                        repeats: context.repeats(full: 1, quick: 1), peerWorkload: "logistic.fit",
                        peerArguments: peerArguments.merging(["solver": solverName, "maxIter": String(Self.maxIter(solverName))]) { $1 }
                    ) {
                        last = try config.fit(x, y, threads: threads)
                    }
                    guard let model = last else { throw BenchError.resultCheckFailed("\(recordName) did not run") }
                    let gap = (model.diagnostics.objective - optimum) / abs(optimum)
                    context.progress("\(recordName): converged \(model.diagnostics.converged), \(model.diagnostics.iterations) iterations, \(model.diagnostics.evaluations) passes, "
                                     + "stop \(model.diagnostics.stopReason.rawValue), relative objective gap \(gap)"
                                     + (gap <= 1e-10 ? "" : " (ABOVE 1e-10: did not reach the common optimum)"))
                    records.append(BenchRecord(name: recordName, rows: rows, cols: cols, timing: timing,
                                               rowsPerSecond: Double(rows) / timing.median, peer: peer))
                }
            }
            if wantPredict {
                let recordName = "LogisticRegression.predictProbability \(shape)"
                context.progress(recordName)
                var sink = 0.0
                // The limit: `memory.read`'s kernel (a sum, in 1 MiB units the threads claim, as
                // the library's kernels schedule) over a buffer of X's size, timed in the same
                // alternation as the prediction (`measureWithLimit`: prediction, limit, peer in each
                // repeat, each run after the idle wait), so the ratio compares runs taken under the
                // same load; the back-to-back `memory.read` record on 2 GiB stays in the table.
                let limitName = "memory.read \(shape) (alternating as predictProbability)"
                let buffer = try StreamBuffer(count: rows * cols, value: 1)
                var total = 0.0, calls = 0
                let (timing, limit, peer) = try context.measureWithLimit(
                    repeats: context.repeats(full: Self.predictRepeats, quick: 3), peerWorkload: "logistic.predict_proba",
                    peerArguments: peerArguments
                ) {
                    let p = try reference.predictProbability(x, threads: threads)
                    sink += try p.element(row: rows - 1, column: 1)
                } limit: {
                    total += try MemoryBandwidthSuite.claimedPass(.read, buffer, threads: threads)
                    calls += 1
                }
                if !sink.isFinite { throw BenchError.resultCheckFailed("\(recordName) produced \(sink)") }
                if total != Double(rows * cols) * Double(calls) {
                    throw BenchError.resultCheckFailed("\(limitName) summed \(total) in \(calls) runs")
                }
                let throughput = bytes / timing.median
                let limitThroughput = bytes / limit.median
                records.append(BenchRecord(name: limitName, rows: rows * cols, cols: 1, timing: limit,
                                           rowsPerSecond: Double(rows * cols) / limit.median, bytesPerSecond: limitThroughput))
                records.append(BenchRecord(
                    name: recordName, rows: rows, cols: cols, timing: timing,
                    rowsPerSecond: Double(rows) / timing.median, bytesPerSecond: throughput,
                    limitName: limitName, limitRatio: throughput / limitThroughput, peer: peer))
            }
        }
        return records
    }
}

// MARK: - The well-posed problem

extension LogisticSuite {
    static func wellPosedName(_ solver: String) -> String { "LogisticRegression.fit well-posed \(solver)" }

    /// The tolerance ladder both sides walk (loosest first): each side is timed at the loosest `tol`
    /// whose fit reaches the common optimum (relative gap <= 1e-10), i.e. time to the optimum, not
    /// time at one arbitrary setting. The search itself is untimed.
    static let wellPosedTols = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10]
    static let targetGap = 1e-10

    /// "fit well-posed lbfgs / newton-cholesky": `SyntheticLogistic` (uniform columns on one scale,
    /// Bernoulli(sigmoid) labels with moderate signal: an interior, well-conditioned optimum), C = 1,
    /// fit_intercept, side by side with scikit-learn's same solver; both sides bit-identical data
    /// (the peer recomputes `SyntheticLogistic.checksum` and refuses to run on a mismatch).
    /// Reference optimum: FeatureKit's Newton at tol 1e-12 (its max |gradient| is printed). The target
    /// of issue 5 compares FeatureKit's faster solver with scikit-learn's faster one; the progress
    /// line "well-posed best" prints that ratio.
    func runWellPosed(_ context: BenchContext, rows: Int, cols: Int) throws -> [BenchRecord] {
        let configuration = context.configuration
        let threads = configuration.threads
        let shape = "\(rows)x\(cols)"
        let solvers = ["lbfgs", "newton-cholesky"].filter { configuration.selects("\(Self.wellPosedName($0)) \(shape)") }
        guard !solvers.isEmpty else { return [] }
        context.progress("generating the well-posed \(shape) logistic problem")
        let problem = try SyntheticLogistic.problem(seed: Self.seed, rows: rows, columns: cols)
        let (x, y) = (problem.x, problem.y)
        let checksum = SyntheticLogistic.checksum(problem)
        let reference = try LogisticRegression(C: 1, solver: .newtonCholesky, tol: 1e-12, maxIter: 200).fit(x, y, threads: threads)
        let optimum = reference.diagnostics.objective
        context.progress("well-posed reference optimum \(optimum): \(reference.diagnostics.iterations) iterations, "
                         + "stop \(reference.diagnostics.stopReason.rawValue), max |gradient| \(reference.diagnostics.gradientMaxAbs), checksum \(checksum)")
        var records: [BenchRecord] = []
        var best: (ours: Double, theirs: Double)?
        for solverName in solvers {
            let solver: LogisticRegression.Solver = solverName == "lbfgs" ? .lbfgs(memory: 10) : .newtonCholesky
            let maxIter = solverName == "lbfgs" ? 1000 : 100
            // Our loosest tol that reaches the optimum (untimed search).
            var chosen: (tol: Double, model: LogisticRegressionModel)?
            for tol in Self.wellPosedTols {
                let model = try LogisticRegression(C: 1, solver: solver, tol: tol, maxIter: maxIter).fit(x, y, threads: threads)
                chosen = (tol, model)
                if (model.diagnostics.objective - optimum) / abs(optimum) <= Self.targetGap { break }
            }
            guard let (tol, found) = chosen else { continue }
            let config = LogisticRegression(C: 1, solver: solver, tol: tol, maxIter: maxIter)
            let recordName = "\(Self.wellPosedName(solverName)) \(shape)"
            context.progress(recordName)
            let peerArguments = ["rows": String(rows), "cols": String(cols), "seed": String(Self.seed), "solver": solverName,
                                 "tols": Self.wellPosedTols.map { String($0) }.joined(separator: ","), "maxIter": String(maxIter),
                                 "reference": optimum.description, "checksum": String(checksum), "targetGap": String(Self.targetGap)]
            var last: LogisticRegressionModel? = found
            let (timing, peer) = try context.measure(repeats: context.repeats(full: 5, quick: 3), peerWorkload: "logistic.fit_wellposed",
                                                     peerArguments: peerArguments) {
                last = try config.fit(x, y, threads: threads)
            }
            guard let model = last else { throw BenchError.resultCheckFailed("\(recordName) did not run") }
            let gap = (model.diagnostics.objective - optimum) / abs(optimum)
            context.progress("\(recordName): tol \(tol), \(model.diagnostics.iterations) iterations, \(model.diagnostics.evaluations) passes, "
                             + "stop \(model.diagnostics.stopReason.rawValue), relative objective gap \(gap)"
                             + (gap <= Self.targetGap ? "" : " (ABOVE 1e-10: did not reach the common optimum)"))
            if let peer, gap <= Self.targetGap, !peer.name.contains("ABOVE") {
                best = (Swift.min(best?.ours ?? .infinity, timing.median), Swift.min(best?.theirs ?? .infinity, peer.timing.median))
            }
            records.append(BenchRecord(name: recordName, rows: rows, cols: cols, timing: timing,
                                       rowsPerSecond: Double(rows) / timing.median, peer: peer))
        }
        if let best {
            context.progress(String(format: "well-posed best %@: FeatureKit %.4f s, scikit-learn %.4f s, ratio %.2fx (medians)",
                                    shape, best.ours, best.theirs, best.theirs / best.ours))
        }
        return records
    }
}


