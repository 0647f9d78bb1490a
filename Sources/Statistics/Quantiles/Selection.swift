import LinearAlgebra

/// In-place selection of order statistics (introselect), the engine of the exact quantiles.
///
/// `select(&values, ranks:)` rearranges `values` so that every requested rank `k` holds the value a
/// full ascending sort would put there, with smaller-or-equal values before it and larger-or-equal
/// after it (C++'s `nth_element`, NumPy's `partition`). Several ranks are placed by recursing into
/// the sub-ranges between them, so `m` ranks cost `O(n log m)` on average, not a full sort.
///
/// Partitioning is Hoare's (Wirth's `find`): both scans stop at values equal to the pivot, so runs
/// of ties split evenly. Pivots are the median of three (the median of three medians of three
/// above 512 values), always a value of the range, which bounds both scans. After `2 log2(n)`
/// partitions the remaining range is sorted outright, so the worst case stays `O(n log n)`.
/// Deterministic: no randomness. Values must not contain NaN (callers drop NaN first). The loops
/// work on a `MutableSpan` (bounds-checked, no copy-on-write checks per access).
enum Selection {
    /// Places the values of the ascending ranks `ranks` (each in `0..<values.count`).
    /// - Complexity: `O(n log m)` average for `m` distinct ranks, `O(n log n)` worst; no allocation
    ///   beyond the rank list.
    static func select(_ values: inout [Double], ranks: [Int]) {
        select(&values, base: 0, count: values.count, ranks: ranks)
    }

    /// The same within `values[base ..< base + count]`, with ranks counted from `base`.
    static func select(_ values: inout [Double], base: Int, count: Int, ranks: [Int]) {
        let sorted = Array(Set(ranks)).sorted().map { $0 + base }
        guard count > 0, !sorted.isEmpty else { return }
        var depth = 0
        var n = count
        while n > 1 { depth += 2; n >>= 1 }
        var span = values.mutableSpan
        selectMany(&span, base, base + count, sorted[...], depth)
    }

    private static func selectMany(_ a: inout MutableSpan<Double>, _ lo: Int, _ hi: Int, _ ranks: ArraySlice<Int>, _ depth: Int) {
        guard !ranks.isEmpty, hi - lo > 1 else { return }
        // Select the middle rank, then recurse on both sides with the ranks that fall there.
        let midIndex = ranks.startIndex + ranks.count / 2
        let k = ranks[midIndex]
        selectOne(&a, lo, hi, k, depth)
        selectMany(&a, lo, k, ranks[ranks.startIndex..<midIndex], depth)
        selectMany(&a, k + 1, hi, ranks[(midIndex + 1)...], depth)
    }

    /// Places rank `k` within `a[lo..<hi]` (k in lo..<hi).
    private static func selectOne(_ a: inout MutableSpan<Double>, _ lo0: Int, _ hi0: Int, _ k: Int, _ depth0: Int) {
        var lo = lo0, hi = hi0, depth = depth0
        while hi - lo > 16 {
            if depth == 0 { heapSort(&a, lo, hi); return }
            depth -= 1
            let pivot = choosePivot(a, lo, hi)
            var i = lo, j = hi - 1
            while true {
                while a[i] < pivot { i &+= 1 }
                while a[j] > pivot { j &-= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i &+= 1; j &-= 1
                }
                if i > j { break }
            }
            // Now a[lo...j] <= pivot, a[i..<hi] >= pivot, and a[j+1..<i] == pivot.
            if k <= j { hi = j + 1 } else if k >= i { lo = i } else { return }
        }
        insertionSort(&a, lo, hi)
    }

    private static func insertionSort(_ a: inout MutableSpan<Double>, _ lo: Int, _ hi: Int) {
        guard hi - lo > 1 else { return }
        for i in (lo + 1)..<hi {
            let v = a[i]
            var j = i - 1
            while j >= lo && a[j] > v { a[j + 1] = a[j]; j -= 1 }
            a[j + 1] = v
        }
    }

    /// The fallback for adversarial inputs: `O(n log n)` whatever the data.
    private static func heapSort(_ a: inout MutableSpan<Double>, _ lo: Int, _ hi: Int) {
        let n = hi - lo
        func siftDown(_ a: inout MutableSpan<Double>, _ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end && a[lo + child] < a[lo + child + 1] { child += 1 }
                if a[lo + root] < a[lo + child] { a.swapAt(lo + root, lo + child); root = child } else { return }
            }
        }
        var start = n / 2 - 1
        while start >= 0 { siftDown(&a, start, n); start -= 1 }
        var end = n - 1
        while end > 0 { a.swapAt(lo, lo + end); siftDown(&a, 0, end); end -= 1 }
    }

    private static func median3(_ x: Double, _ y: Double, _ z: Double) -> Double {
        Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
    }

    private static func choosePivot(_ a: borrowing MutableSpan<Double>, _ lo: Int, _ hi: Int) -> Double {
        let n = hi - lo, mid = lo + n / 2
        if n < 512 { return median3(a[lo], a[mid], a[hi - 1]) }
        let s = n / 8
        return median3(median3(a[lo], a[lo + s], a[lo + 2 * s]),
                       median3(a[mid - s], a[mid], a[mid + s]),
                       median3(a[hi - 1 - 2 * s], a[hi - 1 - s], a[hi - 1]))
    }
}

