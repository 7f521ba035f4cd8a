/* linux.resources written to cgroup v1 controller files (one hierarchy per controller). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"

/* The container's directory for `controller`, or a clear error naming the resource. */
static int controller_dir (const struct cgroup *cg, const char *controller, const char *field, char **dir,
                           struct rw_error **err)
{
  *dir = cgroup_v1_dir (cg, controller);
  if (*dir == NULL)
    return rw_error_set (err, 0, "linux.resources.%s: the cgroup v1 `%s` controller is not mounted on this host", field,
                         controller);
  return 0;
}

static int write_int (const char *dir, const char *file, int64_t v, struct rw_error **err)
{
  return cgroup_writef (dir, file, err, "%" PRId64, v);
}

static int write_opt (const char *dir, const char *file, const struct cgroup_opt_int *v, struct rw_error **err)
{
  return v->set ? write_int (dir, file, v->value, err) : 0;
}

static int read_int (const char *dir, const char *file, int64_t *v, struct rw_error **err)
{
  cleanup_free char *s = NULL;
  if (cgroup_read (dir, file, &s, err) < 0)
    return -1;
  *v = strtoll (s, NULL, 10);
  return 0;
}

/* The kernel refuses a limit below what the cgroup uses and cannot reclaim (EBUSY): say so
 * with the numbers, as runc does. */
static int write_memory_limit (const char *dir, const char *file, const struct cgroup_opt_int *v, struct rw_error **err)
{
  if (write_opt (dir, file, v, err) == 0)
    return 0;
  int64_t usage, peak;
  struct rw_error *ignored = NULL;
  if ((*err)->status != EBUSY || read_int (dir, "memory.usage_in_bytes", &usage, &ignored) < 0
      || read_int (dir, "memory.max_usage_in_bytes", &peak, &ignored) < 0)
    {
      rw_error_free (&ignored);
      return -1;
    }
  rw_error_free (err);
  return rw_error_set (err, EBUSY, "unable to set memory limit to %" PRId64 " (current usage: %" PRId64 ", peak usage: %" PRId64 ")",
                       v->value, usage, peak);
}

/* memory.limit_in_bytes must stay <= memory.memsw.limit_in_bytes at every step: raise memsw
 * first when the limit grows, lower the limit first when it shrinks. */
static int apply_limit_and_swap (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  const struct cgroup_opt_int *limit = &r->memory.limit;
  struct cgroup_opt_int swap = r->memory.swap;
  /* An unlimited memory with no swap given means unlimited swap too, or the write fails. */
  if (limit->set && limit->value == -1 && !swap.set && cgroup_file_exists (dir, "memory.memsw.limit_in_bytes"))
    swap = (struct cgroup_opt_int){ true, -1 };
  if (swap.set && !cgroup_file_exists (dir, "memory.memsw.limit_in_bytes"))
    return rw_error_set (err, 0, "linux.resources.memory.swap: swap accounting is not enabled on this kernel "
                                 "(no memory.memsw.limit_in_bytes)");
  if (!swap.set)
    return write_memory_limit (dir, "memory.limit_in_bytes", limit, err);
  int64_t current;
  if (read_int (dir, "memory.limit_in_bytes", &current, err) < 0)
    return -1;
  bool growing = limit->set && (limit->value == -1 || limit->value > current);
  if (growing || !limit->set)
    return write_opt (dir, "memory.memsw.limit_in_bytes", &swap, err) < 0 ? -1 : write_memory_limit (dir, "memory.limit_in_bytes", limit, err);
  return write_memory_limit (dir, "memory.limit_in_bytes", limit, err) < 0 ? -1 : write_opt (dir, "memory.memsw.limit_in_bytes", &swap, err);
}

/* Recent kernels (5.16+ on v1) still accept memory.kmem.limit_in_bytes but ignore it: read it
 * back, and when the limit did not hold say so at warning level and go on, as crun and runc do
 * (kernel memory is then charged to memory.limit_in_bytes; docs/conformance.md). */
static int apply_kernel_memory (const char *dir, const struct cgroup_opt_int *kernel, struct rw_error **err)
{
  int64_t now;
  if (!kernel->set)
    return 0;
  if (write_opt (dir, "memory.kmem.limit_in_bytes", kernel, err) < 0 || read_int (dir, "memory.kmem.limit_in_bytes", &now, err) < 0)
    return -1;
  bool held = kernel->value < 0 ? now < 0 || now >= (INT64_C (1) << 62) : now == kernel->value;
  if (!held)
    rw_warning ("linux.resources.memory.kernel: ignored: this kernel no longer enforces kernel memory limits "
                "(memory.limit_in_bytes still covers kernel memory)");
  return 0;
}

