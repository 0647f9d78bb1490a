#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include "CKernels.h"
#include <stdint.h>

typedef double fk_double8 __attribute__((vector_size(64), aligned(64)));

// Stores until `target` is 64-byte aligned, so the vector stores below are aligned (movntpd and
// vmovntpd require it).
static size_t head_count(const double *target, size_t count) {
    size_t misalignment = ((uintptr_t)target & 63u) / sizeof(double);
    size_t head = misalignment == 0 ? 0 : 8 - misalignment;
    return head < count ? head : count;
}

static void store_fence(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

void fk_fill_nontemporal(double *target, size_t count, double value) {
    size_t head = head_count(target, count), i = 0;
    for (; i < head; i++) target[i] = value;
    fk_double8 v = {value, value, value, value, value, value, value, value};
    for (; i + 8 <= count; i += 8) __builtin_nontemporal_store(v, (fk_double8 *)(target + i));
    for (; i < count; i++) target[i] = value;
    store_fence();
}

void fk_copy_nontemporal(double *target, const double *source, size_t count) {
    size_t head = head_count(target, count), i = 0;
    for (; i < head; i++) target[i] = source[i];
    for (; i + 8 <= count; i += 8) {
        fk_double8 v;
        __builtin_memcpy(&v, source + i, sizeof v);  // unaligned load
        __builtin_nontemporal_store(v, (fk_double8 *)(target + i));
    }
    for (; i < count; i++) target[i] = source[i];
    store_fence();
}

void fk_allocator_keep_freed(size_t mmap_threshold, size_t trim_threshold) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, (int)trim_threshold);
#else
    (void)mmap_threshold;
    (void)trim_threshold;
#endif
}