extension Selection {
    /// Columns shorter than this are placed by introselect alone.
    static let bracketMinimumCount = 65_536
    /// Sample size of the bracketing pass.
    static let bracketSampleSize = 16_384
    /// Half-width of a bracket, in sample positions: the rank of a sample quantile among all values
    /// has a standard deviation of about `n / (2 sqrt(m))`, i.e. 64 sample positions at `m = 16,384`,
    /// so a bracket of ±256 positions (±4 sigma) misses only on adversarially ordered data, where
    /// the exact fallback runs.
    static let bracketHalfWidth = 256

    /// The values of the ascending ranks `ranks` (each in `0..<count`) of
    /// `values[base ..< base + count]`: exactly what a full sort would put there. Large ranges use
    /// a sample-bracketing pass (below); small ones, or a range where a bracket misses, use
    /// introselect (`select`). The range may be rearranged.
    ///
    /// Bracketing: a deterministic sample (every `count / m`-th value) is sorted; around each
    /// requested rank a value interval `[lo, hi]` is read off the sample. One branch-free pass counts,
    /// per interval, the values `< lo` and those in `[lo, hi]`; if every rank falls inside its
    /// interval (`below <= k < below + inside`), a second pass copies each interval's values into a
    /// small buffer where introselect places rank `k - below`. Exact for any data (a miss falls back),
    /// deterministic (no randomness), and `O(n)` with about two reads of the range instead of the
    /// `O(n log m)` partitioning passes.
    /// - Complexity: `O(n)` average plus a sort of `m` values; allocates the sample and the buffers.
    static func orderStatistics(_ values: inout [Double], base: Int, count n: Int, ranks: [Int]) -> [Double] {
        guard n > 0 else { return ranks.map { _ in .nan } }
        if n >= bracketMinimumCount, let found = bracketed(values, base: base, count: n, ranks: ranks) {
            return found
        }
        select(&values, base: base, count: n, ranks: ranks)
        return ranks.map { values[base + $0] }
    }

    /// The bracketing pass of `orderStatistics`, or nil when a rank misses its bracket or the
    /// brackets would hold more than half of the values. Ranks 0 and `n - 1` are the extremes,
    /// taken from the counting pass.
    static func bracketed(_ values: [Double], base: Int, count n: Int, ranks: [Int]) -> [Double]? {
        let m = bracketSampleSize, step = n / m  // >= 4 since n >= bracketMinimumCount
        var sample = [Double](repeating: 0, count: m)
        for t in 0..<m { sample[t] = values[base &+ t &* step] }
        sample.sort()
        // Sample-position intervals around each distinct inner rank, merged where they overlap.
        var starts: [Int] = [], ends: [Int] = [], members: [[Int]] = []
        for k in Set(ranks).sorted() where k > 0 && k < n - 1 {
            let p = Int((Double(k) + 0.5) / Double(n) * Double(m))
            let lo = p - bracketHalfWidth, hi = p + bracketHalfWidth
            if let last = ends.last, lo <= last {
                ends[ends.count - 1] = Swift.max(last, hi)
                members[members.count - 1].append(k)
            } else {
                starts.append(lo); ends.append(hi); members.append([k])
            }
        }
        let b = starts.count
        let lows = starts.map { $0 <= 0 ? -Double.infinity : sample[$0] }
        let highs = ends.map { $0 >= m - 1 ? Double.infinity : sample[$0] }
        let range = base..<(base + n)
        guard let counted = try? ColumnKernels.bracketCounts(values, range: range, lows: lows, highs: highs) else { return nil }
        var total = 0
        for c in 0..<b {
            for k in members[c] where !(counted.below[c] <= k && k < counted.below[c] + counted.inside[c]) { return nil }
            total += counted.inside[c]
        }
        guard total <= n / 2 else { return nil }
        var result: [Int: Double] = [0: counted.minimum, n - 1: counted.maximum]
        if b > 0 {
            guard var gathered = try? ColumnKernels.bracketGather(values, range: range, lows: lows, highs: highs, capacities: counted.inside),
                  gathered.counts == counted.inside else { return nil }
            for c in 0..<b {
                let local = members[c].map { $0 - counted.below[c] }
                select(&gathered.buffer, base: gathered.offsets[c], count: counted.inside[c], ranks: local)
                for (k, r) in zip(members[c], local) { result[k] = gathered.buffer[gathered.offsets[c] + r] }
            }
        }
        return ranks.map { result[$0] ?? .nan }  // invariant: every rank was placed above
    }
}
