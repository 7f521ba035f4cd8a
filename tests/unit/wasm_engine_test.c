/* Engine choice: parsing and selecting engines, which modules get machine code, and modules
 * loaded for different engines calling each other (a compiled module imports from an
 * interpreted one and the other way round), in guarded and checked stores; slots the
 * compiler keeps in registers survive calls and interpreter-run instructions; canonical
 * signature ids, which call_indirect's in-line path compares. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wasm/decode.h"
#include "wasm/internal.h"
#include "wasm_modules.h"

static wasm_module *load (wasm_engine e, const uint8_t *bytes, size_t len)
{
  wasm_error err;
  wasm_engine_select (e);
  return wasm_module_new (bytes, len, &err);
}

/* twice(x) through a caller loaded for `ce` importing add3 loaded for `ae`. */
static int32_t run_pair (wasm_engine ce, wasm_engine ae, int32_t x, int *ok)
{
  wasm_module *callee = load (ae, wasm_module_engine_callee, wasm_module_engine_callee_len), *caller = load (ce, wasm_module_engine_caller, wasm_module_engine_caller_len);
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *l = wasm_linker_new (store);
  wasm_error err;
  int32_t result = -1;
  *ok = 0;
  wasm_instance *ci = callee ? wasm_linker_instantiate (l, callee, &err) : NULL;
  if (ci && wasm_linker_define_instance (l, "m", ci) == 0)
    {
      wasm_instance *ri = caller ? wasm_linker_instantiate (l, caller, &err) : NULL;
      wasm_value arg = { .type = WASM_I32, .of.i32 = x }, r;
      wasm_trap trap;
      if (ri && wasm_func_call (wasm_instance_func (ri, "twice"), &arg, 1, &r, 1, &trap) == 0)
        {
          result = r.of.i32;
          *ok = 1;
        }
    }
  wasm_linker_delete (l);
  wasm_store_delete (store);
  wasm_module_delete (callee);
  wasm_module_delete (caller);
  return result;
}

/* pinning.wat's mix(n) under engine e (-1 if it fails). */
static int64_t run_mix (wasm_engine e, int32_t n)
{
  wasm_module *m = load (e, wasm_module_pinning, wasm_module_pinning_len);
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *l = wasm_linker_new (store);
  wasm_error err;
  int64_t result = -1;
  wasm_instance *inst = m ? wasm_linker_instantiate (l, m, &err) : NULL;
  wasm_value arg = { .type = WASM_I32, .of.i32 = n }, r;
  wasm_trap trap;
  if (inst && wasm_func_call (wasm_instance_func (inst, "mix"), &arg, 1, &r, 1, &trap) == 0)
    result = r.of.i64;
  wasm_linker_delete (l);
  wasm_store_delete (store);
  wasm_module_delete (m);
  return result;
}

static void test_signature_ids (void)
{
  wasm_valtype p1[] = { WASM_I32, WASM_I64 }, r1[] = { WASM_F32 };
  wasm_valtype p2[] = { WASM_I32, WASM_I64 }, r2[] = { WASM_F32 };
  wasm_valtype p3[] = { WASM_I64, WASM_I32 };
  functype_t a = { .pub = { .nparams = 2, .nresults = 1 }, .params = p1, .results = r1 };
  functype_t b = { .pub = { .nparams = 2, .nresults = 1 }, .params = p2, .results = r2 };
  functype_t c = { .pub = { .nparams = 2, .nresults = 1 }, .params = p3, .results = r1 };
  functype_t d = { .pub = { .nparams = 2, .nresults = 0 }, .params = p1, .results = r1 };
  functype_finish (&a), functype_finish (&b), functype_finish (&c), functype_finish (&d);
  tap_ok (a.sig_id != 0 && a.sig_id == b.sig_id, "equal signatures (other storage) share one id");
  tap_ok (c.sig_id != a.sig_id && d.sig_id != a.sig_id && c.sig_id != d.sig_id, "different signatures differ");
  tap_ok (functype_equal (&a, &b) && !functype_equal (&a, &c), "functype_equal agrees");
}

int main (void)
{
  wasm_engine e;
  test_signature_ids ();
  tap_ok (wasm_engine_parse ("jit", &e) == 0 && e == WASM_ENGINE_JIT, "\"jit\" names the compiler");
  tap_ok (wasm_engine_parse ("interp", &e) == 0 && e == WASM_ENGINE_INTERP, "\"interp\" names the interpreter");
  tap_ok (wasm_engine_parse ("fast", &e) < 0 && wasm_engine_parse ("", &e) < 0, "other names are refused");
  tap_ok (wasm_engine_available (WASM_ENGINE_INTERP), "the interpreter is always available");
  tap_eq_str (wasm_engine_name (WASM_ENGINE_JIT), "jit", "engine names");
#if defined(__x86_64__)
  tap_ok (wasm_engine_available (WASM_ENGINE_JIT), "the compiler is available on x86-64");
  tap_ok (wasm_engine_default () == WASM_ENGINE_JIT, "the compiler is the default on x86-64");
  setenv ("RUNWASM_MEMORY", "checked", 1);
  tap_ok (wasm_engine_default () == WASM_ENGINE_INTERP, "without guarded memory the interpreter is the default");
  unsetenv ("RUNWASM_MEMORY");
  tap_eq_int (wasm_engine_select (WASM_ENGINE_JIT), 0, "selecting the compiler");
  tap_ok (wasm_engine_selected () == WASM_ENGINE_JIT, "the selection sticks");
  wasm_module *m = load (WASM_ENGINE_JIT, wasm_module_engine_callee, wasm_module_engine_callee_len);
  tap_ok (m && m->jit && m->codes[0].jit_entry, "a module loaded for the compiler has machine code");
  wasm_module_delete (m);
  m = load (WASM_ENGINE_INTERP, wasm_module_engine_callee, wasm_module_engine_callee_len);
  tap_ok (m && !m->jit && !m->codes[0].jit_entry, "a module loaded for the interpreter has none");
  wasm_module_delete (m);
  static const wasm_engine engines[] = { WASM_ENGINE_INTERP, WASM_ENGINE_JIT };
  for (int mode = 0; mode < 2; mode++)
    {
      if (mode == 1)
        setenv ("RUNWASM_MEMORY", "checked", 1);
      for (int c = 0; c < 2; c++)
        for (int a = 0; a < 2; a++)
          {
            int ok;
            int32_t r = run_pair (engines[c], engines[a], 10, &ok);
            tap_ok (ok && r == 16, "%s store: %s caller, %s import: twice(10) = %d", mode ? "checked" : "guarded",
                    wasm_engine_name (engines[c]), wasm_engine_name (engines[a]), r);
          }
    }
  unsetenv ("RUNWASM_MEMORY");
  int64_t interp = run_mix (WASM_ENGINE_INTERP, 1000), jit = run_mix (WASM_ENGINE_JIT, 1000);
  tap_ok (interp > 0 && jit == interp, "pinned locals through calls and interpreter-run ops: compiled %lld, interpreted %lld",
          (long long) jit, (long long) interp);
#else
  tap_ok (!wasm_engine_available (WASM_ENGINE_JIT), "no compiler on this architecture");
  tap_ok (wasm_engine_select (WASM_ENGINE_JIT) < 0, "selecting it fails");
#endif
  return tap_done ();
}
