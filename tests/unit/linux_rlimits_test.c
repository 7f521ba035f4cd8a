#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/rlimits.h"
#include "tap.h"

static struct rw_error *parse_err (const char *json)
{
  struct rw_error *err = NULL;
  struct rlimits *rl = NULL;
  json_object *obj = json_tokener_parse (json);
  if (rlimits_parse (obj, &rl, &err) == 0)
    rlimits_free (rl);
  json_object_put (obj);
  return err;
}

static void expect_error (const char *json, const char *msg)
{
  struct rw_error *err = parse_err (json);
  tap_eq_str (err ? err->msg : NULL, msg, "rejects %s", json);
  rw_error_free (&err);
}

int main (void)
{
  struct rw_error *err = NULL;
  struct rlimits *rl = NULL;
  json_object *obj = json_tokener_parse ("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200},"
                                         "{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":18446744073709551615}]");
  tap_eq_int (rlimits_parse (obj, &rl, &err), 0, "parses two rlimits");
  tap_eq_int (rl->n, 2, "two entries");
  tap_eq_int (rl->entries[0].resource, RLIMIT_NOFILE, "first is RLIMIT_NOFILE");
  tap_eq_int (rl->entries[0].soft, 100, "soft kept");
  tap_eq_int (rl->entries[0].hard, 200, "hard kept");
  tap_ok (rl->entries[1].hard == UINT64_MAX, "hard infinity (2^64-1) kept exactly");

  /* Lowering in a child: the new limits must be visible with getrlimit. */
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rw_error *e = NULL;
      struct rlimit now;
      if (rlimits_apply (rl, &e) < 0 || getrlimit (RLIMIT_NOFILE, &now) < 0)
        _exit (2);
      _exit (now.rlim_cur == 100 && now.rlim_max == 200 ? 0 : 3);
    }
  int status;
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "apply sets soft/hard in the process");
  rlimits_free (rl);
  json_object_put (obj);

  /* Raising the hard limit: EPERM without CAP_SYS_RESOURCE must be explained. */
  struct rlimit cur;
  getrlimit (RLIMIT_NOFILE, &cur);
  char json[256];
  snprintf (json, sizeof json, "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":%llu,\"hard\":%llu}]",
            (unsigned long long) cur.rlim_max + 1, (unsigned long long) cur.rlim_max + 1);
  obj = json_tokener_parse (json);
  rlimits_parse (obj, &rl, &err);
  int fds[2];
  if (pipe (fds) < 0)
    return 1;
  pid = fork ();
  if (pid == 0)
    {
      struct rw_error *e = NULL;
      close (fds[0]);
      /* Drop CAP_SYS_RESOURCE so the result is the same with or without it on the host. */
      cap_t c = cap_get_proc ();
      cap_value_t v = CAP_SYS_RESOURCE;
      cap_set_flag (c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
      cap_set_flag (c, CAP_PERMITTED, 1, &v, CAP_CLEAR);
      if (cap_set_proc (c) < 0)
        _exit (4);
      int r = rlimits_apply (rl, &e);
      if (r < 0 && write (fds[1], e->msg, strlen (e->msg)) < 0)
        _exit (3);
      _exit (r < 0 && e->status == EPERM ? 0 : 1);
    }
  close (fds[1]);
  char msg[512] = "";
  ssize_t got = read (fds[0], msg, sizeof msg - 1);
  msg[got > 0 ? got : 0] = '\0';
  close (fds[0]);
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "raising the hard limit fails with EPERM");
  tap_ok (strstr (msg, "RLIMIT_NOFILE") && strstr (msg, "CAP_SYS_RESOURCE"), "message names the rlimit and the capability: %s", msg);
  rlimits_free (rl);
  json_object_put (obj);

  rl = NULL;
  tap_eq_int (rlimits_parse (NULL, &rl, &err), 0, "NULL section parses");
  tap_ok (rl && rl->n == 0, "NULL section gives an empty list");
  rlimits_free (rl);

  expect_error ("{}", "process.rlimits: expected an array");
  expect_error ("[3]", "process.rlimits[0]: expected an object");
  expect_error ("[{\"soft\":1,\"hard\":1}]", "process.rlimits[0].type: expected a string");
  expect_error ("[{\"type\":\"RLIMIT_FOO\",\"soft\":1,\"hard\":1}]", "process.rlimits[0].type: unknown rlimit `RLIMIT_FOO`");
  expect_error ("[{\"type\":\"RLIMIT_CPU\",\"hard\":1}]", "process.rlimits[0].soft: expected a non-negative integer");
  expect_error ("[{\"type\":\"RLIMIT_CPU\",\"soft\":-1,\"hard\":1}]", "process.rlimits[0].soft: expected a non-negative integer");
  expect_error ("[{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":\"x\"}]", "process.rlimits[0].hard: expected a non-negative integer");
  expect_error ("[{\"type\":\"RLIMIT_CPU\",\"soft\":5,\"hard\":1}]", "process.rlimits[0]: RLIMIT_CPU soft limit 5 is above the hard limit 1");
  expect_error ("[{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":1},{\"type\":\"RLIMIT_CPU\",\"soft\":1,\"hard\":1}]",
                "process.rlimits[1].type: `RLIMIT_CPU` given twice");
  return tap_done ();
}
