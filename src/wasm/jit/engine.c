/* Which engine modules are loaded for: the compiler where this machine can run its code,
 * else the interpreter (RUNWASM_ENGINE or wasm_engine_select override that), and whether
 * they translate function bodies lazily. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/jit/jit.h"
#include "wasm/wasm.h"

static atomic_int selected = -1; /* -1: not decided yet (RUNWASM_ENGINE is read on first use) */

int wasm_engine_available (wasm_engine engine)
{
  return engine == WASM_ENGINE_INTERP || (engine == WASM_ENGINE_JIT && jit_supported ());
}

/* Compiled code runs only in stores with guarded memory: where the reservation is impossible
 * (RUNWASM_MEMORY=checked, a small RLIMIT_AS) compiling would only cost load time. */
wasm_engine wasm_engine_default (void)
{
  return jit_supported () && memory_reservation_possible () ? WASM_ENGINE_JIT : WASM_ENGINE_INTERP;
}

int wasm_engine_parse (const char *name, wasm_engine *out)
{
  if (strcmp (name, "jit") == 0)
    *out = WASM_ENGINE_JIT;
  else if (strcmp (name, "interp") == 0)
    *out = WASM_ENGINE_INTERP;
  else
    return -1;
  return 0;
}

int wasm_engine_select (wasm_engine engine)
{
  if (!wasm_engine_available (engine))
    return -1;
  atomic_store (&selected, (int) engine);
  return 0;
}

wasm_engine wasm_engine_selected (void)
{
  int e = atomic_load (&selected);
  if (e >= 0)
    return (wasm_engine) e;
  wasm_engine from_env = wasm_engine_default ();
  const char *env = getenv ("RUNWASM_ENGINE");
  if (env && (wasm_engine_parse (env, &from_env) < 0 || !wasm_engine_available (from_env)))
    from_env = wasm_engine_default ();
  int expected = -1;
  atomic_compare_exchange_strong (&selected, &expected, (int) from_env);
  return (wasm_engine) atomic_load (&selected);
}

const char *wasm_engine_name (wasm_engine engine)
{
  return engine == WASM_ENGINE_JIT ? "jit" : "interp";
}

static atomic_int compile_time = -1; /* -1: not decided yet (RUNWASM_COMPILE is read on first use) */

void wasm_compile_select (wasm_compile_time when)
{
  atomic_store (&compile_time, (int) when);
}

wasm_compile_time wasm_compile_selected (void)
{
  int t = atomic_load (&compile_time);
  if (t >= 0)
    return (wasm_compile_time) t;
  const char *env = getenv ("RUNWASM_COMPILE");
  int expected = -1;
  atomic_compare_exchange_strong (&compile_time, &expected,
                                  env && strcmp (env, "eager") == 0 ? WASM_COMPILE_EAGER : WASM_COMPILE_LAZY);
  return (wasm_compile_time) atomic_load (&compile_time);
}
