/* WASI preview1 host (wasi_snapshot_preview1) on the runwasm engine: public API.
 *
 * Use:
 *   struct wasi_config cfg = { .argv = ..., .argc = ..., .stdio = { 0, 1, 2 }, ... };
 *   wasi_ctx_new (&cfg, &ctx, &err);
 *   wasi_define_imports (ctx, linker, &err);       every wasi_snapshot_preview1 import
 *   instance = wasm_linker_instantiate (linker, module, &werr);
 *   wasi_run_start (instance, &result, &err);      runs `_start`
 *   exit (result.exit_status);
 *
 * The guest reaches only the preopened directories and the descriptors given here; see
 * docs/wasi.md for the sandbox rules, the errno table and the exit statuses.
 */
#ifndef RUNWASM_WASI_H
#define RUNWASM_WASI_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "wasm/wasm.h"

/* Exit status when the guest traps (other than proc_exit): 128 + SIGABRT, what a native
 * program that aborts reports to a shell. */
#define WASI_TRAP_EXIT_STATUS 134

struct wasi_preopen {
  const char *host_path;   /* directory to open; ignored when host_fd >= 0 */
  int host_fd;             /* an open directory (duplicated, the caller keeps its own), or -1 */
  const char *guest_path;  /* the name the guest sees (fd_prestat_dir_name), e.g. "/data" */
};

struct wasi_config {
  const char *const *argv;  /* argv[0] is the program name the guest sees */
  size_t argc;
  const char *const *env;   /* "NAME=VALUE" strings */
  size_t envc;
  const struct wasi_preopen *preopens;  /* guest fds 3, 4, ... in this order */
  size_t npreopens;
  int stdio[3];             /* host fds for guest fds 0, 1, 2 (duplicated); -1 leaves one closed */
  const int *listen_fds;    /* listening sockets (duplicated), guest fds after the preopens, */
  size_t nlisten_fds;       /* usable with sock_accept/sock_recv/sock_send/sock_shutdown */
};

struct wasi_ctx;

/* Open the preopens and duplicate the descriptors. Fails (with context) if a preopen is not
 * a directory or cannot be opened. */
int wasi_ctx_new (const struct wasi_config *config, struct wasi_ctx **out, struct rw_error **err);
void wasi_ctx_free (struct wasi_ctx *ctx);

/* Define every wasi_snapshot_preview1 function on the linker, bound to ctx. ctx must outlive
 * every instance that uses them. */
int wasi_define_imports (struct wasi_ctx *ctx, wasm_linker *linker, struct rw_error **err);

struct wasi_run_result {
  int exit_status;   /* proc_exit code (low 8 bits), 0 if _start returned, or WASI_TRAP_EXIT_STATUS */
  bool trapped;      /* true when the guest trapped; trap then says why */
  wasm_trap trap;
};

/* Call the instance's `_start`. Fails only if there is no `_start` function export; a trap
 * or proc_exit is a result, not a failure. */
int wasi_run_start (wasm_instance *instance, struct wasi_run_result *result, struct rw_error **err);

/* Open a TCP socket listening on "HOST:PORT" ("[::1]:PORT" for IPv6; numeric only), for
 * wasi_config.listen_fds. The caller closes *fd once the ctx has its own copy. */
int wasi_tcp_listen (const char *address, int *fd, struct rw_error **err);

/* What a finished call means as a process exit status: proc_exit's code or the trap status. */
int wasi_exit_status_from_trap (const wasm_trap *trap);

#endif
