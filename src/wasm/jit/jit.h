/* The compiler tier, as the rest of the engine sees it. A module loaded while the compiler is
 * the selected engine gets machine code for every defined function (jit_compile_module);
 * calls into it from the host run that code (jit_run) when the store uses guarded memory.
 * Everything else (checked stores, other architectures, modules loaded for the interpreter)
 * runs the interpreter on the same translated code. */
#ifndef RUNWASM_WASM_JIT_JIT_H
#define RUNWASM_WASM_JIT_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "wasm/internal.h"

/* Which Wasm instruction each stretch of a function's machine code belongs to: delta-encoded
 * (native offset, module offset) pairs, native offsets ascending (x64_frames.c). Module
 * offsets, not register-code words: a lazily compiled function keeps no register code. */
typedef struct jit_pcmap {
  struct jit_pcmap_func { const uint8_t *bytes; size_t len; } *funcs; /* per defined function,
                                                  published once its code is compiled */
  uint32_t nfuncs;
  uint8_t *bytes;            /* the map of the function being compiled */
  size_t len, cap;
  uint32_t func, last_native, last_word;
  bool oom;
} jit_pcmap;

/* The word of a trap site in a prologue (stack checks: they name the caller), and none. */
#define JIT_PROLOGUE_WORD (UINT32_MAX - 1)
#define JIT_NO_WORD UINT32_MAX

/* The machine code of one module: the code area, where each function starts for the fault
 * handler, the pc map for backtraces, and the single-instruction interpreter stubs the code
 * calls. A module compiled
 * eagerly has one read+execute mapping with its functions in index order; a lazy one
 * compiles a function on its first call and appends it to the area (x64_lazy.c). */
typedef struct jit_module {
  uint8_t *code;
  size_t code_size, map_size;
  uint32_t *func_start;      /* code offset of the k-th function placed, ascending */
  uint32_t *placed_func;     /* which defined function that is */
  uint32_t nplaced;          /* read by the fault handler while another thread may place more */
  jit_pcmap pcmap;
  struct stub_block *stubs;  /* code of the instructions the interpreter runs, one by one */
  struct jit_lazy *lazy;     /* lazy compilation's state, NULL for an eager module */
  size_t entry_bytes;        /* lazy: the per-function entry stubs and their trampoline */
} jit_module;

/* Where compiled callers left off when a helper entered other code (a function of another
 * instance, an interpreted one, a host function): on that helper's C stack, innermost first
 * from exec_ctx.jit_links. pc is the helper's return address, sp the caller's rsp. */
typedef struct jit_link {
  struct jit_link *prev;
  const wasm_instance *inst;
  const uint8_t *pc;
  uintptr_t sp;
} jit_link;

/* Whether this build and CPU can run compiled code (x86-64 with SSE2; others: false). */
bool jit_supported (void);
/* Compile every defined function of m, or for a lazy module (m->lazy) prepare the entry
 * stubs that compile each on its first call; on failure (out of memory) fill err and
 * return -1. */
int jit_compile_module (wasm_module *m, wasm_error *err);
void jit_module_free (wasm_module *m);
/* Run compiled `func` like exec_guarded: 0, or -1 with the trap filled in. */
int jit_run (exec_ctx *ctx, wasm_func *func, slot_t *frame);
/* The signal handler's question: did compiled code (or an instruction the interpreter runs
 * for it) fault? If so, fill ctx->trap (kind, function, backtrace) and return true. */
bool jit_fault_trap (exec_ctx *ctx, wasm_trap_kind kind, void *ucontext);

/* Backtraces of compiled code (x64_frames.c). Building the pc map of defined function func:
 * begin, then add (offset from the function's start, module offset or JIT_PROLOGUE_WORD /
 * JIT_NO_WORD) with native offsets ascending. */
int jit_pcmap_init (jit_module *jm, uint32_t ndefined);
void jit_pcmap_begin (jit_module *jm, uint32_t func);
void jit_pcmap_add (jit_module *jm, uint32_t native, uint32_t offset);
/* The function compiled: publish its map (ok), or drop it. */
void jit_pcmap_end (jit_module *jm, bool ok);
void jit_pcmap_free (jit_pcmap *pm);
/* The function whose machine code holds pc, and the module offset of its instruction
 * (JIT_PROLOGUE_WORD in a prologue, JIT_NO_WORD if unknown). */
wasm_func *jit_code_func (const wasm_instance *inst, const uint8_t *pc);
uint32_t jit_code_offset (const wasm_instance *inst, const uint8_t *pc);
/* Append to ctx->trap the compiled frames: the code at pc (the faulting instruction if exact,
 * else a return address), then the compiled callers whose return addresses start at sp, and
 * on through ctx->jit_links. */
void jit_backtrace (exec_ctx *ctx, const wasm_instance *inst, const uint8_t *pc, bool exact, uintptr_t sp);
/* Only the compiled callers of the code a helper entered (ctx->jit_links), if any: after an
 * interpreted callee's own frames. */
void jit_backtrace_callers (exec_ctx *ctx);
wasm_func *jit_prologue_caller (exec_ctx *ctx, const wasm_instance *inst, uintptr_t sp);
/* With RUNWASM_PERF_MAP set: the module's function symbols in /tmp/perf-PID.map (perf_map.c). */
void jit_perf_map_write (const wasm_module *m, const jit_module *jm);

#endif
