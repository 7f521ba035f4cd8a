/* Every policy parser against every single-node corruption of a valid section: each node in
 * turn replaced by null, a string, -1, 2^64-1, an array, an object or a boolean. A parser must
 * either accept or fail with a message; ASan/UBSan catch the rest (leaks included). */
#include <stdlib.h>

#include "linux/capabilities.h"
#include "linux/cgroup_resources.h"
#include "linux/lsm.h"
#include "linux/personality_config.h"
#include "linux/rlimits.h"
#include "linux/seccomp_profile.h"
#include "linux/sysctls.h"
#include "tap.h"

/* Returns 0 (accepted), 1 (refused with a message) or -1 (refused without one). */
typedef int (*parse_fn) (json_object *section);

static int outcome (int rc, struct rw_error **err)
{
  int r = rc == 0 ? 0 : (*err && (*err)->msg && *(*err)->msg) ? 1 : -1;
  rw_error_free (err);
  return r;
}

static int parse_resources (json_object *s)
{
  struct rw_error *err = NULL;
  struct cgroup_resources *r = NULL;
  int rc = cgroup_resources_parse (s, "linux.resources", &r, &err);
  if (rc == 0 && cgroup_resources_add_default_devices (r, &err) < 0)
    rc = -1;
  cgroup_resources_free (r);
  return outcome (rc, &err);
}

static int parse_seccomp (json_object *s)
{
  struct rw_error *err = NULL;
  struct seccomp_profile *p = NULL;
  int rc = seccomp_profile_parse (s, &p, &err);
  seccomp_profile_free (p);
  return outcome (rc, &err);
}

static int parse_caps (json_object *s)
{
  struct rw_error *err = NULL;
  struct capabilities *c = NULL;
  int rc = capabilities_parse (s, &c, &err);
  capabilities_free (c);
  return outcome (rc, &err);
}

static int parse_rlimits (json_object *s)
{
  struct rw_error *err = NULL;
  struct rlimits *r = NULL;
  int rc = rlimits_parse (s, &r, &err);
  rlimits_free (r);
  return outcome (rc, &err);
}

static int parse_sysctl (json_object *s)
{
  struct rw_error *err = NULL;
  struct sysctls *r = NULL;
  struct sysctl_namespaces ns = { true, true, true };
  int rc = sysctl_parse (s, &ns, &r, &err);
  sysctl_free (r);
  return outcome (rc, &err);
}

static int parse_personality (json_object *s)
{
  struct rw_error *err = NULL;
  struct personality_config *p = NULL;
  int rc = personality_parse (s, &p, &err);
  personality_free (p);
  return outcome (rc, &err);
}

static int parse_lsm (json_object *s)
{
  struct rw_error *err = NULL;
  struct lsm_labels *l = NULL;
  int rc = lsm_parse (s, s, &l, &err);
  lsm_free (l);
  return outcome (rc, &err);
}

static const char *const replacements[] = { "null", "\"x\"", "-1", "18446744073709551615", "[]", "{}", "true", "[1,\"a\"]" };
#define N_REPLACEMENTS (sizeof replacements / sizeof replacements[0])

struct tally
{
  int tried, accepted, refused, silent;
};

/* Replace, in turn, every node under `node` (the root is `doc`) and parse `doc`. */
static void corrupt_each (json_object *doc, json_object *node, parse_fn parse, struct tally *t)
{
  if (json_object_is_type (node, json_type_object))
    {
      json_object_object_foreach (node, key, child)
        {
          json_object *saved = json_object_get (child);
          for (size_t r = 0; r < N_REPLACEMENTS; r++)
            {
              json_object_object_add (node, key, json_tokener_parse (replacements[r]));
              int o = parse (doc);
              t->tried++, t->accepted += o == 0, t->refused += o == 1, t->silent += o == -1;
            }
          json_object_object_add (node, key, saved);
          corrupt_each (doc, saved, parse, t);
        }
    }
  else if (json_object_is_type (node, json_type_array))
    {
      for (size_t i = 0; i < json_object_array_length (node); i++)
        {
          json_object *saved = json_object_get (json_object_array_get_idx (node, i));
          for (size_t r = 0; r < N_REPLACEMENTS; r++)
            {
              json_object_array_put_idx (node, i, json_tokener_parse (replacements[r]));
              int o = parse (doc);
              t->tried++, t->accepted += o == 0, t->refused += o == 1, t->silent += o == -1;
            }
          json_object_array_put_idx (node, i, saved);
          corrupt_each (doc, saved, parse, t);
        }
    }
}

static void check (const char *name, const char *valid, parse_fn parse)
{
  json_object *doc = json_tokener_parse (valid);
  tap_eq_int (parse (doc), 0, "%s: the valid section parses", name);
  struct tally t = { 0 };
  corrupt_each (doc, doc, parse, &t);
  for (size_t r = 0; r < N_REPLACEMENTS; r++)
    {
      json_object *whole = json_tokener_parse (replacements[r]);
      int o = parse (whole);
      t.tried++, t.accepted += o == 0, t.refused += o == 1, t.silent += o == -1;
      json_object_put (whole);
    }
  tap_ok (t.silent == 0 && t.refused > 0, "%s: %d corruptions, %d refused with a message, %d accepted, %d refused silently",
          name, t.tried, t.refused, t.accepted, t.silent);
  json_object_put (doc);
}

int main (void)
{
  check ("linux.resources",
         "{\"memory\":{\"limit\":1048576,\"reservation\":1,\"swap\":2097152,\"swappiness\":1,\"disableOOMKiller\":false},"
         "\"cpu\":{\"shares\":2,\"quota\":1,\"period\":1,\"cpus\":\"0\",\"mems\":\"0\",\"idle\":0},\"pids\":{\"limit\":1},"
         "\"blockIO\":{\"weight\":10,\"weightDevice\":[{\"major\":1,\"minor\":2,\"weight\":10}],"
         "\"throttleReadBpsDevice\":[{\"major\":1,\"minor\":2,\"rate\":3}]},"
         "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}],\"network\":{\"classID\":1,\"priorities\":[{\"name\":\"e\",\"priority\":1}]},"
         "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}],"
         "\"rdma\":{\"m\":{\"hcaHandles\":1}},\"unified\":{\"memory.high\":\"1M\"}}",
         parse_resources);
  check ("linux.seccomp",
         "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"],"
         "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"listenerPath\":\"/x\",\"syscalls\":[{\"names\":[\"read\",\"write\"],"
         "\"action\":\"SCMP_ACT_NOTIFY\",\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":2,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
         parse_seccomp);
  check ("process.capabilities",
         "{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],\"inheritable\":[\"CAP_KILL\"],"
         "\"ambient\":[\"CAP_KILL\"]}", parse_caps);
  check ("process.rlimits", "[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":2},{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]",
         parse_rlimits);
  check ("linux.sysctl", "{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmni\":\"2\"}", parse_sysctl);
  check ("linux.personality", "{\"domain\":\"LINUX\",\"flags\":[]}", parse_personality);
  check ("process (LSM)", "{\"apparmorProfile\":\"p\",\"selinuxLabel\":\"l\",\"mountLabel\":\"m\"}", parse_lsm);
  return tap_done ();
}
