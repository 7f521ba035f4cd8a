/* The config.json parser: what it accepts, and that every bad input names its field. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/config.h"
#include "tap.h"

#define MINIMAL                                                                                   \
  "\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"rootfs\"},"                              \
  "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 0, \"gid\": 0}}"

static struct oci_config *parse (const char *text, char **warning, struct rw_error **err)
{
  struct oci_config *c = NULL;
  if (oci_config_parse_string (text, "/bundle", &c, warning, err) < 0)
    return NULL;
  return c;
}

/* Parses `text` and expects a failure whose message contains `needle`. */
static void expect_error (const char *text, const char *needle)
{
  struct rw_error *err = NULL;
  struct oci_config *c = parse (text, NULL, &err);
  tap_ok (c == NULL && err && strstr (err->msg, needle), "rejects with \"%s\" (got: %s)", needle,
          err ? err->msg : "success");
  oci_config_free (c);
  rw_error_free (&err);
}

static void test_minimal (void)
{
  struct rw_error *err = NULL;
  char *warning = NULL;
  struct oci_config *c = parse ("{" MINIMAL "}", &warning, &err);
  tap_ok (c != NULL, "minimal config parses");
  if (c == NULL)
    return;
  tap_eq_str (c->root_path, "/bundle/rootfs", "relative root.path is resolved against the bundle");
  tap_eq_str (c->process->args[0], "sh", "process.args");
  tap_ok (c->process->env[0] == NULL, "absent env is empty");
  tap_ok (warning == NULL, "no warning for 1.0.2-dev");
  tap_ok (c->n_mounts == 0 && c->n_namespaces == 0, "no mounts, no namespaces");
  oci_config_free (c);
}

static void test_full (void)
{
  const char *text
      = "{" MINIMAL ", \"hostname\": \"h\", \"annotations\": {\"a\": \"b\"},"
        "\"mounts\": [{\"destination\": \"/data\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
        "  \"options\": [\"nosuid\", \"ro\", \"rw\", \"mode=755\", \"size=1m\", \"rshared\"]},"
        "  {\"destination\": \"/b\", \"source\": \"/x\", \"options\": [\"rbind\", \"rro\"]},"
        "  {\"destination\": \"/t\", \"type\": \"tmpfs\", \"options\": [\"tmpcopyup\", \"notmpcopyup\", \"tmpcopyup\"]},"
        "  {\"destination\": \"/i\", \"source\": \"/x\", \"options\": [\"bind\", \"idmap=uids=0-1000-10#10-2000-5;gids=0-1000-10\"],"
        "   \"gidMappings\": [{\"containerID\": 10, \"hostID\": 3000, \"size\": 1}]}],"
        "\"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"args\": [\"true\"], \"timeout\": 5}]},"
        "\"linux\": {\"namespaces\": [{\"type\": \"uts\"}, {\"type\": \"network\", \"path\": \"/run/netns/x\"},"
        "  {\"type\": \"user\"}],"
        "  \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
        "  \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 10}],"
        "  \"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"major\": 1, \"minor\": 3}],"
        "  \"rootfsPropagation\": \"rprivate\", \"maskedPaths\": [\"/proc/kcore\"], \"readonlyPaths\": [\"/proc/sys\"]}}";
  struct rw_error *err = NULL;
  struct oci_config *c = parse (text, NULL, &err);
  tap_ok (c != NULL, "full config parses (%s)", err ? err->msg : "ok");
  if (c == NULL)
    {
      rw_error_free (&err);
      return;
    }
  tap_eq_int (c->n_mounts, 4, "four mounts");
  tap_eq_int (c->mounts[2].extensions, MOUNT_EXT_TMPCOPYUP, "tmpcopyup recorded, the last of notmpcopyup/tmpcopyup wins");
  tap_ok (c->mounts[2].data == NULL, "and not passed to the kernel");
  tap_ok (c->mounts[3].extensions == MOUNT_EXT_IDMAP && c->mounts[3].n_uid_mappings == 2 && c->mounts[3].uid_mappings[1].container_id == 10
              && c->mounts[3].uid_mappings[1].host_id == 2000 && c->mounts[3].uid_mappings[1].size == 5,
          "idmap=uids=... ranges parsed");
  tap_ok (c->mounts[3].n_gid_mappings == 2 && c->mounts[3].gid_mappings[1].host_id == 3000, "gidMappings added to idmap=gids=...");
  tap_ok ((c->mounts[0].flags & MS_NOSUID) && !(c->mounts[0].flags & MS_RDONLY), "later rw clears ro");
  tap_eq_str (c->mounts[0].data, "mode=755,size=1m", "unknown options become mount data");
  tap_eq_int (c->mounts[0].propagation, MS_SHARED | MS_REC, "rshared propagation");
  tap_ok ((c->mounts[1].flags & (MS_BIND | MS_REC)) == (MS_BIND | MS_REC) && c->mounts[1].recursive_readonly,
          "rbind without a type is a recursive bind; rro recorded");
  tap_eq_int (c->hooks[HOOK_PRESTART].len, 1, "one prestart hook");
  tap_eq_int (c->hooks[HOOK_PRESTART].hooks[0].timeout, 5, "hook timeout");
  tap_ok (oci_config_namespace (c, CLONE_NEWNET) && strcmp (oci_config_namespace (c, CLONE_NEWNET)->path, "/run/netns/x") == 0,
          "network namespace path");
  tap_ok (oci_config_namespace (c, CLONE_NEWPID) == NULL, "no pid namespace listed");
  tap_eq_int (c->uid_mappings[0].host_id, 1000, "uid mapping");
  tap_eq_int (c->devices[0].file_mode, 0666, "device mode defaults to 0666");
  tap_eq_int (c->rootfs_propagation, MS_PRIVATE | MS_REC, "rootfsPropagation");
  tap_eq_str (c->masked_paths[0], "/proc/kcore", "maskedPaths");
  tap_eq_str (oci_config_annotation (c, "a"), "b", "annotation");
  oci_config_free (c);
}

