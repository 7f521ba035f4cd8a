/* Running compiled x86-64 code: the entry trampoline, the helpers compiled code calls
 * (traps, calls it does not make directly, instructions the interpreter runs), and the map
 * from a faulting PC back to its function. */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "wasm/jit/jit.h"
#include "wasm/jit/x64_abi.h"

bool jit_supported (void)
{
#if defined(__x86_64__)
  return true; /* SSE2 is part of x86-64; nothing newer is used yet */
#else
  return false;
#endif
}

/* ---- Entry ----------------------------------------------------------------------------- */

static jit_entry_fn trampoline;

static void trampoline_build (void)
{
  x64_buf b = { 0 };
  /* C calls the trampoline through a function pointer; clang's -fsanitize=function reads
   * the 8 bytes before a callee for its type signature, so do not start at the page start. */
  enum { PAD = 16 };
  for (int i = 0; i < PAD; i++)
    x64_byte (&b, 0xcc);
  static const x64_reg saved[] = { RBX, RBP, R12, R13, R14, R15 };
  for (int i = 0; i < 6; i++)
    x64_push (&b, saved[i]);
  x64_alu_ri (&b, ALU_SUB, true, RSP, 8); /* 6 pushes + return address: realign to 16 */
  x64_mov_rr (&b, true, CTX, RDI);
  x64_mov_rr (&b, true, INST, RSI);
  x64_mov_rr (&b, true, FP, RDX);
  x64_mov_rr (&b, true, MEMBASE, R8);
  x64_mov_rr (&b, true, STORE, R9);
  x64_call_r (&b, RCX);
  x64_alu_ri (&b, ALU_ADD, true, RSP, 8);
  for (int i = 5; i >= 0; i--)
    x64_pop (&b, saved[i]);
  x64_ret (&b);
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  void *p = b.oom ? MAP_FAILED : mmap (NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED)
    {
      memcpy (p, b.p, b.len);
      if (mprotect (p, page, PROT_READ | PROT_EXEC) == 0)
        trampoline = (jit_entry_fn) (void *) ((uint8_t *) p + PAD);
      else
        munmap (p, page);
    }
  x64_buf_free (&b);
}

jit_entry_fn jit_entry_trampoline (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, trampoline_build);
  return trampoline;
}

static uint8_t *memory_base (const wasm_instance *inst)
{
  return inst->mem0 ? inst->mem0->base : NULL;
}

__attribute__ ((noreturn)) static void unwind (exec_ctx *ctx)
{
  siglongjmp (ctx->fault_jmp, 1);
}

/* A module has machine code only if the trampoline was made first (jit_compile_module). */
int jit_run (exec_ctx *ctx, wasm_func *func, slot_t *frame)
{
  ctx->current = func;
  trampoline (ctx, func->inst, frame, func->code->jit_entry, memory_base (func->inst), ctx->store);
  return 0;
}

/* The defined function of inst whose compiled code contains pc, or NULL. */
static wasm_func *code_func (const wasm_instance *inst, const uint8_t *pc)
{
  const jit_module *jm = inst->module->jit;
  if (!jm || !jm->nfuncs || pc < jm->code || pc >= jm->code + jm->code_size)
    return NULL;
  uint32_t off = (uint32_t) (pc - jm->code), lo = 0, hi = jm->nfuncs;
  while (hi - lo > 1)
    {
      uint32_t mid = lo + (hi - lo) / 2;
      if (jm->func_start[mid] <= off)
        lo = mid;
      else
        hi = mid;
    }
  return inst->funcs[inst->module->nimported_funcs + lo];
}

/* ---- Helpers --------------------------------------------------------------------------- */

void jit_raise (exec_ctx *ctx, wasm_instance *inst, uint32_t kind, uint32_t func_index)
{
  trap_set (ctx->trap, (wasm_trap_kind) kind, inst->funcs[func_index], NULL);
  unwind (ctx);
}

