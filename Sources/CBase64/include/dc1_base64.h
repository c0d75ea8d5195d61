/* libdc1's base64 kernel (internal: hidden symbols, not part of include/dc1.h). */
#ifndef DC1_BASE64_KERNEL_H
#define DC1_BASE64_KERNEL_H
#include <stddef.h>
#include <stdint.h>

/* Decodes the longest prefix of `in` made of whole 4-character groups of the standard
 * alphabet (A-Z a-z 0-9 + /): 3 bytes a group go to `out`, which must have room for
 * (len / 4) * 3 + 32 bytes (the vector loops store whole registers). Stops before the first
 * group holding any other byte ('=', whitespace, '"', '-', '_', …), which the caller then
 * handles one character at a time. Returns the bytes written; *consumed = 4 × groups.
 * Uses AVX2 or SSSE3 when the CPU has them (checked once), else a table-driven scalar loop. */
__attribute__((visibility("hidden")))
size_t dcb64_decode_groups(const uint8_t *in, size_t len, uint8_t *out, size_t *consumed);

/* The same with the scalar loop only (tests compare the paths). 0: scalar, 1: SSSE3, 2: AVX2;
 * a level the CPU lacks falls back to the best it has. */
__attribute__((visibility("hidden")))
size_t dcb64_decode_groups_level(int level, const uint8_t *in, size_t len, uint8_t *out, size_t *consumed);

/* The 6-bit value of one character (the standard alphabet, plus '-' and '_' as 62 and 63),
 * or -1: the one table every path of libdc1's base64 decoding uses. */
__attribute__((visibility("hidden")))
int dcb64_value(uint8_t c);

/* The best level this CPU runs (0, 1 or 2). */
__attribute__((visibility("hidden")))
int dcb64_best_level(void);

#endif
