import LinearAlgebra
import Testing
@testable import Models

/// Bad input and hopeless problems are typed errors naming the place; convergence trouble is a value.
@Suite("LogisticRegression refuses bad input by name")
struct LogisticErrorTests {
    let x = try! Matrix<Double>([[0, 1], [1, 0], [2, 1], [3, 3], [1, 2], [0.5, 0.25]])  // invariant: literal is rectangular
    let y = [0, 1, 0, 1, 1, 0]

    func fitError(_ body: () throws -> Any) -> ModelError? {
        do { _ = try body(); return nil } catch let error as ModelError { return error } catch { return nil }
    }

    @Test func zeroRowsAndColumns() throws {
        let empty = try Matrix<Double>(rows: 0, columns: 3)
        guard case .emptyInput? = fitError({ try LogisticRegression().fit(empty, [Int]()) }) else { Issue.record("zero rows"); return }
        let noColumns = try Matrix<Double>(rows: 3, columns: 0)
        guard case .invalidParameter(_, "X", _)? = fitError({ try LogisticRegression().fit(noColumns, [0, 1, 0]) }) else {
            Issue.record("zero columns"); return
        }
    }

    @Test func lengths() throws {
        guard case let .lengthMismatch(_, argument, expected, got)? = fitError({ try LogisticRegression().fit(x, [0, 1]) }) else {
            Issue.record("y length"); return
        }
        #expect(argument == "y" && expected == 6 && got == 2)
        guard case .lengthMismatch(_, "sampleWeight", 6, 5)? = fitError({ try LogisticRegression().fit(x, y, sampleWeight: [1, 1, 1, 1, 1]) }) else {
            Issue.record("weight length"); return
        }
    }

    /// L-BFGS checks X inside its first pass, not up front: a NaN in X must still be the error
    /// reported when y (a NaN label, a single class) or the class weights are wrong too, for the
    /// binary and the multinomial fit, with and without a warm start, as Newton reports it.
    @Test(arguments: [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky])
    func nonFiniteXComesFirst(solver: LogisticRegression.Solver) throws {
        var bad = x
        bad[3, 0] = .nan
        let fits: [(String, () throws -> Any)] = [
            ("NaN label", { try LogisticRegression(solver: solver).fit(bad, [0, 1, .nan, 1, 0, 1] as [Double]) }),
            ("one class", { try LogisticRegression(solver: solver).fit(bad, [1, 1, 1, 1, 1, 1]) }),
            ("unknown class weight", { try LogisticRegression(classWeight: .explicit([7: 2]), solver: solver).fit(bad, y) }),
            ("three classes", { try LogisticRegression(solver: solver).fit(bad, [0, 1, 2, 0, 1, 2]) }),
            ("warm start", { try LogisticRegression(solver: solver).fit(bad, y, warmStart: try LogisticRegression().fit(x, y)) }),
        ]
        for (name, fit) in fits {
            guard case .nonFiniteValue(_, "X", 3, 0, _)? = fitError(fit) else { Issue.record("\(name): X's NaN not reported first"); continue }
        }
    }

    /// Real and integer labels take their own class search (no per-row ClassLabel values): the same
    /// classes (first-seen representative, -0.0 == 0.0) and the same fit bit for bit as ClassLabel labels.
    @Test func labelFastPaths() throws {
        let reals: [Double] = [0.0, 2.0, -0.0, 2.0, 7, 0.0]
        let viaReals = try LogisticRegression().fit(x, reals)
        let viaLabels = try LogisticRegression().fit(x, reals.map { ClassLabel.real($0) })
        #expect(viaReals.classes == viaLabels.classes && viaReals.classes.count == 3)
        #expect(viaReals.coefficients.flatMap { $0 }.map(\.bitPattern) == viaLabels.coefficients.flatMap { $0 }.map(\.bitPattern))
        let viaInts = try LogisticRegression().fit(x, y)
        let viaIntLabels = try LogisticRegression().fit(x, y.map { ClassLabel.integer($0) })
        #expect(viaInts.classes == viaIntLabels.classes)
        #expect(viaInts.coefficients.flatMap { $0 }.map(\.bitPattern) == viaIntLabels.coefficients.flatMap { $0 }.map(\.bitPattern))
        guard case .singleClass? = fitError({ try LogisticRegression().fit(x, [0.0, -0.0, 0, 0, 0, 0]) }) else { Issue.record("0.0 and -0.0 are one class"); return }
    }

