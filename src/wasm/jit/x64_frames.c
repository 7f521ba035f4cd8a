/* Compiled frames for trap backtraces. A compiled function keeps no frame of its own: while
 * its body runs, rsp points at its return address, so the return addresses of a chain of
 * compiled calls lie one above the other (x64_abi.h), up to the entry trampoline's. Walking
 * them, each address is mapped to its function (the function start table) and, through the
 * pc map made at compile time, to the register-code instruction it belongs to, whose module
 * offset the translator recorded (backtrace.c): the same frames the interpreter reports.
 * Runs in the fault handler too: plain memory reads and writes only. */
#include <stdlib.h>

#include "wasm/jit/jit.h"

/* ---- The pc map: per function, (native offset, word) pairs in native order -------------- */

static void pcmap_byte (jit_pcmap *pm, uint8_t v)
{
  if (pm->len == pm->cap)
    {
      size_t cap = pm->cap ? pm->cap * 2 : 4096;
      uint8_t *p = realloc (pm->bytes, cap);
      if (!p)
        {
          pm->oom = true;
          return;
        }
      pm->bytes = p;
      pm->cap = cap;
    }
  pm->bytes[pm->len++] = v;
}

static void pcmap_leb (jit_pcmap *pm, uint64_t v)
{
  do
    {
      uint8_t c = v & 0x7f;
      v >>= 7;
      pcmap_byte (pm, (uint8_t) (c | (v ? 0x80 : 0)));
    }
  while (v);
}

static uint64_t read_leb (const uint8_t **p, const uint8_t *end)
{
  uint64_t v = 0;
  for (unsigned shift = 0; *p < end && shift < 64; shift += 7)
    {
      uint8_t c = *(*p)++;
      v |= (uint64_t) (c & 0x7f) << shift;
      if (!(c & 0x80))
        break;
    }
  return v;
}

/* The per-function maps are allocated once per module (jit_pcmap_init) and each function's
 * is published with a release store when it is compiled, so that a fault handler on another
 * thread reading the map of a lazily compiled module never sees a buffer being reallocated. */
int jit_pcmap_init (jit_module *jm, uint32_t ndefined)
{
  jit_pcmap *pm = &jm->pcmap;
  pm->nfuncs = ndefined;
  pm->funcs = calloc ((size_t) ndefined + 1, sizeof *pm->funcs);
  return pm->funcs ? 0 : -1;
}

void jit_pcmap_begin (jit_module *jm, uint32_t func)
{
  jit_pcmap *pm = &jm->pcmap;
  pm->bytes = NULL;
  pm->len = pm->cap = 0;
  pm->func = func;
  pm->last_native = 0;
  pm->last_word = 0;
}

void jit_pcmap_end (jit_module *jm, bool ok)
{
  jit_pcmap *pm = &jm->pcmap;
  if (ok && !pm->oom && pm->func < pm->nfuncs && !pm->funcs[pm->func].bytes)
    {
      pm->funcs[pm->func].len = pm->len;
      __atomic_store_n (&pm->funcs[pm->func].bytes, pm->bytes, __ATOMIC_RELEASE);
    }
  else
    free (pm->bytes);
  pm->bytes = NULL;
  pm->len = pm->cap = 0;
}

void jit_pcmap_free (jit_pcmap *pm)
{
  for (uint32_t i = 0; pm->funcs && i < pm->nfuncs; i++)
    free ((void *) pm->funcs[i].bytes);
  free (pm->funcs);
  free (pm->bytes);
}

void jit_pcmap_add (jit_module *jm, uint32_t native, uint32_t word)
{
  jit_pcmap *pm = &jm->pcmap;
  /* native offsets only grow; words jump back for the out-of-line trap sites (zigzag) */
  int64_t dw = (int64_t) word - (int64_t) pm->last_word;
  pcmap_leb (pm, native - pm->last_native);
  pcmap_leb (pm, dw < 0 ? ((uint64_t) -dw << 1) - 1 : (uint64_t) dw << 1);
  pm->last_native = native;
  pm->last_word = word;
}

/* The module offset of the entry at or before native offset `at` of defined function `func`. */
static uint32_t pcmap_offset (const jit_module *jm, uint32_t func, uint32_t at)
{
  const jit_pcmap *pm = &jm->pcmap;
  if (!pm->funcs || func >= pm->nfuncs)
    return JIT_NO_WORD;
  const uint8_t *p = __atomic_load_n (&pm->funcs[func].bytes, __ATOMIC_ACQUIRE);
  if (!p)
    return JIT_NO_WORD;
  const uint8_t *end = p + pm->funcs[func].len;
  uint32_t native = 0, word = 0, found = JIT_NO_WORD;
  while (p < end)
    {
      native += (uint32_t) read_leb (&p, end);
      uint64_t z = read_leb (&p, end);
      word = (uint32_t) ((int64_t) word + ((z & 1) ? -(int64_t) ((z + 1) >> 1) : (int64_t) (z >> 1)));
      if (native > at)
        break;
      found = word;
    }
  return found;
}

