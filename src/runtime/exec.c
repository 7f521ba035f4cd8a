#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/fds.h"
#include "linux/namespaces.h"
#include "linux/selfexe.h"
#include "linux/terminal.h"
#include "runtime/config.h"
#include "runtime/handler.h"
#include "runtime/policy.h"
#include "runtime/process.h"
#include "runtime/state.h"
#include "runtime/sync.h"

#define ALL_NAMESPACES (CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWNS)

static json_object *strv_json (char **v)
{
  json_object *arr = json_object_new_array ();
  for (; v && *v; v++)
    json_object_array_add (arr, json_object_new_string (*v));
  return arr;
}

static int parse_user (const char *spec, json_object *user, struct rw_error **err)
{
  char *end = NULL;
  errno = 0;
  unsigned long uid = strtoul (spec, &end, 10);
  if (end == spec || errno || (*end && *end != ':'))
    return rw_error_set (err, 0, "--user `%s`: expected UID[:GID] (names are not supported)", spec);
  json_object_object_add (user, "uid", json_object_new_int64 (uid));
  if (*end == ':')
    {
      const char *g = end + 1;
      unsigned long gid = strtoul (g, &end, 10);
      if (end == g || *end)
        return rw_error_set (err, 0, "--user `%s`: expected UID[:GID]", spec);
      json_object_object_add (user, "gid", json_object_new_int64 (gid));
    }
  return 0;
}

static json_object *child_array (json_object *parent, const char *key)
{
  json_object *arr = NULL;
  if (!json_object_object_get_ex (parent, key, &arr) || !json_object_is_type (arr, json_type_array))
    {
      arr = json_object_new_array ();
      json_object_object_add (parent, key, arr);
    }
  return arr;
}

static int add_gids (char **gids, json_object *user, struct rw_error **err)
{
  for (char **g = gids; g && *g; g++)
    {
      char *end = NULL;
      errno = 0;
      unsigned long gid = strtoul (*g, &end, 10);
      if (end == *g || *end || errno || gid > UINT32_MAX)
        return rw_error_set (err, 0, "--additional-gids `%s`: expected a numeric gid", *g);
      json_object_array_add (child_array (user, "additionalGids"), json_object_new_int64 (gid));
    }
  return 0;
}

/* As runc: a capability given with --cap joins the bounding, effective and permitted sets. */
static void add_caps (char **caps, json_object *process)
{
  if (caps == NULL || caps[0] == NULL)
    return;
  json_object *c = NULL;
  if (!json_object_object_get_ex (process, "capabilities", &c) || !json_object_is_type (c, json_type_object))
    {
      c = json_object_new_object ();
      json_object_object_add (process, "capabilities", c);
    }
  static const char *const sets[] = { "bounding", "effective", "permitted" };
  for (char **cap = caps; *cap; cap++)
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
      json_object_array_add (child_array (c, sets[i]), json_object_new_string (*cap));
}

/* The process to run: --process FILE as given, or the container's process with the command
 * line and flags applied on top (as runc does). */
static int build_process (const struct exec_options *o, const struct oci_config *config, struct oci_process **out,
                          struct rw_error **err)
{
  if (o->process_path)
    {
      json_object *obj = json_object_from_file (o->process_path);
      if (obj == NULL)
        return rw_error_set (err, errno ? errno : EINVAL, "--process: read `%s`: %s", o->process_path,
                             json_util_get_last_err () ? json_util_get_last_err () : "invalid JSON");
      int r = oci_process_parse (obj, "process", out, err);
      json_object_put (obj);
      if (r < 0)
        return rw_error_wrap (err, "--process `%s`", o->process_path);
      return 0;
    }
  if (o->args == NULL || o->args[0] == NULL)
    return rw_error_set (err, 0, "exec: no command given (use --process FILE or ID COMMAND [ARG...])");
  json_object *obj = NULL;
  if (config->process == NULL || json_object_deep_copy (config->process->json, &obj, NULL) < 0)
    obj = json_object_new_object ();
  json_object_object_add (obj, "args", strv_json (o->args));
  json_object_object_add (obj, "terminal", json_object_new_boolean (o->tty));
  if (o->cwd)
    json_object_object_add (obj, "cwd", json_object_new_string (o->cwd));
  if (!json_object_object_get_ex (obj, "cwd", NULL))
    json_object_object_add (obj, "cwd", json_object_new_string ("/"));
  json_object *env = NULL;
  if (!json_object_object_get_ex (obj, "env", &env))
    {
      env = json_object_new_array ();
      json_object_object_add (obj, "env", env);
    }
  for (char **e = o->env; e && *e; e++)
    json_object_array_add (env, json_object_new_string (*e));
  json_object *user = NULL;
  if (!json_object_object_get_ex (obj, "user", &user))
    {
      user = json_object_new_object ();
      json_object_object_add (user, "uid", json_object_new_int (0));
      json_object_object_add (user, "gid", json_object_new_int (0));
      json_object_object_add (obj, "user", user);
    }
  if ((o->user && parse_user (o->user, user, err) < 0) || add_gids (o->additional_gids, user, err) < 0)
    {
      json_object_put (obj);
      return -1;
    }
  if (o->no_new_privs)
    json_object_object_add (obj, "noNewPrivileges", json_object_new_boolean (true));
  add_caps (o->caps, obj);
  if (o->apparmor)
    json_object_object_add (obj, "apparmorProfile", json_object_new_string (o->apparmor));
  if (o->process_label)
    json_object_object_add (obj, "selinuxLabel", json_object_new_string (o->process_label));
  int r = oci_process_parse (obj, "process", out, err);
  json_object_put (obj);
  return r;
}

