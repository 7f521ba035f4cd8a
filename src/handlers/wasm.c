/* The Wasm handler: runs the container's entrypoint in the built-in engine instead of
 * execve, inside the sandbox the runtime has already built (namespaces, cgroups, pivot_root,
 * capabilities, seccomp). WASI sees the OCI process: args, env, cwd, stdio, and the
 * container's root. */
#include "handlers/wasm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "handlers/classify.h"
#include "handlers/module_file.h"
#include "handlers/native.h"
#include "handlers/wasm_options.h"
#include "wasi/wasi.h"
#include "wasm/wasm.h"

#define WASM_PAGE_SIZE 65536

struct wasm_handler_data {
  char *path;
  wasm_module *module;
  wasm_linker *linker;       /* from ready: the store with WASI defined */
  wasm_instance *instance;   /* from ready, unless the module has a start function */
  struct wasm_container_options options;
  int listen_fds[WASM_MAX_TCP_LISTENERS];  /* opened at create, in the container's netns */
  size_t nlisten;
};

static int wasm_prepare (const struct handler_context *ctx, void **data, struct rw_error **err)
{
  cleanup_free char *path = handler_find_entrypoint (ctx->process->args[0], ctx->env, false, err);
  if (path == NULL)
    return -1;
  struct wasm_container_options options;
  if (wasm_container_options_parse (ctx->config, &options, err) < 0)
    return -1;
  wasm_container_select_engine (&options);
  wasm_module *module = NULL;
  if (module_file_load (path, &module, err) < 0)
    return -1;
  struct wasm_handler_data *d = calloc (1, sizeof *d);
  if (d == NULL)
    rw_error_set (err, ENOMEM, "wasm handler");
  if (d == NULL || wasm_container_listen (&options, d->listen_fds, &d->nlisten, err) < 0)
    {
      wasm_module_delete (module);
      free (d);
      return -1;
    }
  d->options = options;
  d->path = steal_pointer (&path);
  d->module = module;
  *data = d;
  return 0;
}

/* What the engine needs besides linear memory while the module runs, on top of what this
 * process holds once the module is loaded and translated: the call stack, WASI buffers,
 * page tables of linear memory, allocator slack. Measured in docs/security.md. */
#define ENGINE_RUN_RESERVE (4ull << 20)

/* linux.resources.memory.limit also caps linear memory, so memory.grow returns -1 before the
 * container reaches its cgroup limit and the kernel's OOM killer ends it. The cap leaves the
 * engine its own memory: this process's peak resident size so far (runtime, decoded module,
 * translated code, WASI context) plus ENGINE_RUN_RESERVE. *pages is 0 without a limit. */
static int memory_limit_pages (const struct oci_config *config, uint32_t *pages, struct rw_error **err)
{
  *pages = 0;
  json_object *resources, *memory, *limit;
  if (config->linux_json == NULL
      || !json_object_object_get_ex (config->linux_json, "resources", &resources)
      || !json_object_object_get_ex (resources, "memory", &memory)
      || !json_object_object_get_ex (memory, "limit", &limit))
    return 0;
  int64_t bytes = json_object_get_int64 (limit);
  if (bytes <= 0)
    return 0;
  struct rusage ru;
  if (getrusage (RUSAGE_SELF, &ru) < 0)
    return rw_error_set (err, errno, "getrusage");
  uint64_t engine = (uint64_t) ru.ru_maxrss * 1024 + ENGINE_RUN_RESERVE;
  if ((uint64_t) bytes < engine + WASM_PAGE_SIZE)
    return rw_error_set (err, 0,
                         "linux.resources.memory.limit: %" PRId64 " bytes leave no room for linear memory "
                         "(the engine itself needs about %" PRIu64 " KiB)", bytes, engine >> 10);
  uint64_t n = ((uint64_t) bytes - engine) / WASM_PAGE_SIZE;
  *pages = n > 65536 ? 65536 : (uint32_t) n;
  return 0;
}

/* The workload is PID 1 of its PID namespace, where signals without a handler are ignored:
 * turn TERM/INT/HUP into an engine interrupt so even a loop with no WASI calls stops. */
static wasm_store *signal_store;
static volatile sig_atomic_t received_signal;

static void on_stop_signal (int sig)
{
  received_signal = sig;
  if (signal_store)
    wasm_store_interrupt (signal_store);
}

static int install_stop_signals (wasm_store *store, struct rw_error **err)
{
  signal_store = store;
  struct sigaction sa = { .sa_handler = on_stop_signal };
  sigemptyset (&sa.sa_mask);
  /* No SA_RESTART: a guest blocked in fd_read returns to the engine, which then stops. */
  static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
    if (sigaction (stop_signals[i], &sa, NULL) < 0)
      return rw_error_set (err, errno, "sigaction");
  sigset_t unblock;
  sigemptyset (&unblock);
  for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
    sigaddset (&unblock, stop_signals[i]);
  sigprocmask (SIG_UNBLOCK, &unblock, NULL);
  return 0;
}

