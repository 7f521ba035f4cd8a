#include "linux/personality.h"

#include <errno.h>

int personality_parse (json_object *personality, struct personality_config **out, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "personality_parse: not implemented yet");
}

void personality_free (struct personality_config *p)
{
}

int personality_apply (const struct personality_config *p, struct rw_error **err)
{
  return rw_error_set (err, ENOSYS, "personality_apply: not implemented yet");
}
