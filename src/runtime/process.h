/* Turning the current (container) process into the OCI `process`: rlimits, ids, umask,
 * capabilities, no_new_privs, seccomp, environment, then the handler. Shared by the
 * container init and `exec`, so both get exactly the same sequence. Everything that can
 * fail happens in process_prepare and process_finalize, before the runtime reports the
 * process created (or, for exec, running); process_run only starts the workload. */
#ifndef RUNWASM_RUNTIME_PROCESS_H
#define RUNWASM_RUNTIME_PROCESS_H

#include "common/error.h"
#include "runtime/config.h"
#include "runtime/handler.h"
#include "runtime/policy.h"

struct process_launch {
  const struct oci_config *config;
  const struct oci_process *process;
  const struct process_policy *policy;
  const struct container_policy *container_policy;
  const struct handler *handler;
  void *handler_data;              /* from handler->prepare */
  int n_preserved_fds;             /* fds 3.. kept open: LISTEN_FDS + --preserve-fds */
  int listen_fds;                  /* LISTEN_FDS passed on to the process, 0 if none */
  const char *state_json;          /* for the seccomp notify listener */
  int listener_sock;               /* connected seccomp listener (host path), -1 if none */
};

/* Connects to linux.seccomp.listenerPath while the host's filesystem is still visible
 * (before pivot_root / setns into the container's mount namespace). */
int process_connect_seccomp_listener (struct process_launch *l, struct rw_error **err);

/* The process' environment with LISTEN_FDS/LISTEN_PID and a HOME default; NULL-terminated,
 * malloc'd (strings borrowed from the process, except the added ones which leak into exec). */
char **process_build_env (const struct oci_process *p, int listen_fds);

/* Before privileges are dropped, still as root in the container: cwd, oom_score_adj,
 * rlimits, personality; then handler->prepare. */
int process_prepare (struct process_launch *l, char **env, struct rw_error **err);

/* Marks the fds not passed on close-on-exec, drops privileges, resets signal dispositions,
 * runs handler->ready and loads the seccomp filter (first when it needs CAP_SYS_ADMIN, else
 * last). What the caller does after this must only need open/write/close and execve. */
int process_finalize (struct process_launch *l, char **env, struct rw_error **err);

/* Runs the handler; `started_fd` closes once the workload runs (handler.h). Returns only on
 * failure. */
int process_run (struct process_launch *l, char **env, int started_fd, struct rw_error **err);

#endif
