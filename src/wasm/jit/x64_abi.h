/* How compiled x86-64 code runs: pinned registers, and the C helpers it calls.
 *
 * Inside compiled code five callee-saved registers hold the context, so C helpers preserve
 * them and only the entry trampoline saves the embedder's values:
 *   rbx  fp: the frame (slot_t *), the same frames the interpreter uses
 *   r12  base of the instance's memory 0 (guarded: never moves), 0 without memory
 *   r13  the instance (wasm_instance *)
 *   r14  the store: depth, call-depth limit, value-stack end, interrupt flag
 *   r15  the exec_ctx of this entry from the host: C stack limit, trap, fault jump
 * rbp is free for the code: it saves rsp around helper calls (compiled frames are only a
 * return address, so rsp has no fixed alignment). rsi, rdi, r8-r11 and xmm2-xmm15 hold a
 * body's pinned slots (x64_compile.c); they are caller-saved, so every call, helper and
 * interpreter stub is preceded by a spill of the pins to the frame and followed by a reload;
 * rax, rcx, rdx, xmm0 and xmm1 are the emitters' scratch. A call between compiled functions of one
 * module is a direct `call`; everything else goes through jit_call. Traps call jit_raise,
 * which records the trap and siglongjmps to the entry, like a fault in guarded memory.
 *
 * Backtraces (x64_frames.c) rely on three rules: in a function's body rsp points at its
 * return address (no pushes, no frame: the return addresses of compiled callers lie one
 * above the other); every helper call first stores that rsp to exec_ctx.jit_sp; every trap
 * site reaches its trap stub by a `call`, whose return address the pc map ties to the
 * site's instruction, and the stub passes that address and the rsp above it to jit_raise.
 * A backend that keeps a frame must give the walk its size. */
#ifndef RUNWASM_WASM_JIT_X64_ABI_H
#define RUNWASM_WASM_JIT_X64_ABI_H

#include "wasm/internal.h"
#include "wasm/jit/jit.h"
#include "wasm/jit/x64_asm.h"

#define FP RBX
#define MEMBASE R12
#define INST R13
#define STORE R14
#define CTX R15

/* Places in the code to patch: a rel32 at `at` and what it must reach. */
typedef struct fixup { size_t at; uint32_t target; } fixup;
typedef struct fixups { fixup *v; size_t n, cap; bool oom; } fixups;

/* Buffers x64_compile_function reuses from one function to the next. */
typedef struct x64_scratch {
  uint32_t *native;
  uint8_t *is_target, *loop_depth;
  uint32_t *word_offset;
  uint32_t cap;
  int8_t *pin;              /* the slot tables (x64_compile.c's slot pinning) */
  uint8_t *slot_flags;
  uint64_t *weight_int, *weight_float;
  uint32_t slot_cap;
} x64_scratch;

/* Compile function func_index from its register code `code`, appending it to b at a 16-byte
 * boundary (*start: where it begins); each direct call is added to calls as (rel32 offset,
 * function index). 0; -1 if this backend cannot compile it; -2 out of memory. */
int x64_compile_function (const wasm_module *m, jit_module *jm, uint32_t func_index, const code_t *code,
                          x64_buf *b, fixups *calls, x64_scratch *s, size_t *start);
void x64_scratch_free (x64_scratch *s);

/* Lazy compilation (x64_lazy.c). */
int jit_lazy_prepare (wasm_module *m, wasm_error *err);
void jit_lazy_free (jit_module *jm);
/* Before a thread starts running jm's code from C: code may be appended next to running
 * code only while a single thread runs the module. */
void jit_lazy_note_thread (jit_module *jm);
/* The entry stubs' helper: compile defined function i, returning its code, or run it in the
 * interpreter and return the address of a `ret`. */
const void *jit_lazy_entry (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, uint32_t i);

/* The entry trampoline: saves the embedder's callee-saved registers, loads the pinned ones
 * and calls `code`. */
typedef void (*jit_entry_fn) (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, const void *code,
                              uint8_t *mem_base, wasm_store *store);
jit_entry_fn jit_entry_trampoline (void);

__attribute__ ((noreturn)) void jit_raise (exec_ctx *ctx, wasm_instance *inst, uint32_t kind, uint32_t func_index,
                                           const uint8_t *site, uintptr_t sp);
/* One instruction run by the interpreter from its stub (one op and `ret`). */
void jit_interp_op (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, const code_t *stub, uint32_t func_index);
/* A call to anything but a compiled function of the same module (imports, host functions). */
void jit_call (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t func_index);
/* call_indirect: table checks, signature check, then the call. */
void jit_call_indirect (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t table,
                        uint32_t type, uint32_t index);
#endif
