#ifndef REEL_SIMD_H
#define REEL_SIMD_H
#include <stdint.h>

/// Byte classification of 32 bytes at once, for the CSV fast path: bit i of
/// the result describes byte i. Swift has no way to turn a SIMD comparison
/// into a bit mask (AVX2's movemask), so these few lines are C; they are
/// static inline and end up inlined into the Swift code that calls them.
/// Reads exactly 32 bytes at `p`, which the caller guarantees are readable.

#if defined(__x86_64__)
#include <immintrin.h>

/// Bit i set when byte i is not an ASCII digit.
__attribute__((target("avx2"), always_inline))
static inline uint32_t reel_nondigit_mask32(const void *p) {
    __m256i v = _mm256_loadu_si256((const __m256i *)p);
    __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
    __m256i is_digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
    return ~(uint32_t)_mm256_movemask_epi8(is_digit);
}
#else
static inline uint32_t reel_nondigit_mask32(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int i = 0; i < 32; i++) {
        if ((uint8_t)(b[i] - '0') > 9) mask |= (uint32_t)1 << i;
    }
    return mask;
}
#endif

/// Asks for the cache line at `p` ahead of use (a hint; never faults).
static inline void reel_prefetch(const void *p) {
    __builtin_prefetch(p, 0, 0);
}

#endif
