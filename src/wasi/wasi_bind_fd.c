/* Bindings of the fd_* imports: guest pointers in, core call, results out. */
#include <limits.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "wasi/wasi_bind.h"

/* Checks that every buffer of the guest's iovec array at `raw` (n entries) is in memory. */
static wasi_errno_t check_iovecs (struct wasi_guest *g, const uint8_t *raw, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    if (wasi_guest_ptr (g, wasi_get_u32 (raw + i * WASI_IOVEC_SIZE), wasi_get_u32 (raw + i * WASI_IOVEC_SIZE + 4)) == NULL)
      return WASI_EFAULT;
  return WASI_ESUCCESS;
}

/* Host iovecs for the checked guest entries from *next on: at most IOV_MAX, empty ones left
 * out (they transfer nothing, and a run of them must not end the transfer early); *next
 * moves past what was taken, *bytes is their total. */
static size_t take_iovecs (struct wasi_guest *g, const uint8_t *raw, uint32_t n, uint32_t *next, struct iovec *v,
                           uint64_t *bytes)
{
  size_t count = 0;
  *bytes = 0;
  for (; *next < n && count < IOV_MAX; (*next)++)
    {
      uint32_t buf = wasi_get_u32 (raw + *next * WASI_IOVEC_SIZE);
      uint32_t len = wasi_get_u32 (raw + *next * WASI_IOVEC_SIZE + 4);
      if (len == 0)
        continue;
      v[count++] = (struct iovec) { .iov_base = wasi_guest_ptr (g, buf, len), .iov_len = len };
      *bytes += len;
    }
  return count;
}

wasi_errno_t wasi_guest_iovecs (struct wasi_guest *g, uint32_t ptr, uint32_t n, struct iovec **iov,
                                size_t *count)
{
  const uint8_t *raw = wasi_guest_ptr (g, ptr, (uint64_t) n * WASI_IOVEC_SIZE);
  if (raw == NULL)
    return WASI_EFAULT;
  wasi_errno_t r = check_iovecs (g, raw, n);
  if (r != WASI_ESUCCESS)
    return r;
  struct iovec *v = calloc (n < IOV_MAX ? (n ? n : 1) : IOV_MAX, sizeof *v);
  if (v == NULL)
    return WASI_ENOMEM;
  uint32_t next = 0;
  uint64_t bytes;
  *count = take_iovecs (g, raw, n, &next, v, &bytes);
  *iov = v;
  return WASI_ESUCCESS;
}

/* fd_read/fd_write/fd_pread/fd_pwrite share their shape: fd, iovs, iovs_len, [offset,] out. */
typedef wasi_errno_t (*transfer_fn) (struct wasi_ctx *, uint32_t, const struct iovec *, size_t,
                                     uint64_t, size_t *);

static wasi_errno_t plain_read (struct wasi_ctx *c, uint32_t fd, const struct iovec *v, size_t n, uint64_t off,
                                size_t *done)
{
  return wasi_fd_read (c, fd, v, n, done);
}

static wasi_errno_t plain_write (struct wasi_ctx *c, uint32_t fd, const struct iovec *v, size_t n,
                                 uint64_t off, size_t *done)
{
  return wasi_fd_write (c, fd, v, n, done);
}

/* Any number of guest iovecs, IOV_MAX at a time, until one call transfers less than it was
 * given (short write, end of file) or 2 GiB are done, so the total fits the u32 result. An
 * error after some data moved reports that data, as writev does. */
static wasi_errno_t transfer (struct wasi_ctx *ctx, struct wasi_guest *g, uint32_t fd, uint32_t iovs,
                              uint32_t n, uint64_t offset, uint32_t out_ptr, transfer_fn fn)
{
  uint8_t *out = wasi_guest_ptr (g, out_ptr, 4);
  const uint8_t *raw = wasi_guest_ptr (g, iovs, (uint64_t) n * WASI_IOVEC_SIZE);
  if (out == NULL || raw == NULL)
    return WASI_EFAULT;
  wasi_errno_t r = check_iovecs (g, raw, n);
  if (r != WASI_ESUCCESS)
    return r;
  cleanup_free struct iovec *v = calloc (n < IOV_MAX ? (n ? n : 1) : IOV_MAX, sizeof *v);
  if (v == NULL)
    return WASI_ENOMEM;
  size_t total = 0;
  uint32_t next = 0;
  do
    {
      uint64_t bytes;
      size_t count = take_iovecs (g, raw, n, &next, v, &bytes);
      size_t done = 0;
      /* Zero iovecs still make one call: fd_write(fd, [], 0) checks the fd and its rights. */
      r = fn (ctx, fd, v, count, offset + total, &done);
      if (r != WASI_ESUCCESS)
        break;
      total += done;
      if (done < bytes)
        break;
    }
  while (next < n && total < (1u << 31));
  if (r != WASI_ESUCCESS && total == 0)
    return r;
  wasi_put_u32 (out, total);
  return WASI_ESUCCESS;
}

WASI_BINDING (fd_read)
{
  return transfer (ctx, g, ARG32 (0), ARG32 (1), ARG32 (2), 0, ARG32 (3), plain_read);
}

WASI_BINDING (fd_write)
{
  return transfer (ctx, g, ARG32 (0), ARG32 (1), ARG32 (2), 0, ARG32 (3), plain_write);
}

WASI_BINDING (fd_pread)
{
  return transfer (ctx, g, ARG32 (0), ARG32 (1), ARG32 (2), ARG64 (3), ARG32 (4), wasi_fd_pread);
}