void jit_interp_op (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, const code_t *stub, uint32_t func_index)
{
  const wasm_func *real = inst->funcs[func_index];
  wasm_func f = { .store = ctx->store, .type = real->type, .inst = inst, .code = stub, .index = func_index };
  wasm_func *saved = ctx->current;
  int rc = exec_guarded (ctx, &f, fp);
  ctx->current = saved;
  if (rc < 0)
    unwind (ctx);
}

/* A call the code does not make directly: host functions, functions of other instances, and
 * functions of modules that were not compiled. The caller checked the interruption flag. */
static void call_func (exec_ctx *ctx, wasm_instance *inst, wasm_func *caller, wasm_func *callee, slot_t *fp)
{
  wasm_store *store = ctx->store;
  if (callee->host)
    {
      if (exec_call_host (ctx, callee, inst, fp) < 0)
        unwind (ctx);
      return;
    }
  const code_t *code = callee->code;
  if (store->depth >= store->limits.max_call_depth || fp + code->frame_slots > store->stack_end)
    {
      trap_set (ctx->trap, WASM_TRAP_CALL_STACK_EXHAUSTED, caller, NULL); /* as the interpreter */
      unwind (ctx);
    }
  store->depth++;
  wasm_func *saved = ctx->current;
  ctx->current = callee;
  if (code->jit_entry)
    trampoline (ctx, callee->inst, fp, code->jit_entry, memory_base (callee->inst), store);
  else if (exec_guarded (ctx, callee, fp) < 0)
    unwind (ctx);
  ctx->current = saved;
  store->depth--;
}

void jit_call (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t func_index)
{
  wasm_func *caller = code_func (inst, __builtin_return_address (0));
  call_func (ctx, inst, caller ? caller : ctx->current, inst->funcs[func_index], callee_fp);
}

void jit_call_indirect (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t table, uint32_t type,
                        uint32_t index)
{
  wasm_table *t = inst->tables[table];
  /* the caller is the compiled function this helper returns to (ctx->current is only the
     function last entered from C) */
  wasm_func *caller = code_func (inst, __builtin_return_address (0));
  if (!caller)
    caller = ctx->current;
  if (index >= t->size)
    {
      trap_set (ctx->trap, WASM_TRAP_TABLE_OUT_OF_BOUNDS, caller, "undefined element");
      unwind (ctx);
    }
  wasm_func *callee = t->elems[index];
  if (!callee)
    {
      trap_set (ctx->trap, WASM_TRAP_UNINITIALIZED_ELEMENT, caller, NULL);
      unwind (ctx);
    }
  if (!functype_equal (callee->type, &inst->module->types[type]))
    {
      trap_set (ctx->trap, WASM_TRAP_INDIRECT_CALL_MISMATCH, caller, NULL);
      unwind (ctx);
    }
  if (atomic_load_explicit (&ctx->store->interrupt, memory_order_relaxed))
    {
      trap_set (ctx->trap, WASM_TRAP_INTERRUPTED, caller, NULL);
      unwind (ctx);
    }
  call_func (ctx, inst, caller, callee, callee_fp);
}

/* ---- Faults ---------------------------------------------------------------------------- */

/* r13 holds the instance while compiled code runs; trust it only if it is an instance of a
 * store executing on this thread and the PC lies in that instance's module code. */
wasm_func *jit_fault_func (exec_ctx *ctx, void *ucontext)
{
#if defined(__x86_64__)
  const ucontext_t *uc = ucontext;
  uint8_t *pc = (uint8_t *) uc->uc_mcontext.gregs[REG_RIP];
  void *r13 = (void *) uc->uc_mcontext.gregs[REG_R13];
  for (; ctx; ctx = ctx->prev)
    {
      wasm_store *s = ctx->store;
      for (size_t i = 0; i < s->nobjects; i++)
        {
          if (s->object_kinds[i] != OBJ_INSTANCE || s->objects[i] != r13)
            continue;
          return code_func (r13, pc);
        }
    }
#endif
  (void) ctx;
  (void) ucontext;
  return NULL;
}
