#include "linux/mount_idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"

static int write_map (pid_t pid, const char *file, const struct oci_id_mapping *map, size_t n, struct rw_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", pid, file);
  cleanup_free char *text = NULL;
  size_t len = 0;
  cleanup_fclose FILE *mem = open_memstream (&text, &len);
  if (mem == NULL)
    return rw_error_set (err, errno, "%s", file);
  for (size_t i = 0; i < n; i++)
    fprintf (mem, "%u %u %u\n", map[i].container_id, map[i].host_id, map[i].size);
  fclose (mem);
  mem = NULL;
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, len) != (ssize_t) len)
    return rw_error_set (err, errno, "write the idmap to `%s`", path);
  return 0;
}

/* A user namespace with the mapping, held by a child that waits on a pipe. */
static int userns_with_mapping (const struct oci_mount *m, const struct oci_config *c, struct rw_error **err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return rw_error_set (err, errno, "pipe");
  pid_t pid = syscall (SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    {
      char byte;
      close (pipefd[1]);
      _exit (read (pipefd[0], &byte, 1) < 0);
    }
  close (pipefd[0]);
  if (pid < 0)
    {
      close (pipefd[1]);
      return rw_error_set (err, errno, "create a user namespace for the idmap");
    }
  bool own = m->n_uid_mappings > 0;
  int fd = -1;
  if (write_map (pid, "uid_map", own ? m->uid_mappings : c->uid_mappings, own ? m->n_uid_mappings : c->n_uid_mappings, err) == 0
      && write_map (pid, "gid_map", own ? m->gid_mappings : c->gid_mappings, own ? m->n_gid_mappings : c->n_gid_mappings, err) == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/user", pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        rw_error_set (err, errno, "open `%s`", path);
    }
  close (pipefd[1]);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

static int open_idmapped_tree (const struct oci_mount *m, const struct oci_config *c, int bundlefd, struct rw_error **err)
{
  if (m->n_uid_mappings == 0 && c->n_uid_mappings == 0)
    return rw_error_set (err, 0, "option `%s` needs uidMappings/gidMappings on the mount or a user namespace with mappings",
                         (m->extensions & MOUNT_EXT_RIDMAP) ? "ridmap" : "idmap");
  cleanup_close int userns = userns_with_mapping (m, c, err);
  if (userns < 0)
    return -1;
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0)
                   | ((m->extensions & MOUNT_EXT_SRC_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0);
  cleanup_close int tree = syscall (SYS_open_tree, bundlefd, m->source, flags);
  if (tree < 0)
    return rw_error_set (err, errno, "open_tree `%s`", m->source);
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = userns };
  unsigned at = AT_EMPTY_PATH | ((m->extensions & MOUNT_EXT_RIDMAP) ? AT_RECURSIVE : 0);
  if (syscall (SYS_mount_setattr, tree, "", at, &attr, sizeof attr) < 0)
    return rw_error_set (err, errno, "idmap `%s`%s", m->source,
                         errno == EINVAL ? " (its filesystem or this kernel has no idmapped mounts)" : "");
  return steal_fd (&tree);
}

int mount_idmap_open_trees (const struct oci_config *c, const char *bundle, int **trees, struct rw_error **err)
{
  *trees = NULL;
  size_t wanted = 0;
  for (size_t i = 0; i < c->n_mounts; i++)
    wanted += (c->mounts[i].extensions & (MOUNT_EXT_IDMAP | MOUNT_EXT_RIDMAP)) != 0;
  if (wanted == 0)
    return 0;
  cleanup_close int bundlefd = open (bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (bundlefd < 0)
    return rw_error_set (err, errno, "open the bundle `%s`", bundle);
  int *fds = malloc (c->n_mounts * sizeof *fds);
  if (fds == NULL)
    return rw_error_set (err, ENOMEM, "idmapped mounts");
  for (size_t i = 0; i < c->n_mounts; i++)
    fds[i] = -1;
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      const struct oci_mount *m = &c->mounts[i];
      if (!(m->extensions & (MOUNT_EXT_IDMAP | MOUNT_EXT_RIDMAP)))
        continue;
      fds[i] = open_idmapped_tree (m, c, bundlefd, err);
      if (fds[i] < 0)
        {
          mount_idmap_close_trees (fds, c->n_mounts);
          return rw_error_wrap (err, "mounts[%zu] `%s`", i, m->destination);
        }
    }
  *trees = fds;
  return 0;
}

void mount_idmap_close_trees (int *trees, size_t n)
{
  for (size_t i = 0; trees && i < n; i++)
    if (trees[i] >= 0)
      close (trees[i]);
  free (trees);
}
