#include "linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
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

int lsm_open_proc_attr (const char *proc, const char *rel, struct rw_error **err)
{
  cleanup_close int procfd = open (proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procfd < 0)
    return rw_error_set (err, errno, "open `%s`", proc);
  struct statfs sf;
  if (fstatfs (procfd, &sf) < 0)
    return rw_error_set (err, errno, "statfs `%s`", proc);
  if (sf.f_type != PROC_SUPER_MAGIC)
    return rw_error_set (err, 0, "`%s` is not a procfs: refused", proc);
  /* RESOLVE_NO_XDEV: a mount anywhere on the way (a volume over attr/) is refused. */
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
  };
  cleanup_close int fd = syscall (SYS_openat2, procfd, rel, &how, sizeof how);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s/%s`%s", proc, rel, errno == EXDEV ? " (a mount covers it: refused)" : "");
  if (fstatfs (fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
    return rw_error_set (err, 0, "`%s/%s` is not on procfs: refused", proc, rel);
  return steal_fd (&fd);
}

static int write_label (const char *rel, const char *value, const char *what, struct rw_error **err)
{
  cleanup_close int fd = lsm_open_proc_attr ("/proc", rel, err);
  if (fd < 0)
    return rw_error_wrap (err, "set %s", what);
  size_t len = strlen (value);
  if (write (fd, value, len) != (ssize_t) len)
    return rw_error_set (err, errno, "set %s: write `%s` to `/proc/%s`", what, value, rel);
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
      const char *rel = "thread-self/attr/apparmor/exec";
      struct rw_error *first = NULL;
      cleanup_close int probe = lsm_open_proc_attr ("/proc", rel, &first);
      if (probe < 0 && first->status == ENOENT)
        rel = "thread-self/attr/exec";
      rw_error_free (&first);
      if (write_label (rel, cmd, "AppArmor profile", err) < 0)
        return -1;
    }
  if (l->selinux_label && write_label ("thread-self/attr/exec", l->selinux_label, "SELinux label", err) < 0)
    return -1;
  return 0;
}
