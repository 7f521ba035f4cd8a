/* SIMD in machine code: every Wasm 2.0 v128 instruction on an SSE4.1 (+ SSSE3) baseline,
 * i64x2 ordered compares with SSE4.2's pcmpgtq. Without those features (x64_cpu.h) the
 * instructions keep their interpreter stubs; v128 moves, constants, select and globals
 * need only SSE2 and are always compiled.
 *
 * A v128 lives in two consecutive frame slots (16 bytes, 8-byte aligned, so movdqu): each
 * instruction loads its vector operands into xmm0, xmm1, xmm2, computes, and stores the
 * result; scalar operands and results go through x64_emit_load / x64_emit_result. The
 * sequences for the lane ops SSE lacks (unsigned compares, byte shifts, i64 abs/mul/shr_s,
 * float min/max, saturating conversions, unsigned conversions) are the usual ones (V8 and
 * Cranelift use the same); each is written so that its result is bit-identical to the
 * interpreter's op function (simd_*.c), NaN lanes included: min/max give b + a for a NaN
 * lane, which is how f32_min's `x + y` is compiled (the payload of a NaN + NaN follows the
 * C compiler's operand order; tests/unit/jit_ops_test.c checks it). AVX2 is not used: with
 * 128-bit lanes it would only save the register copies of the two-operand forms. */
#include <stddef.h>

#include "wasm/jit/x64_cpu.h"
#include "wasm/jit/x64_emit.h"
#include "wasm/ops.h"
#include "wasm/simd.h"

/* The 0xFD sub-opcode of the op function an instruction names (its words hold the pointer). */
static int simd_opcode_of (const uint32_t *w, int word)
{
  simd_fn fn = (simd_fn) (uintptr_t) (w[word] | (uint64_t) w[word + 1] << 32);
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (info && info->fn == fn)
        return (int) op;
    }
  return -1;
}

/* ---- Small pieces ---------------------------------------------------------------------- */

static void vload (x64_buf *b, int x, uint32_t slot) { x64_vec_rm (b, V_MOVDQU_LOAD, x, X64_SLOT (slot)); }

static void vstore (fn_compiler *fc, uint32_t slot, int x)
{
  x64_vec_rm (x64_emit_buf (fc), V_MOVDQU_STORE, x, X64_SLOT (slot));
  x64_emit_written (fc, slot);
  x64_emit_written (fc, slot + 1);
}

static void vmov (x64_buf *b, int dst, int src) { x64_vec_rr (b, V_MOVDQA, dst, src); }
static void all_ones (x64_buf *b, int x) { x64_vec_rr (b, V_PCMPEQD, x, x); }
static void zero (x64_buf *b, int x) { x64_vec_rr (b, V_PXOR, x, x); }

/* x = v in every 32-bit lane (uses rax). */
static void splat32 (x64_buf *b, int x, uint32_t v)
{
  x64_mov_ri (b, RAX, v);
  x64_movq_xr (b, false, x, RAX);
  x64_vec_rri (b, V_PSHUFD, x, x, 0);
}

/* x = v in both 64-bit lanes (uses rax). */
static void splat64 (x64_buf *b, int x, uint64_t v)
{
  x64_mov_ri (b, RAX, v);
  x64_movq_xr (b, true, x, RAX);
  x64_vec_rr (b, V_PUNPCKLQDQ, x, x);
}

/* x = the 16 bytes lo, hi (uses rax and xmm15). */
static void const128 (x64_buf *b, int x, uint64_t lo, uint64_t hi)
{
  x64_mov_ri (b, RAX, lo);
  x64_movq_xr (b, true, x, RAX);
  x64_mov_ri (b, RAX, hi);
  x64_movq_xr (b, true, 15, RAX);
  x64_vec_rr (b, V_PUNPCKLQDQ, x, 15);
}

static void vnot (x64_buf *b, int x)
{
  all_ones (b, 15);
  x64_vec_rr (b, V_PXOR, x, 15);
}

/* ---- Lane-wise binary ops described by a table ----------------------------------------- */

enum {
  BIN = 1,      /* dst = op(a, b) */
  SWAP = 2,     /* op(b, a) */
  NOT = 4,      /* then inverted */
  EQ_A = 8,     /* then compared (cmp) with a: pmaxu(a, b) == a is a >= b */
  IMM = 16,     /* op takes the immediate imm (cmpps predicates) */
  NEEDS_SSE42 = 32,
};

typedef struct bin_op { uint8_t flags, imm; x64_vec op, cmp; } bin_op;

