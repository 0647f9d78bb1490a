/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// FeatureKit's only source of randomness: every random choice takes one of these with an explicit
/// seed. The integer stream and `nextUniform()` are bit-identical on every platform and Swift version
/// (defined here, not by the standard library's `random(in:using:)`, whose algorithm is not promised
/// to stay the same); `nextNormal()` also depends on the C library's `log` and `cos`, so it is
/// bit-identical on the same platform and may differ in the last bit elsewhere.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    @usableFromInline internal var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose stream is a pure function of `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = (state.3 << 45) | (state.3 >> 19)
        return result
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal draw (Box-Muller; one of the pair is discarded for simplicity).
    @inlinable
    public mutating func nextNormal() -> Double {
        var u = nextUniform()
        while u == 0 { u = nextUniform() }
        let v = nextUniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    public static func == (lhs: SeededGenerator, rhs: SeededGenerator) -> Bool {
        lhs.state == rhs.state
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(state.0); hasher.combine(state.1); hasher.combine(state.2); hasher.combine(state.3)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inlinable internal func _log(_ x: Double) -> Double { log(x) }
@inlinable internal func _cos(_ x: Double) -> Double { cos(x) }

extension Matrix {
    /// A matrix of independent uniform draws in `[low, high)`, row by row from `generator`.
    public static func uniform(rows: Int, columns: Int, in range: ClosedRange<Double> = 0...1,
                               using generator: inout SeededGenerator) throws -> Matrix {
        var result = try Matrix(rows: rows, columns: columns)
        let width = range.upperBound - range.lowerBound
        for i in result.storage.indices {
            result.storage[i] = Scalar(range.lowerBound + width * generator.nextUniform())
        }
        return result
    }

    /// A matrix of independent standard normal draws, row by row from `generator`.
    public static func normal(rows: Int, columns: Int, using generator: inout SeededGenerator) throws -> Matrix {
        var result = try Matrix(rows: rows, columns: columns)
        for i in result.storage.indices { result.storage[i] = Scalar(generator.nextNormal()) }
        return result
    }
}
