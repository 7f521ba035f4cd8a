#include "linux/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "linux/mount_target.h"
#include "linux/mount_tmpcopyup.h"
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

/* copy-symlink: a symlink source is recreated at the destination instead of mounted. */
static int copy_symlink (int rootfd, const struct oci_mount *m, struct rw_error **err)
{
  char link[PATH_MAX];
  ssize_t n = readlink (m->source, link, sizeof link - 1);
  if (n < 0)
    return rw_error_set (err, errno, "readlink `%s`", m->source);
  link[n] = '\0';
  cleanup_free char *dest = strdup (m->destination);
  if (dest == NULL)
    return rw_error_set (err, ENOMEM, "copy-symlink");
  for (size_t len = strlen (dest); len > 1 && dest[len - 1] == '/'; len--)
    dest[len - 1] = '\0';
  char *slash = strrchr (dest, '/');
  const char *name = slash + 1;
  *slash = '\0';
  cleanup_close int parent = path_in_root_prepare (rootfd, *dest ? dest : "/", PATH_LEAF_DIR, err);
  if (parent < 0)
    return -1;
  if (symlinkat (link, parent, name) == 0)
    return 0;
  char existing[PATH_MAX];
  ssize_t e = errno == EEXIST ? readlinkat (parent, name, existing, sizeof existing - 1) : -1;
  if (e == n && memcmp (existing, link, n) == 0)
    return 0;
  return rw_error_set (err, errno == EINVAL ? EEXIST : errno, "copy-symlink: create the symlink `%s` -> `%s`",
                       m->destination, link);
}

static int attach_tree (int tree, int target, const char *source, struct rw_error **err)
{
  if (syscall (SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rw_error_set (err, errno, "move_mount `%s`", source);
  return 0;
}

/* src-nofollow: open_tree(2) with AT_SYMLINK_NOFOLLOW mounts a symlink source itself;
 * mount(2) would follow it. */
static int attach_source_symlink (const struct oci_mount *m, int target, struct rw_error **err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW | ((m->flags & MS_REC) ? AT_RECURSIVE : 0);
  cleanup_close int tree = syscall (SYS_open_tree, AT_FDCWD, m->source, flags);
  if (tree < 0)
    return rw_error_set (err, errno, "src-nofollow: open_tree `%s`", m->source);
  return attach_tree (tree, target, m->source, err);
}

static int bind_mount (int rootfd, const struct oci_mount *m, int idmapped_tree, struct rw_error **err)
{
  struct stat st;
  bool nofollow = m->extensions & (MOUNT_EXT_COPY_SYMLINK | MOUNT_EXT_SRC_NOFOLLOW);
  if ((nofollow ? lstat (m->source, &st) : stat (m->source, &st)) < 0)
    return rw_error_set (err, errno, "bind mount source `%s`", m->source);
  if (S_ISLNK (st.st_mode) && (m->extensions & MOUNT_EXT_COPY_SYMLINK))
    return copy_symlink (rootfd, m, err);
  cleanup_close int target = mount_target_open (rootfd, m, S_ISDIR (st.st_mode) ? PATH_LEAF_DIR : PATH_LEAF_FILE, err);
  if (target < 0)
    return -1;
  if (idmapped_tree >= 0)
    {
      if (attach_tree (idmapped_tree, target, m->source, err) < 0)
        return -1;
    }
  else if (S_ISLNK (st.st_mode))
    {
      if (attach_source_symlink (m, target, err) < 0)
        return -1;
    }
  else if (mounts_do (m->source, fd_path (target).s, NULL, MS_BIND | (m->flags & MS_REC), NULL, m->destination, err) < 0)
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
  cleanup_close int target = mount_target_open (rootfd, m, PATH_LEAF_DIR, err);
  if (target < 0)
    return -1;
  bool copyup = m->extensions & MOUNT_EXT_TMPCOPYUP; /* only on tmpfs: config.c checks */
  /* What the tmpfs is about to hide, opened before it does. */
  cleanup_close int shadowed = copyup ? openat (target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (copyup && shadowed < 0)
    return rw_error_set (err, errno, "tmpcopyup: open the directory under the mount");
  unsigned long flags = m->flags & ~MOUNT_ONLY_FLAGS;
  const char *source = m->source ? m->source : m->type;
  /* Read-only comes after the copy. */
  if (mount (source, fd_path (target).s, m->type, copyup ? flags & ~MS_RDONLY : flags, m->data) < 0)
    {
      if (errno == EPERM && strcmp (m->type, "sysfs") == 0)
        return bind_host_sys (target, m, rootfd, err);
      if (m->data)
        return rw_error_set (err, errno, "mount type %s with options `%s`", m->type, m->data);
      return rw_error_set (err, errno, "mount type %s", m->type);
    }
  if (copyup)
    {
      cleanup_close int top = reopen_top (rootfd, m->destination, err);
      if (top < 0 || mount_tmpcopyup (shadowed, top, m->data, err) < 0)
        return -1;
      if ((flags & MS_RDONLY) && mounts_do (NULL, fd_path (top).s, NULL, flags | MS_REMOUNT, m->data, m->destination, err) < 0)
        return -1;
    }
  return finish_mount (rootfd, m, err);
}

int mounts_setup (const struct oci_config *c, int rootfd, int *idmapped_trees, struct rw_error **err)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      int r;
      if (m->flags & MS_BIND)
        {
          cleanup_close int tree = idmapped_trees ? idmapped_trees[i] : -1;
          if (idmapped_trees)
            idmapped_trees[i] = -1;
          r = bind_mount (rootfd, m, tree, err);
        }
      else if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
        r = mount_cgroupfs (rootfd, m, oci_config_namespace (c, CLONE_NEWCGROUP) != NULL, err);
      else
        r = fs_mount (rootfd, m, err);
      if (r < 0)
        return rw_error_wrap (err, "mounts[%zu] `%s`", i, m->destination);
    }
  return 0;
}
