/* Cgroup v1, hybrid and v2 code against fake cgroupfs trees: temporary directories holding
 * the files a real hierarchy has. The fake kernel does not react, so each check reads back
 * what the code wrote. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "tap.h"

static char base[] = "/tmp/rw-cgfake-XXXXXX";

static void mkdir_p (const char *path)
{
  char tmp[512];
  snprintf (tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        mkdir (tmp, 0755);
        *p = '/';
      }
  mkdir (tmp, 0755);
}

/* put ("v1/memory/runwasm/c1/memory.max", "max") under the test's base directory. */
static void put (const char *rel, const char *content)
{
  char path[512];
  snprintf (path, sizeof path, "%s/%s", base, rel);
  char *slash = strrchr (path, '/');
  *slash = '\0';
  mkdir_p (path);
  *slash = '/';
  FILE *f = fopen (path, "w");
  if (f == NULL)
    abort ();
  fputs (content, f);
  fclose (f);
}

static const char *get (const char *rel)
{
  static char buf[4096];
  char path[512];
  snprintf (path, sizeof path, "%s/%s", base, rel);
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return "(missing)";
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

static char *root_of (const char *tree)
{
  static char root[512];
  snprintf (root, sizeof root, "%s/%s", base, tree);
  return root;
}

static struct cgroup_resources *resources (const char *json)
{
  struct rw_error *err = NULL;
  struct cgroup_resources *r = NULL;
  json_object *obj = json_tokener_parse (json);
  if (cgroup_resources_parse (obj, "linux.resources", &r, &err) < 0)
    printf ("# %s\n", err->msg);
  rw_error_free (&err);
  json_object_put (obj);
  return r;
}

/* apply and return the error message (NULL on success); the caller checks the files. */
static char *apply (struct cgroup *cg, const char *json)
{
  static char msg[512];
  struct rw_error *err = NULL;
  struct cgroup_resources *r = resources (json);
  int rc = cgroup_apply_resources (cg, r, &err);
  cgroup_resources_free (r);
  if (rc == 0)
    return NULL;
  snprintf (msg, sizeof msg, "%s", err ? err->msg : "(no message)");
  rw_error_free (&err);
  return msg;
}

static void build_v1 (void)
{
  static const char *const hierarchies[] = { "memory", "cpu,cpuacct", "cpuset", "pids", "blkio", "devices",
                                             "freezer", "hugetlb", "net_cls", "net_prio", "systemd" };
  for (size_t i = 0; i < sizeof hierarchies / sizeof hierarchies[0]; i++)
    {
      char rel[256];
      snprintf (rel, sizeof rel, "v1/%s/cgroup.procs", hierarchies[i]);
      put (rel, "");
      snprintf (rel, sizeof rel, "v1/%s/runwasm/c1/cgroup.procs", hierarchies[i]);
      put (rel, "");
    }
  /* Co-mount aliases are symlinks on real hosts. */
  char link[512];
  snprintf (link, sizeof link, "%s/v1/cpu", base);
  symlink ("cpu,cpuacct", link);
  put ("v1/memory/runwasm/c1/memory.limit_in_bytes", "9223372036854771712\n");
  put ("v1/memory/runwasm/c1/memory.memsw.limit_in_bytes", "9223372036854771712\n");
  put ("v1/memory/runwasm/c1/memory.soft_limit_in_bytes", "");
  put ("v1/memory/runwasm/c1/memory.swappiness", "60\n");
  put ("v1/memory/runwasm/c1/memory.oom_control", "");
  put ("v1/memory/runwasm/c1/memory.usage_in_bytes", "4096\n");
  put ("v1/cpu,cpuacct/runwasm/c1/cpu.shares", "1024\n");
  put ("v1/cpu,cpuacct/runwasm/c1/cpu.cfs_quota_us", "-1\n");
  put ("v1/cpu,cpuacct/runwasm/c1/cpu.cfs_period_us", "100000\n");
  put ("v1/cpuset/cpuset.cpus", "0-3\n");
  put ("v1/cpuset/cpuset.mems", "0\n");
  put ("v1/cpuset/runwasm/cpuset.cpus", "\n");
  put ("v1/cpuset/runwasm/cpuset.mems", "\n");
  put ("v1/cpuset/runwasm/c1/cpuset.cpus", "\n");
  put ("v1/cpuset/runwasm/c1/cpuset.mems", "\n");
  put ("v1/pids/runwasm/c1/pids.max", "max\n");
  put ("v1/blkio/runwasm/c1/blkio.bfq.weight", "100\n");
  put ("v1/blkio/runwasm/c1/blkio.throttle.read_bps_device", "");
  put ("v1/devices/runwasm/c1/devices.allow", "");
  put ("v1/devices/runwasm/c1/devices.deny", "");
  put ("v1/freezer/runwasm/c1/freezer.state", "THAWED\n");
  put ("v1/hugetlb/runwasm/c1/hugetlb.2MB.limit_in_bytes", "");
  put ("v1/net_cls/runwasm/c1/net_cls.classid", "0\n");
  put ("v1/net_prio/runwasm/c1/net_prio.ifpriomap", "");
}

static void build_v2 (const char *tree, const char *controllers)
{
  char rel[256];
  const char *levels[] = { "", "/runwasm", "/runwasm/c1" };
  for (int i = 0; i < 3; i++)
    {
      snprintf (rel, sizeof rel, "%s%s/cgroup.controllers", tree, levels[i]);
      put (rel, controllers);
      snprintf (rel, sizeof rel, "%s%s/cgroup.subtree_control", tree, levels[i]);
      put (rel, "");
      snprintf (rel, sizeof rel, "%s%s/cgroup.procs", tree, levels[i]);
      put (rel, "");
    }
  static const char *const files[][2] = {
    { "memory.max", "max\n" },    { "memory.swap.max", "max\n" }, { "memory.low", "0\n" },
    { "memory.high", "max\n" },   { "memory.current", "8192\n" }, { "cpu.weight", "100\n" },
    { "cpu.max", "max 100000\n" }, { "cpu.max.burst", "0\n" },    { "cpuset.cpus", "\n" },
    { "pids.max", "max\n" },      { "io.weight", "default 100\n" }, { "io.max", "" },
    { "hugetlb.2MB.max", "max\n" }, { "rdma.max", "" }, { "cgroup.freeze", "0\n" },   { "cgroup.events", "populated 1\nfrozen 1\n" },
    { "cgroup.kill", "" },
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      snprintf (rel, sizeof rel, "%s/runwasm/c1/%s", tree, files[i][0]);
      put (rel, files[i][1]);
    }
}

static void test_paths (void)
{
  struct rw_error *err = NULL;
  char *path = NULL;
  put ("self-cgroup", "9:name=systemd:/user.slice/session-1.scope\n4:memory:/m\n0::/pod/x\n");
  char self[512];
  snprintf (self, sizeof self, "%s/self-cgroup", base);
  struct cgroup_create_options o = { .id = "c1", .manager = CGROUP_MANAGER_CGROUPFS, .self_cgroup_file = self };
#define PATH_IS(mode, want, what)                                                 \
  do {                                                                            \
    path = NULL;                                                                  \
    int rc_ = cgroup_compute_path (&o, mode, &path, &err);                        \
    tap_eq_str (rc_ == 0 ? path : (err ? err->msg : "?"), want, what);            \
    free (path);                                                                  \
    rw_error_free (&err);                                                         \
  } while (0)
  PATH_IS (CGROUP_MODE_V1, "/runwasm/c1", "no cgroupsPath: /runwasm/<id>");
  o.cgroups_path = "/machine//pod1/c1/";
  PATH_IS (CGROUP_MODE_V2, "/machine/pod1/c1", "absolute path cleaned");
  o.cgroups_path = "box/c1";
  PATH_IS (CGROUP_MODE_V1, "/user.slice/session-1.scope/box/c1", "relative on v1: under the name=systemd cgroup");
  PATH_IS (CGROUP_MODE_HYBRID, "/pod/x/box/c1", "relative on hybrid: under the 0:: cgroup");
  o.cgroups_path = "/a/../b";
  PATH_IS (CGROUP_MODE_V2, "linux.cgroupsPath `/a/../b`: `.` and `..` are not allowed", "`..` refused");
  o.cgroups_path = "/";
  PATH_IS (CGROUP_MODE_V2, "linux.cgroupsPath `/`: the root cgroup cannot hold a container", "root refused");
  o.cgroups_path = "machine.slice:libpod:abc";
  PATH_IS (CGROUP_MODE_V2, "linux.cgroupsPath `machine.slice:libpod:abc`: a `slice:prefix:name` path needs --systemd-cgroup",
           "systemd-style path with cgroupfs refused");
  o.manager = CGROUP_MANAGER_SYSTEMD;
  PATH_IS (CGROUP_MODE_V2, "/machine.slice/libpod-abc.scope", "systemd path: slice/prefix-name.scope");
  o.cgroups_path = "machine-pod1.slice:crio:xyz";
  PATH_IS (CGROUP_MODE_V2, "/machine.slice/machine-pod1.slice/crio-xyz.scope", "nested slice expanded");
  o.cgroups_path = NULL;
  PATH_IS (CGROUP_MODE_V2, "/system.slice/runwasm-c1.scope", "systemd default");
  o.cgroups_path = "a:b";
  PATH_IS (CGROUP_MODE_V2, "linux.cgroupsPath `a:b`: the systemd cgroup driver expects `slice:prefix:name`", "malformed systemd path");
  o.manager = CGROUP_MANAGER_CGROUPFS;
  o.id = "../x";
  PATH_IS (CGROUP_MODE_V2, "cgroup path: invalid container id `../x`", "id with a slash refused");
#undef PATH_IS
  enum cgroup_manager m;
  tap_eq_int (cgroup_manager_choose (false, &m, &err), 0, "cgroupfs manager by default");
  tap_eq_int (m, CGROUP_MANAGER_CGROUPFS, "is cgroupfs");
  /* Whether systemd answers is cgroup_create's business (it connects). */
  tap_eq_int (cgroup_manager_choose (true, &m, &err), 0, "--systemd-cgroup chooses systemd");
  tap_eq_int (m, CGROUP_MANAGER_SYSTEMD, "is systemd");
}

static void test_v1 (void)
{
  struct rw_error *err = NULL;
  enum cgroup_mode mode = CGROUP_MODE_V2;
  build_v1 ();
  tap_eq_int (cgroup_detect_mode (root_of ("v1"), &mode, &err), 0, "v1 tree detected");
  tap_eq_int (mode, CGROUP_MODE_V1, "as v1");

  struct cgroup *cg = NULL;
  struct cgroup_create_options o = { .root = root_of ("v1"), .id = "c1", .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_create (&o, &cg, &err), 0, "create on v1%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  if (cg == NULL)
    return;
  tap_eq_str (cg->path, "/runwasm/c1", "path");
  tap_eq_str (get ("v1/cpuset/runwasm/cpuset.cpus"), "0-3", "cpuset.cpus inherited by the new parent level");
  tap_eq_str (get ("v1/cpuset/runwasm/c1/cpuset.mems"), "0", "cpuset.mems inherited by the container level");
  char *dir = cgroup_v1_dir (cg, "cpuacct");
  char want[512];
  snprintf (want, sizeof want, "%s/v1/cpu,cpuacct/runwasm/c1", base);
  tap_eq_str (dir, want, "co-mounted controller found through its real directory");
  free (dir);

  tap_eq_int (cgroup_enter (cg, 4242, &err), 0, "enter");
  tap_eq_str (get ("v1/memory/runwasm/c1/cgroup.procs"), "4242", "pid in memory hierarchy");
  tap_eq_str (get ("v1/systemd/runwasm/c1/cgroup.procs"), "4242", "pid in name=systemd hierarchy");

  tap_ok (apply (cg, "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"reservation\":1000,\"swappiness\":5,"
                     "\"disableOOMKiller\":true},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":200000,\"cpus\":\"1\"},"
                     "\"pids\":{\"limit\":32},\"blockIO\":{\"weight\":300,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1024}]},"
                     "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
                     "\"network\":{\"classID\":65537,\"priorities\":[{\"name\":\"eth0\",\"priority\":7}]},"
                     "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]}")
          == NULL, "apply every v1 controller");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.limit_in_bytes"), "104857600", "memory.limit_in_bytes");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.memsw.limit_in_bytes"), "209715200", "memory.memsw.limit_in_bytes");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.soft_limit_in_bytes"), "1000", "soft limit from reservation");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.swappiness"), "5", "swappiness");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.oom_control"), "1", "oom killer disabled");
  tap_eq_str (get ("v1/cpu,cpuacct/runwasm/c1/cpu.shares"), "512", "cpu.shares");
  tap_eq_str (get ("v1/cpu,cpuacct/runwasm/c1/cpu.cfs_quota_us"), "50000", "cfs quota");
  tap_eq_str (get ("v1/cpu,cpuacct/runwasm/c1/cpu.cfs_period_us"), "200000", "cfs period");
  tap_eq_str (get ("v1/cpuset/runwasm/c1/cpuset.cpus"), "1", "cpuset.cpus");
  tap_eq_str (get ("v1/pids/runwasm/c1/pids.max"), "32", "pids.max");
  tap_eq_str (get ("v1/blkio/runwasm/c1/blkio.bfq.weight"), "300", "BFQ weight used when blkio.weight is absent");
  tap_eq_str (get ("v1/blkio/runwasm/c1/blkio.throttle.read_bps_device"), "8:0 1024", "read bps throttle");
  tap_eq_str (get ("v1/hugetlb/runwasm/c1/hugetlb.2MB.limit_in_bytes"), "4194304", "hugetlb limit");
  tap_eq_str (get ("v1/net_cls/runwasm/c1/net_cls.classid"), "65537", "net_cls.classid");
  tap_eq_str (get ("v1/net_prio/runwasm/c1/net_prio.ifpriomap"), "eth0 7", "net_prio.ifpriomap");
  tap_eq_str (get ("v1/devices/runwasm/c1/devices.deny"), "a", "deny-all written to devices.deny");
  tap_eq_str (get ("v1/devices/runwasm/c1/devices.allow"), "c 1:3 rw", "allow rule written to devices.allow");

  tap_ok (apply (cg, "{\"pids\":{\"limit\":-1},\"memory\":{\"limit\":-1}}") == NULL, "update to unlimited");
  tap_eq_str (get ("v1/pids/runwasm/c1/pids.max"), "max", "pids -1 is max");
  tap_eq_str (get ("v1/memory/runwasm/c1/memory.memsw.limit_in_bytes"), "-1", "unlimited memory lifts memsw too");
  tap_ok (apply (cg, "{\"memory\":{\"limit\":1024,\"checkBeforeUpdate\":true}}") != NULL, "checkBeforeUpdate refuses a limit below usage");

  char *msg = apply (cg, "{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":1}}}");
  tap_eq_str (msg, "linux.resources.rdma: the cgroup v1 `rdma` controller is not mounted on this host", "missing controller named");
  msg = apply (cg, "{\"unified\":{\"memory.high\":\"1M\"}}");
  tap_eq_str (msg, "linux.resources.unified: needs cgroup v2 (this host has only cgroup v1)", "unified refused on v1");
  msg = apply (cg, "{\"hugepageLimits\":[{\"pageSize\":\"1GB\",\"limit\":1}]}");
  tap_eq_str (msg, "linux.resources.hugepageLimits[0].pageSize: huge page size `1GB` not supported here", "unknown huge page size");

  struct rw_error *e2 = NULL;
  tap_eq_int (cgroup_freeze (cg, true, &e2), 0, "freeze");
  tap_eq_str (get ("v1/freezer/runwasm/c1/freezer.state"), "FROZEN", "freezer.state FROZEN");
  tap_eq_int (cgroup_freeze (cg, false, &e2), 0, "thaw");
  tap_eq_str (get ("v1/freezer/runwasm/c1/freezer.state"), "THAWED", "freezer.state THAWED");

  put ("v1/pids/runwasm/c1/cgroup.procs", "50\n7\n");
  put ("v1/pids/runwasm/c1/sub/cgroup.procs", "12\n");
  pid_t *pids = NULL;
  size_t n = 0;
  tap_eq_int (cgroup_list_pids (cg, &pids, &n, &e2), 0, "list pids");
  tap_ok (n == 3 && pids[0] == 7 && pids[1] == 12 && pids[2] == 50, "sorted, sub-cgroups included");
  free (pids);

  bool limited;
  uint64_t bytes;
  tap_eq_int (cgroup_read_memory_limit (cg, &limited, &bytes, &e2), 0, "read memory limit");
  tap_ok (!limited, "-1 written: unlimited");
  put ("v1/memory/runwasm/c1/memory.limit_in_bytes", "104857600\n");
  cgroup_read_memory_limit (cg, &limited, &bytes, &e2);
  tap_ok (limited && bytes == 104857600, "limit in force read back");
  put ("v1/memory/runwasm/c1/memory.limit_in_bytes", "9223372036854771712\n");
  cgroup_read_memory_limit (cg, &limited, &bytes, &e2);
  tap_ok (!limited, "v1 page-counter maximum means unlimited");
  uint64_t kills = 9;
  put ("v1/memory/runwasm/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
  tap_ok (cgroup_read_oom_kills (cg, &kills, &e2) == 0 && kills == 3, "oom_kill of memory.oom_control (not oom_kill_disable)");

  json_object *j = cgroup_to_json (cg);
  struct cgroup *back = NULL;
  tap_eq_int (cgroup_from_json (j, &back, &e2), 0, "state round trip");
  tap_ok (back && back->mode == CGROUP_MODE_V1 && strcmp (back->path, cg->path) == 0 && strcmp (back->root, cg->root) == 0,
          "same root, mode and path");
  cgroup_free (back);
  json_object_put (j);
  j = json_tokener_parse ("{\"root\":\"/x\",\"mode\":\"v3\",\"path\":\"/a\"}");
  tap_eq_int (cgroup_from_json (j, &back, &e2), -1, "unknown mode in state refused");
  tap_eq_str (e2 ? e2->msg : NULL, "state: unknown cgroup mode `v3`", "with a clear message");
  rw_error_free (&e2);
  json_object_put (j);
  cgroup_free (cg);
}

