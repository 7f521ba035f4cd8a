#include "runtime/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"

#define STATE_FILE "state.json"

int state_validate_id (const char *id, struct rw_error **err)
{
  if (id == NULL || *id == '\0')
    return rw_error_set (err, 0, "container id must not be empty");
  if (strchr (id, '/') || strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
    return rw_error_set (err, 0, "invalid container id `%s`", id);
  return 0;
}

static int mkdir_p (const char *path, mode_t mode, struct rw_error **err)
{
  if (mkdir (path, mode) == 0 || errno == EEXIST)
    return 0;
  if (errno != ENOENT)
    return rw_error_set (err, errno, "mkdir `%s`", path);
  cleanup_free char *parent = strdup (path);
  if (parent == NULL)
    return rw_error_set (err, ENOMEM, "mkdir `%s`", path);
  char *slash = strrchr (parent, '/');
  if (slash == NULL || slash == parent)
    return rw_error_set (err, ENOENT, "mkdir `%s`", path);
  *slash = '\0';
  if (mkdir_p (parent, 0755, err) < 0)
    return -1;
  if (mkdir (path, mode) < 0 && errno != EEXIST)
    return rw_error_set (err, errno, "mkdir `%s`", path);
  return 0;
}

static struct state_dir *state_dir_new (const char *root, const char *id)
{
  struct state_dir *sd = calloc (1, sizeof *sd);
  if (sd == NULL)
    return NULL;
  sd->dirfd = -1;
  if (asprintf (&sd->path, "%s/%s", root, id) < 0 || (sd->id = strdup (id)) == NULL)
    {
      free (sd->path);
      free (sd);
      return NULL;
    }
  return sd;
}

int state_dir_create (const char *root, const char *id, struct state_dir **out, struct rw_error **err)
{
  if (state_validate_id (id, err) < 0 || mkdir_p (root, 0700, err) < 0)
    return -1;
  struct state_dir *sd = state_dir_new (root, id);
  if (sd == NULL)
    return rw_error_set (err, ENOMEM, "state dir");
  cleanup_state_dir struct state_dir *owned = sd;
  if (mkdir (sd->path, 0700) < 0)
    {
      if (errno == EEXIST)
        return rw_error_set (err, 0, "container `%s` already exists", id);
      return rw_error_set (err, errno, "mkdir `%s`", sd->path);
    }
  sd->dirfd = open (sd->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (sd->dirfd < 0 || flock (sd->dirfd, LOCK_EX) < 0)
    {
      int e = errno;
      rmdir (sd->path);
      return rw_error_set (err, e, "open `%s`", sd->path);
    }
  sd->locked = true;
  *out = steal_pointer (&owned);
  return 0;
}

int state_dir_open (const char *root, const char *id, bool lock, struct state_dir **out, struct rw_error **err)
{
  if (state_validate_id (id, err) < 0)
    return -1;
  struct state_dir *sd = state_dir_new (root, id);
  if (sd == NULL)
    return rw_error_set (err, ENOMEM, "state dir");
  cleanup_state_dir struct state_dir *owned = sd;
  sd->dirfd = open (sd->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (sd->dirfd < 0)
    {
      if (errno == ENOENT)
        {
          rw_error_set (err, 0, "container `%s` does not exist", id);
          if (err && *err)
            (*err)->status = ENOENT;
          return -1;
        }
      return rw_error_set (err, errno, "open `%s`", sd->path);
    }
  if (lock)
    {
      if (flock (sd->dirfd, LOCK_EX) < 0)
        return rw_error_set (err, errno, "lock `%s`", sd->path);
      sd->locked = true;
      /* The holder before us may have deleted the container. */
      struct stat st;
      if (fstat (sd->dirfd, &st) < 0 || st.st_nlink == 0)
        return rw_error_set (err, 0, "container `%s` does not exist", id);
    }
  *out = steal_pointer (&owned);
  return 0;
}

bool state_dir_busy (const struct state_dir *sd)
{
  if (sd->locked)
    return false;
  cleanup_close int fd = open (sd->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    return errno == EWOULDBLOCK;
  flock (fd, LOCK_UN);
  return false;
}

void state_dir_close (struct state_dir *sd)
{
  if (sd == NULL)
    return;
  if (sd->dirfd >= 0)
    close (sd->dirfd);
  free (sd->path);
  free (sd->id);
  free (sd);
}

int state_dir_remove (struct state_dir *sd, struct rw_error **err)
{
  cleanup_dir DIR *d = fdopendir (dup (sd->dirfd));
  if (d == NULL)
    return rw_error_set (err, errno, "open `%s`", sd->path);
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (sd->dirfd, de->d_name, 0) < 0 && errno != ENOENT)
        return rw_error_set (err, errno, "remove `%s/%s`", sd->path, de->d_name);
    }
  if (rmdir (sd->path) < 0 && errno != ENOENT)
    return rw_error_set (err, errno, "remove `%s`", sd->path);
  return 0;
}

int state_write_file_at (int dirfd, const char *name, const char *text, struct rw_error **err)
{
  char tmp[256];
  snprintf (tmp, sizeof tmp, ".%s.%d.tmp", name, getpid ());
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return rw_error_set (err, errno, "create `%s`", tmp);
  size_t len = strlen (text);
  for (size_t done = 0; done < len;)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          unlinkat (dirfd, tmp, 0);
          return rw_error_set (err, e, "write `%s`", name);
        }
      done += n;
    }
  /* Swap the new file in and unlink the old one rather than rename over it: ext4 flushes a
   * file renamed over another (auto_da_alloc), and on a disk mounted with -o discard the
   * old file's blocks are then discarded synchronously when it goes, about 1-4 ms per state
   * write (here /run is such a disk). Swapped, neither file is written back before it is
   * removed. The state describes running processes and is worthless after a crash anyway. */
  if (renameat2 (dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0)
    {
      unlinkat (dirfd, tmp, 0);
      return 0;
    }
  /* ENOENT: no old file yet; EINVAL: a filesystem without exchange. */
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      return rw_error_set (err, e, "rename to `%s`", name);
    }
  return 0;
}

