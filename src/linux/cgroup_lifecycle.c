/* A container's cgroup over its life: create, enter, apply and update resources, freeze,
 * list, kill, destroy; cgroup_v1.c and cgroup_v2.c write the resource files. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"
#include "linux/cgroup_systemd.h"

/* mkdir -p <mount><path>; v1 cpuset levels inherit cpus/mems from their parent, or no task
 * could join them. */
static int make_dirs (const struct cgroup_hierarchy *h, const char *path, struct rw_error **err)
{
  cleanup_free char *dir = NULL;
  if (asprintf (&dir, "%s%s", h->mount, path) < 0)
    return rw_error_set (err, ENOMEM, "create cgroup");
  bool cpuset = !h->v2 && cgroup_has_controller (h->controllers, "cpuset");
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

int cgroup_make_dirs (const char *root, enum cgroup_mode mode, const char *path, bool enable_v2_controllers,
                      struct rw_error **err)
{
  struct cgroup_hierarchies hs;
  if (cgroup_hierarchies_list (root, mode, &hs, err) < 0)
    return -1;
  int r = 0;
  for (size_t i = 0; i < hs.n && r == 0; i++)
    {
      r = make_dirs (&hs.items[i], path, err);
      if (r == 0 && hs.items[i].v2 && enable_v2_controllers)
        r = cgroup_v2_enable_controllers (hs.items[i].mount, path, err);
    }
  cgroup_hierarchies_release (&hs);
  return r;
}

int cgroup_plan (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err)
{
  *out = NULL;
  if (opts->manager == CGROUP_MANAGER_DISABLED)
    return 0;
  enum cgroup_mode mode;
  cleanup_free char *path = NULL;
  if (cgroup_detect_mode (opts->root, &mode, err) < 0)
    return -1;
  if (opts->manager == CGROUP_MANAGER_SYSTEMD)
    return cgroup_systemd_create (opts, mode, out, err);
  if (cgroup_compute_path (opts, mode, &path, err) < 0)
    return -1;
  return cgroup_new (opts->root, mode, path, out, err);
}

/* A systemd scope's directories appear when cgroup_enter starts the scope. */
int cgroup_make (const struct cgroup *cg, struct rw_error **err)
{
  if (cg == NULL || cg->systemd)
    return 0;
  return cgroup_make_dirs (cg->root, cg->mode, cg->path, true, err);
}

int cgroup_create (const struct cgroup_create_options *opts, struct cgroup **out, struct rw_error **err)
{
  if (cgroup_plan (opts, out, err) < 0)
    return -1;
  if (cgroup_make (*out, err) < 0)
    {
      cgroup_free (*out);
      *out = NULL;
      return -1;
    }
  return 0;
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
  if (cg->systemd && cg->systemd->pending && cgroup_systemd_start (cg, pid, err) < 0)
    return -1;
  if (for_each_dir (cg, enter_one, &pid, err) < 0)
    return rw_error_wrap (err, "move pid %d into cgroup `%s`", pid, cg->path);
  return 0;
}

int cgroup_apply_resources (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err)
{
  if (cg == NULL || res == NULL)
    return 0;
  if (cg->systemd && cgroup_systemd_apply (cg, res, err) < 0)
    return -1;
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

/* cgroup.procs of dir and of every cgroup below it. A cgroup that is gone holds no process:
 * systemd removes a scope's directories once its last process exited, and the shim still
 * runs `kill --all` on the stopped container. */
static int collect_pids (const char *dir, struct pid_list *l, struct rw_error **err)
{
  cleanup_free char *procs = NULL;
  if (cgroup_read (dir, "cgroup.procs", &procs, err) < 0)
    {
      if ((*err)->status != ENOENT)
        return -1;
      rw_error_free (err);
      return 0;
    }
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
  if (d == NULL && errno == ENOENT)
    return 0;
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
  /* The directories systemd does not know (v1 controllers it does not manage) go too. */
  int r = cg->systemd ? cgroup_systemd_stop (cg, err) : 0;
  return for_each_dir (cg, destroy_one, NULL, err) < 0 ? -1 : r;
}

/* The directory with the container's memory files; NULL without a memory controller. */
static char *memory_dir (const struct cgroup *cg)
{
  if (cg == NULL)
    return NULL;
  return cg->mode == CGROUP_MODE_V2 ? cgroup_v2_dir (cg) : cgroup_v1_dir (cg, "memory");
}

int cgroup_read_memory_limit (const struct cgroup *cg, bool *limited, uint64_t *bytes, struct rw_error **err)
{
  *limited = false;
  *bytes = 0;
  cleanup_free char *dir = memory_dir (cg);
  if (dir == NULL)
    return 0;
  bool v2 = cg->mode == CGROUP_MODE_V2;
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

int cgroup_read_oom_kills (const struct cgroup *cg, uint64_t *count, struct rw_error **err)
{
  *count = 0;
  cleanup_free char *dir = memory_dir (cg);
  if (dir == NULL)
    return 0;
  bool v2 = cg->mode == CGROUP_MODE_V2;
  cleanup_free char *text = NULL;
  if (cgroup_read (dir, v2 ? "memory.events" : "memory.oom_control", &text, err) < 0)
    return -1;
  /* A line "oom_kill N" (v1 since Linux 4.13; not "oom_kill_disable", not "oom_group_kill"). */
  for (char *line = text; line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, "oom_kill ", 9) == 0)
      {
        *count = strtoull (line + 9, NULL, 10);
        break;
      }
  return 0;
}
