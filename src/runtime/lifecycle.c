#include "runtime/lifecycle.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/fds.h"
#include "linux/mount_idmap.h"
#include "linux/namespaces.h"
#include "linux/selfexe.h"
#include "linux/terminal.h"
#include "runtime/config.h"
#include "runtime/console_proxy.h"
#include "runtime/handler.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/log.h"
#include "runtime/policy.h"
#include "runtime/state.h"
#include "runtime/sync.h"

const char *runtime_root (const struct runtime_options *ro)
{
  return ro->root ? ro->root : DEFAULT_STATE_ROOT;
}

int lifecycle_wait_status (pid_t pid, int *exit_code)
{
  int status = 0;
  pid_t w;
  do
    w = waitpid (pid, &status, 0);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return -1;
  *exit_code = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
  return 0;
}

/* Everything create has made so far, so a failure can undo exactly that. */
struct creation {
  struct oci_config *config;
  struct container_policy container_policy;
  struct process_policy process_policy;
  struct state_dir *sd;
  struct container_state state;
  struct cgroup *cgroup;
  struct cgroup_join join; /* the cgroup's files, for the child to join by itself */
  pid_t pid;
  int sync_fd;
  int fifo_fd;
  int console_fd;
  int console_peer;     /* our end when we receive the terminal ourselves (foreground run) */
  bool pid_file_written;
  const char *pid_file;
  int *idmapped_trees;  /* handed to the child at clone(), then closed here */
};

static void creation_release (struct creation *x)
{
  mount_idmap_close_trees (x->idmapped_trees, x->config ? x->config->n_mounts : 0);
  if (x->sync_fd >= 0)
    close (x->sync_fd);
  if (x->fifo_fd >= 0)
    close (x->fifo_fd);
  if (x->console_fd >= 0)
    close (x->console_fd);
  if (x->console_peer >= 0)
    close (x->console_peer);
  cgroup_join_close (&x->join);
  cgroup_free (x->cgroup);
  state_dir_close (x->sd);
  process_policy_release (&x->process_policy);
  container_policy_release (&x->container_policy);
  oci_config_free (x->config);
  free (x->state.id);
  free (x->state.bundle);
  free (x->state.rootfs);
  free (x->state.created);
  free (x->state.owner);
  json_object_put (x->state.annotations);
  json_object_put (x->state.cgroup);
}

