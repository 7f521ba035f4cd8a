/* Execution: entering wasm from the host, calling host functions, traps, and the two
 * instantiations of the interpreter loop (guarded and checked memory). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wasm/internal.h"
#include "wasm/jit/jit.h"
#include "wasm/ops.h"
#ifdef RUNWASM_OP_PROFILE
#include "wasm/op_profile.h"
#endif
#include "wasm/simd.h"

#define VALUE_STACK_SLOTS (4u << 20)   /* 32 MiB of address space, touched on demand */
#define DEFAULT_CALL_DEPTH 20000u
#define C_STACK_BUDGET (256u << 10)     /* C stack nested host->wasm entries may use */
#define C_STACK_RESERVE (32u << 10)     /* left free below the limit, for host code and signals */

__thread exec_ctx *exec_current;

struct wasm_caller {
  exec_ctx *ctx;
  wasm_instance *inst;
  wasm_func *func;
};

const char *wasm_trap_kind_name (wasm_trap_kind kind)
{
  switch (kind)
    {
    case WASM_TRAP_NONE: return "no trap";
    case WASM_TRAP_UNREACHABLE: return "unreachable";
    case WASM_TRAP_MEMORY_OUT_OF_BOUNDS: return "out of bounds memory access";
    case WASM_TRAP_TABLE_OUT_OF_BOUNDS: return "out of bounds table access";
    case WASM_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case WASM_TRAP_INDIRECT_CALL_MISMATCH: return "indirect call type mismatch";
    case WASM_TRAP_INTEGER_DIVIDE_BY_ZERO: return "integer divide by zero";
    case WASM_TRAP_INTEGER_OVERFLOW: return "integer overflow";
    case WASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_TRAP_CALL_STACK_EXHAUSTED: return "call stack exhausted";
    case WASM_TRAP_INTERRUPTED: return "interrupted";
    case WASM_TRAP_HOST: return "host function failed";
    case WASM_TRAP_EXIT: return "exit";
    case WASM_TRAP_OUT_OF_FUEL: return "all fuel consumed";
    case WASM_TRAP_GROW_FAILED: return "memory or table could not grow";
    }
  return "unknown trap";
}

/* Also runs in the fault handler: plain copying only, no stdio. */
void trap_set (wasm_trap *trap, wasm_trap_kind kind, const wasm_func *func, const char *message)
{
  if (!trap)
    return;
  trap->kind = kind;
  trap->func_index = func ? (int64_t) func->index : -1;
  trap->nframes = trap->frames_omitted = 0;
  const char *m = message ? message : wasm_trap_kind_name (kind);
  size_t n = 0, cap = sizeof trap->message - 1;
  for (; m[n] && n < cap; n++)
    trap->message[n] = m[n];
  if (func && func->code)
    {
      char num[16];
      int k = 0;
      uint32_t v = func->index;
      do
        num[k++] = (char) ('0' + v % 10);
      while ((v /= 10) && k < 15);
      const char *prefix = " (in func ";
      for (const char *p = prefix; *p && n < cap; p++)
        trap->message[n++] = *p;
      while (k && n < cap)
        trap->message[n++] = num[--k];
      if (n < cap)
        trap->message[n++] = ')';
    }
  trap->message[n] = 0;
}

void value_to_slots (const wasm_value *v, slot_t *s)
{
  switch (v->type)
    {
    case WASM_I32: s->u64 = (uint32_t) v->of.i32; break;
    case WASM_F32: s->u64 = v->of.f32_bits; break;
    case WASM_I64: s->i64 = v->of.i64; break;
    case WASM_F64: s->u64 = v->of.f64_bits; break;
    case WASM_V128: memcpy (s, &v->of.v128, 16); break;
    case WASM_FUNCREF:
    case WASM_EXTERNREF: s->ref = v->of.ref; break;
    }
}

void slots_to_value (wasm_valtype t, const slot_t *s, wasm_value *v)
{
  memset (v, 0, sizeof *v);
  v->type = t;
  switch (t)
    {
    case WASM_I32: v->of.i32 = s->i32; break;
    case WASM_F32: v->of.f32_bits = s->u32; break;
    case WASM_I64: v->of.i64 = s->i64; break;
    case WASM_F64: v->of.f64_bits = s->u64; break;
    case WASM_V128: memcpy (&v->of.v128, s, 16); break;
    case WASM_FUNCREF:
    case WASM_EXTERNREF: v->of.ref = s->ref; break;
    }
}

