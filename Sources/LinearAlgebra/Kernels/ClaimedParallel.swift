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
                // Each is started on another core than the caller's (`fk_thread_start_elsewhere`:
                // an affinity without the caller's current core at creation, the caller's own mask
                // restored as the thread's first action). Measured (bench --peers with
                // FEATUREKIT_BENCH_TRACE=1 under `perf record -e sched:sched_switch -a`, 2 cores):
                // after the alternation's idle wait, a plain pthread_create put the new thread on
                // its creator's core in 7 of 14 predictProbability 1M x 32 runs (ours and the
                // same-size read limit) and in 11 of 22 in-place StandardScaler 100k x 256 runs
                // (ours and the same-size scale limit) while the other core stayed idle; the two
                // threads then took turns at the 4 ms tick until the balancer moved one. The read
                // limit took 11.9-14.1 ms in those runs and 8.2-8.9 ms in the others, the scale
                // limit 14.3-15.7 ms against 8.0-12.0 ms. Started this way, no run shared a core
                // with its own worker (probe: `Benchmarks/probes/sched_windows.py`).
                var started: [pthread_t] = []
                let boxBytes = fk_thread_box_size()
                withUnsafeTemporaryAllocation(byteCount: Swift.max(boxBytes * (workers - 1), 1), alignment: 16) { storage in
                    for w in 1..<workers {
                        let box = Unmanaged.passRetained(ClaimWorker(claimLoop)).toOpaque()
                        var thread = pthread_t()
                        // invariant: the temporary allocation holds workers - 1 boxes and outlives the joins below
                        if fk_thread_start_elsewhere(&thread, { argument in
                            // invariant: the argument is the retained ClaimWorker passed below
                            Unmanaged<ClaimWorker>.fromOpaque(argument!).takeRetainedValue().run()
                            return nil
                        }, box, storage.baseAddress! + (w - 1) * boxBytes) == 0 {
                            started.append(thread)
                        } else {
                            Unmanaged<ClaimWorker>.fromOpaque(box).release()
                        }
                    }
                    claimLoop()
                    for thread in started { pthread_join(thread, nil) }
                }
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
