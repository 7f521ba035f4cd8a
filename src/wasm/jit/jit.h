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

/* The machine code of one module: the code area, where each function starts for the fault
 * handler, and the single-instruction interpreter stubs the code calls. A module compiled
 * eagerly has one read+execute mapping with its functions in index order; a lazy one
 * compiles a function on its first call and appends it to the area (x64_lazy.c). */
typedef struct jit_module {
  uint8_t *code;
  size_t code_size, map_size;
  uint32_t *func_start;      /* code offset of the k-th function placed, ascending */
  uint32_t *placed_func;     /* which defined function that is */
  uint32_t nplaced;          /* read by the fault handler while another thread may place more */
  struct stub_block *stubs;  /* code of the instructions the interpreter runs, one by one */
  struct jit_lazy *lazy;     /* lazy compilation's state, NULL for an eager module */
  size_t entry_bytes;        /* lazy: the per-function entry stubs and their trampoline */
} jit_module;

/* Whether this build and CPU can run compiled code (x86-64 with SSE2; others: false). */
bool jit_supported (void);
/* Compile every defined function of m, or for a lazy module (m->lazy) prepare the entry
 * stubs that compile each on its first call; on failure (out of memory) fill err and
 * return -1. */
int jit_compile_module (wasm_module *m, wasm_error *err);
void jit_module_free (wasm_module *m);
/* Run compiled `func` like exec_guarded: 0, or -1 with the trap filled in. */
int jit_run (exec_ctx *ctx, wasm_func *func, slot_t *frame);
/* The signal handler's question: which function's compiled code faulted? NULL if none. */
wasm_func *jit_fault_func (exec_ctx *ctx, void *ucontext);
/* With RUNWASM_PERF_MAP set: the module's function symbols in /tmp/perf-PID.map (perf_map.c). */
void jit_perf_map_write (const wasm_module *m, const jit_module *jm);

#endif