static const bin_op bin_ops[256] = {
#define B(opc, o) [opc] = { BIN, 0, V_##o, 0 }
#define SW(opc, o) [opc] = { BIN | SWAP, 0, V_##o, 0 }
#define NT(opc, o) [opc] = { BIN | NOT, 0, V_##o, 0 }
#define SWNT(opc, o) [opc] = { BIN | SWAP | NOT, 0, V_##o, 0 }
#define UGE(opc, o, eq) [opc] = { BIN | EQ_A, 0, V_##o, V_##eq }
#define ULT(opc, o, eq) [opc] = { BIN | EQ_A | NOT, 0, V_##o, V_##eq }
#define FC(opc, o, pred) [opc] = { BIN | IMM, pred, V_##o, 0 }
#define FCSW(opc, o, pred) [opc] = { BIN | IMM | SWAP, pred, V_##o, 0 }
  /* i8x16 compares: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u */
  B (0x23, PCMPEQB), NT (0x24, PCMPEQB), SW (0x25, PCMPGTB), ULT (0x26, PMAXUB, PCMPEQB),
  B (0x27, PCMPGTB), ULT (0x28, PMINUB, PCMPEQB), NT (0x29, PCMPGTB), UGE (0x2a, PMINUB, PCMPEQB),
  SWNT (0x2b, PCMPGTB), UGE (0x2c, PMAXUB, PCMPEQB),
  B (0x2d, PCMPEQW), NT (0x2e, PCMPEQW), SW (0x2f, PCMPGTW), ULT (0x30, PMAXUW, PCMPEQW),
  B (0x31, PCMPGTW), ULT (0x32, PMINUW, PCMPEQW), NT (0x33, PCMPGTW), UGE (0x34, PMINUW, PCMPEQW),
  SWNT (0x35, PCMPGTW), UGE (0x36, PMAXUW, PCMPEQW),
  B (0x37, PCMPEQD), NT (0x38, PCMPEQD), SW (0x39, PCMPGTD), ULT (0x3a, PMAXUD, PCMPEQD),
  B (0x3b, PCMPGTD), ULT (0x3c, PMINUD, PCMPEQD), NT (0x3d, PCMPGTD), UGE (0x3e, PMINUD, PCMPEQD),
  SWNT (0x3f, PCMPGTD), UGE (0x40, PMAXUD, PCMPEQD),
  /* float compares: eq ne lt gt le ge (cmpps: 0 eq, 1 lt, 2 le, 4 neq unordered-true) */
  FC (0x41, CMPPS, 0), FC (0x42, CMPPS, 4), FC (0x43, CMPPS, 1), FCSW (0x44, CMPPS, 1),
  FC (0x45, CMPPS, 2), FCSW (0x46, CMPPS, 2),
  FC (0x47, CMPPD, 0), FC (0x48, CMPPD, 4), FC (0x49, CMPPD, 1), FCSW (0x4a, CMPPD, 1),
  FC (0x4b, CMPPD, 2), FCSW (0x4c, CMPPD, 2),
  B (0x4e, PAND), SW (0x4f, PANDN), B (0x50, POR), B (0x51, PXOR),
  B (0x65, PACKSSWB), B (0x66, PACKUSWB), B (0x85, PACKSSDW), B (0x86, PACKUSDW),
  B (0x6e, PADDB), B (0x6f, PADDSB), B (0x70, PADDUSB), B (0x71, PSUBB), B (0x72, PSUBSB),
  B (0x73, PSUBUSB), B (0x76, PMINSB), B (0x77, PMINUB), B (0x78, PMAXSB), B (0x79, PMAXUB),
  B (0x7b, PAVGB),
  B (0x8e, PADDW), B (0x8f, PADDSW), B (0x90, PADDUSW), B (0x91, PSUBW), B (0x92, PSUBSW),
  B (0x93, PSUBUSW), B (0x95, PMULLW), B (0x96, PMINSW), B (0x97, PMINUW), B (0x98, PMAXSW),
  B (0x99, PMAXUW), B (0x9b, PAVGW),
  B (0xae, PADDD), B (0xb1, PSUBD), B (0xb5, PMULLD), B (0xb6, PMINSD), B (0xb7, PMINUD),
  B (0xb8, PMAXSD), B (0xb9, PMAXUD), B (0xba, PMADDWD),
  B (0xce, PADDQ), B (0xd1, PSUBQ), B (0xd6, PCMPEQQ), NT (0xd7, PCMPEQQ),
  [0xd8] = { BIN | SWAP | NEEDS_SSE42, 0, V_PCMPGTQ, 0 }, [0xd9] = { BIN | NEEDS_SSE42, 0, V_PCMPGTQ, 0 },
  [0xda] = { BIN | NOT | NEEDS_SSE42, 0, V_PCMPGTQ, 0 }, [0xdb] = { BIN | SWAP | NOT | NEEDS_SSE42, 0, V_PCMPGTQ, 0 },
  B (0xe4, ADDPS), B (0xe5, SUBPS), B (0xe6, MULPS), B (0xe7, DIVPS),
  /* pmin(a, b) = b < a ? b : a is minps(b, a); pmax(a, b) = a < b ? b : a is maxps(b, a) */
  SW (0xea, MINPS), SW (0xeb, MAXPS),
  B (0xf0, ADDPD), B (0xf1, SUBPD), B (0xf2, MULPD), B (0xf3, DIVPD), SW (0xf6, MINPD), SW (0xf7, MAXPD),
#undef B
#undef SW
#undef NT
#undef SWNT
#undef UGE
#undef ULT
#undef FC
#undef FCSW
};

static void emit_bin (x64_buf *b, const bin_op *o)
{
  int dst = o->flags & SWAP ? 1 : 0, src = o->flags & SWAP ? 0 : 1;
  if (o->flags & EQ_A)
    {
      vmov (b, 2, 0);
      dst = 2;
    }
  if (o->flags & IMM)
    x64_vec_rri (b, o->op, dst, src, o->imm);
  else
    x64_vec_rr (b, o->op, dst, src);
  if (o->flags & EQ_A)
    x64_vec_rr (b, o->cmp, dst, 0);
  if (o->flags & NOT)
    vnot (b, dst);
  if (dst != 0)
    vmov (b, 0, dst);
}

