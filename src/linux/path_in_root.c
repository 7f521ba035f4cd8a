#include "linux/path_in_root.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

struct fd_path fd_path (int fd)
{
  struct fd_path p;
  snprintf (p.s, sizeof p.s, "/proc/self/fd/%d", fd);
  return p;
}

static int openat2_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = flags | O_CLOEXEC,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  /* A leading "/" is fine: with RESOLVE_IN_ROOT it means the root fd. */
  long r;
  do
    r = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
  while (r < 0 && errno == EAGAIN);
  return r;
}

int path_in_root_open (int rootfd, const char *path, int flags, struct rw_error **err)
{
  int fd = openat2_in_root (rootfd, path, flags);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s` in the rootfs", path);
  return fd;
}

static int prepare (int rootfd, const char *path, enum path_leaf leaf, int depth, struct rw_error **err);

/* `comp` in `parent` is a symlink whose target does not exist yet: create the target,
 * resolved inside the root like any other path, then the rest of the path below it. */
static int follow_dangling (int rootfd, int parent, const char *path, const char *name, size_t dir_len,
                            const char *rest, enum path_leaf leaf, int depth, struct rw_error **err)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent, name, target, sizeof target - 1);
  if (n < 0)
    return rw_error_set (err, errno, "open `%s` in the rootfs", path);
  target[n] = '\0';
  cleanup_free char *next = NULL;
  int r;
  if (target[0] == '/')
    r = asprintf (&next, "%s/%s", target, rest);
  else
    r = asprintf (&next, "%.*s/%s/%s", (int) dir_len, path, target, rest);
  if (r < 0)
    return rw_error_set (err, ENOMEM, "`%s`", path);
  return prepare (rootfd, next, leaf, depth + 1, err);
}

int path_in_root_prepare (int rootfd, const char *path, enum path_leaf leaf, struct rw_error **err)
{
  return prepare (rootfd, path, leaf, 0, err);
}

static int prepare (int rootfd, const char *path, enum path_leaf leaf, int depth, struct rw_error **err)
{
  if (depth > 40)
    return rw_error_set (err, ELOOP, "open `%s` in the rootfs", path);
  int fd = openat2_in_root (rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT || leaf == PATH_LEAF_EXISTING)
    {
      if (fd < 0)
        return rw_error_set (err, errno, "open `%s` in the rootfs", path);
      return fd;
    }

  /* Walk the path one component at a time, each resolved in the root again, so a
   * symlink met on the way is followed inside the rootfs and nothing is created outside. */
  cleanup_free char *copy = strdup (path);
  if (copy == NULL)
    return rw_error_set (err, ENOMEM, "`%s`", path);
  cleanup_close int parent = openat2_in_root (rootfd, "/", O_PATH);
  if (parent < 0)
    return rw_error_set (err, errno, "open the rootfs");
  char *save = NULL;
  for (char *comp = strtok_r (copy, "/", &save); comp; comp = strtok_r (NULL, "/", &save))
    {
      bool last = *save == '\0' || strspn (save, "/") == strlen (save);
      int next = openat2_in_root (parent, comp, O_PATH);
      if (next < 0 && errno == ENOENT)
        {
          int r;
          if (last && leaf == PATH_LEAF_FILE)
            {
              r = openat (parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (r >= 0)
                close (r);
            }
          else
            r = mkdirat (parent, comp, 0755);
          if (r < 0 && errno != EEXIST)
            return rw_error_set (err, errno, "create `%s` in the rootfs", path);
          next = openat2_in_root (parent, comp, O_PATH);
          if (next < 0 && errno == ENOENT && r < 0)
            {
              /* `copy` is split by strtok_r; the same offsets in `path` give the rest. */
              const char *rest = last ? "" : path + (save - copy);
              return follow_dangling (rootfd, parent, path, comp, comp - copy, rest, leaf, depth, err);
            }
        }
      if (next < 0)
        return rw_error_set (err, errno, "open `%s` in the rootfs", path);
      /* `parent` stays inside the rootfs: RESOLVE_IN_ROOT relative to a subdirectory would
       * treat that directory as "/", so reopen the prefix from the real root instead. */
      close (next);
      size_t prefix_len = comp - copy + strlen (comp);
      cleanup_free char *prefix = strndup (path, prefix_len);
      if (prefix == NULL)
        return rw_error_set (err, ENOMEM, "`%s`", path);
      int reopened = openat2_in_root (rootfd, prefix, O_PATH);
      if (reopened < 0)
        return rw_error_set (err, errno, "open `%s` in the rootfs", prefix);
      close (parent);
      parent = reopened;
    }
  return steal_fd (&parent);
}
