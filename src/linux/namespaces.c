#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

/* The order in which namespaces are joined: user first (it grants the rights to join the
 * rest), mount last (it changes how later paths would resolve). */
static const int join_order[] = { CLONE_NEWUSER, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET,
                                  CLONE_NEWPID, CLONE_NEWCGROUP, CLONE_NEWNS };
#define N_KINDS (sizeof join_order / sizeof join_order[0])

static const char *proc_ns_name (int flag)
{
  switch (flag)
    {
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWNET: return "net";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWCGROUP: return "cgroup";
    default: return "mnt";
    }
}

int namespaces_clone_flags (const struct oci_config *c)
{
  int flags = 0;
  for (size_t i = 0; i < c->n_namespaces; i++)
    if (c->namespaces[i].path == NULL)
      flags |= c->namespaces[i].clone_flag;
  return flags;
}

int namespaces_join_path (const char *path, int clone_flag, struct rw_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open %s namespace `%s`", oci_namespace_name (clone_flag), path);
  if (setns (fd, clone_flag) < 0)
    return rw_error_set (err, errno, "join %s namespace `%s`", oci_namespace_name (clone_flag), path);
  return 0;
}

static int join_fds (int fds[N_KINDS], const char *what, struct rw_error **err)
{
  for (size_t k = 0; k < N_KINDS; k++)
    if (fds[k] >= 0 && setns (fds[k], join_order[k]) < 0)
      return rw_error_set (err, errno, "join %s namespace of %s", oci_namespace_name (join_order[k]), what);
  return 0;
}

static void close_fds (int fds[N_KINDS])
{
  for (size_t k = 0; k < N_KINDS; k++)
    if (fds[k] >= 0)
      close (fds[k]);
}

int namespaces_join_paths (const struct oci_config *c, int skip, struct rw_error **err)
{
  int fds[N_KINDS];
  for (size_t k = 0; k < N_KINDS; k++)
    {
      fds[k] = -1;
      const struct oci_namespace *ns = oci_config_namespace (c, join_order[k]);
      if (ns == NULL || ns->path == NULL || (skip & join_order[k]))
        continue;
      fds[k] = open (ns->path, O_RDONLY | O_CLOEXEC);
      if (fds[k] < 0)
        {
          int e = errno;
          close_fds (fds);
          return rw_error_set (err, e, "open %s namespace `%s`", oci_namespace_name (join_order[k]), ns->path);
        }
    }
  int r = join_fds (fds, "the config", err);
  close_fds (fds);
  return r;
}

int namespaces_join_process (pid_t pid, int only, struct rw_error **err)
{
  int fds[N_KINDS];
  for (size_t k = 0; k < N_KINDS; k++)
    {
      fds[k] = -1;
      if (!(only & join_order[k]))
        continue;
      char theirs[64], ours[64];
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", pid, proc_ns_name (join_order[k]));
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", proc_ns_name (join_order[k]));
      struct stat a, b;
      if (stat (theirs, &a) < 0)
        {
          close_fds (fds);
          return rw_error_set (err, errno, "stat `%s`", theirs);
        }
      /* Joining one's own user namespace fails with EINVAL; the others are just no-ops. */
      if (stat (ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        continue;
      fds[k] = open (theirs, O_RDONLY | O_CLOEXEC);
      if (fds[k] < 0)
        {
          int e = errno;
          close_fds (fds);
          return rw_error_set (err, e, "open `%s`", theirs);
        }
    }
  char what[32];
  snprintf (what, sizeof what, "process %d", pid);
  int r = join_fds (fds, what, err);
  close_fds (fds);
  return r;
}

static int write_map (pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n,
                      struct rw_error **err)
{
  char path[64], buf[4096];
  size_t len = 0;
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  for (size_t i = 0; i < n && len < sizeof buf; i++)
    len += snprintf (buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  if (len >= sizeof buf)
    return rw_error_set (err, E2BIG, "write `%s`", path);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s`", path);
  if (write (fd, buf, len) != (ssize_t) len)
    return rw_error_set (err, errno, "write `%s`", path);
  return 0;
}

int namespaces_write_id_mappings (pid_t pid, const struct oci_config *c, struct rw_error **err)
{
  if (write_map (pid, "gid_map", c->gid_mappings, c->n_gid_mappings, err) < 0)
    return rw_error_wrap (err, "linux.gidMappings");
  if (write_map (pid, "uid_map", c->uid_mappings, c->n_uid_mappings, err) < 0)
    return rw_error_wrap (err, "linux.uidMappings");
  return 0;
}
