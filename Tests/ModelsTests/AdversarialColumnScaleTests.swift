import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Columns of extreme magnitude against the solvers that used to give up on them silently:
/// Newton-Cholesky logistic regression on columns near 1e200 / 1e-200, and Ridge's `.qr` on a
/// column whose penalty dwarfs its data.
@Suite struct AdversarialColumnScaleTests {
    static let a: [Double] = [1, 2, 4, 3, 7, 5, 6, 9, 2, 8, 3, 6]
    static let b: [Double] = [2, -1, 3, 5, 0, 8, 1, 2, 4, 4, 6, 3]
    static let binary: [Double] = [0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1]
    static let three: [Double] = [0, 2, 1, 0, 1, 2, 0, 1, 2, 2, 0, 1]

    static func design(scale: Double) throws -> Matrix<Double> { try Matrix(zip(a, b).map { [$0 * scale, $1] }) }

    /// Newton-Cholesky forms `X^T diag(h) X`, the squares of the columns: a column of 1e200s made
    /// them overflow and the fit returned the all-zero start with `converged == false` (line search
    /// failed); a column of 1e-200s made them underflow (a singular Hessian). Without a penalty the
    /// maximum-likelihood coefficients scale exactly with the column (`w(s x) = w(x) / s`), so the
    /// fit at scale `s` must equal the fit at scale 1 with that coefficient multiplied by `s`.
    @Test(arguments: [1e200, 1e300, 1e-200, 1e-300])
    func newtonMatchesTheUnscaledFit(scale: Double) throws {
        for y in [Self.binary, Self.three] {
            let model = LogisticRegression(penalty: .none, solver: .newtonCholesky, tol: 1e-10)
            let reference = try model.fit(try Self.design(scale: 1), y)
            let fit = try model.fit(try Self.design(scale: scale), y)
            #expect(fit.diagnostics.converged, "\(fit.diagnostics)")
            for k in fit.coefficients.indices {
                let got = [fit.coefficients[k][0] * scale, fit.coefficients[k][1], fit.intercepts[k]]
                let want = reference.coefficients[k] + [reference.intercepts[k]]
                // Both meet tol = 1e-10 on the gradient of a problem of condition ~1e2 (after the
                // exact power-of-two rescaling): agreement to ~1e-10, asserted to 1e-8.
                #expect(relativeError(got, want) <= 1e-8, "\(scale), \(Set(y).count) classes: \(got) vs \(want)")
            }
            #expect(abs(fit.diagnostics.objective - reference.diagnostics.objective) <= 1e-12 * reference.diagnostics.objective)
        }
    }

    /// With a penalty (C = 1) the problem is no longer scale invariant: Newton must reach the
    /// optimum that L-BFGS (which standardises its columns) reaches on the same data.
    @Test(arguments: [1e200, 1e300, 1e-200])
    func newtonMatchesLBFGSWithAPenalty(scale: Double) throws {
        for y in [Self.binary, Self.three] {
            let x = try Self.design(scale: scale)
            let newton = try LogisticRegression(solver: .newtonCholesky, tol: 1e-10).fit(x, y)
            let lbfgs = try LogisticRegression(tol: 1e-10, maxIter: 1000).fit(x, y)
            #expect(newton.diagnostics.converged, "\(newton.diagnostics)")
            let f = lbfgs.diagnostics.objective
            // Two solvers at tol 1e-10 on a strictly convex objective: objectives within rounding.
            #expect(abs(newton.diagnostics.objective - f) <= 1e-12 * f, "\(newton.diagnostics.objective) vs \(f)")
            for k in newton.coefficients.indices {
                let got = [newton.coefficients[k][0] * scale, newton.coefficients[k][1], newton.intercepts[k]]
                let want = [lbfgs.coefficients[k][0] * scale, lbfgs.coefficients[k][1], lbfgs.intercepts[k]]
                #expect(relativeError(got, want) <= 1e-6, "\(scale): \(got) vs \(want)")
            }
        }
    }

