/* Which cgroup layout and manager the host has, where a container's cgroup goes, and the
 * cgroup's state-file form. */
#include "linux/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"
#include "linux/cgroup_systemd.h"

const char *cgroup_mode_name (enum cgroup_mode mode)
{
  return mode == CGROUP_MODE_V2 ? "v2" : mode == CGROUP_MODE_HYBRID ? "hybrid" : "v1";
}

int cgroup_mode_from_name (const char *name, enum cgroup_mode *mode, struct rw_error **err)
{
  static const enum cgroup_mode modes[] = { CGROUP_MODE_V1, CGROUP_MODE_HYBRID, CGROUP_MODE_V2 };
  for (size_t i = 0; i < 3; i++)
    if (name && strcmp (name, cgroup_mode_name (modes[i])) == 0)
      {
        *mode = modes[i];
        return 0;
      }
  return rw_error_set (err, 0, "unknown cgroup mode `%s`", name ? name : "");
}

int cgroup_detect_mode (const char *root, enum cgroup_mode *mode, struct rw_error **err)
{
  root = cgroup_root_or_default (root);
  if (cgroup_file_exists (root, "cgroup.controllers"))
    {
      *mode = CGROUP_MODE_V2;
      return 0;
    }
  if (cgroup_file_exists (root, "unified/cgroup.controllers"))
    {
      *mode = CGROUP_MODE_HYBRID;
      return 0;
    }
  cleanup_dir DIR *d = opendir (root);
  if (d == NULL)
    return rw_error_set (err, errno, "detect cgroup layout: open `%s`", root);
  for (struct dirent *e; (e = readdir (d));)
    if (cgroup_is_v1_hierarchy (root, e->d_name))
      {
        *mode = CGROUP_MODE_V1;
        return 0;
      }
  return rw_error_set (err, 0, "detect cgroup layout: no cgroup v1 or v2 hierarchy under `%s`", root);
}

int cgroup_manager_choose (bool systemd_cgroup, enum cgroup_manager *out, struct rw_error **err)
{
  if (!systemd_cgroup)
    {
      *out = CGROUP_MANAGER_CGROUPFS;
      return 0;
    }
  *out = CGROUP_MANAGER_SYSTEMD;
  return 0;
}

/* Normalise an absolute path: collapse "//" and trailing "/", refuse "." and "..". */
static int clean_path (const char *in, const char *what, char **out, struct rw_error **err)
{
  cleanup_free char *copy = strdup (in), *res = calloc (1, strlen (in) + 2);
  if (copy == NULL || res == NULL)
    return rw_error_set (err, ENOMEM, "%s", what);
  char *save = NULL;
  for (char *part = strtok_r (copy, "/", &save); part; part = strtok_r (NULL, "/", &save))
    {
      if (strcmp (part, ".") == 0 || strcmp (part, "..") == 0)
        return rw_error_set (err, 0, "%s `%s`: `.` and `..` are not allowed", what, in);
      strcat (res, "/");
      strcat (res, part);
    }
  if (*res == '\0')
    strcpy (res, "/");
  *out = steal_pointer (&res);
  return 0;
}

/* The runtime's own cgroup: the "0::" line on v2/hybrid, name=systemd (or the first line)
 * on v1. */
static int own_cgroup (const char *self_cgroup_file, enum cgroup_mode mode, char **out, struct rw_error **err)
{
  const char *file = self_cgroup_file ? self_cgroup_file : "/proc/self/cgroup";
  cleanup_fclose FILE *f = fopen (file, "re");
  if (f == NULL)
    return rw_error_set (err, errno, "read `%s`", file);
  cleanup_free char *line = NULL, *best = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline (&line, &cap, f)) > 0)
    {
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c1 = *c2 = '\0';
      bool unified = strcmp (line, "0") == 0 && c1[1] == '\0';
      bool preferred = mode == CGROUP_MODE_V1 ? strcmp (c1 + 1, "name=systemd") == 0 : unified;
      if (preferred || (best == NULL && mode == CGROUP_MODE_V1 && !unified))
        {
          free (best);
          if ((best = strdup (c2 + 1)) == NULL)
            return rw_error_set (err, ENOMEM, "read `%s`", file);
          if (preferred)
            break;
        }
    }
  if (best == NULL)
    return rw_error_set (err, 0, "read `%s`: no entry for the %s hierarchy", file,
                         mode == CGROUP_MODE_V1 ? "v1" : "cgroup2");
  *out = steal_pointer (&best);
  return 0;
}

