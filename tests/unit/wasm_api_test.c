/* The engine's embedding API: host functions and imports, linking errors, traps as values,
 * limits, interrupts, memory access, and both memory modes (guard pages and checked). */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "tap.h"
#include "wasm/internal.h"
#include "wasm/wasm.h"
#include "wasm_modules.h"

static const wasm_valtype i32_type[] = { WASM_I32 };

static int host_add1 (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  ++*(int *) env;
  results[0].of.i32 = args[0].of.i32 + 1;
  return 0;
}

static int host_fail (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  return wasm_caller_trap (caller, WASM_TRAP_HOST, "host says no");
}

static int host_quit (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  return wasm_caller_exit (caller, args[0].of.i32);
}

static wasm_value i32 (int32_t v) { return (wasm_value){ .type = WASM_I32, .of.i32 = v }; }

static wasm_instance *instantiate (wasm_store *store, wasm_linker *linker, const uint8_t *bytes, size_t len,
                                   wasm_module **module)
{
  wasm_error err;
  *module = wasm_module_new (bytes, len, &err);
  if (!*module)
    {
      printf ("# load: %s\n", err.message);
      return NULL;
    }
  wasm_instance *inst = wasm_linker_instantiate (linker, *module, &err);
  if (!inst)
    printf ("# instantiate: %s\n", err.message);
  return inst;
}

/* env.reenter(n): calls the instance's "down"(n) again, so host and wasm frames alternate. */
static int host_reenter (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  wasm_func *down = wasm_instance_func (*(wasm_instance **) env, "down");
  wasm_trap trap;
  if (wasm_func_call (down, args, 1, results, 1, &trap) < 0)
    return wasm_caller_trap (caller, trap.kind, trap.message);
  return 0;
}

static void test_reentry (void)
{
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_instance *inst = NULL;
  wasm_functype type = { 1, 1, i32_type, i32_type };
  wasm_linker_define_func (linker, "env", "reenter", &type, host_reenter, &inst);
  wasm_module *module;
  inst = instantiate (store, linker, wasm_module_reenter, wasm_module_reenter_len, &module);
  tap_ok (inst != NULL, "re-entry module instantiates");
  wasm_value arg = i32 (20), r;
  wasm_trap trap;
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "down"), &arg, 1, &r, 1, &trap), 0, "wasm -> host -> wasm 20 deep");
  tap_eq_int (r.of.i32, 20, "re-entrant result");
  arg = i32 (10000000);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "down"), &arg, 1, &r, 1, &trap), -1, "unbounded re-entry traps");
  tap_eq_int (trap.kind, WASM_TRAP_CALL_STACK_EXHAUSTED, "re-entry ends in call stack exhausted");
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "down"), (wasm_value[]){ i32 (5) }, 1, &r, 1, &trap), 0,
              "store usable after exhaustion");
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (module);
}

