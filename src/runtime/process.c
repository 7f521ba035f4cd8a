#include "runtime/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/fds.h"

static bool has_var (char **env, const char *name)
{
  size_t len = strlen (name);
  for (char **e = env; e && *e; e++)
    if (strncmp (*e, name, len) == 0 && (*e)[len] == '=')
      return true;
  return false;
}

/* HOME from the image's /etc/passwd, read directly: NSS would load libraries from the
 * container into the runtime. */
static char *home_of (uid_t uid)
{
  cleanup_fclose FILE *f = fopen ("/etc/passwd", "re");
  char line[1024];
  while (f && fgets (line, sizeof line, f))
    {
      char *fields[7] = { 0 };
      char *save = NULL, *p = line;
      int n = 0;
      for (char *tok; n < 7 && (tok = strsep (&p, ":")); n++)
        fields[n] = tok;
      (void) save;
      if (n >= 6 && (uid_t) strtoul (fields[2], NULL, 10) == uid && fields[5][0])
        return strdup (fields[5]);
    }
  return strdup ("/");
}

char **process_build_env (const struct oci_process *p, int listen_fds)
{
  size_t n = 0;
  while (p->env[n])
    n++;
  char **env = calloc (n + 4, sizeof *env);
  if (env == NULL)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!(listen_fds && (strncmp (p->env[i], "LISTEN_FDS=", 11) == 0 || strncmp (p->env[i], "LISTEN_PID=", 11) == 0)))
      env[k++] = p->env[i];
  if (listen_fds)
    {
      /* The process will be pid 1 of its namespace, or in any case the one the fds are for. */
      if (asprintf (&env[k], "LISTEN_FDS=%d", listen_fds) >= 0)
        k++;
      env[k++] = (char *) "LISTEN_PID=1";
    }
  if (!has_var (env, "HOME"))
    {
      cleanup_free char *home = home_of (p->uid);
      if (home && asprintf (&env[k], "HOME=%s", home) >= 0)
        k++;
    }
  env[k] = NULL;
  return env;
}

static int write_oom_score_adj (int value, struct rw_error **err)
{
  cleanup_close int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  char buf[16];
  int len = snprintf (buf, sizeof buf, "%d", value);
  if (fd < 0 || write (fd, buf, len) != len)
    return rw_error_set (err, errno, "process.oomScoreAdj: write %d to /proc/self/oom_score_adj", value);
  return 0;
}

int process_prepare (struct process_launch *l, char **env, struct rw_error **err)
{
  const struct oci_process *p = l->process;
  if (chdir (p->cwd) < 0)
    return rw_error_set (err, errno, "process.cwd: chdir `%s`", p->cwd);
  if (p->has_oom_score_adj && write_oom_score_adj (p->oom_score_adj, err) < 0)
    return -1;
  if (l->policy->rlimits && rlimits_apply (l->policy->rlimits, err) < 0)
    return -1;
  if (l->container_policy->personality && personality_apply (l->container_policy->personality, err) < 0)
    return -1;
  struct handler_context ctx = { l->config, p, env, -1 };
  if (l->handler->prepare && l->handler->prepare (&ctx, &l->handler_data, err) < 0)
    return -1;
  return 0;
}

static int set_ids (const struct oci_process *p, struct rw_error **err)
{
  if (setgroups (p->n_additional_gids, p->additional_gids) < 0 && !(errno == EPERM && p->n_additional_gids == 0))
    return rw_error_set (err, errno, "process.user.additionalGids: setgroups");
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return rw_error_set (err, errno, "process.user.gid: setgid %u", p->gid);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return rw_error_set (err, errno, "process.user.uid: setuid %u", p->uid);
  return 0;
}

static int apply_seccomp (struct process_launch *l, struct rw_error **err)
{
  const struct seccomp_profile *profile = l->container_policy->seccomp;
  int notify_fd = -1;
  if (seccomp_profile_apply (profile, &notify_fd, err) < 0)
    return -1;
  if (notify_fd >= 0)
    {
      const char *listener = seccomp_profile_listener_path (profile);
      int r = listener && l->listener_sock >= 0
                  ? seccomp_listener_send (l->listener_sock, listener, notify_fd, l->state_json ? l->state_json : "{}", err)
                  : 0;
      close (notify_fd);
      close (l->listener_sock);
      l->listener_sock = -1;
      if (r < 0)
        return -1;
    }
  return 0;
}

int process_connect_seccomp_listener (struct process_launch *l, struct rw_error **err)
{
  const struct seccomp_profile *profile = l->container_policy->seccomp;
  const char *listener = profile ? seccomp_profile_listener_path (profile) : NULL;
  if (listener == NULL || !seccomp_profile_uses_notify (profile))
    return 0;
  return seccomp_listener_connect (listener, &l->listener_sock, err);
}

static void reset_signals (void)
{
  /* Dispositions set to "ignore" and the mask survive execve: give the process defaults. */
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

int process_finalize (struct process_launch *l, char **env, struct rw_error **err)
{
  const struct oci_process *p = l->process;
  const struct capabilities *caps = l->policy->capabilities;
  bool seccomp_needs_caps = l->container_policy->seccomp && !p->no_new_privileges;

  if (p->has_umask)
    umask (p->umask);
  /* Before any filter: profiles rarely list close_range or fcntl. */
  if (fds_prepare_for_exec (l->n_preserved_fds, err) < 0)
    return -1;
  /* Without no_new_privs loading a filter needs CAP_SYS_ADMIN: do it while we have it. */
  if (seccomp_needs_caps && apply_seccomp (l, err) < 0)
    return -1;
  if (caps && capabilities_prepare_setuid (caps, err) < 0)
    return rw_error_wrap (err, "process.capabilities");
  if (set_ids (p, err) < 0)
    return -1;
  if (caps && capabilities_apply (caps, err) < 0)
    return rw_error_wrap (err, "process.capabilities");
  /* The directory may only be reachable with the final ids. */
  if (chdir (p->cwd) < 0)
    return rw_error_set (err, errno, "process.cwd: chdir `%s`", p->cwd);
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return rw_error_set (err, errno, "process.noNewPrivileges: prctl");
  reset_signals ();
  struct handler_context ctx = { l->config, p, env, -1 };
  if (l->handler->ready && l->handler->ready (&ctx, l->handler_data, err) < 0)
    return -1;
  /* As late as possible: after it only the exec fifo and execve (or the engine) remain. */
  if (l->container_policy->seccomp && !seccomp_needs_caps && apply_seccomp (l, err) < 0)
    return -1;
  if (l->policy->labels && lsm_apply_exec_labels (l->policy->labels, err) < 0)
    return -1;
  return 0;
}

int process_run (struct process_launch *l, char **env, int started_fd, struct rw_error **err)
{
  struct handler_context ctx = { l->config, l->process, env, started_fd };
  return l->handler->exec (&ctx, l->handler_data, err);
}
