/* LSM labels: process.apparmorProfile, process.selinuxLabel and linux.mountLabel. */
#ifndef RUNWASM_LINUX_LSM_H
#define RUNWASM_LINUX_LSM_H

#include <stdbool.h>
#include <json-c/json.h>

#include "common/error.h"

struct lsm_labels
{
  char *apparmor_profile; /* NULL when unset */
  char *selinux_label;
  char *mount_label;      /* for mount options ("context=..."), used by the mounts code */
};

/* `process` is config.json's process object and `linux` its linux object (both may be NULL).
 * Empty strings count as unset. */
int lsm_parse (json_object *process, json_object *linux_obj, struct lsm_labels **out, struct rw_error **err);
void lsm_free (struct lsm_labels *l);

/* Whether the host has the LSM enabled; `sys_root` NULL means "/" (tests pass a fake tree:
 * <sys_root>/sys/module/apparmor/parameters/enabled, <sys_root>/sys/fs/selinux/enforce). */
bool lsm_apparmor_enabled (const char *sys_root);
bool lsm_selinux_enabled (const char *sys_root);

/* Fail early (at create) when a label is requested but its LSM is not enabled. */
int lsm_check_available (const struct lsm_labels *l, const char *sys_root, struct rw_error **err);
/* In the container process just before execve: write "exec <profile>" to
 * /proc/thread-self/attr/apparmor/exec (or attr/exec) and the SELinux label to
 * /proc/thread-self/attr/exec, so the labels take effect at exec. Both go through
 * lsm_open_proc_attr: a label never lands anywhere but in procfs. */
int lsm_apply_exec_labels (const struct lsm_labels *l, struct rw_error **err);

/* An O_WRONLY fd of `rel` (e.g. "thread-self/attr/exec") under `proc`, only if `proc` is a
 * procfs and no mount lies on the way (RESOLVE_NO_XDEV), so a volume an image redirected
 * over /proc/self/attr cannot take the label (CVE-2019-19921). */
int lsm_open_proc_attr (const char *proc, const char *rel, struct rw_error **err);

#endif
