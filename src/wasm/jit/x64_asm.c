/* x86-64 encoder. Every instruction is: optional mandatory prefix (66/F2/F3), optional REX,
 * 1-3 opcode bytes, ModRM (+ SIB + displacement) and an optional immediate; enc() builds
 * all but the immediate from a table entry or the caller's opcode. */
#include <stdlib.h>
#include <string.h>

#include "wasm/jit/x64_asm.h"

void x64_buf_free (x64_buf *b)
{
  free (b->p);
  *b = (x64_buf){ 0 };
}

bool x64_reserve (x64_buf *b, size_t n)
{
  if (b->oom)
    return false;
  if (b->len + n <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap * 2 : 4096;
  while (cap < b->len + n)
    cap *= 2;
  uint8_t *p = realloc (b->p, cap);
  if (!p)
    {
      b->oom = true;
      return false;
    }
  b->p = p;
  b->cap = cap;
  return true;
}

void x64_byte (x64_buf *b, uint8_t v)
{
  if (x64_reserve (b, 1))
    b->p[b->len++] = v;
}

void x64_u32 (x64_buf *b, uint32_t v)
{
  if (x64_reserve (b, 4))
    {
      memcpy (b->p + b->len, &v, 4);
      b->len += 4;
    }
}

static void u64 (x64_buf *b, uint64_t v)
{
  x64_u32 (b, (uint32_t) v);
  x64_u32 (b, (uint32_t) (v >> 32));
}

void x64_patch_u32 (x64_buf *b, size_t at, uint32_t v)
{
  if (!b->oom)
    memcpy (b->p + at, &v, 4);
}

/* The r/m operand: a register or a memory reference. */
typedef struct rm_t {
  bool is_mem;
  x64_reg reg;
  x64_mem mem;
} rm_t;

static rm_t R (int r) { return (rm_t){ .reg = (x64_reg) r }; }
static rm_t M (x64_mem m) { return (rm_t){ .is_mem = true, .mem = m }; }

enum { BYTE_REGS = 1 }; /* the operands are 8-bit registers: spl..dil need a REX prefix */

/* The longest encoding enc() produces: prefix, REX, 3 opcode bytes, ModRM, SIB, disp32. */
#define ENC_MAX 12

static void enc (x64_buf *b, uint8_t prefix, bool w, const uint8_t *opc, int nopc, int reg, rm_t rm, int flags)
{
  if (!x64_reserve (b, ENC_MAX))
    return;
  uint8_t *start = b->p + b->len, *o = start;
#define x64_byte(b, v) (*o++ = (uint8_t) (v))
  if (prefix)
    x64_byte (b, prefix);
  unsigned rex = (w ? 8 : 0) | (reg & 8 ? 4 : 0);
  if (rm.is_mem)
    rex |= (rm.mem.index != X64_NOREG && (rm.mem.index & 8) ? 2 : 0) | (rm.mem.base & 8 ? 1 : 0);
  else
    rex |= rm.reg & 8 ? 1 : 0;
  bool byte_rex = (flags & BYTE_REGS) && ((reg >= 4 && reg < 8) || (!rm.is_mem && rm.reg >= 4 && rm.reg < 8));
  if (rex || byte_rex)
    x64_byte (b, (uint8_t) (0x40 | rex));
  for (int i = 0; i < nopc; i++)
    x64_byte (b, opc[i]);
  if (!rm.is_mem)
    {
      x64_byte (b, (uint8_t) (0xc0 | (reg & 7) << 3 | (rm.reg & 7)));
      b->len += (size_t) (o - start);
      return;
    }
  x64_mem m = rm.mem;
  int mod = m.disp == 0 && (m.base & 7) != 5 ? 0 : m.disp >= -128 && m.disp <= 127 ? 1 : 2;
  if (m.index == X64_NOREG && (m.base & 7) != 4)
    x64_byte (b, (uint8_t) (mod << 6 | (reg & 7) << 3 | (m.base & 7)));
  else
    {
      int ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
      int index = m.index == X64_NOREG ? 4 : m.index & 7;
      x64_byte (b, (uint8_t) (mod << 6 | (reg & 7) << 3 | 4));
      x64_byte (b, (uint8_t) (ss << 6 | index << 3 | (m.base & 7)));
    }
  if (mod == 1)
    x64_byte (b, (uint8_t) (int8_t) m.disp);
  else if (mod == 2)
    {
      memcpy (o, &m.disp, 4);
      o += 4;
    }
  b->len += (size_t) (o - start);
#undef x64_byte
}

static void enc1 (x64_buf *b, bool w, uint8_t opc, int reg, rm_t rm)
{
  enc (b, 0, w, &opc, 1, reg, rm, 0);
}

static void enc2 (x64_buf *b, uint8_t prefix, bool w, uint8_t opc, int reg, rm_t rm, int flags)
{
  const uint8_t o[2] = { 0x0f, opc };
  enc (b, prefix, w, o, 2, reg, rm, flags);
}

static bool fits8 (int32_t v) { return v >= -128 && v <= 127; }

void x64_alu_rr (x64_buf *b, x64_alu op, bool w64, x64_reg dst, x64_reg src)
{
  enc1 (b, w64, (uint8_t) (op << 3 | 1), src, R (dst));
}

void x64_alu_rm (x64_buf *b, x64_alu op, bool w64, x64_reg dst, x64_mem src)
{
  enc1 (b, w64, (uint8_t) (op << 3 | 3), dst, M (src));
}

void x64_alu_mr (x64_buf *b, x64_alu op, bool w64, x64_mem dst, x64_reg src)
{
  enc1 (b, w64, (uint8_t) (op << 3 | 1), src, M (dst));
}

static void alu_imm (x64_buf *b, x64_alu op, bool w64, rm_t dst, int32_t imm)
{
  if (fits8 (imm))
    {
      enc1 (b, w64, 0x83, op, dst);
      x64_byte (b, (uint8_t) (int8_t) imm);
    }
  else
    {
      enc1 (b, w64, 0x81, op, dst);
      x64_u32 (b, (uint32_t) imm);
    }
}

void x64_alu_ri (x64_buf *b, x64_alu op, bool w64, x64_reg dst, int32_t imm) { alu_imm (b, op, w64, R (dst), imm); }
void x64_alu_mi (x64_buf *b, x64_alu op, bool w64, x64_mem dst, int32_t imm) { alu_imm (b, op, w64, M (dst), imm); }

void x64_test_rr (x64_buf *b, bool w64, x64_reg a, x64_reg c) { enc1 (b, w64, 0x85, c, R (a)); }
void x64_mov_rr (x64_buf *b, bool w64, x64_reg dst, x64_reg src) { enc1 (b, w64, 0x89, src, R (dst)); }

void x64_mov_ri (x64_buf *b, x64_reg dst, uint64_t imm)
{
  if (imm == 0)
    x64_alu_rr (b, ALU_XOR, false, dst, dst);
  else if (imm <= UINT32_MAX)
    {
      if (dst & 8)
        x64_byte (b, 0x41);
      x64_byte (b, (uint8_t) (0xb8 | (dst & 7)));
      x64_u32 (b, (uint32_t) imm);
    }
  else if ((int64_t) imm >= INT32_MIN && (int64_t) imm <= INT32_MAX)
    {
      enc1 (b, true, 0xc7, 0, R (dst));
      x64_u32 (b, (uint32_t) imm);
    }
  else
    {
      x64_byte (b, (uint8_t) (0x48 | (dst & 8 ? 1 : 0)));
      x64_byte (b, (uint8_t) (0xb8 | (dst & 7)));
      u64 (b, imm);
    }
}

void x64_mov_mi (x64_buf *b, bool w64, x64_mem dst, int32_t imm)
{
  enc1 (b, w64, 0xc7, 0, M (dst));
  x64_u32 (b, (uint32_t) imm);
}

void x64_load (x64_buf *b, x64_width w, x64_reg dst, x64_mem src)
{
  switch (w)
    {
    case W_U8: enc2 (b, 0, false, 0xb6, dst, M (src), 0); break;
    case W_S8: enc2 (b, 0, false, 0xbe, dst, M (src), 0); break;
    case W_U16: enc2 (b, 0, false, 0xb7, dst, M (src), 0); break;
    case W_S16: enc2 (b, 0, false, 0xbf, dst, M (src), 0); break;
    case W_U32: enc1 (b, false, 0x8b, dst, M (src)); break;
    case W_S32: enc1 (b, true, 0x63, dst, M (src)); break;
    case W_64: enc1 (b, true, 0x8b, dst, M (src)); break;
    }
}

void x64_store (x64_buf *b, unsigned bytes, x64_mem dst, x64_reg src)
{
  switch (bytes)
    {
    case 1: enc (b, 0, false, (const uint8_t[]){ 0x88 }, 1, src, M (dst), BYTE_REGS); break;
    case 2: enc (b, 0x66, false, (const uint8_t[]){ 0x89 }, 1, src, M (dst), 0); break;
    case 4: enc1 (b, false, 0x89, src, M (dst)); break;
    default: enc1 (b, true, 0x89, src, M (dst)); break;
    }
}

void x64_lea (x64_buf *b, x64_reg dst, x64_mem src) { enc1 (b, true, 0x8d, dst, M (src)); }
void x64_lea32 (x64_buf *b, x64_reg dst, x64_mem src) { enc1 (b, false, 0x8d, dst, M (src)); }
void x64_shift_cl (x64_buf *b, x64_shift op, bool w64, x64_reg dst) { enc1 (b, w64, 0xd3, op, R (dst)); }

void x64_shift_ri (x64_buf *b, x64_shift op, bool w64, x64_reg dst, uint8_t count)
{
  enc1 (b, w64, 0xc1, op, R (dst));
  x64_byte (b, count);
}

void x64_imul_rr (x64_buf *b, bool w64, x64_reg dst, x64_reg src) { enc2 (b, 0, w64, 0xaf, dst, R (src), 0); }
void x64_imul_rm (x64_buf *b, bool w64, x64_reg dst, x64_mem src) { enc2 (b, 0, w64, 0xaf, dst, M (src), 0); }
void x64_setcc (x64_buf *b, x64_cc cc, x64_reg dst) { enc2 (b, 0, false, (uint8_t) (0x90 | cc), 0, R (dst), BYTE_REGS); }
void x64_movzx8_rr (x64_buf *b, x64_reg dst, x64_reg src) { enc2 (b, 0, false, 0xb6, dst, R (src), BYTE_REGS); }

void x64_movsx_rr (x64_buf *b, x64_width w, x64_reg dst, x64_reg src)
{
  if (w == W_S32)
    enc1 (b, true, 0x63, dst, R (src));
  else
    enc2 (b, 0, true, w == W_S8 ? 0xbe : 0xbf, dst, R (src), w == W_S8 ? BYTE_REGS : 0);
}

void x64_cmov (x64_buf *b, x64_cc cc, bool w64, x64_reg dst, x64_reg src) { enc2 (b, 0, w64, (uint8_t) (0x40 | cc), dst, R (src), 0); }

void x64_cdq (x64_buf *b, bool w64)
{
  if (w64)
    x64_byte (b, 0x48);
  x64_byte (b, 0x99);
}

void x64_div (x64_buf *b, bool is_signed, bool w64, x64_reg divisor) { enc1 (b, w64, 0xf7, is_signed ? 7 : 6, R (divisor)); }

size_t x64_lea_rip (x64_buf *b, x64_reg dst)
{
  x64_byte (b, (uint8_t) (0x48 | (dst & 8 ? 4 : 0)));
  x64_byte (b, 0x8d);
  x64_byte (b, (uint8_t) ((dst & 7) << 3 | 5));
  size_t at = b->len;
  x64_u32 (b, 0);
  return at;
}

void x64_push (x64_buf *b, x64_reg r)
{
  if (r & 8)
    x64_byte (b, 0x41);
  x64_byte (b, (uint8_t) (0x50 | (r & 7)));
}

void x64_push_imm32 (x64_buf *b, int32_t imm)
{
  x64_byte (b, 0x68);
  x64_u32 (b, (uint32_t) imm);
}

void x64_pop (x64_buf *b, x64_reg r)
{
  if (r & 8)
    x64_byte (b, 0x41);
  x64_byte (b, (uint8_t) (0x58 | (r & 7)));
}

void x64_ret (x64_buf *b) { x64_byte (b, 0xc3); }

void x64_ud2 (x64_buf *b)
{
  x64_byte (b, 0x0f);
  x64_byte (b, 0x0b);
}

void x64_rep_stosq (x64_buf *b)
{
  x64_byte (b, 0xf3);
  x64_byte (b, 0x48);
  x64_byte (b, 0xab);
}

void x64_call_r (x64_buf *b, x64_reg target) { enc1 (b, false, 0xff, 2, R (target)); }
void x64_jmp_r (x64_buf *b, x64_reg target) { enc1 (b, false, 0xff, 4, R (target)); }

size_t x64_jcc (x64_buf *b, x64_cc cc)
{
  x64_byte (b, 0x0f);
  x64_byte (b, (uint8_t) (0x80 | cc));
  size_t at = b->len;
  x64_u32 (b, 0);
  return at;
}

static size_t rel32_op (x64_buf *b, uint8_t opc)
{
  x64_byte (b, opc);
  size_t at = b->len;
  x64_u32 (b, 0);
  return at;
}

size_t x64_jmp (x64_buf *b) { return rel32_op (b, 0xe9); }

size_t x64_jmp_rip_mem (x64_buf *b)
{
  x64_byte (b, 0xff);
  return rel32_op (b, 0x25);
}
size_t x64_call (x64_buf *b) { return rel32_op (b, 0xe8); }

void x64_patch_rel32 (x64_buf *b, size_t disp_at, size_t target)
{
  x64_patch_u32 (b, disp_at, (uint32_t) (int32_t) ((int64_t) target - (int64_t) (disp_at + 4)));
}

/* ---- SSE ---- */

static const struct { uint8_t prefix, opc; } sse_ops[SSE_COUNT] = {
  [SSE_MOVSS_LOAD] = { 0xf3, 0x10 }, [SSE_MOVSS_STORE] = { 0xf3, 0x11 },
  [SSE_MOVSD_LOAD] = { 0xf2, 0x10 }, [SSE_MOVSD_STORE] = { 0xf2, 0x11 },
  [SSE_MOVUPS_LOAD] = { 0, 0x10 },   [SSE_MOVUPS_STORE] = { 0, 0x11 }, [SSE_MOVAPS] = { 0, 0x28 },
  [SSE_ADDSS] = { 0xf3, 0x58 }, [SSE_SUBSS] = { 0xf3, 0x5c }, [SSE_MULSS] = { 0xf3, 0x59 },
  [SSE_DIVSS] = { 0xf3, 0x5e }, [SSE_SQRTSS] = { 0xf3, 0x51 },
  [SSE_ADDSD] = { 0xf2, 0x58 }, [SSE_SUBSD] = { 0xf2, 0x5c }, [SSE_MULSD] = { 0xf2, 0x59 },
  [SSE_DIVSD] = { 0xf2, 0x5e }, [SSE_SQRTSD] = { 0xf2, 0x51 },
  [SSE_UCOMISS] = { 0, 0x2e }, [SSE_UCOMISD] = { 0x66, 0x2e },
  [SSE_CVTSS2SD] = { 0xf3, 0x5a }, [SSE_CVTSD2SS] = { 0xf2, 0x5a },
};

void x64_sse_rr (x64_buf *b, x64_sse op, int xdst, int xsrc)
{
  enc2 (b, sse_ops[op].prefix, false, sse_ops[op].opc, xdst, R (xsrc), 0);
}

void x64_sse_rm (x64_buf *b, x64_sse op, int xreg, x64_mem m)
{
  enc2 (b, sse_ops[op].prefix, false, sse_ops[op].opc, xreg, M (m), 0);
}

void x64_cvtsi2s (x64_buf *b, bool dbl, bool src64, int xdst, x64_reg src)
{
  enc2 (b, dbl ? 0xf2 : 0xf3, src64, 0x2a, xdst, R (src), 0);
}

void x64_movq_xr (x64_buf *b, bool w64, int xdst, x64_reg src) { enc2 (b, 0x66, w64, 0x6e, xdst, R (src), 0); }
void x64_movq_rx (x64_buf *b, bool w64, x64_reg dst, int xsrc) { enc2 (b, 0x66, w64, 0x7e, xsrc, R (dst), 0); }

/* ---- Packed SSE and bit counts ---- */

enum { MAP_0F = 1, MAP_0F38, MAP_0F3A };
enum { VEC_W = 1, VEC_DIGIT = 2 }; /* REX.W; ModRM.reg is the /digit in `digit` */

static const struct { uint8_t prefix, map, opc, flags, digit; } vec_ops[V_COUNT] = {
#define P66(name, opc) [V_##name] = { 0x66, MAP_0F, opc, 0, 0 }
#define P38(name, opc) [V_##name] = { 0x66, MAP_0F38, opc, 0, 0 }
#define P3A(name, opc) [V_##name] = { 0x66, MAP_0F3A, opc, 0, 0 }
#define PSH(name, opc, d) [V_##name] = { 0x66, MAP_0F, opc, VEC_DIGIT, d }
  [V_MOVDQU_LOAD] = { 0xf3, MAP_0F, 0x6f, 0, 0 }, [V_MOVDQU_STORE] = { 0xf3, MAP_0F, 0x7f, 0, 0 },
  P66 (MOVDQA, 0x6f), P66 (MOVD_LOAD, 0x6e), [V_MOVQ_LOAD] = { 0xf3, MAP_0F, 0x7e, 0, 0 },
  [V_MOVQ_XR] = { 0x66, MAP_0F, 0x6e, VEC_W, 0 }, [V_MOVQ_RX] = { 0x66, MAP_0F, 0x7e, VEC_W, 0 },
  P66 (PADDB, 0xfc), P66 (PADDW, 0xfd), P66 (PADDD, 0xfe), P66 (PADDQ, 0xd4),
  P66 (PSUBB, 0xf8), P66 (PSUBW, 0xf9), P66 (PSUBD, 0xfa), P66 (PSUBQ, 0xfb),
  P66 (PADDSB, 0xec), P66 (PADDSW, 0xed), P66 (PADDUSB, 0xdc), P66 (PADDUSW, 0xdd),
  P66 (PSUBSB, 0xe8), P66 (PSUBSW, 0xe9), P66 (PSUBUSB, 0xd8), P66 (PSUBUSW, 0xd9),
  P66 (PMULLW, 0xd5), P66 (PMULHW, 0xe5), P66 (PMULHUW, 0xe4), P66 (PMULUDQ, 0xf4),
  P66 (PMADDWD, 0xf5), P66 (PAVGB, 0xe0), P66 (PAVGW, 0xe3),
  P66 (PMINUB, 0xda), P66 (PMAXUB, 0xde), P66 (PMINSW, 0xea), P66 (PMAXSW, 0xee),
  P66 (PCMPEQB, 0x74), P66 (PCMPEQW, 0x75), P66 (PCMPEQD, 0x76),
  P66 (PCMPGTB, 0x64), P66 (PCMPGTW, 0x65), P66 (PCMPGTD, 0x66),
  P66 (PAND, 0xdb), P66 (PANDN, 0xdf), P66 (POR, 0xeb), P66 (PXOR, 0xef),
  P66 (PACKSSWB, 0x63), P66 (PACKSSDW, 0x6b), P66 (PACKUSWB, 0x67),
  P66 (PUNPCKLBW, 0x60), P66 (PUNPCKHBW, 0x68), P66 (PUNPCKLWD, 0x61), P66 (PUNPCKHWD, 0x69),
  P66 (PUNPCKLDQ, 0x62), P66 (PUNPCKLQDQ, 0x6c), P66 (PUNPCKHQDQ, 0x6d),
  P66 (PSHUFD, 0x70), [V_PSHUFLW] = { 0xf2, MAP_0F, 0x70, 0, 0 }, [V_PSHUFHW] = { 0xf3, MAP_0F, 0x70, 0, 0 },
  P66 (PMOVMSKB, 0xd7), P66 (PEXTRW, 0xc5), P66 (PINSRW, 0xc4),
  P66 (PSLLW, 0xf1), P66 (PSLLD, 0xf2), P66 (PSLLQ, 0xf3), P66 (PSRLW, 0xd1), P66 (PSRLD, 0xd2),
  P66 (PSRLQ, 0xd3), P66 (PSRAW, 0xe1), P66 (PSRAD, 0xe2),
  PSH (PSRLW_I, 0x71, 2), PSH (PSRAW_I, 0x71, 4), PSH (PSLLW_I, 0x71, 6),
  PSH (PSRLD_I, 0x72, 2), PSH (PSRAD_I, 0x72, 4), PSH (PSLLD_I, 0x72, 6),
  PSH (PSRLQ_I, 0x73, 2), PSH (PSRLDQ_I, 0x73, 3), PSH (PSLLQ_I, 0x73, 6), PSH (PSLLDQ_I, 0x73, 7),
  P38 (PSHUFB, 0x00), P38 (PMADDUBSW, 0x04), P38 (PMULHRSW, 0x0b),
  P38 (PABSB, 0x1c), P38 (PABSW, 0x1d), P38 (PABSD, 0x1e),
  P38 (PMOVSXBW, 0x20), P38 (PMOVSXWD, 0x23), P38 (PMOVSXDQ, 0x25),
  P38 (PMOVZXBW, 0x30), P38 (PMOVZXWD, 0x33), P38 (PMOVZXDQ, 0x35),
  P38 (PTEST, 0x17), P38 (PCMPEQQ, 0x29), P38 (PACKUSDW, 0x2b),
  P38 (PMINSB, 0x38), P38 (PMINSD, 0x39), P38 (PMINUW, 0x3a), P38 (PMINUD, 0x3b),
  P38 (PMAXSB, 0x3c), P38 (PMAXSD, 0x3d), P38 (PMAXUW, 0x3e), P38 (PMAXUD, 0x3f),
  P38 (PMULLD, 0x40), P38 (PMULDQ, 0x28),
  P3A (ROUNDPS, 0x08), P3A (ROUNDPD, 0x09), P3A (ROUNDSS, 0x0a), P3A (ROUNDSD, 0x0b), P3A (PBLENDW, 0x0e),
  P3A (PEXTRB, 0x14), P3A (PEXTRW_M, 0x15), P3A (PEXTRD, 0x16),
  [V_PEXTRQ] = { 0x66, MAP_0F3A, 0x16, VEC_W, 0 },
  P3A (PINSRB, 0x20), P3A (PINSRD, 0x22), [V_PINSRQ] = { 0x66, MAP_0F3A, 0x22, VEC_W, 0 },
  P38 (PCMPGTQ, 0x37),
#define FP2(name, opc) [V_##name##PS] = { 0, MAP_0F, opc, 0, 0 }, [V_##name##PD] = { 0x66, MAP_0F, opc, 0, 0 }
  FP2 (ADD, 0x58), FP2 (SUB, 0x5c), FP2 (MUL, 0x59), FP2 (DIV, 0x5e), FP2 (SQRT, 0x51),
  FP2 (MIN, 0x5d), FP2 (MAX, 0x5f), FP2 (CMP, 0xc2), FP2 (MOVMSK, 0x50),
  [V_MINSS] = { 0xf3, MAP_0F, 0x5d, 0, 0 }, [V_MINSD] = { 0xf2, MAP_0F, 0x5d, 0, 0 },
  [V_MAXSS] = { 0xf3, MAP_0F, 0x5f, 0, 0 }, [V_MAXSD] = { 0xf2, MAP_0F, 0x5f, 0, 0 },
  [V_CMPSS] = { 0xf3, MAP_0F, 0xc2, 0, 0 }, [V_CMPSD] = { 0xf2, MAP_0F, 0xc2, 0, 0 },
  [V_ANDPS] = { 0, MAP_0F, 0x54, 0, 0 }, [V_ANDNPS] = { 0, MAP_0F, 0x55, 0, 0 },
  [V_ORPS] = { 0, MAP_0F, 0x56, 0, 0 }, [V_XORPS] = { 0, MAP_0F, 0x57, 0, 0 },
  [V_SHUFPS] = { 0, MAP_0F, 0xc6, 0, 0 }, [V_UNPCKLPS] = { 0, MAP_0F, 0x14, 0, 0 },
  [V_CVTDQ2PS] = { 0, MAP_0F, 0x5b, 0, 0 }, [V_CVTTPS2DQ] = { 0xf3, MAP_0F, 0x5b, 0, 0 },
  [V_CVTDQ2PD] = { 0xf3, MAP_0F, 0xe6, 0, 0 }, [V_CVTTPD2DQ] = { 0x66, MAP_0F, 0xe6, 0, 0 },
  [V_CVTPS2PD] = { 0, MAP_0F, 0x5a, 0, 0 }, [V_CVTPD2PS] = { 0x66, MAP_0F, 0x5a, 0, 0 },
  [V_CVTTSS2SI] = { 0xf3, MAP_0F, 0x2c, 0, 0 }, [V_CVTTSS2SI64] = { 0xf3, MAP_0F, 0x2c, VEC_W, 0 },
  [V_CVTTSD2SI] = { 0xf2, MAP_0F, 0x2c, 0, 0 }, [V_CVTTSD2SI64] = { 0xf2, MAP_0F, 0x2c, VEC_W, 0 },
#define GPR2(name, prefix, opc) [V_##name] = { prefix, MAP_0F, opc, 0, 0 }, [V_##name##64] = { prefix, MAP_0F, opc, VEC_W, 0 }
  GPR2 (POPCNT, 0xf3, 0xb8), GPR2 (LZCNT, 0xf3, 0xbd), GPR2 (TZCNT, 0xf3, 0xbc),
  GPR2 (BSR, 0, 0xbd), GPR2 (BSF, 0, 0xbc),
#undef P66
#undef P38
#undef P3A
#undef PSH
#undef FP2
#undef GPR2
};

static void vec_enc (x64_buf *b, x64_vec op, int reg, rm_t rm)
{
  uint8_t o[3] = { 0x0f, vec_ops[op].map == MAP_0F38 ? 0x38 : 0x3a, vec_ops[op].opc };
  int n = 3;
  if (vec_ops[op].map == MAP_0F)
    {
      o[1] = o[2];
      n = 2;
    }
  if (vec_ops[op].flags & VEC_DIGIT)
    reg = vec_ops[op].digit;
  enc (b, vec_ops[op].prefix, vec_ops[op].flags & VEC_W, o, n, reg, rm, 0);
}

void x64_vec_rr (x64_buf *b, x64_vec op, int reg, int rm) { vec_enc (b, op, reg, R (rm)); }
void x64_vec_rm (x64_buf *b, x64_vec op, int reg, x64_mem rm) { vec_enc (b, op, reg, M (rm)); }

void x64_vec_rri (x64_buf *b, x64_vec op, int reg, int rm, uint8_t imm)
{
  vec_enc (b, op, reg, R (rm));
  x64_byte (b, imm);
}

void x64_vec_rmi (x64_buf *b, x64_vec op, int reg, x64_mem rm, uint8_t imm)
{
  vec_enc (b, op, reg, M (rm));
  x64_byte (b, imm);
}

void x64_vec_shift (x64_buf *b, x64_vec op, int x, uint8_t count)
{
  vec_enc (b, op, 0, R (x));
  x64_byte (b, count);
}

void x64_rep_movsb (x64_buf *b)
{
  x64_byte (b, 0xf3);
  x64_byte (b, 0xa4);
}

void x64_rep_stosb (x64_buf *b)
{
  x64_byte (b, 0xf3);
  x64_byte (b, 0xaa);
}

