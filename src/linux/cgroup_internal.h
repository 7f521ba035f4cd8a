/* Shared by the cgroup files only: hierarchy discovery, file helpers, and the per-version
 * resource writers that cgroup.c dispatches to. Not for use outside src/linux/cgroup*.c. */
#ifndef RUNWASM_LINUX_CGROUP_INTERNAL_H
#define RUNWASM_LINUX_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "linux/cgroup.h"

/* One mounted hierarchy: a v1 controller mount ("<root>/cpu,cpuacct") or a cgroup2 mount. */
struct cgroup_hierarchy
{
  char *mount;       /* absolute directory of the mount */
  char *controllers; /* v1: the directory name ("cpu,cpuacct", "systemd"); v2: "" */
  bool v2;
};

struct cgroup_hierarchies
{
  struct cgroup_hierarchy *items;
  size_t n;
};

static inline const char *cgroup_root_or_default (const char *root)
{
  return root && *root ? root : CGROUP_DEFAULT_ROOT;
}

/* A v1 hierarchy is a real directory under root (co-mount aliases such as cpu ->
 * cpu,cpuacct are symlinks) holding cgroup.procs; "unified" is the hybrid cgroup2 mount. */
bool cgroup_is_v1_hierarchy (const char *root, const char *name);
/* Whether the comma-separated v1 hierarchy name lists `controller`. */
bool cgroup_has_controller (const char *list, const char *controller);
int cgroup_new (const char *root, enum cgroup_mode mode, const char *path, struct cgroup **out, struct rw_error **err);

int cgroup_hierarchies_list (const char *root, enum cgroup_mode mode, struct cgroup_hierarchies *out,
                             struct rw_error **err);
void cgroup_hierarchies_release (struct cgroup_hierarchies *hs);

/* The container's directory in the v1 hierarchy that has `controller`, NULL if not mounted. */
char *cgroup_v1_dir (const struct cgroup *cg, const char *controller);
/* The container's directory in the cgroup2 hierarchy (v2 and hybrid), NULL on v1. */
char *cgroup_v2_dir (const struct cgroup *cg);

bool cgroup_file_exists (const char *dir, const char *file);
/* Write `value` to <dir>/<file> (never creates it); errors name value and path. */
int cgroup_write (const char *dir, const char *file, const char *value, struct rw_error **err);
int cgroup_writef (const char *dir, const char *file, struct rw_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));
/* rdma.max lines, one per device: the same format on v1 and v2. */
int cgroup_write_rdma_max (const char *dir, const struct cgroup_resources *r, struct rw_error **err);
/* Read <dir>/<file> whole, trailing newline removed. */
int cgroup_read (const char *dir, const char *file, char **out, struct rw_error **err);

/* v1: every controller the resources use must be mounted; `hugetlb_on_v2` lets the hybrid
 * layout put hugetlb on the cgroup2 side when v1 has no hugetlb hierarchy. */
int cgroup_v1_apply (const struct cgroup *cg, const struct cgroup_resources *res, bool hugetlb_on_v2,
                     struct rw_error **err);
/* v2: write the resources into `dir` (the container's cgroup2 directory). With
 * `hybrid_extras` only hugetlb (when `with_hugetlb`) and the unified map are written. */
int cgroup_v2_apply (const char *dir, const struct cgroup_resources *res, bool hybrid_extras, bool with_hugetlb,
                     struct rw_error **err);
/* mkdir -p <mount><path> in every hierarchy; with `enable_v2_controllers`, also delegate the
 * cgroup2 controllers from the mount down (systemd does that itself for its scopes). */
int cgroup_make_dirs (const char *root, enum cgroup_mode mode, const char *path, bool enable_v2_controllers,
                      struct rw_error **err);

/* v2: enable every available controller in cgroup.subtree_control from the mount down to
 * the parent of <mount><path>. */
int cgroup_v2_enable_controllers (const char *mount, const char *path, struct rw_error **err);

/* cpu.weight (v2, 1..10000) from cpu.shares (v1, 2..262144), as crun and runc convert. */
uint64_t cgroup_v2_weight_from_shares (uint64_t shares);
/* io.weight (v2, 1..10000) from blkio.weight (v1, 10..1000). */
uint64_t cgroup_v2_io_weight_from_blkio (uint64_t weight);

#endif
