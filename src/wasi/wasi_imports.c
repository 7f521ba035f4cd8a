/* Registers every wasi_snapshot_preview1 function on a linker. Each import is one row:
 * its name, its parameter types ('i' i32, 'I' i64; every import but proc_exit returns an
 * i32 errno) and its binding. One trampoline turns a binding into an engine host function. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/wasi_bind.h"

#define WASI_MODULE "wasi_snapshot_preview1"
#define MAX_PARAMS 9

struct import_row {
  const char *name;
  const char *params;
  wasi_binding_fn fn;  /* NULL for proc_exit, which unwinds instead of returning */
};

#define ROW(name, params) { #name, params, wasi_bind_##name }
static const struct import_row import_rows[] = {
  ROW (args_get, "ii"),
  ROW (args_sizes_get, "ii"),
  ROW (environ_get, "ii"),
  ROW (environ_sizes_get, "ii"),
  ROW (clock_res_get, "ii"),
  ROW (clock_time_get, "iIi"),
  ROW (fd_advise, "iIIi"),
  ROW (fd_allocate, "iII"),
  ROW (fd_close, "i"),
  ROW (fd_datasync, "i"),
  ROW (fd_fdstat_get, "ii"),
  ROW (fd_fdstat_set_flags, "ii"),
  ROW (fd_fdstat_set_rights, "iII"),
  ROW (fd_filestat_get, "ii"),
  ROW (fd_filestat_set_size, "iI"),
  ROW (fd_filestat_set_times, "iIIi"),
  ROW (fd_pread, "iiiIi"),
  ROW (fd_prestat_get, "ii"),
  ROW (fd_prestat_dir_name, "iii"),
  ROW (fd_pwrite, "iiiIi"),
  ROW (fd_read, "iiii"),
  ROW (fd_readdir, "iiiIi"),
  ROW (fd_renumber, "ii"),
  ROW (fd_seek, "iIii"),
  ROW (fd_sync, "i"),
  ROW (fd_tell, "ii"),
  ROW (fd_write, "iiii"),
  ROW (path_create_directory, "iii"),
  ROW (path_filestat_get, "iiiii"),
  ROW (path_filestat_set_times, "iiiiIIi"),
  ROW (path_link, "iiiiiii"),
  ROW (path_open, "iiiiiIIii"),
  ROW (path_readlink, "iiiiii"),
  ROW (path_remove_directory, "iii"),
  ROW (path_rename, "iiiiii"),
  ROW (path_symlink, "iiiii"),
  ROW (path_unlink_file, "iii"),
  ROW (poll_oneoff, "iiii"),
  { "proc_exit", "i", NULL },
  ROW (proc_raise, "i"),
  ROW (sched_yield, ""),
  ROW (random_get, "ii"),
  ROW (sock_accept, "iii"),
  ROW (sock_recv, "iiiiii"),
  ROW (sock_send, "iiiii"),
  ROW (sock_shutdown, "ii"),
};
#define NUM_IMPORTS (sizeof import_rows / sizeof import_rows[0])

/* What each host function gets as env; the ctx owns the array. */
struct wasi_import_env {
  struct wasi_ctx *ctx;
  wasi_binding_fn fn;
  wasm_valtype params[MAX_PARAMS];
};

static const wasm_valtype errno_result[] = { WASM_I32 };

static int call_binding (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  struct wasi_import_env *b = env;
  struct wasi_guest g = wasi_guest_of (caller);
  wasi_errno_t e = b->fn (b->ctx, &g, args);
  results[0] = (wasm_value) { .type = WASM_I32, .of.i32 = e };
  return 0;
}

static int call_proc_exit (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  return wasm_caller_exit (caller, args[0].of.i32);
}

size_t wasi_import_count (void)
{
  return NUM_IMPORTS;
}

const char *wasi_import_name (size_t i)
{
  return i < NUM_IMPORTS ? import_rows[i].name : NULL;
}

const char *wasi_import_params (size_t i)
{
  return i < NUM_IMPORTS ? import_rows[i].params : NULL;
}

wasi_binding_fn wasi_import_binding (size_t i)
{
  return i < NUM_IMPORTS ? import_rows[i].fn : NULL;
}

int wasi_define_imports (struct wasi_ctx *ctx, wasm_linker *linker, struct rw_error **err)
{
  if (ctx->import_envs == NULL)
    {
      struct wasi_import_env *envs = calloc (NUM_IMPORTS, sizeof *envs);
      if (envs == NULL)
        return rw_error_set (err, ENOMEM, "define WASI imports");
      for (size_t i = 0; i < NUM_IMPORTS; i++)
        {
          envs[i].ctx = ctx;
          envs[i].fn = import_rows[i].fn;
          for (size_t p = 0; import_rows[i].params[p]; p++)
            envs[i].params[p] = import_rows[i].params[p] == 'I' ? WASM_I64 : WASM_I32;
        }
      ctx->import_envs = envs;
    }
  struct wasi_import_env *envs = ctx->import_envs;
  for (size_t i = 0; i < NUM_IMPORTS; i++)
    {
      const struct import_row *row = &import_rows[i];
      bool is_exit = row->fn == NULL;
      wasm_functype type = {
        .nparams = strlen (row->params),
        .nresults = is_exit ? 0 : 1,
        .params = envs[i].params,
        .results = errno_result,
      };
      if (wasm_linker_define_func (linker, WASI_MODULE, row->name, &type,
                                   is_exit ? call_proc_exit : call_binding, &envs[i]) < 0)
        return rw_error_set (err, 0, "define import `%s.%s`", WASI_MODULE, row->name);
    }
  return 0;
}