/* ---- From an address to a function and instruction ------------------------------------- */

/* The function placed at pc (functions are placed in the order they are compiled: in index
 * order when eager, on first call when lazy): false if none. *start: its code offset. */
static bool placed_at (const wasm_instance *inst, const uint8_t *pc, uint32_t *func, uint32_t *start)
{
  const jit_module *jm = inst->module->jit;
  if (!jm || pc < jm->code || pc >= jm->code + __atomic_load_n (&jm->code_size, __ATOMIC_ACQUIRE))
    return false;
  uint32_t off = (uint32_t) (pc - jm->code), n = __atomic_load_n (&jm->nplaced, __ATOMIC_ACQUIRE);
  if (n == 0 || off < jm->func_start[0])
    return false; /* nothing placed yet, or the entry stubs of a lazy module */
  uint32_t lo = 0, hi = n;
  while (hi - lo > 1)
    {
      uint32_t mid = lo + (hi - lo) / 2;
      if (jm->func_start[mid] <= off)
        lo = mid;
      else
        hi = mid;
    }
  *func = jm->placed_func[lo];
  *start = jm->func_start[lo];
  return true;
}

wasm_func *jit_code_func (const wasm_instance *inst, const uint8_t *pc)
{
  uint32_t func, start;
  return placed_at (inst, pc, &func, &start) ? inst->funcs[inst->module->nimported_funcs + func] : NULL;
}

uint32_t jit_code_offset (const wasm_instance *inst, const uint8_t *pc)
{
  uint32_t func, start;
  if (!placed_at (inst, pc, &func, &start))
    return JIT_NO_WORD;
  return pcmap_offset (inst->module->jit, func, (uint32_t) (pc - inst->module->jit->code) - start);
}

/* The frame of the compiled code at pc: the instruction there (exact), or the one a return
 * address comes back to (the call, one byte before it). The prologue has no instruction:
 * its checks are the caller's, which the walk adds next. */
static void add_frame (wasm_trap *trap, const wasm_instance *inst, const uint8_t *pc, bool exact)
{
  if (!exact)
    pc--;
  wasm_func *f = jit_code_func (inst, pc);
  uint32_t offset = jit_code_offset (inst, pc);
  if (!f || offset == JIT_PROLOGUE_WORD)
    return;
  backtrace_add_frame_at (trap, f, offset == JIT_NO_WORD ? -1 : (int64_t) offset);
}

/* The compiled callers whose return addresses start at sp, and on through the links. */
static void walk (wasm_trap *trap, const wasm_instance *inst, uintptr_t sp, const jit_link *link)
{
  for (;;)
    {
      const uint8_t *ret = *(const uint8_t *const *) sp;
      if (jit_code_func (inst, ret - 1))
        {
          add_frame (trap, inst, ret, false);
          sp += sizeof (void *);
          continue;
        }
      /* the entry trampoline's return address: below it, a helper's C frames, or the host */
      if (!link)
        return;
      inst = link->inst;
      sp = link->sp;
      add_frame (trap, inst, link->pc, false);
      link = link->prev;
    }
}

void jit_backtrace (exec_ctx *ctx, const wasm_instance *inst, const uint8_t *pc, bool exact, uintptr_t sp)
{
  wasm_trap *trap = ctx->trap;
  if (!trap || trap->kind == WASM_TRAP_EXIT)
    return;
  add_frame (trap, inst, pc, exact);
  walk (trap, inst, sp, ctx->jit_links);
}

void jit_backtrace_callers (exec_ctx *ctx)
{
  wasm_trap *trap = ctx->trap;
  const jit_link *link = ctx->jit_links;
  if (!trap || trap->kind == WASM_TRAP_EXIT || !link)
    return;
  add_frame (trap, link->inst, link->pc, false);
  walk (trap, link->inst, link->sp, link->prev);
}

/* The function a trap at the prologue of the function whose return address is at sp names:
 * the caller, as in the interpreter (the call is what ran out of stack). */
wasm_func *jit_prologue_caller (exec_ctx *ctx, const wasm_instance *inst, uintptr_t sp)
{
  const uint8_t *ret = *(const uint8_t *const *) sp;
  wasm_func *f = jit_code_func (inst, ret - 1);
  if (!f && ctx->jit_links)
    f = jit_code_func (ctx->jit_links->inst, ctx->jit_links->pc - 1);
  return f;
}