struct exec_child {
  const struct oci_config *config;
  struct process_launch launch;
  pid_t container_pid;
  bool non_dumpable;
  int sync_fd;
  int console_fd;
  struct cgroup_join *cgroup_join; /* empty: no cgroup, or entered by the runtime (systemd) */
};

__attribute__ ((noreturn)) static void exec_child_main (struct exec_child *c)
{
  struct rw_error *err = NULL;
  cleanup_free char **env = NULL;
  size_t n_join = c->cgroup_join->n;
  int keep[3 + n_join];
  keep[0] = c->sync_fd, keep[1] = c->console_fd, keep[2] = c->cgroup_join->v2_dir;
  for (size_t i = 0; i < n_join; i++)
    keep[3 + i] = c->cgroup_join->fds[i];
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || (c->non_dumpable && prctl (PR_SET_DUMPABLE, 0) < 0)
      || fds_close_except (3 + c->launch.n_preserved_fds, keep, 3 + n_join, &err) < 0
      || sync_expect (c->sync_fd, SYNC_GO, NULL, &err) < 0)
    goto fail;
  /* Into the cgroup first, as the container's init does (cgroup_join.c says why by itself). */
  if (cgroup_join_self (c->cgroup_join, &err) < 0)
    goto fail;
  cgroup_join_close (c->cgroup_join);
  if (process_connect_seccomp_listener (&c->launch, &err) < 0
      || namespaces_join_process (c->container_pid, ALL_NAMESPACES, &err) < 0)
    goto fail;
  if (c->console_fd >= 0)
    {
      cleanup_close int root = open ("/", O_PATH | O_CLOEXEC);
      int master = -1, slave = -1;
      const struct oci_process *p = c->launch.process;
      if (terminal_open_pty (root, "/dev/ptmx", p->console_height, p->console_width, &master, &slave, &err) < 0
          || terminal_send_master (c->console_fd, master, &err) < 0 || terminal_become_controlling (slave, &err) < 0)
        goto fail;
      close (master);
      close (slave);
      close (c->console_fd);
    }
  env = process_build_env (c->launch.process, c->launch.listen_fds);
  if (env == NULL)
    {
      rw_error_set (&err, ENOMEM, "environment");
      goto fail;
    }
  if (process_prepare (&c->launch, env, &err) < 0)
    goto fail;
  /* A detached exec outlives us; an attached one is reaped by us anyway. */
  prctl (PR_SET_PDEATHSIG, 0);
  /* The sync socket closes when the workload runs: that is when `exec` reports success. */
  if (process_finalize (&c->launch, env, &err) == 0)
    process_run (&c->launch, env, c->sync_fd, &err);
fail:
  sync_report (c->sync_fd, SYNC_ERROR, err ? err->msg : "exec failed", NULL);
  _exit (255);
}

/* --cgroup SUB: the process goes into SUB under the container's cgroup, in every hierarchy
 * (it must exist). The per-controller form CONTROLLER:SUB is refused. */
static int enter_sub_cgroup (struct cgroup *cg, const char *sub, struct rw_error **err)
{
  if (cg == NULL)
    return rw_error_set (err, ENOTSUP, "--cgroup: the container has no cgroup (--cgroup-manager disabled)");
  if (strchr (sub, ':'))
    return rw_error_set (err, ENOTSUP, "--cgroup `%s`: CONTROLLER:PATH is not supported; give a sub-cgroup for all controllers", sub);
  for (const char *p = sub; *p; p = *p ? p + 1 : p)
    {
      size_t len = strcspn (p, "/");
      if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
        return rw_error_set (err, EINVAL, "--cgroup `%s`: expected a relative path without `.` or `..`", sub);
      p += len;
    }
  char *path = NULL;
  if (asprintf (&path, "%s/%s", cg->path, sub) < 0)
    return rw_error_set (err, ENOMEM, "--cgroup");
  free (cg->path);
  cg->path = path;
  return 0;
}

static int do_exec (const struct runtime_options *ro, const struct exec_options *o, int *exit_code,
                    struct rw_error **err)
{
  cleanup_state_dir struct state_dir *sd = NULL;
  cleanup_state struct container_state *st = NULL;
  if (state_dir_open (runtime_root (ro), o->id, false, &sd, err) < 0 || state_read (sd, &st, err) < 0)
    return -1;
  enum container_status s = state_status (sd, st);
  if (s == STATUS_PAUSED && !o->ignore_paused)
    return rw_error_set (err, 0, "container is paused (use --ignore-paused to override)");
  if (s != STATUS_RUNNING && s != STATUS_CREATED && s != STATUS_PAUSED)
    return rw_error_set (err, 0, "container is %s", state_status_name (s));

