/* `runwasm wasm` options: what each flag means is in usage() and docs/runwasm.8, with the
 * wasmtime spelling beside it. Everything is checked here, before the module is loaded, so a
 * typo fails fast with the flag's name in the message. */
#include "cli/cmd_wasm_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/units.h"
#include "wasm/wasm.h"

#define WASM_PAGE_SIZE 65536u
#define MAX_LISTEN_FDS 64

static void usage (FILE *out)
{
  fprintf (out,
           "Usage: runwasm wasm [OPTIONS] FILE [ARGS...]\n"
           "Run a WebAssembly module (.wasm binary or .wat text) with WASI preview1.\n"
           "\n"
           "  --dir HOST[::GUEST]     give the guest the host directory HOST, named GUEST\n"
           "                          (default: HOST); repeatable; nothing else is visible\n"
           "  --env NAME[=VALUE]      set a guest environment variable (without a value: its\n"
           "                          value in runwasm's environment, if set); repeatable\n"
           "  --argv0 NAME            the program name the guest sees as argv[0] (default: FILE)\n"
           "  --invoke NAME           call export NAME with ARGS as its parameters and print\n"
           "                          its results, one per line, instead of running _start\n"
           "  --preload NAME=FILE     instantiate FILE first and let the module import its\n"
           "                          exports from module NAME; repeatable\n"
           "  --trap-unknown-imports  define functions the module imports but nobody provides\n"
           "                          as functions that trap when called\n"
           "  --default-values-unknown-imports\n"
           "                          ... as functions that return zeros instead\n"
           "\n"
           "Limits:\n"
           "  --max-memory SIZE       cap linear memory: pages, or bytes with a unit\n"
           "                          (B, KiB, MiB, GiB; K, M, G are the same)\n"
           "  --fuel N                trap after N engine instructions (\"all fuel consumed\")\n"
           "  --timeout DURATION      stop after DURATION (500ms, 10s, 2m; plain: seconds);\n"
           "                          exit status 124\n"
           "  --max-wasm-stack SIZE   cap the wasm value stack (bytes, or with a unit)\n"
           "  --trap-on-grow-failure  a memory.grow or table.grow that fails traps instead of\n"
           "                          returning -1\n"
           "\n"
           "Sockets:\n"
           "  --tcplisten ADDR        listen on ADDR (127.0.0.1:8080, [::1]:8080) and give the\n"
           "                          guest the socket (sock_accept); repeatable\n"
           "  --listen-fd FD          hand the listening socket FD to the guest; repeatable;\n"
           "                          LISTEN_FDS/LISTEN_PID (socket activation) are honoured\n"
           "\n"
           "  --engine jit|interp     run compiled machine code or the interpreter\n"
           "                          (default: RUNWASM_ENGINE, else interp; --fuel always\n"
           "                          runs interpreted, since only the interpreter counts it)\n"
           "  --no-backtrace          on a trap print only the message, not the wasm backtrace\n"
           "                          (also RUNWASM_BACKTRACE=0)\n"
           "  -h, --help              show this help\n"
           "  -V, --version           print the version\n"
           "\n"
           "Exit status: the guest's proc_exit code (0 if _start returns), 134 on a trap,\n"
           "124 when --timeout expires, 1 if the module cannot be loaded, linked or run.\n");
}

static int parse_max_memory (const char *text, uint32_t *pages, struct rw_error **err)
{
  uint64_t count;
  bool plain = text[strspn (text, "0123456789")] == '\0';
  if (units_parse_size (text, &count) < 0)
    return rw_error_set (err, 0, "--max-memory `%s`: not a size (pages, or bytes with B, KiB, MiB, GiB)", text);
  if (!plain)
    count /= WASM_PAGE_SIZE;
  if (count == 0 || count > 65536)
    return rw_error_set (err, 0, "--max-memory `%s`: must be between 1 and 65536 pages (64 KiB to 4 GiB)", text);
  *pages = count;
  return 0;
}

static int append (void **array, size_t *n, size_t size, struct rw_error **err, const char *what)
{
  void *grown = realloc (*array, (*n + 1) * size);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "%s", what);
  *array = grown;
  (*n)++;
  return 0;
}

/* HOST::GUEST, as wasmtime spells it. A single colon is most likely a Docker-style
 * `HOST:GUEST` typo; it is taken literally only when a directory of that name exists. */
