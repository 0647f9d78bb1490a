// exp(x) per lane for x <= 0, shared by the fused logistic pass (logistic.c) and binary prediction
// (logistic_predict.c): the same table-free method and constants as LinearAlgebra's
// LogisticKernels.exp8, operation for operation (Cody-Waite reduction x = k ln2 + r,
// |r| <= ln2 / 2, Taylor polynomial of degree 13, 2^k applied in two exact halves so that
// subnormal results are formed without exponent overflow); x < -746 gives 0. NaN lanes give a
// finite value (callers replace or reject them). Separate multiplies and adds (no contraction):
// the same bits on every build and CPU. Accuracy: <= 1 ulp against glibc's exp on normal results,
// <= 2 ulp on subnormal ones (LogisticKernelTests, LogisticFusedMathTests).
// Internal to CKernels (not in include/): each includer compiles it into its own code paths.
#ifndef FK_VEXP_H
#define FK_VEXP_H
#pragma clang fp contract(off)

typedef double fk_vexp_double8 __attribute__((vector_size(64), aligned(8)));
typedef long long fk_vexp_long8 __attribute__((vector_size(64), aligned(8)));

static inline __attribute__((always_inline)) fk_vexp_double8 fk_vexp_nonpositive(fk_vexp_double8 x) {
    const double log2e = 1.4426950408889634;
    const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
    const double shifter = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
    const fk_vexp_double8 floor = {-746.0, -746.0, -746.0, -746.0, -746.0, -746.0, -746.0, -746.0};
    const fk_vexp_long8 keep = (fk_vexp_long8)(x > floor);  // x > floor ? x : floor (NaN -> floor)
    const fk_vexp_double8 clamped = (fk_vexp_double8)((keep & (fk_vexp_long8)x) | (~keep & (fk_vexp_long8)floor));
    const fk_vexp_double8 shifted = clamped * log2e + shifter;
    const fk_vexp_double8 kf = shifted - shifter;
    const fk_vexp_double8 shifters = {shifter, shifter, shifter, shifter, shifter, shifter, shifter, shifter};
    const fk_vexp_long8 k = (fk_vexp_long8)shifted - (fk_vexp_long8)shifters;
    const fk_vexp_double8 r = (clamped - kf * ln2hi) - kf * ln2lo;
    const double c13 = 1.0 / 6227020800.0;
    fk_vexp_double8 p = {c13, c13, c13, c13, c13, c13, c13, c13};
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    const fk_vexp_long8 k1 = k >> 1, k2 = k - k1;
    const fk_vexp_double8 s1 = (fk_vexp_double8)((k1 + 1023) << 52), s2 = (fk_vexp_double8)((k2 + 1023) << 52);
    return p * s1 * s2;
}

#endif