static void test_v2 (void)
{
  struct rw_error *err = NULL;
  enum cgroup_mode mode;
  build_v2 ("v2", "cpuset cpu io memory hugetlb pids rdma\n");
  tap_eq_int (cgroup_detect_mode (root_of ("v2"), &mode, &err), 0, "v2 tree detected");
  tap_eq_int (mode, CGROUP_MODE_V2, "as v2");
  struct cgroup *cg = NULL;
  struct cgroup_create_options o = { .root = root_of ("v2"), .id = "c1", .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_create (&o, &cg, &err), 0, "create on v2%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  if (cg == NULL)
    return;
  tap_eq_str (get ("v2/cgroup.subtree_control"), "+cpuset +cpu +io +memory +hugetlb +pids +rdma", "root delegates every controller");
  tap_eq_str (get ("v2/runwasm/cgroup.subtree_control"), "+cpuset +cpu +io +memory +hugetlb +pids +rdma", "so does the parent");
  tap_eq_str (get ("v2/runwasm/c1/cgroup.subtree_control"), "", "the container's own level is left alone");
  tap_eq_int (cgroup_enter (cg, 99, &err), 0, "enter");
  tap_eq_str (get ("v2/runwasm/c1/cgroup.procs"), "99", "pid written to cgroup.procs");

  char *msg = apply (cg, "{\"memory\":{\"limit\":104857600,\"swap\":209715200,\"reservation\":1000},"
                         "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":10,\"cpus\":\"0\"},"
                         "\"pids\":{\"limit\":0},\"blockIO\":{\"weight\":500,"
                         "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}]},"
                         "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
                         "\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}},"
                         "\"unified\":{\"memory.high\":\"50M\"}}");
  tap_ok (msg == NULL, "apply on v2%s%s", msg ? ": " : "", msg ? msg : "");
  tap_eq_str (get ("v2/runwasm/c1/rdma.max"), "mlx5_0 hca_handle=3 hca_object=max", "rdma.max, unset limits as max");
  tap_eq_str (get ("v2/runwasm/c1/memory.max"), "104857600", "memory.max");
  tap_eq_str (get ("v2/runwasm/c1/memory.swap.max"), "104857600", "memory.swap.max is swap minus memory");
  tap_eq_str (get ("v2/runwasm/c1/memory.low"), "1000", "memory.low from reservation");
  tap_eq_str (get ("v2/runwasm/c1/cpu.weight"), "20", "cpu.weight converted from 512 shares");
  tap_eq_str (get ("v2/runwasm/c1/cpu.max"), "50000 100000", "cpu.max");
  tap_eq_str (get ("v2/runwasm/c1/cpu.max.burst"), "10", "cpu.max.burst");
  tap_eq_str (get ("v2/runwasm/c1/cpuset.cpus"), "0", "cpuset.cpus");
  tap_eq_str (get ("v2/runwasm/c1/pids.max"), "max", "pids 0 is max");
  tap_eq_str (get ("v2/runwasm/c1/io.weight"), "default 4950", "io.weight converted from blkio 500");
  tap_eq_str (get ("v2/runwasm/c1/io.max"), "8:16 wiops=100", "io.max");
  tap_eq_str (get ("v2/runwasm/c1/hugetlb.2MB.max"), "4194304", "hugetlb.2MB.max");
  tap_eq_str (get ("v2/runwasm/c1/memory.high"), "50M", "unified key written");
  tap_eq_int (cgroup_v2_weight_from_shares (2), 1, "shares 2 -> weight 1");
  tap_eq_int (cgroup_v2_weight_from_shares (262144), 10000, "shares 262144 -> weight 10000");
  tap_eq_int (cgroup_v2_weight_from_shares (1024), 39, "shares 1024 -> weight 39");

  json_object *upd = json_tokener_parse ("{\"pids\":{\"limit\":7}}");
  tap_eq_int (cgroup_update (cg, upd, &err), 0, "update from a resources JSON");
  tap_eq_str (get ("v2/runwasm/c1/pids.max"), "7", "pids.max updated");
  json_object_put (upd);
  upd = json_tokener_parse ("{\"pids\":{\"limit\":\"7\"}}");
  tap_eq_int (cgroup_update (cg, upd, &err), -1, "bad update input");
  tap_eq_str (err ? err->msg : NULL, "resources.pids.limit: expected an integer", "named with the update prefix");
  rw_error_free (&err);
  json_object_put (upd);
  put ("v2/runwasm/c1/cpu.max", "30000 100000\n");
  tap_ok (apply (cg, "{\"cpu\":{\"period\":250000}}") == NULL, "period-only update");
  tap_eq_str (get ("v2/runwasm/c1/cpu.max"), "30000 250000", "keeps the quota in force");
  tap_ok (apply (cg, "{\"memory\":{\"swap\":-1}}") == NULL, "swap -1");
  tap_eq_str (get ("v2/runwasm/c1/memory.swap.max"), "max", "is max");

  msg = apply (cg, "{\"unified\":{\"memory.oom.group\":\"1\"}}");
  tap_ok (msg && strstr (msg, "linux.resources.unified.memory.oom.group: no such file in"), "unknown unified key: %s", msg ? msg : "");
  msg = apply (cg, "{\"network\":{\"classID\":1}}");
  tap_eq_str (msg, "linux.resources.network.classID: not supported on cgroup v2 (net_cls/net_prio are v1 only)", "net_cls refused on v2");
  msg = apply (cg, "{\"memory\":{\"kernel\":1000}}");
  tap_eq_str (msg, "linux.resources.memory.kernel: not supported on cgroup v2 (kernel memory is always accounted)", "kernel memory refused");
  msg = apply (cg, "{\"memory\":{\"swappiness\":10}}");
  tap_eq_str (msg, "linux.resources.memory.swappiness: not supported on cgroup v2", "swappiness refused");
  msg = apply (cg, "{\"cpu\":{\"realtimeRuntime\":1000}}");
  tap_eq_str (msg, "linux.resources.cpu.realtimeRuntime: not supported on cgroup v2 (no real-time group scheduling)", "rt refused");
  msg = apply (cg, "{\"memory\":{\"swap\":300}}");
  tap_eq_str (msg, "linux.resources.memory.swap: a swap limit needs a memory limit on cgroup v2", "swap without limit");
  msg = apply (cg, "{\"memory\":{\"limit\":100,\"checkBeforeUpdate\":true}}");
  tap_ok (msg && strstr (msg, "below the current usage 8192"), "checkBeforeUpdate against memory.current");

  tap_eq_int (cgroup_freeze (cg, true, &err), 0, "freeze");
  tap_eq_str (get ("v2/runwasm/c1/cgroup.freeze"), "1", "cgroup.freeze 1");
  put ("v2/runwasm/c1/cgroup.events", "populated 1\nfrozen 0\n");
  tap_eq_int (cgroup_freeze (cg, false, &err), 0, "thaw");
  tap_eq_str (get ("v2/runwasm/c1/cgroup.freeze"), "0", "cgroup.freeze 0");
  put ("v2/runwasm/c1/cgroup.events", "populated 1\nfrozen 0\n");
  tap_eq_int (cgroup_freeze (cg, true, &err), -1, "a freeze that never completes times out");
  tap_ok (err && err->status == ETIMEDOUT, "with ETIMEDOUT");
  rw_error_free (&err);
  tap_eq_int (cgroup_kill_all (cg, SIGKILL, &err), 0, "kill --all with SIGKILL");
  tap_eq_str (get ("v2/runwasm/c1/cgroup.kill"), "1", "uses cgroup.kill");

  bool limited;
  uint64_t bytes;
  put ("v2/runwasm/c1/memory.max", "max\n");
  cgroup_read_memory_limit (cg, &limited, &bytes, &err);
  tap_ok (!limited, "memory.max max: unlimited");
  put ("v2/runwasm/c1/memory.max", "67108864\n");
  cgroup_read_memory_limit (cg, &limited, &bytes, &err);
  tap_ok (limited && bytes == 67108864, "memory.max read back");
  uint64_t kills = 9;
  put ("v2/runwasm/c1/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\noom_group_kill 0\n");
  tap_ok (cgroup_read_oom_kills (cg, &kills, &err) == 0 && kills == 1, "oom_kill of memory.events (not oom_group_kill)");
  cgroup_free (cg);

  /* create's order: the path is known (and recorded) before anything is made. */
  struct cgroup_create_options later = { .root = root_of ("v2"), .id = "c2", .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_plan (&later, &cg, &err), 0, "plan");
  tap_ok (cg && strcmp (cg->path, "/runwasm/c2") == 0 && access (root_of ("v2/runwasm/c2"), F_OK) < 0,
          "  the path, no directory yet");
  tap_eq_int (cgroup_destroy (cg, &err), 0, "  destroying what was only planned succeeds (delete --force)");
  tap_eq_int (cgroup_make (cg, &err), 0, "make");
  tap_ok (access (root_of ("v2/runwasm/c2"), F_OK) == 0, "  the directory exists");
  cgroup_free (cg);
}

static void test_hybrid (void)
{
  struct rw_error *err = NULL;
  enum cgroup_mode mode;
  put ("hy/memory/cgroup.procs", "");
  put ("hy/memory/runwasm/c1/memory.limit_in_bytes", "");
  put ("hy/memory/runwasm/c1/cgroup.procs", "");
  put ("hy/pids/cgroup.procs", "");
  put ("hy/pids/runwasm/c1/cgroup.procs", "");
  put ("hy/pids/runwasm/c1/pids.max", "");
  build_v2 ("hy/unified", "hugetlb\n");
  tap_eq_int (cgroup_detect_mode (root_of ("hy"), &mode, &err), 0, "hybrid tree detected");
  tap_eq_int (mode, CGROUP_MODE_HYBRID, "as hybrid");
  struct cgroup *cg = NULL;
  struct cgroup_create_options o = { .root = root_of ("hy"), .id = "c1", .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_create (&o, &cg, &err), 0, "create on hybrid");
  if (cg == NULL)
    return;
  tap_eq_str (get ("hy/unified/cgroup.subtree_control"), "+hugetlb", "unified root delegates hugetlb");
  tap_eq_int (cgroup_enter (cg, 77, &err), 0, "enter%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  tap_eq_str (get ("hy/memory/runwasm/c1/cgroup.procs"), "77", "pid in the v1 memory hierarchy");
  tap_eq_str (get ("hy/unified/runwasm/c1/cgroup.procs"), "77", "and in the unified one");
  char *msg = apply (cg, "{\"memory\":{\"limit\":1048576},\"pids\":{\"limit\":5},"
                         "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}],\"unified\":{\"memory.high\":\"2M\"}}");
  tap_ok (msg == NULL, "apply on hybrid%s%s", msg ? ": " : "", msg ? msg : "");
  tap_eq_str (get ("hy/memory/runwasm/c1/memory.limit_in_bytes"), "1048576", "memory on v1");
  tap_eq_str (get ("hy/pids/runwasm/c1/pids.max"), "5", "pids on v1");
  tap_eq_str (get ("hy/unified/runwasm/c1/hugetlb.2MB.max"), "2097152", "hugetlb on the unified side (no v1 hugetlb)");
  tap_eq_str (get ("hy/unified/runwasm/c1/memory.high"), "2M", "unified keys on the unified side");
  cgroup_free (cg);
}

int main (void)
{
  if (mkdtemp (base) == NULL)
    return 1;
  test_paths ();
  test_v1 ();
  test_v2 ();
  test_hybrid ();
  struct rw_error *err = NULL;
  enum cgroup_mode mode;
  put ("empty/file", "");
  tap_eq_int (cgroup_detect_mode (root_of ("empty"), &mode, &err), -1, "no hierarchy: error");
  tap_ok (err && strstr (err->msg, "no cgroup v1 or v2 hierarchy under"), "saying so");
  rw_error_free (&err);
  char cmd[600];
  snprintf (cmd, sizeof cmd, "rm -rf %s", base);
  if (system (cmd) != 0)
    return 1;
  return tap_done ();
}
