/* io.runwasm.wasm.* annotations for Wasm containers, and the run limits they share with
 * `runwasm wasm`'s flags (fuel, timeout, max-wasm-stack, trap-on-grow-failure, backtrace,
 * engine):
 * one implementation, one documented meaning, messages in the spelling the user wrote. */
#include "handlers/wasm_options.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/units.h"
#include "wasi/wasi.h"

#define PREFIX "io.runwasm.wasm."
#define TIMEOUT_EXIT_STATUS 124

static int parse_bool (const char *key, const char *v, bool *out, struct rw_error **err)
{
  if (strcmp (v, "true") == 0 || strcmp (v, "1") == 0 || strcmp (v, "yes") == 0)
    *out = true;
  else if (strcmp (v, "false") == 0 || strcmp (v, "0") == 0 || strcmp (v, "no") == 0)
    *out = false;
  else
    return rw_error_set (err, 0, "annotation `%s`: `%s` is not true or false", key, v);
  return 0;
}

static int parse_one (const char *key, const char *v, struct wasm_container_options *o, struct rw_error **err)
{
  const char *name = key + strlen (PREFIX);
  struct wasm_run_limits *l = &o->limits;
  if (strcmp (name, "fuel") == 0)
    {
      char *end = NULL;
      errno = 0;
      l->fuel = strtoull (v, &end, 10);
      if (errno != 0 || end == v || *end != '\0' || v[0] == '-')
        return rw_error_set (err, 0, "annotation `%s`: `%s` is not a number of instructions", key, v);
      l->fuel_set = true;
      return 0;
    }
  if (strcmp (name, "timeout") == 0)
    {
      if (units_parse_duration (v, &l->timeout_ms) < 0 || l->timeout_ms == 0)
        return rw_error_set (err, 0, "annotation `%s`: `%s` is not a duration (e.g. 500ms, 10s, 2m)", key, v);
      l->timeout_text = v;
      return 0;
    }
  if (strcmp (name, "max-wasm-stack") == 0)
    {
      if (units_parse_size (v, &l->max_stack_bytes) < 0 || l->max_stack_bytes == 0)
        return rw_error_set (err, 0, "annotation `%s`: `%s` is not a size (bytes, or with KiB, MiB)", key, v);
      return 0;
    }
  if (strcmp (name, "trap-on-grow-failure") == 0)
    return parse_bool (key, v, &l->trap_on_grow_failure, err);
  if (strcmp (name, "backtrace") == 0)
    return parse_bool (key, v, &l->backtrace, err);
  if (strcmp (name, "tcplisten") == 0)
    {
      o->tcplisten = v;
      return 0;
    }
  if (strcmp (name, "engine") == 0)
    {
      if (wasm_engine_parse (v, &o->engine) < 0)
        return rw_error_set (err, 0, "annotation `%s`: `%s` is not jit or interp", key, v);
      o->engine_set = true;
      return 0;
    }
  return rw_error_set (err, 0, "annotation `%s`: unknown (runwasm knows " PREFIX "fuel, timeout, max-wasm-stack, "
                       "trap-on-grow-failure, backtrace, tcplisten, engine)", key);
}

int wasm_container_options_parse (const struct oci_config *config, struct wasm_container_options *o,
                                   struct rw_error **err)
{
  *o = (struct wasm_container_options) { .limits = { .spelling = PREFIX, .backtrace = true } };
  if (config->annotations == NULL)
    return 0;
  json_object_object_foreach (config->annotations, key, value)
    {
      if (strncmp (key, PREFIX, strlen (PREFIX)) != 0)
        continue;
      const char *v = json_object_get_string (value);
      if (v == NULL || parse_one (key, v, o, err) < 0)
        return v == NULL ? rw_error_set (err, 0, "annotation `%s`: not a string", key) : -1;
    }
  return 0;
}

void wasm_container_select_engine (const struct wasm_container_options *o)
{
  if (o->engine_set && wasm_engine_select (o->engine) < 0)
    wasm_engine_select (WASM_ENGINE_INTERP);
}

