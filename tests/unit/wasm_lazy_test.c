/* Lazy loading: every body is validated while loading, so an invalid function that is never
 * called still fails wasm_module_new with the eager message; bodies are translated (with
 * the compiler: compiled) on first call, through every way into a function (start function,
 * export from the host, direct call, call_indirect, host re-entry, import from another
 * module); first calls racing on threads translate once; validate.c's quick check agrees
 * with compile.c on the frame layout of every body it accepts. Runs under either engine
 * (RUNWASM_ENGINE), tests/suites/10-unit.sh runs it under both. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wasm/internal.h"
#include "wasm/jit/jit.h"
#include "wasm/wasm.h"
#include "wasm_modules.h"
#include "wat/wat.h"

enum { BY_START = 1, BY_CALL, BY_INDIRECT, FROM_HOST, BY_IMPORT }; /* function indices in lazy.wat */

/* Whether function `index` has code for the engine the module was loaded for. */
static bool ready (const wasm_module *m, uint32_t index)
{
  const code_t *code = &m->codes[index - m->nimported_funcs];
  if (!m->jit)
    return code_words (code) != code_untranslated;
  const uint8_t *entry = code->jit_entry;
  return entry >= m->jit->code && entry < m->jit->code + m->jit->code_size;
}

static wasm_module *load_text (const char *text, wasm_error *err)
{
  uint8_t *bin;
  size_t len;
  char msg[128];
  if (wat_to_wasm (text, strlen (text), &bin, &len, msg, sizeof msg) < 0)
    {
      printf ("# wat: %s\n", msg);
      return NULL;
    }
  wasm_module *m = wasm_module_new (bin, len, err);
  free (bin);
  return m;
}

/* f(x) for a function of one i32 parameter, f() for one without; i32 result. */
static int call_i32 (wasm_func *f, int32_t x, int32_t *out)
{
  wasm_value arg = { .type = WASM_I32, .of.i32 = x }, r;
  wasm_trap trap;
  if (!f || wasm_func_call (f, &arg, wasm_func_type (f).nparams, &r, 1, &trap) < 0)
    return -1;
  *out = r.of.i32;
  return 0;
}

static int back (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  int32_t r;
  if (call_i32 (*(wasm_func **) env, args[0].of.i32, &r) < 0)
    return wasm_caller_trap (caller, WASM_TRAP_HOST, "re-entry failed");
  results[0] = (wasm_value){ .type = WASM_I32, .of.i32 = r };
  return 0;
}

static void invalid_function_fails_the_load (void)
{
  static const char text[] = "(module (func (export \"ok\") (result i32) i32.const 1)"
                             " (func i32.const 1 i64.const 2 i32.add drop))";
  wasm_error lazy, eager;
  wasm_compile_select (WASM_COMPILE_EAGER);
  wasm_module *m = load_text (text, &eager);
  tap_ok (!m && eager.kind == WASM_ERR_INVALID, "eager: an invalid function fails the load (%s)", eager.message);
  wasm_compile_select (WASM_COMPILE_LAZY);
  wasm_module *l = load_text (text, &lazy);
  tap_ok (!l && lazy.kind == WASM_ERR_INVALID, "lazy: an invalid function that is never called fails the load");
  tap_eq_str (lazy.message, eager.message, "lazy: with the same message");
  wasm_module_delete (m);
  wasm_module_delete (l);
}

static void every_entry_path (void)
{
  wasm_error err;
  wasm_module *m = wasm_module_new (wasm_module_lazy, wasm_module_lazy_len, &err);
  wasm_module *importer = wasm_module_new (wasm_module_lazy_importer, wasm_module_lazy_importer_len, &err);
  tap_ok (m && importer, "lazy modules load");
  if (!m || !importer)
    return;
  bool none = true;
  for (uint32_t i = m->nimported_funcs; i < m->nfuncs; i++)
    none = none && !ready (m, i);
  tap_ok (none, "no function has code after loading");
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  static const wasm_valtype i32[] = { WASM_I32 };
  const wasm_functype t = { 1, 1, i32, i32 };
  wasm_func *from_host = NULL;
  wasm_linker_define_func (linker, "env", "back", &t, back, &from_host);
  wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
  tap_ok (inst != NULL, "instantiates");
  if (!inst)
    goto out;
  int32_t r = 0;
  tap_ok (ready (m, BY_START) && call_i32 (wasm_instance_func (inst, "started"), 0, &r) == 0 && r == 7,
          "the start function ran");
  tap_ok (!ready (m, BY_CALL) && !ready (m, BY_INDIRECT) && !ready (m, FROM_HOST) && !ready (m, BY_IMPORT),
          "functions not called yet have no code");
  tap_ok (call_i32 (wasm_instance_func (inst, "direct"), 5, &r) == 0 && r == 6 && ready (m, BY_CALL),
          "a direct call (%d)", r);
  tap_ok (call_i32 (wasm_instance_func (inst, "indirect"), 5, &r) == 0 && r == 10 && ready (m, BY_INDIRECT),
          "call_indirect (%d)", r);
  from_host = wasm_instance_func (inst, "from_host");
  tap_ok (call_i32 (wasm_instance_func (inst, "via_host"), 10, &r) == 0 && r == 7 && ready (m, FROM_HOST),
          "a host function calling back in (%d)", r);
  tap_ok (!ready (m, BY_IMPORT), "still untouched: the function only an import reaches");
  wasm_linker_define_instance (linker, "lazy", inst);
  wasm_instance *caller = wasm_linker_instantiate (linker, importer, &err);
  tap_ok (caller && call_i32 (wasm_instance_func (caller, "call_import"), 1, &r) == 0 && r == 101
            && ready (m, BY_IMPORT),
          "a call from another module through an import (%d)", r);
out:
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (m);
  wasm_module_delete (importer);
}

