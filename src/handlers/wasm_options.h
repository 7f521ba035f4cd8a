#ifndef RUNWASM_HANDLERS_WASM_OPTIONS_H
#define RUNWASM_HANDLERS_WASM_OPTIONS_H
/* Per-container engine settings from io.runwasm.wasm.* annotations: the limits `runwasm
 * wasm` takes as flags, the backtrace switch and TCP listeners (see docs/runwasm.8). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "runtime/config.h"
#include "wasm/wasm.h"

#define WASM_MAX_TCP_LISTENERS 16

/* The settings `runwasm wasm` (flags) and Wasm containers (annotations) share. */
struct wasm_run_limits {
  const char *spelling;        /* how messages name a setting: "--" or "io.runwasm.wasm." */
  bool fuel_set;
  uint64_t fuel;
  uint64_t timeout_ms;         /* 0: none */
  const char *timeout_text;    /* as given, for messages */
  uint64_t max_stack_bytes;    /* 0: the engine's default */
  bool trap_on_grow_failure;
  bool backtrace;
};

struct wasm_container_options {
  struct wasm_run_limits limits;
  const char *tcplisten;       /* comma-separated HOST:PORT list, or NULL */
  bool engine_set;             /* io.runwasm.wasm.engine given */
  wasm_engine engine;
};

/* Read and check every io.runwasm.wasm.* annotation; an unknown one under that prefix is an
 * error too (a typo must not silently drop a limit). */
int wasm_container_options_parse (const struct oci_config *config, struct wasm_container_options *o,
                                   struct rw_error **err);

/* Select io.runwasm.wasm.engine (if given) for the module about to be loaded. The compiler
 * where it is not available means the interpreter: a pod spec is shared by many nodes. */
void wasm_container_select_engine (const struct wasm_container_options *o);

/* Open the io.runwasm.wasm.tcplisten sockets (in the container's network namespace: this
 * runs in the handler's prepare). fds[] gets *n of them; on failure none stay open. */
int wasm_container_listen (const struct wasm_container_options *o, int *fds, size_t *n, struct rw_error **err);

/* The engine limits for wasm_store_new. */
void wasm_run_limits_to_engine (const struct wasm_run_limits *l, wasm_limits *out);
/* Give a store its fuel and install the timeout's SIGALRM handler (it interrupts the store). */
int wasm_run_limits_prepare (const struct wasm_run_limits *l, wasm_store *store, struct rw_error **err);
/* Start the timeout's clock (a container: at `start`, not at `create`). */
int wasm_run_limits_arm (const struct wasm_run_limits *l, struct rw_error **err);
/* Both, for a store about to run. */
int wasm_run_limits_apply (const struct wasm_run_limits *l, wasm_store *store, struct rw_error **err);
/* Print a trap (message, and the backtrace unless turned off) naming the limit that tripped,
 * and return the exit status: 124 for an expired timeout, else the trap's. */
int wasm_run_limits_report_trap (const struct wasm_run_limits *l, const wasm_trap *trap, const char *label);

#endif
