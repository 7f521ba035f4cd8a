/* A small x86-64 assembler: appends encoded instructions to a growable byte buffer. It knows
 * nothing of WebAssembly; the compiler (x64_compile.c) decides what to emit. Every encoder
 * goes through one ModRM/SIB/REX routine (x64_asm.c), and tests/unit/x64_asm_test.c checks
 * the bytes of each instruction form against objdump. */
#ifndef RUNWASM_WASM_JIT_X64_ASM_H
#define RUNWASM_WASM_JIT_X64_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum x64_reg {
  RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15, X64_NOREG = -1
} x64_reg;
/* xmm registers are numbered 0-15 and passed where an instruction expects a vector register. */

typedef struct x64_buf {
  uint8_t *p;
  size_t len, cap;
  bool oom; /* an allocation failed: the buffer is unusable */
} x64_buf;

/* [base + index*scale + disp]; index X64_NOREG for none. */
typedef struct x64_mem {
  x64_reg base, index;
  uint8_t scale;
  int32_t disp;
} x64_mem;

static inline x64_mem x64_at (x64_reg base, int32_t disp) { return (x64_mem){ base, X64_NOREG, 1, disp }; }
static inline x64_mem x64_at_index (x64_reg base, x64_reg index, int32_t disp)
{
  return (x64_mem){ base, index, 1, disp };
}

/* ALU ops with the classic 8-way encoding (00-3f, 81/83 /digit). */
typedef enum x64_alu { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP } x64_alu;
/* Shift/rotate /digit of C1/D3. */
typedef enum x64_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 } x64_shift;
/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum x64_cc {
  CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G
} x64_cc;
/* Loads: how the value is extended into the destination register. */
typedef enum x64_width { W_U8, W_S8, W_U16, W_S16, W_U32, W_S32, W_64 } x64_width;

/* Scalar SSE ops: mandatory prefix and opcode (after 0F). */
typedef enum x64_sse {
  SSE_MOVSS_LOAD, SSE_MOVSS_STORE, SSE_MOVSD_LOAD, SSE_MOVSD_STORE, SSE_MOVUPS_LOAD, SSE_MOVUPS_STORE, SSE_MOVAPS,
  SSE_ADDSS, SSE_SUBSS, SSE_MULSS, SSE_DIVSS, SSE_SQRTSS,
  SSE_ADDSD, SSE_SUBSD, SSE_MULSD, SSE_DIVSD, SSE_SQRTSD,
  SSE_UCOMISS, SSE_UCOMISD, SSE_CVTSS2SD, SSE_CVTSD2SS,
  SSE_COUNT
} x64_sse;

void x64_buf_free (x64_buf *b);
/* Room for n more bytes; false (and b->oom) if out of memory. */
bool x64_reserve (x64_buf *b, size_t n);
void x64_byte (x64_buf *b, uint8_t v);
void x64_u32 (x64_buf *b, uint32_t v);
void x64_patch_u32 (x64_buf *b, size_t at, uint32_t v);