static void creation_rollback (struct creation *x)
{
  struct rw_error *ignored = NULL;
  if (x->pid > 0)
    {
      kill (x->pid, SIGKILL);
      while (waitpid (x->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (x->cgroup && cgroup_destroy (x->cgroup, &ignored) < 0)
    {
      log_message (LOG_LEVEL_WARNING, "rollback: %s", ignored->msg);
      rw_error_free (&ignored);
    }
  if (x->pid_file_written)
    unlink (x->pid_file);
  if (x->sd && state_dir_remove (x->sd, &ignored) < 0)
    {
      log_message (LOG_LEVEL_WARNING, "rollback: %s", ignored->msg);
      rw_error_free (&ignored);
    }
}

static char *state_json_text (const struct container_state *st, enum container_status s)
{
  json_object *o = state_to_oci_json (st, s);
  char *text = strdup (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
  json_object_put (o);
  return text;
}

static char *owner_name (void)
{
  /* The common case without NSS: loading it costs more than the rest of `state`. */
  if (geteuid () == 0)
    return strdup ("root");
  struct passwd *pw = getpwuid (geteuid ());
  return strdup (pw ? pw->pw_name : "root");
}

static int load_config (const struct create_options *o, struct creation *x, char **bundle_out, struct rw_error **err)
{
  char resolved[PATH_MAX];
  if (realpath (o->bundle ? o->bundle : ".", resolved) == NULL)
    return rw_error_set (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  cleanup_free char *config_path = NULL;
  if (o->config_path)
    config_path = strdup (o->config_path);
  else if (asprintf (&config_path, "%s/config.json", resolved) < 0)
    config_path = NULL;
  if (config_path == NULL)
    return rw_error_set (err, ENOMEM, "config path");
  cleanup_free char *warning = NULL;
  if (oci_config_load (config_path, resolved, &x->config, &warning, err) < 0)
    return -1;
  if (warning)
    log_message (LOG_LEVEL_WARNING, "%s", warning);
  if (x->config->process == NULL)
    return rw_error_set (err, 0, "`%s`: process: required to create a container", config_path);
  struct stat st;
  if (stat (x->config->root_path, &st) < 0 || !S_ISDIR (st.st_mode))
    return rw_error_set (err, errno ? errno : ENOTDIR, "root.path: `%s`", x->config->root_path);
  if (oci_config_namespace (x->config, CLONE_NEWNS) == NULL)
    return rw_error_set (err, 0, "linux.namespaces: a mount namespace is required (runwasm does not mount a "
                                 "container's filesystems in the host's mount namespace)");
  *bundle_out = strdup (resolved);
  return 0;
}

static int create_cgroup (const struct runtime_options *ro, struct creation *x, struct rw_error **err)
{
  if (ro->cgroups_disabled)
    return 0;
  enum cgroup_manager manager;
  if (cgroup_manager_choose (ro->systemd_cgroup, &manager, err) < 0)
    return -1;
  struct cgroup_create_options opts = {
    .cgroups_path = x->config->cgroups_path,
    .id = x->state.id,
    .manager = manager,
  };
  if (cgroup_plan (&opts, &x->cgroup, err) < 0)
    return -1;
  if (x->cgroup == NULL)
    return 0;
  /* Recorded before it exists, so `delete --force` finds it whenever create dies. */
  x->state.cgroup = cgroup_to_json (x->cgroup);
  if (state_write (x->sd, &x->state, err) < 0 || cgroup_make (x->cgroup, err) < 0)
    return -1;
  /* A systemd scope is entered by the runtime (systemd moves the pid); see drive_child. */
  return x->cgroup->systemd ? 0 : cgroup_join_open (x->cgroup, &x->join, err);
}

/* The runtime's half of the sync protocol, from clone() to "created". */
static int drive_child (struct creation *x, bool new_userns, struct rw_error **err)
{
  if (new_userns && namespaces_write_id_mappings (x->pid, x->config, err) < 0)
    return -1;
  if (x->cgroup)
    {
      /* Otherwise the child joins by itself once it has GO (cgroup_join.c). */
      if (x->cgroup->systemd && cgroup_enter (x->cgroup, x->pid, err) < 0)
        return -1;
      if (cgroup_apply_resources (x->cgroup, x->container_policy.resources, err) < 0)
        return rw_error_wrap (err, "linux.resources");
    }
  if (state_process_start_time (x->pid, &x->state.pid_start_time, err) < 0 || state_write (x->sd, &x->state, err) < 0)
    return -1;
  /* The create-time hooks (prestart, createRuntime, createContainer) see "created", as with
   * crun and the runtime-tools suite (runc says "creating"): docs/conformance.md. */
  cleanup_free char *state_json = state_json_text (&x->state, STATUS_CREATED);
  if (sync_send (x->sync_fd, SYNC_GO, state_json, err) < 0)
    return -1;
  for (;;)
    {
      enum sync_msg type;
      cleanup_free char *payload = NULL;
      if (sync_recv (x->sync_fd, &type, &payload, err) < 0)
        return -1;
      switch (type)
        {
        case SYNC_HOOKS_RUNTIME:
          if (hooks_run (x->config, HOOK_PRESTART, state_json, err) < 0
              || hooks_run (x->config, HOOK_CREATE_RUNTIME, state_json, err) < 0)
            return -1;
          if (sync_send (x->sync_fd, SYNC_OK, NULL, err) < 0)
            return -1;
          break;
        case SYNC_CREATED:
          return 0;
        case SYNC_ERROR:
          return rw_error_set (err, 0, "%s", payload);
        default:
          return rw_error_set (err, EPROTO, "sync: unexpected message %d", type);
        }
    }
}

/* The host id that container id 0 maps to, or the id itself without a mapping. */
static unsigned host_root_id (const struct oci_id_mapping *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (m[i].container_id == 0)
      return m[i].host_id;
  return 0;
}

/* The child vanished during create (its end of the sync socket closed or reset): prefer the
 * kernel's reason when it is the OOM killer (a memory limit below what setting up the
 * container needs), else its status. The child's own words arrive as SYNC_ERROR instead. */
static void explain_child_death (struct creation *x, struct rw_error **err)
{
  if (err == NULL || *err == NULL
      || (strcmp ((*err)->msg, "container process exited") != 0 && (*err)->status != ECONNRESET))
    return;
  int code;
  pid_t w;
  do
    w = waitpid (x->pid, &code, 0);
  while (w < 0 && errno == EINTR);
  if (w != x->pid)
    return;
  x->pid = 0;
  uint64_t kills = 0;
  struct rw_error *ignored = NULL;
  const struct cgroup_resources *r = x->container_policy.resources;
  if (WIFSIGNALED (code) && WTERMSIG (code) == SIGKILL && r && r->memory.limit.set
      && cgroup_read_oom_kills (x->cgroup, &kills, &ignored) == 0 && kills > 0)
    {
      rw_error_free (err);
      rw_error_set (err, 0, "linux.resources.memory.limit: unable to set memory limit to %" PRId64 ": setting up the "
                    "container needs more (the kernel's OOM killer ended its process)", r->memory.limit.value);
      return;
    }
  rw_error_free (&ignored);
  rw_error_wrap (err, "status %d", WIFSIGNALED (code) ? 128 + WTERMSIG (code) : WEXITSTATUS (code));
}

static int do_create (const struct runtime_options *ro, const struct create_options *o, struct creation *x,
                      struct rw_error **err)
{
  /* First of all, so nothing is done twice: the container's init runs from this copy. */
  if (selfexe_ensure_sealed (ro->self_argv, err) < 0)
    return -1;
  cleanup_free char *bundle = NULL;
  if (state_validate_id (o->id, err) < 0 || load_config (o, x, &bundle, err) < 0)
    return -1;
  if (container_policy_parse (x->config, &x->container_policy, err) < 0
      || process_policy_parse (x->config->process, x->config->linux_json, &x->process_policy, err) < 0)
    return -1;
  if (x->container_policy.seccomp)
    {
      const char *const *unknown = NULL;
      size_t n = seccomp_profile_unknown_syscalls (x->container_policy.seccomp, &unknown);
      for (size_t i = 0; i < n; i++)
        log_message (LOG_LEVEL_DEBUG, "linux.seccomp: syscall `%s` unknown to libseccomp: its rule is skipped", unknown[i]);
    }
  if (x->process_policy.labels && lsm_check_available (x->process_policy.labels, NULL, err) < 0)
    return -1;
  const struct handler *handler = NULL;
  if (handler_choose (x->config, false, &handler, err) < 0)
    return -1;
  if (x->config->process->terminal && o->console_socket == NULL && !o->proxy_terminal)
    return rw_error_set (err, 0, "process.terminal: a terminal needs --console-socket");
  if (!x->config->process->terminal && o->console_socket)
    return rw_error_set (err, 0, "--console-socket given but process.terminal is false");

  if (state_dir_create (runtime_root (ro), o->id, &x->sd, err) < 0)
    return -1;
  x->state.id = strdup (o->id);
  x->state.bundle = strdup (bundle);
  x->state.rootfs = strdup (x->config->root_path);
  x->state.created = state_now_rfc3339 ();
  x->state.owner = owner_name ();
  x->state.creating = true;
  x->state.annotations = x->config->annotations ? json_object_get (x->config->annotations) : NULL;
  if (state_write (x->sd, &x->state, err) < 0
      || state_write_file_at (x->sd->dirfd, CONFIG_COPY_NAME,
                              json_object_to_json_string_ext (x->config->json, JSON_C_TO_STRING_PLAIN), err) < 0)
    return -1;
  if (mkfifoat (x->sd->dirfd, EXEC_FIFO_NAME, 0600) < 0)
    return rw_error_set (err, errno, "mkfifo `%s/" EXEC_FIFO_NAME "`", x->sd->path);
  /* The container's process opens it with its final ids, without capabilities, from inside
   * its user namespace if it has one: writable by all, like runc's. Only the process itself
   * reaches it, through its O_PATH fd; the state dir keeps others out. */
  if (fchownat (x->sd->dirfd, EXEC_FIFO_NAME, host_root_id (x->config->uid_mappings, x->config->n_uid_mappings),
                host_root_id (x->config->gid_mappings, x->config->n_gid_mappings), 0) < 0
      || fchmodat (x->sd->dirfd, EXEC_FIFO_NAME, 0622, 0) < 0)
    return rw_error_set (err, errno, "chown `%s/" EXEC_FIFO_NAME "`", x->sd->path);
  x->fifo_fd = openat (x->sd->dirfd, EXEC_FIFO_NAME, O_PATH | O_CLOEXEC);
  if (x->fifo_fd < 0)
    return rw_error_set (err, errno, "open `%s/" EXEC_FIFO_NAME "`", x->sd->path);
  if (create_cgroup (ro, x, err) < 0)
    return -1;
  if (o->console_socket && (x->console_fd = terminal_connect_console_socket (o->console_socket, err)) < 0)
    return -1;
  if (x->config->process->terminal && o->console_socket == NULL)
    {
      int ends[2];
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0)
        return rw_error_set (err, errno, "socketpair");
      x->console_peer = ends[0];
      x->console_fd = ends[1];
    }

  if (mount_idmap_open_trees (x->config, bundle, &x->idmapped_trees, err) < 0)
    return -1;
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    return rw_error_set (err, errno, "socketpair");
  x->sync_fd = pair[0];

  const struct oci_namespace *pidns = oci_config_namespace (x->config, CLONE_NEWPID);
  if (pidns && pidns->path && namespaces_join_path (pidns->path, CLONE_NEWPID, err) < 0)
    {
      close (pair[1]);
      return rw_error_wrap (err, "linux.namespaces");
    }
  int new_ns = namespaces_clone_flags (x->config);
  int listen_fds = fds_listen_count ();
  struct init_options init = {
    .config = x->config,
    .container_policy = &x->container_policy,
    .process_policy = &x->process_policy,
    .handler = handler,
    .bundle = bundle,
    .sync_fd = pair[1],
    .fifo_fd = x->fifo_fd,
    .console_fd = x->console_fd,
    .idmapped_trees = x->idmapped_trees,
    .cgroup_join = &x->join,
    .no_pivot = o->no_pivot,
    .new_keyring = !o->no_new_keyring,
    .non_dumpable = policy_runtime_non_dumpable (x->config),
    .n_preserved_fds = listen_fds + o->preserve_fds,
    .listen_fds = listen_fds,
    /* The cgroup namespace is created once the child is in its cgroup, so that cgroup is
     * the namespace's root. */
    .clone_flags = new_ns & ~CLONE_NEWCGROUP,
    .unshare_flags = new_ns & CLONE_NEWCGROUP,
  };
  x->pid = cgroup_join_clone (init.clone_flags, &x->join);
  if (x->pid < 0)
    {
      close (pair[1]);
      x->pid = 0;
      return rw_error_set (err, errno, "clone the container process");
    }
  if (x->pid == 0)
    {
      close (pair[0]);
      container_init (&init);
    }
  close (pair[1]);
  cgroup_join_close (&x->join);
  mount_idmap_close_trees (x->idmapped_trees, x->config->n_mounts);
  x->idmapped_trees = NULL;
  x->state.pid = x->pid;
  if (drive_child (x, (init.clone_flags & CLONE_NEWUSER) != 0, err) < 0)
    {
      explain_child_death (x, err);
      return -1;
    }

  if (o->pid_file)
    {
      char text[32];
      snprintf (text, sizeof text, "%d", x->pid);
      if (state_write_file (o->pid_file, text, err) < 0)
        return rw_error_wrap (err, "--pid-file");
      x->pid_file_written = true;
    }
  x->state.creating = false;
  log_message (LOG_LEVEL_DEBUG, "container `%s` created: pid %d", o->id, x->pid);
  return state_write (x->sd, &x->state, err);
}

static int create_keep (const struct runtime_options *ro, const struct create_options *o, struct creation *x,
                        struct rw_error **err)
{
  *x = (struct creation){ .sync_fd = -1, .fifo_fd = -1, .console_fd = -1, .console_peer = -1, .pid_file = o->pid_file,
                          .join = { .v2_dir = -1 } };
  if (do_create (ro, o, x, err) < 0)
    {
      creation_rollback (x);
      creation_release (x);
      return rw_error_wrap (err, "create container `%s`", o->id ? o->id : "");
    }
  return 0;
}

int container_create (const struct runtime_options *ro, const struct create_options *o, struct rw_error **err)
{
  struct creation x;
  if (create_keep (ro, o, &x, err) < 0)
    return -1;
  creation_release (&x);
  return 0;
}

/* Reads the config copy the container was created with. */
static int load_state_config (const struct state_dir *sd, const struct container_state *st,
                              struct oci_config **out, struct rw_error **err)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/" CONFIG_COPY_NAME, sd->path) < 0)
    return rw_error_set (err, ENOMEM, "config");
  return oci_config_load (path, st->bundle, out, NULL, err);
}

static int open_checked (const struct runtime_options *ro, const char *id, struct state_dir **sd,
                         struct container_state **st, enum container_status *status, struct rw_error **err)
{
  if (state_dir_open (runtime_root (ro), id, true, sd, err) < 0)
    return -1;
  if (state_read (*sd, st, err) < 0)
    return -1;
  *status = state_status (*sd, *st);
  return 0;
}

static void run_hooks_warn (const struct oci_config *c, enum oci_hook_kind kind, const struct container_state *st,
                            enum container_status s)
{
  if (c->hooks[kind].len == 0)
    return;
  cleanup_free char *json = state_json_text (st, s);
  hooks_run_warn (c, kind, json);
}

/* Opens the fifo for reading, which releases the init blocked on its write side; returns once
 * the init has closed it, which it does as the workload starts (execve, or entering the Wasm
 * module), so the poststart hooks and whoever signals the container after `start` find the
 * workload running. */
static int release_init (const struct state_dir *sd, const struct container_state *st, struct rw_error **err)
{
  cleanup_close int fd = openat (sd->dirfd, EXEC_FIFO_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s/" EXEC_FIFO_NAME "`", sd->path);
  bool released = false;
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int r = poll (&p, 1, 100);
      if (r < 0 && errno != EINTR)
        return rw_error_set (err, errno, "wait for the container to start");
      char c;
      ssize_t n = r > 0 ? read (fd, &c, 1) : -1;
      if (n == 1 && !released)
        {
          released = true;
          if (unlinkat (sd->dirfd, EXEC_FIFO_NAME, 0) < 0)
            return rw_error_set (err, errno, "remove `%s/" EXEC_FIFO_NAME "`", sd->path);
        }
      if (released && n == 0)
        return 0;
      if (!state_process_alive (st->pid, st->pid_start_time))
        {
          if (released)
            return 0;
          return rw_error_set (err, 0, "container process exited before it could start");
        }
    }
}

/* `known`: the config `run` created the container with (the state's copy holds the same),
 * or NULL to read the copy. */
static int start_locked (const struct state_dir *sd, const struct container_state *st, enum container_status s,
                         const struct oci_config *known, struct rw_error **err)
{
  if (s != STATUS_CREATED)
    return rw_error_set (err, 0, "cannot start container `%s`: it is %s, not created", st->id, state_status_name (s));
  cleanup_config struct oci_config *loaded = NULL;
  const struct oci_config *config = known;
  if ((config == NULL && load_state_config (sd, st, &loaded, err) < 0) || release_init (sd, st, err) < 0)
    return -1;
  if (config == NULL)
    config = loaded;
  log_message (LOG_LEVEL_DEBUG, "container `%s` started", st->id);
  run_hooks_warn (config, HOOK_POSTSTART, st, STATUS_RUNNING);
  return 0;
}

int container_start (const struct runtime_options *ro, const char *id, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  enum container_status s;
  if (open_checked (ro, id, &sd, &st, &s, err) < 0 || start_locked (sd, st, s, NULL, err) < 0)
    return rw_error_wrap (err, "start container `%s`", id);
  return 0;
}

static int signal_container (const struct container_state *st, int signo, bool all, struct rw_error **err)
{
  if (all && st->cgroup)
    {
      struct cgroup *cg = NULL;
      if (cgroup_from_json (st->cgroup, &cg, err) < 0)
        return -1;
      int r = cgroup_kill_all (cg, signo, err);
      cgroup_free (cg);
      return r;
    }
  if (kill (st->pid, signo) < 0)
    return rw_error_set (err, errno, "kill %d", st->pid);
  return 0;
}

int container_kill (const struct runtime_options *ro, const char *id, int signo, bool all, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  enum container_status s;
  if (open_checked (ro, id, &sd, &st, &s, err) < 0)
    return rw_error_wrap (err, "kill container `%s`", id);
  /* --all also sweeps what is left in a stopped container's cgroup: containerd's CRI does that
   * after every exit and treats an error as a failed stop. */
  if (s == STATUS_STOPPED && all)
    return st->cgroup && signal_container (st, signo, true, err) < 0 ? rw_error_wrap (err, "kill container `%s`", id) : 0;
  /* "container not running" are the words containerd-shim and podman take for "already gone". */
  if (s == STATUS_STOPPED || s == STATUS_CREATING)
    return rw_error_set (err, 0, "kill container `%s`: container not running (%s)", id, state_status_name (s));
  if (signal_container (st, signo, all, err) < 0)
    return rw_error_wrap (err, "kill container `%s`", id);
  return 0;
}

static void wait_until_dead (pid_t pid, unsigned long long start_time)
{
  /* Not our child in general (create exited): poll until it is gone or a zombie. */
  for (int i = 0; i < 1000 && state_process_alive (pid, start_time); i++)
    {
      if (waitpid (pid, NULL, WNOHANG) == pid)
        return;
      struct timespec ts = { 0, 5 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
}

/* `known` as for start_locked. */
static int delete_locked (struct state_dir *sd, const struct container_state *st, enum container_status s,
                          bool force, const struct oci_config *known, struct rw_error **err)
{
  if ((s == STATUS_RUNNING || s == STATUS_PAUSED) && !force)
    return rw_error_set (err, 0, "container `%s` is %s: stop it first or use --force", sd->id, state_status_name (s));
  cleanup_config struct oci_config *loaded = NULL;
  const struct oci_config *config = known;
  struct rw_error *config_err = NULL;
  if (config == NULL && load_state_config (sd, st, &loaded, &config_err) < 0)
    {
      /* A create that died early may not have written it: nothing to run then. */
      if (!force)
        {
          rw_error_merge (err, &config_err);
          return -1;
        }
      rw_error_free (&config_err);
    }
  if (config == NULL)
    config = loaded;

  struct cgroup *cg = NULL;
  if (st->cgroup && cgroup_from_json (st->cgroup, &cg, err) < 0)
    return -1;
  /* A create that died half-way is "stopped" but may have left its init in the cgroup. */
  if (s != STATUS_STOPPED || st->creating)
    {
      if (cg)
        {
          struct rw_error *ignored = NULL;
          if (s == STATUS_PAUSED)
            cgroup_freeze (cg, false, &ignored);
          rw_error_free (&ignored);
          cgroup_kill_all (cg, SIGKILL, &ignored);
          rw_error_free (&ignored);
        }
      if (st->pid > 0 && state_process_alive (st->pid, st->pid_start_time))
        kill (st->pid, SIGKILL);
      if (st->pid > 0)
        wait_until_dead (st->pid, st->pid_start_time);
    }
  int r = 0;
  if (cg)
    {
      r = cgroup_destroy (cg, err);
      cgroup_free (cg);
      if (r < 0 && !force)
        return -1;
      if (r < 0)
        {
          log_message (LOG_LEVEL_WARNING, "%s", (*err)->msg);
          rw_error_free (err);
        }
    }
  if (state_dir_remove (sd, err) < 0)
    return -1;
  log_message (LOG_LEVEL_DEBUG, "container `%s` deleted", sd->id);
  if (config)
    run_hooks_warn (config, HOOK_POSTSTOP, st, STATUS_STOPPED);
  return 0;
}

static int delete_container (const struct runtime_options *ro, const char *id, bool force,
                             const struct oci_config *known, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  if (state_dir_open (runtime_root (ro), id, true, &sd, err) < 0)
    {
      /* Like runc: forcing the deletion of what is already gone succeeds. */
      if (force && *err && (*err)->status == ENOENT)
        {
          rw_error_free (err);
          return 0;
        }
      return rw_error_wrap (err, "delete container `%s`", id);
    }
  if (state_read (sd, &st, err) < 0)
    {
      if (!force)
        return rw_error_wrap (err, "delete container `%s`", id);
      /* Interrupted before its first state write: only the directory exists. */
      rw_error_free (err);
      if (state_dir_remove (sd, err) < 0)
        return rw_error_wrap (err, "delete container `%s`", id);
      return 0;
    }
  if (delete_locked (sd, st, state_status (sd, st), force, known, err) < 0)
    return rw_error_wrap (err, "delete container `%s`", id);
  return 0;
}

int container_delete (const struct runtime_options *ro, const char *id, bool force, struct rw_error **err)
{
  return delete_container (ro, id, force, NULL, err);
}

int container_pause (const struct runtime_options *ro, const char *id, bool pause, struct rw_error **err)
{
  const char *verb = pause ? "pause" : "resume";
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  enum container_status s;
  if (open_checked (ro, id, &sd, &st, &s, err) < 0)
    return rw_error_wrap (err, "%s container `%s`", verb, id);
  if (pause ? s != STATUS_RUNNING && s != STATUS_CREATED : s != STATUS_PAUSED)
    return rw_error_set (err, 0, "%s container `%s`: container is %s", verb, id, state_status_name (s));
  if (st->cgroup == NULL)
    return rw_error_set (err, ENOTSUP, "%s container `%s`: it has no cgroup (--cgroup-manager disabled)", verb, id);
  struct cgroup *cg = NULL;
  if (cgroup_from_json (st->cgroup, &cg, err) < 0)
    return rw_error_wrap (err, "%s container `%s`", verb, id);
  int r = cgroup_freeze (cg, pause, err);
  cgroup_free (cg);
  if (r < 0)
    return rw_error_wrap (err, "%s container `%s`", verb, id);
  st->paused = pause;
  return state_write (sd, st, err);
}

int container_update (const struct runtime_options *ro, const char *id, json_object *resources, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  enum container_status s;
  if (open_checked (ro, id, &sd, &st, &s, err) < 0)
    return rw_error_wrap (err, "update container `%s`", id);
  if (s == STATUS_STOPPED)
    return rw_error_set (err, 0, "update container `%s`: container is stopped", id);
  if (st->cgroup == NULL)
    return rw_error_set (err, ENOTSUP, "update container `%s`: it has no cgroup (--cgroup-manager disabled)", id);
  struct cgroup *cg = NULL;
  if (cgroup_from_json (st->cgroup, &cg, err) < 0)
    return rw_error_wrap (err, "update container `%s`", id);
  int r = cgroup_update (cg, resources, err);
  cgroup_free (cg);
  if (r < 0)
    return rw_error_wrap (err, "update container `%s`", id);
  return 0;
}

static int state_of (const struct runtime_options *ro, const char *id, json_object **out, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  if (state_dir_open (runtime_root (ro), id, false, &sd, err) < 0 || state_read (sd, &st, err) < 0)
    return -1;
  *out = state_to_oci_json (st, state_status (sd, st));
  return 0;
}

int container_state (const struct runtime_options *ro, const char *id, json_object **out, struct rw_error **err)
{
  if (state_of (ro, id, out, err) < 0)
    return rw_error_wrap (err, "state of container `%s`", id);
  return 0;
}

int container_list (const struct runtime_options *ro, json_object **out, struct rw_error **err)
{
  char **ids = NULL;
  if (state_list_ids (runtime_root (ro), &ids, err) < 0)
    return -1;
  json_object *arr = json_object_new_array ();
  for (char **id = ids; *id; id++)
    {
      json_object *o = NULL;
      struct rw_error *ignored = NULL;
      /* A container deleted meanwhile, or half-created without state, is just skipped. */
      if (state_of (ro, *id, &o, &ignored) == 0)
        json_object_array_add (arr, o);
      rw_error_free (&ignored);
      free (*id);
    }
  free (ids);
  *out = arr;
  return 0;
}

int container_pids (const struct runtime_options *ro, const char *id, pid_t **pids, size_t *n, struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  if (state_dir_open (runtime_root (ro), id, false, &sd, err) < 0 || state_read (sd, &st, err) < 0)
    return rw_error_wrap (err, "ps container `%s`", id);
  /* As runc: a stopped container has no processes, which is not an error. */
  if (state_status (sd, st) == STATUS_STOPPED)
    {
      *pids = NULL;
      *n = 0;
      return 0;
    }
  if (st->cgroup == NULL)
    {
      /* No cgroup to ask: the init is all we know of. */
      *pids = malloc (sizeof (pid_t));
      if (*pids == NULL)
        return rw_error_set (err, ENOMEM, "ps");
      (*pids)[0] = st->pid;
      *n = 1;
      return 0;
    }
  struct cgroup *cg = NULL;
  if (cgroup_from_json (st->cgroup, &cg, err) < 0)
    return rw_error_wrap (err, "ps container `%s`", id);
  int r = cgroup_list_pids (cg, pids, n, err);
  cgroup_free (cg);
  if (r < 0)
    return rw_error_wrap (err, "ps container `%s`", id);
  return 0;
}

/* A container killed for its memory limit says so, rather than ending with a bare 137. */
static void report_oom_kill (const char *id, const struct cgroup *cg)
{
  uint64_t kills = 0, limit = 0;
  bool limited = false;
  struct rw_error *ignored = NULL;
  if (cgroup_read_oom_kills (cg, &kills, &ignored) < 0 || kills == 0
      || cgroup_read_memory_limit (cg, &limited, &limit, &ignored) < 0)
    {
      rw_error_free (&ignored);
      return;
    }
  if (limited)
    log_message (LOG_LEVEL_ERROR, "container `%s` was killed by the kernel's OOM killer: it reached its memory limit "
                 "(linux.resources.memory.limit %" PRIu64 " bytes)", id, limit);
  else
    log_message (LOG_LEVEL_ERROR, "container `%s` was killed by the kernel's OOM killer", id);
}

static volatile sig_atomic_t forward_pid;

static void forward_signal (int signo)
{
  if (forward_pid > 0)
    kill (forward_pid, signo);
}

/* Waits for `pid`, reaping on the way the orphans a subreaper inherits. */
static int wait_reaping (pid_t pid, int *exit_code)
{
  for (;;)
    {
      int status = 0;
      pid_t w = waitpid (-1, &status, 0);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      if (w == pid)
        {
          *exit_code = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
          return 0;
        }
    }
}

int container_run (const struct runtime_options *ro, const struct create_options *o, bool detach, int *exit_code,
                   struct rw_error **err)
{
  struct creation x;
  struct create_options with_proxy = *o;
  with_proxy.proxy_terminal = !detach;
  /* Like runc: the processes a container without its own pid namespace leaves behind are
   * reparented to us, not to the host's init, and reaped. */
  if (!detach && !o->no_subreaper && prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    return rw_error_set (err, errno, "run container `%s`: prctl PR_SET_CHILD_SUBREAPER", o->id);
  if (create_keep (ro, &with_proxy, &x, err) < 0)
    return -1;
  cleanup_close int master = -1;
  if (x.console_peer >= 0 && (master = console_proxy_receive_master (x.console_peer, err)) < 0)
    {
      creation_rollback (&x);
      creation_release (&x);
      return rw_error_wrap (err, "run container `%s`", o->id);
    }
  enum container_status s = state_status (x.sd, &x.state);
  if (start_locked (x.sd, &x.state, s, x.config, err) < 0)
    {
      creation_rollback (&x);
      creation_release (&x);
      return rw_error_wrap (err, "run container `%s`", o->id);
    }
  *exit_code = 0;
  /* Let go of the lock now: kill, exec, pause... from other processes must not wait for
   * the container to exit. */
  state_dir_close (x.sd);
  x.sd = NULL;
  if (detach)
    {
      creation_release (&x);
      return 0;
    }
  /* Signals to `run` are meant for the container. */
  static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  forward_pid = x.pid;
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaction (forwarded[i], &sa, NULL);
  struct rw_error *proxy_err = NULL;
  if (master >= 0 && console_proxy_run (master, x.pid, &proxy_err) < 0)
    {
      log_message (LOG_LEVEL_WARNING, "%s", proxy_err->msg);
      rw_error_free (&proxy_err);
    }
  if (wait_reaping (x.pid, exit_code) < 0)
    *exit_code = 255;
  forward_pid = 0;
  if (*exit_code == 128 + SIGKILL)
    report_oom_kill (o->id, x.cgroup);
  x.pid = 0;
  int r = o->keep ? 0 : delete_container (ro, o->id, true, x.config, err);
  creation_release (&x);
  return r;
}
