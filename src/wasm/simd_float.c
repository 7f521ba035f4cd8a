/* Float lane arithmetic: add/sub/mul/div/sqrt, min/max, pmin/pmax, abs/neg, ceil/floor/
 * trunc/nearest and compares.
 *
 * NaNs: the C operators and sqrt are IEEE 754 operations, which return a quiet NaN that
 * either propagates an input NaN (quiet bit set) or is the default NaN; both satisfy the
 * spec's nan:canonical / nan:arithmetic results. The rounding functions need help (see
 * ROUND_QUIET). abs and neg touch only the sign bit, as the spec requires, so they keep NaN
 * payloads. This relies on the host evaluating float and double at their own precision
 * (SSE on x86-64, not x87). */
#include <math.h>
#include <stddef.h>

#include "wasm/simd_ops.h"

/* out[i] = expr, with x = a[i] and y = b[i] read as floating type FT from the lane array
 * `field` of the same width. */
#define FLOAT_BINARY(c_name, field, FT, expr)                                           \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        FT x, y;                                                                        \
        memcpy (&x, &a->field[i], sizeof x);                                            \
        memcpy (&y, &b->field[i], sizeof y);                                            \
        FT z = (expr);                                                                  \
        memcpy (&r.field[i], &z, sizeof z);                                             \
      }                                                                                 \
    *out = r;                                                                           \
  }

#define FLOAT_UNARY(c_name, field, FT, expr)                                            \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        FT x;                                                                           \
        memcpy (&x, &a->field[i], sizeof x);                                            \
        FT z = (expr);                                                                  \
        memcpy (&r.field[i], &z, sizeof z);                                             \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* A true compare gives an all-ones lane (see INT_COMPARE in simd_int.c). */
#define FLOAT_COMPARE(c_name, field, FT, cond)                                          \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        FT x, y;                                                                        \
        memcpy (&x, &a->field[i], sizeof x);                                            \
        memcpy (&y, &b->field[i], sizeof y);                                            \
        r.field[i] = -(uint64_t) (cond);                                                \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* abs and neg as sign-bit operations on the raw lane bits. */
#define SIGN_BIT_UNARY(c_name, field, expr)                                             \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      {                                                                                 \
        __typeof__ (a->field[0]) x = a->field[i];                                       \
        r.field[i] = (expr);                                                            \
      }                                                                                 \
    *out = r;                                                                           \
  }

/* Wasm's min/max: any NaN operand gives a NaN (x + y yields a quiet one from the inputs),
 * and -0 counts as less than +0, which C's comparisons do not see; for equal operands the
 * bitwise or (min) / and (max) picks the zero with the right sign. */
static inline float f32_min (float x, float y)
{
  if (isnan (x) || isnan (y))
    return x + y;
  if (x == y)
    return simd_f32_from_bits (simd_f32_to_bits (x) | simd_f32_to_bits (y));
  return x < y ? x : y;
}

static inline float f32_max (float x, float y)
{
  if (isnan (x) || isnan (y))
    return x + y;
  if (x == y)
    return simd_f32_from_bits (simd_f32_to_bits (x) & simd_f32_to_bits (y));
  return x > y ? x : y;
}

static inline double f64_min (double x, double y)
{
  if (isnan (x) || isnan (y))
    return x + y;
  if (x == y)
    return simd_f64_from_bits (simd_f64_to_bits (x) | simd_f64_to_bits (y));
  return x < y ? x : y;
}

static inline double f64_max (double x, double y)
{
  if (isnan (x) || isnan (y))
    return x + y;
  if (x == y)
    return simd_f64_from_bits (simd_f64_to_bits (x) & simd_f64_to_bits (y));
  return x > y ? x : y;
}

/* glibc's ceil/floor/trunc hand a signaling NaN back unchanged; Wasm wants a quiet one,
 * which the NaN + NaN addition gives. */
#define ROUND_QUIET(round, x) (isnan (x) ? (x) + (x) : round (x))

/* Everything but min/max has the same shape for f32x4 and f64x2. ROUND_EVEN is the
 * ties-to-even rounding (nearbyint in the default rounding mode). */
#define FLOAT_SHAPE(shape, field, FT, SIGN_BIT, CEIL, FLOOR, TRUNC, ROUND_EVEN, SQRT)   \
  FLOAT_BINARY (shape##_add, field, FT, x + y)                                          \
  FLOAT_BINARY (shape##_sub, field, FT, x - y)                                          \
  FLOAT_BINARY (shape##_mul, field, FT, x * y)                                          \
  FLOAT_BINARY (shape##_div, field, FT, x / y)                                          \
  /* The pseudo-min/max are plain selects: a NaN in x (or both) gives x. */             \
  FLOAT_BINARY (shape##_pmin, field, FT, y < x ? y : x)                                 \
  FLOAT_BINARY (shape##_pmax, field, FT, x < y ? y : x)                                 \
  FLOAT_UNARY (shape##_sqrt, field, FT, SQRT (x))                                       \
  FLOAT_UNARY (shape##_ceil, field, FT, ROUND_QUIET (CEIL, x))                          \
  FLOAT_UNARY (shape##_floor, field, FT, ROUND_QUIET (FLOOR, x))                        \
  FLOAT_UNARY (shape##_trunc, field, FT, ROUND_QUIET (TRUNC, x))                        \
  FLOAT_UNARY (shape##_nearest, field, FT, ROUND_QUIET (ROUND_EVEN, x))                 \
  SIGN_BIT_UNARY (shape##_abs, field, x & ~SIGN_BIT)                                    \
  SIGN_BIT_UNARY (shape##_neg, field, x ^ SIGN_BIT)                                     \
  FLOAT_COMPARE (shape##_eq, field, FT, x == y)                                         \
  FLOAT_COMPARE (shape##_ne, field, FT, x != y)                                         \
  FLOAT_COMPARE (shape##_lt, field, FT, x < y)                                          \
  FLOAT_COMPARE (shape##_gt, field, FT, x > y)                                          \
  FLOAT_COMPARE (shape##_le, field, FT, x <= y)                                         \
  FLOAT_COMPARE (shape##_ge, field, FT, x >= y)

FLOAT_SHAPE (f32x4, u32, float, UINT32_C (0x80000000), ceilf, floorf, truncf, nearbyintf, sqrtf)
FLOAT_SHAPE (f64x2, u64, double, UINT64_C (0x8000000000000000), ceil, floor, trunc, nearbyint, sqrt)

FLOAT_BINARY (f32x4_min, u32, float, f32_min (x, y))
FLOAT_BINARY (f32x4_max, u32, float, f32_max (x, y))
FLOAT_BINARY (f64x2_min, u64, double, f64_min (x, y))
FLOAT_BINARY (f64x2_max, u64, double, f64_max (x, y))
