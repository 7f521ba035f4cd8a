#include "linux/mount_cgroupfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/mount_target.h"
#include "linux/mounts.h"
#include "linux/path_in_root.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

static int mount_cgroup2 (int rootfd, int target, const char *dest, const struct oci_mount *m, bool private_cgroupns,
                          const char *own_path, const char *host_dir, struct rw_error **err)
{
  unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (private_cgroupns)
    return mounts_do ("cgroup2", fd_path (target).s, "cgroup2", flags, NULL, dest, err);
  cleanup_free char *source = NULL;
  if (asprintf (&source, "%s%s", host_dir, own_path) < 0)
    return rw_error_set (err, ENOMEM, "cgroup mount");
  if (mounts_do (source, fd_path (target).s, NULL, MS_BIND, NULL, dest, err) < 0)
    return -1;
  if (flags == 0)
    return 0;
  cleanup_close int top = path_in_root_prepare (rootfd, dest, PATH_LEAF_EXISTING, err);
  if (top < 0)
    return -1;
  return mounts_remount_bind (top, flags, dest, err);
}

/* One line of /proc/self/cgroup: "4:memory:/path", "1:name=systemd:/", "0::/". */
static int mount_v1_hierarchy (int rootfd, const struct oci_mount *m, bool private_cgroupns, char *line,
                               struct rw_error **err)
{
  char *controllers = strchr (line, ':');
  char *path = controllers ? strchr (controllers + 1, ':') : NULL;
  if (path == NULL)
    return 0;
  *controllers++ = '\0';
  *path++ = '\0';
  path[strcspn (path, "\n")] = '\0';
  const char *dir = *controllers == '\0' ? "unified"
                    : strncmp (controllers, "name=", 5) == 0 ? controllers + 5
                                                               : controllers;
  cleanup_free char *host_dir = NULL, *dest = NULL;
  if (asprintf (&host_dir, HOST_CGROUP_ROOT "/%s", dir) < 0
      || asprintf (&dest, "%s/%s", m->destination, dir) < 0)
    return rw_error_set (err, ENOMEM, "cgroup mount");
  if (access (host_dir, F_OK) < 0)
    return 0;
  cleanup_close int target = path_in_root_prepare (rootfd, dest, PATH_LEAF_DIR, err);
  if (target < 0)
    return -1;
  unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (*controllers == '\0')
    return mount_cgroup2 (rootfd, target, dest, m, private_cgroupns, path, host_dir, err);
  if (private_cgroupns)
    {
      cleanup_free char *opts = NULL;
      if (asprintf (&opts, "%s%s", strncmp (controllers, "name=", 5) == 0 ? "none," : "", controllers) < 0)
        return rw_error_set (err, ENOMEM, "cgroup mount");
      return mounts_do ("cgroup", fd_path (target).s, "cgroup", flags, opts, dest, err);
    }
  cleanup_free char *source = NULL;
  if (asprintf (&source, "%s%s", host_dir, path) < 0)
    return rw_error_set (err, ENOMEM, "cgroup mount");
  if (mounts_do (source, fd_path (target).s, NULL, MS_BIND, NULL, dest, err) < 0)
    return -1;
  if (flags)
    {
      cleanup_close int top = path_in_root_prepare (rootfd, dest, PATH_LEAF_EXISTING, err);
      if (top < 0 || mounts_remount_bind (top, flags, dest, err) < 0)
        return -1;
    }
  return 0;
}

int mount_cgroupfs (int rootfd, const struct oci_mount *m, bool private_cgroupns, struct rw_error **err)
{
  cleanup_close int target = mount_target_open (rootfd, m, PATH_LEAF_DIR, err);
  if (target < 0)
    return -1;
  if (access (HOST_CGROUP_ROOT "/cgroup.controllers", F_OK) == 0)
    {
      cleanup_fclose FILE *f = fopen ("/proc/self/cgroup", "re");
      char line[4096] = "0::/";
      if (f && fgets (line, sizeof line, f) == NULL)
        strcpy (line, "0::/");
      char *path = strstr (line, "::");
      path = path ? path + 2 : (char *) "/";
      path[strcspn (path, "\n")] = '\0';
      return mount_cgroup2 (rootfd, target, m->destination, m, private_cgroupns, path, HOST_CGROUP_ROOT, err);
    }

  /* v1 or hybrid: a tmpfs holding one directory per hierarchy. */
  unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY);
  if (mounts_do ("tmpfs", fd_path (target).s, "tmpfs", flags, "mode=755", m->destination, err) < 0)
    return -1;
  cleanup_fclose FILE *f = fopen ("/proc/self/cgroup", "re");
  if (f == NULL)
    return rw_error_set (err, errno, "open `/proc/self/cgroup`");
  char line[4096];
  while (fgets (line, sizeof line, f))
    if (mount_v1_hierarchy (rootfd, m, private_cgroupns, line, err) < 0)
      return -1;
  if (m->flags & MS_RDONLY)
    {
      cleanup_close int top = path_in_root_prepare (rootfd, m->destination, PATH_LEAF_EXISTING, err);
      if (top < 0 || mounts_do (NULL, fd_path (top).s, NULL, MS_REMOUNT | MS_RDONLY | flags, "mode=755", m->destination, err) < 0)
        return -1;
    }
  return 0;
}
