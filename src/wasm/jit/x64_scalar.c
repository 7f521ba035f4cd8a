/* Scalar numeric instructions beyond x64_compile.c's core set: float min/max and rounding,
 * the trapping and saturating float->int conversions, unsigned i64->float, clz/ctz/popcnt.
 * Each gives the interpreter's result bit for bit (ops.h and exec_body.h are the reference)
 * and raises its traps with the same kinds, in the same order. Numeric ops keep
 * x64_compile.c's register copies alive, so they use only the scratch registers x64_emit.h
 * allows. */
#include <stddef.h>

#include "wasm/jit/x64_cpu.h"
#include "wasm/jit/x64_emit.h"
#include "wasm/ops.h"

/* xmm x = the float constant with these bits (uses rcx). */
static void float_const (x64_buf *b, int x, uint64_t bits)
{
  x64_mov_ri (b, RCX, bits);
  x64_movq_xr (b, true, x, RCX);
}

static uint64_t bits_of (bool dbl, double v)
{
  if (!dbl)
    return f32_bits ((float) v);
  uint64_t u;
  __builtin_memcpy (&u, &v, 8);
  return u;
}

/* ---- Bit counts ------------------------------------------------------------------------ */

static bool emit_bitcount (fn_compiler *fc, int k, bool w64, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  const x64_cpu *cpu = x64_cpu_features ();
  static const x64_vec hw[2][3] = { { V_LZCNT, V_TZCNT, V_POPCNT }, { V_LZCNT64, V_TZCNT64, V_POPCNT64 } };
  bool has[3] = { cpu->lzcnt, cpu->tzcnt, cpu->popcnt };
  if (!has[k] && k == 2)
    return false;
  x64_emit_load (fc, w64 ? W_64 : W_U32, RCX, w[2]);
  if (has[k])
    x64_vec_rr (b, hw[w64][k], RAX, RCX);
  else if (k == 0)
    {
      /* clz = (bits - 1) - bsr, with bsr of 0 taken as -1 */
      x64_mov_ri (b, RDX, UINT64_MAX);
      x64_vec_rr (b, w64 ? V_BSR64 : V_BSR, RAX, RCX);
      x64_cmov (b, CC_E, w64, RAX, RDX);
      x64_mov_ri (b, RDX, w64 ? 63 : 31);
      x64_alu_rr (b, ALU_SUB, w64, RDX, RAX);
      x64_mov_rr (b, w64, RAX, RDX);
    }
  else
    {
      x64_mov_ri (b, RDX, w64 ? 64 : 32);
      x64_vec_rr (b, w64 ? V_BSF64 : V_BSF, RAX, RCX);
      x64_cmov (b, CC_E, w64, RAX, RDX);
    }
  x64_emit_result (fc, w[1], true);
  return true;
}

/* ---- Float min/max and rounding -------------------------------------------------------- */

/* Ordered operands: minss both ways, or-ed (min: -0 wins) or and-ed (max: +0 wins); a NaN
 * operand gives b + a, as wasm_fminf's `a + b` is compiled. */
static void emit_minmax (fn_compiler *fc, bool dbl, bool is_max, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_vec mm = dbl ? (is_max ? V_MAXSD : V_MINSD) : (is_max ? V_MAXSS : V_MINSS);
  x64_emit_load_float (fc, dbl, 0, w[2]);
  x64_emit_load_float (fc, dbl, 1, w[3]);
  x64_sse_rr (b, SSE_MOVAPS, 8, 0);
  x64_vec_rr (b, mm, 8, 1);
  x64_sse_rr (b, SSE_MOVAPS, 9, 1);
  x64_vec_rr (b, mm, 9, 0);
  x64_vec_rr (b, is_max ? V_PAND : V_POR, 8, 9);
  x64_sse_rr (b, SSE_MOVAPS, 10, 1);
  x64_sse_rr (b, dbl ? SSE_ADDSD : SSE_ADDSS, 10, 0);
  x64_sse_rr (b, SSE_MOVAPS, 11, 0);
  x64_vec_rri (b, dbl ? V_CMPSD : V_CMPSS, 11, 1, 3); /* unordered */
  x64_vec_rr (b, V_PAND, 10, 11);
  x64_vec_rr (b, V_PANDN, 11, 8);
  x64_vec_rr (b, V_POR, 10, 11);
  x64_sse_rr (b, SSE_MOVAPS, 0, 10);
  x64_emit_float_result (fc, dbl, w[1]);
}

