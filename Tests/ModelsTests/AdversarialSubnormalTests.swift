import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Columns of subnormal values (below ~5.6e-309, where 1 / value overflows): the equilibration
/// scaled them by an infinite factor, and the fit failed with "non-finite value inf at row 0,
/// column 0", a value X does not hold. The scale is capped, so such data fits like any other.
@Suite struct AdversarialSubnormalTests {
    /// 2^-1030 (subnormal: 44 significant bits; exact multiples below).
    static let tiny = 0x1p-1030
    static let x = try! Matrix<Double>([[tiny], [2 * tiny], [4 * tiny], [3 * tiny]])  // invariant: literal rows
    static let y = [3 * tiny, 6 * tiny, 12 * tiny, 9 * tiny]  // y = 3 x exactly

    @Test(arguments: [
        ("qr", LinearRegression()), ("qr no intercept", LinearRegression(fitIntercept: false)),
        ("refinement always", LinearRegression(refinement: .always)),
    ])
    func linearRegressionRecoversTheSlope(name: String, model: LinearRegression) throws {
        let fit = try model.fit(x: Self.x, y: Self.y)
        // 1e-9: the data carries ~44 bits (subnormal), far more than this.
        #expect(abs(fit.coefficients[0] - 3) < 1e-9, "\(name): \(fit.coefficients)")
        #expect(abs(fit.intercept) < 1e-300, "\(name): \(fit.intercept)")
        let predictions = try fit.predict(Self.x)
        #expect(predictions.allSatisfy { $0.isFinite }, "\(name)")
    }

    /// The one-pass normal equations square the values (2^-2060 underflows to 0): an honest
    /// ill-conditioning refusal that points to QR, not a failure naming a value X does not hold.
    @Test func normalEquationsRefuseAsIllConditioned() throws {
        do {
            let fit = try LinearRegression(solver: .normalEquations).fit(x: Self.x, y: Self.y)
            #expect(abs(fit.coefficients[0] - 3) < 1e-9)
        } catch let error as ModelError {
            guard case .illConditioned = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func ridgeFitsWithFiniteCoefficients() throws {
        // The penalty dominates columns this small: the coefficient shrinks to ~0 (as scikit-learn's).
        for model in [Ridge(), Ridge(alpha: 1e-300), Ridge(fitIntercept: false)] {
            let fit = try model.fit(x: Self.x, y: Self.y)
            #expect(fit.coefficients.allSatisfy { $0.isFinite } && fit.intercept.isFinite, "\(model): \(fit.coefficients)")
        }
    }

    /// A subnormal X with an ordinary y has astronomically large true coefficients: refused as an
    /// overflow of the coefficient, not as a non-finite value in X.
    @Test func hugeTrueCoefficientsAreAnOverflow() throws {
        do {
            let fit = try LinearRegression().fit(x: Self.x, y: [1, 2, 4, 3])
            #expect(fit.coefficients.allSatisfy { $0.isFinite })
        } catch let error as ModelError {
            #expect(!String(describing: error).contains("non-finite value"), "\(error)")
        }
    }
}
