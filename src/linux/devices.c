#include "linux/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/mount_target.h"
#include "linux/mounts.h"
#include "linux/path_in_root.h"

static const struct oci_device default_devices[] = {
  { "/dev/null", 'c', 1, 3, 0666, 0, 0 },    { "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
  { "/dev/full", 'c', 1, 7, 0666, 0, 0 },    { "/dev/random", 'c', 1, 8, 0666, 0, 0 },
  { "/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static const struct {
  const char *target, *link;
} dev_symlinks[] = {
  { "/proc/self/fd", "/dev/fd" },
  { "/proc/self/fd/0", "/dev/stdin" },
  { "/proc/self/fd/1", "/dev/stdout" },
  { "/proc/self/fd/2", "/dev/stderr" },
};

static int split (const char *path, char **dir, char **base)
{
  cleanup_free char *a = strdup (path), *b = strdup (path);
  if (a == NULL || b == NULL)
    return -1;
  *dir = strdup (dirname (a));
  *base = strdup (basename (b));
  return *dir && *base ? 0 : -1;
}

static int create_device (int rootfd, const struct oci_device *d, bool bind_from_host, struct rw_error **err)
{
  if (bind_from_host)
    {
      /* Checked as a mount destination: an image symlink must not lead the bind onto procfs. */
      const struct oci_mount as_mount = { .destination = d->path, .source = d->path, .type = (char *) "bind" };
      cleanup_close int target = mount_target_open (rootfd, &as_mount, PATH_LEAF_FILE, err);
      if (target < 0)
        return rw_error_wrap (err, "device `%s`", d->path);
      return mounts_do (d->path, fd_path (target).s, NULL, MS_BIND, NULL, d->path, err);
    }
  cleanup_free char *dir = NULL, *base = NULL;
  if (split (d->path, &dir, &base) < 0)
    return rw_error_set (err, ENOMEM, "device `%s`", d->path);
  cleanup_close int dirfd = path_in_root_prepare (rootfd, dir, PATH_LEAF_DIR, err);
  if (dirfd < 0)
    return -1;
  mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
  /* An image may ship placeholder files in /dev: replace them, never follow them. */
  if (unlinkat (dirfd, base, 0) < 0 && errno != ENOENT)
    return rw_error_set (err, errno, "remove `%s`", d->path);
  if (mknodat (dirfd, base, type | d->file_mode, makedev (d->major, d->minor)) < 0)
    return rw_error_set (err, errno, "mknod `%s`", d->path);
  if (fchownat (dirfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return rw_error_set (err, errno, "chown `%s`", d->path);
  /* mknod applies the umask; the config's mode must hold exactly. */
  cleanup_close int node = openat (dirfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (node < 0 || chmod (fd_path (node).s, d->file_mode) < 0)
    return rw_error_set (err, errno, "chmod `%s`", d->path);
  return 0;
}

static int create_symlink (int rootfd, const char *target, const char *link, struct rw_error **err)
{
  cleanup_free char *dir = NULL, *base = NULL;
  if (split (link, &dir, &base) < 0)
    return rw_error_set (err, ENOMEM, "symlink `%s`", link);
  cleanup_close int dirfd = path_in_root_prepare (rootfd, dir, PATH_LEAF_DIR, err);
  if (dirfd < 0)
    return -1;
  if (symlinkat (target, dirfd, base) < 0 && errno != EEXIST)
    return rw_error_set (err, errno, "symlink `%s`", link);
  return 0;
}

static bool listed (const struct oci_config *c, const char *path)
{
  for (size_t i = 0; i < c->n_devices; i++)
    if (strcmp (c->devices[i].path, path) == 0)
      return true;
  return false;
}

static const struct oci_mount *find_mount (const struct oci_config *c, const char *dest)
{
  for (size_t i = 0; i < c->n_mounts; i++)
    if (strcmp (c->mounts[i].destination, dest) == 0)
      return &c->mounts[i];
  return NULL;
}

int devices_setup (const struct oci_config *c, int rootfd, bool bind_from_host, struct rw_error **err)
{
  const struct oci_mount *dev = find_mount (c, "/dev");
  /* A /dev bind-mounted from the host already has its nodes. */
  bool host_dev = dev && (dev->flags & MS_BIND);
  for (size_t i = 0; !host_dev && i < sizeof default_devices / sizeof default_devices[0]; i++)
    if (!listed (c, default_devices[i].path) && create_device (rootfd, &default_devices[i], bind_from_host, err) < 0)
      return -1;
  for (size_t i = 0; i < c->n_devices; i++)
    if (create_device (rootfd, &c->devices[i], bind_from_host, err) < 0)
      return rw_error_wrap (err, "linux.devices[%zu]", i);
  if (host_dev)
    return 0;
  for (size_t i = 0; i < sizeof dev_symlinks / sizeof dev_symlinks[0]; i++)
    if (create_symlink (rootfd, dev_symlinks[i].target, dev_symlinks[i].link, err) < 0)
      return -1;
  if (find_mount (c, "/dev/pts"))
    {
      /* Every pty of the container comes from its own devpts instance. */
      cleanup_close int devfd = path_in_root_prepare (rootfd, "/dev", PATH_LEAF_DIR, err);
      if (devfd < 0)
        return -1;
      if (unlinkat (devfd, "ptmx", 0) < 0 && errno != ENOENT)
        return rw_error_set (err, errno, "remove `/dev/ptmx`");
      if (symlinkat ("pts/ptmx", devfd, "ptmx") < 0)
        return rw_error_set (err, errno, "symlink `/dev/ptmx`");
    }
  return 0;
}