    /// Ridge `.qr` with alpha = 1 and a column in units of 1e-20 .. 1e-150: in the equilibrated
    /// variables that column's penalty is `alpha D_j^2 ~ 1e38 .. 1e300`, so the augmented factor has
    /// a column 1e19 .. 1e150 times longer than the others, its unscaled `dtrcon` estimate fell below
    /// eps and the well-posed system was sent to the SVD fallback, which lost the column's coupling
    /// to the other one: its coefficient came out as `S_ay` (95.25) instead of
    /// `S_ay - S_ab b_1` (99.597..., 4% off). The closed form is exact: with `b_0 = s u`, the normal
    /// equations are `(s^2 S_aa + 1) u + S_ab b_1 = S_ay` and `s^2 S_ab u + (S_bb + 1) b_1 = S_by`,
    /// where `s^2 <= 1e-40` is below rounding of the other terms.
    @Test(arguments: [1e-20, 1e-100, 1e-150])
    func ridgeQRWithAPenaltyThatDwarfsAColumn(scale: Double) throws {
        let (a, b) = (Array(Self.a.prefix(8)), Array(Self.b.prefix(8)))
        let y = zip(a, b).map { 2 * $0 + 3 * $1 + 1 }
        let x = try Matrix(zip(a, b).map { [$0 * scale, $1] })
        let n = Double(y.count)
        let (ma, mb, my) = (a.reduce(0, +) / n, b.reduce(0, +) / n, y.reduce(0, +) / n)
        func cross(_ u: [Double], _ mu: Double, _ v: [Double], _ mv: Double) -> Double { zip(u, v).map { ($0 - mu) * ($1 - mv) }.reduce(0, +) }
        let b1 = cross(b, mb, y, my) / (cross(b, mb, b, mb) + 1)
        let u = cross(a, ma, y, my) - cross(a, ma, b, mb) * b1
        let fit = try Ridge(alpha: 1, solver: .qr).fit(x: x, y: y)
        #expect(fit.solver == .qr && !fit.fellBackToSVD, "\(fit.solver), fell back: \(fit.fellBackToSVD)")
        // The data are small integers and the equilibrated augmented system is well conditioned:
        // a few ulps, asserted to 1e-12.
        #expect(relativeError([fit.coefficients[0] / scale, fit.coefficients[1], fit.intercept], [u, b1, my - b1 * mb]) <= 1e-12,
                "\(scale): \(fit.coefficients)")
    }
}

extension AdversarialColumnScaleTests {
    /// A column with an offset that dwarfs its spread (1e9 + 1..9, or 1e6 + ...: a timestamp, a
    /// year in small units) is nearly collinear with the intercept: Newton's Hessian has condition
    /// ~(1e9 / 3)^2 = 1e17, its eigen fallback dropped directions, and the fit stopped near zero
    /// ([1.4e-18, 3.9e-27], intercept 1.4e-27) with `converged == false`. The optimum is exactly the
    /// one of the centred data (an intercept absorbs any shift, the penalty does not touch it), so
    /// coefficients must match the fit at offset 0 and the intercept must move by `-offset w_0`.
    @Test(arguments: [1e6, 1e9, -1e12])
    func newtonOnAnOffsetColumn(offset: Double) throws {
        for y in [Self.binary, Self.three] {
            for penalty in [LogisticRegression.Penalty.none, .l2C(1)] {
                let model = LogisticRegression(penalty: penalty, solver: .newtonCholesky, tol: 1e-10)
                let reference = try model.fit(try Self.design(scale: 1), y)
                let fit = try model.fit(try Matrix(zip(Self.a, Self.b).map { [$0 + offset, $1] }), y)
                #expect(fit.diagnostics.converged, "\(offset) \(penalty): \(fit.diagnostics)")
                for k in fit.coefficients.indices {
                    #expect(relativeError(fit.coefficients[k], reference.coefficients[k]) <= 1e-8,
                            "\(offset) \(penalty): \(fit.coefficients[k]) vs \(reference.coefficients[k])")
                    // The intercept carries offset * w_0 (up to 1e12 * 0.2): its rounding is eps of that.
                    let intercept = reference.intercepts[k] - offset * reference.coefficients[k][0]
                    #expect(abs(fit.intercepts[k] - intercept) <= 1e-8 * abs(offset * reference.coefficients[k][0]) + 1e-8,
                            "\(offset) \(penalty): \(fit.intercepts[k]) vs \(intercept)")
                }
            }
        }
    }
}