/* ---- Lane-wise unary ops: one instruction on xmm0, maybe after moving the high half down - */

typedef struct un_op { bool is; bool high; bool has_imm; uint8_t imm; x64_vec op; } un_op;

static const un_op un_ops[256] = {
#define U(opc, o) [opc] = { true, false, false, 0, V_##o }
#define UH(opc, o) [opc] = { true, true, false, 0, V_##o }
#define UI(opc, o, imm) [opc] = { true, false, true, imm, V_##o }
  U (0x60, PABSB), U (0x80, PABSW), U (0xa0, PABSD), U (0xe3, SQRTPS), U (0xef, SQRTPD),
  U (0x87, PMOVSXBW), UH (0x88, PMOVSXBW), U (0x89, PMOVZXBW), UH (0x8a, PMOVZXBW),
  U (0xa7, PMOVSXWD), UH (0xa8, PMOVSXWD), U (0xa9, PMOVZXWD), UH (0xaa, PMOVZXWD),
  U (0xc7, PMOVSXDQ), UH (0xc8, PMOVSXDQ), U (0xc9, PMOVZXDQ), UH (0xca, PMOVZXDQ),
  U (0x5e, CVTPD2PS), U (0x5f, CVTPS2PD), U (0xfa, CVTDQ2PS), U (0xfe, CVTDQ2PD),
  /* roundps/pd modes: 0 nearest-even, 1 floor, 2 ceil, 3 trunc; a NaN comes out quiet */
  UI (0x67, ROUNDPS, 2), UI (0x68, ROUNDPS, 1), UI (0x69, ROUNDPS, 3), UI (0x6a, ROUNDPS, 0),
  UI (0x74, ROUNDPD, 2), UI (0x75, ROUNDPD, 1), UI (0x7a, ROUNDPD, 3), UI (0x94, ROUNDPD, 0),
#undef U
#undef UH
#undef UI
};

/* ---- Everything else, one by one ------------------------------------------------------- */

/* Wasm min/max (f32x4/f64x2): ordered lanes from minps both ways, or-ed (min: -0 wins) or
 * and-ed (max: +0 wins); NaN lanes are b + a, as the interpreter's code computes them. */
static void emit_minmax (x64_buf *b, bool dbl, bool is_max)
{
  x64_vec mm = dbl ? (is_max ? V_MAXPD : V_MINPD) : (is_max ? V_MAXPS : V_MINPS);
  vmov (b, 2, 0);
  x64_vec_rr (b, mm, 2, 1);
  vmov (b, 3, 1);
  x64_vec_rr (b, mm, 3, 0);
  x64_vec_rr (b, is_max ? V_PAND : V_POR, 2, 3);
  vmov (b, 4, 1);
  x64_vec_rr (b, dbl ? V_ADDPD : V_ADDPS, 4, 0);
  vmov (b, 5, 0);
  x64_vec_rri (b, dbl ? V_CMPPD : V_CMPPS, 5, 1, 3); /* unordered */
  x64_vec_rr (b, V_PAND, 4, 5);
  x64_vec_rr (b, V_PANDN, 5, 2);
  x64_vec_rr (b, V_POR, 4, 5);
  vmov (b, 0, 4);
}

/* i8x16 shifts: word shifts plus a byte mask (shl, shr_u), or via 16-bit lanes (shr_s). The
 * count (masked to 0..7) is in ecx. */
static void emit_i8_shift (x64_buf *b, int opc)
{
  if (opc == 0x6c)
    {
      x64_alu_ri (b, ALU_ADD, false, RCX, 8);
      x64_movq_xr (b, false, 2, RCX);
      vmov (b, 1, 0);
      x64_vec_rr (b, V_PUNPCKLBW, 1, 0);
      x64_vec_rr (b, V_PUNPCKHBW, 0, 0);
      x64_vec_rr (b, V_PSRAW, 1, 2);
      x64_vec_rr (b, V_PSRAW, 0, 2);
      x64_vec_rr (b, V_PACKSSWB, 1, 0);
      vmov (b, 0, 1);
      return;
    }
  bool left = opc == 0x6b;
  x64_movq_xr (b, false, 2, RCX);
  x64_vec_rr (b, left ? V_PSLLW : V_PSRLW, 0, 2);
  x64_mov_ri (b, RAX, 0xff);
  x64_shift_cl (b, left ? SH_SHL : SH_SHR, false, RAX);
  x64_movq_xr (b, false, 3, RAX);
  zero (b, 4);
  x64_vec_rr (b, V_PSHUFB, 3, 4);
  x64_vec_rr (b, V_PAND, 0, 3);
}

