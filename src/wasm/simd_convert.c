/* Ops that change lane type or width: integer narrow (saturating) and extend, float <->
 * integer conversions (trunc_sat, convert), f32x4.demote_f64x2_zero and
 * f64x2.promote_low_f32x4. */
#include <math.h>
#include <stddef.h>

#include "wasm/simd_ops.h"

/* Lanes 0..n/2-1 come from a, the rest from b; each signed wide lane saturates to
 * [lo, hi]. */
#define NARROW(c_name, narrow, wide, S, lo, hi)                                         \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    const size_t half = SIMD_LANES (wide);                                              \
    for (size_t i = 0; i < half; i++)                                                   \
      {                                                                                 \
        r.narrow[i] = simd_clamp_i32 ((S) a->wide[i], lo, hi);                          \
        r.narrow[half + i] = simd_clamp_i32 ((S) b->wide[i], lo, hi);                   \
      }                                                                                 \
    *out = r;                                                                           \
  }

NARROW (i8x16_narrow_i16x8_s, u8, u16, int16_t, INT8_MIN, INT8_MAX)
NARROW (i8x16_narrow_i16x8_u, u8, u16, int16_t, 0, UINT8_MAX)
NARROW (i16x8_narrow_i32x4_s, u16, u32, int32_t, INT16_MIN, INT16_MAX)
NARROW (i16x8_narrow_i32x4_u, u16, u32, int32_t, 0, UINT16_MAX)

/* out[i] = a[i + first], extended from type T (signed: by sign, unsigned: by zero). */
#define EXTEND(c_name, wide, narrow, T, first)                                          \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (wide); i++)                                      \
      r.wide[i] = (T) a->narrow[i + first];                                             \
    *out = r;                                                                           \
  }

EXTEND (i16x8_extend_low_i8x16_s, u16, u8, int8_t, 0)
EXTEND (i16x8_extend_high_i8x16_s, u16, u8, int8_t, 8)
EXTEND (i16x8_extend_low_i8x16_u, u16, u8, uint8_t, 0)
EXTEND (i16x8_extend_high_i8x16_u, u16, u8, uint8_t, 8)
EXTEND (i32x4_extend_low_i16x8_s, u32, u16, int16_t, 0)
EXTEND (i32x4_extend_high_i16x8_s, u32, u16, int16_t, 4)
EXTEND (i32x4_extend_low_i16x8_u, u32, u16, uint16_t, 0)
EXTEND (i32x4_extend_high_i16x8_u, u32, u16, uint16_t, 4)
EXTEND (i64x2_extend_low_i32x4_s, u64, u32, int32_t, 0)
EXTEND (i64x2_extend_high_i32x4_s, u64, u32, int32_t, 2)
EXTEND (i64x2_extend_low_i32x4_u, u64, u32, uint32_t, 0)
EXTEND (i64x2_extend_high_i32x4_u, u64, u32, uint32_t, 2)

/* trunc_sat: NaN gives 0, out-of-range values saturate, the rest truncate toward zero. The
 * bounds are tested in double, which holds both them and every f32 exactly, so the C cast
 * only ever sees values whose integer part fits (a cast out of range would be UB). */
static inline uint32_t trunc_sat_s32 (double x)
{
  if (isnan (x))
    return 0;
  if (x <= -2147483649.0)
    return (uint32_t) INT32_MIN;
  if (x >= 2147483648.0)
    return INT32_MAX;
  return (uint32_t) (int32_t) x;
}

static inline uint32_t trunc_sat_u32 (double x)
{
  if (isnan (x) || x <= -1.0)
    return 0;
  if (x >= 4294967296.0)
    return UINT32_MAX;
  return (uint32_t) x;
}

SIMD_OP_DEFINE (i32x4_trunc_sat_f32x4_s)
{
  wasm_v128 r;
  for (size_t i = 0; i < 4; i++)
    r.u32[i] = trunc_sat_s32 (simd_f32_from_bits (a->u32[i]));
  *out = r;
}

SIMD_OP_DEFINE (i32x4_trunc_sat_f32x4_u)
{
  wasm_v128 r;
  for (size_t i = 0; i < 4; i++)
    r.u32[i] = trunc_sat_u32 (simd_f32_from_bits (a->u32[i]));
  *out = r;
}

/* The two f64 lanes convert into lanes 0 and 1; lanes 2 and 3 are zero. */
SIMD_OP_DEFINE (i32x4_trunc_sat_f64x2_s_zero)
{
  wasm_v128 r = { 0 };
  for (size_t i = 0; i < 2; i++)
    r.u32[i] = trunc_sat_s32 (simd_f64_from_bits (a->u64[i]));
  *out = r;
}

SIMD_OP_DEFINE (i32x4_trunc_sat_f64x2_u_zero)
{
  wasm_v128 r = { 0 };
  for (size_t i = 0; i < 2; i++)
    r.u32[i] = trunc_sat_u32 (simd_f64_from_bits (a->u64[i]));
  *out = r;
}

/* C's integer-to-float conversions round to nearest, ties to even, as the spec's convert. */
SIMD_OP_DEFINE (f32x4_convert_i32x4_s)
{
  wasm_v128 r;
  for (size_t i = 0; i < 4; i++)
    r.u32[i] = simd_f32_to_bits ((float) (int32_t) a->u32[i]);
  *out = r;
}

SIMD_OP_DEFINE (f32x4_convert_i32x4_u)
{
  wasm_v128 r;
  for (size_t i = 0; i < 4; i++)
    r.u32[i] = simd_f32_to_bits ((float) a->u32[i]);
  *out = r;
}

/* Lanes 0 and 1 of a convert exactly: every i32 and u32 is a double. */
SIMD_OP_DEFINE (f64x2_convert_low_i32x4_s)
{
  wasm_v128 r;
  for (size_t i = 0; i < 2; i++)
    r.u64[i] = simd_f64_to_bits ((double) (int32_t) a->u32[i]);
  *out = r;
}

SIMD_OP_DEFINE (f64x2_convert_low_i32x4_u)
{
  wasm_v128 r;
  for (size_t i = 0; i < 2; i++)
    r.u64[i] = simd_f64_to_bits ((double) a->u32[i]);
  *out = r;
}

/* IEEE narrowing: rounds to nearest even, overflows to infinity, and turns a NaN into a
 * quiet NaN. Lanes 2 and 3 are zero. */
SIMD_OP_DEFINE (f32x4_demote_f64x2_zero)
{
  wasm_v128 r = { 0 };
  for (size_t i = 0; i < 2; i++)
    r.u32[i] = simd_f32_to_bits ((float) simd_f64_from_bits (a->u64[i]));
  *out = r;
}

SIMD_OP_DEFINE (f64x2_promote_low_f32x4)
{
  wasm_v128 r;
  for (size_t i = 0; i < 2; i++)
    r.u64[i] = simd_f64_to_bits ((double) simd_f32_from_bits (a->u32[i]));
  *out = r;
}