extension AdversarialColumnScaleTests {
    /// A target with a huge offset (1e15 + an integer signal, exactly representable: ulp 0.125).
    /// The equilibration multiplied y by `1 / max|y|`, a rounded number, so every scaled value
    /// carried a relative error of eps, 0.1 in y's units, which centring exposed next to a signal
    /// of about 10: Ridge `.qr` and `.svd` slopes were 8e-4 off ([1.9984, 2.9976] for [2, 3]); the
    /// scale is now a power of two (exact). The data fit exactly (`y = 1e15 + 2 a + 3 b + 1`), so
    /// alpha = 0 must give [2, 3] to the condition of the centred design (~10) times eps.
    @Test(arguments: [Ridge.Solver.auto, .cholesky, .qr, .svd])
    func ridgeOnATargetWithAHugeOffset(solver: Ridge.Solver) throws {
        let x = try Self.design(scale: 1)
        let y = zip(Self.a, Self.b).map { 1e15 + 2 * $0 + 3 * $1 + 1 }
        let fit = try Ridge(alpha: 0, solver: solver).fit(x: x, y: y)
        #expect(relativeError(fit.coefficients, [2, 3]) <= 1e-12, "\(solver): \(fit.coefficients)")
        // The intercept 1e15 + 1 is known to its ulp (0.125) at best.
        #expect(abs(fit.intercept - (1e15 + 1)) <= 0.5, "\(solver): \(fit.intercept)")
        let weighted = try Ridge(alpha: 0, solver: solver).fit(x: x, y: y, sampleWeight: Self.a.map { 1 / $0 })
        #expect(relativeError(weighted.coefficients, [2, 3]) <= 1e-12, "\(solver) weighted: \(weighted.coefficients)")
    }
}

extension AdversarialColumnScaleTests {
    /// A column with a huge offset (1e9 + small integers, exact): its scaled values carried the
    /// same rounding of `1 / max` as the target above, and Ridge(alpha: 0) `.qr` / `.svd` gave slopes
    /// 1.6e-8 off and an intercept of -14.67 for the true 1 (after the `-2e9` of the offset) before
    /// the power-of-two scale. Exact data: slopes to 1e-12; the intercept `1 - 2e9` to a few of its
    /// ulps (2.4e-7).
    @Test(arguments: [Ridge.Solver.auto, .cholesky, .qr, .svd])
    func ridgeOnAColumnWithAHugeOffset(solver: Ridge.Solver) throws {
        let x = try Matrix(zip(Self.a, Self.b).map { [$0 + 1e9, $1] })
        let y = zip(Self.a, Self.b).map { 2 * $0 + 3 * $1 + 1 }
        let fit = try Ridge(alpha: 0, solver: solver).fit(x: x, y: y)
        #expect(relativeError(fit.coefficients, [2, 3]) <= 1e-12, "\(solver): \(fit.coefficients)")
        #expect(abs(fit.intercept - (1 - 2e9)) <= 1e-6, "\(solver): \(fit.intercept)")
    }
}

