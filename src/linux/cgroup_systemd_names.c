/* linux.cgroupsPath in systemd form: `slice:prefix:name` -> the scope unit, its slice and the
 * cgroup directory systemd gives it. systemd's unit-name rules are checked here so that a bad
 * path fails before anything is created, with a message naming the part that is wrong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "linux/cgroup_systemd.h"

#define UNIT_NAME_MAX 255

static bool has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

/* The characters systemd allows in a unit name, besides the `.type` suffix. */
static bool valid_unit_chars (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\", s[i]))
      return false;
  return true;
}

/* A slice name: "-.slice" (the root), or dash-separated non-empty parts ("a-b.slice"). */
static int check_slice (const char *slice, const char *cgroups_path, struct rw_error **err)
{
  size_t n = strlen (slice);
  if (strcmp (slice, "-.slice") == 0)
    return 0;
  if (!has_suffix (slice, ".slice") || n == 6 || n > UNIT_NAME_MAX || !valid_unit_chars (slice, n - 6)
      || slice[0] == '-' || slice[n - 7] == '-' || strstr (slice, "--"))
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: `%s` is not a systemd slice name "
                                 "(expected dash-separated parts ending in `.slice`, e.g. `machine-app.slice`)",
                         cgroups_path, slice);
  return 0;
}

int cgroup_systemd_slice_path (const char *slice, char **out, struct rw_error **err)
{
  *out = NULL;
  if (check_slice (slice, slice, err) < 0)
    return -1;
  cleanup_free char *res = NULL;
  size_t len = 0, n = strlen (slice) - 6;
  FILE *f = open_memstream (&res, &len);
  if (f == NULL)
    return rw_error_set (err, errno, "slice `%s`", slice);
  if (strcmp (slice, "-.slice") != 0)
    for (size_t i = 0; i < n; i++)
      if (slice[i] == '-' || i == n - 1)
        fprintf (f, "/%.*s.slice", (int) (slice[i] == '-' ? i : n), slice);
  if (fclose (f) != 0)
    return rw_error_set (err, ENOMEM, "slice `%s`", slice);
  *out = steal_pointer (&res);
  return 0;
}

int cgroup_systemd_unit_parse (const char *cgroups_path, const char *id, struct cgroup_systemd_unit *out,
                               struct rw_error **err)
{
  memset (out, 0, sizeof *out);
  const char *cp = cgroups_path && *cgroups_path ? cgroups_path : "system.slice:runwasm:";
  cleanup_free char *copy = strdup (cp);
  if (copy == NULL)
    return rw_error_set (err, ENOMEM, "linux.cgroupsPath");
  char *c1 = strchr (copy, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':'))
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: the systemd cgroup driver expects `slice:prefix:name`", cp);
  *c1 = *c2 = '\0';
  const char *slice = *copy ? copy : "system.slice", *prefix = c1 + 1, *name = c2[1] ? c2 + 1 : id;
  if (name == NULL || *name == '\0')
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: empty unit name and no container id", cp);
  if (check_slice (slice, cp, err) < 0)
    return -1;
  if (has_suffix (name, ".slice"))
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: a container cannot be the slice unit `%s` "
                                 "(not supported: name a scope, e.g. `%s:prefix:id`)", cp, name, slice);
  cleanup_free char *unit = NULL;
  int r = has_suffix (name, ".scope") ? ((unit = strdup (name)) ? 0 : -1)
                                       : asprintf (&unit, "%s%s%s.scope", prefix, *prefix ? "-" : "", name);
  if (r < 0)
    return rw_error_set (err, ENOMEM, "linux.cgroupsPath");
  size_t n = strlen (unit);
  if (n > UNIT_NAME_MAX || n == 6 || !valid_unit_chars (unit, n - 6) || unit[0] == '.')
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: `%s` is not a valid systemd unit name "
                                 "(at most %d of the characters [A-Za-z0-9:_.\\-])", cp, unit, UNIT_NAME_MAX);
  cleanup_free char *slice_path = NULL;
  if (cgroup_systemd_slice_path (slice, &slice_path, err) < 0)
    return -1;
  if (asprintf (&out->path, "%s/%s", slice_path, unit) < 0 || (out->slice = strdup (slice)) == NULL)
    {
      cgroup_systemd_unit_release (out);
      return rw_error_set (err, ENOMEM, "linux.cgroupsPath");
    }
  out->unit = steal_pointer (&unit);
  return 0;
}

void cgroup_systemd_unit_release (struct cgroup_systemd_unit *u)
{
  free (u->slice);
  free (u->unit);
  free (u->path);
  memset (u, 0, sizeof *u);
}
