import CKernels

/// Bridges from the generic row kernels to the C element-wise kernels (CKernels), which are compiled
/// for the baseline CPU and for AVX-512 and chosen at run time. Swift cannot express that dispatch
/// (a `-target-cpu` flag would make the library unusable as a versioned dependency), and at the
/// default CPU the Swift loops run at about half the memory bandwidth (measured: the in-place affine
/// map at 0.53 of `memory.scale`).
///
/// Each function takes pointers to `rows` rows of `n` values (`xs` / `ys` elements apart), returns
/// nil for a scalar type other than `Float` or `Double` (the caller then runs its Swift loop), else
/// the kernel's flag. Not `@inlinable`: the C module stays an implementation detail of this module.
/// The arithmetic is the Swift expression's, with no FMA contraction: results are bit-identical to
/// the portable loops on every CPU.
@usableFromInline
enum ElementKernels {
    /// `y = (x - a[j]) * f[j] + c[j]`; true when some output is ±infinity.
    @usableFromInline
    static func affine<Scalar: LinearAlgebraScalar>(
        _ x: UnsafePointer<Scalar>, _ xs: Int, _ y: UnsafeMutablePointer<Scalar>, _ ys: Int, rows: Int, n: Int,
        _ a: UnsafePointer<Scalar>, _ f: UnsafePointer<Scalar>, _ c: UnsafePointer<Scalar>
    ) -> Bool? {
        guard rows > 0, n > 0 else { return false }
        if Scalar.self == Double.self {
            return fk_affine_rows_f64(raw(x, Double.self), xs, mutableRaw(y, Double.self), ys, rows, n,
                                      raw(a, Double.self), raw(f, Double.self), raw(c, Double.self)) != 0
        }
        if Scalar.self == Float.self {
            return fk_affine_rows_f32(raw(x, Float.self), xs, mutableRaw(y, Float.self), ys, rows, n,
                                      raw(a, Float.self), raw(f, Float.self), raw(c, Float.self)) != 0
        }
        return nil
    }

    /// The affine map of `rows` contiguous rows of `n` values, walked as one flat run; true when
    /// some output is ±infinity. `streaming`: into a fresh output with non-temporal stores (the
    /// output is write-only: no read-for-ownership of its lines); otherwise ordinary stores, and `y`
    /// may be `x` (in place). Nil (nothing written) for a scalar type other than `Float` or `Double`
    /// or rows wider than the C kernels take (1,024): use `affine` then.
    @usableFromInline
    static func affineContiguous<Scalar: LinearAlgebraScalar>(
        _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, rows: Int, n: Int,
        _ a: UnsafePointer<Scalar>, _ f: UnsafePointer<Scalar>, _ c: UnsafePointer<Scalar>, streaming: Bool
    ) -> Bool? {
        guard rows > 0, n > 0 else { return false }
        let result: Int32
        if Scalar.self == Double.self {
            let kernel = streaming ? fk_affine_stream_f64 : fk_affine_flat_f64
            result = kernel(raw(x, Double.self), mutableRaw(y, Double.self), rows, n,
                            raw(a, Double.self), raw(f, Double.self), raw(c, Double.self))
        } else if Scalar.self == Float.self {
            let kernel = streaming ? fk_affine_stream_f32 : fk_affine_flat_f32
            result = kernel(raw(x, Float.self), mutableRaw(y, Float.self), rows, n,
                            raw(a, Float.self), raw(f, Float.self), raw(c, Float.self))
        } else {
            return nil
        }
        return result < 0 ? nil : result != 0
    }

    /// `y = isnan(x) ? v[j] : x`; true when some input is ±infinity.
    @usableFromInline
    static func fillNaN<Scalar: LinearAlgebraScalar>(
        _ x: UnsafePointer<Scalar>, _ xs: Int, _ y: UnsafeMutablePointer<Scalar>, _ ys: Int, rows: Int, n: Int,
        _ v: UnsafePointer<Scalar>
    ) -> Bool? {
        guard rows > 0, n > 0 else { return false }
        if Scalar.self == Double.self {
            return fk_fill_nan_rows_f64(raw(x, Double.self), xs, mutableRaw(y, Double.self), ys, rows, n, raw(v, Double.self)) != 0
        }
        if Scalar.self == Float.self {
            return fk_fill_nan_rows_f32(raw(x, Float.self), xs, mutableRaw(y, Float.self), ys, rows, n, raw(v, Float.self)) != 0
        }
        return nil
    }

    /// `y = #{e < levels : edges[e n + j] <= Double(x)}`; true when some input is not finite.
    @usableFromInline
    static func countEdges<Scalar: LinearAlgebraScalar>(
        _ x: UnsafePointer<Scalar>, _ xs: Int, _ y: UnsafeMutablePointer<Scalar>, _ ys: Int, rows: Int, n: Int,
        _ edges: UnsafePointer<Double>, levels: Int
    ) -> Bool? {
        guard rows > 0, n > 0 else { return false }
        if Scalar.self == Double.self {
            return fk_count_edges_rows_f64(raw(x, Double.self), xs, mutableRaw(y, Double.self), ys, rows, n, edges, levels) != 0
        }
        if Scalar.self == Float.self {
            return fk_count_edges_rows_f32(raw(x, Float.self), xs, mutableRaw(y, Float.self), ys, rows, n, edges, levels) != 0
        }
        return nil
    }

    /// Copies `count` elements with non-temporal stores (for write-only outputs).
    @usableFromInline
    static func copyNonTemporal<Scalar>(_ target: UnsafeMutablePointer<Scalar>, _ source: UnsafePointer<Scalar>, count: Int) {
        guard count > 0 else { return }
        fk_copy_nontemporal_bytes(UnsafeMutableRawPointer(target), UnsafeRawPointer(source), count &* MemoryLayout<Scalar>.stride)
    }

    private static func raw<S, T>(_ p: UnsafePointer<S>, _: T.Type) -> UnsafePointer<T> {
        UnsafeRawPointer(p).assumingMemoryBound(to: T.self)
    }

    private static func mutableRaw<S, T>(_ p: UnsafeMutablePointer<S>, _: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: T.self)
    }
}

/// `fk_bracket_count_f64` (`size_t` imports as `Int`).
func bracketCountC(_ x: UnsafePointer<Double>, _ n: Int, _ lo: UnsafePointer<Double>, _ hi: UnsafePointer<Double>, _ b: Int,
                   _ below: UnsafeMutablePointer<Int>, _ inside: UnsafeMutablePointer<Int>, _ extremes: UnsafeMutablePointer<Double>) {
    fk_bracket_count_f64(x, n, lo, hi, b, below, inside, extremes)
}

/// `fk_bracket_gather_f64`.
func bracketGatherC(_ x: UnsafePointer<Double>, _ n: Int, _ lo: UnsafePointer<Double>, _ hi: UnsafePointer<Double>, _ b: Int,
                    _ out: UnsafeMutablePointer<Double>, _ cursor: UnsafeMutablePointer<Int>, _ limit: UnsafePointer<Int>) {
    fk_bracket_gather_f64(x, n, lo, hi, b, out, cursor, limit)
}
