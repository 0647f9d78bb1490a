import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Properties: separation, non-convergence, collinearity, determinism across thread counts, Float vs
/// Double, warm start, class weights as sample weights, labels, and Codable round trips.
@Suite("LogisticRegression properties")
struct LogisticPropertyTests {
    static let solvers: [LogisticRegression.Solver] = [.lbfgs(memory: 10), .newtonCholesky]

    @Test("complete separation without penalty is certified, with finite output", arguments: solvers)
    func separation(solver: LogisticRegression.Solver) throws {
        // Binary: class by the sign of x0 + x1, with a gap.
        var generator = SeededGenerator(seed: 11)
        var rows: [[Double]] = [], y: [Int] = []
        for _ in 0..<60 {
            let a = generator.nextNormal(), b = generator.nextNormal()
            let s = a + b
            if abs(s) < 0.3 { continue }
            rows.append([a, b]); y.append(s > 0 ? 1 : 0)
        }
        let x = try Matrix(rows)
        let model = try LogisticRegression(penalty: .none, solver: solver).fit(x, y)
        #expect(model.diagnostics.separation == .complete)
        #expect(model.coefficients.joined().allSatisfy { $0.isFinite })
        #expect(try model.predict(x) == y.map { ClassLabel.integer($0) })
        let p = try model.predictProbability(x)
        #expect(p.elements.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        // With a penalty the estimate exists: not checked, finite, converged.
        let penalised = try LogisticRegression(C: 1, solver: solver).fit(x, y)
        #expect(penalised.diagnostics.separation == .notChecked && penalised.diagnostics.converged)

        // Multinomial: three separated clusters.
        var mrows: [[Double]] = [], my: [String] = []
        for k in 0..<3 {
            for _ in 0..<15 {
                mrows.append([Double(k) * 10 + generator.nextUniform(), Double(k * k) + generator.nextUniform()])
                my.append(["a", "b", "c"][k])
            }
        }
        let multi = try LogisticRegression(penalty: .none, solver: solver).fit(Matrix(mrows), my)
        #expect(multi.diagnostics.separation == .complete)
        #expect(multi.coefficients.joined().allSatisfy { $0.isFinite })
    }

    @Test("quasi-complete separation without penalty is reported as suspected", arguments: solvers)
    func quasiSeparation(solver: LogisticRegression.Solver) throws {
        // Separated by x0 = 0 except for points on the boundary, which carry both classes.
        var rows: [[Double]] = [], y: [Int] = []
        for i in 1...20 {
            let t = Double(i) / 4
            rows.append([t, Double(i % 3)]); y.append(1)
            rows.append([-t, Double(i % 5)]); y.append(0)
        }
        // Both classes at the same boundary points: the fit wants z = 0 there and z -> ±infinity
        // elsewhere, so the infimum is approached along the x0 axis only.
        for k in 0..<4 { rows.append([0, Double(k / 2 + 1)]); y.append(k % 2) }
        let model = try LogisticRegression(penalty: .none, solver: solver).fit(Matrix(rows), y)
        #expect(model.diagnostics.separation == .suspected, "\(model.diagnostics)")
        #expect(model.coefficients.joined().allSatisfy { $0.isFinite })
    }

    @Test("overlapping classes without penalty: no separation reported")
    func noSeparation() throws {
        let (x, y) = try syntheticClassification(rows: 300, columns: 3, classes: 2, seed: 5)
        let model = try LogisticRegression(penalty: .none).fit(x, y)
        #expect(model.diagnostics.separation == .none)
        #expect(model.diagnostics.converged)
    }

    @Test("non-convergence is a value with the gradient norm", arguments: solvers)
    func nonConvergence(solver: LogisticRegression.Solver) throws {
        let (x, y) = try syntheticClassification(rows: 200, columns: 4, classes: 3, seed: 3)
        let model = try LogisticRegression(C: 10, solver: solver, tol: 1e-14, maxIter: 1).fit(x, y)
        #expect(!model.diagnostics.converged)
        #expect(model.diagnostics.stopReason == .maxIterations)
        #expect(model.diagnostics.iterations == 1)
        #expect(model.diagnostics.gradientMaxAbs > 1e-14 && model.diagnostics.gradientMaxAbs.isFinite)
        // maxIter 0: the starting point, reported as such.
        let zero = try LogisticRegression(solver: solver, maxIter: 0).fit(x, y)
        #expect(zero.diagnostics.iterations == 0 && !zero.diagnostics.converged)
    }

