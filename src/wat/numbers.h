/* Numeric literals: integers (decimal/hex, underscores, sign) and floats (decimal, hex,
 * inf, nan, nan:0x payload), correctly rounded to f32/f64 bit patterns. */
#ifndef RUNWASM_WAT_NUMBERS_H
#define RUNWASM_WAT_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

enum { NUM_OK = 0, NUM_MALFORMED = -1, NUM_OUT_OF_RANGE = -2 };

/* Unsigned literal without sign, at most max. */
int wat_parse_uint (const char *s, size_t len, uint64_t max, uint64_t *out);

/* iN literal (bits 8, 16, 32 or 64): signed (-2^(N-1)..) or unsigned (..2^N-1); the result
 * is the two's complement bit pattern in the low N bits. */
int wat_parse_int (const char *s, size_t len, int bits, uint64_t *out);

int wat_parse_f32 (const char *s, size_t len, uint32_t *bits);
int wat_parse_f64 (const char *s, size_t len, uint64_t *bits);

#endif
