/* linux.resources of config.json (also the JSON `runwasm update --resources` reads), parsed and
 * validated once into plain values that the v1 and v2 backends translate into files. */
#ifndef RUNWASM_LINUX_CGROUP_RESOURCES_H
#define RUNWASM_LINUX_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "common/error.h"

/* An optional integer: `set` is false when config.json does not name the field. */
struct cgroup_opt_int
{
  bool set;
  int64_t value;
};

struct cgroup_opt_bool
{
  bool set;
  bool value;
};

struct cgroup_device_rule
{
  bool allow;
  char type;      /* 'a', 'c' or 'b' */
  int64_t major;  /* -1 means any ("*") */
  int64_t minor;  /* -1 means any ("*") */
  char access[4]; /* subset of "rwm", in that order */
};

struct cgroup_blkio_weight_device
{
  int64_t major, minor;
  struct cgroup_opt_int weight, leaf_weight;
};

struct cgroup_blkio_throttle
{
  int64_t major, minor;
  uint64_t rate;
};

struct cgroup_hugepage_limit
{
  char *page_size; /* "2MB", "1GB" as in the hugetlb.<size>.* file names */
  uint64_t limit;
};

struct cgroup_net_priority
{
  char *interface;
  uint32_t priority;
};

struct cgroup_rdma_limit
{
  char *device; /* "mlx5_1" */
  struct cgroup_opt_int hca_handles, hca_objects;
};

struct cgroup_unified_entry
{
  char *key;   /* a file name in the v2 cgroup, e.g. "memory.high" */
  char *value;
};

struct cgroup_resources
{
  struct
  {
    struct cgroup_opt_int limit, reservation, swap, kernel, kernel_tcp, swappiness;
    struct cgroup_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
  } memory;
  struct
  {
    struct cgroup_opt_int shares, quota, burst, period, realtime_runtime, realtime_period, idle;
    char *cpus, *mems; /* NULL when unset */
  } cpu;
  struct cgroup_opt_int pids_limit;
  struct
  {
    struct cgroup_opt_int weight, leaf_weight;
    struct cgroup_blkio_weight_device *weight_devices;
    size_t n_weight_devices;
    /* indexed by enum cgroup_throttle_kind */
    struct cgroup_blkio_throttle *throttle[4];
    size_t n_throttle[4];
  } blkio;
  struct cgroup_hugepage_limit *hugepages;
  size_t n_hugepages;
  struct
  {
    struct cgroup_opt_int class_id;
    struct cgroup_net_priority *priorities;
    size_t n_priorities;
  } network;
  struct cgroup_device_rule *devices;
  size_t n_devices;
  struct cgroup_rdma_limit *rdma;
  size_t n_rdma;
  struct cgroup_unified_entry *unified;
  size_t n_unified;
};

enum cgroup_throttle_kind
{
  CGROUP_THROTTLE_READ_BPS,
  CGROUP_THROTTLE_WRITE_BPS,
  CGROUP_THROTTLE_READ_IOPS,
  CGROUP_THROTTLE_WRITE_IOPS,
};

/* Parse linux.resources (NULL gives an empty set). Errors name the field:
 * "linux.resources.memory.limit: expected an integer". `where` is the prefix used in those
 * messages ("linux.resources" for config.json, "resources" for `update`). */
int cgroup_resources_parse (json_object *resources, const char *where, struct cgroup_resources **out,
                            struct rw_error **err);
void cgroup_resources_free (struct cgroup_resources *res);

/* linux.resources.memory.limit when set and positive, for capping the Wasm linear memory;
 * returns false when there is no limit. */
bool cgroup_resources_memory_limit (const struct cgroup_resources *res, uint64_t *bytes);

/* Add the device rules every container gets (as runc does): mknod of any char/block device,
 * and rwm on /dev/null, zero, full, random, urandom, tty, console, ptmx and the pty slaves.
 * They go right after the config's last deny-all rule, so that rule does not wipe them and
 * the config's later rules can still deny one of them. Call it for linux.resources of
 * `create`, not for `update`. */
int cgroup_resources_add_default_devices (struct cgroup_resources *res, struct rw_error **err);

#endif
