/* linux.resources written to a cgroup v2 directory (one unified hierarchy). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "linux/cgroup_devices_ebpf.h"
#include "linux/cgroup_internal.h"

uint64_t cgroup_v2_weight_from_shares (uint64_t shares)
{
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  /* Linear map of [2, 262144] onto [1, 10000]. */
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_v2_io_weight_from_blkio (uint64_t weight)
{
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  /* Linear map of [10, 1000] onto [1, 10000]. */
  return 1 + ((weight - 10) * 9999) / 990;
}

static int not_supported (const char *field, const char *why, struct rw_error **err)
{
  return rw_error_set (err, 0, "linux.resources.%s: not supported on cgroup v2%s%s", field, why ? " " : "", why ? why : "");
}

static int write_limit (const char *dir, const char *file, int64_t v, struct rw_error **err)
{
  if (v < 0)
    return cgroup_write (dir, file, "max", err);
  return cgroup_writef (dir, file, err, "%" PRId64, v);
}

static int apply_memory (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  const typeof (r->memory) *m = &r->memory;
  if (m->kernel.set)
    return not_supported ("memory.kernel", "(kernel memory is always accounted)", err);
  if (m->kernel_tcp.set)
    return not_supported ("memory.kernelTCP", "(kernel memory is always accounted)", err);
  if (m->swappiness.set)
    return not_supported ("memory.swappiness", NULL, err);
  if (m->disable_oom_killer.set && m->disable_oom_killer.value)
    return not_supported ("memory.disableOOMKiller", NULL, err);
  if (m->use_hierarchy.set && !m->use_hierarchy.value)
    return not_supported ("memory.useHierarchy", "(the hierarchy is always used)", err);
  if (m->check_before_update.value && m->limit.set && m->limit.value > 0)
    {
      cleanup_free char *cur = NULL;
      if (cgroup_read (dir, "memory.current", &cur, err) < 0)
        return -1;
      if (strtoll (cur, NULL, 10) > m->limit.value)
        return rw_error_set (err, 0, "linux.resources.memory.limit: %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                             m->limit.value, cur);
    }
  if (m->limit.set && write_limit (dir, "memory.max", m->limit.value, err) < 0)
    return -1;
  /* The spec's swap is memory+swap (v1 memsw); memory.swap.max counts swap alone. */
  if (m->swap.set && m->swap.value != 0)
    {
      int64_t swap_only = -1;
      if (m->swap.value > 0)
        {
          if (!m->limit.set || m->limit.value <= 0)
            return rw_error_set (err, 0, "linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2");
          swap_only = m->swap.value - m->limit.value;
        }
      if (!cgroup_file_exists (dir, "memory.swap.max"))
        return rw_error_set (err, 0, "linux.resources.memory.swap: swap accounting is not enabled (no memory.swap.max)");
      if (write_limit (dir, "memory.swap.max", swap_only, err) < 0)
        return -1;
    }
  if (m->reservation.set && write_limit (dir, "memory.low", m->reservation.value, err) < 0)
    return -1;
  return 0;
}

static int apply_cpu (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  const typeof (r->cpu) *c = &r->cpu;
  if ((c->realtime_runtime.set && c->realtime_runtime.value != 0) || (c->realtime_period.set && c->realtime_period.value != 0))
    return not_supported ("cpu.realtimeRuntime", "(no real-time group scheduling)", err);
  if (c->shares.set && c->shares.value != 0
      && cgroup_writef (dir, "cpu.weight", err, "%" PRIu64, cgroup_v2_weight_from_shares (c->shares.value)) < 0)
    return -1;
  if (c->quota.set || c->period.set)
    {
      char quota[24] = "max";
      if (c->quota.set && c->quota.value > 0)
        snprintf (quota, sizeof quota, "%" PRId64, c->quota.value);
      else if (!c->quota.set)
        {
          /* cpu.max takes "quota [period]": keep the quota in force when only the period changes. */
          cleanup_free char *cur = NULL;
          if (cgroup_read (dir, "cpu.max", &cur, err) < 0)
            return -1;
          snprintf (quota, sizeof quota, "%.*s", (int) strcspn (cur, " "), cur);
        }
      int r2 = c->period.set && c->period.value > 0 ? cgroup_writef (dir, "cpu.max", err, "%s %" PRId64, quota, c->period.value)
                                                    : cgroup_write (dir, "cpu.max", quota, err);
      if (r2 < 0)
        return -1;
    }
  if (c->burst.set && cgroup_writef (dir, "cpu.max.burst", err, "%" PRId64, c->burst.value) < 0)
    return -1;
  if (c->idle.set && cgroup_writef (dir, "cpu.idle", err, "%" PRId64, c->idle.value) < 0)
    return -1;
  if ((c->cpus && cgroup_write (dir, "cpuset.cpus", c->cpus, err) < 0) || (c->mems && cgroup_write (dir, "cpuset.mems", c->mems, err) < 0))
    return -1;
  return 0;
}

static int apply_io (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
  const typeof (r->blkio) *b = &r->blkio;
  if (b->leaf_weight.set)
    return not_supported ("blockIO.leafWeight", NULL, err);
  /* BFQ takes the v1 scale as is; io.weight (cost model) has its own range. */
  bool bfq = cgroup_file_exists (dir, "io.bfq.weight");
  if (b->weight.set)
    {
      int r2 = bfq ? cgroup_writef (dir, "io.bfq.weight", err, "%" PRId64, b->weight.value)
                   : cgroup_writef (dir, "io.weight", err, "default %" PRIu64, cgroup_v2_io_weight_from_blkio (b->weight.value));
      if (r2 < 0)
        return -1;
    }
  for (size_t i = 0; i < b->n_weight_devices; i++)
    {
      const struct cgroup_blkio_weight_device *d = &b->weight_devices[i];
      if (d->leaf_weight.set)
        return not_supported ("blockIO.weightDevice[].leafWeight", NULL, err);
      if (!d->weight.set)
        continue;
      int r2 = bfq ? cgroup_writef (dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %" PRId64, d->major, d->minor, d->weight.value)
                   : cgroup_writef (dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                                    cgroup_v2_io_weight_from_blkio (d->weight.value));
      if (r2 < 0)
        return -1;
    }
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < b->n_throttle[k]; i++)
      {
        const struct cgroup_blkio_throttle *t = &b->throttle[k][i];
        if (cgroup_writef (dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major, t->minor, keys[k], t->rate) < 0)
          return -1;
      }
  return 0;
}

static int apply_hugetlb (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  for (size_t i = 0; i < r->n_hugepages; i++)
    {
      cleanup_free char *file = NULL;
      if (asprintf (&file, "hugetlb.%s.max", r->hugepages[i].page_size) < 0)
        return rw_error_set (err, ENOMEM, "hugetlb");
      if (!cgroup_file_exists (dir, file))
        return rw_error_set (err, 0, "linux.resources.hugepageLimits[%zu].pageSize: huge page size `%s` not supported here "
                                     "(no %s in `%s`)", i, r->hugepages[i].page_size, file, dir);
      if (cgroup_writef (dir, file, err, "%" PRIu64, r->hugepages[i].limit) < 0)
        return -1;
    }
  return 0;
}

/* Last, so that explicit unified keys win over the converted fields (as runc does). */
static int apply_unified (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const struct cgroup_unified_entry *e = &r->unified[i];
      if (!cgroup_file_exists (dir, e->key))
        return rw_error_set (err, 0, "linux.resources.unified.%s: no such file in `%s` (unknown key, or its controller is "
                                     "not enabled)", e->key, dir);
      if (cgroup_write (dir, e->key, e->value, err) < 0)
        return rw_error_wrap (err, "linux.resources.unified.%s", e->key);
    }
  return 0;
}

