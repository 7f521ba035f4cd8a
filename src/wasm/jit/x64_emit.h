/* The part of the function compiler (x64_compile.c) that the instruction emitters living in
 * their own files (x64_simd.c: SIMD; x64_scalar.c: float rounding and conversions, bit
 * counts; x64_bulk.c: bulk memory, tables, references) may use. Internal to the backend.
 *
 * Rules for an emitter: read scalar slots through x64_emit_load / x64_emit_load_float (they
 * know the register copies), report every slot written (x64_emit_result, x64_emit_written),
 * and use as scratch rax, rcx, rdx, r11, xmm0, xmm1 and xmm8-xmm15; once its operands are
 * loaded, also rsi, rdi and every xmm register. That is safe because a function holding
 * any instruction of these emitters pins no slot to a register and keeps no register copy
 * in r11 (uses_scratch_emitters in x64_compile.c: list a new clobbering instruction there),
 * and the copies are forgotten after each such instruction. v128 operands are read
 * straight from their two frame slots (X64_SLOT), which are in memory for the same reason. */
#ifndef RUNWASM_WASM_JIT_X64_EMIT_H
#define RUNWASM_WASM_JIT_X64_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "wasm/jit/x64_abi.h"

typedef struct fn_compiler fn_compiler;

#define X64_SLOT(i) x64_at (FP, (int32_t) ((i) * 8))

x64_buf *x64_emit_buf (fn_compiler *fc);
/* The words of the instruction being compiled. */
const uint32_t *x64_emit_words (const fn_compiler *fc);
/* r = slot (W_U32 or W_64). */
void x64_emit_load (fn_compiler *fc, x64_width w, x64_reg r, uint32_t slot);
/* xmm xr = f32 or f64 slot. */
void x64_emit_load_float (fn_compiler *fc, bool dbl, int xr, uint32_t slot);
/* The instruction's last act: slot = rax (upper_zero: rax's upper half is zero). */
void x64_emit_result (fn_compiler *fc, uint32_t slot, bool upper_zero);
/* The same for a float result in xmm0. */
void x64_emit_float_result (fn_compiler *fc, bool dbl, uint32_t slot);
/* Slot was stored by the emitter's own code. */
void x64_emit_written (fn_compiler *fc, uint32_t slot);
/* Linear memory at ((slot + k) mod 2^32) + offset, addressed through r. */
x64_mem x64_emit_mem (fn_compiler *fc, x64_reg r, uint32_t slot, uint32_t k, uint32_t offset);
void x64_emit_trap_if (fn_compiler *fc, x64_cc cc, wasm_trap_kind kind);

/* The emitters: true if the current instruction was compiled, false to leave it to the
 * interpreter stub. */
bool x64_simd_emit (fn_compiler *fc);
bool x64_scalar_emit (fn_compiler *fc);
bool x64_bulk_emit (fn_compiler *fc);

#endif
