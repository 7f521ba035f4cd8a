/* process.rlimits: [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}, ...]. */
#ifndef RUNWASM_LINUX_RLIMITS_H
#define RUNWASM_LINUX_RLIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "common/error.h"

struct rlimit_entry
{
  int resource;     /* RLIMIT_* */
  const char *name; /* "RLIMIT_NOFILE", static */
  uint64_t soft, hard;
};

struct rlimits
{
  struct rlimit_entry *entries;
  size_t n;
};

/* Parse process.rlimits; NULL gives an empty list. Unknown types, soft > hard and duplicates
 * fail naming the field ("process.rlimits[1].type: unknown rlimit `RLIMIT_FOO`"). */
int rlimits_parse (json_object *rlimits, struct rlimits **out, struct rw_error **err);
void rlimits_free (struct rlimits *rl);
/* setrlimit each, in the container process before setuid. Raising a hard limit above the
 * current one without CAP_SYS_RESOURCE fails with EPERM, reported as such. */
int rlimits_apply (const struct rlimits *rl, struct rw_error **err);

#endif
