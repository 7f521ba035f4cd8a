#include <stdlib.h>

#include "linux/cgroup_resources.h"
#include "tap.h"

static struct cgroup_resources *parse (const char *json)
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

static void expect_error (const char *json, const char *msg)
{
  struct rw_error *err = NULL;
  struct cgroup_resources *r = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (cgroup_resources_parse (obj, "linux.resources", &r, &err), -1, "rejects %s", json);
  tap_eq_str (err ? err->msg : NULL, msg, "message for %s", json);
  rw_error_free (&err);
  json_object_put (obj);
}

int main (void)
{
  struct cgroup_resources *r = parse (
    "{\"memory\":{\"limit\":104857600,\"reservation\":52428800,\"swap\":209715200,\"swappiness\":10,"
    "  \"disableOOMKiller\":true,\"checkBeforeUpdate\":false},"
    " \"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":1000,\"realtimeRuntime\":0,"
    "  \"realtimePeriod\":0,\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1},"
    " \"pids\":{\"limit\":32},"
    " \"blockIO\":{\"weight\":500,\"leafWeight\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":600}],"
    "  \"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
    "  \"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}]},"
    " \"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
    " \"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]},"
    " \"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"wr\"},"
    "  {\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"m\"}],"
    " \"rdma\":{\"mlx5_1\":{\"hcaHandles\":3}},"
    " \"unified\":{\"memory.high\":\"50M\",\"io.latency\":\"8:0 target=75\"},"
    " \"futureField\":{}}");
  tap_ok (r != NULL, "full linux.resources parses (unknown keys ignored)");
  tap_ok (r->memory.limit.set && r->memory.limit.value == 104857600, "memory.limit");
  tap_ok (r->memory.swap.value == 209715200 && r->memory.reservation.value == 52428800, "swap and reservation");
  tap_ok (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.value, "disableOOMKiller");
  tap_ok (!r->memory.kernel.set, "kernel unset");
  tap_ok (r->cpu.shares.value == 512 && r->cpu.quota.value == 50000 && r->cpu.period.value == 100000, "cpu shares/quota/period");
  tap_eq_str (r->cpu.cpus, "0-1", "cpus");
  tap_ok (r->pids_limit.set && r->pids_limit.value == 32, "pids.limit");
  tap_ok (r->blkio.weight.value == 500 && r->blkio.n_weight_devices == 1 && r->blkio.weight_devices[0].weight.value == 600,
          "blockIO weights");
  tap_ok (r->blkio.n_throttle[CGROUP_THROTTLE_READ_BPS] == 1 && r->blkio.throttle[CGROUP_THROTTLE_READ_BPS][0].rate == 1048576,
          "read bps throttle");
  tap_ok (r->blkio.n_throttle[CGROUP_THROTTLE_WRITE_IOPS] == 1 && r->blkio.throttle[CGROUP_THROTTLE_WRITE_IOPS][0].minor == 16,
          "write iops throttle");
  tap_ok (r->n_hugepages == 1 && strcmp (r->hugepages[0].page_size, "2MB") == 0, "hugepage limit");
  tap_ok (r->network.class_id.value == 1048577 && r->network.n_priorities == 1, "network");
  tap_eq_int (r->n_devices, 3, "three device rules");
  tap_ok (!r->devices[0].allow && r->devices[0].type == 'a' && r->devices[0].major == -1, "deny all: type a, any major");
  tap_eq_str (r->devices[1].access, "rw", "access normalised to rwm order");
  tap_ok (r->devices[2].type == 'b' && r->devices[2].minor == -1, "missing minor means any");
  tap_ok (r->n_rdma == 1 && r->rdma[0].hca_handles.value == 3 && !r->rdma[0].hca_objects.set, "rdma");
  tap_eq_int (r->n_unified, 2, "two unified keys");
  uint64_t bytes = 0;
  tap_ok (cgroup_resources_memory_limit (r, &bytes) && bytes == 104857600, "memory limit query");
  size_t before = r->n_devices;
  struct rw_error *err = NULL;
  tap_eq_int (cgroup_resources_add_default_devices (r, &err), 0, "default devices added");
  tap_eq_int (r->n_devices, before + 11, "eleven default rules");
  tap_ok (!r->devices[0].allow && r->devices[0].type == 'a', "the config's deny-all stays first");
  tap_ok (r->devices[1].major == 1 && r->devices[1].minor == 3 && r->devices[2].type == 'b',
          "the config's own rules keep their places, as in devices.list");
  tap_ok (r->devices[before].allow && r->devices[before].type == 'c' && r->devices[before].major == -1,
          "defaults after them");
  cgroup_resources_free (r);

  r = parse ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"w\"},"
             "{\"allow\":false,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]}");
  tap_eq_int (cgroup_resources_add_default_devices (r, &err), 0, "defaults added after config denies");
  const char *null_access = NULL;
  bool pts_allowed = false;
  for (size_t i = 3; i < r->n_devices; i++)
    if (r->devices[i].major == 1 && r->devices[i].minor == 3)
      null_access = r->devices[i].access;
    else if (r->devices[i].major == 136)
      pts_allowed = true;
  tap_eq_str (null_access, "rm", "a default loses the access a config deny takes away");
  tap_ok (!pts_allowed, "a default the config denies entirely is left out");
  tap_eq_int (r->n_devices, 3 + 10, "the other defaults are added");
  cgroup_resources_free (r);

  r = parse ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"a\",\"access\":\"m\"}]}");
  tap_eq_int (cgroup_resources_add_default_devices (r, &err), 0, "defaults added after a deny-mknod-everywhere");
  tap_ok (r->n_devices == 2 + 9 && strcmp (r->devices[2].access, "rw") == 0,
          "\"deny a *:* m\" drops the two mknod-only defaults and the m of the others");
  cgroup_resources_free (r);

  r = parse ("{\"memory\":{\"limit\":-1}}");
  tap_ok (!cgroup_resources_memory_limit (r, &bytes), "limit -1 is no limit");
  cgroup_resources_free (r);
  r = parse ("null");
  tap_ok (r && !r->memory.limit.set && !cgroup_resources_memory_limit (r, &bytes), "no resources: nothing set");
  cgroup_resources_free (r);

  expect_error ("[]", "linux.resources: expected an object");
  expect_error ("{\"memory\":[]}", "linux.resources.memory: expected an object");
  expect_error ("{\"memory\":{\"limit\":\"1G\"}}", "linux.resources.memory.limit: expected an integer");
  expect_error ("{\"memory\":{\"limit\":-2}}", "linux.resources.memory.limit: -2 is out of range (minimum -1)");
  expect_error ("{\"memory\":{\"swappiness\":101}}", "linux.resources.memory.swappiness: 101 is out of range (0 to 100)");
  expect_error ("{\"memory\":{\"limit\":100,\"swap\":50}}",
                "linux.resources.memory.swap: 50 is below memory.limit 100 (swap counts memory plus swap)");
  expect_error ("{\"memory\":{\"disableOOMKiller\":1}}", "linux.resources.memory.disableOOMKiller: expected true or false");
  expect_error ("{\"cpu\":{\"shares\":-5}}", "linux.resources.cpu.shares: -5 is out of range (minimum 0)");
  expect_error ("{\"cpu\":{\"cpus\":3}}", "linux.resources.cpu.cpus: expected a string");
  expect_error ("{\"cpu\":{\"idle\":2}}", "linux.resources.cpu.idle: expected 0 or 1");
  expect_error ("{\"pids\":{\"limit\":\"x\"}}", "linux.resources.pids.limit: expected an integer");
  expect_error ("{\"blockIO\":{\"weight\":5}}", "linux.resources.blockIO.weight: expected 10 to 1000");
  expect_error ("{\"blockIO\":{\"weightDevice\":[{\"major\":8,\"weight\":10}]}}",
                "linux.resources.blockIO.weightDevice[0]: major and minor are required");
  expect_error ("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}}",
                "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required");
  expect_error ("{\"hugepageLimits\":[{\"pageSize\":\"../2MB\",\"limit\":1}]}",
                "linux.resources.hugepageLimits[0].pageSize: malformed size `../2MB`");
  expect_error ("{\"hugepageLimits\":[{\"limit\":1}]}", "linux.resources.hugepageLimits[0]: pageSize and limit are required");
  expect_error ("{\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}}",
                "linux.resources.network.priorities[0]: name and priority (32-bit) are required");
  expect_error ("{\"devices\":[{\"access\":\"rwm\"}]}", "linux.resources.devices[0].allow: required");
  expect_error ("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}", "linux.resources.devices[0].type: unknown device type `x` (a, c or b)");
  expect_error ("{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}", "linux.resources.devices[0].access: unknown access `rwx` (letters r, w, m)");
  expect_error ("{\"unified\":{\"../memory.max\":\"1\"}}", "linux.resources.unified.../memory.max: not a controller file of the container's cgroup");
  expect_error ("{\"unified\":{\"cgroup.procs\":\"1\"}}", "linux.resources.unified.cgroup.procs: not a controller file of the container's cgroup");
  expect_error ("{\"unified\":{\"memory.max\":1}}", "linux.resources.unified.memory.max: expected a string");
  expect_error ("{\"rdma\":{\"mlx\":{\"hcaHandles\":-1}}}", "linux.resources.rdma.mlx.hcaHandles: -1 is out of range (minimum 0)");

  /* `update` reads the same shape with another prefix. */
  json_object *obj = json_tokener_parse ("{\"pids\":{\"limit\":true}}");
  tap_eq_int (cgroup_resources_parse (obj, "resources", &r, &err), -1, "update input checked too");
  tap_eq_str (err ? err->msg : NULL, "resources.pids.limit: expected an integer", "with its own prefix");
  rw_error_free (&err);
  json_object_put (obj);
  return tap_done ();
}
