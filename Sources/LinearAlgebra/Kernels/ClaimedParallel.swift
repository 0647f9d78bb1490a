import CKernels
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

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
    public static func forEachClaimed(count: Int, threads: Int, _ body: (Int) -> Void) {
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
                let claimLoop = {
                    while true {
                        let unit = fk_claim_next(shared.pointer)
                        guard unit < count else { return }
                        work.body(unit)
                    }
                }
                #if os(Linux)
                // Threads of our own, started now and joined before returning: measured in the
                // benchmark (featurekit bench --peers, system-wide perf), libdispatch's pool woke its
                // worker 0-12 ms after the request when the process had been idle for a few
                // milliseconds, i.e. most of a 15 ms prediction ran on one thread; pthread_create
                // takes tens of microseconds. A thread that cannot be created leaves its share to the others.
                var started: [pthread_t] = []
                for _ in 1..<workers {
                    let box = Unmanaged.passRetained(ClaimWorker(claimLoop)).toOpaque()
                    var thread = pthread_t()
                    if pthread_create(&thread, nil, { argument in
                        // invariant: the argument is the retained ClaimWorker passed below
                        Unmanaged<ClaimWorker>.fromOpaque(argument!).takeRetainedValue().run()
                        return nil
                    }, box) == 0 {
                        started.append(thread)
                    } else {
                        Unmanaged<ClaimWorker>.fromOpaque(box).release()
                    }
                }
                claimLoop()
                for thread in started { pthread_join(thread, nil) }
                #else
                DispatchQueue.concurrentPerform(iterations: workers) { _ in claimLoop() }
                #endif
            }
        }
    }
}

/// A closure handed to worker threads; the caller guarantees that concurrent calls touch disjoint data.
private struct UncheckedSendableBody: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

/// The claim loop a started thread runs (handed over as a retained pointer).
private final class ClaimWorker {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
