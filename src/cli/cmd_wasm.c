/* `runwasm wasm [OPTIONS] FILE [ARGS...]`: run a WebAssembly module (binary or text) as a
 * WASI command outside containers, with the options a wasmtime user expects (see
 * cmd_wasm_options.c and docs/wasi.md for the mapping).
 *
 * Exit status: the guest's proc_exit code (0 when _start returns); 134 when it traps
 * ("error: wasm trap: ..." and the wasm backtrace on stderr); 124 when --timeout expires;
 * 1 when runwasm itself fails: bad options, a module that does not load, validate, link
 * ("unknown import: env.foo") or instantiate. */
#include "cli/cmd_wasm.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd_wasm_invoke.h"
#include "cli/cmd_wasm_link.h"
#include "cli/cmd_wasm_options.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "handlers/module_file.h"
#include "wasi/wasi.h"
#include "wasm/wasm.h"

struct run {
  const struct wasm_options *o;
  const char *label;          /* the module's name in backtraces: FILE's base name */
};

/* A finished call's exit status; a real trap (not proc_exit) is also reported. */
static int trap_status (const struct run *run, const wasm_trap *trap)
{
  if (trap->kind == WASM_TRAP_EXIT)
    return wasi_exit_status_from_trap (trap);
  return wasm_run_limits_report_trap (&run->o->limits, trap, run->label);
}

/* Reactors (no _start) initialise themselves in _initialize before any other export. */
static int run_invoke (const struct run *run, wasm_instance *instance, char **args, int nargs, struct rw_error **err)
{
  wasm_trap trap = { 0 };
  wasm_func *init = wasm_instance_func (instance, "_initialize");
  if (init != NULL && wasm_func_call (init, NULL, 0, NULL, 0, &trap) < 0)
    return trap_status (run, &trap);
  const char *name = run->o->invoke;
  wasm_func *func = wasm_instance_func (instance, name);
  if (func == NULL)
    return rw_error_set (err, 0, "--invoke: the module exports no function `%s`", name);
  int r = cmd_wasm_invoke (func, name, args, nargs, stdout, &trap, err);
  if (r < 0)
    return -1;
  return r == 0 ? 0 : trap_status (run, &trap);
}

/* A stdio fd the parent closed stays closed for the guest instead of failing the run. */
static int open_or_closed (int fd)
{
  return fcntl (fd, F_GETFD) >= 0 ? fd : -1;
}

static int instantiate_and_run (const struct run *run, wasm_linker *linker, wasm_module *module, char **argv,
                                int argc, struct rw_error **err)
{
  const struct wasm_options *o = run->o;
  wasm_error werr;
  wasm_instance *instance = wasm_linker_instantiate (linker, module, &werr);
  if (instance == NULL)
    return rw_error_set (err, 0, "%s: %s", argv[0], werr.message);
  if (o->invoke != NULL)
    return run_invoke (run, instance, argv + 1, argc - 1, err);
  struct wasi_run_result result;
  if (wasi_run_start (instance, &result, err) < 0)
    return rw_error_wrap (err, "%s", argv[0]);
  return result.trapped ? trap_status (run, &result.trap) : result.exit_status;
}

static int run_module (const struct wasm_options *o, char **argv, int argc, struct rw_error **err)
{
  cleanup_free char *path_copy = strdup (argv[0]);
  struct run run = { .o = o, .label = path_copy ? basename (path_copy) : argv[0] };
  cleanup_free wasm_module **preloaded = calloc (o->npreloads + 1, sizeof *preloaded);
  cleanup_free char *unknown_messages = NULL;
  /* The guest's argv: FILE (or --argv0), then ARGS. */
  cleanup_free const char **guest_argv = calloc (argc + 1, sizeof *guest_argv);
  wasm_module *module = NULL;
  if (preloaded == NULL || guest_argv == NULL)
    return rw_error_set (err, ENOMEM, "run");
  memcpy (guest_argv, argv, argc * sizeof *guest_argv);
  guest_argv[0] = o->argv0 ? o->argv0 : argv[0];
  if (module_file_load (argv[0], &module, err) < 0)
    return -1;
  wasm_limits limits = { .max_memory_pages = o->max_memory_pages };
  wasm_run_limits_to_engine (&o->limits, &limits);
  wasm_store *store = wasm_store_new (&limits);
  wasm_linker *linker = store ? wasm_linker_new (store) : NULL;
  struct wasi_ctx *ctx = NULL;
  struct wasi_config cfg = {
    .argv = guest_argv, .argc = argc,
    .env = o->env, .envc = o->nenv,
    .preopens = o->preopens, .npreopens = o->npreopens,
    .stdio = { open_or_closed (0), open_or_closed (1), open_or_closed (2) },
    .listen_fds = o->listen_fds, .nlisten_fds = o->nlisten,
  };
  int status = -1;
  if (linker == NULL)
    rw_error_set (err, ENOMEM, "create store");
  else if (wasi_ctx_new (&cfg, &ctx, err) == 0 && wasi_define_imports (ctx, linker, err) == 0
           && wasm_link_preloads (linker, o->preloads, o->npreloads, preloaded, o->limits.backtrace, err) == 0
           && wasm_define_unknown_imports (linker, module, o->unknown_imports, &unknown_messages, err) == 0)
    {
      if (wasm_run_limits_apply (&o->limits, store, err) == 0)
        status = instantiate_and_run (&run, linker, module, argv, argc, err);
    }
  fflush (stdout);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (module);
  for (size_t i = 0; i < o->npreloads; i++)
    wasm_module_delete (preloaded[i]);
  wasi_ctx_free (ctx);
  return status;
}

int cmd_wasm (int argc, char **argv)
{
  struct wasm_options o = { 0 };
  struct rw_error *err = NULL;
  int first = 0, status = 1;
  /* A guest writing to a closed pipe gets EPIPE, as WASI expects; it must not kill us. */
  signal (SIGPIPE, SIG_IGN);
  if (wasm_options_parse (argc, argv, &o, &first, &err) == 0)
    status = first < 0 ? 0 : run_module (&o, argv + first, argc - first, &err);
  if (status < 0 || err != NULL)
    {
      fprintf (stderr, "runwasm wasm: %s\n", err ? err->msg : "failed");
      status = 1;
    }
  rw_error_free (&err);
  wasm_options_free (&o);
  return status;
}
