/* The container's process joins its cgroup by itself, without the lock a move by pid takes.
 *
 * Writing a pid into cgroup.procs (v1 or v2) takes the kernel's global threadgroup rwsem for
 * writing, and each first writer after a quiet moment waits for an RCU grace period: 6-11 ms
 * on the loaded 2-core development VM, more than the rest of a `run` (docs/cgroups.md). A thread that moves itself through a
 * v1 `tasks` file ("0": the calling thread) is exempt (kernel 6.0+: nothing can exec or
 * exit under it); the freshly cloned container process has one thread, so that moves the
 * whole process. The cgroup2 hierarchy has no such file: clone3(CLONE_INTO_CGROUP) puts
 * the child there as it is created, under the fork side's read lock only. What cannot be
 * done that way (no clone3, or a kernel that refuses it) falls back to cgroup.procs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/cgroup_internal.h"

void cgroup_join_close (struct cgroup_join *j)
{
  for (size_t i = 0; i < j->n; i++)
    {
      if (j->fds[i] >= 0)
        close (j->fds[i]);
      free (j->names[i]);
    }
  free (j->fds);
  free (j->names);
  if (j->v2_dir >= 0)
    close (j->v2_dir);
  *j = (struct cgroup_join){ .v2_dir = -1 };
}

static int open_one (const char *dir, const char *file, int flags, int *out, struct rw_error **err)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, file) < 0)
    return rw_error_set (err, ENOMEM, "cgroup `%s`", dir);
  *out = open (path, flags | O_CLOEXEC);
  if (*out < 0)
    return rw_error_set (err, errno, "open `%s`", path);
  return 0;
}

int cgroup_join_open (const struct cgroup *cg, struct cgroup_join *j, struct rw_error **err)
{
  *j = (struct cgroup_join){ .v2_dir = -1 };
  if (cg == NULL)
    return 0;
  struct cgroup_hierarchies hs;
  if (cgroup_hierarchies_list (cg->root, cg->mode, &hs, err) < 0)
    return -1;
  int r = 0;
  j->fds = calloc (hs.n ? hs.n : 1, sizeof *j->fds);
  j->names = calloc (hs.n ? hs.n : 1, sizeof *j->names);
  if (j->fds == NULL || j->names == NULL)
    r = rw_error_set (err, ENOMEM, "cgroup");
  for (size_t i = 0; i < hs.n && r == 0; i++)
    {
      cleanup_free char *dir = NULL;
      if (asprintf (&dir, "%s%s", hs.items[i].mount, cg->path) < 0)
        {
          r = rw_error_set (err, ENOMEM, "cgroup");
          break;
        }
      bool v2 = hs.items[i].v2;
      j->fds[i] = -1;
      j->n++;
      if (v2 && (r = open_one (dir, ".", O_RDONLY | O_DIRECTORY, &j->v2_dir, err)) < 0)
        break;
      r = open_one (dir, v2 ? "cgroup.procs" : "tasks", O_WRONLY, &j->fds[i], err);
      if (r == 0 && (j->names[i] = strdup (dir)) == NULL)
        r = rw_error_set (err, ENOMEM, "cgroup");
      if (r == 0 && v2)
        j->v2_index = i;
    }
  cgroup_hierarchies_release (&hs);
  if (r < 0)
    {
      cgroup_join_close (j);
      return rw_error_wrap (err, "cgroup `%s`", cg->path);
    }
  return 0;
}

pid_t cgroup_join_clone (int flags, struct cgroup_join *j)
{
  j->v2_entered = false;
  if (j->v2_dir >= 0)
    {
      struct clone_args args = {
        .flags = (unsigned) flags | CLONE_INTO_CGROUP,
        .exit_signal = SIGCHLD,
        .cgroup = j->v2_dir,
      };
      /* Like fork(): no stack given, the child continues here. */
      pid_t pid = syscall (SYS_clone3, &args, sizeof args);
      if (pid >= 0)
        {
          j->v2_entered = true;
          return pid;
        }
      /* No clone3 (ENOSYS, a seccomp filter) or a cgroup it refuses: cgroup.procs will say
       * what is wrong with the cgroup, if anything. */
    }
  return syscall (SYS_clone, (unsigned long) flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int cgroup_join_self (struct cgroup_join *j, struct rw_error **err)
{
  for (size_t i = 0; i < j->n; i++)
    {
      if (j->fds[i] < 0 || (j->v2_entered && i == j->v2_index))
        continue;
      if (write (j->fds[i], "0", 1) != 1)
        return rw_error_set (err, errno, "join cgroup `%s`", j->names[i]);
    }
  return 0;
}