void x64_alu_rr (x64_buf *b, x64_alu op, bool w64, x64_reg dst, x64_reg src);
void x64_alu_rm (x64_buf *b, x64_alu op, bool w64, x64_reg dst, x64_mem src);
void x64_alu_mr (x64_buf *b, x64_alu op, bool w64, x64_mem dst, x64_reg src);
void x64_alu_ri (x64_buf *b, x64_alu op, bool w64, x64_reg dst, int32_t imm);
void x64_alu_mi (x64_buf *b, x64_alu op, bool w64, x64_mem dst, int32_t imm);
void x64_test_rr (x64_buf *b, bool w64, x64_reg a, x64_reg c);
void x64_mov_rr (x64_buf *b, bool w64, x64_reg dst, x64_reg src);
void x64_mov_ri (x64_buf *b, x64_reg dst, uint64_t imm); /* picks the shortest encoding */
void x64_mov_mi (x64_buf *b, bool w64, x64_mem dst, int32_t imm);
void x64_load (x64_buf *b, x64_width w, x64_reg dst, x64_mem src);
void x64_store (x64_buf *b, unsigned bytes, x64_mem dst, x64_reg src);
void x64_lea (x64_buf *b, x64_reg dst, x64_mem src);
void x64_lea32 (x64_buf *b, x64_reg dst, x64_mem src); /* 32-bit result: the sum wraps at 2^32 */
void x64_shift_cl (x64_buf *b, x64_shift op, bool w64, x64_reg dst);
void x64_shift_ri (x64_buf *b, x64_shift op, bool w64, x64_reg dst, uint8_t count);
void x64_imul_rr (x64_buf *b, bool w64, x64_reg dst, x64_reg src);
void x64_imul_rm (x64_buf *b, bool w64, x64_reg dst, x64_mem src);
void x64_setcc (x64_buf *b, x64_cc cc, x64_reg dst); /* low byte */
void x64_movzx8_rr (x64_buf *b, x64_reg dst, x64_reg src);
void x64_movsx_rr (x64_buf *b, x64_width w, x64_reg dst, x64_reg src); /* W_S8, W_S16, W_S32 */
void x64_cmov (x64_buf *b, x64_cc cc, bool w64, x64_reg dst, x64_reg src);
void x64_cdq (x64_buf *b, bool w64);                                  /* cdq / cqo */
void x64_div (x64_buf *b, bool is_signed, bool w64, x64_reg divisor); /* div / idiv */
/* lea dst, [rip + disp]: returns the offset of the displacement, for x64_patch_rel32. */
size_t x64_lea_rip (x64_buf *b, x64_reg dst);
void x64_push (x64_buf *b, x64_reg r);
void x64_push_imm32 (x64_buf *b, int32_t imm); /* sign-extended to 64 bits */
void x64_pop (x64_buf *b, x64_reg r);
void x64_ret (x64_buf *b);
void x64_ud2 (x64_buf *b);
void x64_rep_stosq (x64_buf *b);
void x64_call_r (x64_buf *b, x64_reg target);
void x64_jmp_r (x64_buf *b, x64_reg target);
/* rel32 branches return the offset of their displacement, for x64_patch_rel32. */
size_t x64_jcc (x64_buf *b, x64_cc cc);
size_t x64_jmp (x64_buf *b);
size_t x64_jmp_rip_mem (x64_buf *b); /* jmp qword [rip + disp32]: the disp is patched like a rel32 */
size_t x64_call (x64_buf *b);
void x64_patch_rel32 (x64_buf *b, size_t disp_at, size_t target);

void x64_sse_rr (x64_buf *b, x64_sse op, int xdst, int xsrc);
void x64_sse_rm (x64_buf *b, x64_sse op, int xreg, x64_mem m); /* loads, arithmetic, and stores */
void x64_cvtsi2s (x64_buf *b, bool dbl, bool src64, int xdst, x64_reg src); /* cvtsi2ss/sd */
void x64_movq_xr (x64_buf *b, bool w64, int xdst, x64_reg src);             /* movd/movq xmm, r */
void x64_movq_rx (x64_buf *b, bool w64, x64_reg dst, int xsrc);             /* movd/movq r, xmm */

/* ---- Packed SSE (SSE2 to SSE4.2) and the bit-count instructions ----
 * Each x64_vec names one opcode (prefix, 0F / 0F 38 / 0F 3A map, byte, REX.W, and the /digit
 * of the shift-by-immediate group). The operands are given as ModRM fields: `reg` is the
 * destination of most ops, but the xmm source of stores and pextr*, and the general register
 * of pmovmskb, movmskps/pd, pextrw (C5) and cvtts*2si; `rm` the other operand. Which CPU
 * feature each op needs is the caller's business (x64_cpu.h). */
