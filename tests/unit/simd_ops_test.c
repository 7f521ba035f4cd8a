/* Op semantics the spec suite checks thinly or not at all, with expectations worked out by
 * hand from the spec's definitions: bitmask per shape, the extreme cases of q15mulr_sat_s
 * and dot, lane immediates at the top lane, memory-op lane work, scalar results zeroing
 * the rest of the slot; and, as properties of every op, results written over an operand's
 * slot and scalar operands read only in their own bytes. */
#include <string.h>

#include "wasm/simd.h"
#include "tap.h"

static wasm_v128 apply (uint32_t opcode, const wasm_v128 *a, const wasm_v128 *b,
                        const wasm_v128 *c, const uint8_t *imm)
{
  wasm_v128 out;
  memset (&out, 0xa5, sizeof out); /* garbage the op must overwrite */
  simd_opinfo_get (opcode)->fn (&out, a, b, c, imm);
  return out;
}

static int same (wasm_v128 x, wasm_v128 y)
{
  return memcmp (&x, &y, sizeof x) == 0;
}

/* Every op gives the same result when `out` is one of its operand slots (the engine may
 * pass the same slot for both). Operands are arbitrary bits, the immediate a valid one. */
static int all_ops_alias_safe (void)
{
  uint64_t state = 0x9e3779b97f4a7c15;
  int ok = 1;
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info || !info->fn)
        continue;
      wasm_v128 operands[3];
      uint8_t imm[16];
      for (int round = 0; round < 8; round++)
        {
          for (int i = 0; i < 6; i++)
            {
              state ^= state << 13, state ^= state >> 7, state ^= state << 17;
              operands[i / 2].u64[i % 2] = state;
            }
          for (int i = 0; i < 16; i++)
            imm[i] = (operands[0].u8[i] ^ operands[2].u8[i]) % (info->lanes ? info->lanes : 32);
          wasm_v128 want;
          info->fn (&want, &operands[0], &operands[1], &operands[2], imm);
          for (int k = 0; k < 3; k++)
            {
              wasm_v128 copy[3] = { operands[0], operands[1], operands[2] };
              info->fn (&copy[k], &copy[0], &copy[1], &copy[2], imm);
              if (!same (copy[k], want))
                {
                  printf ("# %s differs when out is operand %d\n", info->name, k);
                  ok = 0;
                }
            }
        }
    }
  return ok;
}

/* Every op reads a scalar operand only in the scalar's own bytes: garbage above it in the
 * slot changes nothing. */
static int scalar_operands_read_narrowly (void)
{
  int ok = 1;
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info || !info->fn || info->mem_bytes)
        continue;
      wasm_v128 clean[3], dirty[3];
      uint8_t imm[16] = { 0 };
      for (int k = 0; k < 3; k++)
        for (int i = 0; i < 16; i++)
          clean[k].u8[i] = dirty[k].u8[i] = (uint8_t) (37 * (op + 16 * k + i) + 11);
      for (int k = 0; k < info->nparams; k++)
        {
          int size = info->params[k] == WASM_I32 || info->params[k] == WASM_F32 ? 4
                     : info->params[k] == WASM_V128 ? 16 : 8;
          for (int i = size; i < 16; i++)
            clean[k].u8[i] = 0, dirty[k].u8[i] = 0xa5;
        }
      wasm_v128 want, got;
      info->fn (&want, &clean[0], &clean[1], &clean[2], imm);
      info->fn (&got, &dirty[0], &dirty[1], &dirty[2], imm);
      if (!same (want, got))
        {
          printf ("# %s reads past a scalar operand\n", info->name);
          ok = 0;
        }
    }
  return ok;
}