int wasm_container_listen (const struct wasm_container_options *o, int *fds, size_t *n, struct rw_error **err)
{
  *n = 0;
  if (o->tcplisten == NULL)
    return 0;
  char *list = strdup (o->tcplisten), *save = NULL;
  if (list == NULL)
    return rw_error_set (err, ENOMEM, PREFIX "tcplisten");
  int rc = 0;
  for (char *addr = strtok_r (list, ",", &save); addr && rc == 0; addr = strtok_r (NULL, ",", &save))
    {
      if (*n == WASM_MAX_TCP_LISTENERS)
        rc = rw_error_set (err, 0, "annotation `" PREFIX "tcplisten`: at most %d addresses", WASM_MAX_TCP_LISTENERS);
      else if (wasi_tcp_listen (addr, &fds[*n], err) < 0)
        rc = rw_error_wrap (err, "annotation `" PREFIX "tcplisten`");
      else
        (*n)++;
    }
  free (list);
  if (rc < 0)
    {
      while (*n > 0)
        close (fds[--*n]);
    }
  return rc;
}

static wasm_store *timeout_store;
static volatile sig_atomic_t timed_out;

static void on_timeout (int sig)
{
  (void) sig;
  timed_out = 1;
  if (timeout_store)
    wasm_store_interrupt (timeout_store);
}

void wasm_run_limits_to_engine (const struct wasm_run_limits *l, wasm_limits *out)
{
  out->max_stack_bytes = l->max_stack_bytes;
  out->trap_on_grow_failure = l->trap_on_grow_failure;
}

/* A one-shot SIGALRM interrupts the engine at its next call or loop back-edge, and a guest
 * blocked in a host call (no SA_RESTART: it returns EINTR) right away. */
int wasm_run_limits_prepare (const struct wasm_run_limits *l, wasm_store *store, struct rw_error **err)
{
  if (l->fuel_set)
    wasm_store_set_fuel (store, l->fuel);
  if (l->timeout_ms == 0)
    return 0;
  timeout_store = store;
  struct sigaction sa = { .sa_handler = on_timeout };
  sigemptyset (&sa.sa_mask);
  sigset_t alarm;
  sigemptyset (&alarm);
  sigaddset (&alarm, SIGALRM);
  if (sigaction (SIGALRM, &sa, NULL) < 0 || sigprocmask (SIG_UNBLOCK, &alarm, NULL) < 0)
    return rw_error_set (err, errno, "%stimeout", l->spelling);
  return 0;
}

int wasm_run_limits_arm (const struct wasm_run_limits *l, struct rw_error **err)
{
  if (l->timeout_ms == 0)
    return 0;
  struct itimerval it = { .it_value = { .tv_sec = l->timeout_ms / 1000, .tv_usec = (l->timeout_ms % 1000) * 1000 } };
  if (setitimer (ITIMER_REAL, &it, NULL) < 0)
    return rw_error_set (err, errno, "%stimeout", l->spelling);
  return 0;
}

int wasm_run_limits_apply (const struct wasm_run_limits *l, wasm_store *store, struct rw_error **err)
{
  return wasm_run_limits_prepare (l, store, err) < 0 ? -1 : wasm_run_limits_arm (l, err);
}

int wasm_run_limits_report_trap (const struct wasm_run_limits *l, const wasm_trap *trap, const char *label)
{
  wasm_trap t = *trap;
  bool expired = timed_out && trap->kind == WASM_TRAP_INTERRUPTED;
  if (expired)
    snprintf (t.message, sizeof t.message, "interrupted: %stimeout %s expired", l->spelling, l->timeout_text);
  else if (trap->kind == WASM_TRAP_OUT_OF_FUEL)
    snprintf (t.message, sizeof t.message, "all fuel consumed (%sfuel %llu)", l->spelling, (unsigned long long) l->fuel);
  wasm_trap_print (&t, label, l->backtrace, stderr);
  fflush (stderr);
  return expired ? TIMEOUT_EXIT_STATUS : wasi_exit_status_from_trap (trap);
}