static int instantiate (struct wasm_handler_data *d, struct rw_error **err)
{
  wasm_error werr = { 0 };
  d->instance = wasm_linker_instantiate (d->linker, d->module, &werr);
  if (d->instance == NULL)
    return rw_error_set (err, 0, "instantiate `%s`: %s", d->path, werr.message);
  return 0;
}

/* Everything but running the guest, before the runtime reports the process created: WASI
 * (preopens opened with the final ids), the store, the stop signals (a TERM right after
 * `start` must stop the module) and the instance. A start function is guest code, which
 * must not run before `start`: such a module is instantiated in wasm_exec. */
static int wasm_ready (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  struct wasm_handler_data *d = data;
  const struct oci_process *p = ctx->process;

  size_t argc = 0, envc = 0;
  while (p->args[argc])
    argc++;
  while (ctx->env && ctx->env[envc])
    envc++;
  /* The container's root as "/", its cwd as "." and, when it is not the root, the cwd under
   * its absolute name too. Guest libcs (wasi-libc) pick the longest matching preopen name and
   * let the later one win a tie, without telling relative from absolute paths: this order
   * makes relative paths and absolute paths under the cwd resolve as they would natively. */
  struct wasi_preopen preopens[] = {
    { .host_path = "/", .host_fd = -1, .guest_path = "/" },
    { .host_path = ".", .host_fd = -1, .guest_path = "." },
    { .host_path = ".", .host_fd = -1, .guest_path = p->cwd },
  };
  size_t npreopens = p->cwd && strcmp (p->cwd, "/") != 0 ? 3 : 2;
  struct wasi_config cfg = {
    .argv = (const char *const *) p->args, .argc = argc,
    .env = (const char *const *) ctx->env, .envc = envc,
    .preopens = preopens, .npreopens = npreopens,
    .stdio = { 0, 1, 2 },
    .listen_fds = d->listen_fds, .nlisten_fds = d->nlisten,
  };
  struct wasi_ctx *wasi = NULL;
  if (wasi_ctx_new (&cfg, &wasi, err) < 0)
    return -1;

  wasm_limits limits = { 0 };
  if (memory_limit_pages (ctx->config, &limits.max_memory_pages, err) < 0)
    return -1;
  wasm_run_limits_to_engine (&d->options.limits, &limits);
  wasm_store *store = wasm_store_new (&limits);
  d->linker = store ? wasm_linker_new (store) : NULL;
  if (d->linker == NULL)
    return rw_error_set (err, ENOMEM, "wasm handler: create the engine store");
  if (wasi_define_imports (wasi, d->linker, err) < 0 || install_stop_signals (store, err) < 0
      || wasm_run_limits_prepare (&d->options.limits, store, err) < 0)
    return -1;
  return wasm_module_has_start (d->module) ? 0 : instantiate (d, err);
}

static int wasm_exec (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  struct wasm_handler_data *d = data;
  if (ctx->started_fd >= 0)
    close (ctx->started_fd);
  if (wasm_run_limits_arm (&d->options.limits, err) < 0)
    return -1;
  if (d->instance == NULL && instantiate (d, err) < 0)
    {
      if (received_signal)
        _exit (128 + received_signal);
      return -1;
    }
  struct wasi_run_result result = { 0 };
  if (wasi_run_start (d->instance, &result, err) < 0)
    return rw_error_wrap (err, "run `%s`", d->path);
  if (received_signal)
    _exit (128 + received_signal);
  int status = result.trapped ? wasm_run_limits_report_trap (&d->options.limits, &result.trap,
                                                                  basename (d->path))
                              : result.exit_status;
  fflush (stdout);
  _exit (status);
}

const struct handler wasm_handler = {
  .name = "wasm",
  .prepare = wasm_prepare,
  .ready = wasm_ready,
  .exec = wasm_exec,
};

/* Smart mode decides in the container, on the entrypoint's content: a sidecar (ELF, script)
 * in a Wasm pod keeps running natively. */
struct smart_data {
  const struct handler *chosen;
  void *data;
};

static int smart_prepare (const struct handler_context *ctx, void **data, struct rw_error **err)
{
  cleanup_free char *path = handler_find_entrypoint (ctx->process->args[0], ctx->env, false, err);
  if (path == NULL)
    return -1;
  int is_wasm = handler_file_is_wasm (path, err);
  if (is_wasm < 0)
    return -1;
  struct smart_data *s = calloc (1, sizeof *s);
  if (s == NULL)
    return rw_error_set (err, ENOMEM, "wasm-smart handler");
  s->chosen = is_wasm ? &wasm_handler : &native_handler;
  if (s->chosen->prepare && s->chosen->prepare (ctx, &s->data, err) < 0)
    {
      free (s);
      return -1;
    }
  *data = s;
  return 0;
}

static int smart_ready (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  struct smart_data *s = data;
  return s->chosen->ready ? s->chosen->ready (ctx, s->data, err) : 0;
}

static int smart_exec (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  struct smart_data *s = data;
  return s->chosen->exec (ctx, s->data, err);
}

const struct handler wasm_smart_handler = {
  .name = "wasm-smart",
  .prepare = smart_prepare,
  .ready = smart_ready,
  .exec = smart_exec,
};
