#include "linux/rlimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/cleanup.h"

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

/* Values above INT64_MAX (RLIM_INFINITY written as 18446744073709551615) are kept by json-c
 * as uint64: get_int64 saturates them (positive), get_uint64 returns them exactly. */
static int parse_limit (json_object *obj, const char *what, size_t i, uint64_t *out, struct rw_error **err)
{
  if (obj == NULL || !json_object_is_type (obj, json_type_int))
    return rw_error_set (err, 0, "process.rlimits[%zu].%s: expected a non-negative integer", i, what);
  if (json_object_get_int64 (obj) < 0)
    return rw_error_set (err, 0, "process.rlimits[%zu].%s: expected a non-negative integer", i, what);
  *out = json_object_get_uint64 (obj);
  return 0;
}

void rlimits_free (struct rlimits *rl)
{
  if (rl == NULL)
    return;
  free (rl->entries);
  free (rl);
}

int rlimits_parse (json_object *rlimits, struct rlimits **out, struct rw_error **err)
{
  *out = NULL;
  cleanup_free struct rlimits *rl = calloc (1, sizeof *rl);
  if (rl == NULL)
    return rw_error_set (err, ENOMEM, "process.rlimits");
  if (rlimits == NULL)
    {
      *out = steal_pointer (&rl);
      return 0;
    }
  if (!json_object_is_type (rlimits, json_type_array))
    return rw_error_set (err, 0, "process.rlimits: expected an array");
  size_t n = json_object_array_length (rlimits);
  cleanup_free struct rlimit_entry *entries = calloc (n ? n : 1, sizeof *entries);
  if (entries == NULL)
    return rw_error_set (err, ENOMEM, "process.rlimits");
  for (size_t i = 0; i < n; i++)
    {
      json_object *item = json_object_array_get_idx (rlimits, i), *type, *soft, *hard;
      if (!json_object_is_type (item, json_type_object))
        return rw_error_set (err, 0, "process.rlimits[%zu]: expected an object", i);
      if (!json_object_object_get_ex (item, "type", &type) || !json_object_is_type (type, json_type_string))
        return rw_error_set (err, 0, "process.rlimits[%zu].type: expected a string", i);
      const char *name = json_object_get_string (type);
      size_t k;
      for (k = 0; k < sizeof rlimit_names / sizeof rlimit_names[0]; k++)
        if (strcmp (rlimit_names[k].name, name) == 0)
          break;
      if (k == sizeof rlimit_names / sizeof rlimit_names[0])
        return rw_error_set (err, 0, "process.rlimits[%zu].type: unknown rlimit `%s`", i, name);
      for (size_t j = 0; j < i; j++)
        if (entries[j].resource == rlimit_names[k].resource)
          return rw_error_set (err, 0, "process.rlimits[%zu].type: `%s` given twice", i, name);
      json_object_object_get_ex (item, "soft", &soft);
      json_object_object_get_ex (item, "hard", &hard);
      entries[i].resource = rlimit_names[k].resource;
      entries[i].name = rlimit_names[k].name;
      if (parse_limit (soft, "soft", i, &entries[i].soft, err) < 0
          || parse_limit (hard, "hard", i, &entries[i].hard, err) < 0)
        return -1;
      if (entries[i].soft > entries[i].hard)
        return rw_error_set (err, 0, "process.rlimits[%zu]: %s soft limit %" PRIu64 " is above the hard limit %" PRIu64,
                             i, name, entries[i].soft, entries[i].hard);
    }
  rl->entries = steal_pointer (&entries);
  rl->n = n;
  *out = steal_pointer (&rl);
  return 0;
}

int rlimits_apply (const struct rlimits *rl, struct rw_error **err)
{
  for (size_t i = 0; rl && i < rl->n; i++)
    {
      const struct rlimit_entry *e = &rl->entries[i];
      struct rlimit want = { .rlim_cur = e->soft, .rlim_max = e->hard }, now;
      if (setrlimit (e->resource, &want) == 0)
        continue;
      int saved = errno;
      if (saved == EPERM && getrlimit (e->resource, &now) == 0 && e->hard > now.rlim_max)
        return rw_error_set (err, saved,
                             "setrlimit %s: raising the hard limit from %llu to %" PRIu64
                             " needs CAP_SYS_RESOURCE, which this process lacks",
                             e->name, (unsigned long long) now.rlim_max, e->hard);
      return rw_error_set (err, saved, "setrlimit %s (soft %" PRIu64 ", hard %" PRIu64 ")", e->name, e->soft, e->hard);
    }
  return 0;
}
