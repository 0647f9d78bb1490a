/// `a + b` as the rounded sum and its exact rounding error (Knuth's TwoSum).
@inline(__always) func twoSumPair(_ a: Double, _ b: Double) -> (Double, Double) {
    let s = a + b
    let bb = s - a
    return (s, (a - (s - bb)) + (b - bb))
}

/// A double-double running value for `start - sum_k u_k v_k`: each product's rounding error comes
/// from an FMA (TwoProduct), each subtraction's from TwoSum, and the errors are carried beside the
/// sum and added once at the end. For intercepts and residuals whose terms cancel heavily.
struct CompensatedDifference {
    private var sum: Double
    private var error = 0.0

    /// Starts from `start` exactly.
    @inline(__always) init(_ start: Double) { sum = start }

    /// Starts from `a + b`, its rounding error kept.
    @inline(__always) init(_ a: Double, plus b: Double) { (sum, error) = twoSumPair(a, b) }

    /// Subtracts `u v`.
    @inline(__always) mutating func subtractProduct(_ u: Double, _ v: Double) {
        let p = u * v
        let pe = (-p).addingProduct(u, v)
        let (t, te) = twoSumPair(sum, -p)
        sum = t
        error += te - pe
    }

    /// The value, rounded once.
    var value: Double { sum + error }
}

/// `ȳ - m^T b`, accumulated in double-double (the terms can cancel heavily).
func compensatedIntercept(_ yMean: Double, _ xMean: [Double], _ b: [Double]) -> Double {
    var sum = CompensatedDifference(yMean)
    for j in 0..<b.count { sum.subtractProduct(xMean[j], b[j]) }
    return sum.value
}