/* Shifts: the count from scalar slot, masked to the lane width. */
static void emit_shift (fn_compiler *fc, int opc, uint32_t count_slot)
{
  x64_buf *b = x64_emit_buf (fc);
  static const struct { uint8_t first; uint8_t mask; x64_vec ops[3]; } shapes[] = {
    { 0x6b, 7, { 0, 0, 0 } },
    { 0x8b, 15, { V_PSLLW, V_PSRAW, V_PSRLW } },
    { 0xab, 31, { V_PSLLD, V_PSRAD, V_PSRLD } },
    { 0xcb, 63, { V_PSLLQ, 0, V_PSRLQ } },
  };
  int s = opc >= 0xcb ? 3 : opc >= 0xab ? 2 : opc >= 0x8b ? 1 : 0, k = opc - shapes[s].first;
  x64_emit_load (fc, W_U32, RCX, count_slot);
  x64_alu_ri (b, ALU_AND, false, RCX, shapes[s].mask);
  if (s == 0)
    {
      emit_i8_shift (b, opc);
      return;
    }
  x64_movq_xr (b, false, 2, RCX);
  if (s == 3 && k == 1)
    {
      /* i64 shr_s: logical shift, then sign-extend from the shifted sign bit. */
      x64_vec_rr (b, V_PSRLQ, 0, 2);
      all_ones (b, 3);
      x64_vec_shift (b, V_PSLLQ_I, 3, 63);
      x64_vec_rr (b, V_PSRLQ, 3, 2);
      x64_vec_rr (b, V_PXOR, 0, 3);
      x64_vec_rr (b, V_PSUBQ, 0, 3);
      return;
    }
  x64_vec_rr (b, shapes[s].ops[k], 0, 2);
}

/* extmul: both operands widened (low or high half), then multiplied. */
static void emit_extmul (x64_buf *b, int opc)
{
  bool high = opc & 1, is_signed = (opc & 2) == 0;
  if (opc >= 0xdc)
    {
      /* i64x2 from i32x4: pmuldq/pmuludq multiply the even dwords. */
      uint8_t pick = high ? 0xfa : 0x50;
      x64_vec_rri (b, V_PSHUFD, 0, 0, pick);
      x64_vec_rri (b, V_PSHUFD, 1, 1, pick);
      x64_vec_rr (b, is_signed ? V_PMULDQ : V_PMULUDQ, 0, 1);
      return;
    }
  bool to32 = opc >= 0xbc;
  x64_vec ext = to32 ? (is_signed ? V_PMOVSXWD : V_PMOVZXWD) : (is_signed ? V_PMOVSXBW : V_PMOVZXBW);
  if (high)
    {
      x64_vec_shift (b, V_PSRLDQ_I, 0, 8);
      x64_vec_shift (b, V_PSRLDQ_I, 1, 8);
    }
  x64_vec_rr (b, ext, 0, 0);
  x64_vec_rr (b, ext, 1, 1);
  x64_vec_rr (b, to32 ? V_PMULLD : V_PMULLW, 0, 1);
}

/* Ops with a scalar (i32) result in eax; false if not one. */
static bool emit_to_scalar (fn_compiler *fc, int opc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  uint8_t lane = (uint8_t) w[8];
  bool upper_zero = true;
  switch (opc)
    {
    case 0x15: case 0x16: /* i8x16.extract_lane_s/u */
      x64_vec_rri (b, V_PEXTRB, 0, RAX, lane);
      if (opc == 0x15)
        {
          x64_movsx_rr (b, W_S8, RAX, RAX);
          x64_mov_rr (b, false, RAX, RAX);
        }
      break;
    case 0x18: case 0x19: /* i16x8.extract_lane_s/u */
      x64_vec_rri (b, V_PEXTRW, RAX, 0, lane);
      if (opc == 0x18)
        {
          x64_movsx_rr (b, W_S16, RAX, RAX);
          x64_mov_rr (b, false, RAX, RAX);
        }
      break;
    case 0x1b: case 0x1f: /* i32x4 / f32x4.extract_lane */
      x64_vec_rri (b, V_PEXTRD, 0, RAX, lane);
      break;
    case 0x1d: case 0x21: /* i64x2 / f64x2.extract_lane */
      x64_vec_rri (b, V_PEXTRQ, 0, RAX, lane);
      upper_zero = false;
      break;
    case 0x53: /* v128.any_true */
      x64_vec_rr (b, V_PTEST, 0, 0);
      x64_setcc (b, CC_NE, RAX);
      x64_movzx8_rr (b, RAX, RAX);
      break;
    case 0x63: case 0x83: case 0xa3: case 0xc3: /* all_true: no lane equals zero */
      {
        static const x64_vec eq[] = { V_PCMPEQB, V_PCMPEQW, V_PCMPEQD, V_PCMPEQQ };
        zero (b, 1);
        x64_vec_rr (b, eq[(opc - 0x63) / 0x20], 1, 0);
        x64_vec_rr (b, V_PTEST, 1, 1);
        x64_setcc (b, CC_E, RAX);
        x64_movzx8_rr (b, RAX, RAX);
        break;
      }
    case 0x64: /* i8x16.bitmask */
      x64_vec_rr (b, V_PMOVMSKB, RAX, 0);
      break;
    case 0x84: /* i16x8.bitmask: signed saturation keeps each lane's sign in a byte */
      x64_vec_rr (b, V_PACKSSWB, 0, 0);
      x64_vec_rr (b, V_PMOVMSKB, RAX, 0);
      x64_movzx8_rr (b, RAX, RAX);
      break;
    case 0xa4: x64_vec_rr (b, V_MOVMSKPS, RAX, 0); break;
    case 0xc4: x64_vec_rr (b, V_MOVMSKPD, RAX, 0); break;
    default:
      return false;
    }
  x64_emit_result (fc, w[1], upper_zero);
  return true;
}

/* i8x16.shuffle (a in xmm0, b in xmm1; lane indexes from the 4 immediate words, each < 32).
 * Whole 32-bit lanes from one operand are a pshufd, two from each a shufps; bytes from one
 * operand a pshufb; anything else a pshufb of each operand (the other's lanes zeroed by
 * index bit 7) and an or. */
