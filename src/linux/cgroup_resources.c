#include "linux/cgroup_resources.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

static int type_error (const char *where, const char *key, const char *what, struct rw_error **err)
{
  return rw_error_set (err, 0, "%s.%s: expected %s", where, key, what);
}

static json_object *member (json_object *obj, const char *key)
{
  json_object *v = NULL;
  if (obj == NULL || !json_object_object_get_ex (obj, key, &v))
    return NULL;
  return v; /* NULL for JSON null too: treated as unset */
}

/* min: the smallest accepted value (-1 for limits where -1 means unlimited, 0 otherwise). */
static int get_int (json_object *obj, const char *where, const char *key, int64_t min, struct cgroup_opt_int *out,
                    struct rw_error **err)
{
  json_object *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_int))
    return type_error (where, key, "an integer", err);
  int64_t x = json_object_get_int64 (v);
  if (x < min)
    return rw_error_set (err, 0, "%s.%s: %lld is out of range (minimum %lld)", where, key, (long long) x,
                         (long long) min);
  out->set = true;
  out->value = x;
  return 0;
}

static int get_bool (json_object *obj, const char *where, const char *key, struct cgroup_opt_bool *out,
                     struct rw_error **err)
{
  json_object *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_boolean))
    return type_error (where, key, "true or false", err);
  out->set = true;
  out->value = json_object_get_boolean (v);
  return 0;
}

static int get_string (json_object *obj, const char *where, const char *key, char **out, struct rw_error **err)
{
  json_object *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_string))
    return type_error (where, key, "a string", err);
  *out = strdup (json_object_get_string (v));
  return *out ? 0 : rw_error_set (err, ENOMEM, "%s.%s", where, key);
}

/* An optional sub-object: *out is NULL when absent; non-objects fail. */
static int get_object (json_object *obj, const char *where, const char *key, json_object **out, struct rw_error **err)
{
  *out = member (obj, key);
  if (*out != NULL && !json_object_is_type (*out, json_type_object))
    return type_error (where, key, "an object", err);
  return 0;
}

/* An optional array: allocates `*items` with room for every element (n elements of size). */
static int get_array (json_object *obj, const char *where, const char *key, json_object **arr, void **items,
                      size_t size, struct rw_error **err)
{
  *arr = member (obj, key);
  if (*arr == NULL)
    return 0;
  if (!json_object_is_type (*arr, json_type_array))
    return type_error (where, key, "an array", err);
  *items = calloc (json_object_array_length (*arr) + 1, size);
  return *items ? 0 : rw_error_set (err, ENOMEM, "%s.%s", where, key);
}

static int parse_memory (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *mem;
  char w[128];
  if (get_object (res, where, "memory", &mem, err) < 0)
    return -1;
  if (mem == NULL)
    return 0;
  snprintf (w, sizeof w, "%s.memory", where);
  if (get_int (mem, w, "limit", -1, &r->memory.limit, err) < 0
      || get_int (mem, w, "reservation", -1, &r->memory.reservation, err) < 0
      || get_int (mem, w, "swap", -1, &r->memory.swap, err) < 0 || get_int (mem, w, "kernel", -1, &r->memory.kernel, err) < 0
      || get_int (mem, w, "kernelTCP", -1, &r->memory.kernel_tcp, err) < 0
      || get_int (mem, w, "swappiness", 0, &r->memory.swappiness, err) < 0
      || get_bool (mem, w, "disableOOMKiller", &r->memory.disable_oom_killer, err) < 0
      || get_bool (mem, w, "useHierarchy", &r->memory.use_hierarchy, err) < 0
      || get_bool (mem, w, "checkBeforeUpdate", &r->memory.check_before_update, err) < 0)
    return -1;
  if (r->memory.swappiness.set && r->memory.swappiness.value > 100)
    return rw_error_set (err, 0, "%s.swappiness: %lld is out of range (0 to 100)", w, (long long) r->memory.swappiness.value);
  /* swap is memory+swap (v1 memsw semantics), so it cannot be below the limit. */
  if (r->memory.swap.set && r->memory.limit.set && r->memory.swap.value >= 0 && r->memory.limit.value > 0
      && r->memory.swap.value < r->memory.limit.value)
    return rw_error_set (err, 0, "%s.swap: %lld is below memory.limit %lld (swap counts memory plus swap)", w,
                         (long long) r->memory.swap.value, (long long) r->memory.limit.value);
  return 0;
}

