/// Decoding that checks the fitted state (a saved model is data anyone can edit).
///
/// `predict` and `fit(warmStart:)` index the coefficients by class and feature; a decoded model
/// whose shapes disagree (a shortened coefficient row, no classes, a class count that does not
/// match the coefficient rows) would index out of range. It is refused at load time instead, with
/// a `DecodingError.dataCorrupted` naming the field, and so is a non-finite coefficient.
extension LogisticRegressionModel {
    private enum CheckedKeys: String, CodingKey {
        case configuration, classes, coefficients, intercepts, featureCount, diagnostics
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CheckedKeys.self)
        let classes = try c.decode([ClassLabel].self, forKey: .classes)
        let coefficients = try c.decode([[Double]].self, forKey: .coefficients)
        let intercepts = try c.decode([Double].self, forKey: .intercepts)
        let featureCount = try c.decode(Int.self, forKey: .featureCount)
        func corrupt(_ key: CheckedKeys, _ reason: String) -> DecodingError {
            .dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath + [key],
                                                 debugDescription: "LogisticRegressionModel.\(key.rawValue): \(reason)"))
        }
        guard classes.count >= 2 else { throw corrupt(.classes, "\(classes.count) classes; a fitted model has at least 2") }
        guard Set(classes).count == classes.count else { throw corrupt(.classes, "a class appears more than once") }
        guard featureCount >= 1 else { throw corrupt(.featureCount, "must be at least 1, got \(featureCount)") }
        let outputs = classes.count == 2 ? 1 : classes.count
        func shapes(_ key: CheckedKeys, _ detail: String) -> DecodingError {
            corrupt(key, "coefficient shapes do not match \(classes.count) classes and \(featureCount) features: \(detail)")
        }
        guard coefficients.count == outputs else { throw shapes(.coefficients, "\(coefficients.count) rows, expected \(outputs)") }
        for (k, row) in coefficients.enumerated() {
            guard row.count == featureCount else {
                throw shapes(.coefficients, "row \(k) has \(row.count) entries")
            }
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw corrupt(.coefficients, "row \(k), feature \(j) holds the non-finite value \(row[j])")
            }
        }
        guard intercepts.count == outputs else { throw shapes(.intercepts, "\(intercepts.count) intercepts for \(outputs) rows of coefficients") }
        if let k = intercepts.firstIndex(where: { !$0.isFinite }) {
            throw corrupt(.intercepts, "entry \(k) holds the non-finite value \(intercepts[k])")
        }
        self.init(configuration: try c.decode(LogisticRegression.self, forKey: .configuration), classes: classes,
                  coefficients: coefficients, intercepts: intercepts, featureCount: featureCount,
                  diagnostics: try c.decode(LogisticDiagnostics.self, forKey: .diagnostics))
    }
}