/* ceil, floor, trunc, nearest (k = 0..3): roundss/sd, which also quiets a NaN. */
static bool emit_round (fn_compiler *fc, bool dbl, int k, const uint32_t *w)
{
  static const uint8_t mode[] = { 2, 1, 3, 0 };
  if (!x64_cpu_features ()->sse41)
    return false;
  x64_emit_load_float (fc, dbl, 0, w[2]);
  x64_vec_rri (x64_emit_buf (fc), dbl ? V_ROUNDSD : V_ROUNDSS, 0, 0, mode[k]);
  x64_emit_float_result (fc, dbl, w[1]);
  return true;
}

/* ---- Float -> int ---------------------------------------------------------------------- */

typedef struct trunc_shape {
  bool dbl, to64, is_signed;
  double lo; bool lo_inclusive; /* the lowest value in range: >= lo, or > lo */
  double hi;                    /* first value out of range above */
} trunc_shape;

/* In the order of ops.h: i32_f32_s, i32_f32_u, i32_f64_s, i32_f64_u, i64_f32_s, i64_f32_u,
 * i64_f64_s, i64_f64_u. */
static const trunc_shape trunc_shapes[8] = {
  { false, false, true, -0x1p31, true, 0x1p31 },  { false, false, false, -1.0, false, 0x1p32 },
  { true, false, true, -0x1p31 - 1.0, false, 0x1p31 }, { true, false, false, -1.0, false, 0x1p32 },
  { false, true, true, -0x1p63, true, 0x1p63 },   { false, true, false, -1.0, false, 0x1p64 },
  { true, true, true, -0x1p63, true, 0x1p63 },    { true, true, false, -1.0, false, 0x1p64 },
};

/* rax = trunc(xmm0), which is in range. Unsigned 64-bit values from 2^63 up are converted
 * from xmm0 - 2^63, then get their top bit back. */
static void convert_in_range (x64_buf *b, const trunc_shape *t)
{
  bool wide = t->to64 || !t->is_signed; /* u32 needs the 64-bit conversion */
  x64_vec cvt = t->dbl ? (wide ? V_CVTTSD2SI64 : V_CVTTSD2SI) : (wide ? V_CVTTSS2SI64 : V_CVTTSS2SI);
  if (!(t->to64 && !t->is_signed))
    {
      x64_vec_rr (b, cvt, RAX, 0);
      return;
    }
  float_const (b, 1, bits_of (t->dbl, 0x1p63));
  x64_sse_rr (b, t->dbl ? SSE_UCOMISD : SSE_UCOMISS, 0, 1);
  size_t big = x64_jcc (b, CC_AE);
  x64_vec_rr (b, cvt, RAX, 0);
  size_t done = x64_jmp (b);
  x64_patch_rel32 (b, big, b->len);
  x64_sse_rr (b, t->dbl ? SSE_SUBSD : SSE_SUBSS, 0, 1);
  x64_vec_rr (b, cvt, RAX, 0);
  x64_mov_ri (b, RCX, 1ull << 63);
  x64_alu_rr (b, ALU_XOR, true, RAX, RCX);
  x64_patch_rel32 (b, done, b->len);
}

/* The trapping conversions: NaN is an invalid conversion, out of range an overflow. */
static void emit_trunc (fn_compiler *fc, const trunc_shape *t, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_sse ucom = t->dbl ? SSE_UCOMISD : SSE_UCOMISS;
  x64_emit_load_float (fc, t->dbl, 0, w[2]);
  x64_sse_rr (b, ucom, 0, 0);
  x64_emit_trap_if (fc, CC_P, WASM_TRAP_INVALID_CONVERSION);
  float_const (b, 1, bits_of (t->dbl, t->lo));
  x64_sse_rr (b, ucom, 0, 1);
  x64_emit_trap_if (fc, t->lo_inclusive ? CC_B : CC_BE, WASM_TRAP_INTEGER_OVERFLOW);
  float_const (b, 1, bits_of (t->dbl, t->hi));
  x64_sse_rr (b, ucom, 0, 1);
  x64_emit_trap_if (fc, CC_AE, WASM_TRAP_INTEGER_OVERFLOW);
  convert_in_range (b, t);
  x64_emit_result (fc, w[1], !t->to64);
}

