import Statistics

/// scikit-learn's rules for scales that are (numerically) zero, shared by the scalers.
enum ScaleHandling {
    /// scikit-learn's `_is_constant_feature`: a variance within its own rounding error of zero,
    /// `var <= n eps var + (n mean eps)^2`, marks a constant column. Evaluated on the scaled
    /// moments (the test is homogeneous of degree 2 in the scale), so it cannot overflow.
    static func isConstant(_ m: ColumnMoments) -> Bool {
        guard m.count > 0 else { return true }
        let n = Double(m.count), eps = Double.ulpOfOne
        let scaledVariance = m.scaledM2 / n
        let bound = n * eps * scaledVariance + (n * m.scaledMean * eps) * (n * m.scaledMean * eps)
        // A standard deviation so small (subnormal) that 1/sd overflows: scikit-learn's variance
        // underflows to 0 there (constant); dividing by it would give infinite factors.
        return scaledVariance <= bound || !(1 / m.standardDeviation()).isFinite
    }

    /// scikit-learn's `_handle_zeros_in_scale` for explicit scales (ranges, max-abs): values below
    /// `10 eps` become 1, so a constant column is shifted but not blown up.
    static func handleZeros(_ scale: Double) -> Double {
        scale < 10 * Double.ulpOfOne ? 1 : scale
    }
}
