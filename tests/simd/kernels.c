/* SIMD kernels for the end-to-end check (tests/suites/22-simd.sh): built with
 * `clang --target=wasm32-wasi -O2 -msimd128`, run by runwasm and by V8, whose outputs must
 * agree line for line. Each line is one operation applied to every vector pair of a
 * pseudo-random data set (with float and integer edge values mixed in), hashed.
 *
 * Float results have their NaN lanes made canonical before hashing: the spec lets NaN
 * payloads differ between engines. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasm_simd128.h>

#define N 512

static v128_t va[N], vb[N], vc[N];
static uint8_t bytes[N * 16 + 16];

static uint64_t rng_state = 0x243f6a8885a308d3;

static uint64_t rng (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static const uint32_t f32_edges[] = { 0x00000000, 0x80000000, 0x3f800000, 0x7f800000,
                                      0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001,
                                      0x3fc00000, 0x40200000, 0xbf000000, 0x4f000000,
                                      0xcf000000, 0x4f800000, 0x7f7fffff, 0x4b000001 };
static const uint64_t f64_edges[] = { 0, 0x8000000000000000, 0x3ff0000000000000,
                                      0x7ff0000000000000, 0x7ff8000000000000,
                                      0x7ff4000000000000, 0x41e0000000000000,
                                      0xc1e0000000200000, 0x41f0000000000000,
                                      0x3fe0000000000000, 0x4004000000000000,
                                      0x47efffffe0000000, 0x0000000000000001 };

static v128_t random_vector (void)
{
  uint64_t half[2];
  for (int h = 0; h < 2; h++)
    switch (rng () % 4)
      {
      case 0:
        half[h] = f32_edges[rng () % 16] | (uint64_t) f32_edges[rng () % 16] << 32;
        break;
      case 1:
        half[h] = f64_edges[rng () % 13];
        break;
      case 2:
        half[h] = rng () & 0x8080808080808080 ? rng () | 0x8000800080008000 : rng () & 0x7f7f;
        break;
      default:
        half[h] = rng ();
        break;
      }
  return wasm_i64x2_make (half[0], half[1]);
}

static uint64_t hash_vector (uint64_t h, v128_t v)
{
  uint8_t b[16];
  wasm_v128_store (b, v);
  for (int i = 0; i < 16; i++)
    h = (h ^ b[i]) * 0x100000001b3;
  return h;
}

static v128_t canonical_f32 (v128_t v)
{
  return wasm_v128_bitselect (wasm_f32x4_splat (__builtin_nanf ("")), v,
                              wasm_f32x4_ne (v, v));
}

static v128_t canonical_f64 (v128_t v)
{
  return wasm_v128_bitselect (wasm_f64x2_splat (__builtin_nan ("")), v,
                              wasm_f64x2_ne (v, v));
}

#define HASH_EACH(label, expr)                                                          \
  do                                                                                    \
    {                                                                                   \
      uint64_t h = 0xcbf29ce484222325;                                                  \
      for (int i = 0; i < N; i++)                                                       \
        {                                                                               \
          v128_t a = va[i], b = vb[i], c = vc[i];                                       \
          (void) a, (void) b, (void) c;                                                 \
          h = hash_vector (h, (expr));                                                  \
        }                                                                               \
      printf ("%-36s %016llx\n", label, (unsigned long long) h);                         \
    }                                                                                   \
  while (0)

#define UNARY(op) HASH_EACH (#op, op (a))
#define BINARY(op) HASH_EACH (#op, op (a, b))
#define UNARY_F32(op) HASH_EACH (#op, canonical_f32 (op (a)))
#define BINARY_F32(op) HASH_EACH (#op, canonical_f32 (op (a, b)))
#define UNARY_F64(op) HASH_EACH (#op, canonical_f64 (op (a)))
#define BINARY_F64(op) HASH_EACH (#op, canonical_f64 (op (a, b)))
/* Scalar results: splat them so the same hash applies. */
#define TO_I32(op) HASH_EACH (#op, wasm_i32x4_splat ((int32_t) op (a)))
/* Shift counts from the data, so they exceed the lane width too. */
#define SHIFT(op) HASH_EACH (#op, op (a, wasm_u8x16_extract_lane (b, 0)))

