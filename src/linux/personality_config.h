/* linux.personality: {"domain": "LINUX" | "LINUX32", "flags": [...]}. */
#ifndef RUNWASM_LINUX_PERSONALITY_CONFIG_H
#define RUNWASM_LINUX_PERSONALITY_CONFIG_H

#include <json-c/json.h>

#include "common/error.h"

struct personality_config
{
  unsigned long persona; /* PER_LINUX or PER_LINUX32 */
};

/* NULL gives *out == NULL (leave the personality alone). Unknown domains fail; flags are
 * not defined by the spec yet, so a non-empty flags list fails as not supported. */
int personality_parse (json_object *personality, struct personality_config **out, struct rw_error **err);
void personality_free (struct personality_config *p);
/* personality(2) in the container process (any time before execve). */
int personality_apply (const struct personality_config *p, struct rw_error **err);

#endif
