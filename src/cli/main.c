/* runwasm: an OCI runtime with the command line of runc and crun.
 *   runwasm [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]
 * Global options come before the command, as runc and crun expect them. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_wasm.h"
#include "common/cleanup.h"
#include "runtime/log.h"
#include "runtime/state.h"
#include "wasm/wasm.h"

struct command {
  const char *name;
  int (*run) (struct cli_globals *g, int argc, char **argv);
  const char *summary;
};

#define CLI_ENTRY(name, summary) { #name, cmd_##name, summary },
static const struct command commands[] = { CLI_COMMANDS (CLI_ENTRY) };
#undef CLI_ENTRY

static void usage (FILE *out)
{
  fprintf (out,
           "Usage: runwasm [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
           "\n"
           "An OCI container runtime, command-line compatible with runc and crun,\n"
           "that can also run WebAssembly workloads in its built-in engine.\n"
           "\n"
           "Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "  %-10s %s\n", "wasm", "run a WebAssembly module outside containers");
  fprintf (out,
           "\n"
           "Global options:\n"
           "  --root DIR                 state directory (default " DEFAULT_STATE_ROOT ")\n"
           "  --log FILE                 also write log messages to FILE\n"
           "  --log-format text|json     format of the log file (default text)\n"
           "  --log-level LEVEL          error, warning, info or debug (default warning)\n"
           "  --debug                    same as --log-level debug\n"
           "  --systemd-cgroup           manage cgroups through systemd\n"
           "  --cgroup-manager MANAGER   cgroupfs (default), systemd or disabled\n"
           "  -v, --version              print the version and the features\n"
           "  -h, --help                 print this help\n"
           "\n"
           "Run `runwasm COMMAND --help' for the options of a command; see runwasm(8).\n");
}

static void version (void)
{
  printf ("runwasm version " RUNWASM_VERSION "\n"
          "spec: " RUNWASM_SPEC_VERSION "\n"
          "+SECCOMP +CAP +CGROUPFS +USERNS +WASM:builtin\n"
          "wasm engines: interp%s (default %s%s%s)\n",
          wasm_engine_available (WASM_ENGINE_JIT) ? ", jit" : "", wasm_engine_name (wasm_engine_default ()),
          wasm_engine_selected () != wasm_engine_default () ? ", RUNWASM_ENGINE=" : "",
          wasm_engine_selected () != wasm_engine_default () ? wasm_engine_name (wasm_engine_selected ()) : "");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_LOG_LEVEL, OPT_DEBUG, OPT_SYSTEMD, OPT_MANAGER };

int main (int argc, char **argv)
{
  static const struct option options[] = {
    { "root", required_argument, NULL, OPT_ROOT },
    { "log", required_argument, NULL, OPT_LOG },
    { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
    { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
    { "debug", no_argument, NULL, OPT_DEBUG },
    { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
    { "cgroup-manager", required_argument, NULL, OPT_MANAGER },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct cli_globals g = { .ro.self_argv = argv };
  const char *log_path = NULL, *log_format = NULL, *log_level = NULL, *manager = NULL;
  int c;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+vh", options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT: g.ro.root = optarg; break;
      case OPT_LOG: log_path = optarg; break;
      case OPT_LOG_FORMAT: log_format = optarg; break;
      case OPT_LOG_LEVEL: log_level = optarg; break;
      case OPT_DEBUG: g.debug = true; break;
      case OPT_SYSTEMD: g.ro.systemd_cgroup = true; break;
      case OPT_MANAGER: manager = optarg; break;
      case 'v': version (); return 0;
      case 'h': usage (stdout); return 0;
      default:
        return cli_usage_error (NULL, "unknown or incomplete global option `%s`", argv[optind - 1]);
      }

  struct rw_error *err = NULL;
  if (log_setup (log_path, log_format, g.debug ? "debug" : log_level, &err) < 0)
    return cli_fail (&err);
  if (manager)
    {
      if (strcmp (manager, "systemd") == 0)
        g.ro.systemd_cgroup = true;
      else if (strcmp (manager, "disabled") == 0)
        g.ro.cgroups_disabled = true;
      else if (strcmp (manager, "cgroupfs") != 0)
        return cli_usage_error (NULL, "--cgroup-manager: unknown manager `%s` (cgroupfs, systemd or disabled)", manager);
    }
  if (optind >= argc)
    return cli_usage_error (NULL, "no command given");

  const char *cmd = argv[optind];
  if (strcmp (cmd, "wasm") == 0)
    return cmd_wasm (argc - optind, argv + optind);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (cmd, commands[i].name) == 0)
      {
        int first = optind;
        optind = 0; /* getopt_long starts afresh for the command's own options */
        return commands[i].run (&g, argc - first, argv + first);
      }
  return cli_usage_error (NULL, "unknown command `%s`", cmd);
}