    /// The class search's two-class loop (taken once two classes are seen) and its fall-back when a
    /// third class turns up later (early, late, last, among -0.0 / 0.0, beyond the 32-class table)
    /// give the targets of a plain search: each row's rank among the sorted first-seen classes.
    @Test(arguments: [
        [1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0, 1.0, 2.0, 0.0, 1.0],
        [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, -3.0],
        [-0.0, 5.0, 0.0, 5.0, 0.0, 4.0, -0.0],
        [2.0, 2.0, 2.0, 1.0, 2.0, 1.0, 0.0],
        [0.0, 1.0] + (0..<70).map { Double($0 % 37) } + [1.0, 0.0],
    ])
    func classSearchMatchesPlainSearch(labels: [Double]) throws {
        var seen: [Double] = []
        for v in labels where !seen.contains(v) { seen.append(v) }
        let sorted = seen.sorted()
        let expected = labels.map { v in Int32(sorted.firstIndex(of: v)!) }  // invariant: v is in sorted
        let (classes, target) = try LogisticValidation.encode(reals: labels)
        #expect(target == expected)
        #expect(classes.map(\.description) == sorted.map { ClassLabel.real($0).description })
        let (intClasses, intTarget) = try LogisticValidation.encode(integers: labels.map { Int($0) })
        #expect(intTarget == expected && intClasses.count == sorted.count)
        let (labelClasses, labelTarget) = try LogisticValidation.encode(labels.map { ClassLabel.real($0) })
        #expect(labelTarget == expected && labelClasses == classes)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteX(value: Double) throws {
        var bad = x
        bad[4, 1] = value
        guard case let .nonFiniteValue(_, argument, row, column, _)? = fitError({ try LogisticRegression().fit(bad, y) }) else {
            Issue.record("non-finite X"); return
        }
        #expect(argument == "X" && row == 4 && column == 1)
        // Float input too.
        let badFloat = try Matrix<Float>(rows: bad.rows, columns: bad.columns, elements: bad.elements.map { Float($0) })
        guard case .nonFiniteValue(_, "X", 4, 1, _)? = fitError({ try LogisticRegression().fit(badFloat, y) }) else {
            Issue.record("non-finite Float X"); return
        }
        // And at prediction time.
        let model = try LogisticRegression().fit(x, y)
        guard case .nonFiniteValue(_, "X", 4, 1, _)? = fitError({ try model.predictProbability(bad) }) else {
            Issue.record("non-finite X at predict"); return
        }
    }

    @Test func nonFiniteLabelsAndWeights() throws {
        let labels: [Double] = [0, 1, .nan, 1, 0, 1]
        guard case .nonFiniteValue(_, "y", 2, nil, _)? = fitError({ try LogisticRegression().fit(x, labels) }) else {
            Issue.record("NaN label"); return
        }
        guard case .nonFiniteValue(_, "sampleWeight", 3, nil, _)? = fitError({
            try LogisticRegression().fit(x, y, sampleWeight: [1, 1, 1, .infinity, 1, 1])
        }) else { Issue.record("Inf weight"); return }
        guard case .negativeWeight(_, 5, -1)? = fitError({
            try LogisticRegression().fit(x, y, sampleWeight: [1, 1, 1, 1, 1, -1])
        }) else { Issue.record("negative weight"); return }
        guard case .zeroTotalWeight? = fitError({
            try LogisticRegression().fit(x, y, sampleWeight: [0, 0, 0, 0, 0, 0])
        }) else { Issue.record("zero total weight"); return }
    }

    @Test("a real target holding a non-integer is continuous: refused naming the first row that holds it, as scikit-learn's 'Unknown label type: continuous'")
    func continuousTargetRefused() throws {
        guard case .continuousTarget(_, 2, 0.5)? = fitError({ try LogisticRegression().fit(x, [0.0, 1.0, 0.5, 1.0, 0.5, 0.0]) }) else {
            Issue.record("reals"); return
        }
        let labels: [ClassLabel] = [.real(1), .real(2), .real(1), .real(2.25), .real(2), .real(1)]
        guard case .continuousTarget(_, 3, 2.25)? = fitError({ try LogisticRegression().fit(x, labels) }) else {
            Issue.record("labels"); return
        }
        // One non-integer value everywhere: continuous first (scikit-learn's order), not a single class.
        guard case .continuousTarget(_, 0, 0.5)? = fitError({ try LogisticRegression().fit(x, [Double](repeating: 0.5, count: 6)) }) else {
            Issue.record("one non-integer value"); return
        }
        guard case .singleClass? = fitError({ try LogisticRegression().fit(x, [Double](repeating: 3, count: 6)) }) else {
            Issue.record("one integer value"); return
        }
        // Integer-valued reals (and -0.0) are classes, as in scikit-learn.
        let model = try LogisticRegression().fit(x, [-0.0, 1.0, 0.0, 1.0, 2.0, 2.0])
        #expect(model.classes == [.real(0), .real(1), .real(2)])
    }