static void emit_shuffle (x64_buf *b, const uint32_t *imm_words)
{
  uint8_t imm[16], dword[4];
  bool dwords = true, only[2] = { true, true };
  for (int i = 0; i < 16; i++)
    {
      imm[i] = (uint8_t) (imm_words[i / 4] >> (8 * (i % 4)));
      only[imm[i] < 16 ? 1 : 0] = false;
    }
  for (int l = 0; l < 4; l++)
    {
      dword[l] = (uint8_t) (imm[4 * l] / 4);
      for (int k = 0; k < 4; k++)
        dwords &= imm[4 * l + k] == imm[4 * l] + k && imm[4 * l] % 4 == 0;
    }
  if (dwords)
    {
      bool low_a = dword[0] < 4 && dword[1] < 4, high_a = dword[2] < 4 && dword[3] < 4;
      bool low_b = dword[0] >= 4 && dword[1] >= 4, high_b = dword[2] >= 4 && dword[3] >= 4;
      uint8_t sel = (uint8_t) ((dword[0] & 3) | (dword[1] & 3) << 2 | (dword[2] & 3) << 4 | (dword[3] & 3) << 6);
      if ((low_a && high_a) || (low_b && high_b))
        {
          x64_vec_rri (b, V_PSHUFD, 0, low_a ? 0 : 1, sel);
          return;
        }
      if (low_a && high_b)
        {
          x64_vec_rri (b, V_SHUFPS, 0, 1, sel);
          return;
        }
      if (low_b && high_a)
        {
          x64_vec_rri (b, V_SHUFPS, 1, 0, sel);
          vmov (b, 0, 1);
          return;
        }
    }
  uint64_t m[2][2] = { { 0, 0 }, { 0, 0 } };
  for (int i = 0; i < 16; i++)
    for (int k = 0; k < 2; k++)
      {
        uint64_t from = imm[i] / 16 == (unsigned) k ? imm[i] % 16u : 0x80;
        m[k][i / 8] |= from << (8 * (i % 8));
      }
  if (only[0] || only[1])
    {
      int k = only[0] ? 0 : 1;
      const128 (b, 3, m[k][0], m[k][1]);
      if (k)
        vmov (b, 0, 1);
      x64_vec_rr (b, V_PSHUFB, 0, 3);
      return;
    }
  const128 (b, 3, m[0][0], m[0][1]);
  const128 (b, 4, m[1][0], m[1][1]);
  x64_vec_rr (b, V_PSHUFB, 0, 3);
  x64_vec_rr (b, V_PSHUFB, 1, 4);
  x64_vec_rr (b, V_POR, 0, 1);
}