    @Test("collinear columns without penalty: finite, same predictions as without the copy", arguments: solvers)
    func collinear(solver: LogisticRegression.Solver) throws {
        let (base, y) = try syntheticClassification(rows: 200, columns: 3, classes: 2, seed: 8, signal: 0.5)
        var rows = base.rowArrays
        for i in rows.indices { rows[i].append(rows[i][0]); rows[i].append(2 * rows[i][1] - rows[i][2]) }
        let x = try Matrix(rows)
        let config = LogisticRegression(penalty: .none, solver: solver, tol: 1e-10, maxIter: 1000)
        let model = try config.fit(x, y)
        let reference = try config.fit(base, y)
        #expect(model.coefficients.joined().allSatisfy { $0.isFinite })
        let p = try model.predictProbability(x), q = try reference.predictProbability(base)
        let worst = zip(p.elements, q.elements).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-6, "\(solver): probability difference \(worst)")
        #expect(abs(model.diagnostics.objective - reference.diagnostics.objective) <= 1e-10)
    }

    @Test("bit-identical for 1 and 2 threads (several row blocks)", arguments: solvers, [2, 3])
    func determinism(solver: LogisticRegression.Solver, classes: Int) throws {
        // 8 columns: 8192-row blocks, so 20,000 rows are 3 blocks.
        let (x, y) = try syntheticClassification(rows: 20_000, columns: 8, classes: classes, seed: 21)
        let config = LogisticRegression(C: 0.5, solver: solver, tol: 1e-8, maxIter: 8)
        let one = try config.fit(x, y, threads: 1)
        let two = try config.fit(x, y, threads: 2)
        #expect(one == two)
        #expect(try one.predictProbability(x, threads: 1) == one.predictProbability(x, threads: 2))
    }

    /// Without sample weights the fit takes the weight total from the row count and the class totals
    /// from a count (no pass over the ones); explicit ones take the summing paths. Same bits.
    @Test("no sample weights equals explicit unit weights bit for bit", arguments: solvers, [2, 3])
    func unitWeightsFastPath(solver: LogisticRegression.Solver, classes: Int) throws {
        let (x, y) = try syntheticClassification(rows: 20_000, columns: 8, classes: classes, seed: 23)
        let config = LogisticRegression(C: 0.5, solver: solver, tol: 1e-8, maxIter: 20)
        let implicit = try config.fit(x, y, threads: 2)
        let explicit = try config.fit(x, y, sampleWeight: [Double](repeating: 1, count: y.count), threads: 2)
        #expect(implicit == explicit)
        #expect(implicit.diagnostics.objective.bitPattern == explicit.diagnostics.objective.bitPattern)
    }

    @Test("Float input agrees with Double within Float's precision")
    func floatVersusDouble() throws {
        let (x, y) = try syntheticClassification(rows: 300, columns: 4, classes: 3, seed: 4)
        let xf = try Matrix<Float>(rows: x.rows, columns: x.columns, elements: x.elements.map { Float($0) })
        let config = LogisticRegression(C: 1, tol: 1e-10, maxIter: 1000)
        let d = try config.fit(x, y), f = try config.fit(xf, y)
        // The only difference is the input rounding (relative 6e-8), magnified by the conditioning.
        let worst = zip(d.coefficients.joined(), f.coefficients.joined()).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5, "coefficient difference \(worst)")
        let pd = try d.predictProbability(x), pf = try f.predictProbability(xf)
        let worstP = zip(pd.elements, pf.elements).map { abs(Double($0) - Double($1)) }.max()!
        #expect(worstP <= 1e-5, "probability difference \(worstP)")
    }

    @Test("warm start continues to the same optimum", arguments: solvers)
    func warmStart(solver: LogisticRegression.Solver) throws {
        let (x, y) = try syntheticClassification(rows: 300, columns: 5, classes: 3, seed: 9)
        let short = try LogisticRegression(C: 2, solver: solver, tol: 1e-10, maxIter: 3).fit(x, y)
        let config = LogisticRegression(C: 2, solver: solver, tol: 1e-10, maxIter: 1000)
        let warm = try config.fit(x, y, warmStart: short)
        let cold = try config.fit(x, y)
        #expect(warm.diagnostics.converged && cold.diagnostics.converged)
        #expect(warm.diagnostics.iterations <= cold.diagnostics.iterations)
        let worst = zip(warm.coefficients.joined(), cold.coefficients.joined()).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-6)
    }

    @Test("balanced class weights equal the same weights given per sample")
    func balancedEqualsSampleWeights() throws {
        let (x, y) = try syntheticClassification(rows: 250, columns: 3, classes: 3, seed: 13)
        let counts = (0..<3).map { k in Double(y.filter { $0 == k }.count) }
        let perRow = y.map { 250 / (3 * counts[$0]) }
        let a = try LogisticRegression(classWeight: .balanced, tol: 1e-10).fit(x, y)
        let b = try LogisticRegression(tol: 1e-10).fit(x, y, sampleWeight: perRow)
        let worst = zip(a.coefficients.joined(), b.coefficients.joined()).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-12)
    }

    @Test("labels: sorted like NumPy, returned by predict")
    func labels() throws {
        let (x, y) = try syntheticClassification(rows: 120, columns: 2, classes: 3, seed: 2, signal: 3)
        let names = ["b", "B", "a"]
        let model = try LogisticRegression().fit(x, y.map { names[$0] })
        #expect(model.classes == ["B", "a", "b"])  // code point order: uppercase first
        let predicted = try model.predict(x)
        let accuracy = Double(zip(predicted, y.map { ClassLabel.string(names[$0]) }).filter { $0 == $1 }.count) / 120
        #expect(accuracy > 0.7)
        let negative = try LogisticRegression().fit(x, y.map { [-5, 10, 3][$0] })
        #expect(negative.classes == [-5, 3, 10])
        // Binary: one coefficient row, classes[1] positive, probabilities [1 - p, p].
        let binary = try LogisticRegression().fit(x, y.map { $0 == 0 ? 1.0 : -2.0 })
        #expect(binary.coefficients.count == 1 && binary.classes == [.real(-2), .real(1)])
        let p = try binary.predictProbability(x), z = try binary.decisionFunction(x)
        for i in 0..<5 {
            #expect(abs(p[i, 1] - 1 / (1 + exp(-z[i, 0]))) <= 1e-15)
            #expect(abs(p[i, 0] + p[i, 1] - 1) <= 1e-15)
        }
    }

    @Test("fitted model round-trips through JSON exactly")
    func codable() throws {
        let (x, y) = try syntheticClassification(rows: 100, columns: 3, classes: 3, seed: 6)
        let model = try LogisticRegression(classWeight: .explicit(["y": 2.5]), solver: .newtonCholesky).fit(x, y.map { ["x", "y", "z"][$0] })
        let data = try JSONEncoder().encode(model)
        let back = try JSONDecoder().decode(LogisticRegressionModel.self, from: data)
        #expect(back == model)
        #expect(try back.predictProbability(x) == model.predictProbability(x))
    }

    @Test("extreme but finite parameters stay finite", arguments: [1e-300, 1e300])
    func extremeC(c: Double) throws {
        let (x, y) = try syntheticClassification(rows: 100, columns: 3, classes: 2, seed: 7)
        let model = try LogisticRegression(C: c).fit(x, y)
        #expect(model.coefficients.joined().allSatisfy { $0.isFinite })
        #expect(model.diagnostics.objective.isFinite && model.diagnostics.gradientMaxAbs.isFinite)
    }
}
