/* `runwasm wasm [OPTIONS] FILE [ARGS...]`: run a WebAssembly module (binary or text) as a
 * WASI command outside containers.
 *
 * Exit status: the guest's proc_exit code (0 when _start returns); 134 when it traps
 * ("error: wasm trap: ..." on stderr); 1 when runwasm itself fails: bad options, a module
 * that does not load, validate, link ("unknown import: env.foo") or instantiate. */
#include "cli/cmd_wasm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cmd_wasm_invoke.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "wasi/wasi.h"
#include "wasm/wasm.h"
#include "handlers/module_file.h"

#define WASM_PAGE_SIZE 65536u
#define MAX_LISTEN_FDS 64

struct wasm_options {
  struct wasi_preopen *preopens;
  size_t npreopens;
  const char **env;
  size_t nenv;
  int *listen_fds;
  size_t nlisten;
  const char *invoke;
  uint32_t max_memory_pages;
};

static void usage (FILE *out)
{
  fprintf (out,
           "Usage: runwasm wasm [OPTIONS] FILE [ARGS...]\n"
           "Run a WebAssembly module (.wasm binary or .wat text) with WASI preview1.\n"
           "\n"
           "  --dir HOST[::GUEST]     give the guest the host directory HOST, named GUEST\n"
           "                          (default: HOST); repeatable; nothing else is visible\n"
           "  --env NAME=VALUE        set a guest environment variable; repeatable\n"
           "  --invoke NAME           call export NAME with ARGS as its parameters and print\n"
           "                          its results, one per line, instead of running _start\n"
           "  --max-memory SIZE       cap linear memory: pages, or bytes with a unit\n"
           "                          (B, KiB, MiB, GiB; K, M, G are the same)\n"
           "  --listen-fd FD          hand the listening socket FD to the guest (sock_accept);\n"
           "                          repeatable; LISTEN_FDS/LISTEN_PID are honoured too\n"
           "  --engine jit|interp     run compiled machine code or the interpreter\n"
           "                          (default: RUNWASM_ENGINE, else interp)\n"
           "  --help                  show this help\n"
           "\n"
           "Exit status: the guest's proc_exit code (0 if _start returns), 134 on a trap,\n"
           "1 if the module cannot be loaded, linked or run.\n");
}

static int parse_max_memory (const char *text, uint32_t *pages, struct rw_error **err)
{
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull (text, &end, 10);
  if (errno != 0 || end == text || text[0] == '-')
    return rw_error_set (err, 0, "--max-memory `%s`: not a size", text);
  static const struct { const char *suffix; unsigned long long scale; } units[] = {
    { "B", 1 }, { "K", 1ull << 10 }, { "KB", 1ull << 10 }, { "KiB", 1ull << 10 },
    { "M", 1ull << 20 }, { "MB", 1ull << 20 }, { "MiB", 1ull << 20 },
    { "G", 1ull << 30 }, { "GB", 1ull << 30 }, { "GiB", 1ull << 30 },
  };
  unsigned long long count = n;
  if (*end != '\0')
    {
      size_t i = 0;
      while (i < sizeof units / sizeof units[0] && strcmp (end, units[i].suffix) != 0)
        i++;
      if (i == sizeof units / sizeof units[0])
        return rw_error_set (err, 0, "--max-memory `%s`: unknown unit `%s`", text, end);
      if (n > (1ull << 40))
        return rw_error_set (err, 0, "--max-memory `%s`: too large", text);
      count = n * units[i].scale / WASM_PAGE_SIZE;
    }
  if (count == 0 || count > 65536)
    return rw_error_set (err, 0, "--max-memory `%s`: must be between 1 and 65536 pages (64 KiB to 4 GiB)", text);
  *pages = count;
  return 0;
}

static int parse_dir (struct wasm_options *o, char *spec, struct rw_error **err)
{
  char *sep = strstr (spec, "::");
  const char *guest = spec;
  if (sep != NULL)
    {
      *sep = '\0';
      guest = sep + 2;
    }
  if (spec[0] == '\0' || guest[0] == '\0')
    return rw_error_set (err, 0, "--dir `%s`: expected HOST[::GUEST]", spec);
  struct wasi_preopen *grown = realloc (o->preopens, (o->npreopens + 1) * sizeof *grown);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "--dir");
  o->preopens = grown;
  o->preopens[o->npreopens++] = (struct wasi_preopen) { .host_path = spec, .host_fd = -1, .guest_path = guest };
  return 0;
}