static void test_host_functions (void)
{
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_module *module;
  wasm_error err;

  /* Missing import: the error names it. */
  module = wasm_module_new (wasm_module_host, wasm_module_host_len, &err);
  tap_ok (module != NULL, "host module loads");
  tap_eq_int (wasm_module_import_count (module), 3, "three imports");
  wasm_import_desc d;
  wasm_module_import (module, 0, &d);
  tap_eq_str (d.name, "add1", "first import is add1");
  tap_eq_int (d.functype.nparams, 1, "add1 takes one parameter");
  tap_ok (wasm_linker_instantiate (linker, module, &err) == NULL, "instantiating without imports fails");
  tap_eq_int (err.kind, WASM_ERR_UNLINKABLE, "missing import is unlinkable");
  tap_eq_str (err.message, "unknown import: env.add1", "error names the import");
  wasm_module_delete (module);

  int calls = 0;
  wasm_functype add1_type = { 1, 1, i32_type, i32_type }, void_type = { 0, 0, NULL, NULL },
                quit_type = { 1, 0, i32_type, NULL };
  wasm_linker_define_func (linker, "env", "add1", &add1_type, host_add1, &calls);
  wasm_linker_define_func (linker, "env", "fail", &void_type, host_fail, NULL);
  /* Wrong type for quit: unlinkable, and the message says so. */
  wasm_linker_define_func (linker, "env", "quit", &void_type, host_fail, NULL);
  module = wasm_module_new (wasm_module_host, wasm_module_host_len, &err);
  tap_ok (wasm_linker_instantiate (linker, module, &err) == NULL, "import with the wrong type fails");
  tap_eq_str (err.message, "incompatible import type: env.quit", "error names the mismatched import");
  wasm_module_delete (module);
  wasm_linker_define_func (linker, "env", "quit", &quit_type, host_quit, NULL);

  wasm_instance *inst = instantiate (store, linker, wasm_module_host, wasm_module_host_len, &module);
  tap_ok (inst != NULL, "host module instantiates with its imports");
  wasm_value arg = i32 (41), result;
  wasm_trap trap;
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "run"), &arg, 1, &result, 1, &trap), 0, "call through host");
  tap_eq_int (result.of.i32, 42, "host function computed the result");
  tap_eq_int (calls, 1, "host function ran once");

  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "fail"), NULL, 0, NULL, 0, &trap), -1, "host trap");
  tap_eq_int (trap.kind, WASM_TRAP_HOST, "host trap kind");
  tap_eq_str (trap.message, "host says no", "host trap message");
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "quit"), NULL, 0, NULL, 0, &trap), -1, "host exit");
  tap_eq_int (trap.kind, WASM_TRAP_EXIT, "exit kind");
  tap_eq_int (trap.exit_code, 7, "exit code");

  /* Memory from the host side. */
  wasm_memory *mem = wasm_instance_memory (inst, "mem");
  tap_ok (mem != NULL, "exported memory");
  tap_eq_int (wasm_memory_size (mem), 65536, "memory is one page");
  memcpy (wasm_memory_data (mem) + 100, "\x78\x56\x34\x12", 4);
  arg = i32 (100);
  wasm_func_call (wasm_instance_func (inst, "load"), &arg, 1, &result, 1, &trap);
  tap_eq_int (result.of.i32, 0x12345678, "wasm reads what the host wrote");
  wasm_value args2[2] = { i32 (200), i32 (-2) };
  wasm_func_call (wasm_instance_func (inst, "store"), args2, 2, NULL, 0, &trap);
  tap_ok (memcmp (wasm_memory_data (mem) + 200, "\xfe\xff\xff\xff", 4) == 0, "host reads what wasm wrote");
  tap_eq_int (wasm_memory_grow (mem, 1), 1, "host grows memory");
  tap_eq_int (wasm_memory_size (mem), 131072, "memory is two pages");

  /* Argument checking. */
  wasm_value wrong = { .type = WASM_I64, .of.i64 = 1 };
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "run"), &wrong, 1, &result, 1, &trap), -1, "wrong argument type");
  wasm_module_delete (module);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
}

static void test_load_errors (void)
{
  wasm_error err;
  static const uint8_t bad_magic[] = { 0, 'a', 's', 'x', 1, 0, 0, 0 };
  tap_ok (wasm_module_new (bad_magic, sizeof bad_magic, &err) == NULL, "bad magic rejected");
  tap_eq_int (err.kind, WASM_ERR_MALFORMED, "bad magic is malformed");
  /* A type section claiming more bytes than the file has. */
  static const uint8_t short_section[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 0 };
  tap_ok (wasm_module_new (short_section, sizeof short_section, &err) == NULL, "short section rejected");
  tap_ok (strstr (err.message, "malformed: section size mismatch") != NULL, "message says section size mismatch");
  /* (func (result i32) (i32.add (i32.const 1) (i64.const 2))) */
  static const uint8_t bad_add[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0,
                                     10, 9, 1, 7, 0, 0x41, 1, 0x42, 2, 0x6a, 0x0b };
  tap_ok (wasm_module_new (bad_add, sizeof bad_add, &err) == NULL, "ill-typed add rejected");
  tap_eq_int (err.kind, WASM_ERR_INVALID, "ill-typed add is invalid");
  tap_ok (strstr (err.message, "invalid: type mismatch") && strstr (err.message, "in i32.add in func 0"),
          "message names the op and function (%s)", err.message);
}

static void *interrupt_later (void *store)
{
  usleep (50 * 1000);
  wasm_store_interrupt (store);
  return NULL;
}

static wasm_store *alarm_store;
static void on_alarm (int sig) { wasm_store_interrupt (alarm_store); }

