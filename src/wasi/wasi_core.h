/* The host-agnostic WASI core: the descriptor table, sandboxed path resolution and every
 * preview1 function on host-side buffers and structs. It knows nothing of guest memory; the
 * binding (wasi_bind.c) copies arguments in and results out. Each function returns a WASI
 * errno (WASI_ESUCCESS on success). Internal to src/wasi and its unit tests. */
#ifndef RUNWASM_WASI_CORE_H
#define RUNWASM_WASI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "wasi/wasi.h"
#include "wasi/wasi_abi.h"

struct wasi_fd_entry {
  int host_fd;              /* -1 when the slot is free */
  uint8_t filetype;
  uint16_t sticky_flags;    /* fdflags the host cannot report back (rsync) */
  uint64_t rights_base, rights_inheriting;
  char *preopen_name;       /* guest name of a preopened directory, else NULL */
};

struct wasi_ctx {
  char **argv, **env;
  size_t argc, envc;
  struct wasi_fd_entry *fds;
  uint32_t nfds;
  struct wasi_import_env *import_envs;  /* host-function envs, made by wasi_define_imports */
  /* The stdio status flags as we found them: the file descriptions are shared with our
   * parent (often a terminal), so a guest's nonblock or append is undone on free. */
  int stdio_restore_fd[3], stdio_flags[3];
};

/* The import table (wasi_imports.c), for tests and docs: every preview1 function name. */
size_t wasi_import_count (void);
const char *wasi_import_name (size_t i);

wasi_errno_t wasi_errno_from_host (int host_errno);

/* ---- Descriptor table (wasi_fd_table.c) ---- */
/* The entry for fd if it is open and holds every right in `rights`: EBADF, ENOTCAPABLE. */
wasi_errno_t wasi_fd_lookup (struct wasi_ctx *ctx, uint32_t fd, uint64_t rights, struct wasi_fd_entry **out);
/* The same for a call that needs a directory or a socket: the file type is checked before
 * the rights, so a call on the wrong kind of file is ENOTDIR/ENOTSOCK as POSIX, wasmtime and
 * the WASI test suites expect, not ENOTCAPABLE (no file has a right it could not use). */
enum wasi_fd_kind { WASI_FD_DIRECTORY, WASI_FD_SOCKET };
wasi_errno_t wasi_fd_lookup_kind (struct wasi_ctx *ctx, uint32_t fd, enum wasi_fd_kind kind, uint64_t rights,
                                  struct wasi_fd_entry **out);
/* Take ownership of host_fd in the lowest free slot. */
wasi_errno_t wasi_fd_insert (struct wasi_ctx *ctx, int host_fd, uint8_t filetype, uint64_t base,
                             uint64_t inheriting, uint32_t *fd);
/* Put host_fd at a given guest slot, which must be free. */
wasi_errno_t wasi_fd_place (struct wasi_ctx *ctx, uint32_t slot, int host_fd, uint8_t filetype, uint64_t base,
                            uint64_t inheriting);
/* Filetype and the rights that apply to an already open host descriptor. */
wasi_errno_t wasi_fd_describe (int host_fd, uint8_t *filetype, uint64_t *rights);
uint8_t wasi_filetype_from_mode (unsigned mode);

/* ---- Sandboxed path resolution (wasi_path_resolve.c) ---- */
struct wasi_path {
  int dirfd;            /* O_PATH directory holding the final component, beneath the root */
  char *name;           /* the final component: a plain name, "." or ".." */
  bool trailing_slash;  /* the guest wrote "name/": the final object must be a directory */
};
/* Resolve a guest path (not NUL-terminated) relative to root_fd without ever leaving it:
 * absolute paths, ".." above the root and symlinks that lead out fail with ENOTCAPABLE.
 * With follow, symlinks in the final component are followed too (each hop re-checked). */
wasi_errno_t wasi_path_resolve (int root_fd, const char *path, size_t len, bool follow,
                                struct wasi_path *out);
