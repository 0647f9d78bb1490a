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
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// The common number shape, parsed in the same pass that finds the field's end: an optional '-',
// digits with an optional '.', an optional exponent with digits, at most 19 digits in all. With at
// most 19 digits fast_float's own path is exactly: the same 64-bit mantissa and decimal exponent
// (read here the same way), Clinger's fast path when the mantissa is <= 2^53 and the exponent is in
// [-22, 22] (and the rounding mode is to nearest, which the caller checks once), else
// compute_float (Eisel-Lemire) and to_float. So every value is bit-identical to fast_float's by
// construction (and checked by a differential test). Anything else (a '+', no digits, more than 19
// digits, an 'e' without digits, inf/nan, a result that needs fast_float's slow path or overflows)
// returns nullptr, and the caller falls back to parse_prefix for that token.
inline bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10u; }

// The number of leading ASCII digits of an 8-byte little-endian word (0...8). A byte's flag is
// exact while every byte before it is a digit (no borrow or carry crosses a digit byte), which is
// all the count needs.
inline int leading_digits(uint64_t word) {
    uint64_t flags = ((word + 0x4646464646464646ULL) | (word - 0x3030303030303030ULL)) & 0x8080808080808080ULL;
    return flags == 0 ? 8 : __builtin_ctzll(flags) >> 3;
}

// The value of the first `count` (1...8) digits of `word` (fast_float's 8-digit SWAR on the digits
// shifted to the top, '0' bytes below).
inline uint64_t leading_value(uint64_t word, int count) {
    int shift = 8 * (8 - count);
    uint64_t top = shift == 0 ? word : (word << shift) | (0x3030303030303030ULL >> (64 - shift));
    return fast_float::parse_eight_digits_unrolled(top);
}

