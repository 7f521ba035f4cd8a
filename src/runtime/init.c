#include "runtime/init.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/devices.h"
#include "linux/fds.h"
#include "linux/masked_paths.h"
#include "linux/mounts.h"
#include "linux/namespaces.h"
#include "linux/path_in_root.h"
#include "linux/rootfs.h"
#include "linux/terminal.h"
#include "runtime/hooks.h"
#include "runtime/process.h"
#include "runtime/sync.h"

static int set_names (const struct oci_config *c, struct rw_error **err)
{
  if (c->hostname && sethostname (c->hostname, strlen (c->hostname)) < 0)
    return rw_error_set (err, errno, "hostname: sethostname `%s`", c->hostname);
  if (c->domainname && setdomainname (c->domainname, strlen (c->domainname)) < 0)
    return rw_error_set (err, errno, "domainname: setdomainname `%s`", c->domainname);
  return 0;
}

static int setup_terminal (const struct init_options *o, int rootfd, struct rw_error **err)
{
  const struct oci_process *p = o->config->process;
  bool own_devpts = false;
  for (size_t i = 0; i < o->config->n_mounts; i++)
    if (strcmp (o->config->mounts[i].destination, "/dev/pts") == 0)
      own_devpts = true;
  cleanup_close int master = -1, slave = -1;
  cleanup_close int host_root = own_devpts ? -1 : open ("/", O_PATH | O_CLOEXEC);
  if (terminal_open_pty (own_devpts ? rootfd : host_root, own_devpts ? "/dev/pts/ptmx" : "/dev/ptmx",
                         p->console_height, p->console_width, &master, &slave, err) < 0)
    return rw_error_wrap (err, "process.terminal");
  /* /dev/console is the container's terminal, as in runc. */
  cleanup_close int console = path_in_root_prepare (rootfd, "/dev/console", PATH_LEAF_FILE, err);
  if (console < 0 || mounts_do (fd_path (slave).s, fd_path (console).s, NULL, MS_BIND, NULL, "/dev/console", err) < 0)
    return -1;
  if (terminal_send_master (o->console_fd, master, err) < 0)
    return -1;
  if (terminal_become_controlling (slave, err) < 0)
    return -1;
  return 0;
}

/* In a new user namespace, become its root: files created for the rootfs (/dev nodes,
 * mount points) need an owner the namespace can map. */
