/* Lazy compilation: a function becomes machine code on its first call.
 *
 * A lazy module reserves one area of address space at load:
 *
 *   [slots: one pointer per function, read+write]
 *   [entry stubs: 16 bytes per function, then the trampoline, read+execute]
 *   [code: functions appended as they are compiled]
 *
 * Function i's stub is `jmp [slot i]; push i; jmp trampoline`. Its slot first points at the
 * `push`, so the first call reaches the trampoline, which saves every caller-saved register
 * (whatever the calling convention passes in them), calls jit_lazy_entry and continues
 * where that returned: the new code, whose own `ret` returns to the caller. The slot then
 * points at the code, so later calls through the stub cost one indirect jump; code compiled
 * afterwards calls compiled functions directly, and code_t.jit_entry (entries from C,
 * call_indirect) points at the code too.
 *
 * W^X: code is assembled in a heap buffer and copied into the area while its pages are
 * read+write, then they become read+execute. The last page may already hold running code,
 * so it is reopened for writing only while the module has been run by a single thread (the
 * one compiling, which runs no wasm meanwhile); once a second thread enters, every function
 * starts on a fresh page. Slots are data, never executable. Compiling after the container's
 * seccomp filter is installed needs mprotect (and malloc's mmap/brk); docs/ENGINE.md. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wasm/jit/jit.h"
#include "wasm/jit/x64_abi.h"

enum { STUB_BYTES = 16, TRAMPOLINE_BYTES = 512 };
#define AREA_CODE_MAX ((size_t) 1 << 30) /* rel32 calls reach across the whole area */

struct jit_lazy {
  pthread_mutex_t lock;        /* compiling and placing */
  uint8_t *area;
  size_t area_size;
  const void **slots;
  uint8_t *stubs;
  const void *ret_only;        /* a `ret`: where a function the interpreter ran "continues" */
  size_t code_cap;             /* bytes of the area left for code */
  atomic_ulong owner;          /* the first thread that ran the module's code (pthread_t), 0 before */
  atomic_bool shared;          /* some other thread ran it too */
  compile_scratch translate;
  x64_scratch x64;
  x64_buf buf;
  fixups calls;
};

static size_t page_size (void) { return (size_t) sysconf (_SC_PAGESIZE); }
static size_t round_up (size_t n, size_t to) { return (n + to - 1) / to * to; }

static const uint8_t *stub_of (const struct jit_lazy *jl, uint32_t i) { return jl->stubs + (size_t) i * STUB_BYTES; }

/* The trampoline the stubs jump to, with [rsp] = function index, [rsp+8] = the return
 * address into the caller. */
static void trampoline_emit (x64_buf *b)
{
  static const x64_reg saved[] = { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11 };
  enum { NSAVED = sizeof saved / sizeof saved[0] };
  x64_push (b, RBP);
  x64_mov_rr (b, true, RBP, RSP);
  for (int k = 0; k < NSAVED; k++)
    x64_push (b, saved[k]);
  x64_alu_ri (b, ALU_AND, true, RSP, -16);
  x64_alu_ri (b, ALU_SUB, true, RSP, 16 * 16);
  for (int x = 0; x < 16; x++)
    x64_sse_rm (b, SSE_MOVUPS_STORE, x, x64_at (RSP, 16 * x));
  x64_mov_rr (b, true, RDI, CTX);
  x64_mov_rr (b, true, RSI, INST);
  x64_mov_rr (b, true, RDX, FP);
  x64_load (b, W_U32, RCX, x64_at (RBP, 8));
  x64_mov_ri (b, RAX, (uint64_t) (uintptr_t) jit_lazy_entry);
  x64_call_r (b, RAX);
  x64_store (b, 8, x64_at (RBP, 8), RAX); /* the index's slot now holds where to go */
  for (int x = 0; x < 16; x++)
    x64_sse_rm (b, SSE_MOVUPS_LOAD, x, x64_at (RSP, 16 * x));
  x64_lea (b, RSP, x64_at (RBP, -8 * NSAVED));
  for (int k = NSAVED - 1; k >= 0; k--)
    x64_pop (b, saved[k]);
  x64_pop (b, RBP);
  x64_ret (b);
}

