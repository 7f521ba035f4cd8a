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
  return true; /* SSE2 is part of x86-64; newer sets are asked for per instruction (x64_cpu.h) */
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
  jit_lazy_note_thread (func->inst->module->jit);
  trampoline (ctx, func->inst, frame, func->code->jit_entry, memory_base (func->inst), ctx->store);
  return 0;
}

/* ---- Helpers --------------------------------------------------------------------------- */

void jit_raise (exec_ctx *ctx, wasm_instance *inst, uint32_t kind, uint32_t func_index, const uint8_t *site,
                uintptr_t sp)
{
  wasm_func *named = inst->funcs[func_index];
  if (jit_code_offset (inst, site - 1) == JIT_PROLOGUE_WORD)
    {
      wasm_func *caller = jit_prologue_caller (ctx, inst, sp);
      if (caller)
        named = caller;
    }
  trap_set (ctx->trap, (wasm_trap_kind) kind, named, NULL);
  jit_backtrace (ctx, inst, site, false, sp);
  unwind (ctx);
}

/* The trap of an instruction the interpreter ran has the stub for its only frame: the
 * compiled frames replace it. */
void jit_interp_op (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, const code_t *stub, uint32_t func_index)
{
  const uint8_t *pc = __builtin_return_address (0);
  const uintptr_t sp = ctx->jit_sp;
  const wasm_func *real = inst->funcs[func_index];
  wasm_func f = { .store = ctx->store, .type = real->type, .inst = inst, .code = stub, .index = func_index };
  wasm_func *saved = ctx->current;
  ctx->jit_op_pc = pc;
  int rc = exec_guarded (ctx, &f, fp);
  ctx->jit_op_pc = NULL;
  ctx->current = saved;
  if (rc < 0)
    {
      if (ctx->trap)
        ctx->trap->nframes = ctx->trap->frames_omitted = 0;
      jit_backtrace (ctx, inst, pc, false, sp);
      unwind (ctx);
    }
}

__attribute__ ((noreturn)) static void trap_at (exec_ctx *ctx, wasm_trap_kind kind, wasm_instance *inst,
                                                const uint8_t *pc, uintptr_t sp, const char *message)
{
  trap_set (ctx->trap, kind, jit_code_func (inst, pc - 1), message);
  jit_backtrace (ctx, inst, pc, false, sp);
  unwind (ctx);
}

/* A call the code does not make directly: host functions, functions of other instances, and
 * functions of modules that were not compiled, from the compiled code at pc (a return
 * address) whose rsp is sp. The caller checked the interruption flag. */
static void call_func (exec_ctx *ctx, wasm_instance *inst, const uint8_t *pc, uintptr_t sp, wasm_func *callee,
                       slot_t *fp)
{
  wasm_store *store = ctx->store;
  if (callee->host)
    {
      if (exec_call_host (ctx, callee, inst, fp) < 0)
        {
          jit_backtrace (ctx, inst, pc, false, sp);
          unwind (ctx);
        }
      return;
    }
  const code_t *code = callee->code;
  if (store->depth >= store->limits.max_call_depth || fp + code->frame_slots > store->stack_end)
    trap_at (ctx, WASM_TRAP_CALL_STACK_EXHAUSTED, inst, pc, sp, NULL); /* names the caller, as the interpreter */
  jit_link link = { .prev = ctx->jit_links, .inst = inst, .pc = pc, .sp = sp };
  ctx->jit_links = &link;
  store->depth++;
  wasm_func *saved = ctx->current;
  ctx->current = callee;
  if (code->jit_entry)
    {
      jit_lazy_note_thread (callee->inst->module->jit);
      trampoline (ctx, callee->inst, fp, code->jit_entry, memory_base (callee->inst), store);
    }
  else if (exec_guarded (ctx, callee, fp) < 0)
    {
      jit_backtrace_callers (ctx); /* after the interpreted callee's own frames */
      unwind (ctx);
    }
  ctx->current = saved;
  ctx->jit_links = link.prev;
  store->depth--;
}

void jit_call (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t func_index)
{
  call_func (ctx, inst, __builtin_return_address (0), ctx->jit_sp, inst->funcs[func_index], callee_fp);
}

void jit_call_indirect (exec_ctx *ctx, wasm_instance *inst, slot_t *callee_fp, uint32_t table, uint32_t type,
                        uint32_t index)
{
  const uint8_t *pc = __builtin_return_address (0);
  const uintptr_t sp = ctx->jit_sp;
  wasm_table *t = inst->tables[table];
  if (index >= t->size)
    trap_at (ctx, WASM_TRAP_TABLE_OUT_OF_BOUNDS, inst, pc, sp, "undefined element");
  wasm_func *callee = t->elems[index];
  if (!callee)
    trap_at (ctx, WASM_TRAP_UNINITIALIZED_ELEMENT, inst, pc, sp, NULL);
  if (!functype_equal (callee->type, &inst->module->types[type]))
    trap_at (ctx, WASM_TRAP_INDIRECT_CALL_MISMATCH, inst, pc, sp, NULL);
  if (atomic_load_explicit (&ctx->store->interrupt, memory_order_relaxed))
    trap_at (ctx, WASM_TRAP_INTERRUPTED, inst, pc, sp, NULL);
  call_func (ctx, inst, pc, sp, callee, callee_fp);
}

/* ---- Faults ---------------------------------------------------------------------------- */

/* r13 holds the instance while compiled code runs; trust it only if it is an instance of a
 * store executing on this thread and the PC lies in that instance's module code. A fault in
 * an instruction the interpreter runs for compiled code is reported from its call. */
bool jit_fault_trap (exec_ctx *ctx, wasm_trap_kind kind, void *ucontext)
{
#if defined(__x86_64__)
  if (ctx->jit_op_pc && ctx->current)
    {
      trap_set (ctx->trap, kind, ctx->current, NULL);
      jit_backtrace (ctx, ctx->current->inst, ctx->jit_op_pc, false, ctx->jit_sp);
      return true;
    }
  const ucontext_t *uc = ucontext;
  uint8_t *pc = (uint8_t *) uc->uc_mcontext.gregs[REG_RIP];
  void *r13 = (void *) uc->uc_mcontext.gregs[REG_R13];
  for (exec_ctx *c = ctx; c; c = c->prev)
    {
      wasm_store *s = c->store;
      for (size_t i = 0; i < s->nobjects; i++)
        {
          if (s->object_kinds[i] != OBJ_INSTANCE || s->objects[i] != r13)
            continue;
          wasm_func *f = jit_code_func (r13, pc);
          if (!f)
            return false;
          trap_set (ctx->trap, kind, f, NULL);
          jit_backtrace (ctx, r13, pc, true, (uintptr_t) uc->uc_mcontext.gregs[REG_RSP]);
          return true;
        }
    }
#endif
  (void) ctx;
  (void) kind;
  (void) ucontext;
  return false;
}
