/* The SIMD op functions (one per simd_ops.def entry, named simd_<c name>) and the small
 * helpers their implementation files share. Internal to the engine; see simd.h for the
 * calling convention.
 *
 * Lanes are the elements of wasm_v128's arrays, which match Wasm's little-endian lane order
 * only on a little-endian host. Every op writes its result through a local copy, so `out`
 * may be the same slot as an operand; a scalar operand's slot is read only in the scalar's
 * own bytes. */
#ifndef RUNWASM_WASM_SIMD_OPS_H
#define RUNWASM_WASM_SIMD_OPS_H

#include <float.h>
#include <stdint.h>
#include <string.h>

#include "wasm/simd.h"

_Static_assert (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
                "wasm_v128 lane arrays follow Wasm lane order only on little-endian hosts");

/* Float lanes are computed with C float and double operations, which match Wasm only when
 * they are IEEE operations at their own precision. */
_Static_assert (FLT_EVAL_METHOD == 0, "float math must not use excess precision (x87)");
#ifdef __FAST_MATH__
#error "Wasm float semantics (NaNs, signed zeros, rounding) need IEEE math: no -ffast-math"
#endif

#define SIMD_OP_DEFINE(c_name)                                                          \
  void simd_##c_name (wasm_v128 *out, const wasm_v128 *a, const wasm_v128 *b,           \
                      const wasm_v128 *c, const uint8_t *imm)

#define SIMD_OP(opcode, text, c_name, imm_kind, sig, nlanes, bytes) SIMD_OP_DEFINE (c_name);
#define SIMD_OP_NO_FN(opcode, text, imm_kind, sig, nlanes, bytes)
#include "wasm/simd_ops.def"
#undef SIMD_OP
#undef SIMD_OP_NO_FN

/* Number of lanes in one of wasm_v128's arrays, e.g. SIMD_LANES (u16) == 8. */
#define SIMD_LANES(field) (sizeof ((wasm_v128 *) 0)->field / sizeof ((wasm_v128 *) 0)->field[0])

/* The lane immediate of a lane op. Validation guarantees it is in range; masking it anyway
 * keeps a bad immediate from reaching outside the vector. */
#define SIMD_LANE_INDEX(field) (imm[0] & (SIMD_LANES (field) - 1))

/* A result that is a scalar (i32/i64/f32/f64 bits): low bytes, the rest zero. */
static inline wasm_v128 simd_scalar32 (uint32_t bits)
{
  return (wasm_v128) { .u32 = { bits } };
}

static inline wasm_v128 simd_scalar64 (uint64_t bits)
{
  return (wasm_v128) { .u64 = { bits } };
}

/* Saturation for the narrow and saturating ops, computed exactly in int32. */
static inline int32_t simd_clamp_i32 (int32_t v, int32_t lo, int32_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Float lanes travel as bit patterns; memcpy is the aliasing-safe way to reinterpret them. */
static inline float simd_f32_from_bits (uint32_t bits)
{
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

static inline uint32_t simd_f32_to_bits (float f)
{
  uint32_t bits;
  memcpy (&bits, &f, sizeof bits);
  return bits;
}

static inline double simd_f64_from_bits (uint64_t bits)
{
  double d;
  memcpy (&d, &bits, sizeof d);
  return d;
}

static inline uint64_t simd_f64_to_bits (double d)
{
  uint64_t bits;
  memcpy (&bits, &d, sizeof bits);
  return bits;
}

#endif
