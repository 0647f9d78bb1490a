import Foundation
import LinearAlgebra
import Testing
@testable import Features

@Suite("FunctionTransformer: domain errors, inverse, properties")
struct FunctionPropertyTests {
    @Test("values outside the domain are errors naming row and column, never NaN")
    func domain() throws {
        let fitted = try FunctionTransformer(.log1p).fit(try Matrix<Double>([[0, 0]]), columnNames: ["a", "b"])
        for bad in [-1.0, -1.5, -1e300] {
            do { _ = try fitted.transform(try Matrix<Double>([[0, 1], [2, bad]])); Issue.record("expected an error for \(bad)") }
            catch let FeatureError.outOfDomain(transform, row, column, value, requirement) {
                #expect(transform == "FunctionTransformer" && row == 1 && column == "b" && value == bad && requirement.contains("x > -1"))
            }
        }
        do { _ = try fitted.transform(try Matrix<Double>([[.infinity, 1]])); Issue.record("expected an error") }
        catch let FeatureError.infiniteValue(_, row, column, _) { #expect(row == 0 && column == "a") }
        // NaN is kept.
        let y = try fitted.transform(try Matrix<Double>([[.nan, 1]]))
        #expect(y[0, 0].isNaN && y[0, 1] == log1p(1.0))
        // The inverse overflows past ~709.78.
        do { _ = try fitted.inverseTransform(try Matrix<Double>([[1, 710]])); Issue.record("expected an error") }
        catch let FeatureError.overflow(_, row, column, value) { #expect(row == 0 && column == "b" && value == 710) }
        // log needs x > 0, sqrt x >= 0, and sqrt's inverse y >= 0.
        #expect(throws: FeatureError.self) { try FunctionTransformer(.log).fit(try Matrix<Double>([[1]])).transform(try Matrix<Double>([[0]])) }
        #expect(throws: FeatureError.self) { try FunctionTransformer(.sqrt).fit(try Matrix<Double>([[1]])).transform(try Matrix<Double>([[-1e-300]])) }
        #expect(try FunctionTransformer(.sqrt).fit(try Matrix<Double>([[1]])).transform(try Matrix<Double>([[-0.0]]))[0, 0] == 0)
        #expect(throws: FeatureError.self) { try FunctionTransformer(.sqrt).fit(try Matrix<Double>([[1]])).inverseTransform(try Matrix<Double>([[-2]])) }
    }

    @Test("inverse round trip, threads, Float vs Double", arguments: FunctionTransformer.Function.allCases)
    func roundTrip(function: FunctionTransformer.Function) throws {
        let values: [Double] = (0..<18000).map { (i: Int) -> Double in
            i % 97 == 0 ? Double.nan : Double(i % 1000) * 0.37 + 0.001
        }
        let x = try Matrix<Double>(rows: 6000, columns: 3, elements: values)
        let fitted: FunctionTransformer.Fitted = try FunctionTransformer(function).fit(x)
        let y = try fitted.transform(x)
        let back = try fitted.inverseTransform(y, threads: 2)
        for (a, b) in zip(back.elements, x.elements) { #expect(sameOrClose(a, b, tolerance: 8 * Double.ulpOfOne * abs(b) + 1e-15)) }
        #expect(try fitted.transform(x, columnNames: nil, threads: 3).elements.map(\.bitPattern) == y.elements.map(\.bitPattern))
        let yf = try fitted.transform(try ShapeData.float(x))
        for (a, b) in zip(yf.elements, y.elements) { #expect(sameOrClose(Double(a), b, tolerance: 1.2e-7 * abs(b) + 1e-7)) }
        let decoded = try JSONDecoder().decode(FunctionTransformer.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
    }
}
