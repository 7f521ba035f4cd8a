/* What every subcommand shares: the global flags, error reporting, usage errors. Each
 * subcommand is one file, `int cmd_NAME (struct cli_globals *g, int argc, char **argv)`,
 * with argv[0] the subcommand's name; it returns the process exit status. */
#ifndef RUNWASM_CLI_CLI_H
#define RUNWASM_CLI_CLI_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/lifecycle.h"

#define RUNWASM_VERSION "0.1.0"
#define RUNWASM_SPEC_VERSION "1.2.0"

struct cli_globals {
  struct runtime_options ro;
  bool debug;
};

/* Logs the error (log file and stderr), frees it, returns 1. */
int cli_fail (struct rw_error **err);
/* "runwasm CMD: message" plus a hint to --help; returns 1. */
int cli_usage_error (const char *cmd, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Checks the number of positional arguments; `max` < 0: no upper bound. */
int cli_check_args (const char *cmd, int n, int min, int max, const char *what);
/* A non-negative integer flag value. */
int cli_parse_uint (const char *cmd, const char *flag, const char *value, int *out);

/* For commands whose only argument is the container id and whose only option is --help:
 * 0 with *id set, 1 after a usage error, 2 when the help was printed. */
int cli_parse_id_only (int argc, char **argv, const char *help, const char **id);

#define CLI_COMMANDS(X)                                                                           \
  X (create, "create a container (it waits for `start`)")                                        \
  X (start, "start a created container")                                                          \
  X (run, "create, start, wait for and delete a container")                                      \
  X (state, "print the state of a container as JSON")                                            \
  X (kill, "send a signal to a container's init (or all its processes)")                         \
  X (delete, "delete a stopped container (or any, with --force)")                               \
  X (list, "list containers")                                                                     \
  X (exec, "run a new process in a container")                                                    \
  X (ps, "list the processes of a container")                                                    \
  X (pause, "freeze every process of a container")                                              \
  X (resume, "thaw a paused container")                                                           \
  X (update, "change a container's cgroup resources")                                          \
  X (spec, "write a default config.json")                                                        \
  X (features, "print the features this runtime supports as JSON")                               \
  X (node, "install or uninstall runwasm as a Kubernetes node's runtime handler")

#define CLI_DECLARE(name, summary) int cmd_##name (struct cli_globals *g, int argc, char **argv);
CLI_COMMANDS (CLI_DECLARE)
#undef CLI_DECLARE

#endif
