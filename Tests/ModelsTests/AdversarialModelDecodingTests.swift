import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// A `LogisticRegressionModel` saved with `JSONEncoder` and edited: decoding refuses inconsistent
/// shapes and non-finite numbers (a `DecodingError`), so neither `predict` nor a warm start traps.
@Suite struct AdversarialModelDecodingTests {
    static let x = try! Matrix<Double>([[1, 2], [2, 1], [3, 5], [4, 3], [5, 8], [6, 4]])  // invariant: literal rows

    static func edited(_ model: LogisticRegressionModel, _ pattern: String, _ replacement: String) throws -> Result<LogisticRegressionModel, any Error> {
        var json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        let range = try #require(json.range(of: pattern, options: .regularExpression), "\(pattern) not in \(json)")
        json.replaceSubrange(range, with: replacement)
        return Result { try JSONDecoder().decode(LogisticRegressionModel.self, from: Data(json.utf8)) }
    }

    @Test(arguments: [
        // Before: a shortened coefficient row as a warm start trapped (Index out of range) in fit.
        (true, #""coefficients":\[\[[^\]]*\]\]"#, #""coefficients":[[0.5]]"#),
        // Before: no classes trapped in predict (Index out of range).
        (false, #""classes":\[.*?\}\}\]"#, #""classes":[]"#),
        (false, #""intercepts":\[[^\]]*\]"#, #""intercepts":[1]"#),
        (false, #""featureCount":\d+"#, #""featureCount":1"#),
        (false, #""featureCount":\d+"#, #""featureCount":-1"#),
        (true, #""intercepts":\[[^\]]*\]"#, #""intercepts":[1e999]"#),
        (true, #""classes":\[\{"integer":\{"_0":0\}\}"#, #""classes":[{"integer":{"_0":1}}"#),
    ])
    func editedModelsAreRefused(binary: Bool, pattern: String, replacement: String) throws {
        let labels = binary ? [0, 1, 0, 1, 1, 0] : [0, 1, 2, 1, 1, 0]
        let model = try LogisticRegression().fit(Self.x, labels)
        switch try Self.edited(model, pattern, replacement) {
        case let .success(bad):
            Issue.record("decoded \(bad.classes) \(bad.coefficients) \(bad.intercepts) \(bad.featureCount)")
            _ = try? bad.predict(Self.x)
            _ = try? LogisticRegression().fit(Self.x, labels, warmStart: bad)
        case let .failure(error):
            #expect(error is DecodingError, "\(type(of: error)) \(error)")
        }
    }

    @Test func untouchedModelRoundTripsAndWarmStarts() throws {
        for labels in [[0, 1, 0, 1, 1, 0], [0, 1, 2, 1, 1, 0]] {
            let model = try LogisticRegression().fit(Self.x, labels)
            let decoded = try JSONDecoder().decode(LogisticRegressionModel.self, from: try JSONEncoder().encode(model))
            #expect(decoded == model)
            _ = try LogisticRegression().fit(Self.x, labels, warmStart: decoded)
        }
    }
}
