/* The systemd cgroup driver: systemd creates the container's cgroup as a transient scope
 * (Delegate=yes) and owns the limits it knows as unit properties; runwasm then writes every
 * resource file as with cgroupfs, and creates the directories of the v1 hierarchies systemd
 * does not manage, as runc does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"
#include "linux/cgroup_systemd.h"

int cgroup_systemd_new (const char *unit, const char *slice, struct cgroup_systemd **out, struct rw_error **err)
{
  struct cgroup_systemd *s = calloc (1, sizeof *s);
  if (s == NULL || (s->unit = strdup (unit)) == NULL || (s->slice = strdup (slice)) == NULL)
    {
      cgroup_systemd_free (s);
      return rw_error_set (err, ENOMEM, "--systemd-cgroup");
    }
  *out = s;
  return 0;
}

void cgroup_systemd_free (struct cgroup_systemd *s)
{
  if (s == NULL)
    return;
  cgroup_systemd_disconnect (s->bus);
  free (s->unit);
  free (s->slice);
  free (s);
}

static int connected (struct cgroup_systemd *s, struct rw_error **err)
{
  return s->bus ? 0 : cgroup_systemd_connect (&s->bus, err);
}

int cgroup_systemd_create (const struct cgroup_create_options *opts, enum cgroup_mode mode, struct cgroup **out,
                           struct rw_error **err)
{
  struct cgroup_systemd_unit u;
  struct cgroup *cg = NULL;
  if (cgroup_systemd_unit_parse (opts->cgroups_path, opts->id, &u, err) < 0)
    return -1;
  int r = cgroup_new (opts->root, mode, u.path, &cg, err);
  if (r == 0)
    r = cgroup_systemd_new (u.unit, u.slice, &cg->systemd, err);
  cgroup_systemd_unit_release (&u);
  if (r == 0)
    {
      cg->systemd->pending = true;
      r = connected (cg->systemd, err);
    }
  if (r < 0)
    {
      cgroup_free (cg);
      return -1;
    }
  *out = cg;
  return 0;
}

int cgroup_systemd_start (const struct cgroup *cg, pid_t pid, struct rw_error **err)
{
  struct cgroup_systemd *s = cg->systemd;
  struct cgroup_systemd_unit u = { .unit = s->unit, .slice = s->slice, .path = cg->path };
  /* Accounting on for every controller systemd manages (as runc asks): systemd removes a
   * scope's directory from a v1 controller it has not enabled for the unit (blkio here),
   * even after runwasm created and joined it. */
  struct cgroup_systemd_properties accounting = { .n = 4 };
  static const char *const names[] = { "MemoryAccounting", "CPUAccounting", "TasksAccounting" };
  for (size_t i = 0; i < 3; i++)
    accounting.items[i] = (struct cgroup_systemd_property) { .name = names[i], .type = 'b', .value = 1 };
  accounting.items[3] = (struct cgroup_systemd_property) {
    .name = cg->mode == CGROUP_MODE_V2 ? "IOAccounting" : "BlockIOAccounting", .type = 'b', .value = 1
  };
  if (connected (s, err) < 0 || cgroup_systemd_start_scope (s->bus, &u, pid, &accounting, err) < 0)
    return -1;
  s->pending = false;
  return cgroup_make_dirs (cg->root, cg->mode, cg->path, false, err);
}

int cgroup_systemd_apply (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err)
{
  struct cgroup_systemd_properties props;
  if (cgroup_systemd_properties_from_resources (res, cg->mode, &props, err) < 0)
    return -1;
  int r = props.n == 0 ? 0 : connected (cg->systemd, err);
  if (r == 0)
    r = cgroup_systemd_set_properties (cg->systemd->bus, cg->systemd->unit, &props, err);
  cgroup_systemd_properties_release (&props);
  return r;
}

int cgroup_systemd_stop (const struct cgroup *cg, struct rw_error **err)
{
  struct cgroup_systemd *s = cg->systemd;
  if (s->pending)
    return 0;
  if (connected (s, err) < 0)
    return -1;
  return cgroup_systemd_stop_unit (s->bus, s->unit, err);
}