extension AdversarialColumnScaleTests {
    /// Sample weights near the bottom of Double's range (all 5e-324 or 1e-320, alpha = 1): Ridge
    /// normalises the weights to a largest of 1 and divides alpha by that largest weight, which
    /// overflowed, and `.auto` / `.cholesky` threw "cholesky: non-finite value -nan at row 0,
    /// column 0" and `.svd` "leastSquaresSVD (A): non-finite value inf" (places in internal
    /// matrices). The penalty dwarfs the data there: `b = X_c^T W y_c / alpha` to a relative
    /// `||X_c^T W X_c|| / alpha` ~ 1e-320, and the intercept is the weighted mean of y (b ~ 1e-321).
    @Test(arguments: [5e-324, 1e-320])
    func ridgeWithSubnormalWeights(weight: Double) throws {
        let x = try Self.design(scale: 1)
        let y = zip(Self.a, Self.b).map { 2 * $0 + 3 * $1 + 1 }
        let n = Double(y.count)
        let (ma, mb, my) = (Self.a.reduce(0, +) / n, Self.b.reduce(0, +) / n, y.reduce(0, +) / n)
        // sum_i w (x_i - m)(y_i - ȳ) / alpha with alpha = 1: the exact cross products times w.
        let ca = zip(Self.a, y).map { ($0 - ma) * ($1 - my) }.reduce(0, +)
        let cb = zip(Self.b, y).map { ($0 - mb) * ($1 - my) }.reduce(0, +)
        let expected = [ca * weight, cb * weight]
        for solver in [Ridge.Solver.auto, .cholesky, .qr, .svd] {
            let fit = try Ridge(alpha: 1, solver: solver).fit(x: x, y: y, sampleWeight: [Double](repeating: weight, count: y.count))
            // Subnormal results carry few bits (5e-324 * 200 has 8): within one unit of the last
            // place they hold, 2 * leastNonzeroMagnitude.
            for j in 0..<2 {
                #expect(abs(fit.coefficients[j] - expected[j]) <= 2 * Double.leastNonzeroMagnitude, "\(solver) \(weight): \(fit.coefficients) vs \(expected)")
            }
            #expect(abs(fit.intercept - my) <= 1e-13 * my, "\(solver): \(fit.intercept)")
            #expect(fit.rSquared.map { abs($0) <= 1e-12 } ?? false, "\(solver): \(String(describing: fit.rSquared))")
        }
    }
}

extension AdversarialColumnScaleTests {
    /// Sample weights all at 5e-324 or 1e-320 (total below 1 / Double.max): the objective's weighted
    /// mean multiplied by `1 / S`, which overflowed, and every unpenalised or `.l2(alpha:)` fit
    /// failed with `.numericalOverflow` "objective inf, max |gradient| nan", though a common factor
    /// of the weights does not change a weighted mean: the fit must equal the unit-weight one. With
    /// `C`, the strength `1 / (C S)` overflows: a typed error naming `sampleWeight` (it named `C`,
    /// which was 1).
    @Test(arguments: [5e-324, 1e-320])
    func logisticWithSubnormalWeights(weight: Double) throws {
        let x = try Self.design(scale: 1)
        for y in [Self.binary, Self.three] {
            let weights = [Double](repeating: weight, count: y.count)
            for solver in [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky] {
                for penalty in [LogisticRegression.Penalty.none, .l2(alpha: 0.1)] {
                    let model = LogisticRegression(penalty: penalty, solver: solver, tol: 1e-10, maxIter: 500)
                    let reference = try model.fit(x, y)
                    let fit = try model.fit(x, y, sampleWeight: weights)
                    #expect(fit.diagnostics.converged)
                    // Same objective (the weighted mean is the plain mean here), both at tol 1e-10.
                    #expect(relativeError(fit.coefficients.flatMap { $0 } + fit.intercepts,
                                          reference.coefficients.flatMap { $0 } + reference.intercepts) <= 1e-8,
                            "\(solver) \(penalty): \(fit.coefficients) vs \(reference.coefficients)")
                }
                do {
                    _ = try LogisticRegression(C: 1, solver: solver).fit(x, y, sampleWeight: weights)
                    Issue.record("expected a sampleWeight error")
                } catch let ModelError.invalidParameter(_, parameter, _) {
                    #expect(parameter == "sampleWeight")
                }
            }
        }
    }
}