WASI_BINDING (fd_pwrite)
{
  return transfer (ctx, g, ARG32 (0), ARG32 (1), ARG32 (2), ARG64 (3), ARG32 (4), wasi_fd_pwrite);
}

WASI_BINDING (fd_advise) { return wasi_fd_advise (ctx, ARG32 (0), ARG64 (1), ARG64 (2), ARG32 (3)); }
WASI_BINDING (fd_allocate) { return wasi_fd_allocate (ctx, ARG32 (0), ARG64 (1), ARG64 (2)); }
WASI_BINDING (fd_close) { return wasi_fd_close (ctx, ARG32 (0)); }
WASI_BINDING (fd_datasync) { return wasi_fd_datasync (ctx, ARG32 (0)); }
WASI_BINDING (fd_sync) { return wasi_fd_sync (ctx, ARG32 (0)); }
WASI_BINDING (fd_renumber) { return wasi_fd_renumber (ctx, ARG32 (0), ARG32 (1)); }
WASI_BINDING (fd_fdstat_set_flags) { return wasi_fd_fdstat_set_flags (ctx, ARG32 (0), ARG32 (1)); }
WASI_BINDING (fd_fdstat_set_rights)
{
  return wasi_fd_fdstat_set_rights (ctx, ARG32 (0), ARG64 (1), ARG64 (2));
}
WASI_BINDING (fd_filestat_set_size) { return wasi_fd_filestat_set_size (ctx, ARG32 (0), ARG64 (1)); }
WASI_BINDING (fd_filestat_set_times)
{
  return wasi_fd_filestat_set_times (ctx, ARG32 (0), ARG64 (1), ARG64 (2), ARG32 (3));
}

WASI_BINDING (fd_fdstat_get)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), WASI_FDSTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  struct wasi_fdstat st;
  wasi_errno_t r = wasi_fd_fdstat_get (ctx, ARG32 (0), &st);
  if (r != WASI_ESUCCESS)
    return r;
  memset (out, 0, WASI_FDSTAT_SIZE);
  out[0] = st.filetype;
  wasi_put_u16 (out + 2, st.flags);
  wasi_put_u64 (out + 8, st.rights_base);
  wasi_put_u64 (out + 16, st.rights_inheriting);
  return WASI_ESUCCESS;
}

void wasi_store_filestat (uint8_t *out, const struct wasi_filestat *st)
{
  memset (out, 0, WASI_FILESTAT_SIZE);
  wasi_put_u64 (out + 0, st->dev);
  wasi_put_u64 (out + 8, st->ino);
  out[16] = st->filetype;
  wasi_put_u64 (out + 24, st->nlink);
  wasi_put_u64 (out + 32, st->size);
  wasi_put_u64 (out + 40, st->atim);
  wasi_put_u64 (out + 48, st->mtim);
  wasi_put_u64 (out + 56, st->ctim);
}

WASI_BINDING (fd_filestat_get)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), WASI_FILESTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  struct wasi_filestat st;
  wasi_errno_t r = wasi_fd_filestat_get (ctx, ARG32 (0), &st);
  if (r == WASI_ESUCCESS)
    wasi_store_filestat (out, &st);
  return r;
}

WASI_BINDING (fd_prestat_get)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), WASI_PRESTAT_SIZE);
  if (out == NULL)
    return WASI_EFAULT;
  uint32_t len;
  wasi_errno_t r = wasi_fd_prestat_get (ctx, ARG32 (0), &len);
  if (r != WASI_ESUCCESS)
    return r;
  memset (out, 0, WASI_PRESTAT_SIZE);
  out[0] = WASI_PREOPENTYPE_DIR;
  wasi_put_u32 (out + 4, len);
  return WASI_ESUCCESS;
}

WASI_BINDING (fd_prestat_dir_name)
{
  uint8_t *buf = wasi_guest_ptr (g, ARG32 (1), ARG32 (2));
  if (buf == NULL)
    return WASI_EFAULT;
  return wasi_fd_prestat_dir_name (ctx, ARG32 (0), (char *) buf, ARG32 (2));
}

WASI_BINDING (fd_readdir)
{
  uint8_t *buf = wasi_guest_ptr (g, ARG32 (1), ARG32 (2));
  uint8_t *used_out = wasi_guest_ptr (g, ARG32 (4), 4);
  if (buf == NULL || used_out == NULL)
    return WASI_EFAULT;
  size_t used;
  wasi_errno_t r = wasi_fd_readdir (ctx, ARG32 (0), buf, ARG32 (2), ARG64 (3), &used);
  if (r == WASI_ESUCCESS)
    wasi_put_u32 (used_out, used);
  return r;
}

WASI_BINDING (fd_seek)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (3), 8);
  if (out == NULL)
    return WASI_EFAULT;
  uint64_t pos;
  wasi_errno_t r = wasi_fd_seek (ctx, ARG32 (0), (int64_t) ARG64 (1), ARG32 (2), &pos);
  if (r == WASI_ESUCCESS)
    wasi_put_u64 (out, pos);
  return r;
}

WASI_BINDING (fd_tell)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), 8);
  if (out == NULL)
    return WASI_EFAULT;
  uint64_t pos;
  wasi_errno_t r = wasi_fd_tell (ctx, ARG32 (0), &pos);
  if (r == WASI_ESUCCESS)
    wasi_put_u64 (out, pos);
  return r;
}