static int apply_memory (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  const typeof (r->memory) *m = &r->memory;
  if (!(m->limit.set || m->reservation.set || m->swap.set || m->kernel.set || m->kernel_tcp.set || m->swappiness.set
        || m->disable_oom_killer.set || m->use_hierarchy.set))
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "memory", "memory", &dir, err) < 0)
    return -1;
  if (m->check_before_update.value && m->limit.set && m->limit.value > 0)
    {
      int64_t usage;
      if (read_int (dir, "memory.usage_in_bytes", &usage, err) < 0)
        return -1;
      if (usage > m->limit.value)
        return rw_error_set (err, 0, "linux.resources.memory.limit: %" PRId64 " is below the current usage %" PRId64
                             " (checkBeforeUpdate)", m->limit.value, usage);
    }
  if (apply_limit_and_swap (dir, r, err) < 0 || write_opt (dir, "memory.soft_limit_in_bytes", &m->reservation, err) < 0
      || apply_kernel_memory (dir, &m->kernel, err) < 0
      || write_opt (dir, "memory.kmem.tcp.limit_in_bytes", &m->kernel_tcp, err) < 0
      || write_opt (dir, "memory.swappiness", &m->swappiness, err) < 0)
    return -1;
  if (m->disable_oom_killer.set && cgroup_write (dir, "memory.oom_control", m->disable_oom_killer.value ? "1" : "0", err) < 0)
    return -1;
  if (m->use_hierarchy.set && cgroup_write (dir, "memory.use_hierarchy", m->use_hierarchy.value ? "1" : "0", err) < 0)
    return -1;
  return 0;
}

static int apply_cpu (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  const typeof (r->cpu) *c = &r->cpu;
  if (c->shares.set || c->quota.set || c->burst.set || c->period.set || c->realtime_runtime.set || c->realtime_period.set
      || c->idle.set)
    {
      cleanup_free char *dir = NULL;
      if (controller_dir (cg, "cpu", "cpu", &dir, err) < 0)
        return -1;
      /* Periods first: a runtime is checked against the period in force. */
      if (write_opt (dir, "cpu.shares", &c->shares, err) < 0 || write_opt (dir, "cpu.cfs_period_us", &c->period, err) < 0
          || write_opt (dir, "cpu.cfs_quota_us", &c->quota, err) < 0 || write_opt (dir, "cpu.cfs_burst_us", &c->burst, err) < 0
          || write_opt (dir, "cpu.rt_period_us", &c->realtime_period, err) < 0
          || write_opt (dir, "cpu.rt_runtime_us", &c->realtime_runtime, err) < 0 || write_opt (dir, "cpu.idle", &c->idle, err) < 0)
        return -1;
    }
  if (c->cpus || c->mems)
    {
      cleanup_free char *dir = NULL;
      if (controller_dir (cg, "cpuset", "cpu.cpus", &dir, err) < 0)
        return -1;
      if ((c->cpus && cgroup_write (dir, "cpuset.cpus", c->cpus, err) < 0) || (c->mems && cgroup_write (dir, "cpuset.mems", c->mems, err) < 0))
        return -1;
    }
  return 0;
}

static int apply_pids (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  if (!r->pids_limit.set)
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "pids", "pids", &dir, err) < 0)
    return -1;
  /* 0 and -1 both mean "no limit" in the spec. */
  if (r->pids_limit.value <= 0)
    return cgroup_write (dir, "pids.max", "max", err);
  return write_int (dir, "pids.max", r->pids_limit.value, err);
}

