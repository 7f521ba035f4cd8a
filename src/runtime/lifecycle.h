/* The OCI lifecycle (runtime.md) on top of the state store: create, start, run, kill,
 * delete, pause/resume, update, and the queries (state, list, pids). Each function takes
 * the container's lock for the time it changes anything. */
#ifndef RUNWASM_RUNTIME_LIFECYCLE_H
#define RUNWASM_RUNTIME_LIFECYCLE_H

#include <stdbool.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "common/error.h"
#include "linux/cgroup.h"

struct runtime_options {
  const char *root;                    /* state root, DEFAULT_STATE_ROOT when NULL */
  bool cgroups_disabled;               /* --cgroup-manager disabled */
  bool systemd_cgroup;                 /* --systemd-cgroup / --cgroup-manager systemd */
  char **self_argv;                    /* to re-execute from a sealed copy (selfexe.h) */
};

struct create_options {
  const char *id;
  const char *bundle;                  /* NULL: the current directory */
  const char *config_path;             /* NULL: BUNDLE/config.json */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool proxy_terminal;                 /* run: without a console socket, runwasm is the tty's peer */
  bool keep;                           /* run: do not delete the container once it exits */
  bool no_subreaper;                   /* run: do not reap the orphans of a container without a pid namespace */
};

int container_create (const struct runtime_options *ro, const struct create_options *o, struct rw_error **err);
int container_start (const struct runtime_options *ro, const char *id, struct rw_error **err);
/* create + start; without `detach` also waits, forwards signals, deletes, and sets
 * *exit_code to the container's status (128+N for a signal). */
int container_run (const struct runtime_options *ro, const struct create_options *o, bool detach, int *exit_code,
                   struct rw_error **err);
int container_kill (const struct runtime_options *ro, const char *id, int signo, bool all, struct rw_error **err);
int container_delete (const struct runtime_options *ro, const char *id, bool force, struct rw_error **err);
int container_pause (const struct runtime_options *ro, const char *id, bool pause, struct rw_error **err);
int container_update (const struct runtime_options *ro, const char *id, json_object *resources, struct rw_error **err);
/* The OCI state object of one container. */
int container_state (const struct runtime_options *ro, const char *id, json_object **out, struct rw_error **err);
/* An array of OCI state objects, sorted by id. */
int container_list (const struct runtime_options *ro, json_object **out, struct rw_error **err);
int container_pids (const struct runtime_options *ro, const char *id, pid_t **pids, size_t *n, struct rw_error **err);

/* Helpers shared with exec. */
const char *runtime_root (const struct runtime_options *ro);
int lifecycle_wait_status (pid_t pid, int *exit_code);

#endif
