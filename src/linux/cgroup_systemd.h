/* The systemd cgroup driver (--systemd-cgroup): a container's cgroup is a transient scope unit
 * that systemd creates over D-Bus, as runc and crun do. Used by the cgroup files only.
 *   cgroup_systemd.c             the driver: create, start the scope, apply, stop
 *   cgroup_systemd_names.c       linux.cgroupsPath `slice:prefix:name` -> unit, slice, path
 *   cgroup_systemd_properties.c  linux.resources -> unit properties (MemoryMax, CPUWeight...)
 *   cgroup_systemd_bus.c         sd-bus, loaded with dlopen only when the driver is used */
#ifndef RUNWASM_LINUX_CGROUP_SYSTEMD_H
#define RUNWASM_LINUX_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "linux/cgroup.h"

struct cgroup_systemd_bus;

/* A container's scope. */
struct cgroup_systemd
{
  char *unit, *slice;
  bool pending;                   /* made by cgroup_create, started by the first cgroup_enter */
  struct cgroup_systemd_bus *bus; /* connected when first needed */
};
int cgroup_systemd_new (const char *unit, const char *slice, struct cgroup_systemd **out, struct rw_error **err);
void cgroup_systemd_free (struct cgroup_systemd *s);

/* cgroup_create for the systemd manager: connect and remember unit, slice and path; the
 * scope is started by cgroup_systemd_start once the container has a pid. */
int cgroup_systemd_create (const struct cgroup_create_options *opts, enum cgroup_mode mode, struct cgroup **out,
                           struct rw_error **err);
/* Start the scope holding `pid`, then create the directories of the hierarchies systemd does
 * not manage (v1 controllers), so every hierarchy has the container's cgroup. */
int cgroup_systemd_start (const struct cgroup *cg, pid_t pid, struct rw_error **err);
/* The resources systemd owns, as unit properties. */
int cgroup_systemd_apply (const struct cgroup *cg, const struct cgroup_resources *res, struct rw_error **err);
/* StopUnit, unless the scope was never started. */
int cgroup_systemd_stop (const struct cgroup *cg, struct rw_error **err);

struct cgroup_systemd_unit
{
  char *slice; /* "kubepods-besteffort-pod123.slice" */
  char *unit;  /* "cri-containerd-abc.scope" */
  char *path;  /* "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod123.slice/cri-containerd-abc.scope" */
};

/* `slice:prefix:name` -> unit `prefix-name.scope` in `slice`. An empty slice is system.slice,
 * an empty name the container id, an empty prefix gives `name.scope`, a name ending in
 * `.scope` is the unit itself. NULL or "" means `system.slice:runwasm:<id>`. Errors name
 * linux.cgroupsPath and the part that is wrong. */
int cgroup_systemd_unit_parse (const char *cgroups_path, const char *id, struct cgroup_systemd_unit *out,
                               struct rw_error **err);
void cgroup_systemd_unit_release (struct cgroup_systemd_unit *u);
/* The cgroup directory of a slice, nested as systemd nests them:
 * "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "". */
int cgroup_systemd_slice_path (const char *slice, char **out, struct rw_error **err);

/* One unit property, as StartTransientUnit and SetUnitProperties take them. */
struct cgroup_systemd_property
{
  const char *name; /* "MemoryMax" */
  char type;        /* 't' uint64, 'b' boolean, 'y' byte array (AllowedCPUs) */
  uint64_t value;   /* 't' and 'b' */
  uint8_t *bytes;   /* 'y': a CPU or NUMA-node bit mask, bit i of byte i/8 is cpu i */
  size_t n_bytes;
};

struct cgroup_systemd_properties
{
  struct cgroup_systemd_property items[16];
  size_t n;
};

/* The resources systemd owns, as the properties of the unified (v2) or the legacy (v1,
 * hybrid) hierarchy; every resource is still written to cgroupfs afterwards. */
int cgroup_systemd_properties_from_resources (const struct cgroup_resources *res, enum cgroup_mode mode,
                                              struct cgroup_systemd_properties *out, struct rw_error **err);
void cgroup_systemd_properties_release (struct cgroup_systemd_properties *p);
/* "0-3,8" -> bit mask (cpuset.cpus / cpuset.mems syntax); `what` names the field. */
int cgroup_systemd_cpu_mask (const char *list, const char *what, uint8_t **mask, size_t *n, struct rw_error **err);

/* A connection to systemd: the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured), else
 * systemd's private socket. Fails with "--systemd-cgroup: cannot connect to systemd over
 * D-Bus: ..." when libsystemd is missing or systemd does not answer. */
int cgroup_systemd_connect (struct cgroup_systemd_bus **out, struct rw_error **err);
void cgroup_systemd_disconnect (struct cgroup_systemd_bus *bus);
/* StartTransientUnit: the scope `u->unit` in `u->slice` holding `pid`, Delegate=yes, the
 * properties; waits for the job to finish. */
int cgroup_systemd_start_scope (struct cgroup_systemd_bus *bus, const struct cgroup_systemd_unit *u, pid_t pid,
                                const struct cgroup_systemd_properties *props, struct rw_error **err);
/* SetUnitProperties (runtime): `update`. */
int cgroup_systemd_set_properties (struct cgroup_systemd_bus *bus, const char *unit,
                                   const struct cgroup_systemd_properties *props, struct rw_error **err);
/* StopUnit and wait; a unit systemd no longer knows is not an error. */
int cgroup_systemd_stop_unit (struct cgroup_systemd_bus *bus, const char *unit, struct rw_error **err);

#endif
