import Testing
@testable import Bench

@Suite("The benchmark trace's /proc reading")
struct RunTraceTests {
    @Test("a line fgets left in a buffer is the text before its NUL, whatever follows it")
    func lineTextStopsAtTheNul() {
        var buffer = [CChar](repeating: 0x41, count: 32)  // "AAAA...": what a longer earlier line left
        for (k, byte) in "Rss: 12 kB\n".utf8.enumerated() { buffer[k] = CChar(bitPattern: byte) }
        buffer[11] = 0
        #expect(RunTrace.lineText(buffer) == "Rss: 12 kB\n")
        #expect(RunTrace.lineText([CChar](repeating: 0, count: 8)) == "")
        #expect(RunTrace.lineText([CChar(bitPattern: 0xFF), 0x61, 0]) == "\u{FFFD}a")  // invalid UTF-8 repaired
    }

    @Test("the memory line names the resident size (Linux)")
    func memoryLineHasRss() {
        #if os(Linux)
        #expect(RunTrace.memoryLine().hasPrefix("Rss: "))
        #endif
    }
}
