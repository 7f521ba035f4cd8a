/* linux.resources -> the unit properties through which systemd owns a scope's limits, so a
 * later `systemctl daemon-reload` re-applies the container's values rather than its own
 * defaults. Names follow systemd.resource-control(5); the legacy (v1) hierarchy has its own
 * names for memory and cpu weight, and systemd manages cpusets only on the unified one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"
#include "linux/cgroup_systemd.h"

#define CPU_MASK_MAX 8192 /* cpus (or NUMA nodes) a mask may name */
#define INFINITY_U64 UINT64_MAX /* systemd's "infinity" */

static void add_u64 (struct cgroup_systemd_properties *p, const char *name, uint64_t value)
{
  p->items[p->n++] = (struct cgroup_systemd_property) { .name = name, .type = 't', .value = value };
}

int cgroup_systemd_cpu_mask (const char *list, const char *what, uint8_t **mask, size_t *n, struct rw_error **err)
{
  *mask = NULL;
  *n = 0;
  cleanup_free uint8_t *bits = NULL;
  size_t len = 0;
  for (const char *p = list; *p && *p != '\n';)
    {
      char *end;
      errno = 0;
      unsigned long lo = strtoul (p, &end, 10), hi = lo;
      if (end == p || errno || *p == '-' || *p == '+' || *p == ' ')
        return rw_error_set (err, 0, "%s `%s`: expected a list such as `0-3,8`", what, list);
      if (*end == '-')
        {
          p = end + 1;
          hi = strtoul (p, &end, 10);
          if (end == p || errno || *p == '-' || *p == '+' || *p == ' ' || hi < lo)
            return rw_error_set (err, 0, "%s `%s`: expected a list such as `0-3,8`", what, list);
        }
      if (hi >= CPU_MASK_MAX)
        return rw_error_set (err, 0, "%s `%s`: %lu is too large (at most %d)", what, list, hi, CPU_MASK_MAX - 1);
      if (hi / 8 + 1 > len)
        {
          uint8_t *grown = realloc (bits, hi / 8 + 1);
          if (grown == NULL)
            return rw_error_set (err, ENOMEM, "%s", what);
          memset (grown + len, 0, hi / 8 + 1 - len);
          bits = grown;
          len = hi / 8 + 1;
        }
      for (unsigned long i = lo; i <= hi; i++)
        bits[i / 8] |= 1u << (i % 8);
      p = end;
      if (*p == ',')
        p++;
      else if (*p != '\0' && *p != '\n')
        return rw_error_set (err, 0, "%s `%s`: expected a list such as `0-3,8`", what, list);
    }
  *mask = steal_pointer (&bits);
  *n = len;
  return 0;
}

static int add_mask (struct cgroup_systemd_properties *p, const char *name, const char *list, const char *what,
                     struct rw_error **err)
{
  struct cgroup_systemd_property *it = &p->items[p->n];
  *it = (struct cgroup_systemd_property) { .name = name, .type = 'y' };
  if (cgroup_systemd_cpu_mask (list, what, &it->bytes, &it->n_bytes, err) < 0)
    return -1;
  p->n++;
  return 0;
}

int cgroup_systemd_properties_from_resources (const struct cgroup_resources *res, enum cgroup_mode mode,
                                              struct cgroup_systemd_properties *out, struct rw_error **err)
{
  memset (out, 0, sizeof *out);
  if (res == NULL)
    return 0;
  bool v2 = mode == CGROUP_MODE_V2;
  const struct cgroup_opt_int *limit = &res->memory.limit, *swap = &res->memory.swap;
  if (limit->set)
    add_u64 (out, v2 ? "MemoryMax" : "MemoryLimit", limit->value < 0 ? INFINITY_U64 : (uint64_t) limit->value);
  /* v2's swap limit excludes memory; the spec's memory.swap is memory + swap. */
  if (v2 && swap->set && limit->set)
    add_u64 (out, "MemorySwapMax",
             swap->value < 0 || limit->value < 0 ? INFINITY_U64 : (uint64_t) (swap->value - limit->value));
  if (res->cpu.shares.set && res->cpu.shares.value > 0)
    add_u64 (out, v2 ? "CPUWeight" : "CPUShares",
             v2 ? cgroup_v2_weight_from_shares ((uint64_t) res->cpu.shares.value) : (uint64_t) res->cpu.shares.value);
  const struct cgroup_opt_int *quota = &res->cpu.quota, *period = &res->cpu.period;
  uint64_t period_us = period->set && period->value > 0 ? (uint64_t) period->value : 100000;
  if (period->set && period->value > 0)
    add_u64 (out, "CPUQuotaPeriodUSec", period_us);
  if (quota->set)
    add_u64 (out, "CPUQuotaPerSecUSec",
             quota->value <= 0 ? INFINITY_U64 : (uint64_t) quota->value * 1000000 / period_us);
  if (res->pids_limit.set)
    add_u64 (out, "TasksMax", res->pids_limit.value <= 0 ? INFINITY_U64 : (uint64_t) res->pids_limit.value);
  if (v2 && res->cpu.cpus && *res->cpu.cpus
      && add_mask (out, "AllowedCPUs", res->cpu.cpus, "linux.resources.cpu.cpus", err) < 0)
    goto fail;
  if (v2 && res->cpu.mems && *res->cpu.mems
      && add_mask (out, "AllowedMemoryNodes", res->cpu.mems, "linux.resources.cpu.mems", err) < 0)
    goto fail;
  return 0;
fail:
  cgroup_systemd_properties_release (out);
  return -1;
}

void cgroup_systemd_properties_release (struct cgroup_systemd_properties *p)
{
  for (size_t i = 0; i < p->n; i++)
    free (p->items[i].bytes);
  memset (p, 0, sizeof *p);
}
