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

#endif
