#include "linux/masked_paths.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/mounts.h"
#include "linux/path_in_root.h"

/* A path the image does not have needs no masking: skip it, as runc does. */
static int open_existing (int rootfd, const char *path, struct rw_error **err)
{
  int fd = path_in_root_prepare (rootfd, path, PATH_LEAF_EXISTING, NULL);
  if (fd < 0 && errno != ENOENT)
    return rw_error_set (err, errno, "open `%s`", path);
  return fd;
}

int masked_paths_apply (char **paths, struct rw_error **err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return rw_error_set (err, errno, "open `/`");
  for (char **p = paths; p && *p; p++)
    {
      cleanup_close int fd = open_existing (rootfd, *p, err);
      if (fd < 0)
        {
          if (err && *err)
            return rw_error_wrap (err, "linux.maskedPaths");
          continue;
        }
      struct stat st;
      if (fstat (fd, &st) < 0)
        return rw_error_set (err, errno, "linux.maskedPaths: stat `%s`", *p);
      int r = S_ISDIR (st.st_mode)
                  ? mounts_do ("tmpfs", fd_path (fd).s, "tmpfs", MS_RDONLY, NULL, *p, err)
                  : mounts_do ("/dev/null", fd_path (fd).s, NULL, MS_BIND, NULL, *p, err);
      if (r < 0)
        return rw_error_wrap (err, "linux.maskedPaths");
    }
  return 0;
}

int readonly_paths_apply (char **paths, struct rw_error **err)
{
  cleanup_close int rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return rw_error_set (err, errno, "open `/`");
  for (char **p = paths; p && *p; p++)
    {
      cleanup_close int fd = open_existing (rootfd, *p, err);
      if (fd < 0)
        {
          if (err && *err)
            return rw_error_wrap (err, "linux.readonlyPaths");
          continue;
        }
      if (mounts_do (fd_path (fd).s, fd_path (fd).s, NULL, MS_BIND | MS_REC, NULL, *p, err) < 0)
        return rw_error_wrap (err, "linux.readonlyPaths");
      cleanup_close int top = path_in_root_prepare (rootfd, *p, PATH_LEAF_EXISTING, err);
      if (top < 0 || mounts_remount_bind (top, MS_RDONLY, *p, err) < 0)
        return rw_error_wrap (err, "linux.readonlyPaths");
    }
  return 0;
}