int state_write_file (const char *path, const char *text, struct rw_error **err)
{
  cleanup_free char *dir = strdup (path);
  if (dir == NULL)
    return rw_error_set (err, ENOMEM, "`%s`", path);
  char *slash = strrchr (dir, '/');
  const char *name = path;
  if (slash)
    {
      *slash = '\0';
      name = slash + 1;
    }
  cleanup_close int dirfd = open (slash ? (*dir ? dir : "/") : ".", O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (dirfd < 0)
    return rw_error_set (err, errno, "open the directory of `%s`", path);
  if (state_write_file_at (dirfd, name, text, err) < 0)
    return rw_error_wrap (err, "`%s`", path);
  return 0;
}

static void add_string (json_object *o, const char *key, const char *v)
{
  if (v)
    json_object_object_add (o, key, json_object_new_string (v));
}

int state_write (const struct state_dir *sd, const struct container_state *st, struct rw_error **err)
{
  json_object *o = json_object_new_object ();
  add_string (o, "id", st->id);
  json_object_object_add (o, "pid", json_object_new_int (st->pid));
  json_object_object_add (o, "pidStartTime", json_object_new_uint64 (st->pid_start_time));
  add_string (o, "bundle", st->bundle);
  add_string (o, "rootfs", st->rootfs);
  add_string (o, "created", st->created);
  add_string (o, "owner", st->owner);
  json_object_object_add (o, "creating", json_object_new_boolean (st->creating));
  json_object_object_add (o, "paused", json_object_new_boolean (st->paused));
  if (st->annotations)
    json_object_object_add (o, "annotations", json_object_get (st->annotations));
  if (st->cgroup)
    json_object_object_add (o, "cgroup", json_object_get (st->cgroup));
  int r = state_write_file_at (sd->dirfd, STATE_FILE, json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN), err);
  json_object_put (o);
  return r;
}

static char *dup_field (json_object *o, const char *key)
{
  json_object *v = NULL;
  if (!json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, json_type_string))
    return NULL;
  return strdup (json_object_get_string (v));
}

int state_read (const struct state_dir *sd, struct container_state **out, struct rw_error **err)
{
  cleanup_close int fd = openat (sd->dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return rw_error_set (err, 0, "container `%s` has no state (its create was interrupted early): "
                             "use `delete --force`", sd->id);
      return rw_error_set (err, errno, "open `%s/" STATE_FILE "`", sd->path);
    }
  char buf[65536];
  cleanup_free char *text = NULL;
  size_t len = 0;
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    {
      char *grown = realloc (text, len + n + 1);
      if (grown == NULL)
        return rw_error_set (err, ENOMEM, "read state");
      text = grown;
      memcpy (text + len, buf, n);
      len += n;
      text[len] = '\0';
    }
  if (n < 0)
    return rw_error_set (err, errno, "read `%s/" STATE_FILE "`", sd->path);
  json_object *o = text ? json_tokener_parse (text) : NULL;
  if (o == NULL || !json_object_is_type (o, json_type_object))
    {
      json_object_put (o);
      return rw_error_set (err, 0, "`%s/" STATE_FILE "`: corrupt state", sd->path);
    }
  struct container_state *st = calloc (1, sizeof *st);
  if (st == NULL)
    {
      json_object_put (o);
      return rw_error_set (err, ENOMEM, "read state");
    }
  json_object *v = NULL;
  st->id = dup_field (o, "id");
  st->bundle = dup_field (o, "bundle");
  st->rootfs = dup_field (o, "rootfs");
  st->created = dup_field (o, "created");
  st->owner = dup_field (o, "owner");
  if (json_object_object_get_ex (o, "pid", &v))
    st->pid = json_object_get_int (v);
  if (json_object_object_get_ex (o, "pidStartTime", &v))
    st->pid_start_time = json_object_get_uint64 (v);
  if (json_object_object_get_ex (o, "creating", &v))
    st->creating = json_object_get_boolean (v);
  if (json_object_object_get_ex (o, "paused", &v))
    st->paused = json_object_get_boolean (v);
  if (json_object_object_get_ex (o, "annotations", &v))
    st->annotations = json_object_get (v);
  if (json_object_object_get_ex (o, "cgroup", &v))
    st->cgroup = json_object_get (v);
  json_object_put (o);
  if (st->id == NULL)
    {
      state_free (st);
      return rw_error_set (err, 0, "`%s/" STATE_FILE "`: corrupt state", sd->path);
    }
  *out = st;
  return 0;
}