static void test_traps_and_limits (const char *mode)
{
  wasm_limits limits = { .max_memory_pages = 3, .max_call_depth = 1000 };
  wasm_store *store = wasm_store_new (&limits);
  tap_eq_int (store->mode, strcmp (mode, "checked") == 0 ? MEMORY_CHECKED : MEMORY_GUARDED, "%s: store mode", mode);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_module *module;
  wasm_instance *inst = instantiate (store, linker, wasm_module_traps, wasm_module_traps_len, &module);
  tap_ok (inst != NULL, "%s: trap module instantiates", mode);
  wasm_trap trap;
  wasm_value r, args[2] = { i32 (7), i32 (0) };

  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "div"), args, 2, &r, 1, &trap), -1, "%s: divide by zero traps", mode);
  tap_eq_int (trap.kind, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO, "%s: trap kind", mode);
  tap_eq_str (trap.message, "integer divide by zero (in func 1)", "%s: trap message with function", mode);
  tap_eq_int (trap.func_index, 1, "%s: trap function index", mode);
  args[0] = i32 (INT32_MIN), args[1] = i32 (-1);
  wasm_func_call (wasm_instance_func (inst, "div"), args, 2, &r, 1, &trap);
  tap_eq_int (trap.kind, WASM_TRAP_INTEGER_OVERFLOW, "%s: overflow trap", mode);
  wasm_func_call (wasm_instance_func (inst, "unreachable"), NULL, 0, NULL, 0, &trap);
  tap_eq_int (trap.kind, WASM_TRAP_UNREACHABLE, "%s: unreachable trap", mode);

  wasm_value addr = i32 (65532);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "oob"), &addr, 1, &r, 1, &trap), -1, "%s: out of bounds load traps", mode);
  tap_eq_str (trap.message, "out of bounds memory access (in func 3)", "%s: memory trap message", mode);
  addr = i32 (-4);
  wasm_func_call (wasm_instance_func (inst, "oob"), &addr, 1, &r, 1, &trap);
  tap_eq_int (trap.kind, WASM_TRAP_MEMORY_OUT_OF_BOUNDS, "%s: address + offset past 4 GiB traps", mode);
  addr = i32 (65528);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "oob"), &addr, 1, &r, 1, &trap), 0, "%s: last word loads", mode);

  wasm_value delta = i32 (2);
  wasm_func_call (wasm_instance_func (inst, "grow"), &delta, 1, &r, 1, &trap);
  tap_eq_int (r.of.i32, 1, "%s: grow to the store limit", mode);
  delta = i32 (1);
  wasm_func_call (wasm_instance_func (inst, "grow"), &delta, 1, &r, 1, &trap);
  tap_eq_int (r.of.i32, -1, "%s: grow beyond max_memory_pages fails", mode);
  addr = i32 (3 * 65536 - 8);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "oob"), &addr, 1, &r, 1, &trap), 0, "%s: grown memory usable", mode);

  wasm_value zero = i32 (0);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "recurse"), &zero, 1, &r, 1, &trap), -1, "%s: infinite recursion traps", mode);
  tap_eq_str (trap.message, "call stack exhausted (in func 6)", "%s: call stack exhausted", mode);
  wasm_func_call (wasm_instance_func (inst, "recurse_big"), &zero, 1, &r, 1, &trap);
  tap_eq_int (trap.kind, WASM_TRAP_CALL_STACK_EXHAUSTED, "%s: recursion with big frames traps", mode);

  wasm_value n = i32 (20);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "fib"), &n, 1, &r, 1, &trap), 0, "%s: fib runs after traps", mode);
  tap_eq_int (r.of.i32, 6765, "%s: fib(20)", mode);

  pthread_t thread;
  pthread_create (&thread, NULL, interrupt_later, store);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "spin"), NULL, 0, NULL, 0, &trap), -1, "%s: loop interrupted by a thread", mode);
  tap_eq_int (trap.kind, WASM_TRAP_INTERRUPTED, "%s: interrupted trap", mode);
  pthread_join (thread, NULL);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "fib"), &n, 1, &r, 1, &trap), -1, "%s: interrupt flag stays set", mode);
  wasm_store_clear_interrupt (store);

  alarm_store = store;
  signal (SIGALRM, on_alarm);
  struct itimerval t = { .it_value = { 0, 50000 } };
  setitimer (ITIMER_REAL, &t, NULL);
  wasm_func_call (wasm_instance_func (inst, "spin_calls"), NULL, 0, NULL, 0, &trap);
  tap_eq_int (trap.kind, WASM_TRAP_INTERRUPTED, "%s: loop with calls interrupted by a signal", mode);
  wasm_store_clear_interrupt (store);
  tap_eq_int (wasm_func_call (wasm_instance_func (inst, "fib"), &n, 1, &r, 1, &trap), 0, "%s: runs again after clearing", mode);

  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (module);
}

int main (void)
{
  test_host_functions ();
  test_load_errors ();
  test_reentry ();
  unsetenv ("RUNWASM_MEMORY");
  test_traps_and_limits ("guarded");
  setenv ("RUNWASM_MEMORY", "checked", 1);
  test_traps_and_limits ("checked");
  return tap_done ();
}