static int become_userns_root (struct rw_error **err)
{
  if (setresgid (0, 0, 0) < 0)
    return rw_error_set (err, errno, "linux.gidMappings: setgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return rw_error_set (err, errno, "linux.uidMappings: setuid 0 in the user namespace");
  return 0;
}

static int build_container (const struct init_options *o, const char *state_json, struct rw_error **err)
{
  const struct oci_config *c = o->config;
  if (chdir (o->bundle) < 0)
    return rw_error_set (err, errno, "chdir `%s`", o->bundle);
  if ((o->clone_flags & CLONE_NEWUSER) && become_userns_root (err) < 0)
    return -1;
  if (namespaces_join_paths (c, CLONE_NEWPID, err) < 0)
    return -1;
  /* The keyring of the runtime's session must not be shared with the container. */
  if (o->new_keyring && syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
    return rw_error_set (err, errno, "join a new session keyring");
  if (o->unshare_flags && unshare (o->unshare_flags) < 0)
    return rw_error_set (err, errno, "unshare the cgroup namespace");
  if (set_names (c, err) < 0)
    return -1;
  if (o->container_policy->sysctls && sysctl_apply (o->container_policy->sysctls, NULL, err) < 0)
    return -1;

  cleanup_close int rootfd = rootfs_prepare (c, err);
  if (rootfd < 0)
    return -1;
  if (mounts_setup (c, rootfd, o->idmapped_trees, err) < 0)
    return -1;
  if (devices_setup (c, rootfd, (o->clone_flags & CLONE_NEWUSER) != 0, err) < 0)
    return -1;
  if (o->console_fd >= 0 && setup_terminal (o, rootfd, err) < 0)
    return -1;

  if (sync_report (o->sync_fd, SYNC_HOOKS_RUNTIME, NULL, err) < 0 || sync_expect (o->sync_fd, SYNC_OK, NULL, err) < 0)
    return -1;
  if (hooks_run (c, HOOK_CREATE_CONTAINER, state_json, err) < 0)
    return -1;

  if (rootfs_enter (rootfd, c->root_path, o->no_pivot, err) < 0)
    return -1;
  if (masked_paths_apply (c->masked_paths, err) < 0 || readonly_paths_apply (c->readonly_paths, err) < 0)
    return -1;
  return rootfs_finish (c, err);
}

/* Blocks until `start` opens the fifo for reading, then tells it we are going. The write end
 * stays open, close-on-exec: `start` waits for it to close, so it returns once the workload
 * runs (the poststart hooks then see it running) and a signal sent right after reaches the
 * workload, not an init without handlers that a pid namespace's PID 1 would drop. */
static int wait_for_start (int fifo_fd, int *started_fd, struct rw_error **err)
{
  int fd;
  do
    fd = open (fd_path (fifo_fd).s, O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return rw_error_set (err, errno, "open exec fifo");
  ssize_t n;
  do
    n = write (fd, "0", 1);
  while (n < 0 && errno == EINTR);
  if (n != 1)
    {
      close (fd);
      return rw_error_set (err, errno, "write exec fifo");
    }
  *started_fd = fd;
  return 0;
}

void container_init (const struct init_options *o)
{
  struct rw_error *err = NULL;
  cleanup_free char *state_json = NULL;
  cleanup_free char **env = NULL;
  struct process_launch launch = {
    .config = o->config,
    .process = o->config->process,
    .policy = o->process_policy,
    .container_policy = o->container_policy,
    .handler = o->handler,
    .n_preserved_fds = o->n_preserved_fds,
    .listen_fds = o->listen_fds,
    .listener_sock = -1,
  };
  int started_fd = -1;

  /* If the runtime dies before the container is created, so do we. (getppid() cannot
   * check for a runtime that died already: in a new pid namespace it is always 0; the sync
   * socket reports that instead.) */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || (o->non_dumpable && prctl (PR_SET_DUMPABLE, 0) < 0))
    _exit (127);
  /* Drop the runtime's fds, above all the state dir whose lock the next command waits for. */
  size_t n_trees = o->idmapped_trees ? o->config->n_mounts : 0, n_join = o->cgroup_join->n;
  int keep[4 + n_trees + n_join];
  keep[0] = o->sync_fd, keep[1] = o->fifo_fd, keep[2] = o->console_fd, keep[3] = o->cgroup_join->v2_dir;
  for (size_t i = 0; i < n_trees; i++)
    keep[4 + i] = o->idmapped_trees[i];
  for (size_t i = 0; i < n_join; i++)
    keep[4 + n_trees + i] = o->cgroup_join->fds[i];
  if (fds_close_except (3 + o->n_preserved_fds, keep, 4 + n_trees + n_join, &err) < 0)
    goto fail;
  if (sync_expect (o->sync_fd, SYNC_GO, &state_json, &err) < 0)
    goto fail;
  /* In the cgroup before anything else, and before the cgroup namespace is made. */
  if (cgroup_join_self (o->cgroup_join, &err) < 0)
    goto fail;
  cgroup_join_close (o->cgroup_join);
  launch.state_json = state_json;
  env = process_build_env (o->config->process, o->listen_fds);
  if (env == NULL)
    {
      rw_error_set (&err, ENOMEM, "environment");
      goto fail;
    }
  if (process_connect_seccomp_listener (&launch, &err) < 0 || build_container (o, state_json, &err) < 0
      || process_prepare (&launch, env, &err) < 0)
    goto fail;
  /* From here a runtime that dies makes the CREATED message fail, which ends us too. */
  prctl (PR_SET_PDEATHSIG, 0);
  /* All that can fail happens before `create` reports success, as in runc and crun. */
  if (process_finalize (&launch, env, &err) < 0)
    goto fail;
  if (sync_report (o->sync_fd, SYNC_CREATED, NULL, &err) < 0)
    _exit (255);
  close (o->sync_fd);

  if (wait_for_start (o->fifo_fd, &started_fd, &err) < 0)
    goto late_fail;
  close (o->fifo_fd);
  if (hooks_run (o->config, HOOK_START_CONTAINER, state_json, &err) < 0)
    goto late_fail;
  process_run (&launch, env, started_fd, &err);

late_fail:
  /* Past `create`: nobody reads the sync socket any more; stderr is the container's. */
  fprintf (stderr, "runwasm: %s\n", err ? err->msg : "container init failed");
  _exit (127);

fail:
  sync_report (o->sync_fd, SYNC_ERROR, err ? err->msg : "container init failed", NULL);
  _exit (255);
}