static int parse_cpu (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *cpu;
  char w[128];
  if (get_object (res, where, "cpu", &cpu, err) < 0)
    return -1;
  if (cpu == NULL)
    return 0;
  snprintf (w, sizeof w, "%s.cpu", where);
  if (get_int (cpu, w, "shares", 0, &r->cpu.shares, err) < 0 || get_int (cpu, w, "quota", -1, &r->cpu.quota, err) < 0
      || get_int (cpu, w, "burst", 0, &r->cpu.burst, err) < 0 || get_int (cpu, w, "period", 0, &r->cpu.period, err) < 0
      || get_int (cpu, w, "realtimeRuntime", -1, &r->cpu.realtime_runtime, err) < 0
      || get_int (cpu, w, "realtimePeriod", 0, &r->cpu.realtime_period, err) < 0
      || get_int (cpu, w, "idle", 0, &r->cpu.idle, err) < 0 || get_string (cpu, w, "cpus", &r->cpu.cpus, err) < 0
      || get_string (cpu, w, "mems", &r->cpu.mems, err) < 0)
    return -1;
  if (r->cpu.idle.set && r->cpu.idle.value > 1)
    return rw_error_set (err, 0, "%s.idle: expected 0 or 1", w);
  return 0;
}

static int parse_major_minor (json_object *item, const char *w, int64_t *major, int64_t *minor, struct rw_error **err)
{
  struct cgroup_opt_int ma = { 0 }, mi = { 0 };
  if (get_int (item, w, "major", 0, &ma, err) < 0 || get_int (item, w, "minor", 0, &mi, err) < 0)
    return -1;
  if (!ma.set || !mi.set)
    return rw_error_set (err, 0, "%s: major and minor are required", w);
  *major = ma.value;
  *minor = mi.value;
  return 0;
}

