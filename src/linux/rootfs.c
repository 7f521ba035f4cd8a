#include "linux/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/mounts.h"

int rootfs_prepare (const struct oci_config *c, struct rw_error **err)
{
  /* rslave unless the config wants the root private: mounts made in the container never
   * propagate to the host. Shared propagation is applied after pivot_root, which refuses a
   * shared parent mount. */
  unsigned long root_propagation = MS_SLAVE | MS_REC;
  if (c->rootfs_propagation & MS_PRIVATE)
    root_propagation = MS_PRIVATE | MS_REC;
  if (mounts_do (NULL, "/", NULL, root_propagation, NULL, "/", err) < 0)
    return -1;
  if (mounts_do (c->root_path, c->root_path, NULL, MS_BIND | MS_REC, NULL, c->root_path, err) < 0)
    return rw_error_wrap (err, "root.path");
  int fd = open (c->root_path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "root.path: open `%s`", c->root_path);
  return fd;
}

int rootfs_enter (int rootfd, const char *rootfs, bool no_pivot, struct rw_error **err)
{
  if (fchdir (rootfd) < 0)
    return rw_error_set (err, errno, "chdir `%s`", rootfs);
  if (no_pivot)
    {
      if (mounts_do (".", "/", NULL, MS_MOVE, NULL, rootfs, err) < 0)
        return -1;
      if (chroot (".") < 0)
        return rw_error_set (err, errno, "chroot `%s`", rootfs);
    }
  else
    {
      /* pivot_root(".", ".") stacks the old root on top of the new one; detach it, after
       * making it a slave so the unmount does not propagate to the host. */
      if (syscall (SYS_pivot_root, ".", ".") < 0)
        return rw_error_set (err, errno, "pivot_root `%s`", rootfs);
      if (mounts_do (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL, "old root", err) < 0)
        return -1;
      if (umount2 (".", MNT_DETACH) < 0)
        return rw_error_set (err, errno, "detach the old root");
    }
  if (chdir ("/") < 0)
    return rw_error_set (err, errno, "chdir `/`");
  return 0;
}

int rootfs_finish (const struct oci_config *c, struct rw_error **err)
{
  if (c->rootfs_propagation && !(c->rootfs_propagation & MS_PRIVATE)
      && mounts_do (NULL, "/", NULL, c->rootfs_propagation, NULL, "linux.rootfsPropagation", err) < 0)
    return -1;
  if (c->root_readonly)
    {
      cleanup_close int root = open ("/", O_PATH | O_CLOEXEC);
      if (root < 0)
        return rw_error_set (err, errno, "open `/`");
      if (mounts_remount_bind (root, MS_RDONLY, "root.readonly", err) < 0)
        return -1;
    }
  return 0;
}
