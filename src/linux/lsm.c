#include "linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"

void lsm_free (struct lsm_labels *l)
{
  if (l == NULL)
    return;
  free (l->apparmor_profile);
  free (l->selinux_label);
  free (l->mount_label);
  free (l);
}

static int get_label (json_object *obj, const char *section, const char *key, char **out, struct rw_error **err)
{
  json_object *v;
  if (obj == NULL || !json_object_object_get_ex (obj, key, &v) || v == NULL)
    return 0;
  if (!json_object_is_type (v, json_type_string))
    return rw_error_set (err, 0, "%s.%s: expected a string", section, key);
  const char *s = json_object_get_string (v);
  if (*s == '\0')
    return 0;
  *out = strdup (s);
  return *out ? 0 : rw_error_set (err, ENOMEM, "%s.%s", section, key);
}

int lsm_parse (json_object *process, json_object *linux_obj, struct lsm_labels **out, struct rw_error **err)
{
  *out = NULL;
  struct lsm_labels *l = calloc (1, sizeof *l);
  if (l == NULL)
    return rw_error_set (err, ENOMEM, "lsm labels");
  if (get_label (process, "process", "apparmorProfile", &l->apparmor_profile, err) < 0
      || get_label (process, "process", "selinuxLabel", &l->selinux_label, err) < 0
      || get_label (linux_obj, "linux", "mountLabel", &l->mount_label, err) < 0)
    {
      lsm_free (l);
      return -1;
    }
  *out = l;
  return 0;
}

static int read_first_char (const char *sys_root, const char *rel)
{
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s%s", sys_root ? sys_root : "", rel) < 0)
    return -1;
  cleanup_fclose FILE *f = fopen (path, "re");
  return f ? fgetc (f) : -1;
}

bool lsm_apparmor_enabled (const char *sys_root)
{
  return read_first_char (sys_root, "/sys/module/apparmor/parameters/enabled") == 'Y';
}

bool lsm_selinux_enabled (const char *sys_root)
{
  /* selinuxfs is mounted only when SELinux is active; enforce holds '0' or '1'. */
  int c = read_first_char (sys_root, "/sys/fs/selinux/enforce");
  return c == '0' || c == '1';
}

int lsm_check_available (const struct lsm_labels *l, const char *sys_root, struct rw_error **err)
{
  if (l == NULL)
    return 0;
  if (l->apparmor_profile && !lsm_apparmor_enabled (sys_root))
    return rw_error_set (err, 0, "process.apparmorProfile `%s`: AppArmor is not enabled on this host",
                         l->apparmor_profile);
  if (!l->selinux_label && !l->mount_label)
    return 0;
  if (lsm_selinux_enabled (sys_root))
    return 0;
  /* A process label confines the process: without SELinux that would silently not happen.
   * A mount label only names files for an SELinux policy, and there is none: crun ignores
   * it too (docs/conformance.md). */
  if (l->selinux_label)
    return rw_error_set (err, 0, "process.selinuxLabel `%s`: SELinux is not enabled on this host", l->selinux_label);
  rw_warning ("linux.mountLabel `%s`: ignored: SELinux is not enabled on this host", l->mount_label);
  return 0;
}

static int write_label (int fd, const char *path, const char *value, const char *what, struct rw_error **err)
{
  if (fd < 0)
    return rw_error_set (err, errno, "set %s: open `%s`", what, path);
  size_t len = strlen (value);
  if (write (fd, value, len) != (ssize_t) len)
    return rw_error_set (err, errno, "set %s: write `%s` to `%s`", what, value, path);
  return 0;
}

int lsm_apply_exec_labels (const struct lsm_labels *l, struct rw_error **err)
{
  if (l == NULL)
    return 0;
  if (l->apparmor_profile)
    {
      cleanup_free char *cmd = NULL;
      if (asprintf (&cmd, "exec %s", l->apparmor_profile) < 0)
        return rw_error_set (err, ENOMEM, "apparmor");
      /* Kernels that stack LSMs give AppArmor its own attr directory. */
      const char *path = "/proc/thread-self/attr/apparmor/exec";
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        fd = open (path = "/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
      if (write_label (fd, path, cmd, "AppArmor profile", err) < 0)
        return -1;
    }
  if (l->selinux_label)
    {
      const char *path = "/proc/thread-self/attr/exec";
      cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
      if (write_label (fd, path, l->selinux_label, "SELinux label", err) < 0)
        return -1;
    }
  return 0;
}