int cgroup_v2_apply (const char *dir, const struct cgroup_resources *r, bool hybrid_extras, bool with_hugetlb,
                     struct rw_error **err)
{
  if (dir == NULL)
    return rw_error_set (err, ENOMEM, "cgroup v2 directory");
  if (!hybrid_extras)
    {
      if (r->network.class_id.set || r->network.n_priorities)
        return not_supported (r->network.class_id.set ? "network.classID" : "network.priorities",
                              "(net_cls/net_prio are v1 only)", err);
      if (apply_memory (dir, r, err) < 0 || apply_cpu (dir, r, err) < 0
          || (r->pids_limit.set && write_limit (dir, "pids.max", r->pids_limit.value > 0 ? r->pids_limit.value : -1, err) < 0)
          || apply_io (dir, r, err) < 0 || cgroup_write_rdma_max (dir, r, err) < 0)
        return -1;
      if (r->n_devices && cgroup_devices_ebpf_attach (dir, r->devices, r->n_devices, err) < 0)
        return rw_error_wrap (err, "linux.resources.devices");
    }
  if (with_hugetlb && apply_hugetlb (dir, r, err) < 0)
    return -1;
  return apply_unified (dir, r, err);
}

int cgroup_v2_enable_controllers (const char *mount, const char *path, struct rw_error **err)
{
  cleanup_free char *dir = NULL;
  if (asprintf (&dir, "%s%s", mount, path) < 0)
    return rw_error_set (err, ENOMEM, "enable cgroup controllers");
  /* Walk from the mount to the container's parent; each level delegates to the next. */
  char *last = strrchr (dir, '/');
  for (char *p = dir + strlen (mount); p <= last; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      cleanup_free char *available = NULL;
      int r = cgroup_read (dir, "cgroup.controllers", &available, err);
      if (r == 0 && *available)
        {
          cleanup_free char *all = NULL;
          size_t len = 0;
          FILE *f = open_memstream (&all, &len);
          if (f == NULL)
            r = rw_error_set (err, errno, "enable cgroup controllers");
          else
            {
              char *save = NULL;
              bool first = true;
              for (char *c = strtok_r (available, " ", &save); c; c = strtok_r (NULL, " ", &save), first = false)
                fprintf (f, "%s+%s", first ? "" : " ", c);
              fclose (f);
              struct rw_error *one_err = NULL;
              /* One refused controller (e.g. cpu with real-time tasks) must not stop the
               * others; whatever stays disabled shows up when its files are written. */
              if (cgroup_write (dir, "cgroup.subtree_control", all, &one_err) < 0)
                {
                  rw_error_free (&one_err);
                  for (char *c = strtok_r (all, " ", &save); c; c = strtok_r (NULL, " ", &save))
                    {
                      cgroup_write (dir, "cgroup.subtree_control", c, &one_err);
                      rw_error_free (&one_err);
                    }
                }
            }
        }
      *p = '/';
      if (r < 0)
        return -1;
    }
  return 0;
}
