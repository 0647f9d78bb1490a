import Foundation
import LinearAlgebra
import Testing
@testable import Features

@Suite("Normalizer: bad input, edge cases, properties")
struct NormalizerPropertyTests {
    @Test("NaN and infinity are errors naming row and column")
    func badValues() throws {
        let fitted = try Normalizer().fit(try Matrix<Double>([[1, 2, 3]]), columnNames: ["a", "b", "c"])
        var x = try ShapeData.mixed(rows: 5000).rowBlock(0..<5000).copy()
        x = try Matrix(rows: x.rows, columns: 3, elements: (0..<(x.rows * 3)).map { Double($0 % 11) - 5 })
        try x.setElement(.nan, row: 4200, column: 1)
        do { _ = try fitted.transform(x, columnNames: nil, threads: 2); Issue.record("expected an error") }
        catch let FeatureError.missingValue(_, row, column) { #expect(row == 4200 && column == "b") }
        try x.setElement(.infinity, row: 17, column: 2)
        do { _ = try fitted.transform(x); Issue.record("expected an error") }
        catch let FeatureError.infiniteValue(_, row, column, _) { #expect(row == 17 && column == "c") }
        #expect(throws: FeatureError.self) { try fitted.transform(try Matrix<Double>([[1, 2]])) }
        #expect(throws: FeatureError.self) { try Normalizer().fit(try Matrix<Double>(rows: 0, columns: 2)) }
    }

    @Test("scale-safe norms: rows of 1e300 and 1e-300, zero rows, tiny rows", arguments: Normalizer.Norm.allCases)
    func extremes(norm: Normalizer.Norm) throws {
        let x = try Matrix<Double>([[1e300, -1e300, 5e299], [1e-300, 3e-300, -2e-300], [0, 0, 0], [1e-17, 0, 1e-17], [3, 4, 0]])
        let y = try Normalizer(norm: norm).fit(x).transform(x)
        #expect(y.elements.allSatisfy { $0.isFinite })
        for i in [0, 4] {
            let row = try y.row(i).array
            let n: Double = switch norm {
            case .l1: row.reduce(0) { $0 + abs($1) }
            case .l2: row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            case .max: row.map(abs).max() ?? 0
            }
            #expect(abs(n - 1) < 1e-15, "row \(i) norm \(n)")
        }
        #expect(try y.row(2).array == [0, 0, 0])            // zero row stays zero
        #expect(try y.row(3).array == [1e-17, 0, 1e-17])    // norm below 10 eps: unchanged (scikit-learn)
        #expect(try y.row(1).array == [1e-300, 3e-300, -2e-300])
        if norm == .l2 { #expect(try y.row(4).array == [0.6, 0.8, 0]) }
    }

    @Test("threads, Float vs Double, 1x1 and zero columns")
    func properties() throws {
        let x = try Matrix<Double>(rows: 9000, columns: 5, elements: (0..<45000).map { sin(Double($0)) * 100 })
        let fitted = try Normalizer(norm: .l1).fit(x)
        let one = try fitted.transform(x, columnNames: nil, threads: 1)
        for threads in [2, 4] {
            #expect(try fitted.transform(x, columnNames: nil, threads: threads).elements.map(\.bitPattern) == one.elements.map(\.bitPattern))
        }
        let xf = try ShapeData.float(x)
        let yf = try Normalizer(norm: .l1).fit(xf).transform(xf)
        for (a, b) in zip(yf.elements, one.elements) { #expect(abs(Double(a) - b) <= 2e-7 * (abs(b) + 1e-30) + 1e-12) }
        #expect(try Normalizer().fit(try Matrix<Double>([[-4]])).transform(try Matrix<Double>([[-4]]))[0, 0] == -1)
        let empty = try Matrix<Double>(rows: 3, columns: 0)
        #expect(try Normalizer().fit(empty).transform(empty).shape == empty.shape)
        let decoded = try JSONDecoder().decode(Normalizer.Fitted.self, from: JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
    }
}