static void integer_ops (void)
{
  BINARY (wasm_i8x16_add); BINARY (wasm_i8x16_add_sat); BINARY (wasm_u8x16_add_sat);
  BINARY (wasm_i8x16_sub); BINARY (wasm_i8x16_sub_sat); BINARY (wasm_u8x16_sub_sat);
  BINARY (wasm_i8x16_min); BINARY (wasm_u8x16_min); BINARY (wasm_i8x16_max);
  BINARY (wasm_u8x16_max); BINARY (wasm_u8x16_avgr); UNARY (wasm_i8x16_abs);
  UNARY (wasm_i8x16_neg); UNARY (wasm_i8x16_popcnt);
  BINARY (wasm_i16x8_add); BINARY (wasm_i16x8_add_sat); BINARY (wasm_u16x8_add_sat);
  BINARY (wasm_i16x8_sub); BINARY (wasm_i16x8_sub_sat); BINARY (wasm_u16x8_sub_sat);
  BINARY (wasm_i16x8_mul); BINARY (wasm_i16x8_min); BINARY (wasm_u16x8_min);
  BINARY (wasm_i16x8_max); BINARY (wasm_u16x8_max); BINARY (wasm_u16x8_avgr);
  BINARY (wasm_i16x8_q15mulr_sat); UNARY (wasm_i16x8_abs); UNARY (wasm_i16x8_neg);
  BINARY (wasm_i32x4_add); BINARY (wasm_i32x4_sub); BINARY (wasm_i32x4_mul);
  BINARY (wasm_i32x4_min); BINARY (wasm_u32x4_min); BINARY (wasm_i32x4_max);
  BINARY (wasm_u32x4_max); BINARY (wasm_i32x4_dot_i16x8); UNARY (wasm_i32x4_abs);
  UNARY (wasm_i32x4_neg);
  BINARY (wasm_i64x2_add); BINARY (wasm_i64x2_sub); BINARY (wasm_i64x2_mul);
  UNARY (wasm_i64x2_abs); UNARY (wasm_i64x2_neg);
  BINARY (wasm_i16x8_extmul_low_i8x16); BINARY (wasm_i16x8_extmul_high_i8x16);
  BINARY (wasm_u16x8_extmul_low_u8x16); BINARY (wasm_u16x8_extmul_high_u8x16);
  BINARY (wasm_i32x4_extmul_low_i16x8); BINARY (wasm_i32x4_extmul_high_i16x8);
  BINARY (wasm_u32x4_extmul_low_u16x8); BINARY (wasm_u32x4_extmul_high_u16x8);
  BINARY (wasm_i64x2_extmul_low_i32x4); BINARY (wasm_i64x2_extmul_high_i32x4);
  BINARY (wasm_u64x2_extmul_low_u32x4); BINARY (wasm_u64x2_extmul_high_u32x4);
  UNARY (wasm_i16x8_extadd_pairwise_i8x16); UNARY (wasm_u16x8_extadd_pairwise_u8x16);
  UNARY (wasm_i32x4_extadd_pairwise_i16x8); UNARY (wasm_u32x4_extadd_pairwise_u16x8);
  SHIFT (wasm_i8x16_shl); SHIFT (wasm_i8x16_shr); SHIFT (wasm_u8x16_shr);
  SHIFT (wasm_i16x8_shl); SHIFT (wasm_i16x8_shr); SHIFT (wasm_u16x8_shr);
  SHIFT (wasm_i32x4_shl); SHIFT (wasm_i32x4_shr); SHIFT (wasm_u32x4_shr);
  SHIFT (wasm_i64x2_shl); SHIFT (wasm_i64x2_shr); SHIFT (wasm_u64x2_shr);
}