extension AdversarialColumnScaleTests {
    /// A multinomial fit with a penalty that pins the coefficients at ~0 (alpha 1e20 .. 1e300, i.e.
    /// C ~ 1e-21 .. 1e-301): the intercepts are then those of the intercept-only model, the centred
    /// log class counts `log n_k - mean_k log n_k`. Both solvers returned all-zero intercepts with
    /// `converged == false`: Newton's eigen solve dropped the intercepts' eigenvalues (~0.2) as
    /// below `p eps lambda_max` (lambda_max ~ alpha), and L-BFGS could not step with coefficient
    /// curvatures 1e20 times the intercepts'. The coefficients are below 1e-20 of the intercepts,
    /// so the closed form holds to far better than the 1e-8 asserted (the solvers' tol, 1e-10).
    @Test(arguments: [1e20, 1e100, 1e300])
    func multinomialUnderAnOverwhelmingPenalty(alpha: Double) throws {
        let x = try Self.design(scale: 1)
        let y: [Double] = [0, 2, 1, 0, 1, 2, 0, 1, 2, 2, 0, 0]  // counts 5, 3, 4
        let logs = [5.0, 3, 4].map { log($0) }
        let expected = logs.map { $0 - logs.reduce(0, +) / 3 }
        for solver in [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky] {
            let fit = try LogisticRegression(penalty: .l2(alpha: alpha), solver: solver, tol: 1e-10).fit(x, y)
            #expect(fit.diagnostics.converged, "\(solver) \(alpha): \(fit.diagnostics)")
            #expect(zip(fit.intercepts, expected).allSatisfy { abs($0 - $1) <= 1e-8 }, "\(solver) \(alpha): \(fit.intercepts) vs \(expected)")
            #expect(fit.coefficients.joined().allSatisfy { abs($0) <= 10 / alpha }, "\(solver) \(alpha): \(fit.coefficients)")
        }
    }
}

extension AdversarialColumnScaleTests {
    /// Weights that leave a single class (zero on every row of the other, or a zero class weight):
    /// the fit used to return a finite, tol-dependent intercept (-13.5 by L-BFGS, -11.2 by Newton,
    /// both "converged") for an optimum at infinity. Refused as a single class, naming it.
    @Test func weightsThatLeaveOneClass() throws {
        let x = try Self.design(scale: 1)
        let y = Self.binary
        for solver in [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky] {
            for (model, weights) in [(LogisticRegression(solver: solver), y.map { $0 == 1 ? 0.0 : 1 }),
                                     (LogisticRegression(classWeight: .explicit([.real(1): 0]), solver: solver), nil),
                                     (LogisticRegression(solver: solver), y.indices.map { $0 == 2 ? 1.0 : 0 })] {
                #expect { try model.fit(x, y, sampleWeight: weights) } throws: { error in
                    guard case let ModelError.singleClass(_, label) = error else { return false }
                    return label.hasPrefix(weights?[2] == 1 ? "1" : "0")
                }
            }
        }
    }

    /// Three classes, one of them with zero total weight (its rows weighted 0, or a zero class
    /// weight): that class's intercept has its optimum at -infinity, and the fit returned whatever
    /// the solver stopped at (-10.8 by Newton, -7.1 by L-BFGS, both "converged"). Refused, naming
    /// the class and the parameter that zeroed it.
    @Test func multinomialWithAZeroWeightClass() throws {
        let x = try Self.design(scale: 1)
        let y = x.rowArrays.indices.map { Double($0 % 3) }
        for solver in [LogisticRegression.Solver.lbfgs(memory: 10), .newtonCholesky] {
            for (model, weights, parameter) in [(LogisticRegression(solver: solver), y.map { $0 == 2 ? 0.0 : 1 }, "sampleWeight"),
                                                (LogisticRegression(classWeight: .explicit([.real(2): 0]), solver: solver), nil, "classWeight")] {
                #expect { try model.fit(x, y, sampleWeight: weights) } throws: { error in
                    guard case let ModelError.invalidParameter(_, name, reason) = error else { return false }
                    return name == parameter && reason.hasPrefix("class 2.0 has zero total weight")
                }
            }
            // A class weight of zero on a class whose rows also carry positive weight elsewhere is
            // not this case: every class keeps positive total weight here.
            #expect(throws: Never.self) { try LogisticRegression(classWeight: .explicit([.real(2): 0.5]), solver: solver).fit(x, y) }
        }
    }
}

