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
