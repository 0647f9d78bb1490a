import Foundation
import Testing
import FeatureKit

/// The README's library example, compiled and run as written (paths from the repository root).
@Suite struct ReadmeExampleTests {
    @Test func readmeExampleRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL.path
        let output = NSTemporaryDirectory() + "readme-\(UUID().uuidString).model.json"
        defer { try? FileManager.default.removeItem(atPath: output) }

        let table = try CSVReader().read(root + "/data/iris.csv")
        let spec = try TrainingSpec.read(json: Data(contentsOf: URL(fileURLWithPath: root + "/examples/iris-logistic.json")))
        let model = try Trainer.train(spec, on: table, threads: 2)
        try AtomicOutput.write(try model.encoded(), to: output)
        let served = try ModelDocument.decode(Data(contentsOf: URL(fileURLWithPath: output)))
        let prediction = try served.predict(table)

        let x = try table.numericMatrix(columns: ["sepal_length_cm", "petal_length_cm"])
        let scaler = try StandardScaler().fit(x, columnNames: ["sepal_length_cm", "petal_length_cm"])
        let z = try scaler.transform(x)
        let fit = try LinearRegression().fit(x: z, y: try table.numeric("petal_width_cm"))

        guard case let .classes(labels, _) = prediction else { Issue.record("classifier expected"); return }
        #expect(labels.count == 150)
        #expect(fit.rank == 2 && fit.coefficients.count == 2 && (fit.rSquared ?? 0) > 0.9)
    }
}