static int parse_dir (struct wasm_options *o, char *spec, struct rw_error **err)
{
  char *sep = strstr (spec, "::");
  const char *guest = spec;
  struct stat st;
  if (sep != NULL)
    {
      *sep = '\0';
      guest = sep + 2;
    }
  else if (strchr (spec, ':') != NULL && stat (spec, &st) < 0)
    {
      const char *colon = strchr (spec, ':');
      return rw_error_set (err, 0, "--dir `%s`: HOST and GUEST are separated by two colons: `--dir %.*s::%s`",
                           spec, (int) (colon - spec), spec, colon + 1);
    }
  if (spec[0] == '\0' || guest[0] == '\0')
    return rw_error_set (err, 0, "--dir `%s`: expected HOST[::GUEST]", spec);
  if (append ((void **) &o->preopens, &o->npreopens, sizeof *o->preopens, err, "--dir") < 0)
    return -1;
  o->preopens[o->npreopens - 1] = (struct wasi_preopen) { .host_path = spec, .host_fd = -1, .guest_path = guest };
  return 0;
}

/* NAME=VALUE, or NAME alone: the value from our environment (and nothing if it is unset,
 * as wasmtime does). */
static int parse_env (struct wasm_options *o, const char *spec, struct rw_error **err)
{
  if (spec[0] == '=' || spec[0] == '\0')
    return rw_error_set (err, 0, "--env `%s`: expected NAME[=VALUE]", spec);
  const char *entry = spec;
  if (strchr (spec, '=') == NULL)
    {
      extern char **environ;
      size_t len = strlen (spec);
      entry = NULL;
      for (char **e = environ; e && *e && !entry; e++)
        if (strncmp (*e, spec, len) == 0 && (*e)[len] == '=')
          entry = *e;
      if (entry == NULL)
        return 0;
    }
  if (append ((void **) &o->env, &o->nenv, sizeof *o->env, err, "--env") < 0)
    return -1;
  o->env[o->nenv - 1] = entry;
  return 0;
}

static int add_listen (struct wasm_options *o, int fd, bool owned, struct rw_error **err)
{
  if (o->nlisten >= MAX_LISTEN_FDS)
    return rw_error_set (err, 0, "at most %d listening sockets", MAX_LISTEN_FDS);
  size_t n = o->nlisten;
  if (append ((void **) &o->listen_fds, &n, sizeof *o->listen_fds, err, "listen") < 0)
    return -1;
  n = o->nlisten;
  if (append ((void **) &o->listen_owned, &n, sizeof *o->listen_owned, err, "listen") < 0)
    return -1;
  o->listen_fds[o->nlisten] = fd;
  o->listen_owned[o->nlisten] = owned;
  o->nlisten++;
  return 0;
}

static int parse_listen_fd (struct wasm_options *o, const char *text, struct rw_error **err)
{
  char *end = NULL;
  long fd = strtol (text, &end, 10);
  if (end == text || *end != '\0' || fd < 0 || fd > 1 << 20)
    return rw_error_set (err, 0, "--listen-fd `%s`: not a file descriptor", text);
  return add_listen (o, (int) fd, false, err);
}

static int parse_tcplisten (struct wasm_options *o, const char *address, struct rw_error **err)
{
  int fd;
  if (wasi_tcp_listen (address, &fd, err) < 0)
    return rw_error_wrap (err, "--tcplisten");
  if (add_listen (o, fd, true, err) < 0)
    {
      close (fd);
      return -1;
    }
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
    if (add_listen (o, (int) (3 + i), false, err) < 0)
      return -1;
  return 0;
}

static int parse_preload (struct wasm_options *o, char *spec, struct rw_error **err)
{
  char *eq = strchr (spec, '=');
  if (eq == NULL || eq == spec || eq[1] == '\0')
    return rw_error_set (err, 0, "--preload `%s`: expected NAME=FILE", spec);
  *eq = '\0';
  if (append ((void **) &o->preloads, &o->npreloads, sizeof *o->preloads, err, "--preload") < 0)
    return -1;
  o->preloads[o->npreloads - 1] = (struct wasm_preload) { .name = spec, .path = eq + 1 };
  return 0;
}

static bool backtrace_from_environment (void)
{
  const char *v = getenv ("RUNWASM_BACKTRACE");
  return v == NULL || !(strcmp (v, "0") == 0 || strcmp (v, "off") == 0 || strcmp (v, "no") == 0);
}

