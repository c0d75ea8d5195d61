/* Base64 decoding kernel for libdc1 (see include/dc1_base64.h).
 *
 * Scalar: four tables map a character straight to its 6 bits already shifted into place in a
 * 24-bit group (invalid characters set bit 24 or above), so a group costs four loads, three
 * ORs, one test and the stores: no branches per character.
 * x86-64: the AVX2 (32 characters a step) and SSSE3 (16) loops classify characters with
 * nibble lookups (pshufb) and pack 6-bit fields with pmaddubsw/pmaddwd, after W. Muła and
 * D. Lemire, "Faster Base64 Encoding and Decoding Using AVX2 Instructions" (2018). A block
 * holding any non-alphabet character is left to the scalar loop, which finds the exact group. */
#include "dc1_base64.h"
#include <pthread.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t d0[256], d1[256], d2[256], d3[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static int best_level = -1;

/* Big-endian byte order of the group: d0 holds the top 6 bits. Invalid: 0x01000000. */
static void init_tables(void) {
    for (int i = 0; i < 256; i++) d0[i] = d1[i] = d2[i] = d3[i] = 0x01000000u;
    for (int i = 0; i < 64; i++) {
        uint8_t c = (uint8_t)alphabet[i];
        d0[c] = (uint32_t)i << 18;
        d1[c] = (uint32_t)i << 12;
        d2[c] = (uint32_t)i << 6;
        d3[c] = (uint32_t)i;
    }
}

static inline void ensure_tables(void) { pthread_once(&tables_once, init_tables); }

int dcb64_value(uint8_t c) {
    ensure_tables();
    if (c == '-') return 62; /* the URL-safe letters, accepted one at a time */
    if (c == '_') return 63;
    return d3[c] > 63 ? -1 : (int)d3[c];
}

static size_t scalar(const uint8_t *in, size_t len, uint8_t *out, size_t *consumed) {
    size_t i = 0, o = 0;
    /* Two groups a step: 8 characters to 6 bytes. */
    while (len - i >= 8) {
        uint32_t a = d0[in[i]] | d1[in[i + 1]] | d2[in[i + 2]] | d3[in[i + 3]];
        uint32_t b = d0[in[i + 4]] | d1[in[i + 5]] | d2[in[i + 6]] | d3[in[i + 7]];
        if ((a | b) >> 24) break;
        out[o] = (uint8_t)(a >> 16); out[o + 1] = (uint8_t)(a >> 8); out[o + 2] = (uint8_t)a;
        out[o + 3] = (uint8_t)(b >> 16); out[o + 4] = (uint8_t)(b >> 8); out[o + 5] = (uint8_t)b;
        i += 8; o += 6;
    }
    while (len - i >= 4) {
        uint32_t a = d0[in[i]] | d1[in[i + 1]] | d2[in[i + 2]] | d3[in[i + 3]];
        if (a >> 24) break;
        out[o] = (uint8_t)(a >> 16); out[o + 1] = (uint8_t)(a >> 8); out[o + 2] = (uint8_t)a;
        i += 4; o += 3;
    }
    *consumed = i;
    return o;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx2")))
static size_t avx2(const uint8_t *in, size_t len, uint8_t *out, size_t *consumed) {
    const __m256i lut_lo = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_hi = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i lut_roll = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask_2f = _mm256_set1_epi8(0x2f);
    const __m256i pack1 = _mm256_set1_epi32(0x01400140);
    const __m256i pack2 = _mm256_set1_epi32(0x00011000);
    const __m256i shuf = _mm256_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i perm = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
    size_t i = 0, o = 0;
    while (len - i >= 32) {
        __m256i s = _mm256_loadu_si256((const __m256i *)(in + i));
        __m256i hi_n = _mm256_and_si256(_mm256_srli_epi32(s, 4), mask_2f);
        __m256i lo_n = _mm256_and_si256(s, mask_2f);
        __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_n);
        __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_n);
        if (!_mm256_testz_si256(lo, hi)) break;
        __m256i eq_2f = _mm256_cmpeq_epi8(s, mask_2f);
        __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_n));
        s = _mm256_add_epi8(s, roll);
        s = _mm256_maddubs_epi16(s, pack1);
        s = _mm256_madd_epi16(s, pack2);
        s = _mm256_shuffle_epi8(s, shuf);
        s = _mm256_permutevar8x32_epi32(s, perm);
        _mm256_storeu_si256((__m256i *)(out + o), s);
        i += 32; o += 24;
    }
    size_t c = 0;
    o += scalar(in + i, len - i, out + o, &c);
    *consumed = i + c;
    return o;
}

__attribute__((target("ssse3")))
static size_t ssse3(const uint8_t *in, size_t len, uint8_t *out, size_t *consumed) {
    const __m128i lut_lo = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                         0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m128i lut_hi = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                         0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m128i lut_roll = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i mask_2f = _mm_set1_epi8(0x2f);
    const __m128i pack1 = _mm_set1_epi32(0x01400140);
    const __m128i pack2 = _mm_set1_epi32(0x00011000);
    const __m128i shuf = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    size_t i = 0, o = 0;
    while (len - i >= 16) {
        __m128i s = _mm_loadu_si128((const __m128i *)(in + i));
        __m128i hi_n = _mm_and_si128(_mm_srli_epi32(s, 4), mask_2f);
        __m128i lo_n = _mm_and_si128(s, mask_2f);
        __m128i lo = _mm_shuffle_epi8(lut_lo, lo_n);
        __m128i hi = _mm_shuffle_epi8(lut_hi, hi_n);
        if (_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_and_si128(lo, hi), _mm_setzero_si128())) != 0) break;
        __m128i eq_2f = _mm_cmpeq_epi8(s, mask_2f);
        __m128i roll = _mm_shuffle_epi8(lut_roll, _mm_add_epi8(eq_2f, hi_n));
        s = _mm_add_epi8(s, roll);
        s = _mm_maddubs_epi16(s, pack1);
        s = _mm_madd_epi16(s, pack2);
        s = _mm_shuffle_epi8(s, shuf);
        _mm_storeu_si128((__m128i *)(out + o), s);
        i += 16; o += 12;
    }
    size_t c = 0;
    o += scalar(in + i, len - i, out + o, &c);
    *consumed = i + c;
    return o;
}

static int detect(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return 2;
    if (__builtin_cpu_supports("ssse3")) return 1;
    return 0;
}
#else
static int detect(void) { return 0; }
#endif

int dcb64_best_level(void) {
    int l = __atomic_load_n(&best_level, __ATOMIC_ACQUIRE);
    if (l < 0) {
        l = detect();
        __atomic_store_n(&best_level, l, __ATOMIC_RELEASE);
    }
    return l;
}

size_t dcb64_decode_groups_level(int level, const uint8_t *in, size_t len, uint8_t *out, size_t *consumed) {
    ensure_tables();
    int best = dcb64_best_level();
    if (level > best) level = best;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level == 2) return avx2(in, len, out, consumed);
    if (level == 1) return ssse3(in, len, out, consumed);
#endif
    return scalar(in, len, out, consumed);
}

size_t dcb64_decode_groups(const uint8_t *in, size_t len, uint8_t *out, size_t *consumed) {
    return dcb64_decode_groups_level(3, in, len, out, consumed);
}
