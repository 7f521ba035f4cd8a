#include "linux/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"

static const char *root_or_default (const char *root)
{
  return root && *root ? root : CGROUP_DEFAULT_ROOT;
}

bool cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return false;
  return access (path, F_OK) == 0;
}

int cgroup_write (const char *dir, const char *file, const char *value, struct rw_error **err)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return rw_error_set (err, ENOMEM, "write `%s`", file);
  cleanup_close int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "write `%s` to `%s`", value, path);
  size_t len = strlen (value);
  if (write (fd, value, len) != (ssize_t) len)
    return rw_error_set (err, errno, "write `%s` to `%s`", value, path);
  return 0;
}

int cgroup_writef (const char *dir, const char *file, struct rw_error **err, const char *fmt, ...)
{
  cleanup_free char *value = NULL;
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (&value, fmt, ap);
  va_end (ap);
  if (r < 0)
    return rw_error_set (err, ENOMEM, "write `%s`", file);
  return cgroup_write (dir, file, value, err);
}

int cgroup_read (const char *dir, const char *file, char **out, struct rw_error **err)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return rw_error_set (err, ENOMEM, "read `%s`", file);
  cleanup_fclose FILE *f = fopen (path, "re");
  if (f == NULL)
    return rw_error_set (err, errno, "read `%s`", path);
  cleanup_free char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  if (mem == NULL)
    return rw_error_set (err, errno, "read `%s`", path);
  char chunk[4096];
  size_t got;
  while ((got = fread (chunk, 1, sizeof chunk, f)) > 0)
    fwrite (chunk, 1, got, mem);
  int failed = ferror (f);
  fclose (mem);
  if (failed)
    return rw_error_set (err, EIO, "read `%s`", path);
  while (len > 0 && buf[len - 1] == '\n')
    buf[--len] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

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

/* A v1 hierarchy is a real directory (co-mount aliases such as cpu -> cpu,cpuacct are
 * symlinks) holding cgroup.procs. */
static bool is_v1_hierarchy (const char *root, const char *name)
{
  cleanup_free char *dir = NULL;
  struct stat st;
  if (name[0] == '.' || strcmp (name, "unified") == 0 || asprintf (&dir, "%s/%s", root, name) < 0)
    return false;
  return lstat (dir, &st) == 0 && S_ISDIR (st.st_mode) && cgroup_file_exists (dir, "cgroup.procs");
}

int cgroup_detect_mode (const char *root, enum cgroup_mode *mode, struct rw_error **err)
{
  root = root_or_default (root);
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
    if (is_v1_hierarchy (root, e->d_name))
      {
        *mode = CGROUP_MODE_V1;
        return 0;
      }
  return rw_error_set (err, 0, "detect cgroup layout: no cgroup v1 or v2 hierarchy under `%s`", root);
}

void cgroup_hierarchies_release (struct cgroup_hierarchies *hs)
{
  for (size_t i = 0; i < hs->n; i++)
    {
      free (hs->items[i].mount);
      free (hs->items[i].controllers);
    }
  free (hs->items);
  hs->items = NULL;
  hs->n = 0;
}

static int add_hierarchy (struct cgroup_hierarchies *hs, const char *mount, const char *controllers, bool v2,
                          struct rw_error **err)
{
  struct cgroup_hierarchy *grown = realloc (hs->items, (hs->n + 1) * sizeof *grown);
  if (grown == NULL)
    return rw_error_set (err, ENOMEM, "list cgroup hierarchies");
  hs->items = grown;
  struct cgroup_hierarchy *h = &hs->items[hs->n];
  h->mount = strdup (mount);
  h->controllers = strdup (controllers);
  h->v2 = v2;
  if (h->mount == NULL || h->controllers == NULL)
    {
      free (h->mount);
      free (h->controllers);
      return rw_error_set (err, ENOMEM, "list cgroup hierarchies");
    }
  hs->n++;
  return 0;
}

