import Foundation
import Synchronization
import Testing
@testable import Bench

@Suite("Waiting for idle processes before a timed run")
struct QuiescenceTests {
    @Test("a process whose CPU clock cannot be read counts as idle, not as an error")
    func unreadableProcessCountsZero() {
        let ownOnly = Quiescence(others: []).cpuSeconds()
        let withMissing = Quiescence(others: [Int32.max]).cpuSeconds()
        #expect(withMissing.isFinite)
        #expect(withMissing >= ownOnly)
    }

    @Test("a spinning thread keeps the process busy until the wait's bound")
    func busyThreadReachesTheBound() {
        let stop = Atomic<Bool>(false)
        let spinner = Thread {
            var x = 0.0
            while !stop.load(ordering: .relaxed) { x += 1 }
            if x < 0 { print(x) }
        }
        spinner.start()
        var quiet = Quiescence(others: [])
        quiet.window = 0.02
        quiet.quietFraction = 0.01  // 0.2 ms of CPU in 20 ms: a spinning thread uses far more
        quiet.maxWait = 0.1
        let waited = quiet.wait()
        stop.store(true, ordering: .relaxed)
        #expect(waited >= quiet.maxWait)
    }

    @Test("the machine's runnable count includes the reader itself (Linux)")
    func runnableCountsTheReader() {
        #if os(Linux)
        let count = Quiescence.runnableTasks()
        #expect(count != nil)
        #expect((count ?? 0) >= 1)
        #endif
    }
}