/* Ops with a v128 result in xmm0 (operands in xmm0-xmm2); false if not compiled. */
static bool emit_to_vector (fn_compiler *fc, int opc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  const x64_cpu *cpu = x64_cpu_features ();
  uint8_t lane = (uint8_t) w[8];
  if (bin_ops[opc].flags)
    {
      if ((bin_ops[opc].flags & NEEDS_SSE42) && !cpu->sse42)
        return false;
      emit_bin (b, &bin_ops[opc]);
      return true;
    }
  if (un_ops[opc].is)
    {
      if (un_ops[opc].high)
        x64_vec_shift (b, V_PSRLDQ_I, 0, 8);
      if (un_ops[opc].has_imm)
        x64_vec_rri (b, un_ops[opc].op, 0, 0, un_ops[opc].imm);
      else
        x64_vec_rr (b, un_ops[opc].op, 0, 0);
      return true;
    }
  switch (opc)
    {
    case 0x0d:
      emit_shuffle (b, w + 8);
      return true;
    case 0x0e: /* i8x16.swizzle: indexes >= 16 get bit 7 (saturating add), which pshufb zeroes */
      splat32 (b, 2, 0x70707070);
      x64_vec_rr (b, V_PADDUSB, 1, 2);
      x64_vec_rr (b, V_PSHUFB, 0, 1);
      return true;
    case 0x0f: case 0x10: case 0x11: case 0x13: /* splats of a 32-bit scalar */
      x64_emit_load (fc, W_U32, RAX, w[3]);
      x64_movq_xr (b, false, 0, RAX);
      if (opc == 0x0f)
        {
          zero (b, 1);
          x64_vec_rr (b, V_PSHUFB, 0, 1);
        }
      else
        {
          if (opc == 0x10)
            x64_vec_rri (b, V_PSHUFLW, 0, 0, 0);
          x64_vec_rri (b, V_PSHUFD, 0, 0, 0);
        }
      return true;
    case 0x12: case 0x14: /* i64x2 / f64x2.splat */
      x64_emit_load (fc, W_64, RAX, w[3]);
      x64_movq_xr (b, true, 0, RAX);
      x64_vec_rr (b, V_PUNPCKLQDQ, 0, 0);
      return true;
    case 0x17: case 0x1a: case 0x1c: case 0x20: /* replace_lane with a 32-bit scalar */
      x64_emit_load (fc, W_U32, RAX, w[4]);
      x64_vec_rri (b, opc == 0x17 ? V_PINSRB : opc == 0x1a ? V_PINSRW : V_PINSRD, 0, RAX, lane);
      return true;
    case 0x1e: case 0x22: /* i64x2 / f64x2.replace_lane */
      x64_emit_load (fc, W_64, RAX, w[4]);
      x64_vec_rri (b, V_PINSRQ, 0, RAX, lane);
      return true;
    case 0x4d: /* v128.not */
      vnot (b, 0);
      return true;
    case 0x52: /* v128.bitselect: (a & c) | (b & ~c) */
      x64_vec_rr (b, V_PAND, 0, 2);
      x64_vec_rr (b, V_PANDN, 2, 1);
      x64_vec_rr (b, V_POR, 0, 2);
      return true;
    case 0x61: case 0x81: case 0xa1: case 0xc1: /* neg: 0 - a */
      {
        static const x64_vec sub[] = { V_PSUBB, V_PSUBW, V_PSUBD, V_PSUBQ };
        zero (b, 1);
        x64_vec_rr (b, sub[(opc - 0x61) / 0x20], 1, 0);
        vmov (b, 0, 1);
        return true;
      }
    case 0x62: /* i8x16.popcnt: a 16-entry nibble table through pshufb */
      const128 (b, 1, 0x0302020102010100ull, 0x0403030203020201ull);
      splat32 (b, 2, 0x0f0f0f0f);
      vmov (b, 3, 0);
      x64_vec_shift (b, V_PSRLW_I, 3, 4);
      x64_vec_rr (b, V_PAND, 3, 2);
      x64_vec_rr (b, V_PAND, 0, 2);
      vmov (b, 4, 1);
      x64_vec_rr (b, V_PSHUFB, 4, 0);
      x64_vec_rr (b, V_PSHUFB, 1, 3);
      x64_vec_rr (b, V_PADDB, 1, 4);
      vmov (b, 0, 1);
      return true;
    case 0x6b: case 0x6c: case 0x6d: case 0x8b: case 0x8c: case 0x8d:
    case 0xab: case 0xac: case 0xad: case 0xcb: case 0xcc: case 0xcd:
      emit_shift (fc, opc, w[4]);
      return true;
    case 0x7c: /* i16x8.extadd_pairwise_i8x16_s: pmaddubsw(1 as u8, a as s8) */
      splat32 (b, 1, 0x01010101);
      x64_vec_rr (b, V_PMADDUBSW, 1, 0);
      vmov (b, 0, 1);
      return true;
    case 0x7d: /* _u: pmaddubsw(a as u8, 1 as s8) */
      splat32 (b, 1, 0x01010101);
      x64_vec_rr (b, V_PMADDUBSW, 0, 1);
      return true;
    case 0x7e: /* i32x4.extadd_pairwise_i16x8_s */
      splat32 (b, 1, 0x00010001);
      x64_vec_rr (b, V_PMADDWD, 0, 1);
      return true;
    case 0x7f: /* _u: bias to signed, pmaddwd, unbias by 2 * 32768 */
      splat32 (b, 1, 0x80008000);
      x64_vec_rr (b, V_PXOR, 0, 1);
      splat32 (b, 1, 0x00010001);
      x64_vec_rr (b, V_PMADDWD, 0, 1);
      splat32 (b, 1, 0x00010000);
      x64_vec_rr (b, V_PADDD, 0, 1);
      return true;
    case 0x82: /* i16x8.q15mulr_sat_s: pmulhrsw, whose only overflow (0x8000^2) gives 0x8000 */
      x64_vec_rr (b, V_PMULHRSW, 0, 1);
      splat32 (b, 2, 0x80008000);
      x64_vec_rr (b, V_PCMPEQW, 2, 0);
      x64_vec_rr (b, V_PXOR, 0, 2);
      return true;
    case 0x9c: case 0x9d: case 0x9e: case 0x9f: case 0xbc: case 0xbd: case 0xbe: case 0xbf:
    case 0xdc: case 0xdd: case 0xde: case 0xdf:
      emit_extmul (b, opc);
      return true;
    case 0xc0: /* i64x2.abs: sign mask from the high dwords, then (a ^ m) - m */
      vmov (b, 1, 0);
      x64_vec_shift (b, V_PSRAD_I, 1, 31);
      x64_vec_rri (b, V_PSHUFD, 1, 1, 0xf5);
      x64_vec_rr (b, V_PXOR, 0, 1);
      x64_vec_rr (b, V_PSUBQ, 0, 1);
      return true;
    case 0xd5: /* i64x2.mul: lo*lo + ((hi*lo + lo*hi) << 32) */
      vmov (b, 3, 0);
      x64_vec_shift (b, V_PSRLQ_I, 3, 32);
      x64_vec_rr (b, V_PMULUDQ, 3, 1);
      vmov (b, 4, 1);
      x64_vec_shift (b, V_PSRLQ_I, 4, 32);
      x64_vec_rr (b, V_PMULUDQ, 4, 0);
      x64_vec_rr (b, V_PADDQ, 3, 4);
      x64_vec_shift (b, V_PSLLQ_I, 3, 32);
      x64_vec_rr (b, V_PMULUDQ, 0, 1);
      x64_vec_rr (b, V_PADDQ, 0, 3);
      return true;
    case 0xe0: case 0xe1: case 0xec: case 0xed: /* float abs / neg: the sign bits only */
      {
        bool dbl = opc >= 0xec, abs = opc == 0xe0 || opc == 0xec;
        all_ones (b, 1);
        if (abs)
          x64_vec_shift (b, dbl ? V_PSRLQ_I : V_PSRLD_I, 1, 1);
        else
          x64_vec_shift (b, dbl ? V_PSLLQ_I : V_PSLLD_I, 1, dbl ? 63 : 31);
        x64_vec_rr (b, abs ? V_PAND : V_PXOR, 0, 1);
        return true;
      }
    case 0xe8: case 0xe9: case 0xf4: case 0xf5:
      emit_minmax (b, opc >= 0xf4, opc & 1);
      return true;
    case 0xf8: /* i32x4.trunc_sat_f32x4_s: NaN -> 0, >= 2^31 -> INT32_MAX (cvttps2dq gives MIN) */
      vmov (b, 1, 0);
      x64_vec_rri (b, V_CMPPS, 1, 0, 0);
      x64_vec_rr (b, V_PAND, 0, 1);
      splat32 (b, 2, 0x4f000000);
      x64_vec_rri (b, V_CMPPS, 2, 0, 2);
      x64_vec_rr (b, V_CVTTPS2DQ, 0, 0);
      x64_vec_rr (b, V_PXOR, 0, 2);
      return true;
    case 0xf9: /* i32x4.trunc_sat_f32x4_u: below 2^31 directly, above it offset by 2^31 */
      zero (b, 1);
      x64_vec_rr (b, V_MAXPS, 0, 1);
      all_ones (b, 1);
      x64_vec_shift (b, V_PSRLD_I, 1, 1);
      x64_vec_rr (b, V_CVTDQ2PS, 1, 1);
      vmov (b, 2, 0);
      x64_vec_rr (b, V_SUBPS, 2, 1);
      x64_vec_rri (b, V_CMPPS, 1, 2, 2);
      x64_vec_rr (b, V_CVTTPS2DQ, 2, 2);
      x64_vec_rr (b, V_PXOR, 2, 1);
      zero (b, 1);
      x64_vec_rr (b, V_PMAXSD, 2, 1);
      x64_vec_rr (b, V_CVTTPS2DQ, 0, 0);
      x64_vec_rr (b, V_PADDD, 0, 2);
      return true;
    case 0xfb: /* f32x4.convert_i32x4_u: low 16 bits and high 16 bits exactly, one rounding */
      zero (b, 1);
      x64_vec_rri (b, V_PBLENDW, 1, 0, 0x55);
      x64_vec_rr (b, V_PSUBD, 0, 1);
      x64_vec_rr (b, V_CVTDQ2PS, 1, 1);
      x64_vec_shift (b, V_PSRLD_I, 0, 1);
      x64_vec_rr (b, V_CVTDQ2PS, 0, 0);
      x64_vec_rr (b, V_ADDPS, 0, 0);
      x64_vec_rr (b, V_ADDPS, 0, 1);
      return true;
    case 0xfc: /* i32x4.trunc_sat_f64x2_s_zero: NaN -> 0, clamp above at INT32_MAX */
      vmov (b, 1, 0);
      x64_vec_rri (b, V_CMPPD, 1, 0, 0);
      splat64 (b, 2, 0x41dfffffffc00000ull); /* 2147483647.0 */
      x64_vec_rr (b, V_PAND, 1, 2);
      x64_vec_rr (b, V_MINPD, 0, 1);
      x64_vec_rr (b, V_CVTTPD2DQ, 0, 0);
      return true;
    case 0xfd: /* _u_zero: clamp to [0, 2^32-1], truncate, read the low mantissa of x + 2^52 */
      zero (b, 1);
      x64_vec_rr (b, V_MAXPD, 0, 1);
      splat64 (b, 2, 0x41efffffffe00000ull); /* 4294967295.0 */
      x64_vec_rr (b, V_MINPD, 0, 2);
      x64_vec_rri (b, V_ROUNDPD, 0, 0, 3);
      splat64 (b, 2, 0x4330000000000000ull);
      x64_vec_rr (b, V_ADDPD, 0, 2);
      x64_vec_rri (b, V_SHUFPS, 0, 1, 0x88);
      return true;
    case 0xff: /* f64x2.convert_low_i32x4_u: 2^52 + x exactly, minus 2^52 */
      splat32 (b, 1, 0x43300000);
      x64_vec_rr (b, V_UNPCKLPS, 0, 1);
      splat64 (b, 1, 0x4330000000000000ull);
      x64_vec_rr (b, V_SUBPD, 0, 1);
      return true;
    }
  return false;
}