static int apply_blkio (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  static const char *const throttle_files[] = { "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                                                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device" };
  const typeof (r->blkio) *b = &r->blkio;
  bool any = b->weight.set || b->leaf_weight.set || b->n_weight_devices;
  for (int k = 0; k < 4; k++)
    any = any || b->n_throttle[k];
  if (!any)
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "blkio", "blockIO", &dir, err) < 0)
    return -1;
  /* With the BFQ scheduler the weight files carry a "bfq." prefix. */
  const char *weight = cgroup_file_exists (dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
  const char *weight_dev = cgroup_file_exists (dir, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device";
  if ((b->weight.set || b->n_weight_devices) && !cgroup_file_exists (dir, weight))
    return rw_error_set (err, 0, "linux.resources.blockIO.weight: not supported here (no blkio.weight nor "
                                 "blkio.bfq.weight: the block I/O scheduler has no weights)");
  if (write_opt (dir, weight, &b->weight, err) < 0 || write_opt (dir, "blkio.leaf_weight", &b->leaf_weight, err) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_devices; i++)
    {
      const struct cgroup_blkio_weight_device *d = &b->weight_devices[i];
      if (d->weight.set
          && cgroup_writef (dir, weight_dev, err, "%" PRId64 ":%" PRId64 " %" PRId64, d->major, d->minor, d->weight.value) < 0)
        return -1;
      if (d->leaf_weight.set
          && cgroup_writef (dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %" PRId64, d->major, d->minor,
                            d->leaf_weight.value) < 0)
        return -1;
    }
  for (int k = 0; k < 4; k++)
    for (size_t i = 0; i < b->n_throttle[k]; i++)
      {
        const struct cgroup_blkio_throttle *t = &b->throttle[k][i];
        if (cgroup_writef (dir, throttle_files[k], err, "%" PRId64 ":%" PRId64 " %" PRIu64, t->major, t->minor, t->rate) < 0)
          return -1;
      }
  return 0;
}

static int apply_hugetlb (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  if (r->n_hugepages == 0)
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "hugetlb", "hugepageLimits", &dir, err) < 0)
    return -1;
  for (size_t i = 0; i < r->n_hugepages; i++)
    {
      cleanup_free char *file = NULL;
      if (asprintf (&file, "hugetlb.%s.limit_in_bytes", r->hugepages[i].page_size) < 0)
        return rw_error_set (err, ENOMEM, "hugetlb");
      if (!cgroup_file_exists (dir, file))
        return rw_error_set (err, 0, "linux.resources.hugepageLimits[%zu].pageSize: huge page size `%s` not supported here", i,
                             r->hugepages[i].page_size);
      if (cgroup_writef (dir, file, err, "%" PRIu64, r->hugepages[i].limit) < 0)
        return -1;
    }
  return 0;
}

static int apply_network (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  if (r->network.class_id.set)
    {
      cleanup_free char *dir = NULL;
      if (controller_dir (cg, "net_cls", "network.classID", &dir, err) < 0 || write_opt (dir, "net_cls.classid", &r->network.class_id, err) < 0)
        return -1;
    }
  if (r->network.n_priorities)
    {
      cleanup_free char *dir = NULL;
      if (controller_dir (cg, "net_prio", "network.priorities", &dir, err) < 0)
        return -1;
      for (size_t i = 0; i < r->network.n_priorities; i++)
        if (cgroup_writef (dir, "net_prio.ifpriomap", err, "%s %u", r->network.priorities[i].interface,
                           r->network.priorities[i].priority) < 0)
          return -1;
    }
  return 0;
}

/* "c 1:3 rwm", with "*" for any major/minor; type a is the whole device space. */
static int format_device_rule (const struct cgroup_device_rule *d, char *buf, size_t size)
{
  if (d->type == 'a' && strcmp (d->access, "rwm") == 0)
    return snprintf (buf, size, "a");
  char major[24] = "*", minor[24] = "*";
  if (d->major >= 0 && d->type != 'a')
    snprintf (major, sizeof major, "%" PRId64, d->major);
  if (d->minor >= 0 && d->type != 'a')
    snprintf (minor, sizeof minor, "%" PRId64, d->minor);
  return snprintf (buf, size, "%c %s:%s %s", d->type, major, minor, d->access);
}

static int apply_devices (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  if (r->n_devices == 0)
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "devices", "devices", &dir, err) < 0)
    return -1;
  /* Rules are edits of the exception list, applied in order, as the spec describes. */
  for (size_t i = 0; i < r->n_devices; i++)
    {
      char rule[64];
      format_device_rule (&r->devices[i], rule, sizeof rule);
      if (cgroup_write (dir, r->devices[i].allow ? "devices.allow" : "devices.deny", rule, err) < 0)
        return rw_error_wrap (err, "linux.resources.devices[%zu]", i);
    }
  return 0;
}

static int apply_rdma (const struct cgroup *cg, const struct cgroup_resources *r, struct rw_error **err)
{
  if (r->n_rdma == 0)
    return 0;
  cleanup_free char *dir = NULL;
  if (controller_dir (cg, "rdma", "rdma", &dir, err) < 0)
    return -1;
  return cgroup_write_rdma_max (dir, r, err);
}

int cgroup_v1_apply (const struct cgroup *cg, const struct cgroup_resources *r, bool hugetlb_on_v2, struct rw_error **err)
{
  if (apply_memory (cg, r, err) < 0 || apply_cpu (cg, r, err) < 0 || apply_pids (cg, r, err) < 0
      || apply_blkio (cg, r, err) < 0 || (!hugetlb_on_v2 && apply_hugetlb (cg, r, err) < 0)
      || apply_network (cg, r, err) < 0 || apply_devices (cg, r, err) < 0 || apply_rdma (cg, r, err) < 0)
    return -1;
  return 0;
}
