import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Hostile matrices, targets, weights and hyperparameters for every model: each fit either throws a
/// `ModelError` or returns finite coefficients whose predictions on the training rows are finite.
@Suite struct AdversarialModelTests {
    struct Problem: CustomStringConvertible {
        let name: String
        let x: Matrix<Double>
        let y: [Double]
        let weights: [Double]?
        var description: String { name }
    }

    static func problems() throws -> [Problem] {
        func p(_ name: String, _ rows: [[Double]], _ y: [Double], _ w: [Double]? = nil) throws -> Problem {
            Problem(name: name, x: try Matrix(rows), y: y, weights: w)
        }
        let base: [[Double]] = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 8], [6, 4]]
        let labels: [Double] = [0, 1, 0, 1, 1, 0]
        return [
            Problem(name: "0 rows", x: try Matrix(rows: 0, columns: 2), y: [], weights: nil),
            Problem(name: "0 columns", x: try Matrix(rows: 4, columns: 0), y: [0, 1, 0, 1], weights: nil),
            try p("1x1", [[3]], [1]),
            try p("2x1", [[3], [4]], [0, 1]),
            try p("all-NaN column", base.map { [$0[0], .nan] }, labels),
            try p("constant column", base.map { [$0[0], 7] }, labels),
            try p("all constant", base.map { _ in [7, 7] }, labels),
            try p("+-1e300", base.map { [$0[0] * 1e300, -$0[1] * 1e300] }, labels),
            try p("maxFinite", base.map { [$0[0] > 3 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude, $0[1]] }, labels),
            try p("subnormals", base.map { [$0[0] * Double.leastNonzeroMagnitude, $0[1] * 0x1p-1030] }, labels),
            try p("Inf", base.enumerated().map { $0.offset == 2 ? [.infinity, 1] : $0.element }, labels),
            try p("NaN cell", base.enumerated().map { $0.offset == 3 ? [1, .nan] : $0.element }, labels),
            try p("n<d", [(0..<10).map(Double.init), (0..<10).map { Double($0 * $0) }, (0..<10).map { Double(10 - $0) }], [0, 1, 0]),
            try p("duplicate columns", base.map { [$0[0], $0[0]] }, labels),
            try p("1e-300 next to 1e300", base.map { [$0[0] * 1e-300, $0[1] * 1e300] }, labels),
            try p("y length mismatch", base, [0, 1, 0]),
            try p("y NaN", base, [0, 1, .nan, 1, 1, 0]),
            try p("y Inf", base, [0, 1, .infinity, 1, 1, 0]),
            try p("y 1e300", base, [0, 1e300, 0, -1e300, 1e300, 0]),
            try p("y maxFinite", base, [0, .greatestFiniteMagnitude, 0, -.greatestFiniteMagnitude, 1, 0]),
            try p("single class", base, [1, 1, 1, 1, 1, 1]),
            try p("perfectly separable", base.map { [$0[0], 0] }, [0, 0, 0, 1, 1, 1]),
            try p("all-zero weights", base, labels, [0, 0, 0, 0, 0, 0]),
            try p("negative weight", base, labels, [1, 1, -1, 1, 1, 1]),
            try p("NaN weight", base, labels, [1, 1, .nan, 1, 1, 1]),
            try p("Inf weight", base, labels, [1, 1, .infinity, 1, 1, 1]),
            try p("huge weights", base, labels, [1e300, 1e300, 1e300, 1e300, 1e300, 1e300]),
            try p("tiny weights", base, labels, [Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude]),
            try p("weights length", base, labels, [1, 1]),
            try p("one non-zero weight", base, labels, [0, 0, 1, 0, 0, 0]),
        ]
    }

    func check(_ what: String, _ problem: Problem, _ body: () throws -> (coefficients: [Double], predictions: [Double])) {
        do {
            let (coefficients, predictions) = try body()
            #expect(coefficients.allSatisfy { $0.isFinite }, "\(what) on \(problem): coefficients \(coefficients)")
            #expect(predictions.allSatisfy { $0.isFinite }, "\(what) on \(problem): predictions \(predictions)")
        } catch is ModelError {
        } catch {
            Issue.record("\(what) on \(problem): \(type(of: error)): \(error)")
        }
    }

    static let linear: [(String, LinearRegression)] = [
        ("LinearRegression qr", LinearRegression()),
        ("LinearRegression qr no intercept", LinearRegression(fitIntercept: false)),
        ("LinearRegression normalEquations", LinearRegression(solver: .normalEquations)),
        ("LinearRegression refinement always", LinearRegression(refinement: .always)),
        ("LinearRegression rankCutoff 1", LinearRegression(rankCutoff: 1)),
    ]

    @Test func linearRegression() throws {
        for problem in try Self.problems() {
            for (name, model) in Self.linear {
                check(name, problem) {
                    let fit = try model.fit(x: problem.x, y: problem.y, sampleWeight: problem.weights)
                    let predictions = try fit.predict(problem.x)
                    #expect(fit.singularValues.allSatisfy { $0.isFinite }, "\(name) on \(problem)")
                    #expect(fit.standardErrors?.allSatisfy { !$0.isNaN } ?? true, "\(name) on \(problem): standard errors \(fit.standardErrors ?? [])")
                    #expect(!(fit.rSquared?.isNaN ?? false), "\(name) on \(problem)")
                    return (fit.coefficients + [fit.intercept], predictions)
                }
            }
        }
    }

    @Test(arguments: [0.0, 1e-300, 1.0, 1e300, Double.greatestFiniteMagnitude])
    func ridge(alpha: Double) throws {
        for problem in try Self.problems() {
            for solver in [Ridge.Solver.auto, .cholesky, .qr, .svd] {
                check("Ridge \(solver) alpha \(alpha)", problem) {
                    let fit = try Ridge(alpha: alpha, solver: solver).fit(x: problem.x, y: problem.y, sampleWeight: problem.weights)
                    #expect(!(fit.rSquared?.isNaN ?? false))
                    return (fit.coefficients + [fit.intercept], try fit.predict(problem.x))
                }
            }
        }
    }

    @Test(arguments: [-1.0, .nan, .infinity, -.infinity])
    func badRidgeAlpha(alpha: Double) throws {
        let x = try Matrix([[1.0, 2], [3, 4], [5, 7]])
        #expect(throws: ModelError.self) { try Ridge(alpha: alpha).fit(x: x, y: [1, 2, 3]) }
    }

    static let logistic: [(String, LogisticRegression)] = [
        ("lbfgs", LogisticRegression()),
        ("newton", LogisticRegression(solver: .newtonCholesky)),
        ("lbfgs no penalty", LogisticRegression(penalty: .none)),
        ("newton no penalty", LogisticRegression(penalty: .none, solver: .newtonCholesky)),
        ("lbfgs C 1e300", LogisticRegression(C: 1e300)),
        ("lbfgs C 1e-300", LogisticRegression(C: 1e-300)),
        ("lbfgs alpha 1e300", LogisticRegression(penalty: .l2(alpha: 1e300))),
        ("lbfgs maxIter 0", LogisticRegression(maxIter: 0)),
        ("newton maxIter 0", LogisticRegression(solver: .newtonCholesky, maxIter: 0)),
        ("lbfgs tol 0", LogisticRegression(tol: 0, maxIter: 20)),
        ("lbfgs memory 1", LogisticRegression(solver: .lbfgs(memory: 1))),
        ("balanced", LogisticRegression(classWeight: .balanced)),
        ("no intercept", LogisticRegression(fitIntercept: false)),
    ]

    @Test func logisticRegression() throws {
        for problem in try Self.problems() {
            for (name, model) in Self.logistic {
                check(name, problem) {
                    let fitted = try model.fit(problem.x, problem.y, sampleWeight: problem.weights)
                    let p = try fitted.predictProbability(problem.x)
                    #expect(fitted.diagnostics.objective.isFinite, "\(name) on \(problem)")
                    #expect(!fitted.diagnostics.gradientMaxAbs.isNaN, "\(name) on \(problem)")
                    return (fitted.coefficients.flatMap { $0 } + fitted.intercepts, p.elements)
                }
            }
        }
    }

    @Test(arguments: [
        LogisticRegression(C: 0), LogisticRegression(C: -1), LogisticRegression(C: .nan), LogisticRegression(C: .infinity),
        LogisticRegression(penalty: .l2(alpha: -1)), LogisticRegression(penalty: .l2(alpha: .nan)), LogisticRegression(penalty: .l2(alpha: .infinity)),
        LogisticRegression(tol: -1), LogisticRegression(tol: .nan), LogisticRegression(tol: .infinity),
        LogisticRegression(maxIter: -1), LogisticRegression(maxIter: Int.min),
        LogisticRegression(solver: .lbfgs(memory: 0)), LogisticRegression(solver: .lbfgs(memory: -5)), LogisticRegression(solver: .lbfgs(memory: Int.max)),
        LogisticRegression(classWeight: .explicit([.integer(7): 2])),
        LogisticRegression(classWeight: .explicit([.integer(0): -1])),
        LogisticRegression(classWeight: .explicit([.integer(0): .nan])),
        LogisticRegression(classWeight: .explicit([.integer(0): .infinity])),
        LogisticRegression(classWeight: .explicit([.integer(0): 0, .integer(1): 0])),
    ])
    func badLogisticParameters(model: LogisticRegression) throws {
        let x = try Matrix([[1.0, 2], [3, 4], [5, 7], [2, 2]])
        do {
            let fitted = try model.fit(x, [0, 1, 0, 1] as [Int])
            // A parameter that is not refused must still give a finite model.
            #expect(fitted.coefficients.flatMap { $0 }.allSatisfy { $0.isFinite }, "\(model)")
            #expect(fitted.intercepts.allSatisfy { $0.isFinite }, "\(model)")
        } catch is ModelError {
        }
    }

    @Test func logisticLabelEdgeCases() throws {
        let x = try Matrix([[1.0, 2], [3, 4], [5, 7], [2, 2]])
        #expect(throws: ModelError.self) { try LogisticRegression().fit(x, [ClassLabel.integer(0), .string("a"), .integer(0), .string("a")]) }
        #expect(throws: ModelError.self) { try LogisticRegression().fit(x, [0.0, .nan, 1, 0]) }
        #expect(throws: ModelError.self) { try LogisticRegression().fit(x, ["a", "a", "a", "a"]) }
        // Every row its own class (4 classes, 4 rows) and a warm start from another class set.
        let many = try LogisticRegression().fit(x, [0, 1, 2, 3] as [Int])
        #expect(many.coefficients.flatMap { $0 }.allSatisfy { $0.isFinite })
        let two = try LogisticRegression().fit(x, [0, 1, 0, 1] as [Int])
        #expect(throws: ModelError.self) { try LogisticRegression().fit(x, [0, 1, 2, 3] as [Int], warmStart: two) }
        let wide = try Matrix([[1.0, 2, 3], [3, 4, 5], [5, 7, 1], [2, 2, 2]])
        #expect(throws: ModelError.self) { try LogisticRegression().fit(wide, [0, 1, 0, 1] as [Int], warmStart: two) }
        // Predicting with the wrong width, and with NaN/Inf.
        #expect(throws: ModelError.self) { try two.predictProbability(wide) }
        #expect(throws: ModelError.self) { try two.predictProbability(try Matrix([[Double.nan, 1]])) }
        #expect(throws: ModelError.self) { try two.predictProbability(try Matrix([[Double.infinity, 1]])) }
        // Predicting 0 rows is an empty answer or a ModelError, not a trap.
        do { #expect(try two.predictProbability(try Matrix<Double>(rows: 0, columns: 2)).rows == 0) } catch is ModelError {}
    }

    @Test func predictionsOnHostileRows() throws {
        let x = try Matrix([[1.0, 2], [3, 4], [5, 7], [2, 2]])
        let y: [Double] = [1, 2, 3, 4]
        let linear = try LinearRegression().fit(x: x, y: y)
        let ridge = try Ridge().fit(x: x, y: y)
        for bad in [[Double.nan, 1], [Double.infinity, 1], [1e308, 1e308], [1, 2, 3]] {
            let m = try Matrix([bad])
            for predict in [{ try linear.predict(m) }, { try ridge.predict(m) }] {
                do {
                    let out = try predict()
                    #expect(out.allSatisfy { $0.isFinite }, "\(bad) -> \(out)")
                } catch is ModelError {
                } catch {
                    Issue.record("\(bad): \(type(of: error)) \(error)")
                }
            }
        }
        for predict in [{ try linear.predict(try Matrix<Double>(rows: 0, columns: 2)) }, { try ridge.predict(try Matrix<Double>(rows: 0, columns: 2)) }] {
            do { #expect(try predict().isEmpty) } catch is ModelError {}
        }
    }

    /// Dense solvers refuse, up front, a factor too large to allocate (d x d, or p x p for Newton).
    @Test func tooManyColumnsForADenseSolver() throws {
        let wide = try Matrix<Double>(rows: 3, columns: 16_384, repeating: 1)
        // Except LinearRegression's QR path on wide data, whose factors are n x n (3 x 3 here):
        // constant columns, so zero coefficients and the mean as intercept.
        let fit = try LinearRegression().fit(x: wide, y: [1, 2, 3])
        #expect(fit.coefficients.allSatisfy { $0 == 0 } && fit.intercept == 2 && fit.rank == 0)
        #expect(throws: ModelError.self) { try LinearRegression(solver: .normalEquations).fit(x: wide, y: [1, 2, 3]) }
        #expect(throws: ModelError.self) { try Ridge(solver: .svd).fit(x: wide, y: [1, 2, 3]) }
        let multiclass = try Matrix<Double>(rows: 3, columns: 5_500, repeating: 1)
        #expect(throws: ModelError.self) { try LogisticRegression(solver: .newtonCholesky).fit(multiclass, [0, 1, 2] as [Int]) }
    }

    @Test func floatInputsAtTheLimits() throws {
        let x = try Matrix<Float>([[1, 2], [3, 4], [5, 7], [.greatestFiniteMagnitude, 1]])
        for fit in [{ try LinearRegression().fit(x: x, y: [1, 2, 3, 4]).coefficients },
                    { try Ridge().fit(x: x, y: [1, 2, 3, 4]).coefficients },
                    { try LinearRegression().fit(x: x, y: [1, 2, 3, .infinity]).coefficients }] {
            do {
                #expect(try fit().allSatisfy { $0.isFinite })
            } catch is ModelError {
            } catch {
                Issue.record("\(type(of: error)) \(error)")
            }
        }
    }
}