void state_free (struct container_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  json_object_put (st->annotations);
  json_object_put (st->cgroup);
  free (st);
}

/* Fields 3 (state) and 22 (starttime) of /proc/PID/stat; the command name may hold spaces
 * and parentheses, so parse from the last ')'. */
static int read_stat (pid_t pid, char *state, unsigned long long *start_time)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return -1;
  p += 2;
  *state = *p;
  for (int field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  if (p == NULL)
    return -1;
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

int state_process_start_time (pid_t pid, unsigned long long *out, struct rw_error **err)
{
  char s;
  if (read_stat (pid, &s, out) < 0)
    return rw_error_set (err, errno ? errno : EINVAL, "read `/proc/%d/stat`", pid);
  return 0;
}

bool state_process_alive (pid_t pid, unsigned long long start_time)
{
  char s;
  unsigned long long t;
  if (pid <= 0 || read_stat (pid, &s, &t) < 0)
    return false;
  /* A zombie has exited; it only waits for its parent (e.g. a subreaper) to reap it. */
  if (s == 'Z' || s == 'X')
    return false;
  return start_time == 0 || t == start_time;
}

enum container_status state_status (const struct state_dir *sd, const struct container_state *st)
{
  if (st->creating)
    return state_dir_busy (sd) ? STATUS_CREATING : STATUS_STOPPED;
  if (!state_process_alive (st->pid, st->pid_start_time))
    return STATUS_STOPPED;
  if (faccessat (sd->dirfd, EXEC_FIFO_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return st->paused ? STATUS_PAUSED : STATUS_RUNNING;
}

const char *state_status_name (enum container_status s)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  return names[s];
}

json_object *state_to_oci_json (const struct container_state *st, enum container_status s)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "ociVersion", json_object_new_string ("1.2.0"));
  add_string (o, "id", st->id);
  json_object_object_add (o, "pid", json_object_new_int (s == STATUS_STOPPED ? 0 : st->pid));
  json_object_object_add (o, "status", json_object_new_string (state_status_name (s)));
  add_string (o, "bundle", st->bundle);
  add_string (o, "rootfs", st->rootfs);
  add_string (o, "created", st->created);
  add_string (o, "owner", st->owner);
  json_object_object_add (o, "annotations", st->annotations ? json_object_get (st->annotations) : json_object_new_object ());
  return o;
}

char *state_now_rfc3339 (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r (&ts.tv_sec, &tm);
  char date[32];
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char *s = NULL;
  if (asprintf (&s, "%s.%09ldZ", date, ts.tv_nsec) < 0)
    return NULL;
  return s;
}

static int compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int state_list_ids (const char *root, char ***ids, struct rw_error **err)
{
  size_t n = 0, cap = 16;
  char **v = calloc (cap + 1, sizeof *v);
  if (v == NULL)
    return rw_error_set (err, ENOMEM, "list");
  cleanup_dir DIR *d = opendir (root);
  if (d == NULL && errno != ENOENT)
    {
      free (v);
      return rw_error_set (err, errno, "open `%s`", root);
    }
  struct dirent *de;
  while (d && (de = readdir (d)))
    {
      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      if (n == cap)
        {
          char **grown = realloc (v, (cap * 2 + 1) * sizeof *v);
          if (grown == NULL)
            break;
          v = grown;
          cap *= 2;
        }
      v[n] = strdup (de->d_name);
      if (v[n])
        n++;
      v[n] = NULL;
    }
  qsort (v, n, sizeof *v, compare_strings);
  *ids = v;
  return 0;
}
