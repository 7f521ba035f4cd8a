#ifndef RUNWASM_CLI_CMD_WASM_OPTIONS_H
#define RUNWASM_CLI_CMD_WASM_OPTIONS_H
/* The options of `runwasm wasm`, parsed. Strings point into argv or the environment. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "handlers/wasm_options.h"
#include "wasi/wasi.h"

enum unknown_imports { UNKNOWN_IMPORTS_FAIL, UNKNOWN_IMPORTS_TRAP, UNKNOWN_IMPORTS_DEFAULT };

struct wasm_preload {
  const char *name;  /* the import module name its exports get */
  const char *path;
};

struct wasm_options {
  struct wasi_preopen *preopens;
  size_t npreopens;
  const char **env;          /* NAME=VALUE strings; --env NAME points into environ */
  size_t nenv;
  int *listen_fds;           /* --listen-fd, LISTEN_FDS, and the --tcplisten sockets */
  size_t nlisten;
  bool *listen_owned;        /* per listen_fds entry: opened here (--tcplisten), closed by us */
  struct wasm_preload *preloads;
  size_t npreloads;
  const char *invoke;
  const char *argv0;
  uint32_t max_memory_pages;
  struct wasm_run_limits limits;  /* fuel, timeout, stack, grow failure, backtrace */
  enum unknown_imports unknown_imports;
};

/* Parse argv (argv[0] is "wasm"). *first_arg becomes the index of FILE, or -1 when --help or
 * --version printed something and there is nothing to run. */
int wasm_options_parse (int argc, char **argv, struct wasm_options *o, int *first_arg, struct rw_error **err);
void wasm_options_free (struct wasm_options *o);

#endif
