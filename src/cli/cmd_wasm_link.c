/* --preload and the unknown-import stand-ins of `runwasm wasm`. */
#include "cli/cmd_wasm_link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/module_file.h"

#define MESSAGE_SIZE 192

static int unknown_import_traps (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  (void) args;
  (void) results;
  return wasm_caller_trap (caller, WASM_TRAP_HOST, env);
}

/* exec_call_host hands in results already zeroed and typed: the default values. */
static int unknown_import_defaults (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  (void) caller;
  (void) env;
  (void) args;
  (void) results;
  return 0;
}

int wasm_define_unknown_imports (wasm_linker *linker, const wasm_module *module, enum unknown_imports how,
                                 char **messages, struct rw_error **err)
{
  uint32_t n = wasm_module_import_count (module);
  *messages = NULL;
  if (how == UNKNOWN_IMPORTS_FAIL || n == 0)
    return 0;
  *messages = calloc (n, MESSAGE_SIZE);
  if (*messages == NULL)
    return rw_error_set (err, ENOMEM, "unknown imports");
  for (uint32_t i = 0; i < n; i++)
    {
      wasm_import_desc d;
      wasm_extern ext;
      wasm_module_import (module, i, &d);
      if (d.kind != WASM_EXTERN_FUNC || wasm_linker_get (linker, d.module, d.name, &ext) == 0)
        continue;
      char *message = *messages + (size_t) i * MESSAGE_SIZE;
      snprintf (message, MESSAGE_SIZE, "called the unknown import %s.%s (--trap-unknown-imports)", d.module, d.name);
      if (wasm_linker_define_func (linker, d.module, d.name, &d.functype,
                                   how == UNKNOWN_IMPORTS_TRAP ? unknown_import_traps : unknown_import_defaults,
                                   message) < 0)
        return rw_error_set (err, ENOMEM, "define unknown import %s.%s", d.module, d.name);
    }
  return 0;
}

int wasm_link_preloads (wasm_linker *linker, const struct wasm_preload *preloads, size_t n,
                        wasm_module **modules, int backtrace, struct rw_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct wasm_preload *p = &preloads[i];
      if (module_file_load (p->path, &modules[i], err) < 0)
        return rw_error_wrap (err, "--preload %s", p->name);
      wasm_error werr;
      wasm_instance *instance = wasm_linker_instantiate (linker, modules[i], &werr);
      if (instance == NULL)
        return rw_error_set (err, 0, "--preload %s=%s: %s", p->name, p->path, werr.message);
      wasm_func *init = wasm_instance_func (instance, "_initialize");
      wasm_trap trap;
      if (init != NULL && wasm_func_call (init, NULL, 0, NULL, 0, &trap) < 0)
        {
          wasm_trap_print (&trap, p->path, backtrace, stderr);
          return rw_error_set (err, 0, "--preload %s=%s: _initialize trapped", p->name, p->path);
        }
      if (wasm_linker_define_instance (linker, p->name, instance) < 0)
        return rw_error_set (err, ENOMEM, "--preload %s", p->name);
    }
  return 0;
}
