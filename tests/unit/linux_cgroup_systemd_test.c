/* The systemd cgroup driver's pure parts: `slice:prefix:name` -> unit, slice and cgroup path
 * (nested slices, defaults, invalid input named), resources -> unit properties, cpu masks,
 * and the state-file form of a scope. The D-Bus side runs against a real systemd in
 * tests/integration/systemd_cgroup.bats. */
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup.h"
#include "linux/cgroup_systemd.h"
#include "tap.h"

static void unit_is (const char *cgroups_path, const char *id, const char *unit, const char *slice, const char *path)
{
  struct cgroup_systemd_unit u;
  struct rw_error *err = NULL;
  int r = cgroup_systemd_unit_parse (cgroups_path, id, &u, &err);
  tap_eq_int (r, 0, "`%s` parses%s%s", cgroups_path ? cgroups_path : "(null)", err ? ": " : "", err ? err->msg : "");
  if (r == 0)
    {
      tap_eq_str (u.unit, unit, "`%s`: unit", cgroups_path ? cgroups_path : "(null)");
      tap_eq_str (u.slice, slice, "`%s`: slice", cgroups_path ? cgroups_path : "(null)");
      tap_eq_str (u.path, path, "`%s`: cgroup path", cgroups_path ? cgroups_path : "(null)");
      cgroup_systemd_unit_release (&u);
    }
  rw_error_free (&err);
}

static void refused (const char *cgroups_path, const char *id, const char *message)
{
  struct cgroup_systemd_unit u;
  struct rw_error *err = NULL;
  int r = cgroup_systemd_unit_parse (cgroups_path, id, &u, &err);
  tap_ok (r < 0 && err && strstr (err->msg, message), "`%s` refused: %s", cgroups_path, err ? err->msg : "(accepted)");
  rw_error_free (&err);
}

static const struct cgroup_systemd_property *find (const struct cgroup_systemd_properties *p, const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp (p->items[i].name, name) == 0)
      return &p->items[i];
  return NULL;
}

static void property_is (const struct cgroup_systemd_properties *p, const char *name, uint64_t want, const char *what)
{
  const struct cgroup_systemd_property *it = find (p, name);
  tap_ok (it && it->type == 't' && it->value == want, "%s: %s = %llu (got %llu)", what, name,
          (unsigned long long) want, it ? (unsigned long long) it->value : 0ULL);
}

static struct cgroup_resources *resources (const char *json)
{
  json_object *o = json_tokener_parse (json);
  struct cgroup_resources *res = NULL;
  struct rw_error *err = NULL;
  if (cgroup_resources_parse (o, "linux.resources", &res, &err) < 0)
    tap_ok (0, "parse %s: %s", json, err->msg);
  rw_error_free (&err);
  json_object_put (o);
  return res;
}