void wasi_path_release (struct wasi_path *p);
/* Paths and symlink targets are WASI strings: UTF-8, checked strictly (no overlong forms,
 * no surrogates); anything else is EILSEQ. */
bool wasi_valid_utf8 (const char *s, size_t len);
/* Open directory `path` (NUL-terminated, relative) beneath root_fd as an O_PATH fd: openat2
 * with RESOLVE_BENEATH, or the userspace walk below when the kernel lacks openat2. */
wasi_errno_t wasi_open_beneath (int root_fd, const char *path, int *out);
/* The userspace walk, one component at a time, exported so tests can exercise it. */
wasi_errno_t wasi_open_beneath_walk (int root_fd, const char *path, int *out);

/* ---- Structs as the host sees them ---- */
struct wasi_fdstat {
  uint8_t filetype;
  uint16_t flags;
  uint64_t rights_base, rights_inheriting;
};
struct wasi_filestat {
  uint64_t dev, ino;
  uint8_t filetype;
  uint64_t nlink, size, atim, mtim, ctim;
};
struct wasi_subscription {
  uint64_t userdata;
  uint8_t tag;                /* WASI_EVENTTYPE_* */
  uint32_t clock_id;          /* clock */
  uint64_t timeout, precision;
  uint16_t clock_flags;
  uint32_t fd;                /* fd_read / fd_write */
};
struct wasi_event {
  uint64_t userdata;
  wasi_errno_t error;
  uint8_t type;
  uint64_t nbytes;
  uint16_t flags;
};

void wasi_filestat_from_stat (const void *host_stat, struct wasi_filestat *out);
/* atim/mtim/fstflags -> utimensat's times (UTIME_NOW/UTIME_OMIT); EINVAL on bad flags. */
struct timespec;
wasi_errno_t wasi_timespecs_from_fstflags (uint64_t atim, uint64_t mtim, uint32_t fstflags,
                                           struct timespec ts[2]);

/* ---- Clocks, randomness (wasi_clock.c) ---- */
wasi_errno_t wasi_clock_res_get (uint32_t id, uint64_t *resolution);
wasi_errno_t wasi_clock_time_get (uint32_t id, uint64_t precision, uint64_t *time);
wasi_errno_t wasi_random_get (uint8_t *buf, size_t len);
wasi_errno_t wasi_sched_yield (void);

/* ---- Descriptors (wasi_fd_ops.c, wasi_fd_io.c, wasi_fd_readdir.c) ---- */
wasi_errno_t wasi_fd_advise (struct wasi_ctx *ctx, uint32_t fd, uint64_t offset, uint64_t len,
                             uint32_t advice);
wasi_errno_t wasi_fd_allocate (struct wasi_ctx *ctx, uint32_t fd, uint64_t offset, uint64_t len);
wasi_errno_t wasi_fd_close (struct wasi_ctx *ctx, uint32_t fd);
wasi_errno_t wasi_fd_datasync (struct wasi_ctx *ctx, uint32_t fd);
wasi_errno_t wasi_fd_sync (struct wasi_ctx *ctx, uint32_t fd);
wasi_errno_t wasi_fd_fdstat_get (struct wasi_ctx *ctx, uint32_t fd, struct wasi_fdstat *out);
wasi_errno_t wasi_fd_fdstat_set_flags (struct wasi_ctx *ctx, uint32_t fd, uint32_t flags);
wasi_errno_t wasi_fd_fdstat_set_rights (struct wasi_ctx *ctx, uint32_t fd, uint64_t base,
                                        uint64_t inheriting);
wasi_errno_t wasi_fd_filestat_get (struct wasi_ctx *ctx, uint32_t fd, struct wasi_filestat *out);
wasi_errno_t wasi_fd_filestat_set_size (struct wasi_ctx *ctx, uint32_t fd, uint64_t size);
wasi_errno_t wasi_fd_filestat_set_times (struct wasi_ctx *ctx, uint32_t fd, uint64_t atim, uint64_t mtim,
                                         uint32_t fstflags);
