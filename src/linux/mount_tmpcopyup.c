#include "linux/mount_tmpcopyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

/* One level down, never through a symlink or onto another mount: a mount point found in
 * the shadowed tree is copied as an empty directory. */
static int open_child (int dirfd, const char *name, int flags)
{
  struct open_how how = {
    .flags = flags | O_NOFOLLOW | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
  };
  return syscall (SYS_openat2, dirfd, name, &how, sizeof how);
}

static int copy_file_data (int from, int to, const char *name, struct rw_error **err)
{
  char buf[65536];
  for (;;)
    {
      ssize_t n = read (from, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rw_error_set (err, errno, "tmpcopyup: read `%s`", name);
      if (n == 0)
        return 0;
      for (ssize_t off = 0; off < n;)
        {
          ssize_t w = write (to, buf + off, n - off);
          if (w < 0 && errno != EINTR)
            return rw_error_set (err, errno, "tmpcopyup: write `%s`", name);
          off += w > 0 ? w : 0;
        }
    }
}

/* Owner first: chown clears the set-id bits that chmod then restores. */
static int copy_attributes (int dirfd, const char *name, const struct stat *st, struct rw_error **err)
{
  if (fchownat (dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
    return rw_error_set (err, errno, "tmpcopyup: chown `%s`", *name ? name : ".");
  if (!S_ISLNK (st->st_mode) && fchmodat (dirfd, *name ? name : ".", st->st_mode & 07777, 0) < 0)
    return rw_error_set (err, errno, "tmpcopyup: chmod `%s`", *name ? name : ".");
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  if (utimensat (dirfd, *name ? name : ".", times, AT_SYMLINK_NOFOLLOW) < 0)
    return rw_error_set (err, errno, "tmpcopyup: set the times of `%s`", *name ? name : ".");
  return 0;
}

static int copy_tree (int from_dir, int to_dir, int depth, struct rw_error **err);

static int copy_entry (int from_dir, int to_dir, const char *name, int depth, struct rw_error **err)
{
  struct stat st;
  if (fstatat (from_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return rw_error_set (err, errno, "tmpcopyup: stat `%s`", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      {
        if (mkdirat (to_dir, name, 0700) < 0)
          return rw_error_set (err, errno, "tmpcopyup: mkdir `%s`", name);
        cleanup_close int from = open_child (from_dir, name, O_RDONLY | O_DIRECTORY);
        if (from < 0 && errno != EXDEV)
          return rw_error_set (err, errno, "tmpcopyup: open `%s`", name);
        cleanup_close int to = openat (to_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0)
          return rw_error_set (err, errno, "tmpcopyup: open the copy of `%s`", name);
        if (from >= 0 && copy_tree (from, to, depth + 1, err) < 0)
          return rw_error_wrap (err, "%s", name);
        break;
      }
    case S_IFREG:
      {
        cleanup_close int from = open_child (from_dir, name, O_RDONLY);
        if (from < 0)
          return rw_error_set (err, errno, "tmpcopyup: open `%s`", name);
        cleanup_close int to = openat (to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (to < 0)
          return rw_error_set (err, errno, "tmpcopyup: create `%s`", name);
        if (copy_file_data (from, to, name, err) < 0)
          return -1;
        break;
      }
    case S_IFLNK:
      {
        char target[PATH_MAX];
        ssize_t n = readlinkat (from_dir, name, target, sizeof target - 1);
        if (n < 0)
          return rw_error_set (err, errno, "tmpcopyup: readlink `%s`", name);
        target[n] = '\0';
        if (symlinkat (target, to_dir, name) < 0)
          return rw_error_set (err, errno, "tmpcopyup: symlink `%s`", name);
        break;
      }
    default: /* device nodes, fifos, sockets */
      if (mknodat (to_dir, name, st.st_mode & S_IFMT, st.st_rdev) < 0)
        return rw_error_set (err, errno, "tmpcopyup: mknod `%s`", name);
    }
  return copy_attributes (to_dir, name, &st, err);
}

static int copy_tree (int from_dir, int to_dir, int depth, struct rw_error **err)
{
  if (depth > 256)
    return rw_error_set (err, ELOOP, "tmpcopyup: the directory tree is too deep");
  int fd = dup (from_dir);
  if (fd < 0)
    return rw_error_set (err, errno, "tmpcopyup: dup");
  cleanup_dir DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return rw_error_set (err, errno, "tmpcopyup: read the directory");
    }
  rewinddir (d);
  struct dirent *e;
  while ((errno = 0, e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (copy_entry (from_dir, to_dir, e->d_name, depth, err) < 0)
        return -1;
    }
  if (errno != 0)
    return rw_error_set (err, errno, "tmpcopyup: read the directory");
  return 0;
}

static bool sets_option (const char *data, const char *key)
{
  size_t len = strlen (key);
  for (const char *p = data; p && *p; p += strcspn (p, ","), p += *p == ',')
    if (strncmp (p, key, len) == 0)
      return true;
  return false;
}

int mount_tmpcopyup (int shadowed, int top, const char *data, struct rw_error **err)
{
  cleanup_close int to = openat (top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (to < 0)
    return rw_error_set (err, errno, "tmpcopyup: open the new tmpfs");
  if (copy_tree (shadowed, to, 0, err) < 0)
    return -1;
  if (sets_option (data, "mode=") || sets_option (data, "uid=") || sets_option (data, "gid="))
    return 0;
  struct stat st;
  if (fstat (shadowed, &st) < 0)
    return rw_error_set (err, errno, "tmpcopyup: stat the directory under the mount");
  return copy_attributes (to, "", &st, err);
}
