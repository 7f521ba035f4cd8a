#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/seccomp_profile.h"
#include "tap.h"

static struct seccomp_profile *parse_ok (const char *json)
{
  struct rw_error *err = NULL;
  struct seccomp_profile *p = NULL;
  json_object *obj = json_tokener_parse (json);
  if (seccomp_profile_parse (obj, &p, &err) < 0)
    printf ("# parse failed: %s\n", err->msg);
  rw_error_free (&err);
  json_object_put (obj);
  return p;
}

static void expect_error (const char *json, const char *msg)
{
  struct rw_error *err = NULL;
  struct seccomp_profile *p = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (seccomp_profile_parse (obj, &p, &err), -1, "rejects %s", json);
  tap_eq_str (err ? err->msg : NULL, msg, "message for %s", json);
  rw_error_free (&err);
  json_object_put (obj);
}

/* Fork, load the profile, run `body`; returns the raw wait status. */
static int run_filtered (struct seccomp_profile *p, int (*body) (void))
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rw_error *err = NULL;
      int fd;
      if (seccomp_profile_apply (p, &fd, &err) < 0)
        {
          printf ("# apply: %s\n", err->msg);
          _exit (100);
        }
      _exit (body ());
    }
  int status;
  waitpid (pid, &status, 0);
  return status;
}

static int fails_with (long r, int e)
{
  return r == -1 && errno == e;
}

static int mkdir_gets_eperm (void)
{
  if (!fails_with (mkdir ("/tmp/rw-seccomp-never", 0700), EPERM))
    return 1;
  if (!fails_with (syscall (SYS_umask, 0777), 78))
    return 2; /* masked: 0777 & 0700 == 0700 */
  if (syscall (SYS_umask, 0022) < 0)
    return 3; /* masked: 0022 & 0700 != 0700 */
  if (!fails_with (syscall (SYS_getpriority, PRIO_USER, 12345), 77))
    return 4; /* both args match */
  if (syscall (SYS_getpriority, PRIO_USER, 0) < 0 && errno == 77)
    return 5; /* second arg differs: rule must not fire */
  if (!fails_with (syscall (SYS_setpgid, 0, 111), 76) || !fails_with (syscall (SYS_setpgid, 0, 222), 76))
    return 6; /* two comparisons of one arg: either matches */
  if (syscall (SYS_getppid) < 0)
    return 7; /* LOG action lets it through */
  return 0;
}

/* Under a default-deny filter: only what the test needs after loading is allowed. */
static int default_errno_is_99 (void)
{
  if (!fails_with (syscall (SYS_getppid), 99))
    return 1;
  if (syscall (SYS_getpid) < 0)
    return 2;
  return 0;
}

static int call_getppid (void)
{
  syscall (SYS_getppid);
  return 0;
}

static int ppid_is_4242 (void)
{
  return syscall (SYS_getppid) == 4242 ? 0 : 1;
}

