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
