extension Matrix {
    /// Every element clamped into `range`; NaN stays NaN (scikit-learn's `np.clip` semantics).
    /// - Throws: `.invalidArgument` when a bound is NaN.
    /// - Complexity: O(rows * columns); one allocation unless the storage is uniquely referenced.
    @inlinable
    public func clamped(to range: ClosedRange<Scalar>) throws -> Matrix {
        guard !range.lowerBound.isNaN, !range.upperBound.isNaN else {
            throw LinearAlgebraError.invalidArgument(parameter: "range", reason: "bounds must not be NaN")
        }
        var result = self
        let (lo, hi) = (range.lowerBound, range.upperBound)
        result.storage.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                let v = buffer[i]
                buffer[i] = v < lo ? lo : (v > hi ? hi : v)  // comparisons with NaN are false: NaN kept
            }
        }
        return result
    }
}
