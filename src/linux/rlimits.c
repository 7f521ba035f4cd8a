#include "linux/rlimits.h"

#include <errno.h>

int rlimits_parse (json_object *rlimits, struct rlimits **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "rlimits_parse: not implemented yet");
}

void rlimits_free (struct rlimits *rl)
{
}

int rlimits_apply (const struct rlimits *rl, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "rlimits_apply: not implemented yet");
}
