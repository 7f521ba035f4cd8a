#include <stdlib.h>
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

  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf %s", root);
  if (system (cmd) != 0)
    return 1;
  return tap_done ();
}