constexpr uint64_t kPowersOfTen[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// fast_float's value of a mantissa of at most 19 digits times 10^exponent, by fast_float's own
// steps: Clinger's exact path when the mantissa is <= 2^53 and the exponent is in [-22, 22] (the
// caller checks once that the rounding mode is to nearest), else compute_float (Eisel-Lemire) and
// to_float. False (nothing written) when fast_float would need its digit comparison path or the
// value overflows: the caller then falls back to parse_prefix.
inline bool to_double(bool negative, uint64_t mantissa, int64_t exponent, double *out) {
    double value;
    using format = fast_float::binary_format<double>;
    if (format::min_exponent_fast_path() <= exponent && exponent <= format::max_exponent_fast_path() &&
        mantissa <= format::max_mantissa_fast_path()) {
        value = static_cast<double>(mantissa);
        if (exponent < 0) {
            value = value / format::exact_power_of_ten(-exponent);
        } else {
            value = value * format::exact_power_of_ten(exponent);
        }
        if (negative) value = -value;
    } else {
        fast_float::adjusted_mantissa am = fast_float::compute_float<format>(exponent, mantissa);
        if (am.power2 < 0) return false;  // fast_float's digit comparison path
        fast_float::to_float(negative, am, value);
        if (!std::isfinite(value)) return false;  // overflow: parse_prefix reports it
    }
    *out = value;
    return true;
}

inline const char *parse_common(const char *p, const char *last, double *out) {
    bool negative = false;
    if (p < last && *p == '-') {
        negative = true;
        ++p;
    }
    const char *const start = p;
    uint64_t mantissa = 0;
    // Up to 8 integer digits without a loop when 8 bytes are readable (the usual case inside a block).
    if (last - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        int count = leading_digits(word);
        if (count > 0) {
            mantissa = leading_value(word, count);
            p += count;
        }
    }
    while (p < last && is_digit(*p)) {
        mantissa = 10 * mantissa + static_cast<uint64_t>(*p - '0');
        ++p;
    }
    const bool any = p > start;
    // Significant digits: leading zeros add nothing to the mantissa (fast_float skips them too before
    // it decides that a number has too many digits).
    int64_t digits = mantissa == 0 ? 0 : p - start;
    int64_t exponent = 0;
    if (p < last && *p == '.') {
        ++p;
        const char *const before = p;
        if (mantissa == 0) {
            while (p < last && *p == '0') ++p;
        }
        const char *const first_significant = p;
        while (last - p >= 8 && digits + (p - first_significant) + 8 <= 19) {
            uint64_t word;
            std::memcpy(&word, p, 8);
            if (!fast_float::is_made_of_eight_digits_fast(word)) break;
            mantissa = mantissa * 100000000 + fast_float::parse_eight_digits_unrolled(word);
            p += 8;
        }
        if (last - p >= 8) {
            uint64_t word;
            std::memcpy(&word, p, 8);
            int count = leading_digits(word);
            if (count > 0 && count < 8 && digits + (p - first_significant) + count <= 19) {
                mantissa = mantissa * kPowersOfTen[count] + leading_value(word, count);
                p += count;
            }
        }
        while (p < last && is_digit(*p)) {
            mantissa = mantissa * 10 + static_cast<uint64_t>(*p - '0');
            ++p;
            if (digits + (p - first_significant) > 19) return nullptr;  // fast_float's too-many-digits path
        }
        exponent = before - p;
        if (!any && p == before) return nullptr;  // "." or "-.": no digits
        digits += p - first_significant;
    } else if (!any) {
        return nullptr;
    }
    if (digits > 19) return nullptr;
    if (p < last && (*p | 0x20) == 'e') {
        ++p;
        bool negative_exponent = false;
        if (p < last && (*p == '-' || *p == '+')) {
            negative_exponent = *p == '-';
            ++p;
        }
        if (p >= last || !is_digit(*p)) return nullptr;
        int64_t number = 0;
        while (p < last && is_digit(*p)) {
            if (number < 0x10000000) number = 10 * number + (*p - '0');  // as fast_float
            ++p;
        }
        exponent += negative_exponent ? -number : number;
    }
    return to_double(negative, mantissa, exponent, out) ? p : nullptr;
}

// One field from `q` as the whole-line loops read it when no faster step took it: the Swift
// tokenizer's number-start test (CSVPieceParser.startsNumber), then parse_common (when `common`:
// Clinger's path needs round-to-nearest, as in fast_float), else parse_prefix. The field's end, or
// nullptr when it is not a number (the loop then stops, or hands the line on).
inline const char *parse_field(const char *q, const char *last, bool common, double *out) {
    const unsigned char b = static_cast<unsigned char>(*q);
    if (!((b - '0') < 10u || b == '-' || b == '.' || b == '+')) return nullptr;
    if (common) {
        if (const char *end = parse_common(q, last, out)) return end;
    }
    int status;
    const size_t used = parse_prefix(q, last, out, &status);
    return used == 0 || status != FK_PARSE_OK ? nullptr : q + used;
}

}  // namespace

extern "C" size_t fk_parse_common_prefix(const char *first, const char *last, double *out) {
    if (!fast_float::detail::rounds_to_nearest()) return 0;
    const char *end = parse_common(first, last, out);
    return end ? static_cast<size_t>(end - first) : 0;
}

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

extern "C" size_t fk_record_ends_unquoted(const char *buffer, size_t length, const size_t *targets, size_t count,
                                          size_t *ends) {
    // Every newline ends a record (memchr / memrchr run at memory speed).
    for (size_t k = 0; k < count; ++k) {
        size_t target = targets[k] < length ? targets[k] : length;
        const void *hit = std::memchr(buffer + target, '\n', length - target);
        ends[k] = hit ? static_cast<size_t>(static_cast<const char *>(hit) - buffer) + 1 : length;
    }
    const void *last = length ? memrchr(buffer, '\n', length) : nullptr;
    return last ? static_cast<size_t>(static_cast<const char *>(last) - buffer) + 1 : 0;
}

