/* Talking to systemd's Manager (org.freedesktop.systemd1(5)) with libsystemd's sd-bus.
 * libsystemd is opened with dlopen when --systemd-cgroup is used, never linked: the binary
 * starts on hosts (and in builds) without it, and only the systemd driver needs it. */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>
#include <systemd/sd-bus.h>

#include "common/cleanup.h"
#include "linux/cgroup_systemd.h"

#define MANAGER_SERVICE "org.freedesktop.systemd1"
#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define PRIVATE_SOCKET "unix:path=/run/systemd/private"
#define JOB_TIMEOUT_USEC (30ULL * 1000000) /* as long as runc waits */

/* The sd-bus functions this file uses, resolved from libsystemd.so.0. */
#define SD_BUS_FUNCTIONS(X)                                                                                            \
  X (sd_bus_open_system)                                                                                               \
  X (sd_bus_new)                                                                                                       \
  X (sd_bus_set_address)                                                                                               \
  X (sd_bus_start)                                                                                                     \
  X (sd_bus_flush_close_unref)                                                                                         \
  X (sd_bus_call_method)                                                                                               \
  X (sd_bus_call)                                                                                                      \
  X (sd_bus_message_new_method_call)                                                                                   \
  X (sd_bus_message_append)                                                                                            \
  X (sd_bus_message_append_array)                                                                                      \
  X (sd_bus_message_open_container)                                                                                    \
  X (sd_bus_message_close_container)                                                                                   \
  X (sd_bus_message_read)                                                                                              \
  X (sd_bus_message_unref)                                                                                             \
  X (sd_bus_match_signal)                                                                                              \
  X (sd_bus_slot_unref)                                                                                                \
  X (sd_bus_process)                                                                                                   \
  X (sd_bus_wait)                                                                                                      \
  X (sd_bus_error_free)                                                                                                \
  X (sd_bus_error_has_name)

struct sd_bus_api
{
#define DECLARE(name) __typeof__ (name) *name;
  SD_BUS_FUNCTIONS (DECLARE)
#undef DECLARE
};

struct cgroup_systemd_bus
{
  void *lib;
  struct sd_bus_api sd;
  sd_bus *bus;
};

/* A static executable has no dynamic loader (AT_BASE is 0): its dlopen would bring a second C
 * library into the process, which works only when both are the same glibc release. */
static bool static_build (void)
{
  return getauxval (AT_BASE) == 0;
}