static void compare_ops (void)
{
  BINARY (wasm_i8x16_eq); BINARY (wasm_i8x16_ne); BINARY (wasm_i8x16_lt);
  BINARY (wasm_u8x16_lt); BINARY (wasm_i8x16_gt); BINARY (wasm_u8x16_gt);
  BINARY (wasm_i8x16_le); BINARY (wasm_u8x16_le); BINARY (wasm_i8x16_ge);
  BINARY (wasm_u8x16_ge);
  BINARY (wasm_i16x8_eq); BINARY (wasm_i16x8_ne); BINARY (wasm_i16x8_lt);
  BINARY (wasm_u16x8_lt); BINARY (wasm_i16x8_gt); BINARY (wasm_u16x8_gt);
  BINARY (wasm_i16x8_le); BINARY (wasm_u16x8_le); BINARY (wasm_i16x8_ge);
  BINARY (wasm_u16x8_ge);
  BINARY (wasm_i32x4_eq); BINARY (wasm_i32x4_ne); BINARY (wasm_i32x4_lt);
  BINARY (wasm_u32x4_lt); BINARY (wasm_i32x4_gt); BINARY (wasm_u32x4_gt);
  BINARY (wasm_i32x4_le); BINARY (wasm_u32x4_le); BINARY (wasm_i32x4_ge);
  BINARY (wasm_u32x4_ge);
  BINARY (wasm_i64x2_eq); BINARY (wasm_i64x2_ne); BINARY (wasm_i64x2_lt);
  BINARY (wasm_i64x2_gt); BINARY (wasm_i64x2_le); BINARY (wasm_i64x2_ge);
  BINARY (wasm_f32x4_eq); BINARY (wasm_f32x4_ne); BINARY (wasm_f32x4_lt);
  BINARY (wasm_f32x4_gt); BINARY (wasm_f32x4_le); BINARY (wasm_f32x4_ge);
  BINARY (wasm_f64x2_eq); BINARY (wasm_f64x2_ne); BINARY (wasm_f64x2_lt);
  BINARY (wasm_f64x2_gt); BINARY (wasm_f64x2_le); BINARY (wasm_f64x2_ge);
  TO_I32 (wasm_v128_any_true); TO_I32 (wasm_i8x16_all_true); TO_I32 (wasm_i16x8_all_true);
  TO_I32 (wasm_i32x4_all_true); TO_I32 (wasm_i64x2_all_true); TO_I32 (wasm_i8x16_bitmask);
  TO_I32 (wasm_i16x8_bitmask); TO_I32 (wasm_i32x4_bitmask); TO_I32 (wasm_i64x2_bitmask);
}

static void float_ops (void)
{
  BINARY_F32 (wasm_f32x4_add); BINARY_F32 (wasm_f32x4_sub); BINARY_F32 (wasm_f32x4_mul);
  BINARY_F32 (wasm_f32x4_div); BINARY_F32 (wasm_f32x4_min); BINARY_F32 (wasm_f32x4_max);
  BINARY (wasm_f32x4_pmin); BINARY (wasm_f32x4_pmax); UNARY_F32 (wasm_f32x4_sqrt);
  UNARY_F32 (wasm_f32x4_ceil); UNARY_F32 (wasm_f32x4_floor); UNARY_F32 (wasm_f32x4_trunc);
  UNARY_F32 (wasm_f32x4_nearest); UNARY (wasm_f32x4_abs); UNARY (wasm_f32x4_neg);
  BINARY_F64 (wasm_f64x2_add); BINARY_F64 (wasm_f64x2_sub); BINARY_F64 (wasm_f64x2_mul);
  BINARY_F64 (wasm_f64x2_div); BINARY_F64 (wasm_f64x2_min); BINARY_F64 (wasm_f64x2_max);
  BINARY (wasm_f64x2_pmin); BINARY (wasm_f64x2_pmax); UNARY_F64 (wasm_f64x2_sqrt);
  UNARY_F64 (wasm_f64x2_ceil); UNARY_F64 (wasm_f64x2_floor); UNARY_F64 (wasm_f64x2_trunc);
  UNARY_F64 (wasm_f64x2_nearest); UNARY (wasm_f64x2_abs); UNARY (wasm_f64x2_neg);
}

