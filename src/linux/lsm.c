#include "linux/lsm.h"

#include <errno.h>

int lsm_parse (json_object *process, json_object *linux_obj, struct lsm_labels **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "lsm_parse: not implemented yet");
}

void lsm_free (struct lsm_labels *l)
{
}

bool lsm_apparmor_enabled (const char *sys_root)
{
  return false;
}

bool lsm_selinux_enabled (const char *sys_root)
{
  return false;
}

int lsm_check_available (const struct lsm_labels *l, const char *sys_root, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "lsm_check_available: not implemented yet");
}

int lsm_apply_exec_labels (const struct lsm_labels *l, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "lsm_apply_exec_labels: not implemented yet");
}
