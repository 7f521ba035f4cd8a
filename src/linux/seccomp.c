#include "linux/seccomp.h"

#include <errno.h>

int seccomp_profile_parse (json_object *seccomp, struct seccomp_profile **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "seccomp_profile_parse: not implemented yet");
}

void seccomp_profile_free (struct seccomp_profile *profile)
{
}

const char *seccomp_profile_listener_path (const struct seccomp_profile *profile)
{
  return NULL;
}

bool seccomp_profile_uses_notify (const struct seccomp_profile *profile)
{
  return false;
}

int seccomp_profile_apply (const struct seccomp_profile *profile, int *notify_fd, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "seccomp_profile_apply: not implemented yet");
}

int seccomp_send_notify_fd (const char *listener_path, int notify_fd, const char *state_json,
                            struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "seccomp_send_notify_fd: not implemented yet");
}
