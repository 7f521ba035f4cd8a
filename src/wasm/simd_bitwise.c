/* Whole-vector bitwise ops: not, and, andnot, or, xor, bitselect, any_true. */
#include "wasm/simd_ops.h"

/* out = expr over the two 64-bit halves x (of a) and y (of b). */
#define BITWISE_BINARY(c_name, expr)                                                    \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (int i = 0; i < 2; i++)                                                         \
      {                                                                                 \
        uint64_t x = a->u64[i], y = b->u64[i];                                          \
        r.u64[i] = (expr);                                                              \
      }                                                                                 \
    *out = r;                                                                           \
  }

BITWISE_BINARY (v128_and, x & y)
BITWISE_BINARY (v128_andnot, x & ~y)
BITWISE_BINARY (v128_or, x | y)
BITWISE_BINARY (v128_xor, x ^ y)

SIMD_OP_DEFINE (v128_not)
{
  wasm_v128 r = { .u64 = { ~a->u64[0], ~a->u64[1] } };
  *out = r;
}

/* Bits of a where the mask c is 1, bits of b where it is 0. */
SIMD_OP_DEFINE (v128_bitselect)
{
  wasm_v128 r;
  for (int i = 0; i < 2; i++)
    r.u64[i] = (a->u64[i] & c->u64[i]) | (b->u64[i] & ~c->u64[i]);
  *out = r;
}

SIMD_OP_DEFINE (v128_any_true)
{
  *out = simd_scalar32 ((a->u64[0] | a->u64[1]) != 0);
}
