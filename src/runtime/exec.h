/* `exec`: a new process inside a running container, in all its namespaces and its cgroup,
 * set up by the same code as the container's init (process.c). */
#ifndef RUNWASM_RUNTIME_EXEC_H
#define RUNWASM_RUNTIME_EXEC_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/lifecycle.h"

struct exec_options {
  const char *id;
  const char *process_path;   /* --process FILE: a runtime-spec `process` object */
  char **args;                /* otherwise: the command line (NULL-terminated) */
  char **env;                 /* -e KEY=VALUE additions, NULL-terminated, may be NULL */
  const char *cwd;            /* --cwd */
  const char *user;           /* --user UID[:GID] */
  bool tty;                   /* --tty */
  bool detach;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_new_privs;          /* --no-new-privs */
  char **caps;                /* --cap NAME: added to the bounding, effective and permitted sets */
  char **additional_gids;     /* --additional-gids GID: added to process.user.additionalGids */
  const char *apparmor;       /* --apparmor PROFILE */
  const char *process_label;  /* --process-label LABEL (SELinux) */
  const char *cgroup;         /* --cgroup SUB: an existing sub-cgroup of the container's */
  bool ignore_paused;         /* --ignore-paused: allow a paused container */
};

/* Without `detach`, waits for the process and stores its exit status in *exit_code. */
int container_exec (const struct runtime_options *ro, const struct exec_options *o, int *exit_code,
                    struct rw_error **err);

#endif