static int parse_blkio (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  static const char *const throttle_keys[] = { "throttleReadBpsDevice", "throttleWriteBpsDevice",
                                               "throttleReadIOPSDevice", "throttleWriteIOPSDevice" };
  json_object *blk, *arr;
  char w[128], item_w[192];
  if (get_object (res, where, "blockIO", &blk, err) < 0)
    return -1;
  if (blk == NULL)
    return 0;
  snprintf (w, sizeof w, "%s.blockIO", where);
  if (get_int (blk, w, "weight", 0, &r->blkio.weight, err) < 0 || get_int (blk, w, "leafWeight", 0, &r->blkio.leaf_weight, err) < 0)
    return -1;
  if ((r->blkio.weight.set && (r->blkio.weight.value < 10 || r->blkio.weight.value > 1000))
      || (r->blkio.leaf_weight.set && (r->blkio.leaf_weight.value < 10 || r->blkio.leaf_weight.value > 1000)))
    return rw_error_set (err, 0, "%s.%s: expected 10 to 1000", w,
                         r->blkio.weight.set && (r->blkio.weight.value < 10 || r->blkio.weight.value > 1000) ? "weight" : "leafWeight");
  if (get_array (blk, w, "weightDevice", &arr, (void **) &r->blkio.weight_devices, sizeof *r->blkio.weight_devices, err) < 0)
    return -1;
  for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
    {
      struct cgroup_blkio_weight_device *d = &r->blkio.weight_devices[r->blkio.n_weight_devices++];
      json_object *item = json_object_array_get_idx (arr, i);
      snprintf (item_w, sizeof item_w, "%s.weightDevice[%zu]", w, i);
      if (!json_object_is_type (item, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", item_w);
      if (parse_major_minor (item, item_w, &d->major, &d->minor, err) < 0 || get_int (item, item_w, "weight", 0, &d->weight, err) < 0
          || get_int (item, item_w, "leafWeight", 0, &d->leaf_weight, err) < 0)
        return -1;
    }
  for (int k = 0; k < 4; k++)
    {
      if (get_array (blk, w, throttle_keys[k], &arr, (void **) &r->blkio.throttle[k], sizeof *r->blkio.throttle[k], err) < 0)
        return -1;
      for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
        {
          struct cgroup_blkio_throttle *t = &r->blkio.throttle[k][r->blkio.n_throttle[k]++];
          json_object *item = json_object_array_get_idx (arr, i);
          struct cgroup_opt_int rate = { 0 };
          snprintf (item_w, sizeof item_w, "%s.%s[%zu]", w, throttle_keys[k], i);
          if (!json_object_is_type (item, json_type_object))
            return rw_error_set (err, 0, "%s: expected an object", item_w);
          if (parse_major_minor (item, item_w, &t->major, &t->minor, err) < 0 || get_int (item, item_w, "rate", 0, &rate, err) < 0)
            return -1;
          if (!rate.set)
            return rw_error_set (err, 0, "%s.rate: required", item_w);
          t->rate = rate.value;
        }
    }
  return 0;
}

static int parse_hugepages (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *arr;
  char w[160];
  if (get_array (res, where, "hugepageLimits", &arr, (void **) &r->hugepages, sizeof *r->hugepages, err) < 0)
    return -1;
  for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
    {
      struct cgroup_hugepage_limit *h = &r->hugepages[r->n_hugepages++];
      json_object *item = json_object_array_get_idx (arr, i);
      struct cgroup_opt_int limit = { 0 };
      snprintf (w, sizeof w, "%s.hugepageLimits[%zu]", where, i);
      if (!json_object_is_type (item, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", w);
      if (get_string (item, w, "pageSize", &h->page_size, err) < 0 || get_int (item, w, "limit", 0, &limit, err) < 0)
        return -1;
      if (h->page_size == NULL || !limit.set)
        return rw_error_set (err, 0, "%s: pageSize and limit are required", w);
      /* The size becomes part of a file name. */
      if (strchr (h->page_size, '/') || strchr (h->page_size, '.'))
        return rw_error_set (err, 0, "%s.pageSize: malformed size `%s`", w, h->page_size);
      h->limit = limit.value;
    }
  return 0;
}

static int parse_network (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *net, *arr;
  char w[128], item_w[192];
  if (get_object (res, where, "network", &net, err) < 0)
    return -1;
  if (net == NULL)
    return 0;
  snprintf (w, sizeof w, "%s.network", where);
  if (get_int (net, w, "classID", 0, &r->network.class_id, err) < 0)
    return -1;
  if (r->network.class_id.set && r->network.class_id.value > UINT32_MAX)
    return rw_error_set (err, 0, "%s.classID: out of range", w);
  if (get_array (net, w, "priorities", &arr, (void **) &r->network.priorities, sizeof *r->network.priorities, err) < 0)
    return -1;
  for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
    {
      struct cgroup_net_priority *p = &r->network.priorities[r->network.n_priorities++];
      json_object *item = json_object_array_get_idx (arr, i);
      struct cgroup_opt_int prio = { 0 };
      snprintf (item_w, sizeof item_w, "%s.priorities[%zu]", w, i);
      if (!json_object_is_type (item, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", item_w);
      if (get_string (item, item_w, "name", &p->interface, err) < 0 || get_int (item, item_w, "priority", 0, &prio, err) < 0)
        return -1;
      if (p->interface == NULL || !prio.set || prio.value > UINT32_MAX)
        return rw_error_set (err, 0, "%s: name and priority (32-bit) are required", item_w);
      p->priority = prio.value;
    }
  return 0;
}

static int parse_devices (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *arr;
  char w[160];
  if (get_array (res, where, "devices", &arr, (void **) &r->devices, sizeof *r->devices, err) < 0)
    return -1;
  for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
    {
      struct cgroup_device_rule *d = &r->devices[r->n_devices++];
      json_object *item = json_object_array_get_idx (arr, i);
      struct cgroup_opt_bool allow = { 0 };
      struct cgroup_opt_int major = { 0 }, minor = { 0 };
      cleanup_free char *type = NULL, *access = NULL;
      snprintf (w, sizeof w, "%s.devices[%zu]", where, i);
      if (!json_object_is_type (item, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", w);
      if (get_bool (item, w, "allow", &allow, err) < 0 || get_string (item, w, "type", &type, err) < 0
          || get_int (item, w, "major", -1, &major, err) < 0 || get_int (item, w, "minor", -1, &minor, err) < 0
          || get_string (item, w, "access", &access, err) < 0)
        return -1;
      if (!allow.set)
        return rw_error_set (err, 0, "%s.allow: required", w);
      d->allow = allow.value;
      d->type = type ? type[0] : 'a';
      if (type && (strlen (type) != 1 || !strchr ("acb", type[0])))
        return rw_error_set (err, 0, "%s.type: unknown device type `%s` (a, c or b)", w, type);
      d->major = major.set ? major.value : -1;
      d->minor = minor.set ? minor.value : -1;
      /* Normalise to the "rwm" order the kernel prints. */
      const char *acc = access ? access : "rwm";
      size_t n = 0;
      for (const char *c = "rwm"; *c; c++)
        if (strchr (acc, *c))
          d->access[n++] = *c;
      for (const char *c = acc; *c; c++)
        if (!strchr ("rwm", *c))
          return rw_error_set (err, 0, "%s.access: unknown access `%s` (letters r, w, m)", w, acc);
    }
  return 0;
}

static int parse_rdma (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *rdma;
  char w[192];
  if (get_object (res, where, "rdma", &rdma, err) < 0)
    return -1;
  if (rdma == NULL)
    return 0;
  r->rdma = calloc (json_object_object_length (rdma) + 1, sizeof *r->rdma);
  if (r->rdma == NULL)
    return rw_error_set (err, ENOMEM, "%s.rdma", where);
  json_object_object_foreach (rdma, dev, limits)
    {
      struct cgroup_rdma_limit *l = &r->rdma[r->n_rdma++];
      snprintf (w, sizeof w, "%s.rdma.%s", where, dev);
      if ((l->device = strdup (dev)) == NULL)
        return rw_error_set (err, ENOMEM, "%s", w);
      if (strpbrk (dev, " \n/") || *dev == '\0')
        return rw_error_set (err, 0, "%s: malformed device name", w);
      if (!json_object_is_type (limits, json_type_object))
        return rw_error_set (err, 0, "%s: expected an object", w);
      if (get_int (limits, w, "hcaHandles", 0, &l->hca_handles, err) < 0
          || get_int (limits, w, "hcaObjects", 0, &l->hca_objects, err) < 0)
        return -1;
    }
  return 0;
}

static int parse_unified (json_object *res, const char *where, struct cgroup_resources *r, struct rw_error **err)
{
  json_object *unified;
  if (get_object (res, where, "unified", &unified, err) < 0)
    return -1;
  if (unified == NULL)
    return 0;
  r->unified = calloc (json_object_object_length (unified) + 1, sizeof *r->unified);
  if (r->unified == NULL)
    return rw_error_set (err, ENOMEM, "%s.unified", where);
  json_object_object_foreach (unified, key, val)
    {
      struct cgroup_unified_entry *e = &r->unified[r->n_unified++];
      if ((e->key = strdup (key)) == NULL)
        return rw_error_set (err, ENOMEM, "%s.unified", where);
      if (!json_object_is_type (val, json_type_string))
        return rw_error_set (err, 0, "%s.unified.%s: expected a string", where, key);
      /* Keys are file names in the container's own cgroup directory, nothing else. */
      if (*key == '\0' || *key == '.' || strchr (key, '/') || strncmp (key, "cgroup.", 7) == 0)
        return rw_error_set (err, 0, "%s.unified.%s: not a controller file of the container's cgroup", where, key);
      if ((e->value = strdup (json_object_get_string (val))) == NULL)
        return rw_error_set (err, ENOMEM, "%s.unified", where);
    }
  return 0;
}

void cgroup_resources_free (struct cgroup_resources *r)
{
  if (r == NULL)
    return;
  free (r->cpu.cpus);
  free (r->cpu.mems);
  free (r->blkio.weight_devices);
  for (int k = 0; k < 4; k++)
    free (r->blkio.throttle[k]);
  for (size_t i = 0; i < r->n_hugepages; i++)
    free (r->hugepages[i].page_size);
  free (r->hugepages);
  for (size_t i = 0; i < r->network.n_priorities; i++)
    free (r->network.priorities[i].interface);
  free (r->network.priorities);
  free (r->devices);
  for (size_t i = 0; i < r->n_rdma; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  for (size_t i = 0; i < r->n_unified; i++)
    {
      free (r->unified[i].key);
      free (r->unified[i].value);
    }
  free (r->unified);
  free (r);
}

int cgroup_resources_parse (json_object *resources, const char *where, struct cgroup_resources **out,
                            struct rw_error **err)
{
  *out = NULL;
  struct cgroup_resources *r = calloc (1, sizeof *r);
  if (r == NULL)
    return rw_error_set (err, ENOMEM, "%s", where);
  json_object *pids;
  int ret = 0;
  if (resources != NULL && !json_object_is_type (resources, json_type_object))
    ret = rw_error_set (err, 0, "%s: expected an object", where);
  else if (parse_memory (resources, where, r, err) < 0 || parse_cpu (resources, where, r, err) < 0
           || get_object (resources, where, "pids", &pids, err) < 0)
    ret = -1;
  else
    {
      char w[128];
      snprintf (w, sizeof w, "%s.pids", where);
      if ((pids && get_int (pids, w, "limit", -1, &r->pids_limit, err) < 0) || parse_blkio (resources, where, r, err) < 0
          || parse_hugepages (resources, where, r, err) < 0 || parse_network (resources, where, r, err) < 0
          || parse_devices (resources, where, r, err) < 0 || parse_rdma (resources, where, r, err) < 0
          || parse_unified (resources, where, r, err) < 0)
        ret = -1;
    }
  if (ret < 0)
    {
      cgroup_resources_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

bool cgroup_resources_memory_limit (const struct cgroup_resources *r, uint64_t *bytes)
{
  if (r == NULL || !r->memory.limit.set || r->memory.limit.value <= 0)
    return false;
  *bytes = r->memory.limit.value;
  return true;
}

/* Does deny rule `d` cover the devices of default rule `x`? */
static bool covers (const struct cgroup_device_rule *d, const struct cgroup_device_rule *x)
{
  if (d->type != 'a' && d->type != x->type)
    return false;
  return (d->major < 0 || d->major == x->major) && (d->minor < 0 || d->minor == x->minor);
}

int cgroup_resources_add_default_devices (struct cgroup_resources *r, struct rw_error **err)
{
  static const struct cgroup_device_rule defaults[] = {
    { true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },  /* mknod anything; access is what counts */
    { true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 5, "rwm" },  /* null, zero */
    { true, 'c', 1, 7, "rwm" }, { true, 'c', 1, 8, "rwm" },  /* full, random */
    { true, 'c', 1, 9, "rwm" }, { true, 'c', 5, 0, "rwm" },  /* urandom, tty */
    { true, 'c', 5, 1, "rwm" }, { true, 'c', 5, 2, "rwm" },  /* console, ptmx */
    { true, 'c', 136, -1, "rwm" },                           /* /dev/pts/N */
  };
  size_t n = sizeof defaults / sizeof defaults[0];
  /* Appended after the config's rules, as crun does, so devices.list shows the config's
   * allow rules first and in order (the runtime-tools suite checks them by position). What a
   * config deny after the last deny-all takes away is taken out of the defaults it covers, so
   * the config still has the last word (docs/conformance.md). */
  size_t last_deny_all = 0;
  for (size_t i = 0; i < r->n_devices; i++)
    if (!r->devices[i].allow && r->devices[i].type == 'a' && strcmp (r->devices[i].access, "rwm") == 0)
      last_deny_all = i + 1;
  struct cgroup_device_rule *grown = realloc (r->devices, (r->n_devices + n) * sizeof *grown);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "default device rules");
  r->devices = grown;
  size_t config_rules = r->n_devices;
  for (size_t k = 0; k < n; k++)
    {
      struct cgroup_device_rule d = defaults[k];
      for (size_t i = last_deny_all; i < config_rules; i++)
        if (!r->devices[i].allow && covers (&r->devices[i], &d))
          {
            /* Keep only the access the deny leaves ("deny a *:* m" still lets /dev/null be read). */
            char kept[4] = "", *out = kept;
            for (const char *a = d.access; *a; a++)
              if (strchr (r->devices[i].access, *a) == NULL)
                *out++ = *a;
            memcpy (d.access, kept, sizeof kept);
          }
      if (d.access[0] != '\0')
        r->devices[r->n_devices++] = d;
    }
  return 0;
}
