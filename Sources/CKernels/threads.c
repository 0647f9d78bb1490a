// Thread start for ParallelRows.forEachClaimed (LinearAlgebra): a worker placed on another core
// than its creator's.
#define _GNU_SOURCE
#include "CKernels.h"
#include <pthread.h>
#if defined(__linux__)
#include <sched.h>
#endif

#if defined(__linux__)
typedef struct {
    void *(*start)(void *);
    void *argument;
    cpu_set_t mask;  // the creator's affinity, restored first thing in the worker
} fk_start_box;

static void *fk_start_trampoline(void *raw) {
    fk_start_box *box = raw;
    // Restoring the creator's (wider) mask never moves a running thread: it stays on the core
    // it was placed on and is free to be balanced from then on, as any other thread.
    (void)pthread_setaffinity_np(pthread_self(), sizeof box->mask, &box->mask);
    return box->start(box->argument);
}
#endif

size_t fk_thread_box_size(void) {
#if defined(__linux__)
    return sizeof(fk_start_box);
#else
    return 0;
#endif
}

int fk_thread_start_elsewhere(pthread_t *thread, void *(*start)(void *), void *argument, void *storage) {
#if defined(__linux__)
    cpu_set_t others;
    fk_start_box *box = storage;
    int cpu = sched_getcpu();
    if (box && cpu >= 0 && sched_getaffinity(0, sizeof box->mask, &box->mask) == 0 && CPU_ISSET(cpu, &box->mask)
        && CPU_COUNT(&box->mask) > 1) {
        others = box->mask;
        CPU_CLR(cpu, &others);
        box->start = start;
        box->argument = argument;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            int result = pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0
                ? pthread_create(thread, &attr, fk_start_trampoline, box) : -1;
            pthread_attr_destroy(&attr);
            if (result == 0) return 0;
        }
    }
#else
    (void)storage;
#endif
    return pthread_create(thread, NULL, start, argument);  // a plain start
}