typedef enum x64_vec {
  V_MOVDQU_LOAD, V_MOVDQU_STORE, V_MOVDQA, V_MOVD_LOAD, V_MOVQ_LOAD, V_MOVQ_XR, V_MOVQ_RX,
  V_PADDB, V_PADDW, V_PADDD, V_PADDQ, V_PSUBB, V_PSUBW, V_PSUBD, V_PSUBQ,
  V_PADDSB, V_PADDSW, V_PADDUSB, V_PADDUSW, V_PSUBSB, V_PSUBSW, V_PSUBUSB, V_PSUBUSW,
  V_PMULLW, V_PMULHW, V_PMULHUW, V_PMULUDQ, V_PMADDWD, V_PAVGB, V_PAVGW,
  V_PMINUB, V_PMAXUB, V_PMINSW, V_PMAXSW,
  V_PCMPEQB, V_PCMPEQW, V_PCMPEQD, V_PCMPGTB, V_PCMPGTW, V_PCMPGTD,
  V_PAND, V_PANDN, V_POR, V_PXOR,
  V_PACKSSWB, V_PACKSSDW, V_PACKUSWB,
  V_PUNPCKLBW, V_PUNPCKHBW, V_PUNPCKLWD, V_PUNPCKHWD, V_PUNPCKLDQ, V_PUNPCKLQDQ, V_PUNPCKHQDQ,
  V_PSHUFD, V_PSHUFLW, V_PSHUFHW, V_PMOVMSKB, V_PEXTRW, V_PINSRW,
  V_PSLLW, V_PSLLD, V_PSLLQ, V_PSRLW, V_PSRLD, V_PSRLQ, V_PSRAW, V_PSRAD, /* count in an xmm */
  V_PSRLW_I, V_PSRAW_I, V_PSLLW_I, V_PSRLD_I, V_PSRAD_I, V_PSLLD_I,     /* count immediate */
  V_PSRLQ_I, V_PSRLDQ_I, V_PSLLQ_I, V_PSLLDQ_I,
  /* SSSE3 */
  V_PSHUFB, V_PMADDUBSW, V_PMULHRSW, V_PABSB, V_PABSW, V_PABSD,
  /* SSE4.1 */
  V_PMOVSXBW, V_PMOVSXWD, V_PMOVSXDQ, V_PMOVZXBW, V_PMOVZXWD, V_PMOVZXDQ, V_PTEST, V_PCMPEQQ,
  V_PACKUSDW, V_PMINSB, V_PMINSD, V_PMINUW, V_PMINUD, V_PMAXSB, V_PMAXSD, V_PMAXUW, V_PMAXUD,
  V_PMULLD, V_PMULDQ, V_ROUNDPS, V_ROUNDPD, V_ROUNDSS, V_ROUNDSD, V_PBLENDW,
  V_PEXTRB, V_PEXTRW_M, V_PEXTRD, V_PEXTRQ, V_PINSRB, V_PINSRD, V_PINSRQ,
  /* SSE4.2 */
  V_PCMPGTQ,
  /* float lanes (SSE/SSE2) */
  V_ADDPS, V_ADDPD, V_SUBPS, V_SUBPD, V_MULPS, V_MULPD, V_DIVPS, V_DIVPD, V_SQRTPS, V_SQRTPD,
  V_MINPS, V_MINPD, V_MAXPS, V_MAXPD, V_MINSS, V_MINSD, V_MAXSS, V_MAXSD,
  V_ANDPS, V_ANDNPS, V_ORPS, V_XORPS, V_CMPPS, V_CMPPD, V_CMPSS, V_CMPSD, V_SHUFPS, V_UNPCKLPS,
  V_MOVMSKPS, V_MOVMSKPD, V_CVTDQ2PS, V_CVTTPS2DQ, V_CVTDQ2PD, V_CVTTPD2DQ, V_CVTPS2PD, V_CVTPD2PS,
  V_CVTTSS2SI, V_CVTTSS2SI64, V_CVTTSD2SI, V_CVTTSD2SI64,
  /* general registers: popcnt, lzcnt, tzcnt (their own CPUID bits) and the 386 bit scans */
  V_POPCNT, V_POPCNT64, V_LZCNT, V_LZCNT64, V_TZCNT, V_TZCNT64, V_BSR, V_BSR64, V_BSF, V_BSF64,
  V_COUNT
} x64_vec;

void x64_vec_rr (x64_buf *b, x64_vec op, int reg, int rm);
void x64_vec_rm (x64_buf *b, x64_vec op, int reg, x64_mem rm);
void x64_vec_rri (x64_buf *b, x64_vec op, int reg, int rm, uint8_t imm);
void x64_vec_rmi (x64_buf *b, x64_vec op, int reg, x64_mem rm, uint8_t imm);
/* The shift-by-immediate group (V_*_I): xmm x shifted by count. */
void x64_vec_shift (x64_buf *b, x64_vec op, int x, uint8_t count);
void x64_rep_movsb (x64_buf *b);
void x64_rep_stosb (x64_buf *b);

#endif
