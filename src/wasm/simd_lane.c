/* Ops that move lanes without arithmetic: v128.const, shuffle, swizzle, splat,
 * extract_lane and replace_lane. */
#include "wasm/simd_ops.h"

SIMD_OP_DEFINE (v128_const)
{
  memcpy (out, imm, sizeof *out);
}

/* Lane i of the result is byte imm[i] of the 32-byte concatenation a:b. */
SIMD_OP_DEFINE (i8x16_shuffle)
{
  wasm_v128 r;
  for (int i = 0; i < 16; i++)
    {
      unsigned sel = imm[i] & 31;
      r.u8[i] = sel < 16 ? a->u8[sel] : b->u8[sel - 16];
    }
  *out = r;
}

/* Lane i of the result is a's byte b[i], or 0 when that index is out of range. */
SIMD_OP_DEFINE (i8x16_swizzle)
{
  wasm_v128 r;
  for (int i = 0; i < 16; i++)
    r.u8[i] = b->u8[i] < 16 ? a->u8[b->u8[i]] : 0;
  *out = r;
}

/* The scalar operand sits in a's low bytes; its low lane-width bits fill every lane. */
#define SPLAT(c_name, field)                                                            \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      r.field[i] = a->field[0];                                                         \
    *out = r;                                                                           \
  }

SPLAT (i8x16_splat, u8)
SPLAT (i16x8_splat, u16)
SPLAT (i32x4_splat, u32)
SPLAT (i64x2_splat, u64)
SPLAT (f32x4_splat, u32)
SPLAT (f64x2_splat, u64)

/* Narrow lanes extend to an i32, by sign (T signed) or by zero (T unsigned). */
#define EXTRACT_LANE32(c_name, field, T)                                                \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    *out = simd_scalar32 ((uint32_t) (int32_t) (T) a->field[SIMD_LANE_INDEX (field)]);  \
  }

EXTRACT_LANE32 (i8x16_extract_lane_s, u8, int8_t)
EXTRACT_LANE32 (i8x16_extract_lane_u, u8, uint8_t)
EXTRACT_LANE32 (i16x8_extract_lane_s, u16, int16_t)
EXTRACT_LANE32 (i16x8_extract_lane_u, u16, uint16_t)
EXTRACT_LANE32 (i32x4_extract_lane, u32, uint32_t)
EXTRACT_LANE32 (f32x4_extract_lane, u32, uint32_t)

SIMD_OP_DEFINE (i64x2_extract_lane)
{
  *out = simd_scalar64 (a->u64[SIMD_LANE_INDEX (u64)]);
}

SIMD_OP_DEFINE (f64x2_extract_lane)
{
  *out = simd_scalar64 (a->u64[SIMD_LANE_INDEX (u64)]);
}

/* a with one lane replaced by the low bits of the scalar in b. */
#define REPLACE_LANE(c_name, field)                                                     \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r = *a;                                                                   \
    r.field[SIMD_LANE_INDEX (field)] = b->field[0];                                     \
    *out = r;                                                                           \
  }

REPLACE_LANE (i8x16_replace_lane, u8)
REPLACE_LANE (i16x8_replace_lane, u16)
REPLACE_LANE (i32x4_replace_lane, u32)
REPLACE_LANE (i64x2_replace_lane, u64)
REPLACE_LANE (f32x4_replace_lane, u32)
REPLACE_LANE (f64x2_replace_lane, u64)