int wasm_options_parse (int argc, char **argv, struct wasm_options *o, int *first_arg, struct rw_error **err)
{
  enum {
    OPT_DIR = 256, OPT_ENV, OPT_ARGV0, OPT_INVOKE, OPT_PRELOAD, OPT_TRAP_UNKNOWN, OPT_DEFAULT_UNKNOWN,
    OPT_MAX_MEMORY, OPT_FUEL, OPT_TIMEOUT, OPT_MAX_STACK, OPT_TRAP_GROW, OPT_TCPLISTEN, OPT_LISTEN_FD,
    OPT_NO_BACKTRACE, OPT_ENGINE,
  };
  static const struct option longopts[] = {
    { "dir", required_argument, NULL, OPT_DIR },
    { "env", required_argument, NULL, OPT_ENV },
    { "argv0", required_argument, NULL, OPT_ARGV0 },
    { "invoke", required_argument, NULL, OPT_INVOKE },
    { "preload", required_argument, NULL, OPT_PRELOAD },
    { "trap-unknown-imports", no_argument, NULL, OPT_TRAP_UNKNOWN },
    { "default-values-unknown-imports", no_argument, NULL, OPT_DEFAULT_UNKNOWN },
    { "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
    { "fuel", required_argument, NULL, OPT_FUEL },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "max-wasm-stack", required_argument, NULL, OPT_MAX_STACK },
    { "trap-on-grow-failure", no_argument, NULL, OPT_TRAP_GROW },
    { "tcplisten", required_argument, NULL, OPT_TCPLISTEN },
    { "listen-fd", required_argument, NULL, OPT_LISTEN_FD },
    { "no-backtrace", no_argument, NULL, OPT_NO_BACKTRACE },
    { "engine", required_argument, NULL, OPT_ENGINE },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  o->limits.spelling = "--";
  o->limits.backtrace = backtrace_from_environment ();
  /* "+": stop at FILE, so that the guest's own options reach the guest; ":": report a
     missing value as such. */
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+:hV", longopts, NULL)) != -1)
    {
      int r = 0;
      switch (c)
        {
        case OPT_DIR: r = parse_dir (o, optarg, err); break;
        case OPT_ENV: r = parse_env (o, optarg, err); break;
        case OPT_ARGV0: o->argv0 = optarg; break;
        case OPT_INVOKE: o->invoke = optarg; break;
        case OPT_PRELOAD: r = parse_preload (o, optarg, err); break;
        case OPT_TRAP_UNKNOWN:
        case OPT_DEFAULT_UNKNOWN:
          {
            enum unknown_imports want = c == OPT_TRAP_UNKNOWN ? UNKNOWN_IMPORTS_TRAP : UNKNOWN_IMPORTS_DEFAULT;
            if (o->unknown_imports != UNKNOWN_IMPORTS_FAIL && o->unknown_imports != want)
              return rw_error_set (err, 0, "--trap-unknown-imports and --default-values-unknown-imports exclude each other");
            o->unknown_imports = want;
            break;
          }
        case OPT_MAX_MEMORY: r = parse_max_memory (optarg, &o->max_memory_pages, err); break;
        case OPT_FUEL:
          {
            char *end = NULL;
            errno = 0;
            o->limits.fuel = strtoull (optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-')
              return rw_error_set (err, 0, "--fuel `%s`: not a number of instructions", optarg);
            o->limits.fuel_set = true;
            break;
          }
        case OPT_TIMEOUT:
          if (units_parse_duration (optarg, &o->limits.timeout_ms) < 0 || o->limits.timeout_ms == 0)
            return rw_error_set (err, 0, "--timeout `%s`: not a duration (e.g. 500ms, 10s, 2m)", optarg);
          o->limits.timeout_text = optarg;
          break;
        case OPT_MAX_STACK:
          if (units_parse_size (optarg, &o->limits.max_stack_bytes) < 0 || o->limits.max_stack_bytes == 0)
            return rw_error_set (err, 0, "--max-wasm-stack `%s`: not a size (bytes, or with KiB, MiB)", optarg);
          break;
        case OPT_TRAP_GROW: o->limits.trap_on_grow_failure = true; break;
        case OPT_TCPLISTEN: r = parse_tcplisten (o, optarg, err); break;
        case OPT_LISTEN_FD: r = parse_listen_fd (o, optarg, err); break;
        case OPT_NO_BACKTRACE: o->limits.backtrace = false; break;
        case OPT_ENGINE:
          {
            wasm_engine e;
            if (wasm_engine_parse (optarg, &e) < 0)
              r = rw_error_set (err, 0, "--engine `%s`: expected jit or interp", optarg);
            else if (wasm_engine_select (e) < 0)
              r = rw_error_set (err, 0, "--engine `%s`: not supported on this machine", optarg);
            break;
          }
        case 'h':
          usage (stdout);
          *first_arg = -1;
          return 0;
        case 'V':
          printf ("runwasm version " RUNWASM_VERSION "\n");
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

void wasm_options_free (struct wasm_options *o)
{
  for (size_t i = 0; i < o->nlisten; i++)
    if (o->listen_owned[i])
      close (o->listen_fds[i]);
  free (o->preopens);
  free (o->env);
  free (o->listen_fds);
  free (o->listen_owned);
  free (o->preloads);
}
