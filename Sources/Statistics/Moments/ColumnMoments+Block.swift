/// The two steps of a block's summary that a fused kernel (one that reads the block for another
/// purpose, as SimpleImputer's fit + transform does) must reproduce bit for bit: the block's scale
/// from its extremes, and the summary from the scan and the scaled sum. `MomentsSummary` builds its
/// blocks with these same functions.
extension ColumnMoments {
    /// The power of two a block's values are divided by, from the block's non-NaN extremes
    /// (`minimum > maximum` when the block has no value: scale 1).
    public static func blockScale(minimum: Double, maximum: Double) -> Double {
        scale(forMaxAbs: minimum <= maximum ? Swift.max(abs(minimum), abs(maximum)) : 0)
    }

    /// One block's summary from its scan (NaN count, extremes), its scale (`blockScale`), the
    /// number of non-NaN values and their sum divided by the scale (in row order); `scaledM2` is
    /// the block's sum of squared scaled deviations from `scaledSum / count` (0 to leave the spread
    /// out, for callers that need only count, mean and extremes: the mean, minimum and maximum of
    /// merged summaries do not depend on it).
    public static func block(count: Int, nanCount: Int, minimum: Double, maximum: Double, scale: Double,
                             scaledSum: Double, scaledM2: Double = 0) -> ColumnMoments {
        ColumnMoments(count: count, nanCount: nanCount, minimum: minimum, maximum: maximum, scale: scale,
                      scaledMean: count > 0 ? scaledSum / Double(count) : 0, scaledM2: scaledM2).exactWhenConstant()
    }
}
