import LinearAlgebra
import Testing
@testable import Models

@Suite("LinearRegression and Ridge refuse bad input with typed errors")
struct LinearRegressionErrorTests {
    static let x = try! Matrix<Double>([[1, 2], [3, 4], [5, 7], [2, 1]])  // invariant: literal shape
    static let y: [Double] = [1, 2, 3, 4]

    /// Fits both models and checks that both throw an error matching `check`.
    func expectBoth(x: Matrix<Double> = x, y: [Double] = y, w: [Double]? = nil, _ check: @escaping (ModelError) -> Bool) {
        #expect { try LinearRegression().fit(x: x, y: y, sampleWeight: w) } throws: { ($0 as? ModelError).map(check) ?? false }
        #expect { try LinearRegression(solver: .normalEquations).fit(x: x, y: y, sampleWeight: w) } throws: { ($0 as? ModelError).map(check) ?? false }
        #expect { try Ridge().fit(x: x, y: y, sampleWeight: w) } throws: { ($0 as? ModelError).map(check) ?? false }
    }

    @Test func nonFiniteInXNamesRowAndColumn() throws {
        for bad in [Double.nan, .infinity, -.infinity] {
            var x = Self.x
            x[2, 1] = bad
            expectBoth(x: x) { if case .nonFiniteValue(_, "X", 2, 1, _) = $0 { return true }; return false }
        }
    }

    @Test func nonFiniteInYAndWeightsNamesRow() {
        expectBoth(y: [1, .nan, 3, 4]) { if case .nonFiniteValue(_, "y", 1, nil, _) = $0 { return true }; return false }
        expectBoth(w: [1, 1, 1, .infinity]) { if case .nonFiniteValue(_, "sampleWeight", 3, nil, _) = $0 { return true }; return false }
    }

    @Test func weights() {
        expectBoth(w: [1, -0.5, 1, 1]) { if case .negativeWeight(_, 1, -0.5) = $0 { return true }; return false }
        expectBoth(w: [0, 0, 0, 0]) { if case .zeroTotalWeight = $0 { return true }; return false }
        expectBoth(w: [1, 1]) { if case .lengthMismatch(_, "sampleWeight", 4, 2) = $0 { return true }; return false }
    }

    @Test func shapes() throws {
        expectBoth(y: [1, 2, 3]) { if case .lengthMismatch(_, "y", 4, 3) = $0 { return true }; return false }
        expectBoth(x: try Matrix<Double>(rows: 0, columns: 2), y: []) { if case .emptyInput = $0 { return true }; return false }
        let fit = try LinearRegression().fit(x: Self.x, y: Self.y)
        #expect { try fit.predict(try Matrix<Double>(rows: 2, columns: 3)) } throws: {
            if case .columnCountMismatch(_, 2, 3) = $0 as? ModelError { return true }; return false
        }
        var bad = Self.x
        bad[0, 0] = .nan
        #expect { try fit.predict(bad) } throws: {
            if case .nonFiniteValue(_, "X", 0, 0, _) = $0 as? ModelError { return true }; return false
        }
        #expect(try fit.predict(try Matrix<Double>(rows: 0, columns: 2)).isEmpty)
    }

    @Test func parameters() {
        for alpha in [-1.0, .nan, .infinity] {
            #expect { try Ridge(alpha: alpha).fit(x: Self.x, y: Self.y) } throws: {
                if case .invalidParameter(_, "alpha", _) = $0 as? ModelError { return true }; return false
            }
        }
        for cutoff in [-1.0, 1.0, .nan] {
            #expect { try LinearRegression(rankCutoff: cutoff).fit(x: Self.x, y: Self.y) } throws: {
                if case .invalidParameter(_, "rankCutoff", _) = $0 as? ModelError { return true }; return false
            }
        }
        #expect { try LinearRegression().fit(x: Self.x, y: Self.y, threads: 0) } throws: {
            if case .invalidParameter(_, "threads", _) = $0 as? ModelError { return true }; return false
        }
    }

    @Test func messagesNameThePlace() {
        let error = ModelError.illConditioned(model: "LinearRegression", solver: "normalEquations", conditionEstimate: 1e12, limit: 1e8, suggestion: "solver .qr")
        #expect(error.description.contains("solver .qr") && error.description.contains("normalEquations"))
    }
}