static void test_versions (void)
{
  struct rw_error *err = NULL;
  char *warning = NULL;
  struct oci_config *c = parse ("{\"ociVersion\": \"1.3.0\", \"root\": {\"path\": \"r\"}}", &warning, &err);
  tap_ok (c != NULL && warning && strstr (warning, "1.3.0"), "1.3.0 is accepted with a warning");
  free (warning);
  oci_config_free (c);
  expect_error ("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}", "ociVersion");
  expect_error ("{\"ociVersion\": \"banana\", \"root\": {\"path\": \"r\"}}", "ociVersion");
  expect_error ("{\"root\": {\"path\": \"r\"}}", "ociVersion: required");
}

static void test_errors (void)
{
  expect_error ("{", "invalid JSON");
  expect_error ("[]", "top level");
  expect_error ("{\"ociVersion\": \"1.0.0\"}", "root: required");
  expect_error ("{\"ociVersion\": \"1.0.0\", \"root\": {}}", "root.path: required");
  expect_error ("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": 3}}", "root.path: expected a string");
  expect_error ("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\", \"readonly\": \"yes\"}}", "root.readonly");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [], \"user\": {\"uid\": 0, \"gid\": 0}}}",
                "process.args");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"rel\", \"args\": [\"a\"], \"user\": {\"uid\": 0, \"gid\": 0}}}",
                "process.cwd");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\", 1], \"user\": {\"uid\": 0, \"gid\": 0}}}",
                "process.args[1]");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"], \"env\": [\"NOEQUALS\"], \"user\": {\"uid\": 0, \"gid\": 0}}}",
                "process.env");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"]}}", "process.user");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"], \"user\": {\"uid\": -1, \"gid\": 0}}}",
                "process.user.uid");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"], \"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [\"x\"]}}}",
                "additionalGids[0]");
  expect_error ("{" MINIMAL ", \"process\": {\"cwd\": \"/\", \"args\": [\"a\"], \"oomScoreAdj\": 5000, \"user\": {\"uid\": 0, \"gid\": 0}}}",
                "oomScoreAdj");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"type\": \"tmpfs\"}]}", "mounts[0].destination: required");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"rel\", \"type\": \"tmpfs\"}]}", "mounts[0].destination");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\"}]}", "mounts[0].type");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"bind\"}]}", "mounts[0].source");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"t\", \"options\": [1]}]}", "mounts[0].options[0]");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"t\", \"options\": [\"idmap=uids=0-1\"]}]}",
                "mounts[0].options[0]: mount option `idmap=uids=0-1`: `0-1` is not FSID-HOSTID-COUNT");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"t\", \"options\": [\"idmap=users=0-1-1\"]}]}",
                "expected uids=... or gids=...");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"t\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}]}",
                "mounts[0]: uidMappings/gidMappings need the `idmap` or `ridmap` option");
  expect_error ("{" MINIMAL ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"t\", \"options\": [\"idmap=uids=0-1-1\"]}]}",
                "mounts[0]: an idmapped mount needs both uidMappings and gidMappings");
  expect_error ("{" MINIMAL ", \"hooks\": {\"prestart\": [{\"path\": \"rel\"}]}}", "hooks.prestart[0].path");
  expect_error ("{" MINIMAL ", \"hooks\": {\"poststop\": [{\"path\": \"/x\", \"timeout\": 0}]}}", "hooks.poststop[0].timeout");
  expect_error ("{" MINIMAL ", \"hooks\": {\"createRuntime\": {}}}", "hooks.createRuntime: expected an array");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"bogus\"}]}}", "linux.namespaces[0].type");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]}}", "listed twice");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"time\"}]}}", "not supported");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"net\"}]}}", "unknown namespace type `net`");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}]}}", "required with a new user namespace");
  expect_error ("{" MINIMAL ", \"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}}",
                "only valid with a new user namespace");
  expect_error ("{" MINIMAL ", \"linux\": {\"namespaces\": [{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0}],"
                "\"gidMappings\": []}}", "linux.uidMappings[0]");
  expect_error ("{" MINIMAL ", \"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"q\", \"major\": 1, \"minor\": 1}]}}",
                "linux.devices[0].type");
  expect_error ("{" MINIMAL ", \"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\"}]}}", "major and minor");
  expect_error ("{" MINIMAL ", \"linux\": {\"rootfsPropagation\": \"sideways\"}}", "linux.rootfsPropagation");
  expect_error ("{" MINIMAL ", \"linux\": {\"maskedPaths\": [\"rel\"]}}", "linux.maskedPaths");
  expect_error ("{" MINIMAL ", \"linux\": {\"intelRdt\": {}}}", "linux.intelRdt");
  expect_error ("{" MINIMAL ", \"hostname\": \"h\"}", "uts namespace");
  expect_error ("{" MINIMAL ", \"annotations\": {\"a\": 1}}", "annotations.a");
}