static int load_api (struct cgroup_systemd_bus *b, struct rw_error **err)
{
  if (static_build ())
    return rw_error_set (err, 0, "--systemd-cgroup: not supported in this build (a static runwasm cannot load "
                                 "libsystemd); use the dynamically linked runwasm, or the cgroupfs manager");
  b->lib = dlopen ("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (b->lib == NULL)
    return rw_error_set (err, 0, "--systemd-cgroup: cannot connect to systemd over D-Bus: cannot load libsystemd: %s",
                         dlerror ());
#define RESOLVE(name)                                                                                                  \
  if ((b->sd.name = (__typeof__ (name) *) dlsym (b->lib, #name)) == NULL)                                              \
    return rw_error_set (err, 0, "--systemd-cgroup: libsystemd.so.0 lacks %s (systemd 240 or later is needed)", #name);
  SD_BUS_FUNCTIONS (RESOLVE)
#undef RESOLVE
  return 0;
}

bool cgroup_systemd_available (void)
{
  if (static_build ())
    return false;
  void *lib = dlopen ("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib)
    dlclose (lib);
  return lib != NULL;
}

static int open_private_socket (struct cgroup_systemd_bus *b)
{
  int r = b->sd.sd_bus_new (&b->bus);
  if (r >= 0)
    r = b->sd.sd_bus_set_address (b->bus, PRIVATE_SOCKET);
  if (r >= 0)
    r = b->sd.sd_bus_start (b->bus);
  if (r < 0 && b->bus)
    b->bus = b->sd.sd_bus_flush_close_unref (b->bus);
  return r;
}

/* An sd_bus_error as text: its message, else its name, else strerror of the status. */
static const char *bus_error_text (const sd_bus_error *e, int r)
{
  return e && e->message ? e->message : e && e->name ? e->name : strerror (-r);
}

int cgroup_systemd_connect (struct cgroup_systemd_bus **out, struct rw_error **err)
{
  *out = NULL;
  struct cgroup_systemd_bus *b = calloc (1, sizeof *b);
  if (b == NULL)
    return rw_error_set (err, ENOMEM, "--systemd-cgroup");
  if (load_api (b, err) < 0)
    goto fail;
  /* The system bus first, as a user's systemctl does; without a bus daemon (a minimal
   * systemd host), root can still reach PID 1 on its private socket. */
  int r = b->sd.sd_bus_open_system (&b->bus);
  if (r < 0 && getenv ("DBUS_SYSTEM_BUS_ADDRESS") == NULL)
    r = open_private_socket (b);
  if (r < 0)
    {
      rw_error_set (err, -r, "--systemd-cgroup: cannot connect to systemd over D-Bus");
      goto fail;
    }
  /* Ask systemd something, so a bus without systemd on it fails here, before anything is
   * created. Subscribe makes systemd send the JobRemoved signals waited for below. */
  sd_bus_error e = SD_BUS_ERROR_NULL;
  r = b->sd.sd_bus_call_method (b->bus, MANAGER_SERVICE, MANAGER_PATH, MANAGER_IFACE, "Subscribe", &e, NULL, "");
  if (r < 0)
    {
      rw_error_set (err, 0, "--systemd-cgroup: cannot connect to systemd over D-Bus: %s", bus_error_text (&e, r));
      b->sd.sd_bus_error_free (&e);
      goto fail;
    }
  *out = b;
  return 0;
fail:
  cgroup_systemd_disconnect (b);
  return -1;
}

void cgroup_systemd_disconnect (struct cgroup_systemd_bus *b)
{
  if (b == NULL)
    return;
  if (b->bus)
    b->sd.sd_bus_flush_close_unref (b->bus);
  if (b->lib)
    dlclose (b->lib);
  free (b);
}

static int append_properties (struct cgroup_systemd_bus *b, sd_bus_message *m,
                              const struct cgroup_systemd_properties *props)
{
  int r = 0;
  for (size_t i = 0; props && i < props->n && r >= 0; i++)
    {
      const struct cgroup_systemd_property *p = &props->items[i];
      if (p->type == 't')
        r = b->sd.sd_bus_message_append (m, "(sv)", p->name, "t", p->value);
      else if (p->type == 'b')
        r = b->sd.sd_bus_message_append (m, "(sv)", p->name, "b", (int) p->value);
      else
        {
          r = b->sd.sd_bus_message_open_container (m, 'r', "sv");
          if (r >= 0)
            r = b->sd.sd_bus_message_append (m, "s", p->name);
          if (r >= 0)
            r = b->sd.sd_bus_message_open_container (m, 'v', "ay");
          if (r >= 0)
            r = b->sd.sd_bus_message_append_array (m, 'y', p->bytes, p->n_bytes);
          if (r >= 0)
            r = b->sd.sd_bus_message_close_container (m);
          if (r >= 0)
            r = b->sd.sd_bus_message_close_container (m);
        }
    }
  return r;
}

/* Results of the JobRemoved signals seen so far; the job we wait for may finish before the
 * reply that names it arrives. */
struct job_wait
{
  struct cgroup_systemd_bus *b;
  char *seen_path[8];
  char *seen_result[8];
  size_t n;
};

static int on_job_removed (sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
  struct job_wait *w = data;
  uint32_t id;
  const char *path, *unit, *result;
  if (w->b->sd.sd_bus_message_read (m, "uoss", &id, &path, &unit, &result) < 0 || w->n == 8)
    return 0;
  w->seen_path[w->n] = strdup (path);
  w->seen_result[w->n] = strdup (result);
  if (w->seen_path[w->n] && w->seen_result[w->n])
    w->n++;
  return 0;
}

static void job_wait_release (struct job_wait *w)
{
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->seen_path[i]);
      free (w->seen_result[i]);
    }
  w->n = 0;
}

static uint64_t now_usec (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Process the bus until the job `job` is removed; its result must be "done". */
static int wait_job (struct job_wait *w, const char *job, const char *what, struct rw_error **err)
{
  struct cgroup_systemd_bus *b = w->b;
  uint64_t deadline = now_usec () + JOB_TIMEOUT_USEC;
  for (;;)
    {
      for (size_t i = 0; i < w->n; i++)
        if (strcmp (w->seen_path[i], job) == 0)
          return strcmp (w->seen_result[i], "done") == 0
                   ? 0
                   : rw_error_set (err, 0, "%s: systemd job %s", what, w->seen_result[i]);
      int r = b->sd.sd_bus_process (b->bus, NULL);
      if (r < 0)
        return rw_error_set (err, -r, "%s: read from the systemd bus", what);
      if (r > 0)
        continue;
      uint64_t now = now_usec ();
      if (now >= deadline)
        return rw_error_set (err, ETIMEDOUT, "%s: systemd did not finish the job in %llu s", what,
                             JOB_TIMEOUT_USEC / 1000000);
      r = b->sd.sd_bus_wait (b->bus, deadline - now);
      if (r < 0)
        return rw_error_set (err, -r, "%s: wait for systemd", what);
    }
}

/* Call a Manager method that returns a job object, then wait for that job. `fill` appends
 * the arguments. */
static int call_job (struct cgroup_systemd_bus *b, const char *method, const char *what,
                     int (*fill) (struct cgroup_systemd_bus *b, sd_bus_message *m, const void *data),
                     const void *data, struct rw_error **err)
{
  struct job_wait w = { .b = b };
  sd_bus_slot *slot = NULL;
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  int ret = -1;
  int r = b->sd.sd_bus_match_signal (b->bus, &slot, MANAGER_SERVICE, MANAGER_PATH, MANAGER_IFACE, "JobRemoved",
                                     on_job_removed, &w);
  if (r >= 0)
    r = b->sd.sd_bus_message_new_method_call (b->bus, &m, MANAGER_SERVICE, MANAGER_PATH, MANAGER_IFACE, method);
  if (r >= 0)
    r = fill (b, m, data);
  if (r < 0)
    {
      rw_error_set (err, -r, "%s: build the D-Bus call %s", what, method);
      goto out;
    }
  r = b->sd.sd_bus_call (b->bus, m, 0, &e, &reply);
  if (r < 0)
    {
      if (strcmp (method, "StopUnit") == 0 && b->sd.sd_bus_error_has_name (&e, "org.freedesktop.systemd1.NoSuchUnit"))
        ret = 0;
      else
        rw_error_set (err, 0, "%s: systemd refused %s: %s", what, method, bus_error_text (&e, r));
      goto out;
    }
  const char *job;
  if ((r = b->sd.sd_bus_message_read (reply, "o", &job)) < 0)
    {
      rw_error_set (err, -r, "%s: unexpected reply to %s", what, method);
      goto out;
    }
  ret = wait_job (&w, job, what, err);
out:
  b->sd.sd_bus_error_free (&e);
  if (reply)
    b->sd.sd_bus_message_unref (reply);
  if (m)
    b->sd.sd_bus_message_unref (m);
  if (slot)
    b->sd.sd_bus_slot_unref (slot);
  job_wait_release (&w);
  return ret;
}

struct start_args
{
  const struct cgroup_systemd_unit *u;
  pid_t pid;
  const struct cgroup_systemd_properties *props;
};

static int fill_start (struct cgroup_systemd_bus *b, sd_bus_message *m, const void *data)
{
  const struct start_args *a = data;
  struct sd_bus_api *sd = &b->sd;
  int r = sd->sd_bus_message_append (m, "ss", a->u->unit, "fail");
  if (r >= 0)
    r = sd->sd_bus_message_open_container (m, 'a', "(sv)");
  if (r >= 0)
    r = sd->sd_bus_message_append (m, "(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", "runwasm container",
                                   "Slice", "s", a->u->slice, "PIDs", "au", 1, (uint32_t) a->pid, "Delegate", "b", 1,
                                   "DefaultDependencies", "b", 0, "CollectMode", "s", "inactive-or-failed");
  if (r >= 0)
    r = append_properties (b, m, a->props);
  if (r >= 0)
    r = sd->sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd->sd_bus_message_append (m, "a(sa(sv))", 0);
  return r;
}

int cgroup_systemd_start_scope (struct cgroup_systemd_bus *b, const struct cgroup_systemd_unit *u, pid_t pid,
                                const struct cgroup_systemd_properties *props, struct rw_error **err)
{
  struct start_args a = { u, pid, props };
  cleanup_free char *what = NULL;
  if (asprintf (&what, "--systemd-cgroup: start the scope `%s` in `%s`", u->unit, u->slice) < 0)
    return rw_error_set (err, ENOMEM, "--systemd-cgroup");
  return call_job (b, "StartTransientUnit", what, fill_start, &a, err);
}

int cgroup_systemd_set_properties (struct cgroup_systemd_bus *b, const char *unit,
                                   const struct cgroup_systemd_properties *props, struct rw_error **err)
{
  if (props->n == 0)
    return 0;
  sd_bus_message *m = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  struct sd_bus_api *sd = &b->sd;
  int r = sd->sd_bus_message_new_method_call (b->bus, &m, MANAGER_SERVICE, MANAGER_PATH, MANAGER_IFACE,
                                              "SetUnitProperties");
  if (r >= 0)
    r = sd->sd_bus_message_append (m, "sb", unit, 1);
  if (r >= 0)
    r = sd->sd_bus_message_open_container (m, 'a', "(sv)");
  if (r >= 0)
    r = append_properties (b, m, props);
  if (r >= 0)
    r = sd->sd_bus_message_close_container (m);
  if (r >= 0)
    r = sd->sd_bus_call (b->bus, m, 0, &e, NULL);
  if (m)
    sd->sd_bus_message_unref (m);
  if (r < 0)
    rw_error_set (err, 0, "--systemd-cgroup: set the properties of `%s`: %s", unit, bus_error_text (&e, r));
  sd->sd_bus_error_free (&e);
  return r < 0 ? -1 : 0;
}

static int fill_stop (struct cgroup_systemd_bus *b, sd_bus_message *m, const void *data)
{
  return b->sd.sd_bus_message_append (m, "ss", (const char *) data, "replace");
}

int cgroup_systemd_stop_unit (struct cgroup_systemd_bus *b, const char *unit, struct rw_error **err)
{
  cleanup_free char *what = NULL;
  if (asprintf (&what, "--systemd-cgroup: stop `%s`", unit) < 0)
    return rw_error_set (err, ENOMEM, "--systemd-cgroup");
  return call_job (b, "StopUnit", what, fill_stop, unit, err);
}
