/// In-place selection of order statistics (introselect), the engine of the exact quantiles.
///
/// `select(&values, ranks:)` rearranges `values` so that every requested rank `k` holds the value a
/// full ascending sort would put there, with smaller-or-equal values before it and larger-or-equal
/// after it (C++'s `nth_element`, NumPy's `partition`). Several ranks are placed by recursing into
/// the sub-ranges between them, so `m` ranks cost `O(n log m)` on average, not a full sort.
///
/// Pivots are the median of three (median of the three medians of three above 512 values); the
/// recursion depth is bounded by `2 log2(n)` partitions, past which the range is sorted outright, so
/// the worst case stays `O(n log n)`. Deterministic: no randomness, so the same input always gives
/// the same arrangement. Values must not contain NaN (callers drop NaN first).
enum Selection {
    /// Places the values of the ascending ranks `ranks` (each in `0..<values.count`).
    /// - Complexity: `O(n log m)` average for `m` distinct ranks, `O(n log n)` worst; no allocation
    ///   beyond the rank list.
    static func select(_ values: inout [Double], ranks: [Int]) {
        let sorted = Array(Set(ranks)).sorted()
        guard !values.isEmpty, !sorted.isEmpty else { return }
        var depth = 0
        var n = values.count
        while n > 1 { depth += 2; n >>= 1 }
        selectMany(&values, 0, values.count, sorted[...], depth)
    }

    private static func selectMany(_ a: inout [Double], _ lo: Int, _ hi: Int, _ ranks: ArraySlice<Int>, _ depth: Int) {
        guard let first = ranks.first, let last = ranks.last, hi - lo > 1 else { return }
        _ = first; _ = last
        // Select the middle rank, then recurse on both sides with the ranks that fall there.
        let midIndex = ranks.startIndex + ranks.count / 2
        let k = ranks[midIndex]
        selectOne(&a, lo, hi, k, depth)
        selectMany(&a, lo, k, ranks[ranks.startIndex..<midIndex], depth)
        selectMany(&a, k + 1, hi, ranks[(midIndex + 1)...], depth)
    }

    /// Places rank `k` within `a[lo..<hi]` (k in lo..<hi).
    private static func selectOne(_ a: inout [Double], _ lo0: Int, _ hi0: Int, _ k: Int, _ depth0: Int) {
        var lo = lo0, hi = hi0, depth = depth0
        while hi - lo > 16 {
            if depth == 0 { a[lo..<hi].sort(); return }
            depth -= 1
            let pivot = choosePivot(a, lo, hi)
            // Three-way partition (Dijkstra): [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot.
            // Ties (common in real data) then end the search at once.
            var lt = lo, i = lo, gt = hi
            while i < gt {
                let v = a[i]
                if v < pivot {
                    a.swapAt(lt, i); lt &+= 1; i &+= 1
                } else if v > pivot {
                    gt &-= 1; a.swapAt(i, gt)
                } else {
                    i &+= 1
                }
            }
            if k < lt { hi = lt } else if k >= gt { lo = gt } else { return }
        }
        // Small range: insertion sort.
        if hi - lo > 1 {
            for i in (lo + 1)..<hi {
                let v = a[i]
                var j = i - 1
                while j >= lo && a[j] > v { a[j + 1] = a[j]; j -= 1 }
                a[j + 1] = v
            }
        }
    }

    private static func median3(_ x: Double, _ y: Double, _ z: Double) -> Double {
        Swift.max(Swift.min(x, y), Swift.min(Swift.max(x, y), z))
    }

    private static func choosePivot(_ a: [Double], _ lo: Int, _ hi: Int) -> Double {
        let n = hi - lo, mid = lo + n / 2
        if n < 512 { return median3(a[lo], a[mid], a[hi - 1]) }
        let s = n / 8
        return median3(median3(a[lo], a[lo + s], a[lo + 2 * s]),
                       median3(a[mid - s], a[mid], a[mid + s]),
                       median3(a[hi - 1 - 2 * s], a[hi - 1 - s], a[hi - 1]))
    }
}
