import CKernels
import Dispatch

extension ParallelRows {
    /// `body(unit)` for every unit in `0..<count`, on `threads` threads that claim the units one at a
    /// time from a shared counter (in increasing order) until none is left.
    ///
    /// Unlike `map`'s one contiguous chunk per thread, a thread that starts late (woken after the
    /// others) or runs slower (its core shared with another process) takes fewer units instead of
    /// holding everyone up, so the elapsed time is the work divided by the threads that actually
    /// ran, not the slowest thread's fixed share. Which thread runs a unit varies from call to call:
    /// callers must make each unit's result depend on the unit only (write it into the unit's own
    /// slot and combine the slots in unit order), which keeps their results bit-identical for every
    /// thread count.
    /// - Complexity: one atomic increment per unit and per thread; no allocation of its own (the
    ///   counter is on the caller's stack).
    static func forEachClaimed(count: Int, threads: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let workers = Swift.max(1, Swift.min(threads, count))
        if workers == 1 {
            for unit in 0..<count { body(unit) }
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 1) { counter in
            let shared = UnsafeMutableSendablePointer(counter.baseAddress!)  // invariant: capacity 1
            shared.pointer.initialize(to: 0)
            withoutActuallyEscaping(body) { body in
                let work = UncheckedSendableBody(body)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let unit = fk_claim_next(shared.pointer)
                        guard unit < count else { return }
                        work.body(unit)
                    }
                }
            }
        }
    }
}

/// A closure handed to worker threads; the caller guarantees that concurrent calls touch disjoint data.
private struct UncheckedSendableBody: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
