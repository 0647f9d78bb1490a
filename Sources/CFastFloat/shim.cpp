// The C-callable shim over fast_float (https://github.com/fastfloat/fast_float, Debian's
// libfast-float-dev 3.9, header-only). fast_float's from_chars is correctly rounded (exact
// round trip of every shortest representation), accepts neither a leading '+' nor spaces, and in
// 3.9 returns an infinity without an error code on overflow; this shim handles all three.
#include "CFastFloat.h"

#include <fast_float/fast_float.h>

#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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
    // 16 bytes at a time (SSE2, part of x86-64): per-byte counters in 8-bit lanes, summed with
    // psadbw before they can overflow. Runs at memory speed however short the lines are (a memchr
    // per line costs a call per line).
    size_t n = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    while (i + 16 <= length) {
        __m128i counts = _mm_setzero_si128();
        size_t rounds = (length - i) / 16;
        if (rounds > 255) rounds = 255;
        for (size_t r = 0; r < rounds; ++r, i += 16) {
            __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(buffer + i));
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(chunk, newline));
        }
        __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
        n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; i < length; ++i) n += buffer[i] == '\n';
    return n;
}

extern "C" size_t fk_parse_numeric_lines(const char *first, const char *last, char delimiter, size_t width,
                                         double *const *columns, size_t row, size_t max_rows,
                                         size_t *rows_out, size_t *newlines_out) {
    const char *p = first;
    size_t rows = 0;
    size_t newlines = 0;
    while (p < last && rows < max_rows) {
        const char *q = p;
        bool ended = false;  // the line ended at `last` without a line end
        for (size_t c = 0; c < width; ++c) {
            if (q >= last) goto stop;
            unsigned char b = static_cast<unsigned char>(*q);
            // The same test as the Swift tokenizer's fast path (CSVPieceParser.startsNumber).
            if (!((b - '0') < 10u || b == '-' || b == '.' || b == '+')) goto stop;
            double value;
            int status;
            size_t used = parse_prefix(q, last, &value, &status);
            if (used == 0 || status != FK_PARSE_OK) goto stop;
            q += used;
            columns[c][row + rows] = value;
            if (c + 1 < width) {
                if (q < last && *q == delimiter) { ++q; continue; }
                goto stop;
            }
            if (q == last) {
                ended = true;
            } else if (*q == '\n') {
                ++q;
            } else if (*q == '\r' && q + 1 < last && q[1] == '\n') {
                q += 2;
            } else {
                goto stop;
            }
        }
        p = q;
        ++rows;
        if (!ended) ++newlines;
    }
stop:
    *rows_out = rows;
    *newlines_out = newlines;
    return static_cast<size_t>(p - first);
}