wasi_errno_t wasi_fd_prestat_get (struct wasi_ctx *ctx, uint32_t fd, uint32_t *name_len);
wasi_errno_t wasi_fd_prestat_dir_name (struct wasi_ctx *ctx, uint32_t fd, char *buf, size_t len);
wasi_errno_t wasi_fd_renumber (struct wasi_ctx *ctx, uint32_t from, uint32_t to);
wasi_errno_t wasi_fd_seek (struct wasi_ctx *ctx, uint32_t fd, int64_t offset, uint32_t whence,
                           uint64_t *newoffset);
wasi_errno_t wasi_fd_tell (struct wasi_ctx *ctx, uint32_t fd, uint64_t *offset);
wasi_errno_t wasi_fd_read (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                           size_t *nread);
wasi_errno_t wasi_fd_write (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                            size_t *nwritten);
wasi_errno_t wasi_fd_pread (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                            uint64_t offset, size_t *nread);
wasi_errno_t wasi_fd_pwrite (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint64_t offset, size_t *nwritten);
/* Fill buf with dirents (header + name) from cookie on; the last one may be cut short, and
 * *used == len then tells the guest to call again with a bigger buffer or later cookie. */
wasi_errno_t wasi_fd_readdir (struct wasi_ctx *ctx, uint32_t fd, uint8_t *buf, size_t len, uint64_t cookie,
                              size_t *used);

/* ---- Paths (wasi_path_ops.c, wasi_path_open.c) ---- */
wasi_errno_t wasi_path_create_directory (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len);
wasi_errno_t wasi_path_filestat_get (struct wasi_ctx *ctx, uint32_t fd, uint32_t lookupflags, const char *path,
                                     size_t len, struct wasi_filestat *out);
wasi_errno_t wasi_path_filestat_set_times (struct wasi_ctx *ctx, uint32_t fd, uint32_t lookupflags,
                                           const char *path, size_t len, uint64_t atim, uint64_t mtim,
                                           uint32_t fstflags);
wasi_errno_t wasi_path_link (struct wasi_ctx *ctx, uint32_t old_fd, uint32_t old_lookupflags,
                             const char *old_path, size_t old_len, uint32_t new_fd, const char *new_path,
                             size_t new_len);
wasi_errno_t wasi_path_open (struct wasi_ctx *ctx, uint32_t fd, uint32_t dirflags, const char *path,
                             size_t len, uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                             uint32_t fdflags, uint32_t *opened);
wasi_errno_t wasi_path_readlink (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len, char *buf,
                                 size_t buf_len, size_t *used);
wasi_errno_t wasi_path_remove_directory (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len);
wasi_errno_t wasi_path_rename (struct wasi_ctx *ctx, uint32_t old_fd, const char *old_path, size_t old_len,
                               uint32_t new_fd, const char *new_path, size_t new_len);
wasi_errno_t wasi_path_symlink (struct wasi_ctx *ctx, const char *target, size_t target_len, uint32_t fd,
                                const char *path, size_t len);
wasi_errno_t wasi_path_unlink_file (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len);

/* ---- Polling and sockets (wasi_poll.c, wasi_sock.c) ---- */
wasi_errno_t wasi_poll_oneoff (struct wasi_ctx *ctx, const struct wasi_subscription *in,
                               struct wasi_event *out, uint32_t n, uint32_t *nevents);
wasi_errno_t wasi_sock_accept (struct wasi_ctx *ctx, uint32_t fd, uint32_t flags, uint32_t *accepted);
wasi_errno_t wasi_sock_recv (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint32_t riflags, size_t *received, uint16_t *roflags);
wasi_errno_t wasi_sock_send (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint32_t siflags, size_t *sent);
wasi_errno_t wasi_sock_shutdown (struct wasi_ctx *ctx, uint32_t fd, uint32_t how);

#endif
