/* Linear memory. In a guarded store every memory lives at the start of an 8 GiB PROT_NONE
 * reservation: any 32-bit address plus 32-bit offset lands inside it, so accesses need no
 * bounds check and out-of-bounds ones fault; the fault handler turns such faults into traps.
 * In a checked store (reservation impossible, or RUNWASM_MEMORY=checked) memory is a plain
 * heap buffer and the interpreter checks every access. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wasm/internal.h"
#include "wasm/jit/jit.h"

#define GUARDED_RESERVATION ((size_t) 8 << 30)
#define ALT_STACK_SIZE (64u << 10)

bool memory_reservation_possible (void)
{
  const char *mode = getenv ("RUNWASM_MEMORY");
  if (mode && strcmp (mode, "checked") == 0)
    return false;
  if (sizeof (void *) < 8)
    return false;
  /* One successful probe per process is enough: stores are created often. */
  static atomic_bool reserved_once;
  if (atomic_load (&reserved_once))
    return true;
  void *p = mmap (NULL, GUARDED_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return false;
  munmap (p, GUARDED_RESERVATION);
  atomic_store (&reserved_once, true);
  return true;
}

static uint32_t store_page_cap (const wasm_store *store)
{
  uint32_t cap = store->limits.max_memory_pages;
  return cap && cap < WASM_MAX_PAGES ? cap : WASM_MAX_PAGES;
}

wasm_memory *memory_create (wasm_store *store, uint32_t min_pages, uint32_t max_pages, bool has_max)
{
  uint32_t cap = store_page_cap (store);
  if (min_pages > cap)
    return NULL;
  wasm_memory *m = store_alloc (store, OBJ_MEMORY, sizeof *m);
  if (!m)
    return NULL;
  m->store = store;
  m->has_max = has_max;
  m->decl_max_pages = has_max ? max_pages : WASM_MAX_PAGES;
  m->max_pages = has_max && max_pages < cap ? max_pages : cap;
  size_t bytes = (size_t) min_pages * WASM_PAGE_SIZE;
  if (store->mode == MEMORY_GUARDED)
    {
      void *p = mmap (NULL, GUARDED_RESERVATION, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
        return NULL;
      if (bytes && mprotect (p, bytes, PROT_READ | PROT_WRITE) < 0)
        {
          munmap (p, GUARDED_RESERVATION);
          return NULL;
        }
      m->base = p;
      m->guarded = true;
      m->reserved = GUARDED_RESERVATION;
    }
  else if (bytes)
    {
      m->base = calloc (1, bytes);
      if (!m->base)
        return NULL;
    }
  m->size = bytes;
  return m;
}

void memory_destroy (wasm_memory *m)
{
  if (m->guarded)
    munmap (m->base, m->reserved);
  else
    free (m->base);
}

int64_t memory_grow_pages (wasm_memory *m, uint32_t delta)
{
  uint64_t old_pages = m->size / WASM_PAGE_SIZE;
  if (old_pages + delta > m->max_pages)
    return -1;
  if (delta == 0)
    return (int64_t) old_pages;
  size_t new_size = (size_t) (old_pages + delta) * WASM_PAGE_SIZE;
  if (m->guarded)
    {
      if (mprotect (m->base + m->size, new_size - m->size, PROT_READ | PROT_WRITE) < 0)
        return -1;
    }
  else
    {
      uint8_t *p = realloc (m->base, new_size);
      if (!p)
        return -1;
      memset (p + m->size, 0, new_size - m->size);
      m->base = p;
    }
  m->size = new_size;
  return (int64_t) old_pages;
}

/* ---- Faults in guarded memory ---------------------------------------------------------- */

static struct sigaction previous_segv, previous_bus;

bool fault_in_wasm_memory (exec_ctx *ctx, void *addr)
{
  for (; ctx; ctx = ctx->prev)
    {
      wasm_store *s = ctx->store;
      for (size_t i = 0; i < s->nobjects; i++)
        if (s->object_kinds[i] == OBJ_MEMORY)
          {
            wasm_memory *m = s->objects[i];
            if (m->guarded && (uint8_t *) addr >= m->base && (uint8_t *) addr < m->base + m->reserved)
              return true;
          }
    }
  return false;
}

static void fault_handler (int sig, siginfo_t *info, void *uctx)
{
  exec_ctx *ctx = exec_current;
  if (ctx && fault_in_wasm_memory (ctx, info->si_addr))
    {
      if (!jit_fault_trap (ctx, WASM_TRAP_MEMORY_OUT_OF_BOUNDS, uctx))
        {
          trap_set (ctx->trap, WASM_TRAP_MEMORY_OUT_OF_BOUNDS, ctx->current, NULL);
          backtrace_capture (ctx->trap, ctx->current, backtrace_ip_from_context (ctx->current, uctx), ctx->top,
                             ctx->entry);
          jit_backtrace_callers (ctx); /* an interpreted callee of compiled code: its callers */
        }
      siglongjmp (ctx->fault_jmp, 1);
    }
  /* Not ours: hand it to whoever was installed before, or crash as usual. */
  struct sigaction *prev = sig == SIGSEGV ? &previous_segv : &previous_bus;
  if (prev->sa_flags & SA_SIGINFO)
    prev->sa_sigaction (sig, info, uctx);
  else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN)
    prev->sa_handler (sig);
  else
    {
      signal (sig, SIG_DFL);
      raise (sig);
    }
}

static void install_handlers (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGSEGV, &sa, &previous_segv);
  sigaction (SIGBUS, &sa, &previous_bus);
}

/* Handlers once per process; an alternate signal stack once per thread so a fault near
 * the end of a thread's stack still reaches the handler. */
void signals_install (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  static __thread bool thread_ready;
  pthread_once (&once, install_handlers);
  if (thread_ready)
    return;
  thread_ready = true;
  stack_t old;
  if (sigaltstack (NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
    return;
  stack_t ss = { .ss_sp = malloc (ALT_STACK_SIZE), .ss_size = ALT_STACK_SIZE, .ss_flags = 0 };
  if (ss.ss_sp)
    sigaltstack (&ss, NULL);
}