int exec_stack_ensure (wasm_store *store)
{
  if (store->stack)
    return 0;
  size_t slots = VALUE_STACK_SLOTS;
  if (store->limits.max_stack_bytes && store->limits.max_stack_bytes / sizeof (slot_t) < slots)
    slots = store->limits.max_stack_bytes / sizeof (slot_t) ? store->limits.max_stack_bytes / sizeof (slot_t) : 1;
  void *p = mmap (NULL, slots * sizeof (slot_t), PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return -1;
  if (!store->limits.max_call_depth)
    store->limits.max_call_depth = DEFAULT_CALL_DEPTH;
  store->frames = malloc (store->limits.max_call_depth * sizeof *store->frames);
  if (!store->frames)
    {
      munmap (p, slots * sizeof (slot_t));
      return -1;
    }
  store->stack = store->sp = p;
  store->stack_end = store->stack + slots;
  return 0;
}

static uint32_t frame_need (const functype_t *t)
{
  return t->param_slots > t->result_slots ? t->param_slots : t->result_slots;
}

int exec_call_host (exec_ctx *ctx, wasm_func *f, wasm_instance *caller_inst, slot_t *frame)
{
  const functype_t *t = f->type;
  wasm_store *store = ctx->store;
  wasm_value args[t->pub.nparams + 1], results[t->pub.nresults + 1];
  uint32_t k = 0;
  for (uint32_t i = 0; i < t->pub.nparams; i++)
    {
      slots_to_value (t->params[i], frame + k, &args[i]);
      k += valtype_slots (t->params[i]);
    }
  for (uint32_t i = 0; i < t->pub.nresults; i++)
    {
      memset (&results[i], 0, sizeof results[i]);
      results[i].type = t->results[i];
    }
  wasm_caller caller = { ctx, caller_inst, f };
  slot_t *saved_sp = store->sp;
  store->sp = frame + frame_need (t);
  int rc = f->host (&caller, f->env, args, results);
  store->sp = saved_sp;
  if (rc < 0)
    {
      if (ctx->trap && ctx->trap->kind == WASM_TRAP_NONE)
        trap_set (ctx->trap, WASM_TRAP_HOST, NULL, NULL);
      return -1;
    }
  k = 0;
  for (uint32_t i = 0; i < t->pub.nresults; i++)
    {
      results[i].type = t->results[i];
      value_to_slots (&results[i], frame + k);
      k += valtype_slots (t->results[i]);
    }
  return 0;
}

/* Lowest address nested entries may reach: the budget below the outermost entry, but never
 * closer than the reserve to the end of this thread's stack (threads may have small ones). */
static char *c_stack_limit (char *here)
{
  static __thread char *stack_low;
  static __thread bool known;
  if (!known)
    {
      pthread_attr_t attr;
      void *addr;
      size_t size;
      known = true;
      if (pthread_getattr_np (pthread_self (), &attr) == 0)
        {
          if (pthread_attr_getstack (&attr, &addr, &size) == 0)
            stack_low = (char *) addr;
          pthread_attr_destroy (&attr);
        }
    }
  char *limit = here - C_STACK_BUDGET;
  if (stack_low && limit < stack_low + C_STACK_RESERVE)
    limit = stack_low + C_STACK_RESERVE;
  return limit;
}

int exec_invoke (wasm_func *func, slot_t *frame, wasm_trap *trap)
{
  wasm_store *store = func->store;
  exec_ctx ctx = { .store = store, .trap = trap, .prev = exec_current };
  char here;
  if (ctx.prev && &here < ctx.prev->stack_limit)
    {
      trap_set (trap, WASM_TRAP_CALL_STACK_EXHAUSTED, func, NULL);
      return -1;
    }
  ctx.stack_limit = ctx.prev ? ctx.prev->stack_limit : c_stack_limit (&here);
  signals_install ();
  const uint32_t saved_depth = store->depth;
  slot_t *const saved_sp = store->sp;
  int rc;
  exec_current = &ctx;
  if (sigsetjmp (ctx.fault_jmp, 0))
    rc = -1; /* a guard-page fault in wasm code: the handler filled the trap */
  else if (func->host)
    rc = exec_call_host (&ctx, func, NULL, frame);
  else if (store->depth >= store->limits.max_call_depth
           || frame + func->code->frame_slots > store->stack_end)
    {
      trap_set (trap, WASM_TRAP_CALL_STACK_EXHAUSTED, func, NULL);
      rc = -1;
    }
  /* Fuel is counted by the interpreter only: a store with fuel runs interpreted. */
  else if (store->fuel_on)
    rc = exec_checked_fuel (&ctx, func, frame);
  else if (store->mode != MEMORY_GUARDED)
    rc = exec_checked (&ctx, func, frame);
  else
    rc = func->code->jit_entry ? jit_run (&ctx, func, frame) : exec_guarded (&ctx, func, frame);
  exec_current = ctx.prev;
  store->depth = saved_depth;
  store->sp = saved_sp;
  return rc;
}

int wasm_func_call (wasm_func *func, const wasm_value *args, size_t nargs, wasm_value *results,
                    size_t nresults, wasm_trap *trap)
{
  const functype_t *t = func->type;
  wasm_store *store = func->store;
  memset (trap, 0, sizeof *trap);
  trap->func_index = -1;
  if (nargs != t->pub.nparams || nresults != t->pub.nresults)
    {
      trap_set (trap, WASM_TRAP_HOST, NULL, "wrong number of arguments or results");
      return -1;
    }
  for (size_t i = 0; i < nargs; i++)
    if (args[i].type != t->params[i])
      {
        trap_set (trap, WASM_TRAP_HOST, NULL, "argument type mismatch");
        return -1;
      }
  if (exec_stack_ensure (store) < 0)
    {
      trap_set (trap, WASM_TRAP_HOST, NULL, "out of memory for the value stack");
      return -1;
    }
  slot_t *frame = store->sp;
  if (frame + frame_need (t) > store->stack_end)
    {
      trap_set (trap, WASM_TRAP_CALL_STACK_EXHAUSTED, func, NULL);
      return -1;
    }
  uint32_t k = 0;
  for (size_t i = 0; i < nargs; i++)
    {
      value_to_slots (&args[i], frame + k);
      k += valtype_slots (t->params[i]);
    }
  if (exec_invoke (func, frame, trap) < 0)
    return -1;
  k = 0;
  for (size_t i = 0; i < nresults; i++)
    {
      slots_to_value (t->results[i], frame + k, &results[i]);
      k += valtype_slots (t->results[i]);
    }
  return 0;
}

wasm_instance *wasm_caller_instance (wasm_caller *caller) { return caller->inst; }

wasm_memory *wasm_caller_memory (wasm_caller *caller)
{
  return caller->inst ? caller->inst->mem0 : NULL;
}

int wasm_caller_trap (wasm_caller *caller, wasm_trap_kind kind, const char *message)
{
  trap_set (caller->ctx->trap, kind, NULL, message);
  return -1;
}

int wasm_caller_exit (wasm_caller *caller, int32_t code)
{
  trap_set (caller->ctx->trap, WASM_TRAP_EXIT, NULL, NULL);
  if (caller->ctx->trap)
    caller->ctx->trap->exit_code = code;
  return -1;
}

#define EXEC_NAME exec_guarded
#define MEM_CHECKED 0
#define FUEL 0
#include "wasm/exec_body.h"
#undef EXEC_NAME
#undef MEM_CHECKED
#undef FUEL

#define EXEC_NAME exec_checked
#define MEM_CHECKED 1
#define FUEL 0
#include "wasm/exec_body.h"
#undef EXEC_NAME
#undef MEM_CHECKED
#undef FUEL

/* Fuel counting with explicit bounds checks, which are right for guarded memories too. */
#define EXEC_NAME exec_checked_fuel
#define MEM_CHECKED 1
#define FUEL 1
#include "wasm/exec_body.h"
#undef EXEC_NAME
#undef MEM_CHECKED
#undef FUEL
