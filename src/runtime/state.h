/* The state store: ROOT/ID/ holds state.json (written atomically: write, fsync-free rename),
 * the container's config copy, and exec.fifo while the container is created but not started.
 * A per-container lock (flock on the directory) serialises commands on one container only. */
#ifndef RUNWASM_RUNTIME_STATE_H
#define RUNWASM_RUNTIME_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "common/error.h"

#define DEFAULT_STATE_ROOT "/run/runwasm"
#define EXEC_FIFO_NAME "exec.fifo"
#define CONFIG_COPY_NAME "config.json"

enum container_status {
  STATUS_CREATING,
  STATUS_CREATED,
  STATUS_RUNNING,
  STATUS_PAUSED,
  STATUS_STOPPED,
};

struct container_state {
  char *id;
  pid_t pid;                       /* host pid of the container init, 0 before it exists */
  unsigned long long pid_start_time; /* /proc/PID/stat field 22: tells a reused pid apart */
  char *bundle;
  char *rootfs;
  char *created;                   /* RFC 3339, UTC */
  char *owner;
  bool creating;                   /* create has not finished (or died half-way) */
  bool paused;
  json_object *annotations;        /* may be NULL */
  json_object *cgroup;             /* cgroup_to_json, may be NULL */
};

struct state_dir {
  char *path;                      /* ROOT/ID */
  char *id;
  int dirfd;
  bool locked;
};

/* Checks that an id is usable as a directory name (no '/', not "." or "..", not empty). */
int state_validate_id (const char *id, struct rw_error **err);
/* mkdir ROOT (0700) and ROOT/ID, locked; fails with "container `ID` already exists". */
int state_dir_create (const char *root, const char *id, struct state_dir **out, struct rw_error **err);
/* Opens ROOT/ID ("container `ID` does not exist"); `lock` waits for the container's lock. */
int state_dir_open (const char *root, const char *id, bool lock, struct state_dir **out, struct rw_error **err);
/* Whether another command holds the lock right now (used to tell "creating" from a runtime
 * that died half-way through create). */
bool state_dir_busy (const struct state_dir *sd);
void state_dir_close (struct state_dir *sd);
/* Removes ROOT/ID and what is in it. */
int state_dir_remove (struct state_dir *sd, struct rw_error **err);

int state_write (const struct state_dir *sd, const struct container_state *st, struct rw_error **err);
int state_read (const struct state_dir *sd, struct container_state **out, struct rw_error **err);
void state_free (struct container_state *st);

/* Writes `text` to dirfd/name atomically (a temporary file renamed over it). */
int state_write_file_at (int dirfd, const char *name, const char *text, struct rw_error **err);
/* Same for an arbitrary path (the --pid-file). */
int state_write_file (const char *path, const char *text, struct rw_error **err);

enum container_status state_status (const struct state_dir *sd, const struct container_state *st);
const char *state_status_name (enum container_status s);
/* The OCI state (runtime.md) plus runc's extra fields (rootfs, created, owner). */
json_object *state_to_oci_json (const struct container_state *st, enum container_status s);

/* Whether pid is alive and still the process that was started at `start_time` (0: any). */
bool state_process_alive (pid_t pid, unsigned long long start_time);
int state_process_start_time (pid_t pid, unsigned long long *out, struct rw_error **err);
/* Now as RFC 3339 with nanoseconds, UTC. */
char *state_now_rfc3339 (void);

/* Ids of the containers under ROOT, sorted; NULL-terminated. */
int state_list_ids (const char *root, char ***ids, struct rw_error **err);

static inline void state_dir_closep (struct state_dir **sd) { state_dir_close (*sd); }
static inline void state_freep (struct container_state **st) { state_free (*st); }
#define cleanup_state_dir __attribute__ ((cleanup (state_dir_closep)))
#define cleanup_state __attribute__ ((cleanup (state_freep)))

#endif
