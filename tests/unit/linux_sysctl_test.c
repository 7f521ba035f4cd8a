#include <stdlib.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "linux/sysctls.h"
#include "tap.h"

static const struct sysctl_namespaces all_private = { .ipc = true, .net = true, .uts = true };
static const struct sysctl_namespaces host = { 0 };

static void expect_error (const char *json, const struct sysctl_namespaces *ns, const char *msg)
{
  struct rw_error *err = NULL;
  struct sysctls *s = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (sysctl_parse (obj, ns, &s, &err), -1, "rejects %s", json);
  tap_eq_str (err ? err->msg : NULL, msg, "message for %s", json);
  sysctl_free (s);
  rw_error_free (&err);
  json_object_put (obj);
}

static void expect_ok (const char *json, const struct sysctl_namespaces *ns)
{
  struct rw_error *err = NULL;
  struct sysctls *s = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (sysctl_parse (obj, ns, &s, &err), 0, "accepts %s%s%s", json, err ? ": " : "", err ? err->msg : "");
  sysctl_free (s);
  rw_error_free (&err);
  json_object_put (obj);
}

static char *read_file (const char *path)
{
  static char buf[256];
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return NULL;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

int main (void)
{
  expect_ok ("{\"kernel.shmmax\":\"1000\",\"kernel.sem\":\"1 2 3 4\",\"fs.mqueue.msg_max\":\"10\"}", &all_private);
  expect_ok ("{\"net.ipv4.ip_forward\":\"1\",\"kernel.domainname\":\"x\"}", &all_private);
  expect_ok ("{}", &host);
  expect_error ("{\"kernel.shmmax\":\"1\"}", &host, "linux.sysctl.kernel.shmmax: needs a private ipc namespace");
  expect_error ("{\"fs.mqueue.msg_max\":\"1\"}", &host, "linux.sysctl.fs.mqueue.msg_max: needs a private ipc namespace");
  expect_error ("{\"net.ipv4.ip_forward\":\"1\"}", &host, "linux.sysctl.net.ipv4.ip_forward: needs a private network namespace");
  expect_error ("{\"kernel.domainname\":\"x\"}", &host, "linux.sysctl.kernel.domainname: needs a private uts namespace");
  expect_error ("{\"kernel.hostname\":\"x\"}", &all_private, "linux.sysctl.kernel.hostname: not allowed, set the `hostname` field instead");
  expect_error ("{\"kernel.pid_max\":\"100\"}", &all_private, "linux.sysctl.kernel.pid_max: sysctl is not namespaced, so a container may not set it");
  expect_error ("{\"vm.swappiness\":\"1\"}", &all_private, "linux.sysctl.vm.swappiness: sysctl is not namespaced, so a container may not set it");
  expect_error ("{\"net.ipv4/../../x\":\"1\"}", &all_private, "linux.sysctl.net.ipv4/../../x: malformed sysctl name");
  expect_error ("{\"net..x\":\"1\"}", &all_private, "linux.sysctl.net..x: malformed sysctl name");
  expect_error ("{\"net.x\":1}", &all_private, "linux.sysctl.net.x: expected a string value");
  expect_error ("[]", &all_private, "linux.sysctl: expected an object");

  /* apply writes under a fake /proc/sys with dots turned into directories. */
  char dir[] = "/tmp/rw-sysctl-XXXXXX";
  if (mkdtemp (dir) == NULL)
    return 1;
  char path[256];
  snprintf (path, sizeof path, "%s/net", dir);
  mkdir (path, 0755);
  snprintf (path, sizeof path, "%s/net/ipv4", dir);
  mkdir (path, 0755);
  snprintf (path, sizeof path, "%s/net/ipv4/ip_forward", dir);
  fclose (fopen (path, "w"));
  struct rw_error *err = NULL;
  struct sysctls *s = NULL;
  json_object *obj = json_tokener_parse ("{\"net.ipv4.ip_forward\":\"1\"}");
  sysctl_parse (obj, &all_private, &s, &err);
  tap_eq_int (sysctl_apply (s, dir, &err), 0, "apply to a fake /proc/sys");
  tap_eq_str (read_file (path), "1", "value written to net/ipv4/ip_forward");
  json_object_put (obj);
  sysctl_free (s);
  obj = json_tokener_parse ("{\"net.ipv4.missing\":\"1\"}");
  sysctl_parse (obj, &all_private, &s, &err);
  tap_eq_int (sysctl_apply (s, dir, &err), -1, "apply of a sysctl the kernel lacks fails");
  tap_ok (err && strstr (err->msg, "sysctl net.ipv4.missing: open") && strstr (err->msg, "No such file"), "and says which: %s",
          err ? err->msg : "");
  rw_error_free (&err);
  json_object_put (obj);
  sysctl_free (s);
  unlink (path);
  snprintf (path, sizeof path, "rm -rf %s", dir);
  if (system (path) != 0)
    return 1;
  return tap_done ();
}