int jit_lazy_prepare (wasm_module *m, wasm_error *err)
{
  uint32_t n = m->nfuncs - m->nimported_funcs;
  size_t page = page_size (), section = 0;
  for (uint32_t i = 0; i < n; i++)
    section += m->codes[i].body_len;
  /* Eagerly compiled code is about 3x the bodies; room for more costs only address space. */
  size_t slots_bytes = round_up ((size_t) n * sizeof (void *) + 1, page);
  size_t stubs_bytes = round_up ((size_t) n * STUB_BYTES + TRAMPOLINE_BYTES, page);
  size_t code_cap = round_up (section * 8 + ((size_t) 1 << 20), page);
  if (code_cap > AREA_CODE_MAX)
    code_cap = AREA_CODE_MAX;
  jit_module *jm = calloc (1, sizeof *jm);
  struct jit_lazy *jl = calloc (1, sizeof *jl);
  x64_buf b = { 0 };
  if (!jm || !jl || !(jm->func_start = calloc (n + 1, sizeof *jm->func_start))
      || !(jm->placed_func = calloc (n + 1, sizeof *jm->placed_func)) || jit_pcmap_init (jm, n) < 0)
    goto fail;
  jm->lazy = jl;
  pthread_mutex_init (&jl->lock, NULL);
  jl->area_size = slots_bytes + stubs_bytes + code_cap;
  jl->area = mmap (NULL, jl->area_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (jl->area == MAP_FAILED)
    {
      jl->area = NULL;
      goto fail;
    }
  jl->slots = (const void **) (void *) jl->area;
  jl->stubs = jl->area + slots_bytes;
  jl->code_cap = code_cap;
  jm->code = jl->stubs + stubs_bytes;
  jm->entry_bytes = (size_t) n * STUB_BYTES;
  /* The stubs, assembled as if the buffer started at jl->stubs. */
  size_t trampoline_at = (size_t) n * STUB_BYTES;
  for (uint32_t i = 0; i < n; i++)
    {
      size_t slot = (size_t) ((uint8_t *) &jl->slots[i] - jl->stubs); /* before the buffer: wraps */
      x64_patch_rel32 (&b, x64_jmp_rip_mem (&b), slot);
      x64_push_imm32 (&b, (int32_t) i);
      x64_patch_rel32 (&b, x64_jmp (&b), trampoline_at);
    }
  trampoline_emit (&b);
  jl->ret_only = jl->stubs + b.len;
  x64_ret (&b);
  jm->entry_bytes = b.len;
  if (b.oom || b.len > stubs_bytes || mprotect (jl->area, slots_bytes + stubs_bytes, PROT_READ | PROT_WRITE) < 0)
    goto fail;
  memcpy (jl->stubs, b.p, b.len);
  if (mprotect (jl->stubs, stubs_bytes, PROT_READ | PROT_EXEC) < 0)
    goto fail;
  for (uint32_t i = 0; i < n; i++)
    {
      jl->slots[i] = stub_of (jl, i) + 6; /* the push after `jmp [slot]` */
      m->codes[i].jit_entry = stub_of (jl, i);
    }
  x64_buf_free (&b);
  m->jit = jm;
  return 0;
fail:
  x64_buf_free (&b);
  if (jm)
    {
      jm->lazy = NULL;
      jit_pcmap_free (&jm->pcmap);
      free (jm->func_start);
      free (jm->placed_func);
      free (jm);
    }
  if (jl)
    {
      if (jl->area)
        munmap (jl->area, jl->area_size);
      free (jl);
    }
  return module_error (err, WASM_ERR_RESOURCE, "out of memory preparing lazy compilation");
}

void jit_lazy_free (jit_module *jm)
{
  struct jit_lazy *jl = jm->lazy;
  munmap (jl->area, jl->area_size);
  pthread_mutex_destroy (&jl->lock);
  compile_scratch_free (&jl->translate);
  x64_scratch_free (&jl->x64);
  x64_buf_free (&jl->buf);
  free (jl->calls.v);
  free (jl);
  jm->lazy = NULL;
}

void jit_lazy_note_thread (jit_module *jm)
{
  struct jit_lazy *jl = jm ? jm->lazy : NULL;
  if (!jm || !jl || atomic_load_explicit (&jl->shared, memory_order_relaxed))
    return;
  unsigned long self = (unsigned long) pthread_self (), none = 0;
  if (atomic_compare_exchange_strong (&jl->owner, &none, self) || none == self)
    return;
  /* From now on nothing is written next to published code; a placement that still does
   * holds the lock, so wait for it before running any of the module's code. */
  atomic_store (&jl->shared, true);
  pthread_mutex_lock (&jl->lock);
  pthread_mutex_unlock (&jl->lock);
}

/* Copy the function assembled in jl->buf into the area and make it executable; the call
 * fixups become rel32s to the callee's code if it has some (or is this very function),
 * else to its stub. Returns the code, NULL if the area is full or mprotect failed. */
static const uint8_t *place (wasm_module *m, jit_module *jm, uint32_t i, size_t start)
{
  struct jit_lazy *jl = jm->lazy;
  size_t page = page_size ();
  size_t at = round_up (jm->code_size, atomic_load (&jl->shared) ? page : 16);
  size_t len = jl->buf.len;
  if (at + len > jl->code_cap)
    return NULL;
  uint8_t *entry = jm->code + at + start;
  for (size_t k = 0; k < jl->calls.n; k++)
    {
      uint32_t callee = jl->calls.v[k].target - m->nimported_funcs;
      const uint8_t *target = callee == i ? entry : m->codes[callee].jit_entry;
      x64_patch_rel32 (&jl->buf, jl->calls.v[k].at, (size_t) (target - (jm->code + at)));
    }
  uint8_t *first = jm->code + at / page * page, *end = jm->code + round_up (at + len, page);
  if (mprotect (first, (size_t) (end - first), PROT_READ | PROT_WRITE) < 0)
    return NULL;
  memcpy (jm->code + at, jl->buf.p, len);
  if (mprotect (first, (size_t) (end - first), PROT_READ | PROT_EXEC) < 0)
    return NULL; /* the pages stay unexecutable: nothing can have jumped into them yet */
  jm->func_start[jm->nplaced] = (uint32_t) (at + start);
  jm->placed_func[jm->nplaced] = i;
  __atomic_store_n (&jm->code_size, at + len, __ATOMIC_RELEASE);
  __atomic_store_n (&jm->nplaced, jm->nplaced + 1, __ATOMIC_RELEASE);
  __atomic_store_n (&jl->slots[i], entry, __ATOMIC_RELEASE);
  __atomic_store_n (&m->codes[i].jit_entry, entry, __ATOMIC_RELEASE);
  return entry;
}

/* Compile defined function i unless another call did; NULL if it cannot be (the area is
 * full, out of memory, or the backend refuses it): then it runs in the interpreter. */
static const void *compile_once (wasm_module *m, uint32_t i)
{
  jit_module *jm = m->jit;
  struct jit_lazy *jl = jm->lazy;
  const uint8_t *stub = stub_of (jl, i), *entry = NULL;
  pthread_mutex_lock (&jl->lock);
  if (m->codes[i].jit_entry != stub)
    entry = m->codes[i].jit_entry;
  else
    {
      /* The register code: the interpreter's if it translated the function already, else a
       * translation that lives only while it is compiled. */
      code_t tmp = m->codes[i];
      const code_t *code = &m->codes[i];
      wasm_error err;
      int rc = 0;
      if (code_words (code) == code_untranslated)
        {
          /* The callers checked the stack against the frame validation measured. */
          rc = compile_function (m, m->nimported_funcs + i, COMPILE_TEMPORARY, &jl->translate, &tmp, &err);
          if (rc == 0 && tmp.frame_slots != code->frame_slots)
            rc = -1;
          code = &tmp;
        }
      size_t start = 0;
      jl->buf.len = 0;
      jl->buf.oom = false;
      jl->calls.n = 0;
      jl->calls.oom = false;
      if (rc == 0
          && x64_compile_function (m, jm, m->nimported_funcs + i, code, &jl->buf, &jl->calls, &jl->x64, &start) == 0
          && !jl->buf.oom && !jl->calls.oom)
        entry = place (m, jm, i, start);
      if (rc == 0 && code == &tmp)
        free ((void *) tmp.offsets);
    }
  pthread_mutex_unlock (&jl->lock);
  return entry;
}

const void *jit_lazy_entry (exec_ctx *ctx, wasm_instance *inst, slot_t *fp, uint32_t i)
{
  wasm_module *m = (wasm_module *) inst->module; /* lazy state lives in the shared module */
  const void *entry = compile_once (m, i);
  if (entry)
    return entry;
  /* Run it in the interpreter, as call_func would; the call site counted the depth. */
  wasm_func *f = inst->funcs[m->nimported_funcs + i];
  wasm_store *store = ctx->store;
  if (fp + f->code->frame_slots > store->stack_end)
    {
      trap_set (ctx->trap, WASM_TRAP_CALL_STACK_EXHAUSTED, f, NULL);
      siglongjmp (ctx->fault_jmp, 1);
    }
  wasm_func *saved = ctx->current;
  ctx->current = f;
  if (exec_guarded (ctx, f, fp) < 0)
    siglongjmp (ctx->fault_jmp, 1);
  ctx->current = saved;
  return m->jit->lazy->ret_only;
}
