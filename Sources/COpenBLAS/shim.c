#include "COpenBLAS.h"
#include <string.h>

// openblas_get_config() returns e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...".
int fk_openblas_version(char *buffer, int capacity) {
    if (buffer == NULL || capacity <= 0) {
        return 0;
    }
    const char *config = openblas_get_config();
    const char *prefix = "OpenBLAS ";
    size_t prefixLength = strlen(prefix);
    int length = 0;
    if (config != NULL && strncmp(config, prefix, prefixLength) == 0) {
        const char *start = config + prefixLength;
        while (start[length] != '\0' && start[length] != ' ' && length + 1 < capacity) {
            buffer[length] = start[length];
            length++;
        }
    }
    buffer[length] = '\0';
    return length;
}

const char *fk_build_vector_isa(void) {
#if defined(__AVX512F__)
    return "avx512f";
#elif defined(__AVX2__)
    return "avx2";
#elif defined(__SSE2__)
    return "sse2";
#else
    return "generic";
#endif
}
