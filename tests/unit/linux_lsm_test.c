#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/stat.h>

#include "linux/lsm.h"
#include "tap.h"

static void write_file (const char *root, const char *rel, const char *content)
{
  char path[512], cmd[600];
  snprintf (path, sizeof path, "%s%s", root, rel);
  snprintf (cmd, sizeof cmd, "mkdir -p \"$(dirname %s)\"", path);
  if (system (cmd) != 0)
    abort ();
  FILE *f = fopen (path, "w");
  fputs (content, f);
  fclose (f);
}

static char *last_warning;

static void record_warning (const char *msg)
{
  free (last_warning);
  last_warning = strdup (msg);
}

/* A volume over the attr directory (what a symlinked mount destination did): the open
 * must fail instead of writing into the volume. Needs root for a private mount namespace. */
static void test_covered_attr (const char *scratch)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      char attr[64];
      snprintf (attr, sizeof attr, "/proc/%d/task/%d/attr", getpid (), getpid ());
      if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
          || mount (scratch, attr, NULL, MS_BIND, NULL) < 0)
        _exit (2);
      struct rw_error *e = NULL;
      int fd = lsm_open_proc_attr ("/proc", "thread-self/attr/exec", &e);
      _exit (fd < 0 && e && e->status == EXDEV ? 0 : 1);
    }
  int status = 0;
  waitpid (pid, &status, 0);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 2)
    {
      tap_ok (1, "# skip a covered attr directory: no private mount namespace (not root?)");
      return;
    }
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "an attr directory covered by a mount is refused (EXDEV)");
}

int main (void)
{
  struct rw_error *err = NULL;
  struct lsm_labels *l = NULL;
  json_object *process = json_tokener_parse ("{\"apparmorProfile\":\"runwasm-default\",\"selinuxLabel\":\"\"}");
  json_object *linux_obj = json_tokener_parse ("{\"mountLabel\":\"system_u:object_r:container_file_t:s0\"}");
  tap_eq_int (lsm_parse (process, linux_obj, &l, &err), 0, "labels parse");
  tap_eq_str (l->apparmor_profile, "runwasm-default", "apparmor profile kept");
  tap_ok (l->selinux_label == NULL, "empty selinux label counts as unset");
  tap_eq_str (l->mount_label, "system_u:object_r:container_file_t:s0", "mount label kept");

  char root[] = "/tmp/rw-lsm-XXXXXX";
  if (mkdtemp (root) == NULL)
    return 1;
  tap_ok (!lsm_apparmor_enabled (root), "no apparmor in an empty tree");
  tap_eq_int (lsm_check_available (l, root, &err), -1, "apparmor requested but not enabled fails");
  tap_eq_str (err ? err->msg : NULL, "process.apparmorProfile `runwasm-default`: AppArmor is not enabled on this host",
              "and says so");
  rw_error_free (&err);
  write_file (root, "/sys/module/apparmor/parameters/enabled", "Y\n");
  tap_ok (lsm_apparmor_enabled (root), "apparmor enabled when the module parameter says Y");
  rw_warning_set_sink (record_warning);
  tap_eq_int (lsm_check_available (l, root, &err), 0, "mount label without SELinux is accepted");
  tap_eq_str (last_warning, "linux.mountLabel `system_u:object_r:container_file_t:s0`: ignored: SELinux is not enabled on this host",
              "with a warning naming the mount label");
  free (last_warning);
  last_warning = NULL;
  struct lsm_labels process_label = { .selinux_label = (char *) "system_u:system_r:container_t:s0" };
  tap_eq_int (lsm_check_available (&process_label, root, &err), -1, "process label without SELinux still fails");
  tap_eq_str (err ? err->msg : NULL, "process.selinuxLabel `system_u:system_r:container_t:s0`: SELinux is not enabled on this host",
              "naming the process label");
  rw_error_free (&err);
  write_file (root, "/sys/fs/selinux/enforce", "0");
  tap_ok (lsm_selinux_enabled (root), "selinux enabled when selinuxfs has enforce");
  tap_eq_int (lsm_check_available (l, root, &err), 0, "both available");
  lsm_free (l);
  json_object_put (process);

  process = json_tokener_parse ("{\"selinuxLabel\":5}");
  tap_eq_int (lsm_parse (process, NULL, &l, &err), -1, "non-string label fails");
  tap_eq_str (err ? err->msg : NULL, "process.selinuxLabel: expected a string", "naming the field");
  rw_error_free (&err);
  json_object_put (process);
  json_object_put (linux_obj);

  tap_eq_int (lsm_parse (NULL, NULL, &l, &err), 0, "no labels");
  tap_eq_int (lsm_apply_exec_labels (l, &err), 0, "applying no labels does nothing");
  lsm_free (l);

  /* Labels are written only through procfs (CVE-2019-19921). */
  write_file (root, "/thread-self/attr/exec", "");
  tap_eq_int (lsm_open_proc_attr (root, "thread-self/attr/exec", &err), -1, "an attr file outside procfs is refused");
  tap_ok (err && strstr (err->msg, "is not a procfs: refused"), "saying it is not procfs");
  rw_error_free (&err);
  int fd = lsm_open_proc_attr ("/proc", "thread-self/attr/exec", &err);
  tap_ok (fd >= 0, "the real /proc/thread-self/attr/exec opens");
  if (fd >= 0)
    close (fd);
  rw_error_free (&err);
  test_covered_attr (root);

  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf %s", root);
  if (system (cmd) != 0)
    return 1;
  return tap_done ();
}
