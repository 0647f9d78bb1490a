import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Accuracy (not only finiteness) of the linear solvers on inputs whose scales differ wildly: each
/// answer is checked against an independent closed form.
@Suite struct AdversarialAccuracyTests {
    static let a: [Double] = [1, 2, 4, 3, 7, 5, 6, 9]
    static let b: [Double] = [2, -1, 3, 5, 0, 8, 1, 2]
    static var y: [Double] { zip(a, b).map { 2 * $0 + 3 * $1 + 1 } }

    /// Ridge with a penalty that dwarfs the data (`alpha >> ||X_c||^2`): `b = (X_c^T X_c + alpha I)^{-1}
    /// X_c^T y_c = X_c^T y_c / alpha (1 + O(||X_c||^2 / alpha))`, so `X_c^T y_c / alpha` is the answer to
    /// far better than double precision. The penalty rows `sqrt(alpha) I` of the augmented QR /
    /// SVD problem are then 1e10 to 1e20 times larger than the data rows; stacked under the data
    /// they used to swamp them in Householder QR (the data's coupling to the penalty rounded away:
    /// coefficients 2% off at alpha 1e30, exactly zero from 1e34). Also the same problem as features
    /// in tiny units (1e-15) with the default alpha = 1.
    @Test(arguments: [(1.0, 1e20), (1.0, 1e30), (1.0, 1e40), (1e-15, 1.0)])
    func ridgeWithAPenaltyThatDwarfsTheData(scale: Double, alpha: Double) throws {
        let (a, b, y) = (Self.a.map { $0 * scale }, Self.b.map { $0 * scale }, Self.y)
        let x = try Matrix(zip(a, b).map { [$0, $1] })
        let n = Double(y.count)
        let (ma, mb, my) = (a.reduce(0, +) / n, b.reduce(0, +) / n, y.reduce(0, +) / n)
        var expected = [0.0, 0.0]
        for i in y.indices {
            expected[0] += (a[i] - ma) * (y[i] - my) / alpha
            expected[1] += (b[i] - mb) * (y[i] - my) / alpha
        }
        for solver in [Ridge.Solver.auto, .cholesky, .qr, .svd] {
            let fit = try Ridge(alpha: alpha, solver: solver).fit(x: x, y: y)
            // The closed form's own error is about 1e-15 (the O(||X_c||^2 / alpha) term is below
            // 1e-17 here); the solvers see a matrix of condition ~1, so 1e-12 leaves a wide margin.
            #expect(relativeError(fit.coefficients, expected) <= 1e-12, "\(solver): \(fit.coefficients) vs \(expected)")
        }
    }

    /// Wide data (fewer rows than columns) with a column of 1e200s: the dual `n x n` Gram matrix
    /// `A A^T` overflows (1e400) although the problem is well posed (`y = x_0 / 1e200` exactly, so
    /// `b = (1e-200, 0, 0, 0)` to within alpha / 1e400). `.auto` and `.cholesky` threw
    /// `ModelError.linearAlgebra` "cholesky: non-finite value inf at row 0, column 0", naming a
    /// place of an internal matrix as if the input held an infinity; `.qr` and `.svd` answered.
    @Test func wideRidgeWhoseDualGramMatrixOverflows() throws {
        let x = try Matrix<Double>([[1e200, 2, 3, 4], [2e200, 1, 0, 5], [3e200, 3, 3, 1]])
        let y: [Double] = [1, 2, 3]
        for solver in [Ridge.Solver.auto, .cholesky, .qr, .svd] {
            let fit = try Ridge(alpha: 1, solver: solver).fit(x: x, y: y)
            // The other coefficients are zero up to rounding of the fitted y (about 1e-16).
            #expect(abs(fit.coefficients[0] - 1e-200) <= 1e-214, "\(solver): \(fit.coefficients)")
            #expect(fit.coefficients.dropFirst().allSatisfy { abs($0) <= 1e-14 }, "\(solver): \(fit.coefficients)")
            #expect(zip(try fit.predict(x), y).allSatisfy { abs($0 - $1) <= 1e-14 }, "\(solver)")
        }
    }