/* OP_simd [op, dst, flags, a, b, c, fn (2 words), imm (4 words)]. */
static bool emit_simd (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  int opc = simd_opcode_of (w, 6);
  if (opc < 0)
    return false;
  uint32_t flags = w[2];
  size_t start = b->len;
  for (int k = 0; k < 3; k++)
    if (flags & (1u << k))
      vload (b, k, w[3 + k]);
  bool done = flags & 16 ? emit_to_vector (fc, opc, w) : emit_to_scalar (fc, opc, w);
  if (!done)
    {
      b->len = start; /* nothing was recorded but bytes: the stub takes over */
      return false;
    }
  if (flags & 16)
    vstore (fc, w[1], 0);
  return true;
}

/* OP_simd_load [op, dst, addr, offset, bytes, fn]. */
static bool emit_load (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  int opc = simd_opcode_of (w, 5);
  x64_mem m = x64_emit_mem (fc, RDX, w[2], 0, w[3]);
  static const x64_vec widen[] = { V_PMOVSXBW, V_PMOVZXBW, V_PMOVSXWD, V_PMOVZXWD, V_PMOVSXDQ, V_PMOVZXDQ };
  switch (opc)
    {
    case 0x00: x64_vec_rm (b, V_MOVDQU_LOAD, 0, m); break;
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      x64_vec_rm (b, widen[opc - 1], 0, m);
      break;
    case 0x07: case 0x08: /* load8/16_splat */
      x64_load (b, opc == 0x07 ? W_U8 : W_U16, RAX, m);
      x64_movq_xr (b, false, 0, RAX);
      if (opc == 0x07)
        {
          zero (b, 1);
          x64_vec_rr (b, V_PSHUFB, 0, 1);
        }
      else
        {
          x64_vec_rri (b, V_PSHUFLW, 0, 0, 0);
          x64_vec_rri (b, V_PSHUFD, 0, 0, 0);
        }
      break;
    case 0x09: case 0x5c: /* load32_splat, load32_zero */
      x64_vec_rm (b, V_MOVD_LOAD, 0, m);
      if (opc == 0x09)
        x64_vec_rri (b, V_PSHUFD, 0, 0, 0);
      break;
    case 0x0a: case 0x5d: /* load64_splat, load64_zero */
      x64_vec_rm (b, V_MOVQ_LOAD, 0, m);
      if (opc == 0x0a)
        x64_vec_rr (b, V_PUNPCKLQDQ, 0, 0);
      break;
    default:
      return false;
    }
  vstore (fc, w[1], 0);
  return true;
}