static void test_process_alone (void)
{
  json_object *obj = json_tokener_parse ("{\"cwd\": \"/\", \"args\": [\"ls\"], \"terminal\": true,"
                                         "\"consoleSize\": {\"height\": 24, \"width\": 80},"
                                         "\"user\": {\"uid\": 5, \"gid\": 6, \"umask\": 18}}");
  struct oci_process *p = NULL;
  struct rw_error *err = NULL;
  tap_ok (oci_process_parse (obj, "process", &p, &err) == 0, "an exec process.json parses");
  if (p)
    {
      tap_ok (p->terminal && p->console_height == 24 && p->console_width == 80, "terminal and console size");
      tap_ok (p->uid == 5 && p->gid == 6 && p->has_umask && p->umask == 022, "user and umask");
    }
  oci_process_free (p);
  json_object_put (obj);
}

static void test_mount_options (void)
{
  struct oci_mount m = { 0 };
  tap_ok (oci_mount_add_option (&m, "noexec", NULL) == 0 && (m.flags & MS_NOEXEC), "noexec");
  tap_ok (oci_mount_add_option (&m, "exec", NULL) == 0 && !(m.flags & MS_NOEXEC) && (m.clear_flags & MS_NOEXEC),
          "exec clears noexec");
  tap_ok (oci_mount_add_option (&m, "private", NULL) == 0 && m.propagation == MS_PRIVATE, "private propagation");
  free (m.data);
  size_t n = 0;
  while (oci_mount_option_name (n))
    n++;
  tap_ok (n > 30, "features can list %zu mount options", n);
}

int main (void)
{
  test_minimal ();
  test_full ();
  test_versions ();
  test_errors ();
  test_process_alone ();
  test_mount_options ();
  return tap_done ();
}