int cgroup_hierarchies_list (const char *root, enum cgroup_mode mode, struct cgroup_hierarchies *out,
                             struct rw_error **err)
{
  root = root_or_default (root);
  *out = (struct cgroup_hierarchies){ 0 };
  if (mode == CGROUP_MODE_V2)
    return add_hierarchy (out, root, "", true, err);
  cleanup_dir DIR *d = opendir (root);
  if (d == NULL)
    return rw_error_set (err, errno, "list cgroup hierarchies: open `%s`", root);
  for (struct dirent *e; (e = readdir (d));)
    {
      if (!is_v1_hierarchy (root, e->d_name))
        continue;
      cleanup_free char *mount = NULL;
      if (asprintf (&mount, "%s/%s", root, e->d_name) < 0 || add_hierarchy (out, mount, e->d_name, false, err) < 0)
        {
          cgroup_hierarchies_release (out);
          return rw_error_set (err, ENOMEM, "list cgroup hierarchies");
        }
    }
  if (mode == CGROUP_MODE_HYBRID)
    {
      cleanup_free char *mount = NULL;
      if (asprintf (&mount, "%s/unified", root) < 0 || add_hierarchy (out, mount, "", true, err) < 0)
        {
          cgroup_hierarchies_release (out);
          return rw_error_set (err, ENOMEM, "list cgroup hierarchies");
        }
    }
  return 0;
}

static bool has_controller (const char *list, const char *controller)
{
  size_t n = strlen (controller);
  for (const char *p = list; p && *p;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t) (comma - p) : strlen (p);
      if (len == n && strncmp (p, controller, n) == 0)
        return true;
      p = comma ? comma + 1 : NULL;
    }
  return false;
}

char *cgroup_v1_dir (const struct cgroup *cg, const char *controller)
{
  if (cg->mode == CGROUP_MODE_V2)
    return NULL;
  struct cgroup_hierarchies hs;
  char *dir = NULL;
  if (cgroup_hierarchies_list (cg->root, cg->mode, &hs, NULL) < 0)
    return NULL;
  for (size_t i = 0; i < hs.n && dir == NULL; i++)
    if (!hs.items[i].v2 && has_controller (hs.items[i].controllers, controller)
        && asprintf (&dir, "%s%s", hs.items[i].mount, cg->path) < 0)
      dir = NULL;
  cgroup_hierarchies_release (&hs);
  return dir;
}

char *cgroup_v2_dir (const struct cgroup *cg)
{
  char *dir = NULL;
  if (cg->mode == CGROUP_MODE_V2 && asprintf (&dir, "%s%s", cg->root, cg->path) < 0)
    return NULL;
  if (cg->mode == CGROUP_MODE_HYBRID && asprintf (&dir, "%s/unified%s", cg->root, cg->path) < 0)
    return NULL;
  return dir;
}

int cgroup_manager_choose (bool systemd_cgroup, enum cgroup_manager *out, struct rw_error **err)
{
  if (!systemd_cgroup)
    {
      *out = CGROUP_MANAGER_CGROUPFS;
      return 0;
    }
  /* sd_booted(3)'s test. */
  struct stat st;
  if (lstat ("/run/systemd/system", &st) < 0 || !S_ISDIR (st.st_mode))
    return rw_error_set (err, 0, "--systemd-cgroup: systemd is not running here (PID 1 is not systemd); "
                                 "use the cgroupfs manager (drop --systemd-cgroup)");
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

/* "machine-app.slice" -> "/machine.slice/machine-app.slice", as systemd nests slices. */
static int expand_slice (const char *slice, char **out, struct rw_error **err)
{
  size_t n = strlen (slice);
  if (n < 7 || strcmp (slice + n - 6, ".slice") != 0 || strchr (slice, '/'))
    return rw_error_set (err, 0, "linux.cgroupsPath: `%s` is not a systemd slice name", slice);
  cleanup_free char *res = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&res, &len);
  if (f == NULL)
    return rw_error_set (err, errno, "linux.cgroupsPath");
  if (strcmp (slice, "-.slice") != 0)
    for (size_t i = 0; i < n - 6; i++)
      if (slice[i] == '-' || i == n - 7)
        fprintf (f, "/%.*s.slice", (int) (slice[i] == '-' ? i : n - 6), slice);
  fclose (f);
  *out = steal_pointer (&res);
  return 0;
}

