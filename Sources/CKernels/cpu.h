// CKernels' one run-time CPU check (internal to the C files; not part of the module's API).
// Kernels are compiled twice, for the baseline CPU and with FK_AVX512, and the AVX-512 build is
// called when fk_cpu_has_avx512() says the CPU has it; the logistic pass (logistic.c) is compiled
// three ways and picks its build from the same probe (fk_cpu_features). Under compilers other than
// clang on x86_64 only the baseline build exists.
#ifndef FK_CPU_H
#define FK_CPU_H

#if defined(__x86_64__) && defined(__clang__)
#define FK_HAS_DISPATCH 1
#define FK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))

/// Bits of fk_cpu_features().
enum {
    FK_CPU_AVX512 = 1,  // AVX-512 F, DQ, VL and BW: what FK_AVX512 builds for
    FK_CPU_AVX2 = 2,
    FK_CPU_FMA = 4,
};

/// The CPU features the kernels dispatch on, as FK_CPU_* bits: probed once per C file (the cache
/// is a function-local static of this inline function), so every dispatch costs one load. Threads
/// that race to probe all store the same value, through relaxed atomics so that the race is not a
/// data race (a plain int was one, reported by ThreadSanitizer; a relaxed load is the same single
/// `mov` on x86_64). -1 means not probed yet.
static inline int fk_cpu_features(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = 0;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")) value |= FK_CPU_AVX512;
        if (__builtin_cpu_supports("avx2")) value |= FK_CPU_AVX2;
        if (__builtin_cpu_supports("fma")) value |= FK_CPU_FMA;
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}

/// 1 when the CPU has AVX-512 F, DQ, VL and BW (the FK_AVX512 build can run).
static inline int fk_cpu_has_avx512(void) {
    return (fk_cpu_features() & FK_CPU_AVX512) != 0;
}
#endif

#endif