    /// A column of values around 1e-158 (a quantity in large units): the centred Gram matrix of the
    /// one-pass paths holds its squares as subnormal numbers (1e-316, a few significant bits) and
    /// its equilibration scale 1e158 squared overflowed, so the default `LinearRegression()` (its
    /// Gram-preconditioned shortcut), `.normalEquations` and Ridge's Cholesky threw
    /// `ModelError.linearAlgebra` "cholesky: non-finite value inf at row 0, column 0" on data that
    /// the QR path fits exactly (`y = 2e158 x_0 + 3 x_1 + 1`). Such a column now sends the fit to
    /// the equilibrated path; with a penalty, Ridge's Cholesky equilibrates `G + alpha I` instead.
    @Test(arguments: [1e-150, 1e-156, 1e-158, 1e-160, 1e-162])
    func columnWhoseSquaresAreSubnormal(scale: Double) throws {
        let x = try Matrix(zip(Self.a, Self.b).map { [$0 * scale, $1] })
        let y = Self.y
        let expected = [2 / scale, 3.0, 1.0]
        var fits: [(String, [Double])] = []
        for (name, model) in [("qr", LinearRegression()), ("normalEquations", LinearRegression(solver: .normalEquations))] {
            let fit = try model.fit(x: x, y: y)
            fits.append((name, fit.coefficients + [fit.intercept]))
            #expect(fit.rank == 2 && abs(fit.conditionEstimate - 1.0282891668575929) <= 1e-10, "\(name): \(fit.conditionEstimate)")
        }
        // (Ridge's `.svd` with alpha = 0 truncates singular values of the unscaled design, as
        // scikit-learn's `solver="svd"` does, so it drops the 1e-158 column by design.)
        for solver in [Ridge.Solver.auto, .cholesky, .qr] {
            let fit = try Ridge(alpha: 0, solver: solver).fit(x: x, y: y)
            fits.append(("Ridge \(solver)", fit.coefficients + [fit.intercept]))
        }
        for (name, coefficients) in fits {
            // The data are exact and the equilibrated design has condition 1.03: a few ulps
            // (normal equations: cond^2 eps), with room to spare.
            #expect(relativeError(coefficients, expected) <= 1e-13, "\(name) at \(scale): \(coefficients)")
        }
        // Ridge, alpha = 1: with b_0 = s u, the normal equations are (s^2 S_aa + 1) u + S_ab b_1 = S_ay
        // and s^2 S_ab u + (S_bb + 1) b_1 = S_by (S: centred cross products); s^2 <= 1e-300 drops out.
        let n = Double(Self.y.count)
        let (ma, mb, my) = (Self.a.reduce(0, +) / n, Self.b.reduce(0, +) / n, y.reduce(0, +) / n)
        func cross(_ u: [Double], _ mu: Double, _ v: [Double], _ mv: Double) -> Double { zip(u, v).map { ($0 - mu) * ($1 - mv) }.reduce(0, +) }
        let b1 = cross(Self.b, mb, y, my) / (cross(Self.b, mb, Self.b, mb) + 1)
        let u = cross(Self.a, ma, y, my) - cross(Self.a, ma, Self.b, mb) * b1
        let ridge = [scale * u, b1, my - b1 * mb]
        for solver in [Ridge.Solver.auto, .cholesky] {
            let fit = try Ridge(alpha: 1, solver: solver).fit(x: x, y: y)
            #expect(relativeError([fit.coefficients[0] / scale, fit.coefficients[1], fit.intercept], [u, b1, ridge[2]]) <= 1e-13,
                    "Ridge alpha 1 \(solver) at \(scale): \(fit.coefficients) vs \(ridge)")
        }
    }

    /// L-BFGS logistic regression on a column in units of 1e200 or 1e300: the preconditioner's column
    /// deviation came from a sum of squares that overflowed, fell back to 1 (no scaling), and the fit
    /// returned the all-zero start with `converged == false` (line search failed). The deviation is
    /// now recomputed scale-safe, and the fit equals the one at 1e150 (where the squares still fit)
    /// with the coefficient scaled.
    @Test(arguments: [1e200, 1e300])
    func logisticOnAColumnWhoseSquaresOverflow(scale: Double) throws {
        let a: [Double] = [1, 2, 4, 3, 7, 5, 6, 9, 2, 8], b: [Double] = [2, -1, 3, 5, 0, 8, 1, 2, 4, 4]
        let y: [Double] = [0, 0, 1, 0, 1, 1, 0, 1, 1, 0]
        for model in [LogisticRegression(), LogisticRegression(penalty: .none)] {
            let reference = try model.fit(try Matrix(zip(a, b).map { [$0 * 1e150, $1] }), y)
            let fit = try model.fit(try Matrix(zip(a, b).map { [$0 * scale, $1] }), y)
            #expect(fit.diagnostics.converged, "\(fit.diagnostics)")
            let got = [fit.coefficients[0][0] * scale, fit.coefficients[0][1], fit.intercepts[0]]
            let want = [reference.coefficients[0][0] * 1e150, reference.coefficients[0][1], reference.intercepts[0]]
            // Both stop at the solver's tolerance (gradient 1e-4 in the standardised coordinates);
            // measured agreement ~1e-9.
            #expect(relativeError(got, want) <= 1e-6, "\(got) vs \(want)")
            #expect(abs(fit.diagnostics.objective - reference.diagnostics.objective) <= 1e-12)
        }
    }
}
