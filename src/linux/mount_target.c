#include "linux/mount_target.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "common/cleanup.h"

/* The inode number of every procfs root directory. */
#define PROC_ROOT_INO 1

/* The procfs files lxcfs (and tools like it) bind over; the same list runc allows. */
static const char *const proc_bind_targets[] = {
  "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
  "/proc/swaps",   "/proc/uptime",    "/proc/loadavg", "/proc/slabinfo",
};

static bool same_file (int rootfd, const char *path, const struct stat *st)
{
  cleanup_close int fd = path_in_root_open (rootfd, path, O_PATH, NULL);
  struct stat other;
  return fd >= 0 && fstat (fd, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

static bool is_procfs_root (int fd)
{
  struct statfs sf;
  struct stat st;
  return fstatfs (fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC && fstat (fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

/* /proc may only be replaced by a procfs: a fresh one, or a bind of the root of one. */
static bool mounts_a_procfs (const struct oci_mount *m)
{
  if (!(m->flags & MS_BIND))
    return m->type && strcmp (m->type, "proc") == 0;
  cleanup_close int fd = open (m->source, O_PATH | O_CLOEXEC);
  return fd >= 0 && is_procfs_root (fd);
}

int mount_target_open (int rootfd, const struct oci_mount *m, enum path_leaf leaf, struct rw_error **err)
{
  cleanup_close int fd = path_in_root_prepare (rootfd, m->destination, leaf, err);
  if (fd < 0)
    return -1;
  struct stat st, root;
  struct statfs sf;
  if (fstat (fd, &st) < 0 || fstat (rootfd, &root) < 0 || fstatfs (fd, &sf) < 0)
    return rw_error_set (err, errno, "stat the destination");
  if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
    return rw_error_set (err, 0, "destination is the container's root: refused (a mount there would stay hidden "
                                 "under the rootfs; the root is root.path, made read-only by root.readonly)");

  bool on_procfs = sf.f_type == PROC_SUPER_MAGIC;
  if ((on_procfs && st.st_ino == PROC_ROOT_INO) || same_file (rootfd, "/proc", &st))
    {
      if (!mounts_a_procfs (m))
        return rw_error_set (err, 0, "destination resolves to /proc, where only a procfs may be mounted: refused");
      return steal_fd (&fd);
    }
  if (!on_procfs)
    return steal_fd (&fd);
  for (size_t i = 0; i < sizeof proc_bind_targets / sizeof proc_bind_targets[0]; i++)
    if ((m->flags & MS_BIND) && same_file (rootfd, proc_bind_targets[i], &st))
      return steal_fd (&fd);
  return rw_error_set (err, 0, "destination resolves into /proc (procfs; only binds over /proc/cpuinfo, meminfo, "
                               "diskstats, stat, swaps, uptime, loadavg and slabinfo are allowed there): refused");
}
