// The C-callable shim over fast_float (https://github.com/fastfloat/fast_float, Debian's
// libfast-float-dev 3.9, header-only). fast_float's from_chars is correctly rounded (exact
// round trip of every shortest representation), accepts neither a leading '+' nor spaces, and in
// 3.9 returns an infinity without an error code on overflow; this shim handles all three.
#include "CFastFloat.h"

#include <fast_float/fast_float.h>

#include <cmath>
#include <cstring>

namespace {

inline bool spells_nonfinite(const char *first, const char *last) {
    // fast_float accepts "nan", "inf", "infinity" (any case, optional sign): an alphabetic first
    // character after the sign means the text spelled a non-finite value.
    if (first < last && (*first == '-' || *first == '+')) ++first;
    return first < last && ((*first | 0x20) == 'i' || (*first | 0x20) == 'n');
}

template <typename T>
size_t parse_prefix(const char *first, const char *last, T *out, int *status) {
    const char *start = first;
    // A '+' is allowed when a digit, '.', or the start of "inf"/"nan" follows (not "+-1", not "+").
    if (first < last && *first == '+' && first + 1 < last &&
        (first[1] == '.' || (first[1] >= '0' && first[1] <= '9') || (first[1] | 0x20) == 'i' || (first[1] | 0x20) == 'n'))
        ++first;
    T value = 0;
    auto result = fast_float::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr == first) {
        *status = FK_PARSE_INVALID;
        return 0;
    }
    if (!std::isfinite(value)) {
        *status = spells_nonfinite(first, result.ptr) ? FK_PARSE_NONFINITE : FK_PARSE_OVERFLOW;
    } else {
        *status = FK_PARSE_OK;
        *out = value;
    }
    return static_cast<size_t>(result.ptr - start);
}

}  // namespace

extern "C" int fk_parse_double(const char *first, size_t length, double *out) {
    int status = FK_PARSE_INVALID;
    double value = 0;
    size_t used = parse_prefix(first, first + length, &value, &status);
    if (used != length || length == 0) return FK_PARSE_INVALID;
    if (status == FK_PARSE_OK) *out = value;
    return status;
}

extern "C" size_t fk_parse_double_prefix(const char *first, const char *last, double *out, int *status) {
    return parse_prefix(first, last, out, status);
}

extern "C" int fk_parse_float(const char *first, size_t length, float *out) {
    int status = FK_PARSE_INVALID;
    float value = 0;
    size_t used = parse_prefix(first, first + length, &value, &status);
    if (used != length || length == 0) return FK_PARSE_INVALID;
    if (status == FK_PARSE_OK) *out = value;
    return status;
}

extern "C" size_t fk_record_ends(const char *buffer, size_t length, char quote, const size_t *targets, size_t count,
                                 size_t *ends) {
    if (std::memchr(buffer, quote, length) == nullptr) {
        // No quotes: every newline ends a record (memchr / memrchr run at memory speed).
        for (size_t k = 0; k < count; ++k) {
            size_t target = targets[k] < length ? targets[k] : length;
            const void *hit = std::memchr(buffer + target, '\n', length - target);
            ends[k] = hit ? static_cast<size_t>(static_cast<const char *>(hit) - buffer) + 1 : length;
        }
        const void *last = length ? memrchr(buffer, '\n', length) : nullptr;
        return last ? static_cast<size_t>(static_cast<const char *>(last) - buffer) + 1 : 0;
    }
    size_t k = 0;
    size_t last_end = 0;
    bool inside = false;
    for (size_t i = 0; i < length; ++i) {
        char c = buffer[i];
        if (c == quote) {
            inside = !inside;
        } else if (c == '\n' && !inside) {
            last_end = i + 1;
            while (k < count && targets[k] <= i) ends[k++] = i + 1;
        }
    }
    while (k < count) ends[k++] = length;
    return last_end;
}

extern "C" size_t fk_count_newlines(const char *buffer, size_t length) {
    size_t n = 0;
    const char *p = buffer;
    const char *end = buffer + length;
    while (p < end) {
        const void *hit = std::memchr(p, '\n', static_cast<size_t>(end - p));
        if (!hit) break;
        ++n;
        p = static_cast<const char *>(hit) + 1;
    }
    return n;
}
