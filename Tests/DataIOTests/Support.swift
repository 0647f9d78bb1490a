import Foundation
import Testing
@testable import DataIO
import Tabular

/// A fresh temporary folder per test, removed when the value is released (tests keep it alive to the
/// end of their scope: debug builds do not shorten lifetimes; `readCSV` extends it explicitly).
final class Scratch {
    let folder: String
    init() throws {
        folder = NSTemporaryDirectory() + "featurekit-dataio-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Writes `text` (or raw bytes) to a file in the folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        try file(name, bytes: Array(text.utf8))
    }

    func file(_ name: String, bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] }
}

/// The repository root (for data/ and fixtures), from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let fixtures = repositoryRoot + "/Tests/DataIOTests/Fixtures"

/// The error a closure throws, as CSVError (nil if it threw something else or nothing).
func csvError(_ body: () throws -> Void) -> CSVError? {
    do { try body() } catch let error as CSVError { return error } catch { return nil }
    return nil
}

/// Reads CSV text through a file with `options`.
func readCSV(_ text: String, options: CSVReadOptions = CSVReadOptions(), threads: Int = 1, name: String = "t.csv") throws -> Table {
    let scratch = try Scratch()
    let path = try scratch.file(name, text)
    return try withExtendedLifetime(scratch) { try CSVReader(options: options).read(path, threads: threads) }
}

/// Bit patterns, so NaN == NaN and -0 != 0.
func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

/// Tables equal with numbers compared by bit pattern (so NaN equals NaN; `Table ==` says NaN != NaN).
func sameTable(_ a: Table, _ b: Table) -> Bool {
    guard a.names == b.names, a.rowCount == b.rowCount else { return false }
    for (x, y) in zip(a.columns, b.columns) {
        switch (x.values, y.values) {
        case let (.numeric(u), .numeric(v)): if bits(u) != bits(v) { return false }
        case let (.categorical(u), .categorical(v)): if u != v { return false }
        default: return false
        }
    }
    return true
}
