/* Integer lane arithmetic: add/sub/mul (wrapping), saturating add/sub, min/max, avgr_u,
 * abs/neg/popcnt, shifts, compares, all_true/bitmask, and the widening arithmetic
 * (extmul, extadd_pairwise, dot, q15mulr_sat_s). Wrapping math is done in unsigned types so
 * overflow is defined; signed lanes are read through the signed type of the same width. */
#include <stddef.h>

#include "wasm/simd_ops.h"

/* out[i] = expr, with x = a[i] and y = b[i] read as type T from the lane array `field`. */
#define INT_BINARY(c_name, field, T, expr)                                              \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        T x = (T) a->field[i], y = (T) b->field[i];                                     \
        r.field[i] = (expr);                                                            \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* out[i] = expr, with x = a[i] read as type T. */
#define INT_UNARY(c_name, field, T, expr)                                               \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        T x = (T) a->field[i];                                                          \
        r.field[i] = (expr);                                                            \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* A compare lane is all ones when true: negating 1 in the widest unsigned type and
 * truncating to the lane gives exactly the lane's all-ones pattern. */
#define INT_COMPARE(c_name, field, T, cond) INT_BINARY (c_name, field, T, -(uint64_t) (cond))

/* Shifts take the i32 count from b's low bytes, modulo the lane width. */
#define INT_SHIFT(c_name, field, T, expr)                                               \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    unsigned n = b->u32[0] % (8 * sizeof a->field[0]);                                  \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        T x = (T) a->field[i];                                                          \
        r.field[i] = (expr);                                                            \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* ---- Shape-generic ops, stamped out for each integer shape ---------------------------- */

/* Ops every integer shape has. S/U: the lane's signed/unsigned type; W: an unsigned type at
 * least as wide as the lane and as int, so products and sums cannot overflow into UB. */
