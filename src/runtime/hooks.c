#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/log.h"

static int wait_with_timeout (pid_t pid, int timeout_s, int *status, bool *timed_out)
{
  *timed_out = false;
  cleanup_close int pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout_s > 0)
    {
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      int r;
      do
        r = poll (&p, 1, timeout_s * 1000);
      while (r < 0 && errno == EINTR);
      if (r == 0)
        {
          *timed_out = true;
          kill (pid, SIGKILL);
        }
    }
  pid_t w;
  do
    w = waitpid (pid, status, 0);
  while (w < 0 && errno == EINTR);
  return w < 0 ? -1 : 0;
}

static int run_one (const struct oci_hook *h, const char *where, const char *state_json, struct rw_error **err)
{
  int in[2];
  if (pipe2 (in, O_CLOEXEC) < 0)
    return rw_error_set (err, errno, "%s: pipe", where);
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (in[0]);
      close (in[1]);
      return rw_error_set (err, errno, "%s: fork", where);
    }
  if (pid == 0)
    {
      char *default_args[] = { h->path, NULL };
      char *empty_env[] = { NULL };
      dup2 (in[0], 0);
      execve (h->path, h->args && h->args[0] ? h->args : default_args, h->env ? h->env : empty_env);
      fprintf (stderr, "runwasm: %s: exec `%s`: %s\n", where, h->path, strerror (errno));
      _exit (127);
    }
  close (in[0]);
  /* A hook need not read its stdin: a broken pipe is not a failure. */
  struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
  sigaction (SIGPIPE, &ignore, &saved);
  size_t len = strlen (state_json);
  for (size_t done = 0; done < len;)
    {
      ssize_t n = write (in[1], state_json + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (in[1]);
  sigaction (SIGPIPE, &saved, NULL);

  int status = 0;
  bool timed_out = false;
  if (wait_with_timeout (pid, h->timeout, &status, &timed_out) < 0)
    return rw_error_set (err, errno, "%s: wait for `%s`", where, h->path);
  if (timed_out)
    return rw_error_set (err, ETIMEDOUT, "%s: `%s` did not finish within %d s", where, h->path, h->timeout);
  if (WIFSIGNALED (status))
    return rw_error_set (err, 0, "%s: `%s` killed by signal %d", where, h->path, WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return rw_error_set (err, 0, "%s: `%s` exited with status %d", where, h->path, WEXITSTATUS (status));
  return 0;
}

int hooks_run (const struct oci_config *c, enum oci_hook_kind kind, const char *state_json, struct rw_error **err)
{
  const struct oci_hook_list *list = &c->hooks[kind];
  for (size_t i = 0; i < list->len; i++)
    {
      char where[64];
      snprintf (where, sizeof where, "hooks.%s[%zu]", oci_hook_kind_name (kind), i);
      if (run_one (&list->hooks[i], where, state_json, err) < 0)
        return -1;
    }
  return 0;
}

int hooks_run_warn (const struct oci_config *c, enum oci_hook_kind kind, const char *state_json)
{
  const struct oci_hook_list *list = &c->hooks[kind];
  int failed = 0;
  for (size_t i = 0; i < list->len; i++)
    {
      char where[64];
      snprintf (where, sizeof where, "hooks.%s[%zu]", oci_hook_kind_name (kind), i);
      struct rw_error *err = NULL;
      if (run_one (&list->hooks[i], where, state_json, &err) < 0)
        {
          log_message (LOG_LEVEL_WARNING, "%s", err->msg);
          rw_error_free (&err);
          failed++;
        }
    }
  return failed;
}