int main (void)
{
  /* bitmask: bit i is the top bit of lane i; the rest of the slot is zero. */
  wasm_v128 v = { 0 };
  for (int i = 0; i < 16; i += 2)
    v.u8[i] = 0x80 | i;
  v.u8[3] = 0x7f;
  tap_ok (same (apply (0x64, &v, NULL, NULL, NULL), (wasm_v128) { .u32 = { 0x5555 } }),
          "i8x16.bitmask of lanes with the sign bit at even lanes is 0x5555");
  v = (wasm_v128) { .u16 = { 0x8000, 1, 0x7fff, 0, 0, 0, 0xffff, 0xfffe } };
  tap_ok (same (apply (0x84, &v, NULL, NULL, NULL), (wasm_v128) { .u32 = { 0xc1 } }),
          "i16x8.bitmask is 0xc1");
  v = (wasm_v128) { .u32 = { 0x80000000, 1, 0xffffffff, 0x7fffffff } };
  tap_ok (same (apply (0xa4, &v, NULL, NULL, NULL), (wasm_v128) { .u32 = { 5 } }),
          "i32x4.bitmask is 5");
  v = (wasm_v128) { .u64 = { 0x7fffffffffffffff, 0x8000000000000000 } };
  tap_ok (same (apply (0xc4, &v, NULL, NULL, NULL), (wasm_v128) { .u32 = { 2 } }),
          "i64x2.bitmask is 2");

  /* q15mulr_sat_s: (x*y + 0x4000) >> 15, saturated: -1.0 * -1.0 does not fit. */
  wasm_v128 x = { .u16 = { 0x8000, 0x8000, 0x4000, 0xc000, 1, 0x7fff, 0x8000, 0 } };
  wasm_v128 y = { .u16 = { 0x8000, 0x7fff, 0x4000, 0x4000, 0x4000, 0x7fff, 1, 0 } };
  tap_ok (same (apply (0x82, &x, &y, NULL, NULL),
                (wasm_v128) { .u16 = { 0x7fff, 0x8001, 0x2000, 0xe000, 1, 0x7ffe, 0xffff, 0 } }),
          "i16x8.q15mulr_sat_s saturates only -1.0 * -1.0 and rounds half up");

  /* dot: only (-2^15)^2 + (-2^15)^2 = 2^31 wraps, to INT32_MIN. */
  x = (wasm_v128) { .u16 = { 0x8000, 0x8000, 0x7fff, 0x7fff, 0xffff, 2, 3, 0xfffd } };
  y = x;
  tap_ok (same (apply (0xba, &x, &y, NULL, NULL),
                (wasm_v128) { .u32 = { 0x80000000, 0x7ffe0002, 5, 18 } }),
          "i32x4.dot_i16x8_s wraps the one overflowing sum");

  tap_ok (all_ops_alias_safe (), "every op may write over any of its operands' slots");
  tap_ok (scalar_operands_read_narrowly (), "scalar operands are read only in their own bytes");

  /* Shuffle and binary ops writing over an operand's slot. */
  uint8_t reverse[16];
  wasm_v128 s, t;
  for (int i = 0; i < 16; i++)
    {
      s.u8[i] = i;
      t.u8[i] = 16 + i;
      reverse[i] = 31 - 2 * i;
    }
  wasm_v128 want;
  for (int i = 0; i < 16; i++)
    want.u8[i] = 31 - 2 * i;
  simd_opinfo_get (0x0d)->fn (&s, &s, &t, NULL, reverse);
  tap_ok (same (s, want), "i8x16.shuffle may write over its first operand");
  x = (wasm_v128) { .u32 = { 1, 2, 3, 4 } };
  y = (wasm_v128) { .u32 = { 10, 20, 30, 40 } };
  simd_opinfo_get (0xae)->fn (&y, &x, &y, NULL, NULL);
  tap_ok (same (y, (wasm_v128) { .u32 = { 11, 22, 33, 44 } }),
          "i32x4.add may write over its second operand");
  wasm_v128 mask = { .u64 = { 0x00000000ffffffff, 0xff00ff00ff00ff00 } };
  x = (wasm_v128) { .u64 = { 0x1111111111111111, 0x2222222222222222 } };
  y = (wasm_v128) { .u64 = { 0x3333333333333333, 0x4444444444444444 } };
  simd_opinfo_get (0x52)->fn (&mask, &x, &y, &mask, NULL);
  tap_ok (same (mask, (wasm_v128) { .u64 = { 0x3333333311111111, 0x2244224422442244 } }),
          "v128.bitselect may write over its mask");

  /* Lane ops at the top lane, scalar results zero-extended in the slot. */
  v = (wasm_v128) { .u64 = { 0x0706050403020100, 0x8f0e0d0c0b0a0908 } };
  uint8_t lane = 15;
  tap_ok (same (apply (0x15, &v, NULL, NULL, &lane), (wasm_v128) { .u32 = { 0xffffff8f } }),
          "i8x16.extract_lane_s 15 sign-extends into an i32, rest zero");
  tap_ok (same (apply (0x16, &v, NULL, NULL, &lane), (wasm_v128) { .u32 = { 0x8f } }),
          "i8x16.extract_lane_u 15 zero-extends");
  lane = 1;
  tap_ok (same (apply (0x1d, &v, NULL, NULL, &lane), (wasm_v128) { .u64 = { 0x8f0e0d0c0b0a0908 } }),
          "i64x2.extract_lane 1");
  wasm_v128 scalar = { .u64 = { 0xdeadbeefcafef00d } };
  lane = 7;
  tap_ok (same (apply (0x1a, &v, &scalar, NULL, &lane),
                (wasm_v128) { .u64 = { 0x0706050403020100, 0xf00d0d0c0b0a0908 } }),
          "i16x8.replace_lane 7 takes the scalar's low 16 bits");

  /* Memory ops: loaded bytes arrive in b; store_lane leaves its bytes low in out. */
  wasm_v128 bytes = { .u64 = { 0x00000000000080ff } };
  tap_ok (same (apply (0x01, NULL, &bytes, NULL, NULL),
                (wasm_v128) { .u16 = { 0xffff, 0xff80, 0, 0, 0, 0, 0, 0 } }),
          "v128.load8x8_s sign-extends each byte");
  bytes = (wasm_v128) { .u64 = { 0x00000000cafef00d } };
  lane = 3;
  tap_ok (same (apply (0x56, &v, &bytes, NULL, &lane),
                (wasm_v128) { .u64 = { 0x0706050403020100, 0xcafef00d0b0a0908 } }),
          "v128.load32_lane 3 replaces the top i32 lane");
  tap_ok (same (apply (0x5a, &v, NULL, NULL, &lane), (wasm_v128) { .u32 = { 0x8f0e0d0c } }),
          "v128.store32_lane 3 puts the lane's bytes low, rest zero");
  bytes = (wasm_v128) { .u32 = { 0x12345678 } };
  tap_ok (same (apply (0x09, NULL, &bytes, NULL, NULL),
                (wasm_v128) { .u32 = { 0x12345678, 0x12345678, 0x12345678, 0x12345678 } }),
          "v128.load32_splat");

  /* Float corner cases by bit pattern: min/max order -0 below +0, pmin/pmax keep the first
   * operand when unordered, nearest ties to even. */
  x = (wasm_v128) { .u32 = { 0x80000000, 0x00000000, 0x7fc00000, 0x3f800000 } };
  y = (wasm_v128) { .u32 = { 0x00000000, 0x80000000, 0x3f800000, 0x7fc00001 } };
  wasm_v128 r = apply (0xe8, &x, &y, NULL, NULL);
  tap_ok (r.u32[0] == 0x80000000 && r.u32[1] == 0x80000000 && (r.u32[2] & 0x7fc00000) == 0x7fc00000
          && (r.u32[3] & 0x7fc00000) == 0x7fc00000, "f32x4.min: -0 < +0, NaN in either gives NaN");
  r = apply (0xe9, &x, &y, NULL, NULL);
  tap_ok (r.u32[0] == 0 && r.u32[1] == 0, "f32x4.max: +0 > -0");
  tap_ok (same (apply (0xea, &x, &y, NULL, NULL),
                (wasm_v128) { .u32 = { 0x80000000, 0x00000000, 0x7fc00000, 0x3f800000 } }),
          "f32x4.pmin keeps a when not b < a");
  /* 2.5 1.5 -0.5 3.5 */
  v = (wasm_v128) { .u32 = { 0x40200000, 0x3fc00000, 0xbf000000, 0x40600000 } };
  tap_ok (same (apply (0x6a, &v, NULL, NULL, NULL),
                (wasm_v128) { .u32 = { 0x40000000, 0x40000000, 0x80000000, 0x40800000 } }),
          "f32x4.nearest rounds ties to even, keeps the sign of zero");
  return tap_done ();
}