#define INT_SHAPE_COMMON(shape, field, S, U, W)                                         \
  INT_BINARY (shape##_add, field, U, (W) x + y)                                         \
  INT_BINARY (shape##_sub, field, U, (W) x - y)                                         \
  INT_UNARY (shape##_neg, field, U, (W) 0 - x)                                          \
  INT_UNARY (shape##_abs, field, S, x < 0 ? (W) 0 - (U) x : (U) x)                      \
  INT_SHIFT (shape##_shl, field, U, (W) x << n)                                         \
  INT_SHIFT (shape##_shr_s, field, S, x >> n)                                           \
  INT_SHIFT (shape##_shr_u, field, U, x >> n)                                           \
  INT_COMPARE (shape##_eq, field, U, x == y)                                            \
  INT_COMPARE (shape##_ne, field, U, x != y)                                            \
  INT_COMPARE (shape##_lt_s, field, S, x < y)                                           \
  INT_COMPARE (shape##_gt_s, field, S, x > y)                                           \
  INT_COMPARE (shape##_le_s, field, S, x <= y)                                          \
  INT_COMPARE (shape##_ge_s, field, S, x >= y)                                          \
                                                                                        \
  SIMD_OP_DEFINE (shape##_all_true)                                                     \
  {                                                                                     \
    uint32_t all = 1;                                                                   \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      all &= a->field[i] != 0;                                                          \
    *out = simd_scalar32 (all);                                                         \
  }                                                                                     \
                                                                                        \
  /* Bit i of the result is lane i's sign bit. */                                       \
  SIMD_OP_DEFINE (shape##_bitmask)                                                      \
  {                                                                                     \
    uint32_t mask = 0;                                                                  \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      mask |= (uint32_t) (a->field[i] >> (8 * sizeof a->field[0] - 1)) << i;            \
    *out = simd_scalar32 (mask);                                                        \
  }

INT_SHAPE_COMMON (i8x16, u8, int8_t, uint8_t, uint32_t)
INT_SHAPE_COMMON (i16x8, u16, int16_t, uint16_t, uint32_t)
INT_SHAPE_COMMON (i32x4, u32, int32_t, uint32_t, uint32_t)
INT_SHAPE_COMMON (i64x2, u64, int64_t, uint64_t, uint64_t)

/* Ops of the 8-, 16- and 32-bit shapes (i64x2 has no unsigned compares, min/max). */
#define INT_SHAPE_NARROW(shape, field, S, U)                                            \
  INT_COMPARE (shape##_lt_u, field, U, x < y)                                           \
  INT_COMPARE (shape##_gt_u, field, U, x > y)                                           \
  INT_COMPARE (shape##_le_u, field, U, x <= y)                                          \
  INT_COMPARE (shape##_ge_u, field, U, x >= y)                                          \
  INT_BINARY (shape##_min_s, field, S, x < y ? x : y)                                   \
  INT_BINARY (shape##_min_u, field, U, x < y ? x : y)                                   \
  INT_BINARY (shape##_max_s, field, S, x > y ? x : y)                                   \
  INT_BINARY (shape##_max_u, field, U, x > y ? x : y)

INT_SHAPE_NARROW (i8x16, u8, int8_t, uint8_t)
INT_SHAPE_NARROW (i16x8, u16, int16_t, uint16_t)
INT_SHAPE_NARROW (i32x4, u32, int32_t, uint32_t)

/* Ops of the 8- and 16-bit shapes only: int holds every intermediate exactly. */
#define INT_SHAPE_SMALL(shape, field, S, U, S_MIN, S_MAX, U_MAX)                        \
  INT_BINARY (shape##_add_sat_s, field, S, simd_clamp_i32 (x + y, S_MIN, S_MAX))        \
  INT_BINARY (shape##_add_sat_u, field, U, simd_clamp_i32 (x + y, 0, U_MAX))            \
  INT_BINARY (shape##_sub_sat_s, field, S, simd_clamp_i32 (x - y, S_MIN, S_MAX))        \
  INT_BINARY (shape##_sub_sat_u, field, U, simd_clamp_i32 (x - y, 0, U_MAX))            \
  INT_BINARY (shape##_avgr_u, field, U, (x + y + 1) >> 1)

INT_SHAPE_SMALL (i8x16, u8, int8_t, uint8_t, INT8_MIN, INT8_MAX, UINT8_MAX)
INT_SHAPE_SMALL (i16x8, u16, int16_t, uint16_t, INT16_MIN, INT16_MAX, UINT16_MAX)

INT_BINARY (i16x8_mul, u16, uint16_t, (uint32_t) x * y)
INT_BINARY (i32x4_mul, u32, uint32_t, x * y)
INT_BINARY (i64x2_mul, u64, uint64_t, x * y)
INT_UNARY (i8x16_popcnt, u8, uint8_t, __builtin_popcount (x))

/* Round-to-nearest Q15 multiply: (x*y + 2^14) >> 15; only -1.0 * -1.0 overflows. */
INT_BINARY (i16x8_q15mulr_sat_s, u16, int16_t,
            simd_clamp_i32 ((x * y + 0x4000) >> 15, INT16_MIN, INT16_MAX))

/* ---- Widening arithmetic --------------------------------------------------------------- */

/* out[i] = a[i + first] * b[i + first], operands widened from the narrow lanes to type W. */
#define INT_EXTMUL(c_name, wide, narrow, N, W, first)                                   \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (wide); i++)                                      \
      r.wide[i] = (W) (N) a->narrow[i + first] * (W) (N) b->narrow[i + first];          \
    *out = r;                                                                           \
  }

INT_EXTMUL (i16x8_extmul_low_i8x16_s, u16, u8, int8_t, int32_t, 0)
INT_EXTMUL (i16x8_extmul_high_i8x16_s, u16, u8, int8_t, int32_t, 8)
INT_EXTMUL (i16x8_extmul_low_i8x16_u, u16, u8, uint8_t, uint32_t, 0)
INT_EXTMUL (i16x8_extmul_high_i8x16_u, u16, u8, uint8_t, uint32_t, 8)
INT_EXTMUL (i32x4_extmul_low_i16x8_s, u32, u16, int16_t, int32_t, 0)
INT_EXTMUL (i32x4_extmul_high_i16x8_s, u32, u16, int16_t, int32_t, 4)
INT_EXTMUL (i32x4_extmul_low_i16x8_u, u32, u16, uint16_t, uint32_t, 0)
INT_EXTMUL (i32x4_extmul_high_i16x8_u, u32, u16, uint16_t, uint32_t, 4)
INT_EXTMUL (i64x2_extmul_low_i32x4_s, u64, u32, int32_t, int64_t, 0)
INT_EXTMUL (i64x2_extmul_high_i32x4_s, u64, u32, int32_t, int64_t, 2)
INT_EXTMUL (i64x2_extmul_low_i32x4_u, u64, u32, uint32_t, uint64_t, 0)
INT_EXTMUL (i64x2_extmul_high_i32x4_u, u64, u32, uint32_t, uint64_t, 2)

/* out[i] = a[2i] + a[2i+1], the narrow lanes read as type N. */
#define INT_EXTADD_PAIRWISE(c_name, wide, narrow, N)                                    \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (wide); i++)                                      \
      r.wide[i] = (int32_t) (N) a->narrow[2 * i] + (N) a->narrow[2 * i + 1];            \
    *out = r;                                                                           \
  }

INT_EXTADD_PAIRWISE (i16x8_extadd_pairwise_i8x16_s, u16, u8, int8_t)
INT_EXTADD_PAIRWISE (i16x8_extadd_pairwise_i8x16_u, u16, u8, uint8_t)
INT_EXTADD_PAIRWISE (i32x4_extadd_pairwise_i16x8_s, u32, u16, int16_t)
INT_EXTADD_PAIRWISE (i32x4_extadd_pairwise_i16x8_u, u32, u16, uint16_t)

/* Each product fits in i32; only the sum of two (-2^15)^2 wraps, as the spec's iadd does. */
SIMD_OP_DEFINE (i32x4_dot_i16x8_s)
{
  wasm_v128 r;
  for (size_t i = 0; i < 4; i++)
    {
      int32_t lo = (int16_t) a->u16[2 * i] * (int16_t) b->u16[2 * i];
      int32_t hi = (int16_t) a->u16[2 * i + 1] * (int16_t) b->u16[2 * i + 1];
      r.u32[i] = (uint32_t) lo + (uint32_t) hi;
    }
  *out = r;
}