extern "C" size_t fk_record_ends(const char *buffer, size_t length, char quote, const size_t *targets, size_t count,
                                 size_t *ends) {
    if (std::memchr(buffer, quote, length) == nullptr) {
        return fk_record_ends_unquoted(buffer, length, targets, count, ends);
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

extern "C" size_t fk_scan_newlines_and_quotes(const char *buffer, size_t length, char quote, int *has_quote) {
    // As fk_count_newlines, with the quote test in the same pass (checked once per 4 KiB, so a
    // quoted file stops early).
    size_t n = 0;
    size_t i = 0;
    *has_quote = 0;
#if defined(__SSE2__)
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i quotes = _mm_set1_epi8(quote);
    while (i + 16 <= length) {
        __m128i counts = _mm_setzero_si128();
        __m128i seen = _mm_setzero_si128();
        size_t rounds = (length - i) / 16;
        if (rounds > 255) rounds = 255;
        for (size_t r = 0; r < rounds; ++r, i += 16) {
            __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(buffer + i));
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(chunk, newline));
            seen = _mm_or_si128(seen, _mm_cmpeq_epi8(chunk, quotes));
        }
        if (_mm_movemask_epi8(seen) != 0) {
            *has_quote = 1;
            return n;
        }
        __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
        n += static_cast<size_t>(_mm_cvtsi128_si64(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; i < length; ++i) {
        n += buffer[i] == '\n';
        if (buffer[i] == quote) {
            *has_quote = 1;
            return n;
        }
    }
    return n;
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

namespace {

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define FK_HAVE_AVX2_PATH 1
#define FK_AVX2 __attribute__((target("avx2,bmi,bmi2")))

// The plain decimal shape, for a field whose extent [start, end) is known (the separators are
// found 64 bytes at a time, so finding a field's end does not wait for the previous number's
// parse): an optional '-', then 1 to 31 bytes that are digits with at most one '.' and at least one
// digit. Reads [end - 33, end): the caller checks that this is inside its buffer. Returns false
// (nothing written) for anything else (an exponent, a '+', spaces, no digits, two dots, more than 19
// significant digits, a value fast_float would settle by digit comparison), which the caller then
// parses with parse_common / parse_prefix from `start`.
//
// The same mantissa and exponent as parse_common and fast_float: the mantissa is the value of all
// the digits with the '.' taken out (below 10^19, so exact), the exponent minus the number of
// digits after the '.'. Steps, without branches on the number's shape: two loads that end at the
// field's end (one shifted by a byte) give the digits right-aligned, the '.' removed by a blend and
// the bytes before the number zeroed; then 32 digits -> four 8-digit groups by maddubs / madd /
// packus / madd (the SWAR of fast_float's parse_eight_digits, four groups at once).
//
// Split in two steps (plain_digits_avx2, then plain_value) so that the line loop can run the first
// over a batch of fields and then the second: each step's dependency chain is shorter than the
// whole parse, so more fields are in flight at once.
FK_AVX2 __attribute__((always_inline)) inline bool plain_digits_avx2(const char *start, const char *end, uint64_t *mantissa_out,
                                                                     int32_t *exponent_out) {
    const bool negative = *start == '-';
    const int64_t length = end - (start + negative);
    if (length < 1 || length > 31) return false;
    const __m256i zero_char = _mm256_set1_epi8('0');
    const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(end - 32));
    const __m256i shifted = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(end - 33));
    const __m256i d = _mm256_sub_epi8(w, zero_char);
    const uint32_t digit = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d)));
    const uint32_t token = ~0u << (32 - length);  // the number's bytes: the last `length` positions
    const uint32_t dots = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(w, _mm256_set1_epi8('.')))) & token;
    if ((~digit & token) != dots || (dots & (dots - 1)) != 0) return false;  // other bytes, or two dots
    const uint32_t has_dot = dots != 0;
    const uint32_t digits = static_cast<uint32_t>(length) - has_dot;
    if (digits == 0) return false;  // "." or "-."
    const int dot = static_cast<int>(_tzcnt_u32(dots));  // 32 when there is none
    const __m256i index = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                           21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    // The '.' and the positions before it take the byte before them.
    const int dot_next = has_dot ? dot + 1 : 0;
    const __m256i take_shifted = _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(dot_next)), index);
    const __m256i joined = _mm256_blendv_epi8(w, shifted, take_shifted);
    // Only the last `digits` positions are the number's digits.
    const __m256i keep = _mm256_cmpgt_epi8(index, _mm256_set1_epi8(static_cast<char>(31 - static_cast<int>(digits))));
    const __m256i values = _mm256_and_si256(_mm256_sub_epi8(joined, zero_char), keep);
    const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi16(0x010A));    // 10 * d0 + d1
    const __m256i quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00010064));    // 100 * p0 + p1
    const __m256i packed = _mm256_packus_epi32(quads, quads);
    const __m256i octets = _mm256_madd_epi16(packed, _mm256_set1_epi32(0x00012710));  // 10000 * q0 + q1
    const uint64_t low = static_cast<uint64_t>(_mm256_extract_epi64(octets, 0));   // groups 0, 1
    const uint64_t high = static_cast<uint64_t>(_mm256_extract_epi64(octets, 2));  // groups 2, 3
    const uint64_t g1 = low >> 32;
    if (static_cast<uint32_t>(low) != 0 || g1 >= 1000) return false;  // 20 or more significant digits
    *mantissa_out = g1 * 10000000000000000ULL + (high & 0xFFFFFFFFULL) * 100000000ULL + (high >> 32);
    *exponent_out = has_dot ? -static_cast<int32_t>(31 - dot) : 0;
    return true;
}

