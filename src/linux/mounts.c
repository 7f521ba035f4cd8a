#include "linux/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/mount_cgroupfs.h"
#include "linux/path_in_root.h"

int mounts_do (const char *source, const char *target, const char *type, unsigned long flags,
               const char *data, const char *what, struct rw_error **err)
{
  if (mount (source, target, type, flags, data) < 0)
    return rw_error_set (err, errno, "mount `%s`", what);
  return 0;
}

int mounts_remount_bind (int fd, unsigned long flags, const char *what, struct rw_error **err)
{
  struct statvfs sv;
  if (fstatvfs (fd, &sv) < 0)
    return rw_error_set (err, errno, "statvfs `%s`", what);
  static const struct { unsigned long st, ms; } locked[] = {
    { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
  };
  for (size_t i = 0; i < sizeof locked / sizeof locked[0]; i++)
    if (sv.f_flag & locked[i].st)
      flags |= locked[i].ms;
  return mounts_do (NULL, fd_path (fd).s, NULL, flags | MS_REMOUNT | MS_BIND, NULL, what, err);
}

/* Flags that only make sense on the initial mount call, not on a remount of a bind. */
#define MOUNT_ONLY_FLAGS (MS_BIND | MS_REC | MS_REMOUNT)

static int reopen_top (int rootfd, const char *dest, struct rw_error **err)
{
  /* The fd from before the mount points at the covered directory; reopen to get the mount. */
  return path_in_root_prepare (rootfd, dest, PATH_LEAF_EXISTING, err);
}

static int finish_mount (int rootfd, const struct oci_mount *m, struct rw_error **err)
{
  if (m->propagation == 0 && !m->recursive_readonly)
    return 0;
  cleanup_close int top = reopen_top (rootfd, m->destination, err);
  if (top < 0)
    return -1;
  if (m->propagation && mounts_do (NULL, fd_path (top).s, NULL, m->propagation, NULL, m->destination, err) < 0)
    return -1;
  if (m->recursive_readonly)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (syscall (SYS_mount_setattr, top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        return rw_error_set (err, errno, "make `%s` recursively read-only", m->destination);
    }
  return 0;
}

static int bind_mount (int rootfd, const struct oci_mount *m, struct rw_error **err)
{
  struct stat st;
  if (stat (m->source, &st) < 0)
    return rw_error_set (err, errno, "bind mount source `%s`", m->source);
  cleanup_close int target
      = path_in_root_prepare (rootfd, m->destination, S_ISDIR (st.st_mode) ? PATH_LEAF_DIR : PATH_LEAF_FILE, err);
  if (target < 0)
    return -1;
  if (mounts_do (m->source, fd_path (target).s, NULL, MS_BIND | (m->flags & MS_REC), NULL, m->destination, err) < 0)
    return -1;
  unsigned long rest = m->flags & ~MOUNT_ONLY_FLAGS;
  if (rest)
    {
      cleanup_close int top = reopen_top (rootfd, m->destination, err);
      if (top < 0 || mounts_remount_bind (top, rest, m->destination, err) < 0)
        return -1;
    }
  return finish_mount (rootfd, m, err);
}

static int bind_host_sys (int target, const struct oci_mount *m, int rootfd, struct rw_error **err)
{
  /* Without its own network namespace a container may not mount a new sysfs: bind the
   * host's, read-only unless asked otherwise (what runc does too). */
  if (mounts_do ("/sys", fd_path (target).s, NULL, MS_BIND | MS_REC, NULL, m->destination, err) < 0)
    return -1;
  cleanup_close int top = reopen_top (rootfd, m->destination, err);
  if (top < 0)
    return -1;
  return mounts_remount_bind (top, (m->flags & ~MOUNT_ONLY_FLAGS) | MS_RDONLY, m->destination, err);
}

static int fs_mount (int rootfd, const struct oci_mount *m, struct rw_error **err)
{
  cleanup_close int target = path_in_root_prepare (rootfd, m->destination, PATH_LEAF_DIR, err);
  if (target < 0)
    return -1;
  unsigned long flags = m->flags & ~MOUNT_ONLY_FLAGS;
  const char *source = m->source ? m->source : m->type;
  if (mount (source, fd_path (target).s, m->type, flags, m->data) < 0)
    {
      if (errno == EPERM && strcmp (m->type, "sysfs") == 0)
        return bind_host_sys (target, m, rootfd, err);
      return rw_error_set (err, errno, "mount `%s` (type %s)", m->destination, m->type);
    }
  return finish_mount (rootfd, m, err);
}

int mounts_setup (const struct oci_config *c, int rootfd, struct rw_error **err)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      int r;
      if (m->flags & MS_BIND)
        r = bind_mount (rootfd, m, err);
      else if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
        r = mount_cgroupfs (rootfd, m, oci_config_namespace (c, CLONE_NEWCGROUP) != NULL, err);
      else
        r = fs_mount (rootfd, m, err);
      if (r < 0)
        return rw_error_wrap (err, "mounts[%zu]", i);
    }
  return 0;
}
