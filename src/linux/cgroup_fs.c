/* Cgroup filesystem access shared by the cgroup files: reading and writing control files,
 * and finding the mounted hierarchies and the container's directory in them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"

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

/* A v1 hierarchy is a real directory (co-mount aliases such as cpu -> cpu,cpuacct are
 * symlinks) holding cgroup.procs. */
bool cgroup_is_v1_hierarchy (const char *root, const char *name)
{
  cleanup_free char *dir = NULL;
  struct stat st;
  if (name[0] == '.' || strcmp (name, "unified") == 0 || asprintf (&dir, "%s/%s", root, name) < 0)
    return false;
  return lstat (dir, &st) == 0 && S_ISDIR (st.st_mode) && cgroup_file_exists (dir, "cgroup.procs");
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

static int list_hierarchies (const char *root, enum cgroup_mode mode, struct cgroup_hierarchies *out,
                             struct rw_error **err)
{
  *out = (struct cgroup_hierarchies){ 0 };
  if (mode == CGROUP_MODE_V2)
    return add_hierarchy (out, root, "", true, err);
  cleanup_dir DIR *d = opendir (root);
  if (d == NULL)
    return rw_error_set (err, errno, "list cgroup hierarchies: open `%s`", root);
  for (struct dirent *e; (e = readdir (d));)
    {
      if (!cgroup_is_v1_hierarchy (root, e->d_name))
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

static int copy_hierarchies (const struct cgroup_hierarchies *from, struct cgroup_hierarchies *to, struct rw_error **err)
{
  *to = (struct cgroup_hierarchies){ 0 };
  for (size_t i = 0; i < from->n; i++)
    if (add_hierarchy (to, from->items[i].mount, from->items[i].controllers, from->items[i].v2, err) < 0)
      {
        cgroup_hierarchies_release (to);
        return -1;
      }
  return 0;
}

/* The host's hierarchies are listed once per command: create, for one, needs them to make
 * the directories, open them for the child, apply resources and, for `run`, remove them,
 * and each listing stats every entry of /sys/fs/cgroup. Mounts there do not come and go
 * while a container is created; other roots (tests' fake trees) are listed every time. */
int cgroup_hierarchies_list (const char *root, enum cgroup_mode mode, struct cgroup_hierarchies *out,
                             struct rw_error **err)
{
  static struct cgroup_hierarchies host;
  static enum cgroup_mode host_mode;
  static bool host_listed;
  root = cgroup_root_or_default (root);
  if (strcmp (root, CGROUP_DEFAULT_ROOT) != 0)
    return list_hierarchies (root, mode, out, err);
  if (!host_listed || host_mode != mode)
    {
      cgroup_hierarchies_release (&host);
      host_listed = false;
      if (list_hierarchies (root, mode, &host, err) < 0)
        return -1;
      host_listed = true;
      host_mode = mode;
    }
  return copy_hierarchies (&host, out, err);
}

bool cgroup_has_controller (const char *list, const char *controller)
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
    if (!hs.items[i].v2 && cgroup_has_controller (hs.items[i].controllers, controller)
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

int cgroup_write_rdma_max (const char *dir, const struct cgroup_resources *r, struct rw_error **err)
{
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      const struct cgroup_rdma_limit *l = &r->rdma[i];
      char handles[24] = "max", objects[24] = "max";
      if (l->hca_handles.set)
        snprintf (handles, sizeof handles, "%" PRId64, l->hca_handles.value);
      if (l->hca_objects.set)
        snprintf (objects, sizeof objects, "%" PRId64, l->hca_objects.value);
      if (cgroup_writef (dir, "rdma.max", err, "%s hca_handle=%s hca_object=%s", l->device, handles, objects) < 0)
        return -1;
    }
  return 0;
}
