// CKernels' one run-time CPU check (internal to the C files; not part of the module's API).
// Kernels are compiled twice, for the baseline CPU and with FK_AVX512, and the AVX-512 build is
// called when fk_cpu_has_avx512() says the CPU has it. Under compilers other than clang on x86_64
// only the baseline build exists.
#ifndef FK_CPU_H
#define FK_CPU_H

#if defined(__x86_64__) && defined(__clang__)
#define FK_HAS_DISPATCH 1
#define FK_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))

/// 1 when the CPU has AVX-512 F, DQ, VL and BW (computed once; threads that race to compute it all
/// store the same value, through relaxed atomics so that the race is not a data race: a plain int
/// was one, reported by ThreadSanitizer; a relaxed load is the same single `mov` on x86_64).
static inline int fk_cpu_has_avx512(void) {
    static int cached = -1;
    int value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
        __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
    }
    return value;
}
#endif

#endif
