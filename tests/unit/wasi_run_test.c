/* The public API the container handler uses, end to end on tiny modules: context, imports,
 * instantiation, wasi_run_start and the exit statuses (proc_exit, return, trap, no _start). */
#include <string.h>

#include "tap.h"
#include "wasi/wasi.h"

/* (module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
 *         (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 7)))) */
static const uint8_t exit7[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00,
  0x02, 0x24, 0x01, 0x16, 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't', '_', 'p', 'r', 'e',
  'v', 'i', 'e', 'w', '1', 0x09, 'p', 'r', 'o', 'c', '_', 'e', 'x', 'i', 't', 0x00, 0x00, 0x03, 0x02, 0x01,
  0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x06,
  '_', 's', 't', 'a', 'r', 't', 0x00, 0x01, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x07, 0x10, 0x00, 0x0b,
};
/* (module (memory (export "memory") 1) (func (export "_start") unreachable)) */
static const uint8_t traps[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x06, '_',
  's', 't', 'a', 'r', 't', 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
};
/* (module (memory (export "memory") 1) (func (export "_start")) (func (export "other"))) */
static const uint8_t returns[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00,
  0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1b, 0x03, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, 0x06,
  '_', 's', 't', 'a', 'r', 't', 0x00, 0x00, 0x05, 'o', 't', 'h', 'e', 'r', 0x00, 0x01, 0x0a, 0x07, 0x02, 0x02,
  0x00, 0x0b, 0x02, 0x00, 0x0b,
};
/* (module (func (export "main"))) */
static const uint8_t no_start[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x08, 0x01, 0x04, 'm', 'a', 'i', 'n', 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

/* What a handler does: returns wasi_run_start's status, result in *res. */
static int run (const uint8_t *bytes, size_t len, struct wasi_run_result *res, struct rw_error **err)
{
  const char *argv[] = { "module" };
  struct wasi_config cfg = { .argv = argv, .argc = 1, .stdio = { -1, -1, -1 } };
  struct wasi_ctx *ctx = NULL;
  wasm_error werr;
  wasm_module *module = wasm_module_new (bytes, len, &werr);
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  int r = -1;
  if (module && wasi_ctx_new (&cfg, &ctx, err) == 0 && wasi_define_imports (ctx, linker, err) == 0)
    {
      wasm_instance *inst = wasm_linker_instantiate (linker, module, &werr);
      r = inst ? wasi_run_start (inst, res, err) : rw_error_set (err, 0, "%s", werr.message);
    }
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (module);
  wasi_ctx_free (ctx);
  return r;
}

int main (void)
{
  struct wasi_run_result res;
  struct rw_error *err = NULL;
  tap_eq_int (run (exit7, sizeof exit7, &res, &err), 0, "proc_exit(7) module runs");
  tap_ok (res.exit_status == 7 && !res.trapped, "  exit status 7, not a trap");
  tap_eq_int (run (returns, sizeof returns, &res, &err), 0, "a _start that returns");
  tap_ok (res.exit_status == 0 && !res.trapped, "  exit status 0");
  tap_eq_int (run (traps, sizeof traps, &res, &err), 0, "a _start that traps is a result, not a failure");
  tap_ok (res.trapped && res.exit_status == WASI_TRAP_EXIT_STATUS && res.exit_status == 134, "  trapped, status 134");
  tap_eq_int (res.trap.kind, WASM_TRAP_UNREACHABLE, "  the trap says unreachable");
  tap_eq_int (run (no_start, sizeof no_start, &res, &err), -1, "a module without _start fails");
  tap_ok (err && strstr (err->msg, "_start"), "  and says so");
  rw_error_free (&err);
  wasm_trap exit_trap = { .kind = WASM_TRAP_EXIT, .exit_code = 300 };
  tap_eq_int (wasi_exit_status_from_trap (&exit_trap), 44, "proc_exit(300) is status 44, like exit(300)");
  wasm_trap oob = { .kind = WASM_TRAP_MEMORY_OUT_OF_BOUNDS };
  tap_eq_int (wasi_exit_status_from_trap (&oob), 134, "any other trap is 134");
  return tap_done ();
}
