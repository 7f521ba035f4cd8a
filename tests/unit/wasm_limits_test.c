/* Engine limits and trap backtraces through the public API: fuel (exact accounting, and no
 * accounting without it), max_stack_bytes, trap_on_grow_failure, backtrace frames and
 * offsets (direct, through a host function, from a guard-page fault), and the name section
 * (names found, a malformed section ignored). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wasm/wasm.h"
#include "wasm_modules.h"

static wasm_instance *limits_instance;

static wasm_value i32 (int32_t v) { return (wasm_value){ .type = WASM_I32, .of.i32 = v }; }

/* env.call_in: calls the instance's "outer", which traps three frames down. */
static int call_in (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  (void) env;
  (void) args;
  (void) results;
  wasm_trap trap;
  if (wasm_func_call (wasm_instance_func (limits_instance, "outer"), NULL, 0, NULL, 0, &trap) < 0)
    return wasm_caller_trap (caller, trap.kind, trap.message);
  return 0;
}

struct setup {
  wasm_store *store;
  wasm_linker *linker;
  wasm_module *module;
  wasm_instance *inst;
};

static int setup (struct setup *s, const wasm_limits *limits, const uint8_t *bytes, size_t len)
{
  wasm_error err;
  memset (s, 0, sizeof *s);
  s->store = wasm_store_new (limits);
  s->linker = wasm_linker_new (s->store);
  static const wasm_valtype p[] = { WASM_I32 };
  wasm_functype t = { 1, 0, p, NULL };
  wasm_linker_define_func (s->linker, "env", "call_in", &t, call_in, NULL);
  s->module = wasm_module_new (bytes, len, &err);
  if (!s->module)
    {
      printf ("# load: %s\n", err.message);
      return -1;
    }
  s->inst = wasm_linker_instantiate (s->linker, s->module, &err);
  limits_instance = s->inst;
  return s->inst ? 0 : -1;
}

static void teardown (struct setup *s)
{
  wasm_linker_delete (s->linker);
  wasm_store_delete (s->store);
  wasm_module_delete (s->module);
}

static int call1 (struct setup *s, const char *name, int32_t arg, int32_t *result, wasm_trap *trap)
{
  wasm_value a = i32 (arg), r = { 0 };
  int rc = wasm_func_call (wasm_instance_func (s->inst, name), &a, 1, &r, 1, trap);
  *result = r.of.i32;
  return rc;
}

static void test_fuel (void)
{
  struct setup s;
  wasm_trap trap;
  int32_t r;
  tap_ok (setup (&s, NULL, wasm_module_limits, wasm_module_limits_len) == 0, "fuel: instantiate");
  tap_ok (call1 (&s, "count", 1000, &r, &trap) == 0 && r == 1000, "no fuel set: runs unlimited");
  wasm_store_set_fuel (s.store, 1000000);
  tap_ok (call1 (&s, "count", 1000, &r, &trap) == 0 && r == 1000, "fuel 1000000: count 1000 finishes");
  uint64_t used = 1000000 - wasm_store_fuel (s.store);
  tap_ok (used >= 1000 && used < 10000, "  it cost between 1 and 10 units an iteration");
  wasm_store_set_fuel (s.store, used);
  tap_ok (call1 (&s, "count", 1000, &r, &trap) == 0 && wasm_store_fuel (s.store) == 0,
          "exactly that much fuel: finishes with 0 left");
  wasm_store_set_fuel (s.store, used - 1);
  tap_ok (call1 (&s, "count", 1000, &r, &trap) < 0 && trap.kind == WASM_TRAP_OUT_OF_FUEL,
          "one unit less: traps out of fuel");
  tap_ok (strcmp (trap.message, "all fuel consumed (in func 1)") == 0, "  \"all fuel consumed (in func 1)\"");
  tap_ok (wasm_store_fuel (s.store) == 0, "  nothing left");
  tap_ok (call1 (&s, "count", 0, &r, &trap) < 0 && trap.kind == WASM_TRAP_OUT_OF_FUEL, "an empty tank traps at once");
  teardown (&s);
}

static void test_stack_and_grow (void)
{
  struct setup s;
  wasm_trap trap;
  int32_t r;
  wasm_limits small = { .max_stack_bytes = 16 << 10 };
  tap_ok (setup (&s, &small, wasm_module_limits, wasm_module_limits_len) == 0, "stack: instantiate");
  tap_ok (call1 (&s, "recurse", 100, &r, &trap) == 0 && r == 100, "16 KiB value stack: 100 calls deep fits");
  tap_ok (call1 (&s, "recurse", 5000, &r, &trap) < 0 && trap.kind == WASM_TRAP_CALL_STACK_EXHAUSTED,
          "  5000 do not: call stack exhausted");
  tap_ok (trap.nframes == WASM_TRAP_MAX_FRAMES && trap.frames_omitted > 0, "  32 frames kept, the rest counted");
  teardown (&s);
  tap_ok (setup (&s, NULL, wasm_module_limits, wasm_module_limits_len) == 0 && call1 (&s, "recurse", 5000, &r, &trap) == 0,
          "the default stack takes 5000");
  teardown (&s);

  wasm_limits grow = { .max_memory_pages = 4, .max_table_elems = 4, .trap_on_grow_failure = 1 };
  tap_ok (setup (&s, &grow, wasm_module_limits, wasm_module_limits_len) == 0, "grow: instantiate");
  tap_ok (call1 (&s, "grow", 3, &r, &trap) == 0 && r == 1, "memory.grow within the cap works");
  tap_ok (call1 (&s, "grow", 1, &r, &trap) < 0 && trap.kind == WASM_TRAP_GROW_FAILED,
          "memory.grow past the cap traps");
  tap_ok (call1 (&s, "grow_table", 3, &r, &trap) == 0 && r == 1, "table.grow within the cap works");
  tap_ok (call1 (&s, "grow_table", 1, &r, &trap) < 0 && trap.kind == WASM_TRAP_GROW_FAILED,
          "table.grow past the cap traps");
  teardown (&s);
  grow.trap_on_grow_failure = 0;
  setup (&s, &grow, wasm_module_limits, wasm_module_limits_len);
  tap_ok (call1 (&s, "grow", 10, &r, &trap) == 0 && r == -1, "without trap_on_grow_failure: -1");
  teardown (&s);
}