  cleanup_config struct oci_config *config = NULL;
  cleanup_free char *config_path = NULL;
  if (asprintf (&config_path, "%s/" CONFIG_COPY_NAME, sd->path) < 0)
    return rw_error_set (err, ENOMEM, "config");
  if (oci_config_load (config_path, st->bundle, &config, NULL, err) < 0)
    return -1;
  cleanup_process struct oci_process *process = NULL;
  if (build_process (o, config, &process, err) < 0)
    return -1;
  if (process->terminal && o->console_socket == NULL)
    return rw_error_set (err, 0, "--tty needs --console-socket");
  const struct handler *handler = NULL;
  if (handler_choose (config, true, &handler, err) < 0)
    return -1;

  struct process_policy pp;
  struct container_policy cp;
  if (process_policy_parse (process, config->linux_json, &pp, err) < 0)
    return -1;
  if (pp.labels && lsm_check_available (pp.labels, NULL, err) < 0)
    {
      process_policy_release (&pp);
      return -1;
    }
  if (container_policy_parse (config, &cp, err) < 0)
    {
      process_policy_release (&pp);
      return -1;
    }
  if (selfexe_ensure_sealed (ro->self_argv, err) < 0)
    {
      process_policy_release (&pp);
      container_policy_release (&cp);
      return -1;
    }
  struct cgroup *cg = NULL;
  struct cgroup_join join = { .v2_dir = -1 };
  cleanup_free char *payload = NULL;
  cleanup_close int console_fd = -1;
  int pair[2] = { -1, -1 };
  pid_t pid = -1;
  int r = -1;
  int listen_fds = fds_listen_count ();
  if (st->cgroup && cgroup_from_json (st->cgroup, &cg, err) < 0)
    goto out;
  if (o->cgroup && enter_sub_cgroup (cg, o->cgroup, err) < 0)
    goto out;
  if (cg && !cg->systemd && cgroup_join_open (cg, &join, err) < 0)
    goto out;
  if (o->console_socket && (console_fd = terminal_connect_console_socket (o->console_socket, err)) < 0)
    goto out;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    {
      rw_error_set (err, errno, "socketpair");
      goto out;
    }
  /* A pid namespace is entered by the children of whoever joins it. */
  if (namespaces_join_process (st->pid, CLONE_NEWPID, err) < 0)
    goto out;
  pid = cgroup_join_clone (0, &join);
  if (pid < 0)
    {
      rw_error_set (err, errno, "fork");
      goto out;
    }
  if (pid == 0)
    {
      close (pair[0]);
      struct exec_child child = {
        .config = config,
        .launch = { .config = config, .process = process, .policy = &pp, .container_policy = &cp,
                    .handler = handler, .n_preserved_fds = listen_fds + o->preserve_fds, .listen_fds = listen_fds,
                    .listener_sock = -1 },
        .container_pid = st->pid,
        .non_dumpable = policy_runtime_non_dumpable (config),
        .sync_fd = pair[1],
        .console_fd = console_fd,
        .cgroup_join = &join,
      };
      exec_child_main (&child);
    }
  close (pair[1]);
  pair[1] = -1;
  cgroup_join_close (&join);
  if (cg && cg->systemd && cgroup_enter (cg, pid, err) < 0)
    goto out;
  if (sync_send (pair[0], SYNC_GO, NULL, err) < 0)
    goto out;
  /* The socket closes on execve: end of file is success, a message is the child's error. */
  enum sync_msg type;
  struct rw_error *eof = NULL;
  if (sync_recv (pair[0], &type, &payload, &eof) == 0)
    {
      rw_error_set (err, 0, "%s", type == SYNC_ERROR ? payload : "exec: unexpected message");
      goto out;
    }
  rw_error_free (&eof);
  if (o->pid_file)
    {
      char text[32];
      snprintf (text, sizeof text, "%d", pid);
      if (state_write_file (o->pid_file, text, err) < 0)
        {
          rw_error_wrap (err, "--pid-file");
          goto out;
        }
    }
  r = 0;
  if (!o->detach)
    {
      if (lifecycle_wait_status (pid, exit_code) < 0)
        *exit_code = 255;
    }
  pid = -1;
out:
  if (r < 0 && pid > 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
    }
  if (pair[0] >= 0)
    close (pair[0]);
  if (pair[1] >= 0)
    close (pair[1]);
  cgroup_join_close (&join);
  cgroup_free (cg);
  process_policy_release (&pp);
  container_policy_release (&cp);
  return r;
}

int container_exec (const struct runtime_options *ro, const struct exec_options *o, int *exit_code,
                    struct rw_error **err)
{
  *exit_code = 0;
  if (do_exec (ro, o, exit_code, err) < 0)
    return rw_error_wrap (err, "exec in container `%s`", o->id);
  return 0;
}