extension AdversarialColumnScaleTests {
    /// A constant column of 1e9s (e.g. 1e9 + small integers read as Float, whose spacing there is
    /// 64) next to an ordinary one, with an intercept: the column is collinear with the intercept,
    /// Newton's Hessian is singular to rounding, and its eigen fallback on the unscaled Hessian
    /// (lambda_max ~1e18, cutoff p eps lambda_max ~1e3) dropped every direction: the fit stopped at
    /// zero with `converged == false`. Such a column adds nothing to the model, so the other
    /// coefficient and the decision values (intercept + 1e9 w_0) must be those of the fit without it
    /// (the split between w_0 and the intercept is not determined to rounding: w_0 ~ 1e-10).
    @Test func newtonWithAConstantLargeColumn() throws {
        let y = Self.binary
        for (name, constant) in [("1e9", 1e9), ("Float(1e9 + 3)", Double(Float(1e9 + 3)))] {
            let x = try Matrix(Self.b.map { [constant, $0] })
            // The default tol (1e-4): the constant column's gradient, 1e9 times the mean residual,
            // cannot go much below 1e-7 in double precision.
            let alone = try LogisticRegression(solver: .newtonCholesky).fit(try Matrix(Self.b.map { [$0] }), y)
            let fit = try LogisticRegression(solver: .newtonCholesky).fit(x, y)
            #expect(fit.diagnostics.converged, "\(name): \(fit.diagnostics)")
            // Both fits stop at tol 1e-4 on the gradient: measured agreement 1.3e-6, asserted to 1e-5.
            #expect(abs(fit.coefficients[0][1] - alone.coefficients[0][0]) <= 1e-5 * abs(alone.coefficients[0][0]),
                    "\(name): \(fit.coefficients) vs \(alone.coefficients)")
            let shift = fit.intercepts[0] + constant * fit.coefficients[0][0]
            #expect(abs(shift - alone.intercepts[0]) <= 1e-5, "\(name): \(shift) vs \(alone.intercepts[0])")
        }
    }
}

extension AdversarialColumnScaleTests {
    /// L-BFGS with a constant column of 1e200 (or -1e300) next to an ordinary one: the
    /// preconditioner centred it into a zero column whose gradient `(g_w - mu g_b)` was rounding
    /// noise of about `mu eps g_b` (1e184), and the fit stalled 0.8% away from the optimum (0.08009
    /// for 0.08070) while reporting converged. A constant column is now scaled by its value instead
    /// of centred: the other coefficient and the decision values must be those of the fit without
    /// the column (the constant adds nothing next to an intercept).
    @Test(arguments: [1e200, -1e300, 5])
    func lbfgsWithAConstantColumn(constant: Double) throws {
        let y = Self.binary
        let model = LogisticRegression(tol: 1e-8, maxIter: 1000)
        let alone = try model.fit(try Matrix(Self.b.map { [$0] }), y)
        let fit = try model.fit(try Matrix(Self.b.map { [constant, $0] }), y)
        #expect(fit.diagnostics.converged, "\(constant): \(fit.diagnostics)")
        // Both at tol 1e-8 on a problem of condition ~10: agreement ~1e-8, asserted to 1e-6. (With
        // C = 1 the constant column takes a share of the intercept's work, so the penalised optimum
        // differs from the fit without it by O(w_0^2): below 1e-200 for these constants, but for 5
        // the share w_0 ~ 1e-5 moves the other coefficient by ~1e-5: compared to 1e-4 there.)
        let tolerance = abs(constant) > 1e100 ? 1e-6 : 1e-4
        #expect(abs(fit.coefficients[0][1] - alone.coefficients[0][0]) <= tolerance * abs(alone.coefficients[0][0]),
                "\(constant): \(fit.coefficients) vs \(alone.coefficients)")
        #expect(abs(fit.intercepts[0] + constant * fit.coefficients[0][0] - alone.intercepts[0]) <= tolerance,
                "\(constant): \(fit.intercepts) vs \(alone.intercepts)")
    }
}
