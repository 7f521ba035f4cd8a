/* Running a WASI command: call `_start` and turn how it ended into an exit status. */
#include "wasi/wasi.h"

#include <string.h>

int wasi_exit_status_from_trap (const wasm_trap *trap)
{
  if (trap->kind == WASM_TRAP_EXIT)
    return trap->exit_code & 0xff;  /* as a native exit() reports it */
  return WASI_TRAP_EXIT_STATUS;
}

int wasi_run_start (wasm_instance *instance, struct wasi_run_result *result, struct rw_error **err)
{
  memset (result, 0, sizeof *result);
  wasm_func *start = wasm_instance_func (instance, "_start");
  if (start == NULL)
    return rw_error_set (err, 0, "the module exports no `_start` function");
  wasm_functype type = wasm_func_type (start);
  if (type.nparams != 0 || type.nresults != 0)
    return rw_error_set (err, 0, "`_start` must take and return nothing");
  if (wasm_func_call (start, NULL, 0, NULL, 0, &result->trap) == 0)
    return 0;
  result->exit_status = wasi_exit_status_from_trap (&result->trap);
  result->trapped = result->trap.kind != WASM_TRAP_EXIT;
  return 0;
}
