/* Cgroups: which hierarchy layout the host has (v1, hybrid, v2), which manager runs it, where a
 * container's cgroup lives, and the lifecycle operations the CLI needs (create, enter, apply,
 * update, freeze, pids, kill, destroy). The layout root is a parameter so unit tests can run
 * the v1 and v2 code against a fake tree in a temporary directory. */
#ifndef RUNWASM_LINUX_CGROUP_H
#define RUNWASM_LINUX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "common/error.h"
#include "linux/cgroup_resources.h"

#define CGROUP_DEFAULT_ROOT "/sys/fs/cgroup"

enum cgroup_mode
{
  CGROUP_MODE_V1,     /* only v1 hierarchies */
  CGROUP_MODE_HYBRID, /* v1 hierarchies plus a cgroup2 mount at <root>/unified */
  CGROUP_MODE_V2,     /* <root> is a cgroup2 mount */
};

enum cgroup_manager
{
  CGROUP_MANAGER_CGROUPFS,
  CGROUP_MANAGER_SYSTEMD,
  CGROUP_MANAGER_DISABLED, /* no cgroup at all (rootless without delegation, tests) */
};

/* Detect the layout under `root` (NULL means CGROUP_DEFAULT_ROOT) by the files a real cgroupfs
 * has: <root>/cgroup.controllers (v2), <root>/unified/cgroup.controllers (hybrid), otherwise
 * v1 controller directories. */
int cgroup_detect_mode (const char *root, enum cgroup_mode *mode, struct rw_error **err);
const char *cgroup_mode_name (enum cgroup_mode mode);  /* "v1", "hybrid", "v2" */
int cgroup_mode_from_name (const char *name, enum cgroup_mode *mode, struct rw_error **err);

/* The manager for --systemd-cgroup (`systemd`) or not. Whether systemd answers is checked by
 * cgroup_create, which connects to it. */
int cgroup_manager_choose (bool systemd_cgroup, enum cgroup_manager *out, struct rw_error **err);
/* Whether the systemd driver can work here: libsystemd.so.0 loads (`features`). */
bool cgroup_systemd_available (void);

/* A container's cgroup: enough to find it again from the state file. `path` is the same in
 * every hierarchy ("/machine/abc"); the directory is <hierarchy mount><path>. */
struct cgroup
{
  char *root;           /* "/sys/fs/cgroup" */
  enum cgroup_mode mode;
  char *path;           /* absolute inside each hierarchy, e.g. "/runwasm/c1" */
  struct cgroup_systemd *systemd; /* the scope of the systemd driver; NULL with cgroupfs */
};

struct cgroup_create_options
{
  const char *root;          /* NULL: CGROUP_DEFAULT_ROOT */
  const char *cgroups_path;  /* linux.cgroupsPath, may be NULL or "" */
  const char *id;            /* container id */
  enum cgroup_manager manager;
  const char *self_cgroup_file; /* NULL: /proc/self/cgroup; used to resolve relative paths */
};

/* The path a container gets: an absolute cgroupsPath as is; a relative one under the
 * runtime's own cgroup (as runc does); none -> "/runwasm/<id>". */
int cgroup_compute_path (const struct cgroup_create_options *opts, enum cgroup_mode mode, char **path,
                         struct rw_error **err);

/* Where the container's cgroup goes (layout and path), without making anything yet: create
 * records it in the state file first, so a create killed at any point leaves nothing that
 * `delete --force` cannot find. With CGROUP_MANAGER_DISABLED, *out is NULL and 0 is returned.
 * With CGROUP_MANAGER_SYSTEMD it connects to systemd (failing clearly when systemd does not
 * answer); the scope is started by cgroup_enter, since systemd needs the container's pid. */
int cgroup_plan (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err);
/* Make the directories in every hierarchy (v1 controllers that are needed, the unified one);
 * cg NULL or a systemd scope: nothing. */
int cgroup_make (const struct cgroup *cg, struct rw_error **err);
/* cgroup_plan then cgroup_make. */
int cgroup_create (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err);
/* Move `pid` into the cgroup in every hierarchy. The first call for a systemd cgroup starts
 * the transient scope holding `pid` (StartTransientUnit, Delegate=yes) and waits for it. */
int cgroup_enter (const struct cgroup *cg, pid_t pid, struct rw_error **err);
/* The container's process enters its cgroup by itself (cgroup_join.c says why): the runtime
 * opens the cgroup's files before it clones the process, which then joins with
 * cgroup_join_self. For the cgroupfs manager only; a systemd scope uses cgroup_enter. */
struct cgroup_join
{
  int *fds;         /* per hierarchy: v1 `tasks`, cgroup2 `cgroup.procs` (or -1) */
  char **names;     /* per hierarchy: the directory, for errors */
  size_t n;
  int v2_dir;       /* the cgroup2 directory, for clone3(CLONE_INTO_CGROUP); -1 on v1 */
  size_t v2_index;  /* its entry in fds */
  bool v2_entered;  /* the clone already put the child there */
};
/* cg NULL: an empty join (nothing to do). */
int cgroup_join_open (const struct cgroup *cg, struct cgroup_join *j, struct rw_error **err);
/* fork()-like clone with the namespaces in `flags`, into the cgroup2 directory when the kernel
 * allows it (then j->v2_entered). Returns the child's pid, 0 in the child, -1 with errno. */
pid_t cgroup_join_clone (int flags, struct cgroup_join *j);
/* In the cloned child, single-threaded: move itself into every hierarchy. */
int cgroup_join_self (struct cgroup_join *j, struct rw_error **err);
void cgroup_join_close (struct cgroup_join *j);
/* Write the resources (create: everything set; update: the fields given). A systemd scope
 * gets the ones systemd owns as unit properties first (SetUnitProperties). */
int cgroup_apply_resources (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err);
/* `runwasm update`: `resources` is the linux.resources-shaped JSON the CLI read. */
int cgroup_update (const struct cgroup *cg, json_object *resources, struct rw_error **err);
/* pause/resume: v1 freezer.state, v2 cgroup.freeze; waits until the state is reached. */
int cgroup_freeze (const struct cgroup *cg, bool frozen, struct rw_error **err);
/* ps: the pids in the cgroup (sorted); *pids is malloc'd. */
int cgroup_list_pids (const struct cgroup *cg, pid_t **pids, size_t *n, struct rw_error **err);
/* kill --all: v2 cgroup.kill for SIGKILL when present, otherwise signal every pid (frozen so
 * nothing forks meanwhile). */
int cgroup_kill_all (const struct cgroup *cg, int signo, struct rw_error **err);
/* delete: stop a systemd scope (StopUnit), then remove the directories in every hierarchy,
 * retrying while the last processes exit. */
int cgroup_destroy (const struct cgroup *cg, struct rw_error **err);
/* The memory limit in force (memory.limit_in_bytes / memory.max); false when unlimited. */
int cgroup_read_memory_limit (const struct cgroup *cg, bool *limited, uint64_t *bytes, struct rw_error **err);

/* How many processes the kernel's OOM killer has killed in the cgroup (memory.events or
 * memory.oom_control "oom_kill"); 0 without a memory controller. */
int cgroup_read_oom_kills (const struct cgroup *cg, uint64_t *count, struct rw_error **err);

/* State file round trip: {"root": "...", "mode": "hybrid", "path": "/runwasm/c1"}, plus
 * "systemdUnit" and "systemdSlice" for a scope. */
json_object *cgroup_to_json (const struct cgroup *cg);
int cgroup_from_json (json_object *obj, struct cgroup **out, struct rw_error **err);
void cgroup_free (struct cgroup *cg);

#endif
