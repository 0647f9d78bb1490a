import Testing
@testable import DataIO
import Tabular

/// `CSVLineMap`: the file line of each data row (header = line 1), block by block; a block with a
/// record spanning lines maps its rows to nil, never to a wrong line.
@Suite struct CSVLineMapTests {
    /// Data rows whose records are one line each: row r is on line r + 2, across many small blocks,
    /// from `readLocated` and `forEachLocatedBlock` alike, with and without a final newline and with
    /// CRLF line ends.
    @Test(arguments: ["\n", "\r\n"], [true, false])
    func oneLinePerRecord(end: String, trailing: Bool) throws {
        let scratch = try Scratch()
        let rows = 700
        var text = "a,b" + end
        for i in 0..<rows { text += "\(i),x\(i % 7)" + (i < rows - 1 || trailing ? end : "") }
        let path = try scratch.file("one.csv", text)
        var options = CSVReadOptions()
        options.blockBytes = 1024
        let (table, lines) = try CSVReader(options: options).readLocated(path)
        #expect(table.rowCount == rows && lines.rowCount == rows)
        for r in [0, 1, 299, 300, rows - 1] { #expect(lines.line(ofRow: r) == r + 2) }
        #expect(lines.line(ofRow: rows) == nil && lines.line(ofRow: -1) == nil)
        var seen = 0
        try CSVReader(options: options).forEachLocatedBlock(path) { block, located in
            #expect(located.rowCount == seen + block.rowCount)
            for r in seen..<located.rowCount { #expect(located.line(ofRow: r) == r + 2) }
            seen = located.rowCount
        }
        #expect(seen == rows)
    }

    /// A quoted field spanning lines: its block's rows have no line (the counts disagree); the
    /// single-block file gives nil for every row rather than lines shifted by the extra newline.
    @Test func recordSpanningLines() throws {
        let scratch = try Scratch()
        let path = try scratch.file("multi.csv", "a,b\n1,x\n2,\"two\nlines\"\n3,y\n")
        let (table, lines) = try CSVReader().readLocated(path)
        #expect(table.rowCount == 3)
        #expect((0..<3).allSatisfy { lines.line(ofRow: $0) == nil })
    }

    /// The map's own arithmetic on blocks appended by hand.
    @Test func appendedBlocks() {
        var map = CSVLineMap()
        map.append(rows: 3, firstLine: 2, newlines: 3, endsWithNewline: true)   // rows 0-2, lines 2-4
        map.append(rows: 2, firstLine: 5, newlines: 3, endsWithNewline: true)   // a record spans lines
        map.append(rows: 2, firstLine: 8, newlines: 1, endsWithNewline: false)  // unterminated last line
        #expect(map.rowCount == 7)
        #expect([0, 1, 2].map { map.line(ofRow: $0) } == [2, 3, 4])
        #expect(map.line(ofRow: 3) == nil && map.line(ofRow: 4) == nil)
        #expect(map.line(ofRow: 5) == 8 && map.line(ofRow: 6) == 9 && map.line(ofRow: 7) == nil)
        #expect(CSVLineMap().line(ofRow: 0) == nil)
    }
}