/* OP_simd_load_lane [op, dst, addr, vec, offset, bytes, lane, fn]; OP_simd_store_lane the
 * same without a result. */
static void emit_lane_access (fn_compiler *fc, const uint32_t *w, bool store)
{
  x64_buf *b = x64_emit_buf (fc);
  uint32_t bytes = w[5];
  uint8_t lane = (uint8_t) w[6];
  vload (b, 0, w[3]);
  x64_mem m = x64_emit_mem (fc, RDX, w[2], 0, w[4]);
  if (store)
    {
      x64_vec op = bytes == 1 ? V_PEXTRB : bytes == 2 ? V_PEXTRW_M : bytes == 4 ? V_PEXTRD : V_PEXTRQ;
      x64_vec_rmi (b, op, 0, m, lane);
      return;
    }
  x64_vec op = bytes == 1 ? V_PINSRB : bytes == 2 ? V_PINSRW : bytes == 4 ? V_PINSRD : V_PINSRQ;
  x64_vec_rmi (b, op, 0, m, lane);
  vstore (fc, w[1], 0);
}

/* v128 moves that need only SSE2: constants, select, globals. */
static bool emit_v128_move (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  switch (w[0])
    {
    case OP_const128: /* [op, dst, 4 words] */
      for (int h = 0; h < 2; h++)
        {
          x64_mov_ri (b, RAX, w[2 + 2 * h] | (uint64_t) w[3 + 2 * h] << 32);
          x64_store (b, 8, X64_SLOT (w[1] + h), RAX);
          x64_emit_written (fc, w[1] + h);
        }
      return true;
    case OP_select128: /* [op, dst, a, b, cond] */
      {
        x64_emit_load (fc, W_U32, RCX, w[4]);
        vload (b, 0, w[2]);
        x64_test_rr (b, false, RCX, RCX);
        size_t keep = x64_jcc (b, CC_NE);
        vload (b, 0, w[3]);
        x64_patch_rel32 (b, keep, b->len);
        vstore (fc, w[1], 0);
        return true;
      }
    case OP_global_get128: /* [op, dst, global] */
    case OP_global_set128: /* [op, global, src] */
      {
        bool get = w[0] == OP_global_get128;
        x64_load (b, W_64, RCX, x64_at (INST, offsetof (wasm_instance, globals)));
        x64_load (b, W_64, RCX, x64_at (RCX, (int32_t) ((get ? w[2] : w[1]) * 8)));
        x64_mem val = x64_at (RCX, offsetof (wasm_global, val));
        if (get)
          {
            x64_vec_rm (b, V_MOVDQU_LOAD, 0, val);
            vstore (fc, w[1], 0);
          }
        else
          {
            vload (b, 0, w[2]);
            x64_vec_rm (b, V_MOVDQU_STORE, 0, val);
          }
        return true;
      }
    }
  return false;
}

bool x64_simd_emit (fn_compiler *fc)
{
  const uint32_t *w = x64_emit_words (fc);
  switch (w[0])
    {
    case OP_const128: case OP_select128: case OP_global_get128: case OP_global_set128:
      return emit_v128_move (fc, w);
    case OP_simd: case OP_simd_load: case OP_simd_load_lane: case OP_simd_store: case OP_simd_store_lane:
      break;
    default:
      return false;
    }
  if (!x64_cpu_features ()->sse41)
    return false;
  x64_buf *b = x64_emit_buf (fc);
  switch (w[0])
    {
    case OP_simd:
      return emit_simd (fc, w);
    case OP_simd_load:
      return emit_load (fc, w);
    case OP_simd_store: /* [op, addr, value, offset] */
      {
        vload (b, 0, w[2]);
        x64_vec_rm (b, V_MOVDQU_STORE, 0, x64_emit_mem (fc, RDX, w[1], 0, w[3]));
        return true;
      }
    case OP_simd_load_lane:
      emit_lane_access (fc, w, false);
      return true;
    default:
      emit_lane_access (fc, w, true);
      return true;
    }
}