/* trunc_sat: NaN -> 0, at or below the range -> its minimum, at or above -> its maximum. */
static void emit_trunc_sat (fn_compiler *fc, const trunc_shape *t, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_sse ucom = t->dbl ? SSE_UCOMISD : SSE_UCOMISS;
  uint64_t min = !t->is_signed ? 0 : t->to64 ? (uint64_t) INT64_MIN : (uint32_t) INT32_MIN;
  uint64_t max = t->to64 ? (t->is_signed ? INT64_MAX : UINT64_MAX) : (t->is_signed ? INT32_MAX : UINT32_MAX);
  size_t done[3];
  x64_emit_load_float (fc, t->dbl, 0, w[2]);
  x64_alu_rr (b, ALU_XOR, false, RAX, RAX);
  x64_sse_rr (b, ucom, 0, 0);
  done[0] = x64_jcc (b, CC_P);
  x64_mov_ri (b, RAX, min);
  float_const (b, 1, bits_of (t->dbl, t->lo));
  x64_sse_rr (b, ucom, 0, 1);
  done[1] = x64_jcc (b, CC_BE);
  x64_mov_ri (b, RAX, max);
  float_const (b, 1, bits_of (t->dbl, t->hi));
  x64_sse_rr (b, ucom, 0, 1);
  done[2] = x64_jcc (b, CC_AE);
  convert_in_range (b, t);
  for (int i = 0; i < 3; i++)
    x64_patch_rel32 (b, done[i], b->len);
  x64_emit_result (fc, w[1], !t->to64);
}

/* f32/f64.convert_i64_u: values with the top bit set are halved (keeping the lowest bit, so
 * the rounding stays correct), converted and doubled, as C compilers do it. */
static void emit_convert_u64 (fn_compiler *fc, bool dbl, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_64, RAX, w[2]);
  x64_test_rr (b, true, RAX, RAX);
  size_t big = x64_jcc (b, CC_S);
  x64_cvtsi2s (b, dbl, true, 0, RAX);
  size_t done = x64_jmp (b);
  x64_patch_rel32 (b, big, b->len);
  x64_mov_rr (b, true, RCX, RAX);
  x64_shift_ri (b, SH_SHR, true, RCX, 1);
  x64_alu_ri (b, ALU_AND, false, RAX, 1);
  x64_alu_rr (b, ALU_OR, true, RCX, RAX);
  x64_cvtsi2s (b, dbl, true, 0, RCX);
  x64_sse_rr (b, dbl ? SSE_ADDSD : SSE_ADDSS, 0, 0);
  x64_patch_rel32 (b, done, b->len);
  x64_emit_float_result (fc, dbl, w[1]);
}

bool x64_scalar_emit (fn_compiler *fc)
{
  const uint32_t *w = x64_emit_words (fc);
  uint32_t id = w[0];
  switch (id)
    {
    case OP_i32_clz: case OP_i32_ctz: case OP_i32_popcnt:
      return emit_bitcount (fc, (int) (id - OP_i32_clz) / NUM_FORMS, false, w);
    case OP_i64_clz: case OP_i64_ctz: case OP_i64_popcnt:
      return emit_bitcount (fc, (int) (id - OP_i64_clz) / NUM_FORMS, true, w);
    case OP_f32_min: case OP_f32_max:
      emit_minmax (fc, false, id == OP_f32_max, w);
      return true;
    case OP_f64_min: case OP_f64_max:
      emit_minmax (fc, true, id == OP_f64_max, w);
      return true;
    case OP_f32_ceil: case OP_f32_floor: case OP_f32_trunc: case OP_f32_nearest:
      return emit_round (fc, false, (int) (id - OP_f32_ceil) / NUM_FORMS, w);
    case OP_f64_ceil: case OP_f64_floor: case OP_f64_trunc: case OP_f64_nearest:
      return emit_round (fc, true, (int) (id - OP_f64_ceil) / NUM_FORMS, w);
    case OP_i32_trunc_f32_s: case OP_i32_trunc_f32_u: case OP_i32_trunc_f64_s: case OP_i32_trunc_f64_u:
      emit_trunc (fc, &trunc_shapes[(id - OP_i32_trunc_f32_s) / NUM_FORMS], w);
      return true;
    case OP_i64_trunc_f32_s: case OP_i64_trunc_f32_u: case OP_i64_trunc_f64_s: case OP_i64_trunc_f64_u:
      emit_trunc (fc, &trunc_shapes[4 + (id - OP_i64_trunc_f32_s) / NUM_FORMS], w);
      return true;
    case OP_i32_trunc_sat_f32_s: case OP_i32_trunc_sat_f32_u: case OP_i32_trunc_sat_f64_s:
    case OP_i32_trunc_sat_f64_u: case OP_i64_trunc_sat_f32_s: case OP_i64_trunc_sat_f32_u:
    case OP_i64_trunc_sat_f64_s: case OP_i64_trunc_sat_f64_u:
      emit_trunc_sat (fc, &trunc_shapes[(id - OP_i32_trunc_sat_f32_s) / NUM_FORMS], w);
      return true;
    case OP_f32_convert_i64_u: case OP_f64_convert_i64_u:
      emit_convert_u64 (fc, id == OP_f64_convert_i64_u, w);
      return true;
    }
  return false;
}