static int add_listen_fd (struct wasm_options *o, const char *text, struct rw_error **err)
{
  char *end = NULL;
  long fd = strtol (text, &end, 10);
  if (end == text || *end != '\0' || fd < 0 || fd > 1 << 20)
    return rw_error_set (err, 0, "--listen-fd `%s`: not a file descriptor", text);
  if (o->nlisten >= MAX_LISTEN_FDS)
    return rw_error_set (err, 0, "--listen-fd: at most %d", MAX_LISTEN_FDS);
  int *grown = realloc (o->listen_fds, (o->nlisten + 1) * sizeof *grown);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "--listen-fd");
  o->listen_fds = grown;
  o->listen_fds[o->nlisten++] = fd;
  return 0;
}

/* systemd socket activation: LISTEN_FDS sockets start at fd 3, meant for LISTEN_PID. */
static int add_socket_activation_fds (struct wasm_options *o, struct rw_error **err)
{
  const char *pid = getenv ("LISTEN_PID"), *count = getenv ("LISTEN_FDS");
  if (pid == NULL || count == NULL || strtol (pid, NULL, 10) != getpid ())
    return 0;
  long n = strtol (count, NULL, 10);
  for (long i = 0; i < n && i < MAX_LISTEN_FDS; i++)
    {
      char text[24];
      snprintf (text, sizeof text, "%ld", 3 + i);
      if (add_listen_fd (o, text, err) < 0)
        return -1;
    }
  return 0;
}

