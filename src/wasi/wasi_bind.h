/* The binding layer: each wasi_snapshot_preview1 import as a function of the guest's raw
 * arguments. It checks and copies guest memory, calls the core and stores the results; the
 * value it returns is the import's errno result. Internal to src/wasi. */
#ifndef RUNWASM_WASI_BIND_H
#define RUNWASM_WASI_BIND_H

#include "wasi/wasi_core.h"
#include "wasi/wasi_guest.h"

typedef wasi_errno_t (*wasi_binding_fn) (struct wasi_ctx *ctx, struct wasi_guest *g, const wasm_value *args);

#define ARG32(i) ((uint32_t) args[i].of.i32)
#define ARG64(i) ((uint64_t) args[i].of.i64)

/* Guest iovec array -> host iovecs: every buffer checked, empty ones left out, at most IOV_MAX
 * (the rest is a short transfer; fd_read/fd_write and friends loop over all of them).
 * *iov is malloc'd; free it. */
wasi_errno_t wasi_guest_iovecs (struct wasi_guest *g, uint32_t ptr, uint32_t n, struct iovec **iov,
                                size_t *count);

/* The import table (wasi_imports.c) row by row: parameter string ('i' i32, 'I' i64) and
 * binding (NULL for proc_exit). */
const char *wasi_import_params (size_t i);
wasi_binding_fn wasi_import_binding (size_t i);

void wasi_store_filestat (uint8_t *out, const struct wasi_filestat *st);

/* Bindings, one per import, grouped by file. */
#define WASI_BINDING(name) wasi_errno_t wasi_bind_##name (struct wasi_ctx *ctx, struct wasi_guest *g, const wasm_value *args)
WASI_BINDING (args_get);
WASI_BINDING (args_sizes_get);
WASI_BINDING (environ_get);
WASI_BINDING (environ_sizes_get);
WASI_BINDING (clock_res_get);
WASI_BINDING (clock_time_get);
WASI_BINDING (random_get);
WASI_BINDING (sched_yield);
WASI_BINDING (proc_raise);
WASI_BINDING (poll_oneoff);
WASI_BINDING (sock_accept);
WASI_BINDING (sock_recv);
WASI_BINDING (sock_send);
WASI_BINDING (sock_shutdown);
WASI_BINDING (fd_advise);
WASI_BINDING (fd_allocate);
WASI_BINDING (fd_close);
WASI_BINDING (fd_datasync);
WASI_BINDING (fd_fdstat_get);
WASI_BINDING (fd_fdstat_set_flags);
WASI_BINDING (fd_fdstat_set_rights);
WASI_BINDING (fd_filestat_get);
WASI_BINDING (fd_filestat_set_size);
WASI_BINDING (fd_filestat_set_times);
WASI_BINDING (fd_pread);
WASI_BINDING (fd_prestat_get);
WASI_BINDING (fd_prestat_dir_name);
WASI_BINDING (fd_pwrite);
WASI_BINDING (fd_read);
WASI_BINDING (fd_readdir);
WASI_BINDING (fd_renumber);
WASI_BINDING (fd_seek);
WASI_BINDING (fd_sync);
WASI_BINDING (fd_tell);
WASI_BINDING (fd_write);
WASI_BINDING (path_create_directory);
WASI_BINDING (path_filestat_get);
WASI_BINDING (path_filestat_set_times);
WASI_BINDING (path_link);
WASI_BINDING (path_open);
WASI_BINDING (path_readlink);
WASI_BINDING (path_remove_directory);
WASI_BINDING (path_rename);
WASI_BINDING (path_symlink);
WASI_BINDING (path_unlink_file);

#endif
