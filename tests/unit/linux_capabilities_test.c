#include <inttypes.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/capabilities.h"
#include "tap.h"

static void expect_error (const char *json, const char *msg)
{
  struct rw_error *err = NULL;
  struct capabilities *c = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (capabilities_parse (obj, &c, &err), -1, "rejects %s", json);
  tap_eq_str (err ? err->msg : NULL, msg, "message for %s", json);
  rw_error_free (&err);
  json_object_put (obj);
}

/* Read "CapEff:\t0000000000000400" style lines of /proc/self/status. */
static uint64_t status_mask (const char *key)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  uint64_t v = UINT64_MAX;
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, key, strlen (key)) == 0 && line[strlen (key)] == ':')
      v = strtoull (line + strlen (key) + 1, NULL, 16);
  if (f)
    fclose (f);
  return v;
}

#define BIT(c) (UINT64_C (1) << (c))

int main (void)
{
  tap_eq_int (capabilities_from_name ("CAP_SYS_ADMIN"), 21, "CAP_SYS_ADMIN is 21");
  tap_eq_int (capabilities_from_name ("CAP_CHECKPOINT_RESTORE"), 40, "CAP_CHECKPOINT_RESTORE is 40");
  tap_eq_str (capabilities_name (7), "CAP_SETUID", "7 is CAP_SETUID");
  tap_ok (capabilities_from_name ("CAP_NOPE") < 0, "unknown name");
  tap_ok (capabilities_last_cap () >= 40, "kernel reports a last cap");

  struct rw_error *err = NULL;
  struct capabilities *c = NULL;
  tap_eq_int (capabilities_parse (NULL, &c, &err), 0, "no section");
  tap_ok (c == NULL, "no section: keep the process' capabilities");

  json_object *obj = json_tokener_parse (
    "{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_SETUID\",\"CAP_SETGID\"],"
    "\"effective\":[\"CAP_CHOWN\",\"CAP_KILL\"],"
    "\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"
    "\"ambient\":[\"CAP_NET_BIND_SERVICE\"]}");
  tap_eq_int (capabilities_parse (obj, &c, &err), 0, "five sets parse");
  tap_ok (c->effective == (BIT (0) | BIT (5)), "effective mask");
  tap_ok (c->ambient == BIT (10), "ambient mask");
  json_object_put (obj);

  /* In a child: bounding drop, setuid to 1000 with keep-caps, then the four other sets. */
  int fds[2];
  if (pipe (fds) < 0)
    return 1;
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rw_error *e = NULL;
      close (fds[0]);
      if (capabilities_prepare_setuid (c, &e) < 0 || setgid (1000) < 0 || setuid (1000) < 0
          || capabilities_apply (c, &e) < 0)
        _exit (2);
      uint64_t v[5] = { status_mask ("CapBnd"), status_mask ("CapEff"), status_mask ("CapPrm"),
                        status_mask ("CapInh"), status_mask ("CapAmb") };
      if (write (fds[1], v, sizeof v) != sizeof v)
        _exit (3);
      _exit (0);
    }
  close (fds[1]);
  uint64_t v[5] = { 0 };
  tap_eq_int (read (fds[0], v, sizeof v), (long) sizeof v, "child reports its /proc/self/status");
  close (fds[0]);
  int status;
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "child applied capabilities as uid 1000");
  tap_ok (v[0] == c->bounding, "CapBnd %016" PRIx64, v[0]);
  tap_ok (v[1] == c->effective, "CapEff %016" PRIx64, v[1]);
  tap_ok (v[2] == c->permitted, "CapPrm %016" PRIx64, v[2]);
  tap_ok (v[3] == c->inheritable, "CapInh %016" PRIx64, v[3]);
  tap_ok (v[4] == c->ambient, "CapAmb %016" PRIx64, v[4]);
  capabilities_free (c);

  expect_error ("{\"bounding\":[\"CAP_CHOWN\",\"CAP_FOO\"]}", "process.capabilities.bounding[1]: unknown capability `CAP_FOO`");
  expect_error ("{\"effective\":\"CAP_CHOWN\"}", "process.capabilities.effective: expected an array");
  expect_error ("{\"permitted\":[1]}", "process.capabilities.permitted[0]: expected a string");
  expect_error ("{\"effective\":[\"CAP_KILL\"],\"permitted\":[]}",
                "process.capabilities.effective: CAP_KILL is not in the permitted set, so it cannot be raised");
  {
    /* As `runc spec` writes it: ambient caps, no inheritable set. Accepted; the ambient caps
     * the kernel could not raise are left out, as runc does. */
    json_object *obj = json_tokener_parse ("{\"ambient\":[\"CAP_KILL\",\"CAP_CHOWN\"],"
                                           "\"permitted\":[\"CAP_KILL\",\"CAP_CHOWN\"],"
                                           "\"inheritable\":[\"CAP_CHOWN\"]}");
    struct capabilities *amb = NULL;
    struct rw_error *amb_err = NULL;
    tap_eq_int (capabilities_parse (obj, &amb, &amb_err), 0, "ambient caps outside the inheritable set are accepted");
    tap_ok (amb && amb->ambient == BIT (0), "only the raisable ambient cap (CAP_CHOWN) is kept");
    capabilities_free (amb);
    rw_error_free (&amb_err);
    json_object_put (obj);
  }
  expect_error ("[]", "process.capabilities: expected an object");
  return tap_done ();
}