static void test_backtraces (void)
{
  struct setup s;
  wasm_trap trap;
  tap_ok (setup (&s, NULL, wasm_module_limits, wasm_module_limits_len) == 0, "backtrace: instantiate");
  wasm_func_call (wasm_instance_func (s.inst, "outer"), NULL, 0, NULL, 0, &trap);
  /* Functions: 0 env.call_in, 1 count, 2 recurse, 3 grow, 4 grow_table, 5 inner, 6 middle, 7 outer. */
  tap_ok (trap.kind == WASM_TRAP_UNREACHABLE && trap.nframes == 3, "outer -> middle -> inner: 3 frames");
  tap_ok (trap.frames[0].func_index == 5 && trap.frames[1].func_index == 6 && trap.frames[2].func_index == 7,
          "  innermost first: 5, 6, 7");
  tap_ok (trap.frames[0].offset > 0 && trap.frames[1].offset > trap.frames[0].offset
            && trap.frames[2].offset > trap.frames[1].offset,
          "  offsets in the file, increasing with the function order");
  tap_ok (trap.frames[0].module == s.module, "  the frames name their module");
  wasm_func_call (wasm_instance_func (s.inst, "via_host"), NULL, 0, NULL, 0, &trap);
  tap_ok (trap.kind == WASM_TRAP_UNREACHABLE && trap.nframes == 1 && trap.frames[0].func_index == 8,
          "through a host function: the host's caller (via_host) is a frame");
  wasm_func_call (wasm_instance_func (s.inst, "oob"), NULL, 0, NULL, 0, &trap);
  tap_ok (trap.kind == WASM_TRAP_MEMORY_OUT_OF_BOUNDS && trap.nframes == 1 && trap.frames[0].func_index == 9
            && trap.frames[0].offset > 0,
          "an out-of-bounds load: the frame and its offset");
  wasm_value arg = i32 (1);
  wasm_func_call (wasm_instance_func (s.inst, "count"), &arg, 1, &arg, 1, &trap);
  tap_ok (trap.kind == WASM_TRAP_NONE && trap.nframes == 0, "a call that returns has no frames");
  teardown (&s);
}

/* The module with a custom section appended (sections may end the module). */
static uint8_t *with_custom (const uint8_t *payload, size_t n, size_t *len)
{
  size_t base = wasm_module_limits_len;
  uint8_t *b = malloc (base + 2 + n);
  memcpy (b, wasm_module_limits, base);
  b[base] = 0;
  b[base + 1] = (uint8_t) n;
  memcpy (b + base + 2, payload, n);
  *len = base + 2 + n;
  return b;
}

static void test_names (void)
{
  /* "name": module "lim"; functions 5 "inner", 7 "outer". */
  static const uint8_t names[] = { 4, 'n', 'a', 'm', 'e', 0, 4, 3, 'l', 'i', 'm',
                                   1, 15, 2, 5, 5, 'i', 'n', 'n', 'e', 'r', 7, 5, 'o', 'u', 't', 'e', 'r' };
  size_t len;
  uint8_t *bytes = with_custom (names, sizeof names, &len);
  struct setup s;
  tap_ok (setup (&s, NULL, bytes, len) == 0, "names: a module with a name section loads");
  tap_ok (strcmp (wasm_module_name (s.module), "lim") == 0, "  module name");
  tap_ok (strcmp (wasm_module_func_name (s.module, 5), "inner") == 0
            && strcmp (wasm_module_func_name (s.module, 7), "outer") == 0,
          "  function names");
  tap_ok (wasm_module_func_name (s.module, 6) == NULL, "  an unnamed function is NULL");
  teardown (&s);
  free (bytes);

  static const uint8_t bad[] = { 4, 'n', 'a', 'm', 'e', 1, 200, 7, 1, 0xff };
  bytes = with_custom (bad, sizeof bad, &len);
  tap_ok (setup (&s, NULL, bytes, len) == 0, "a malformed name section is ignored: the module still loads");
  tap_ok (wasm_module_name (s.module) == NULL && wasm_module_func_name (s.module, 0) == NULL, "  no names");
  teardown (&s);
  free (bytes);
}

int main (void)
{
  test_fuel ();
  test_stack_and_grow ();
  test_backtraces ();
  test_names ();
  return tap_done ();
}
