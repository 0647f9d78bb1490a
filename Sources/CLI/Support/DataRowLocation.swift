import DataIO
import Lifecycle

/// An error about a data row of a CSV file, restated with the file line a user opens: the library
/// counts data rows from 0 (as NumPy and scikit-learn do), an editor counts lines from 1 with the
/// header as line 1. The message keeps the library's words and adds "(FILE line N)".
struct DataRowError: Error, CustomStringConvertible {
    let underlying: any Error
    let file: String
    let line: Int

    var description: String { "\(underlying) (\(file) line \(line))" }
}

/// `body`, with an error that names a data row of `file` restated as `DataRowError` when `lines`
/// places that row on one line (a row whose record spans lines, or an error without a row, is
/// passed on unchanged).
func locatingDataRows<T>(in file: String, lines: CSVLineMap, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        guard let row = ErrorRestatement.row(of: error), let line = lines.line(ofRow: row) else { throw error }
        throw DataRowError(underlying: error, file: file, line: line)
    }
}