static void eager_mode_translates_at_load (void)
{
  wasm_error err;
  wasm_compile_select (WASM_COMPILE_EAGER);
  wasm_module *m = wasm_module_new (wasm_module_lazy, wasm_module_lazy_len, &err);
  wasm_compile_select (WASM_COMPILE_LAZY);
  bool all = m != NULL;
  for (uint32_t i = m ? m->nimported_funcs : 0; m && i < m->nfuncs; i++)
    all = all && ready (m, i);
  tap_ok (all, "eager: every function has code after loading");
  wasm_module_delete (m);
}

/* Threads: each runs its own store's instance of one module; their first calls race. */
enum { NTHREADS = 4, CHAIN = 60 };
typedef struct runner { wasm_func *chain; pthread_barrier_t *go; int ok; } runner;

static void *run_chain (void *arg)
{
  runner *r = arg;
  pthread_barrier_wait (r->go);
  r->ok = 1;
  for (int32_t x = 0; x < 200; x++)
    {
      int32_t got;
      if (call_i32 (r->chain, x, &got) < 0 || got != x + CHAIN)
        r->ok = 0;
    }
  return NULL;
}

static void threads_translate_once (void)
{
  /* f0(x) = x, fk(x) = f(k-1)(x) + 1, "chain" = f60 */
  char *text = malloc (CHAIN * 96 + 128), *p = text;
  p += sprintf (p, "(module (func $f0 (param i32) (result i32) local.get 0)");
  for (int k = 1; k <= CHAIN; k++)
    p += sprintf (p, " (func $f%d %s(param i32) (result i32) (i32.add (call $f%d (local.get 0)) (i32.const 1)))", k,
                  k == CHAIN ? "(export \"chain\") " : "", k - 1);
  sprintf (p, ")");
  wasm_error err;
  wasm_module *m = load_text (text, &err);
  free (text);
  tap_ok (m != NULL, "threads: the module loads");
  if (!m)
    return;
  wasm_store *stores[NTHREADS];
  runner runners[NTHREADS];
  pthread_t threads[NTHREADS];
  pthread_barrier_t go;
  pthread_barrier_init (&go, NULL, NTHREADS);
  for (int i = 0; i < NTHREADS; i++)
    {
      stores[i] = wasm_store_new (NULL);
      wasm_linker *linker = wasm_linker_new (stores[i]);
      wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
      wasm_linker_delete (linker);
      runners[i] = (runner){ inst ? wasm_instance_func (inst, "chain") : NULL, &go, 0 };
    }
  for (int i = 0; i < NTHREADS; i++)
    pthread_create (&threads[i], NULL, run_chain, &runners[i]);
  int ok = 0;
  for (int i = 0; i < NTHREADS; i++)
    {
      pthread_join (threads[i], NULL);
      ok += runners[i].ok;
    }
  bool all = true;
  for (uint32_t i = 0; i < m->nfuncs; i++)
    all = all && ready (m, i);
  tap_eq_int (ok, NTHREADS, "threads: %d threads racing on first calls all get the right results", NTHREADS);
  tap_ok (all, "threads: every function of the chain has code");
  if (m->jit)
    tap_eq_int (m->jit->nplaced, m->nfuncs, "threads: each function was compiled once");
  for (int i = 0; i < NTHREADS; i++)
    wasm_store_delete (stores[i]);
  pthread_barrier_destroy (&go);
  wasm_module_delete (m);
}

/* Where validate_fast accepts a body, its frame layout must be compile.c's: callers size the
 * frame before the body is translated. */
static void quick_check_agrees (void)
{
  static const struct { const unsigned char *bytes; unsigned len; } modules[] = {
    { wasm_module_compare, sizeof wasm_module_compare }, { wasm_module_fusion, sizeof wasm_module_fusion },
    { wasm_module_host, sizeof wasm_module_host },       { wasm_module_lazy, sizeof wasm_module_lazy },
    { wasm_module_limits, sizeof wasm_module_limits },   { wasm_module_reenter, sizeof wasm_module_reenter },
    { wasm_module_traps, sizeof wasm_module_traps },
  };
  uint32_t quick = 0, bodies = 0, disagree = 0;
  validate_scratch vs = { 0 };
  compile_scratch cs = { 0 };
  for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
    {
      wasm_error err;
      wasm_module *m = wasm_module_new (modules[i].bytes, modules[i].len, &err);
      for (uint32_t f = m ? m->nimported_funcs : 0; m && f < m->nfuncs; f++, bodies++)
        {
          code_t fast = { 0 }, full = { 0 };
          if (!validate_fast (m, f, &vs, &fast))
            continue;
          quick++;
          if (compile_function (m, f, COMPILE_TEMPORARY, &cs, &full, &err) < 0 || fast.frame_slots != full.frame_slots
              || fast.local_slots != full.local_slots || fast.param_slots != full.param_slots)
            {
              printf ("#   module %zu func %u: frame %u, compile.c %u\n", i, f, fast.frame_slots, full.frame_slots);
              disagree++;
            }
          free ((void *) full.offsets);
        }
      wasm_module_delete (m);
    }
  validate_scratch_free (&vs);
  compile_scratch_free (&cs);
  tap_ok (quick > bodies / 2 && disagree == 0, "the quick check accepted %u of %u bodies, all with compile.c's frame layout",
          quick, bodies);
}

int main (void)
{
  wasm_compile_select (WASM_COMPILE_LAZY);
  invalid_function_fails_the_load ();
  every_entry_path ();
  eager_mode_translates_at_load ();
  threads_translate_once ();
  quick_check_agrees ();
  return tap_done ();
}
