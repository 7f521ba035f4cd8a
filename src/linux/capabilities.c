#include "linux/capabilities.h"

#include <errno.h>

int capabilities_parse (json_object *caps, struct capabilities **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "capabilities_parse: not implemented yet");
}

void capabilities_free (struct capabilities *caps)
{
}

int capabilities_prepare_setuid (const struct capabilities *caps, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "capabilities_prepare_setuid: not implemented yet");
}

int capabilities_apply (const struct capabilities *caps, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "capabilities_apply: not implemented yet");
}

int capabilities_from_name (const char *name)
{
  return -1;
}

const char *capabilities_name (int cap)
{
  return NULL;
}

int capabilities_last_cap (void)
{
  return -1;
}