static void conversion_ops (void)
{
  BINARY (wasm_i8x16_narrow_i16x8); BINARY (wasm_u8x16_narrow_i16x8);
  BINARY (wasm_i16x8_narrow_i32x4); BINARY (wasm_u16x8_narrow_i32x4);
  UNARY (wasm_i16x8_extend_low_i8x16); UNARY (wasm_i16x8_extend_high_i8x16);
  UNARY (wasm_u16x8_extend_low_u8x16); UNARY (wasm_u16x8_extend_high_u8x16);
  UNARY (wasm_i32x4_extend_low_i16x8); UNARY (wasm_i32x4_extend_high_i16x8);
  UNARY (wasm_u32x4_extend_low_u16x8); UNARY (wasm_u32x4_extend_high_u16x8);
  UNARY (wasm_i64x2_extend_low_i32x4); UNARY (wasm_i64x2_extend_high_i32x4);
  UNARY (wasm_u64x2_extend_low_u32x4); UNARY (wasm_u64x2_extend_high_u32x4);
  UNARY (wasm_i32x4_trunc_sat_f32x4); UNARY (wasm_u32x4_trunc_sat_f32x4);
  UNARY (wasm_i32x4_trunc_sat_f64x2_zero); UNARY (wasm_u32x4_trunc_sat_f64x2_zero);
  UNARY (wasm_f32x4_convert_i32x4); UNARY (wasm_f32x4_convert_u32x4);
  UNARY (wasm_f64x2_convert_low_i32x4); UNARY (wasm_f64x2_convert_low_u32x4);
  UNARY_F32 (wasm_f32x4_demote_f64x2_zero); UNARY_F64 (wasm_f64x2_promote_low_f32x4);
}

static void lane_and_bitwise_ops (void)
{
  UNARY (wasm_v128_not); BINARY (wasm_v128_and); BINARY (wasm_v128_andnot);
  BINARY (wasm_v128_or); BINARY (wasm_v128_xor);
  HASH_EACH ("wasm_v128_bitselect", wasm_v128_bitselect (a, b, c));
  HASH_EACH ("wasm_i8x16_swizzle", wasm_i8x16_swizzle (a, wasm_v128_and (b, wasm_i8x16_splat (0x1f))));
  HASH_EACH ("wasm_i8x16_shuffle", wasm_i8x16_shuffle (a, b, 31, 0, 17, 2, 19, 4, 5, 22, 8, 9,
                                                       26, 11, 28, 13, 14, 16));
  HASH_EACH ("wasm_i8x16_splat", wasm_i8x16_splat (wasm_i8x16_extract_lane (a, 15)));
  HASH_EACH ("wasm_u8x16_extract_lane", wasm_i32x4_splat (wasm_u8x16_extract_lane (a, 7)));
  HASH_EACH ("wasm_i16x8_splat", wasm_i16x8_splat (wasm_i16x8_extract_lane (a, 7)));
  HASH_EACH ("wasm_u16x8_extract_lane", wasm_i32x4_splat (wasm_u16x8_extract_lane (a, 3)));
  HASH_EACH ("wasm_i32x4_splat", wasm_i32x4_splat (wasm_i32x4_extract_lane (a, 2)));
  HASH_EACH ("wasm_i64x2_splat", wasm_i64x2_splat (wasm_i64x2_extract_lane (a, 1)));
  HASH_EACH ("wasm_f32x4_splat", canonical_f32 (wasm_f32x4_splat (wasm_f32x4_extract_lane (a, 3))));
  HASH_EACH ("wasm_f64x2_splat", canonical_f64 (wasm_f64x2_splat (wasm_f64x2_extract_lane (a, 1))));
  HASH_EACH ("wasm_i8x16_replace_lane", wasm_i8x16_replace_lane (a, 9, wasm_i8x16_extract_lane (b, 3)));
  HASH_EACH ("wasm_i16x8_replace_lane", wasm_i16x8_replace_lane (a, 5, wasm_i16x8_extract_lane (b, 1)));
  HASH_EACH ("wasm_i32x4_replace_lane", wasm_i32x4_replace_lane (a, 3, wasm_i32x4_extract_lane (b, 0)));
  HASH_EACH ("wasm_i64x2_replace_lane", wasm_i64x2_replace_lane (a, 0, wasm_i64x2_extract_lane (b, 1)));
  HASH_EACH ("wasm_f32x4_replace_lane",
             canonical_f32 (wasm_f32x4_replace_lane (a, 1, wasm_f32x4_extract_lane (b, 2))));
  HASH_EACH ("wasm_f64x2_replace_lane",
             canonical_f64 (wasm_f64x2_replace_lane (a, 1, wasm_f64x2_extract_lane (b, 0))));
}

