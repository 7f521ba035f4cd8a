/* fd_read, fd_write, fd_pread, fd_pwrite: data transfer on host-side iovecs. */
#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>

#include "wasi/wasi_core.h"

static wasi_errno_t transfer_result (ssize_t n, size_t *done)
{
  if (n < 0)
    return wasi_errno_from_host (errno);
  *done = n;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_read (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                           size_t *nread)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_READ, &e);
  return r != WASI_ESUCCESS ? r : transfer_result (readv (e->host_fd, iov, n), nread);
}

wasi_errno_t wasi_fd_write (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                            size_t *nwritten)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_WRITE, &e);
  return r != WASI_ESUCCESS ? r : transfer_result (writev (e->host_fd, iov, n), nwritten);
}

wasi_errno_t wasi_fd_pread (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                            uint64_t offset, size_t *nread)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (offset > INT64_MAX)
    return WASI_EINVAL;
  return transfer_result (preadv (e->host_fd, iov, n, offset), nread);
}

wasi_errno_t wasi_fd_pwrite (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint64_t offset, size_t *nwritten)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (offset > INT64_MAX)
    return WASI_EINVAL;
  return transfer_result (pwritev (e->host_fd, iov, n, offset), nwritten);
}
