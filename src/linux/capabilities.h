/* process.capabilities: the five sets (bounding, effective, inheritable, permitted, ambient). */
#ifndef RUNWASM_LINUX_CAPABILITIES_H
#define RUNWASM_LINUX_CAPABILITIES_H

#include <stdint.h>
#include <json-c/json.h>

#include "common/error.h"

/* Each set is a bit mask indexed by capability number (CAP_CHOWN = bit 0 ...). */
struct capabilities
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* Parse process.capabilities; NULL means "no capabilities section": *out is NULL and the
 * caller keeps the process' capabilities. Unknown names fail, naming the field:
 * "process.capabilities.bounding[2]: unknown capability `CAP_FOO`". */
int capabilities_parse (json_object *caps, struct capabilities **out, struct rw_error **err);
void capabilities_free (struct capabilities *caps);

/* Before setgroups/setgid/setuid: keep the permitted set across the uid change
 * (PR_SET_KEEPCAPS) and drop from the bounding set what is not listed. */
int capabilities_prepare_setuid (const struct capabilities *caps, struct rw_error **err);
/* After setuid: set effective, permitted, inheritable, then raise the ambient set.
 * Both steps leave out capabilities the running kernel lacks (above
 * /proc/sys/kernel/cap_last_cap), as runc does, so a config written for a newer kernel runs. */
int capabilities_apply (const struct capabilities *caps, struct rw_error **err);

/* Name <-> number ("CAP_SYS_ADMIN" <-> 21), for the CLI (`features`) and tests. */
int capabilities_from_name (const char *name);
const char *capabilities_name (int cap);
int capabilities_last_cap (void);

#endif