/* Loads and stores at every byte offset of a buffer filled from the data. */
static void memory_ops (void)
{
  for (int i = 0; i < N; i++)
    wasm_v128_store (&bytes[16 * i], va[i]);
#define LOAD(op) HASH_EACH (#op, op (&bytes[(i * 7) % (N * 16 - 8)]))
  LOAD (wasm_v128_load); LOAD (wasm_i16x8_load8x8); LOAD (wasm_u16x8_load8x8);
  LOAD (wasm_i32x4_load16x4); LOAD (wasm_u32x4_load16x4); LOAD (wasm_i64x2_load32x2);
  LOAD (wasm_u64x2_load32x2); LOAD (wasm_v128_load8_splat); LOAD (wasm_v128_load16_splat);
  LOAD (wasm_v128_load32_splat); LOAD (wasm_v128_load64_splat); LOAD (wasm_v128_load32_zero);
  LOAD (wasm_v128_load64_zero);
#undef LOAD
  HASH_EACH ("wasm_v128_load8_lane", wasm_v128_load8_lane (&bytes[i * 5], b, 13));
  HASH_EACH ("wasm_v128_load16_lane", wasm_v128_load16_lane (&bytes[i * 5], b, 6));
  HASH_EACH ("wasm_v128_load32_lane", wasm_v128_load32_lane (&bytes[i * 5], b, 1));
  HASH_EACH ("wasm_v128_load64_lane", wasm_v128_load64_lane (&bytes[i * 5], b, 1));
  uint8_t out[32];
#define STORE_LANE(op, lane)                                                            \
  HASH_EACH (#op, (memset (out, 0xa5, sizeof out), op (&out[i % 16], a, lane),           \
                   wasm_v128_load (&out[i % 16])))
  STORE_LANE (wasm_v128_store8_lane, 11);
  STORE_LANE (wasm_v128_store16_lane, 7);
  STORE_LANE (wasm_v128_store32_lane, 2);
  STORE_LANE (wasm_v128_store64_lane, 1);
#undef STORE_LANE
}

/* An auto-vectorised loop (clang -O2 turns it into SIMD code), run over the data. */
static void vectorised_loop (void)
{
  static int32_t x[N * 4], y[N * 4];
  memcpy (x, va, sizeof x);
  memcpy (y, vb, sizeof y);
  int64_t sum = 0;
  for (int i = 0; i < N * 4; i++)
    {
      int32_t d = x[i] > y[i] ? x[i] - y[i] : y[i] - x[i];
      x[i] = (d >> 3) + (int32_t) ((uint32_t) x[i] * 3u);
      sum += x[i] & 0xffff;
    }
  printf ("%-36s %016llx\n", "vectorised_loop", (unsigned long long) sum);
}

int main (void)
{
  for (int i = 0; i < N; i++)
    {
      va[i] = random_vector ();
      vb[i] = random_vector ();
      vc[i] = random_vector ();
    }
  integer_ops ();
  compare_ops ();
  float_ops ();
  conversion_ops ();
  lane_and_bitwise_ops ();
  memory_ops ();
  vectorised_loop ();
  return 0;
}