static int systemd_path (const char *cgroups_path, const char *id, char **path, struct rw_error **err)
{
  cleanup_free char *copy = strdup (cgroups_path && *cgroups_path ? cgroups_path : "system.slice:runwasm:");
  if (copy == NULL)
    return rw_error_set (err, ENOMEM, "linux.cgroupsPath");
  char *c1 = strchr (copy, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
  if (c2 == NULL || strchr (c2 + 1, ':'))
    return rw_error_set (err, 0, "linux.cgroupsPath `%s`: the systemd manager expects `slice:prefix:name`", cgroups_path);
  *c1 = *c2 = '\0';
  const char *slice = *copy ? copy : "system.slice", *prefix = c1 + 1, *name = *(c2 + 1) ? c2 + 1 : id;
  cleanup_free char *slice_path = NULL;
  if (expand_slice (slice, &slice_path, err) < 0)
    return -1;
  /* A name that is already a unit (".slice", ".scope") is used as is. */
  size_t nl = strlen (name);
  bool unit = nl > 6 && (strcmp (name + nl - 6, ".slice") == 0 || strcmp (name + nl - 6, ".scope") == 0);
  int r = unit ? asprintf (path, "%s/%s", slice_path, name)
               : asprintf (path, "%s/%s%s%s.scope", slice_path, prefix, *prefix ? "-" : "", name);
  return r < 0 ? rw_error_set (err, ENOMEM, "linux.cgroupsPath") : 0;
}

int cgroup_compute_path (const struct cgroup_create_options *opts, enum cgroup_mode mode, char **path,
                         struct rw_error **err)
{
  const char *cp = opts->cgroups_path;
  *path = NULL;
  if (opts->id == NULL || *opts->id == '\0' || strchr (opts->id, '/'))
    return rw_error_set (err, 0, "cgroup path: invalid container id `%s`", opts->id ? opts->id : "");
  if (opts->manager == CGROUP_MANAGER_SYSTEMD)
    return systemd_path (cp, opts->id, path, err);
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

/* mkdir -p <mount><path>; v1 cpuset levels inherit cpus/mems from their parent, or no task
 * could join them. */
static int make_dirs (const struct cgroup_hierarchy *h, const char *path, struct rw_error **err)
{
  cleanup_free char *dir = NULL;
  if (asprintf (&dir, "%s%s", h->mount, path) < 0)
    return rw_error_set (err, ENOMEM, "create cgroup");
  bool cpuset = !h->v2 && has_controller (h->controllers, "cpuset");
  size_t base = strlen (h->mount);
  for (char *p = dir + base + 1;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char saved = *p;
      *p = '\0';
      if (mkdir (dir, 0755) < 0 && errno != EEXIST)
        return rw_error_set (err, errno, "create cgroup `%s`", dir);
      if (cpuset)
        {
          static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
          char *slash = strrchr (dir, '/');
          for (int i = 0; i < 2; i++)
            {
              cleanup_free char *mine = NULL, *parents = NULL;
              if (cgroup_read (dir, files[i], &mine, err) < 0)
                return -1;
              if (*mine != '\0')
                continue;
              *slash = '\0';
              int r = cgroup_read (dir, files[i], &parents, err);
              *slash = '/';
              if (r < 0 || cgroup_write (dir, files[i], parents, err) < 0)
                return -1;
            }
        }
      *p = saved;
      if (saved == '\0')
        break;
    }
  return 0;
}

void cgroup_free (struct cgroup *cg)
{
  if (cg == NULL)
    return;
  free (cg->root);
  free (cg->path);
  free (cg);
}

static int cgroup_new (const char *root, enum cgroup_mode mode, const char *path, struct cgroup **out,
                       struct rw_error **err)
{
  struct cgroup *cg = calloc (1, sizeof *cg);
  if (cg == NULL || (cg->root = strdup (root_or_default (root))) == NULL || (cg->path = strdup (path)) == NULL)
    {
      cgroup_free (cg);
      return rw_error_set (err, ENOMEM, "cgroup");
    }
  cg->mode = mode;
  *out = cg;
  return 0;
}

int cgroup_create (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err)
{
  *out = NULL;
  if (opts->manager == CGROUP_MANAGER_DISABLED)
    return 0;
  enum cgroup_mode mode;
  cleanup_free char *path = NULL;
  if (cgroup_detect_mode (opts->root, &mode, err) < 0 || cgroup_compute_path (opts, mode, &path, err) < 0)
    return -1;
  struct cgroup_hierarchies hs;
  if (cgroup_hierarchies_list (opts->root, mode, &hs, err) < 0)
    return -1;
  int r = 0;
  for (size_t i = 0; i < hs.n && r == 0; i++)
    {
      r = make_dirs (&hs.items[i], path, err);
      if (r == 0 && hs.items[i].v2)
        r = cgroup_v2_enable_controllers (hs.items[i].mount, path, err);
    }
  cgroup_hierarchies_release (&hs);
  if (r < 0)
    return -1;
  return cgroup_new (opts->root, mode, path, out, err);
}

/* Calls fn for the container's directory in every hierarchy. */
static int for_each_dir (const struct cgroup *cg, int (*fn) (const char *dir, bool v2, void *data, struct rw_error **err),
                         void *data, struct rw_error **err)
{
  struct cgroup_hierarchies hs;
  if (cgroup_hierarchies_list (cg->root, cg->mode, &hs, err) < 0)
    return -1;
  int r = 0;
  for (size_t i = 0; i < hs.n && r == 0; i++)
    {
      cleanup_free char *dir = NULL;
      if (asprintf (&dir, "%s%s", hs.items[i].mount, cg->path) < 0)
        r = rw_error_set (err, ENOMEM, "cgroup");
      else
        r = fn (dir, hs.items[i].v2, data, err);
    }
  cgroup_hierarchies_release (&hs);
  return r;
}

static int enter_one (const char *dir, bool v2, void *data, struct rw_error **err)
{
  return cgroup_writef (dir, "cgroup.procs", err, "%d", *(pid_t *) data);
}

int cgroup_enter (const struct cgroup *cg, pid_t pid, struct rw_error **err)
{
  if (cg == NULL)
    return 0;
  if (for_each_dir (cg, enter_one, &pid, err) < 0)
    return rw_error_wrap (err, "move pid %d into cgroup `%s`", pid, cg->path);
  return 0;
}

int cgroup_apply_resources (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err)
{
  if (cg == NULL || res == NULL)
    return 0;
  cleanup_free char *v2dir = cgroup_v2_dir (cg);
  if (cg->mode == CGROUP_MODE_V2)
    return cgroup_v2_apply (v2dir, res, false, true, err);
  cleanup_free char *hugetlb_v1 = cgroup_v1_dir (cg, "hugetlb");
  bool hugetlb_on_v2 = cg->mode == CGROUP_MODE_HYBRID && hugetlb_v1 == NULL;
  if (cgroup_v1_apply (cg, res, hugetlb_on_v2, err) < 0)
    return -1;
  if (cg->mode == CGROUP_MODE_HYBRID && (res->n_unified > 0 || (hugetlb_on_v2 && res->n_hugepages > 0)))
    return cgroup_v2_apply (v2dir, res, true, hugetlb_on_v2, err);
  if (cg->mode == CGROUP_MODE_V1 && res->n_unified > 0)
    return rw_error_set (err, 0, "linux.resources.unified: needs cgroup v2 (this host has only cgroup v1)");
  return 0;
}

int cgroup_update (const struct cgroup *cg, json_object *resources, struct rw_error **err)
{
  struct cgroup_resources *res;
  if (cg == NULL)
    return rw_error_set (err, 0, "update: the container has no cgroup (cgroups disabled)");
  if (cgroup_resources_parse (resources, "resources", &res, err) < 0)
    return -1;
  int r = cgroup_apply_resources (cg, res, err);
  cgroup_resources_free (res);
  return r;
}

static void sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* Wait (up to ~5 s) until <dir>/<file> holds `want` (v1 freezer.state) or the "frozen" line
 * of cgroup.events says it. */
static int wait_for_state (const char *dir, const char *file, const char *want, struct rw_error **err)
{
  for (int i = 0; i < 500; i++)
    {
      cleanup_free char *now = NULL;
      if (cgroup_read (dir, file, &now, err) < 0)
        return -1;
      if (strcmp (file, "cgroup.events") == 0)
        {
          char *line = strstr (now, "frozen ");
          if (line && strncmp (line + 7, want, strlen (want)) == 0)
            return 0;
        }
      else if (strcmp (now, want) == 0)
        return 0;
      sleep_ms (10);
    }
  return rw_error_set (err, ETIMEDOUT, "wait for `%s/%s` to become %s", dir, file, want);
}

int cgroup_freeze (const struct cgroup *cg, bool frozen, struct rw_error **err)
{
  if (cg == NULL)
    return rw_error_set (err, 0, "%s: the container has no cgroup (cgroups disabled)", frozen ? "pause" : "resume");
  if (cg->mode == CGROUP_MODE_V2)
    {
      cleanup_free char *dir = cgroup_v2_dir (cg);
      if (dir == NULL)
        return rw_error_set (err, ENOMEM, "freeze");
      if (cgroup_write (dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
      return wait_for_state (dir, "cgroup.events", frozen ? "1" : "0", err);
    }
  cleanup_free char *dir = cgroup_v1_dir (cg, "freezer");
  if (dir == NULL)
    return rw_error_set (err, 0, "%s: the freezer controller is not mounted", frozen ? "pause" : "resume");
  const char *state = frozen ? "FROZEN" : "THAWED";
  if (cgroup_write (dir, "freezer.state", state, err) < 0)
    return -1;
  return wait_for_state (dir, "freezer.state", state, err);
}

struct pid_list
{
  pid_t *pids;
  size_t n, cap;
};

/* cgroup.procs of dir and of every cgroup below it. */
static int collect_pids (const char *dir, struct pid_list *l, struct rw_error **err)
{
  cleanup_free char *procs = NULL;
  if (cgroup_read (dir, "cgroup.procs", &procs, err) < 0)
    return -1;
  for (char *p = procs, *end; *p; p = end)
    {
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      if (l->n == l->cap)
        {
          size_t cap = l->cap ? 2 * l->cap : 16;
          pid_t *grown = realloc (l->pids, cap * sizeof *grown);
          if (grown == NULL)
            return rw_error_set (err, ENOMEM, "list pids");
          l->pids = grown;
          l->cap = cap;
        }
      l->pids[l->n++] = pid;
    }
  cleanup_dir DIR *d = opendir (dir);
  if (d == NULL)
    return rw_error_set (err, errno, "list pids: open `%s`", dir);
  for (struct dirent *e; (e = readdir (d));)
    {
      if (e->d_type != DT_DIR || e->d_name[0] == '.')
        continue;
      cleanup_free char *sub = NULL;
      if (asprintf (&sub, "%s/%s", dir, e->d_name) < 0)
        return rw_error_set (err, ENOMEM, "list pids");
      if (collect_pids (sub, l, err) < 0)
        return -1;
    }
  return 0;
}

static int compare_pids (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

/* The directory whose cgroup.procs lists the container: v2, else the v1 pids, freezer or
 * memory hierarchy (they are the ones runtimes always join), else any. */
static char *pids_dir (const struct cgroup *cg)
{
  if (cg->mode == CGROUP_MODE_V2)
    return cgroup_v2_dir (cg);
  static const char *const preferred[] = { "pids", "freezer", "memory", "devices" };
  for (size_t i = 0; i < 4; i++)
    {
      char *dir = cgroup_v1_dir (cg, preferred[i]);
      if (dir)
        return dir;
    }
  return cgroup_v2_dir (cg);
}

int cgroup_list_pids (const struct cgroup *cg, pid_t **pids, size_t *n, struct rw_error **err)
{
  *pids = NULL;
  *n = 0;
  if (cg == NULL)
    return rw_error_set (err, 0, "ps: the container has no cgroup (cgroups disabled)");
  cleanup_free char *dir = pids_dir (cg);
  if (dir == NULL)
    return rw_error_set (err, 0, "ps: no cgroup hierarchy lists the container's processes");
  struct pid_list l = { 0 };
  if (collect_pids (dir, &l, err) < 0)
    {
      free (l.pids);
      return -1;
    }
  qsort (l.pids, l.n, sizeof *l.pids, compare_pids);
  *pids = l.pids;
  *n = l.n;
  return 0;
}

int cgroup_kill_all (const struct cgroup *cg, int signo, struct rw_error **err)
{
  if (cg == NULL)
    return rw_error_set (err, 0, "kill --all: the container has no cgroup (cgroups disabled)");
  cleanup_free char *v2dir = cg->mode == CGROUP_MODE_V2 ? cgroup_v2_dir (cg) : NULL;
  /* cgroup.kill (Linux 5.14) kills atomically, forks included. */
  if (v2dir && signo == SIGKILL && cgroup_file_exists (v2dir, "cgroup.kill"))
    return cgroup_write (v2dir, "cgroup.kill", "1", err);
  /* Otherwise freeze so nothing forks between listing and signalling. A frozen process
   * still gets SIGKILL; other signals are delivered on thaw. */
  cleanup_free char *freezer = cg->mode == CGROUP_MODE_V2 ? NULL : cgroup_v1_dir (cg, "freezer");
  bool can_freeze = v2dir ? cgroup_file_exists (v2dir, "cgroup.freeze") : freezer != NULL;
  if (can_freeze && cgroup_freeze (cg, true, err) < 0)
    return rw_error_wrap (err, "kill --all");
  pid_t *pids;
  size_t n;
  int r = cgroup_list_pids (cg, &pids, &n, err);
  for (size_t i = 0; r == 0 && i < n; i++)
    if (kill (pids[i], signo) < 0 && errno != ESRCH)
      r = rw_error_set (err, errno, "kill --all: kill %d", pids[i]);
  free (pids);
  if (can_freeze)
    {
      struct rw_error *thaw_err = NULL;
      if (cgroup_freeze (cg, false, &thaw_err) < 0)
        {
          rw_error_merge (err, &thaw_err);
          r = -1;
        }
    }
  return r;
}

/* rmdir the cgroup and its children, deepest first; EBUSY means processes are still exiting,
 * so retry for a while. */
static int remove_tree (const char *dir, struct rw_error **err)
{
  {
    cleanup_dir DIR *d = opendir (dir);
    if (d == NULL)
      return errno == ENOENT ? 0 : rw_error_set (err, errno, "remove cgroup `%s`", dir);
    for (struct dirent *e; (e = readdir (d));)
      {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
          continue;
        cleanup_free char *sub = NULL;
        if (asprintf (&sub, "%s/%s", dir, e->d_name) < 0)
          return rw_error_set (err, ENOMEM, "remove cgroup");
        if (remove_tree (sub, err) < 0)
          return -1;
      }
  }
  for (int attempt = 0;; attempt++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY || attempt == 300)
        return rw_error_set (err, errno, "remove cgroup `%s`%s", dir,
                             errno == EBUSY ? " (processes are still in it)" : "");
      sleep_ms (10);
    }
}

static int destroy_one (const char *dir, bool v2, void *data, struct rw_error **err)
{
  return remove_tree (dir, err);
}

int cgroup_destroy (const struct cgroup *cg, struct rw_error **err)
{
  if (cg == NULL)
    return 0;
  return for_each_dir (cg, destroy_one, NULL, err);
}

int cgroup_read_memory_limit (const struct cgroup *cg, bool *limited, uint64_t *bytes, struct rw_error **err)
{
  *limited = false;
  *bytes = 0;
  if (cg == NULL)
    return 0;
  bool v2 = cg->mode == CGROUP_MODE_V2;
  cleanup_free char *dir = v2 ? cgroup_v2_dir (cg) : cgroup_v1_dir (cg, "memory");
  if (dir == NULL)
    return 0;
  cleanup_free char *value = NULL;
  if (cgroup_read (dir, v2 ? "memory.max" : "memory.limit_in_bytes", &value, err) < 0)
    return -1;
  if (strcmp (value, "max") == 0)
    return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull (value, &end, 10);
  if (errno || *end)
    return rw_error_set (err, 0, "memory limit of `%s`: unexpected value `%s`", dir, value);
  /* v1 prints "unlimited" as PAGE_COUNTER_MAX pages: 0x7ffffffffffff000 on 4 KiB pages. */
  if (v2 || v < (1ULL << 62))
    {
      *limited = true;
      *bytes = v;
    }
  return 0;
}

json_object *cgroup_to_json (const struct cgroup *cg)
{
  if (cg == NULL)
    return NULL;
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "root", json_object_new_string (cg->root));
  json_object_object_add (o, "mode", json_object_new_string (cgroup_mode_name (cg->mode)));
  json_object_object_add (o, "path", json_object_new_string (cg->path));
  return o;
}

int cgroup_from_json (json_object *obj, struct cgroup **out, struct rw_error **err)
{
  json_object *root, *mode, *path;
  enum cgroup_mode m;
  *out = NULL;
  if (obj == NULL)
    return 0;
  if (!json_object_object_get_ex (obj, "root", &root) || !json_object_object_get_ex (obj, "mode", &mode)
      || !json_object_object_get_ex (obj, "path", &path) || !json_object_is_type (root, json_type_string)
      || !json_object_is_type (path, json_type_string) || json_object_get_string (path)[0] != '/')
    return rw_error_set (err, 0, "state: malformed cgroup entry");
  if (cgroup_mode_from_name (json_object_get_string (mode), &m, err) < 0)
    return rw_error_wrap (err, "state");
  return cgroup_new (json_object_get_string (root), m, json_object_get_string (path), out, err);
}