int main (void)
{
  struct rw_error *err = NULL;
  struct seccomp_profile *p = NULL;
  tap_eq_int (seccomp_profile_parse (NULL, &p, &err), 0, "no section");
  tap_ok (p == NULL, "no section, no filter");
  int fd = 7;
  tap_eq_int (seccomp_profile_apply (NULL, &fd, &err), 0, "applying no filter succeeds");
  tap_eq_int (fd, -1, "and gives no notify fd");

  p = parse_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\","
                "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
                "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
                "\"syscalls\":["
                "{\"names\":[\"mkdir\",\"mkdirat\",\"no_such_syscall_xyz\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                "{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":78,"
                " \"args\":[{\"index\":0,\"value\":448,\"valueTwo\":448,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77,"
                " \"args\":[{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":12345,\"op\":\"SCMP_CMP_EQ\"}]},"
                "{\"names\":[\"setpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":76,"
                " \"args\":[{\"index\":1,\"value\":111,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":222,\"op\":\"SCMP_CMP_EQ\"}]},"
                "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_LOG\"},"
                "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
  tap_ok (p != NULL, "full profile parses");
  const char *const *unknown;
  tap_eq_int (seccomp_profile_unknown_syscalls (p, &unknown), 1, "one unknown syscall name");
  tap_eq_str (unknown ? unknown[0] : NULL, "no_such_syscall_xyz", "is remembered (skipped, not fatal)");
  tap_ok (!seccomp_profile_uses_notify (p), "no notify");
  int status = run_filtered (p, mkdir_gets_eperm);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "ERRNO/EPERM, errnoRet, MASKED_EQ, two-arg and same-arg rules, LOG (status %d)",
          WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  seccomp_profile_free (p);

  p = parse_ok ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99,\"syscalls\":[{\"names\":[\"getpid\","
                "\"exit_group\",\"exit\",\"write\",\"munmap\",\"madvise\",\"futex\",\"rt_sigreturn\",\"rt_sigprocmask\",\"sigaltstack\",\"mmap\"],"
                "\"action\":\"SCMP_ACT_ALLOW\"}]}");
  status = run_filtered (p, default_errno_is_99);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "default ERRNO with defaultErrnoRet 99, allow-list honoured (status %d)",
          WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  seccomp_profile_free (p);

  p = parse_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
  status = run_filtered (p, call_getppid);
  tap_ok (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS, "KILL_PROCESS kills with SIGSYS");
  seccomp_profile_free (p);
  p = parse_ok ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRAP\"}]}");
  status = run_filtered (p, call_getppid);
  tap_ok (WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS, "TRAP raises SIGSYS");
  seccomp_profile_free (p);

  /* NOTIFY: the child hands its listener fd to our socket, we answer its getppid with 4242. */
  char dir[] = "/tmp/rw-seccomp-XXXXXX", sock_path[128], json[512];
  if (mkdtemp (dir) == NULL)
    return 1;
  snprintf (sock_path, sizeof sock_path, "%s/listener.sock", dir);
  int lsock = socket (AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strcpy (addr.sun_path, sock_path);
  if (bind (lsock, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lsock, 1) < 0)
    return 1;
  snprintf (json, sizeof json,
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
            "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}", sock_path);
  p = parse_ok (json);
  tap_ok (seccomp_profile_uses_notify (p), "NOTIFY profile");
  tap_eq_str (seccomp_profile_listener_path (p), sock_path, "listener path kept");
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rw_error *e = NULL;
      int nfd;
      int sock;
      /* Connect first, as a container process must before pivot_root hides the path. */
      if (seccomp_listener_connect (seccomp_profile_listener_path (p), &sock, &e) < 0
          || seccomp_profile_apply (p, &nfd, &e) < 0 || nfd < 0
          || seccomp_listener_send (sock, seccomp_profile_listener_path (p), nfd, "{\"id\":\"c1\"}", &e) < 0)
        _exit (100);
      close (sock);
      close (nfd);
      _exit (ppid_is_4242 ());
    }
  int conn = accept (lsock, NULL, NULL);
  char payload[64] = "", control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof payload - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  ssize_t got = recvmsg (conn, &msg, 0);
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  int nfd = -1;
  if (got > 0 && cmsg && cmsg->cmsg_type == SCM_RIGHTS)
    memcpy (&nfd, CMSG_DATA (cmsg), sizeof nfd);
  tap_ok (nfd >= 0, "listener received a notify fd over SCM_RIGHTS");
  tap_eq_str (payload, "{\"id\":\"c1\"}", "with the state as payload");
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  int handled = 0;
  if (nfd >= 0 && seccomp_notify_alloc (&req, &resp) == 0 && seccomp_notify_receive (nfd, req) == 0)
    {
      resp->id = req->id;
      resp->val = 4242;
      resp->error = 0;
      resp->flags = 0;
      handled = seccomp_notify_respond (nfd, resp) == 0
                && req->data.nr == seccomp_syscall_resolve_name ("getppid");
    }
  tap_ok (handled, "listener got the getppid notification and answered");
  seccomp_notify_free (req, resp);
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "the child's getppid returned the listener's 4242");
  close (conn);
  close (lsock);
  close (nfd);
  seccomp_profile_free (p);
  unlink (sock_path);
  rmdir (dir);

  struct rw_error *e = NULL;
  tap_eq_int (seccomp_send_notify_fd ("/nonexistent/listener.sock", 0, "{}", &e), -1, "sending to a missing listener fails");
  tap_eq_str (e ? e->msg : NULL, "seccomp listener: connect `/nonexistent/listener.sock`: No such file or directory",
              "naming the path");
  rw_error_free (&e);
  expect_error ("[]", "linux.seccomp: expected an object");
  expect_error ("{}", "linux.seccomp.defaultAction: missing");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_FOO\"}", "linux.seccomp.defaultAction: unknown action `SCMP_ACT_FOO`");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", "linux.seccomp.defaultErrnoRet: expected an errno number (0-65535)");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                "linux.seccomp.architectures[0]: unknown architecture `SCMP_ARCH_VAX`");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
                "linux.seccomp.flags[0]: flag `SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV` not supported");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                "{\"names\":[\"write\"],\"action\":\"SCMP_ACT_FOO\"},{}]}",
                "linux.seccomp.syscalls[1].action: unknown action `SCMP_ACT_FOO`");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                "linux.seccomp.syscalls[0].names: expected a non-empty array");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                "linux.seccomp.syscalls[0].action: missing");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":\"x\"}]}",
                "linux.seccomp.syscalls[0].errnoRet: expected an errno number (0-65535)");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].index: expected 0 to 5");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ALMOST\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].op: unknown operator `SCMP_CMP_ALMOST`");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                "linux.seccomp.syscalls[0].args[0].value: expected an unsigned integer");
  expect_error ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                "linux.seccomp: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath");
  return tap_done ();
}
