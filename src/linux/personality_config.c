#include "linux/personality_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

void personality_free (struct personality_config *p)
{
  free (p);
}

int personality_parse (json_object *personality, struct personality_config **out, struct rw_error **err)
{
  *out = NULL;
  if (personality == NULL)
    return 0;
  if (!json_object_is_type (personality, json_type_object))
    return rw_error_set (err, 0, "linux.personality: expected an object");
  json_object *domain, *flags;
  if (!json_object_object_get_ex (personality, "domain", &domain) || !json_object_is_type (domain, json_type_string))
    return rw_error_set (err, 0, "linux.personality.domain: expected a string");
  unsigned long persona;
  const char *name = json_object_get_string (domain);
  if (strcmp (name, "LINUX") == 0)
    persona = PER_LINUX;
  else if (strcmp (name, "LINUX32") == 0)
    persona = PER_LINUX32;
  else
    return rw_error_set (err, 0, "linux.personality.domain: unknown domain `%s` (LINUX or LINUX32)", name);
  if (json_object_object_get_ex (personality, "flags", &flags) && flags != NULL)
    {
      if (!json_object_is_type (flags, json_type_array))
        return rw_error_set (err, 0, "linux.personality.flags: expected an array");
      /* The spec lists no flag names yet; refusing them beats ignoring them. */
      if (json_object_array_length (flags) > 0)
        return rw_error_set (err, 0, "linux.personality.flags[0]: flag `%s` not supported",
                             json_object_get_string (json_object_array_get_idx (flags, 0)));
    }
  struct personality_config *p = calloc (1, sizeof *p);
  if (p == NULL)
    return rw_error_set (err, ENOMEM, "linux.personality");
  p->persona = persona;
  *out = p;
  return 0;
}

int personality_apply (const struct personality_config *p, struct rw_error **err)
{
  if (p == NULL)
    return 0;
  if (personality (p->persona) < 0)
    return rw_error_set (err, errno, "personality 0x%lx", p->persona);
  return 0;
}
