/// Where a CSV file's data rows are: the file line of each row (1-based, the header is line 1), so
/// that an error naming a data row (0-based, as the tables, transforms and models count rows) can
/// also name the line a user opens the file at.
///
/// Kept per block of records, not per row: a block whose records are each one line (no quoted
/// field spans lines) maps row `r` to `firstLine + (r - firstRow)`; a block where some record spans
/// lines maps its rows to nothing (`line(ofRow:)` is nil), rather than to a guess.
/// - Complexity: O(1) memory per block; `line(ofRow:)` O(log blocks).
public struct CSVLineMap: Sendable, Equatable {
    struct Block: Sendable, Equatable {
        var firstRow: Int
        var rows: Int
        var firstLine: Int
        var oneLinePerRow: Bool
    }

    private(set) var blocks: [Block] = []

    public init() {}

    /// Appends the next block: `rows` records starting at file line `firstLine`, holding
    /// `newlines` '\n' bytes, the last of them at its end or not (`endsWithNewline`).
    mutating func append(rows: Int, firstLine: Int, newlines: Int, endsWithNewline: Bool) {
        let firstRow = blocks.last.map { $0.firstRow + $0.rows } ?? 0
        // Every record but an unterminated last one ends with a '\n'; a quoted field spanning lines
        // adds more: one line per record exactly when the counts agree.
        let oneLine = rows == newlines + (endsWithNewline ? 0 : 1)
        blocks.append(Block(firstRow: firstRow, rows: rows, firstLine: firstLine, oneLinePerRow: oneLine))
    }

    /// The data rows mapped so far.
    public var rowCount: Int { blocks.last.map { $0.firstRow + $0.rows } ?? 0 }

    /// The file line of data row `row` (0-based), or nil when it is out of range or its block has a
    /// record spanning lines.
    public func line(ofRow row: Int) -> Int? {
        guard row >= 0 else { return nil }
        var lo = 0, hi = blocks.count
        while lo < hi {  // the last block with firstRow <= row
            let mid = (lo + hi) / 2
            if blocks[mid].firstRow <= row { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let block = blocks[lo - 1]
        guard row - block.firstRow < block.rows, block.oneLinePerRow else { return nil }
        return block.firstLine + (row - block.firstRow)
    }
}
