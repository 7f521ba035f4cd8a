/* The lane work of SIMD loads and stores. The engine checks the address and moves the bytes
 * (see simd.h): a load's bytes arrive in the low bytes of b, a lane op's vector in a, and a
 * store_lane leaves the bytes to store in the low bytes of out. */
#include "wasm/simd_ops.h"

SIMD_OP_DEFINE (v128_load)
{
  *out = *b;
}

/* load8x8_s and friends: each loaded narrow lane extends (by sign or zero) to double width. */
#define LOAD_EXTEND(c_name, wide, narrow, T)                                            \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (wide); i++)                                      \
      r.wide[i] = (T) b->narrow[i];                                                     \
    *out = r;                                                                           \
  }

LOAD_EXTEND (v128_load8x8_s, u16, u8, int8_t)
LOAD_EXTEND (v128_load8x8_u, u16, u8, uint8_t)
LOAD_EXTEND (v128_load16x4_s, u32, u16, int16_t)
LOAD_EXTEND (v128_load16x4_u, u32, u16, uint16_t)
LOAD_EXTEND (v128_load32x2_s, u64, u32, int32_t)
LOAD_EXTEND (v128_load32x2_u, u64, u32, uint32_t)

#define LOAD_SPLAT(c_name, field)                                                       \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r;                                                                        \
    for (size_t i = 0; i < SIMD_LANES (field); i++)                                     \
      r.field[i] = b->field[0];                                                         \
    *out = r;                                                                           \
  }

LOAD_SPLAT (v128_load8_splat, u8)
LOAD_SPLAT (v128_load16_splat, u16)
LOAD_SPLAT (v128_load32_splat, u32)
LOAD_SPLAT (v128_load64_splat, u64)

SIMD_OP_DEFINE (v128_load32_zero)
{
  *out = simd_scalar32 (b->u32[0]);
}

SIMD_OP_DEFINE (v128_load64_zero)
{
  *out = simd_scalar64 (b->u64[0]);
}

/* a with the lane at the immediate replaced by the loaded bytes. */
#define LOAD_LANE(c_name, field)                                                        \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r = *a;                                                                   \
    r.field[SIMD_LANE_INDEX (field)] = b->field[0];                                     \
    *out = r;                                                                           \
  }

LOAD_LANE (v128_load8_lane, u8)
LOAD_LANE (v128_load16_lane, u16)
LOAD_LANE (v128_load32_lane, u32)
LOAD_LANE (v128_load64_lane, u64)

/* The lane at the immediate, in out's low bytes for the engine to store. */
#define STORE_LANE(c_name, field)                                                       \
  SIMD_OP_DEFINE (c_name)                                                               \
  {                                                                                     \
    wasm_v128 r = { 0 };                                                                \
    r.field[0] = a->field[SIMD_LANE_INDEX (field)];                                     \
    *out = r;                                                                           \
  }

STORE_LANE (v128_store8_lane, u8)
STORE_LANE (v128_store16_lane, u16)
STORE_LANE (v128_store32_lane, u32)
STORE_LANE (v128_store64_lane, u64)