// The value of a mantissa and exponent from plain_digits_avx2 (false: nothing written, the caller
// falls back).
//
// Eisel-Lemire (compute_float) even where fast_float would take Clinger's path: both give the
// correctly rounded value whenever compute_float does not ask for the digit comparison path
// (power2 < 0), and it has no division and no branch on the digit count. The exponent is in
// [-30, 0] and the mantissa below 10^19, so no overflow and no subnormal.
__attribute__((always_inline)) inline bool plain_value(bool negative, uint64_t mantissa, int32_t exponent, double *out) {
    fast_float::adjusted_mantissa am = fast_float::compute_float<fast_float::binary_format<double>>(exponent, mantissa);
    if (am.power2 < 0) return false;
    double value;
    fast_float::to_float(negative, am, value);
    *out = value;
    return true;
}

// Both steps for one field.
FK_AVX2 __attribute__((always_inline)) inline bool parse_field_avx2(const char *start, const char *end, double *out) {
    uint64_t mantissa;
    int32_t exponent;
    return plain_digits_avx2(start, end, &mantissa, &exponent) && plain_value(*start == '-', mantissa, exponent, out);
}

// Bit k: p[k] is the delimiter, '\n' or '\r' (k < 64; reads [p, p + 64)).
FK_AVX2 __attribute__((always_inline)) inline uint64_t separator_mask(const char *p, char delimiter) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p + 32));
    const __m256i del = _mm256_set1_epi8(delimiter), lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
    const __m256i sa = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, del), _mm256_cmpeq_epi8(a, lf)), _mm256_cmpeq_epi8(a, cr));
    const __m256i sb = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(b, del), _mm256_cmpeq_epi8(b, lf)), _mm256_cmpeq_epi8(b, cr));
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(sa))) |
           (static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(sb))) << 32);
}
#endif

}  // namespace

// After a row's last field: steps over a line end (LF or CRLF), or sets `ended` at the end of the
// data. False for anything else (the row does not end there).
__attribute__((always_inline)) inline bool skip_line_end(const char *&q, const char *last, bool &ended) {
    if (q == last) { ended = true; return true; }
    if (*q == '\n') { ++q; return true; }
    if (*q == '\r' && q + 1 < last && q[1] == '\n') { q += 2; return true; }
    return false;
}