static int parse_options (int argc, char **argv, struct wasm_options *o, int *first_arg, struct rw_error **err)
{
  enum { OPT_DIR = 1, OPT_ENV, OPT_INVOKE, OPT_MAX_MEMORY, OPT_LISTEN_FD, OPT_ENGINE, OPT_HELP };
  static const struct option longopts[] = {
    { "dir", required_argument, NULL, OPT_DIR },
    { "env", required_argument, NULL, OPT_ENV },
    { "invoke", required_argument, NULL, OPT_INVOKE },
    { "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
    { "listen-fd", required_argument, NULL, OPT_LISTEN_FD },
    { "engine", required_argument, NULL, OPT_ENGINE },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  /* "+": stop at FILE, so that the guest's own options reach the guest; ":": report a
     missing value as such. */
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+:", longopts, NULL)) != -1)
    {
      int r = 0;
      switch (c)
        {
        case OPT_DIR: r = parse_dir (o, optarg, err); break;
        case OPT_ENV:
          {
            if (strchr (optarg, '=') == NULL || optarg[0] == '=')
              return rw_error_set (err, 0, "--env `%s`: expected NAME=VALUE", optarg);
            const char **grown = realloc (o->env, (o->nenv + 1) * sizeof *grown);
            if (grown == NULL)
              return rw_error_set (err, ENOMEM, "--env");
            o->env = grown;
            o->env[o->nenv++] = optarg;
            break;
          }
        case OPT_INVOKE: o->invoke = optarg; break;
        case OPT_MAX_MEMORY: r = parse_max_memory (optarg, &o->max_memory_pages, err); break;
        case OPT_LISTEN_FD: r = add_listen_fd (o, optarg, err); break;
        case OPT_ENGINE:
          {
            wasm_engine e;
            if (wasm_engine_parse (optarg, &e) < 0)
              return rw_error_set (err, 0, "--engine `%s`: expected jit or interp", optarg);
            if (wasm_engine_select (e) < 0)
              return rw_error_set (err, 0, "--engine `%s`: not supported on this machine", optarg);
            break;
          }
        case OPT_HELP:
          usage (stdout);
          *first_arg = -1;
          return 0;
        case ':':
          return rw_error_set (err, 0, "option `%s` needs a value", argv[optind - 1]);
        default:
          return rw_error_set (err, 0, "unknown option `%s` (see --help)", argv[optind - 1]);
        }
      if (r < 0)
        return r;
    }
  if (optind >= argc)
    return rw_error_set (err, 0, "no module given (see --help)");
  *first_arg = optind;
  return add_socket_activation_fds (o, err);
}

static void print_trap (const wasm_trap *trap)
{
  fprintf (stderr, "error: wasm trap: %s", trap->message[0] ? trap->message : wasm_trap_kind_name (trap->kind));
  if (trap->func_index >= 0 && strstr (trap->message, "func") == NULL)
    fprintf (stderr, " (in func %lld)", (long long) trap->func_index);
  fputc ('\n', stderr);
}

/* A trap's exit status; a real trap (not proc_exit) is also reported. */
static int trap_status (const wasm_trap *trap)
{
  if (trap->kind != WASM_TRAP_EXIT)
    print_trap (trap);
  return wasi_exit_status_from_trap (trap);
}

/* Reactors (no _start) initialise themselves in _initialize before any other export. */
static int run_invoke (wasm_instance *instance, const char *name, char **args, int nargs, struct rw_error **err)
{
  wasm_trap trap = { 0 };
  wasm_func *init = wasm_instance_func (instance, "_initialize");
  if (init != NULL && wasm_func_call (init, NULL, 0, NULL, 0, &trap) < 0)
    return trap_status (&trap);
  wasm_func *func = wasm_instance_func (instance, name);
  if (func == NULL)
    return rw_error_set (err, 0, "--invoke: the module exports no function `%s`", name);
  int r = cmd_wasm_invoke (func, name, args, nargs, stdout, &trap, err);
  if (r < 0)
    return -1;
  return r == 0 ? 0 : trap_status (&trap);
}

/* A stdio fd the parent closed stays closed for the guest instead of failing the run. */
static int open_or_closed (int fd)
{
  return fcntl (fd, F_GETFD) >= 0 ? fd : -1;
}

static int run_module (const struct wasm_options *o, char **argv, int argc, struct rw_error **err)
{
  wasm_module *module = NULL;
  if (module_file_load (argv[0], &module, err) < 0)
    return -1;
  wasm_limits limits = { .max_memory_pages = o->max_memory_pages };
  wasm_store *store = wasm_store_new (&limits);
  wasm_linker *linker = store ? wasm_linker_new (store) : NULL;
  struct wasi_ctx *ctx = NULL;
  struct wasi_config cfg = {
    .argv = (const char *const *) argv, .argc = argc,
    .env = o->env, .envc = o->nenv,
    .preopens = o->preopens, .npreopens = o->npreopens,
    .stdio = { open_or_closed (0), open_or_closed (1), open_or_closed (2) },
    .listen_fds = o->listen_fds, .nlisten_fds = o->nlisten,
  };
  int status = -1;
  if (linker == NULL)
    rw_error_set (err, ENOMEM, "create store");
  else if (wasi_ctx_new (&cfg, &ctx, err) == 0 && wasi_define_imports (ctx, linker, err) == 0)
    {
      wasm_error werr;
      wasm_instance *instance = wasm_linker_instantiate (linker, module, &werr);
      if (instance == NULL)
        rw_error_set (err, 0, "%s: %s", argv[0], werr.message);
      else if (o->invoke != NULL)
        status = run_invoke (instance, o->invoke, argv + 1, argc - 1, err);
      else
        {
          struct wasi_run_result result;
          if (wasi_run_start (instance, &result, err) == 0)
            status = result.trapped ? trap_status (&result.trap) : result.exit_status;
          else
            rw_error_wrap (err, "%s", argv[0]);
        }
    }
  fflush (stdout);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (module);
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
  if (parse_options (argc, argv, &o, &first, &err) == 0)
    status = first < 0 ? 0 : run_module (&o, argv + first, argc - first, &err);
  if (status < 0 || err != NULL)
    {
      fprintf (stderr, "runwasm wasm: %s\n", err ? err->msg : "failed");
      status = 1;
    }
  rw_error_free (&err);
  free (o.preopens);
  free (o.env);
  free (o.listen_fds);
  return status;
}
