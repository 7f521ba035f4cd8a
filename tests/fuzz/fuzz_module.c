/* libFuzzer target: decode, validate and translate arbitrary bytes; if they form a module,
 * instantiate it against dummy imports of the right types and call every exported function
 * with zero arguments. A watchdog thread interrupts calls that run too long, so infinite
 * loops end as WASM_TRAP_INTERRUPTED rather than timeouts. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wasm/internal.h"
#include "wasm/wasm.h"

#define CALL_BUDGET_NS (50 * 1000 * 1000)

static _Atomic (wasm_store *) running_store;
static atomic_llong running_since;

static long long now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000ll + t.tv_nsec;
}

static void *watchdog (void *arg)
{
  for (;;)
    {
      usleep (5000);
      wasm_store *s = atomic_load (&running_store);
      if (s && now_ns () - atomic_load (&running_since) > CALL_BUDGET_NS)
        wasm_store_interrupt (s);
    }
  return NULL;
}

static int dummy_host (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  return 0; /* results arrive zeroed and typed */
}

static void define_dummy_imports (wasm_linker *linker, wasm_store *store, const wasm_module *m)
{
  for (uint32_t i = 0; i < m->nimports; i++)
    {
      const import_t *im = &m->imports[i];
      wasm_extern ext = { .kind = im->kind };
      switch (im->kind)
        {
        case WASM_EXTERN_FUNC:
          ext.of.func = wasm_func_new_host (store, &m->types[im->type_index].pub, dummy_host, NULL);
          break;
        case WASM_EXTERN_TABLE:
          ext.of.table = wasm_table_new (store, im->table.elem, im->table.lim.min, im->table.lim.max,
                                         im->table.lim.has_max, NULL);
          break;
        case WASM_EXTERN_MEMORY:
          ext.of.memory = wasm_memory_new (store, im->memory.min, im->memory.max, im->memory.has_max);
          break;
        case WASM_EXTERN_GLOBAL: {
          wasm_value zero = { .type = im->global.type };
          ext.of.global = wasm_global_new (store, zero, im->global.mut);
          break;
        }
        }
      if (ext.of.func)
        wasm_linker_define (linker, im->module, im->name, ext);
    }
}

static void start_watchdog (void)
{
  pthread_t thread;
  pthread_create (&thread, NULL, watchdog, NULL);
  pthread_detach (thread);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, start_watchdog);

  wasm_error err;
  wasm_module *m = wasm_module_new (data, size, &err);
  if (!m)
    return 0;
  wasm_limits limits = { .max_memory_pages = 512, .max_table_elems = 100000, .max_call_depth = 2000 };
  wasm_store *store = wasm_store_new (&limits);
  wasm_linker *linker = wasm_linker_new (store);
  define_dummy_imports (linker, store, m);
  atomic_store (&running_since, now_ns ());
  atomic_store (&running_store, store);
  wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
  for (uint32_t i = 0; inst && i < m->nexports; i++)
    {
      wasm_extern ext;
      const export_t *e = &m->exports[i];
      if (e->kind != WASM_EXTERN_FUNC || wasm_instance_export_bytes (inst, e->name, e->name_len, &ext) < 0)
        continue;
      wasm_functype t = wasm_func_type (ext.of.func);
      wasm_value args[t.nparams + 1], results[t.nresults + 1];
      memset (args, 0, sizeof args);
      for (uint32_t k = 0; k < t.nparams; k++)
        args[k].type = t.params[k];
      wasm_trap trap;
      atomic_store (&running_since, now_ns ());
      wasm_store_clear_interrupt (store);
      wasm_func_call (ext.of.func, args, t.nparams, results, t.nresults, &trap);
    }
  atomic_store (&running_store, NULL);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (m);
  return 0;
}
