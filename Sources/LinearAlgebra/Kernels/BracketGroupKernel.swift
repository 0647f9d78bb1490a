import CKernels

extension ColumnKernels {
    /// What `bracketGroup` found for each of its 8 columns (`j`) and brackets (`c`, index `c * 8 + j`).
    public struct BracketGroup: Sendable {
        /// Values below the bracket's low, `[c * 8 + j]`.
        public var below: [Int]
        /// Values within `[low, high]`, `[c * 8 + j]`.
        public var inside: [Int]
        /// NaN values per column.
        public var nanCount: [Int]
        /// Smallest and largest non-NaN value per column (`+inf` / `-inf` when all are NaN).
        public var minimum: [Double]
        public var maximum: [Double]
        /// True when some value is ±infinity.
        public var sawInfinity: Bool
        /// Bracket `c * 8 + j`'s gathered values, in row order, are
        /// `buffer[offsets[c * 8 + j] ..< offsets[c * 8 + j] + gathered[c * 8 + j]]`; `gathered` is
        /// below `inside` when the bracket overflowed its capacity (or overlaps the next one).
        public var buffer: [Double]
        public var offsets: [Int]
        public var gathered: [Int]
    }

    /// The fused bracketing pass of the exact quantiles over 8 adjacent columns of a row-major
    /// matrix (`elements`, `rows x columns`, columns `first ..< first + 8`): in one read of the
    /// rows, per column and bracket `[lows[c * 8 + j], highs[c * 8 + j]]` (`brackets` of them,
    /// 1...8, sorted, NaN-padded for a column with fewer), the counts below and inside, the
    /// gathering of the inside values (each into its last bracket whose low is `<=` it, at most
    /// `capacities[c * 8 + j]` kept), the NaN count, the extremes and whether ±infinity occurs.
    /// Vectorised across the 8 columns (AVX-512 where available); results do not depend on the CPU.
    /// - Throws: `.shapeMismatch` when the 8 columns are not inside the matrix, `elements` is not
    ///   `rows * columns` long, `brackets` is outside 1...8, or the bracket lists are not
    ///   `brackets * 8` long, or a capacity is negative.
    /// - Complexity: one read of the group's rows; allocates the gather buffer (the sum of the
    ///   capacities plus one cell each).
    public static func bracketGroup(
        _ elements: [Double], rows: Int, columns: Int, first: Int,
        lows: [Double], highs: [Double], brackets: Int, capacities: [Int]
    ) throws -> BracketGroup {
        let slots = brackets &* 8
        guard rows >= 0, columns >= 8, first >= 0, first <= columns - 8, elements.count == rows &* columns,
              (1...8).contains(brackets), lows.count == slots, highs.count == slots, capacities.count == slots,
              capacities.allSatisfy({ $0 >= 0 }) else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "ColumnKernels.bracketGroup", lhs: Shape(rows: rows, columns: columns), rhs: Shape(rows: brackets, columns: lows.count),
                requirement: "8 columns inside the matrix, 1...8 brackets of 8 lows, highs and capacities (>= 0) each")
        }
        // Slot s = c * 8 + j of the kernel is bracket c - 1 (s >= 8) or a one-cell dump (s < 8).
        var offsets = [Int](repeating: 0, count: slots)
        var kernelCap = [Int](repeating: 0, count: slots + 8)
        var total = 8
        for s in 0..<slots { offsets[s] = total; kernelCap[s + 8] = capacities[s]; total += capacities[s] + 1 }
        var cursor = [Int](repeating: 0, count: slots + 8)
        var below = [Int64](repeating: 0, count: slots), inside = [Int64](repeating: 0, count: slots)
        var nan = [Int64](repeating: 0, count: 8)
        var minimum = [Double](repeating: .infinity, count: 8), maximum = [Double](repeating: -.infinity, count: 8)
        // Cells are written before they are read (only the gathered prefix of each bracket is).
        var buffer = [Double](unsafeUninitializedCapacity: total) { _, count in count = total }
        var infinite = false
        if rows > 0 {
            buffer.withUnsafeMutableBufferPointer { out in
                // invariant: total >= 8, so the buffer has an address.
                let base = out.baseAddress!
                var pointers = [UnsafeMutablePointer<Double>?](repeating: base, count: slots + 8)
                for j in 0..<8 { pointers[j] = base + j }
                for s in 0..<slots { pointers[s + 8] = base + offsets[s] }
                elements.withUnsafeBufferPointer { x in
                    // invariant: rows * columns > 0 here, and every list is non-empty.
                    let flag = fk_bracket_rows8_f64(
                        x.baseAddress! + first, columns, rows, lows, highs, brackets,
                        &below, &inside, &nan, &minimum, &maximum, pointers, &cursor, kernelCap)
                    infinite = flag != 0
                }
            }
        }
        return BracketGroup(
            below: below.map { Int($0) }, inside: inside.map { Int($0) }, nanCount: nan.map { Int($0) },
            minimum: minimum, maximum: maximum, sawInfinity: infinite, buffer: buffer, offsets: offsets,
            gathered: (0..<slots).map { cursor[$0 + 8] })
    }
}