int main (void)
{
  /* The example: a kubelet pod slice. */
  unit_is ("kubepods-besteffort-pod123.slice:cri-containerd:abc", "x", "cri-containerd-abc.scope",
           "kubepods-besteffort-pod123.slice",
           "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod123.slice/cri-containerd-abc.scope");
  unit_is ("machine.slice:libpod:abc", "x", "libpod-abc.scope", "machine.slice", "/machine.slice/libpod-abc.scope");
  unit_is (NULL, "c1", "runwasm-c1.scope", "system.slice", "/system.slice/runwasm-c1.scope");
  unit_is ("", "c1", "runwasm-c1.scope", "system.slice", "/system.slice/runwasm-c1.scope");
  unit_is (":crio:", "c2", "crio-c2.scope", "system.slice", "/system.slice/crio-c2.scope");
  unit_is ("user.slice::box", "c3", "box.scope", "user.slice", "/user.slice/box.scope");
  unit_is ("-.slice:p:n", "c4", "p-n.scope", "-.slice", "/p-n.scope");
  unit_is ("machine.slice:ignored:named.scope", "c5", "named.scope", "machine.slice", "/machine.slice/named.scope");
  unit_is ("a-b-c-d.slice:p:n", "x", "p-n.scope", "a-b-c-d.slice", "/a.slice/a-b.slice/a-b-c.slice/a-b-c-d.slice/p-n.scope");

  refused ("a:b", "x", "expects `slice:prefix:name`");
  refused ("a:b:c:d", "x", "expects `slice:prefix:name`");
  refused ("/machine/c1", "x", "expects `slice:prefix:name`");
  refused ("machine:p:n", "x", "`machine` is not a systemd slice name");
  refused ("a--b.slice:p:n", "x", "`a--b.slice` is not a systemd slice name");
  refused ("-a.slice:p:n", "x", "`-a.slice` is not a systemd slice name");
  refused ("a-.slice:p:n", "x", "`a-.slice` is not a systemd slice name");
  refused (".slice:p:n", "x", "`.slice` is not a systemd slice name");
  refused ("a/b.slice:p:n", "x", "`a/b.slice` is not a systemd slice name");
  refused ("machine.slice:p:pod.slice", "x", "a container cannot be the slice unit `pod.slice` (not supported");
  refused ("machine.slice:p:a+b", "x", "`p-a+b.scope` is not a valid systemd unit name");
  refused ("machine.slice:p:a b", "x", "not a valid systemd unit name");
  refused ("machine.slice:p:", "", "empty unit name and no container id");
  char long_name[300];
  memset (long_name, 'x', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  char long_path[400];
  snprintf (long_path, sizeof long_path, "machine.slice:p:%s", long_name);
  refused (long_path, "x", "not a valid systemd unit name (at most 255");

  char *path = NULL;
  struct rw_error *err = NULL;
  tap_eq_int (cgroup_systemd_slice_path ("system.slice", &path, &err), 0, "slice path of system.slice");
  tap_eq_str (path, "/system.slice", "system.slice is at the top");
  free (path);
  tap_eq_int (cgroup_systemd_slice_path ("-.slice", &path, &err), 0, "slice path of the root slice");
  tap_eq_str (path, "", "-.slice is the root");
  free (path);

  /* CPU masks: bit i of byte i/8 is cpu i. */
  uint8_t *mask;
  size_t n;
  tap_eq_int (cgroup_systemd_cpu_mask ("0-3,8", "cpus", &mask, &n, &err), 0, "mask 0-3,8");
  tap_ok (n == 2 && mask[0] == 0x0f && mask[1] == 0x01, "0-3,8 -> 0f 01 (n %zu)", n);
  free (mask);
  tap_eq_int (cgroup_systemd_cpu_mask ("1,3\n", "cpus", &mask, &n, &err), 0, "mask 1,3 with a newline");
  tap_ok (n == 1 && mask[0] == 0x0a, "1,3 -> 0a");
  free (mask);
  static const char *const bad_masks[] = { "3-1", "a", "1,,2", "-1", "1-", "9000", "1;2" };
  for (size_t i = 0; i < sizeof bad_masks / sizeof *bad_masks; i++)
    {
      tap_ok (cgroup_systemd_cpu_mask (bad_masks[i], "linux.resources.cpu.cpus", &mask, &n, &err) < 0 && err
                && strstr (err->msg, "linux.resources.cpu.cpus"),
              "mask `%s` refused: %s", bad_masks[i], err ? err->msg : "(accepted)");
      rw_error_free (&err);
    }

  /* Properties: v2 names, and the legacy ones on v1/hybrid. */
  struct cgroup_resources *res = resources ("{\"memory\": {\"limit\": 67108864, \"swap\": 134217728},"
                                            " \"cpu\": {\"shares\": 1024, \"quota\": 50000, \"period\": 100000,"
                                            " \"cpus\": \"0-1\", \"mems\": \"0\"}, \"pids\": {\"limit\": 42}}");
  struct cgroup_systemd_properties p;
  tap_eq_int (cgroup_systemd_properties_from_resources (res, CGROUP_MODE_V2, &p, &err), 0, "v2 properties");
  property_is (&p, "MemoryMax", 67108864, "v2");
  property_is (&p, "MemorySwapMax", 67108864, "v2 (swap minus memory)");
  property_is (&p, "CPUWeight", 39, "v2 (from shares 1024)");
  property_is (&p, "CPUQuotaPerSecUSec", 500000, "v2 (50 ms per 100 ms)");
  property_is (&p, "CPUQuotaPeriodUSec", 100000, "v2");
  property_is (&p, "TasksMax", 42, "v2");
  const struct cgroup_systemd_property *cpus = find (&p, "AllowedCPUs");
  tap_ok (cpus && cpus->type == 'y' && cpus->n_bytes == 1 && cpus->bytes[0] == 0x03, "v2: AllowedCPUs = 0-1");
  tap_ok (find (&p, "AllowedMemoryNodes") != NULL, "v2: AllowedMemoryNodes");
  tap_ok (find (&p, "MemoryLimit") == NULL && find (&p, "CPUShares") == NULL, "v2: no legacy names");
  cgroup_systemd_properties_release (&p);
  tap_eq_int (cgroup_systemd_properties_from_resources (res, CGROUP_MODE_HYBRID, &p, &err), 0, "hybrid properties");
  property_is (&p, "MemoryLimit", 67108864, "hybrid");
  property_is (&p, "CPUShares", 1024, "hybrid");
  property_is (&p, "TasksMax", 42, "hybrid");
  tap_ok (find (&p, "MemoryMax") == NULL && find (&p, "AllowedCPUs") == NULL && find (&p, "MemorySwapMax") == NULL,
          "hybrid: no unified-only properties");
  cgroup_systemd_properties_release (&p);
  cgroup_resources_free (res);

  res = resources ("{\"memory\": {\"limit\": -1}, \"cpu\": {\"quota\": -1}, \"pids\": {\"limit\": 0}}");
  tap_eq_int (cgroup_systemd_properties_from_resources (res, CGROUP_MODE_V2, &p, &err), 0, "unlimited values");
  property_is (&p, "MemoryMax", UINT64_MAX, "-1 is infinity");
  property_is (&p, "CPUQuotaPerSecUSec", UINT64_MAX, "quota -1 is infinity");
  property_is (&p, "TasksMax", UINT64_MAX, "pids 0 is infinity");
  tap_ok (find (&p, "CPUQuotaPeriodUSec") == NULL, "no period property without a period");
  cgroup_systemd_properties_release (&p);
  cgroup_resources_free (res);

  res = resources ("{\"cpu\": {\"cpus\": \"2-1\"}}");
  tap_ok (cgroup_systemd_properties_from_resources (res, CGROUP_MODE_V2, &p, &err) < 0 && err
            && strstr (err->msg, "linux.resources.cpu.cpus `2-1`"),
          "bad cpus named: %s", err ? err->msg : "(accepted)");
  rw_error_free (&err);
  cgroup_resources_free (res);
  tap_eq_int (cgroup_systemd_properties_from_resources (NULL, CGROUP_MODE_V2, &p, &err), 0, "no resources");
  tap_eq_int ((int) p.n, 0, "no resources, no properties");

  /* The state file keeps unit and slice, so delete and update find the scope again. */
  json_object *o = json_tokener_parse ("{\"root\": \"/sys/fs/cgroup\", \"mode\": \"v2\", \"path\": \"/system.slice/runwasm-c1.scope\","
                                       " \"systemdUnit\": \"runwasm-c1.scope\", \"systemdSlice\": \"system.slice\"}");
  struct cgroup *cg = NULL;
  tap_eq_int (cgroup_from_json (o, &cg, &err), 0, "state with a scope loads");
  tap_ok (cg && cg->systemd && strcmp (cg->systemd->unit, "runwasm-c1.scope") == 0
            && strcmp (cg->systemd->slice, "system.slice") == 0 && !cg->systemd->pending,
          "unit and slice restored, scope already started");
  json_object *back = cgroup_to_json (cg);
  tap_eq_str (json_object_to_json_string_ext (back, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
              "{\"root\":\"/sys/fs/cgroup\",\"mode\":\"v2\",\"path\":\"/system.slice/runwasm-c1.scope\","
              "\"systemdUnit\":\"runwasm-c1.scope\",\"systemdSlice\":\"system.slice\"}",
              "round trip");
  json_object_put (back);
  cgroup_free (cg);
  json_object_put (o);
  o = json_tokener_parse ("{\"root\": \"/sys/fs/cgroup\", \"mode\": \"v2\", \"path\": \"/x\", \"systemdUnit\": 3}");
  tap_ok (cgroup_from_json (o, &cg, &err) < 0 && err && strstr (err->msg, "systemdUnit"), "malformed scope entry refused");
  rw_error_free (&err);
  json_object_put (o);
  return tap_done ();
}