int cgroup_compute_path (const struct cgroup_create_options *opts, enum cgroup_mode mode, char **path,
                         struct rw_error **err)
{
  const char *cp = opts->cgroups_path;
  *path = NULL;
  if (opts->id == NULL || *opts->id == '\0' || strchr (opts->id, '/'))
    return rw_error_set (err, 0, "cgroup path: invalid container id `%s`", opts->id ? opts->id : "");
  if (opts->manager == CGROUP_MANAGER_SYSTEMD)
    {
      struct cgroup_systemd_unit u;
      if (cgroup_systemd_unit_parse (cp, opts->id, &u, err) < 0)
        return -1;
      *path = steal_pointer (&u.path);
      cgroup_systemd_unit_release (&u);
      return 0;
    }
  cleanup_free char *raw = NULL;
  int r;
  if (cp == NULL || *cp == '\0')
    r = asprintf (&raw, "/runwasm/%s", opts->id);
  else if (strchr (cp, ':') && cp[0] != '/')
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: a `slice:prefix:name` path needs --systemd-cgroup", cp);
  else if (cp[0] == '/')
    r = (raw = strdup (cp)) ? 0 : -1;
  else
    {
      cleanup_free char *self = NULL;
      if (own_cgroup (opts->self_cgroup_file, mode, &self, err) < 0)
        return rw_error_wrap (err, "linux.cgroupsPath `%s` is relative to the runtime's cgroup", cp);
      r = asprintf (&raw, "%s/%s", self, cp);
    }
  if (r < 0)
    return rw_error_set (err, ENOMEM, "cgroup path");
  if (clean_path (raw, "linux.cgroupsPath", path, err) < 0)
    return -1;
  if (strcmp (*path, "/") == 0)
    {
      free (*path);
      *path = NULL;
      return rw_error_set (err, 0, "linux.cgroupsPath `%s`: the root cgroup cannot hold a container", cp);
    }
  return 0;
}

int cgroup_new (const char *root, enum cgroup_mode mode, const char *path, struct cgroup **out,
                       struct rw_error **err)
{
  struct cgroup *cg = calloc (1, sizeof *cg);
  if (cg == NULL || (cg->root = strdup (cgroup_root_or_default (root))) == NULL || (cg->path = strdup (path)) == NULL)
    {
      cgroup_free (cg);
      return rw_error_set (err, ENOMEM, "cgroup");
    }
  cg->mode = mode;
  *out = cg;
  return 0;
}

void cgroup_free (struct cgroup *cg)
{
  if (cg == NULL)
    return;
  cgroup_systemd_free (cg->systemd);
  free (cg->root);
  free (cg->path);
  free (cg);
}

json_object *cgroup_to_json (const struct cgroup *cg)
{
  if (cg == NULL)
    return NULL;
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "root", json_object_new_string (cg->root));
  json_object_object_add (o, "mode", json_object_new_string (cgroup_mode_name (cg->mode)));
  json_object_object_add (o, "path", json_object_new_string (cg->path));
  if (cg->systemd)
    {
      json_object_object_add (o, "systemdUnit", json_object_new_string (cg->systemd->unit));
      json_object_object_add (o, "systemdSlice", json_object_new_string (cg->systemd->slice));
    }
  return o;
}

int cgroup_from_json (json_object *obj, struct cgroup **out, struct rw_error **err)
{
  json_object *root, *mode, *path, *unit = NULL, *slice = NULL;
  enum cgroup_mode m;
  *out = NULL;
  if (obj == NULL)
    return 0;
  if (!json_object_object_get_ex (obj, "root", &root) || !json_object_object_get_ex (obj, "mode", &mode)
      || !json_object_object_get_ex (obj, "path", &path) || !json_object_is_type (root, json_type_string)
      || !json_object_is_type (path, json_type_string) || json_object_get_string (path)[0] != '/')
    return rw_error_set (err, 0, "state: malformed cgroup entry");
  bool systemd = json_object_object_get_ex (obj, "systemdUnit", &unit);
  if (systemd && (!json_object_is_type (unit, json_type_string) || !json_object_object_get_ex (obj, "systemdSlice", &slice)
                  || !json_object_is_type (slice, json_type_string)))
    return rw_error_set (err, 0, "state: malformed cgroup entry (systemdUnit, systemdSlice)");
  if (cgroup_mode_from_name (json_object_get_string (mode), &m, err) < 0)
    return rw_error_wrap (err, "state");
  if (cgroup_new (json_object_get_string (root), m, json_object_get_string (path), out, err) < 0)
    return -1;
  if (systemd
      && cgroup_systemd_new (json_object_get_string (unit), json_object_get_string (slice), &(*out)->systemd, err) < 0)
    {
      cgroup_free (*out);
      *out = NULL;
      return -1;
    }
  return 0;
}