    @Test func singleClassNamesTheClass() throws {
        guard case let .singleClass(_, label)? = fitError({ try LogisticRegression().fit(x, ["cat", "cat", "cat", "cat", "cat", "cat"]) }) else {
            Issue.record("single class"); return
        }
        #expect(label.contains("cat"))
        let one = try Matrix<Double>([[1.0]])
        guard case .singleClass(_, "7")? = fitError({ try LogisticRegression().fit(one, [7]) }) else { Issue.record("1x1"); return }
    }

    @Test func mixedLabelsAndUnknownClassWeight() throws {
        let mixed: [ClassLabel] = [0, 1, "a", 1, 0, 1]
        guard case .mixedLabelTypes(_, 2)? = fitError({ try LogisticRegression().fit(x, mixed) }) else { Issue.record("mixed"); return }
        let config = LogisticRegression(classWeight: .explicit([5: 2.0]))
        guard case .unknownClass(_, "classWeight", "5")? = fitError({ try config.fit(x, y) }) else { Issue.record("unknown class"); return }
    }

    @Test func parameters() throws {
        let bad: [(LogisticRegression, String)] = [
            (LogisticRegression(tol: -1), "tol"), (LogisticRegression(tol: .nan), "tol"),
            (LogisticRegression(maxIter: -1), "maxIter"),
            (LogisticRegression(C: 0), "C"), (LogisticRegression(C: -2), "C"), (LogisticRegression(C: .nan), "C"),
            (LogisticRegression(C: Double.leastNonzeroMagnitude), "C"),
            (LogisticRegression(penalty: .l2(alpha: -1)), "alpha"), (LogisticRegression(penalty: .l2(alpha: .infinity)), "alpha"),
            (LogisticRegression(solver: .lbfgs(memory: 0)), "memory"),
            (LogisticRegression(classWeight: .explicit([0: -1])), "classWeight[0]"),
        ]
        for (config, name) in bad {
            guard case let .invalidParameter(_, parameter, _)? = fitError({ try config.fit(x, y) }) else {
                Issue.record("\(name) accepted"); continue
            }
            #expect(parameter == name)
        }
    }

    @Test func warmStartAndPredictShapes() throws {
        let model = try LogisticRegression().fit(x, y)
        guard case .unknownClass(_, "warmStart", _)? = fitError({ try LogisticRegression().fit(x, [0, 1, 2, 1, 0, 2], warmStart: model) }) else {
            Issue.record("warm start classes"); return
        }
        let wider = try Matrix<Double>(rows: 6, columns: 3, repeating: 1)
        guard case .columnCountMismatch(_, 3, 2)? = fitError({ try LogisticRegression().fit(wider, y, warmStart: model) }) else {
            Issue.record("warm start columns"); return
        }
        guard case .columnCountMismatch(_, 2, 3)? = fitError({ try model.predict(wider) }) else { Issue.record("predict columns"); return }
        #expect(try model.predict(Matrix<Double>(rows: 0, columns: 2)).isEmpty)
    }

    @Test func overflowingInputIsAnErrorNotNaN() throws {
        let huge = try Matrix<Double>([[1e300, 1], [-1e300, 2], [1e300, -1], [-2e300, 0]])
        for solver in [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky] {
            do {
                let model = try LogisticRegression(penalty: .none, solver: solver).fit(huge, [0, 1, 0, 1])
                // If it fits, everything must be finite.
                #expect(model.coefficients.joined().allSatisfy { $0.isFinite } && model.diagnostics.objective.isFinite)
                let p = try model.predictProbability(huge)
                #expect(p.elements.allSatisfy { $0.isFinite })
            } catch let error as ModelError {
                guard case .numericalOverflow = error else { Issue.record("unexpected \(error)"); continue }
            }
        }
    }
}