// The whole-line loop of fk_parse_numeric_lines (see numeric_lines_avx2 for the AVX2 copy).
inline size_t numeric_lines(const char *first, const char *last, char delimiter, size_t width,
                                         double *const *columns, size_t row, size_t max_rows,
                                         size_t *rows_out, size_t *newlines_out) {
    const char *p = first;
    size_t rows = 0;
    size_t newlines = 0;
    const bool common = fast_float::detail::rounds_to_nearest();  // Clinger's path needs it (as in fast_float)
    while (p < last && rows < max_rows) {
        const char *q = p;
        bool ended = false;  // the line ended at `last` without a line end
        for (size_t c = 0; c < width; ++c) {
            if (q >= last) goto stop;
            double value;
            const char *end = parse_field(q, last, common, &value);
            if (!end) goto stop;
            q = end;
            columns[c][row + rows] = value;
            if (c + 1 < width) {
                if (q < last && *q == delimiter) { ++q; continue; }
                goto stop;
            }
            if (!skip_line_end(q, last, ended)) goto stop;
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

#if FK_HAVE_AVX2_PATH
namespace {
// numeric_lines with the separators found 64 bytes at a time and each field first tried by
// parse_field_avx2 (where 33 bytes before the field and 64 from its start are in [first, last));
// a field it refuses goes through the same steps as in numeric_lines, from its start, so the
// values, the bytes consumed and the line it stops at are the same.
// `floor` (<= first): where the buffer that may be read starts.
FK_AVX2 size_t numeric_lines_avx2(const char *floor, const char *first, const char *last, char delimiter, size_t width,
                                  double *const *columns, size_t row, size_t max_rows, size_t *rows_out,
                                  size_t *newlines_out) {
    const char *p = first;
    size_t rows = 0;
    size_t newlines = 0;
    const bool common = fast_float::detail::rounds_to_nearest();  // both fused paths need it (as in fast_float)
    const char *chunk = first;  // separators of [chunk, chunk + 64) are in `separators`
    uint64_t separators = 0;
    while (p < last && rows < max_rows) {
        const char *q = p;
        bool ended = false;  // the line ended at `last` without a line end
        for (size_t c = 0; c < width; ++c) {
            if (q >= last) goto stop;
            double value;
            const char *end = nullptr;
            if (common && q - floor >= 33 && last - q >= 64) {
                uint64_t ahead = q - chunk < 64 ? separators >> (q - chunk) : 0;
                if (ahead == 0) {
                    chunk = q;
                    separators = separator_mask(q, delimiter);
                    ahead = separators;
                }
                if (ahead != 0) {
                    const char *field_end = q + _tzcnt_u64(ahead);
                    if (parse_field_avx2(q, field_end, &value)) end = field_end;
                }
            }
            if (!end) {
                end = parse_field(q, last, common, &value);
                if (!end) goto stop;
            }
            q = end;
            columns[c][row + rows] = value;
            if (c + 1 < width) {
                if (q < last && *q == delimiter) { ++q; continue; }
                goto stop;
            }
            if (!skip_line_end(q, last, ended)) goto stop;
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

// The whole-line loop on CPUs with AVX2: a line at a time, in batches of up to kBatch fields. The
// separators (delimiter, '\n', '\r') are found 64 bytes at a time and their positions kept in a
// queue (branch-free for up to 8 per 64 bytes), so each field's extent is known up front; then
// plain_digits_avx2 runs over the batch, and plain_value over the results (two short dependency
// chains per field instead of one long one, so the CPU overlaps more fields). A field either step
// refuses (an exponent, a '+', 20+ digits, ... , or one within 33 bytes of `first`) is parsed
// from its start by parse_common / parse_prefix, as numeric_lines does, and must end exactly at
// its separator. A line this loop does not take whole (a separator that is not the delimiter
// where one is due or not a line end after the last field, a field that is not a number, a line
// that ends within 64 bytes of `last`) is handed to numeric_lines_avx2 for that one line, which
// parses it or stops exactly where numeric_lines would. So the lines taken, their values (each
// correctly rounded, hence the same from any of the parsers), the bytes consumed and the line
// it stops at are those of numeric_lines.
FK_AVX2 size_t numeric_lines_batched(const char *first, const char *last, char delimiter, size_t width,
                                     double *const *columns, size_t row, size_t max_rows, size_t *rows_out,
                                     size_t *newlines_out) {
    constexpr size_t kBatch = 64;
    constexpr size_t kQueue = 256;  // >= kBatch - 1 + 64 after compaction, + 8 for the unconditional writes
    const char *queue[kQueue];
    // A batch's fields after plain_digits_avx2: mantissa, exponent (kRefused when it refused the
    // field), sign.
    constexpr int32_t kRefused = 1000;
    struct Digits { uint64_t mantissa; int32_t exponent; int32_t negative; };
    Digits digits[kBatch];
    size_t head = 0, tail = 0;  // queue[head..<tail]: separators at or after `p`, in order, below `scan`
    const char *scan = first;   // the next 64 bytes to look for separators in
    const char *p = first;
    size_t rows = 0;
    size_t newlines = 0;
    while (p < last && rows < max_rows) {
        const char *q = p;  // the current field's start
        size_t c = 0;
        while (c < width) {
            const size_t count = width - c < kBatch ? width - c : kBatch;
            while (tail - head < count) {
                if (last - scan < 64) goto by_field;
                if (tail + 64 + 8 > kQueue) {
                    std::memmove(queue, queue + head, (tail - head) * sizeof(*queue));
                    tail -= head;
                    head = 0;
                }
                uint64_t mask = separator_mask(scan, delimiter);
                const int found = __builtin_popcountll(mask);
                const char **out = queue + tail;
                for (int k = 0; k < 8; ++k) {  // tzcnt of 0 is 64: entries past `found` are overwritten later
                    out[k] = scan + _tzcnt_u64(mask);
                    mask = _blsr_u64(mask);
                }
                for (int k = 8; k < found; ++k) {
                    out[k] = scan + _tzcnt_u64(mask);
                    mask = _blsr_u64(mask);
                }
                tail += static_cast<size_t>(found);
                scan += 64;
            }
            const char *const *ends = queue + head;
            // Every separator but the line's last must be the delimiter (the last is checked below).
            const bool line_end = c + count == width;
            const size_t delimited = line_end ? count - 1 : count;
            unsigned wrong = 0;
            const char *start = q;
            _Pragma("clang loop unroll_count(2)")  // two fields' chains interleaved (~2 % in the C loop)
            for (size_t k = 0; k < count; ++k) {
                const char *end = ends[k];
                if (!(end - first >= 33 && plain_digits_avx2(start, end, &digits[k].mantissa, &digits[k].exponent))) {
                    digits[k].exponent = kRefused;
                }
                digits[k].negative = *start == '-';
                wrong |= k < delimited ? static_cast<unsigned char>(*end ^ delimiter) : 0u;
                start = end + 1;
            }
            if (wrong) goto by_field;
            _Pragma("clang loop unroll_count(2)")
            for (size_t k = 0; k < count; ++k) {
                double value;
                if (!(digits[k].exponent != kRefused && plain_value(digits[k].negative, digits[k].mantissa, digits[k].exponent, &value))) {
                    const char *start = k == 0 ? q : ends[k - 1] + 1;
                    // Only called when rounding is to nearest (fk_parse_numeric_lines checks).
                    const char *end = parse_field(start, last, true, &value);
                    if (end != ends[k]) goto by_field;  // also when it is not a number (nullptr)
                }
                columns[c + k][row + rows] = value;
            }
            q = ends[count - 1];  // the separator after the batch
            head += count;
            c += count;
            if (!line_end) ++q;
        }
        // q: the last field's separator, which must be a '\n' or "\r\n" (else the line is not taken here).
        if (*q == '\n') {
            p = q + 1;
        } else if (*q == '\r' && q + 1 < last && q[1] == '\n') {
            p = q + 2;
        } else {
            goto by_field;
        }
        ++rows;
        ++newlines;
        while (head < tail && queue[head] < p) ++head;  // the '\n' of a "\r\n"
        if (scan < p) scan = p;
        continue;
    by_field:
        // This line by the field-by-field loop (it may end at `last`, or not be taken at all).
        {
            size_t taken = 0, lines = 0;
            size_t used = numeric_lines_avx2(first, p, last, delimiter, width, columns, row + rows, 1, &taken, &lines);
            if (taken == 0) break;
            p += used;
            rows += taken;
            newlines += lines;
            head = tail = 0;
            scan = p;
        }
    }
    *rows_out = rows;
    *newlines_out = newlines;
    return static_cast<size_t>(p - first);
}

// parse_field_avx2 as a call, for fk_parse_plain_field.
FK_AVX2 bool parse_field_avx2_call(const char *start, const char *end, double *out) {
    return parse_field_avx2(start, end, out);
}

// __builtin_cpu_init first: this initializer may run before the runtime's own CPU-model constructor.
const bool kHaveAVX2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
}();
}  // namespace
#endif

extern "C" size_t fk_parse_numeric_lines(const char *first, const char *last, char delimiter, size_t width,
                                         double *const *columns, size_t row, size_t max_rows,
                                         size_t *rows_out, size_t *newlines_out) {
#if FK_HAVE_AVX2_PATH
    // (A delimiter that is a line end or can be part of a number would be taken for a separator
    // inside a field: the field-by-field loop handles those as numeric_lines does.)
    const bool separable = delimiter != '\n' && delimiter != '\r' && !is_digit(delimiter) && delimiter != '.' &&
                           delimiter != '-' && delimiter != '+' && (delimiter | 0x20) != 'e';
    if (kHaveAVX2 && separable && width > 0 && fast_float::detail::rounds_to_nearest()) {
        return numeric_lines_batched(first, last, delimiter, width, columns, row, max_rows, rows_out, newlines_out);
    }
    if (kHaveAVX2) {
        return numeric_lines_avx2(first, first, last, delimiter, width, columns, row, max_rows, rows_out, newlines_out);
    }
#endif
    return numeric_lines(first, last, delimiter, width, columns, row, max_rows, rows_out, newlines_out);
}

extern "C" size_t fk_parse_numeric_lines_by_field(const char *first, const char *last, char delimiter, size_t width,
                                                 double *const *columns, size_t row, size_t max_rows,
                                                 size_t *rows_out, size_t *newlines_out) {
#if FK_HAVE_AVX2_PATH
    if (kHaveAVX2) {
        return numeric_lines_avx2(first, first, last, delimiter, width, columns, row, max_rows, rows_out, newlines_out);
    }
#endif
    return numeric_lines(first, last, delimiter, width, columns, row, max_rows, rows_out, newlines_out);
}

extern "C" int fk_parse_plain_field(const char *first, const char *start, const char *end, const char *last,
                                    double *out) {
#if FK_HAVE_AVX2_PATH
    if (kHaveAVX2 && fast_float::detail::rounds_to_nearest() && start - first >= 33 && end >= start &&
        end - start <= 32 && last - end >= 0) {
        return parse_field_avx2_call(start, end, out) ? 1 : 0;
    }
#endif
    (void)first; (void)start; (void)end; (void)last; (void)out;
    return 0;
}

extern "C" int fk_plain_path_available(void) {
#if FK_HAVE_AVX2_PATH
    return kHaveAVX2 ? 1 : 0;
#else
    return 0;
#endif
}
