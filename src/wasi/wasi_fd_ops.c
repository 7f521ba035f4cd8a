/* fd_* functions that manage a descriptor and its file (everything but data transfer and
 * readdir). Each checks the rights the WASI spec ties to it before touching the host. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi_core.h"

static wasi_errno_t host_result (int r)
{
  return r < 0 ? wasi_errno_from_host (errno) : WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_advise (struct wasi_ctx *ctx, uint32_t fd, uint64_t offset, uint64_t len,
                             uint32_t advice)
{
  static const int host_advice[] = {
    [WASI_ADVICE_NORMAL] = POSIX_FADV_NORMAL, [WASI_ADVICE_SEQUENTIAL] = POSIX_FADV_SEQUENTIAL,
    [WASI_ADVICE_RANDOM] = POSIX_FADV_RANDOM, [WASI_ADVICE_WILLNEED] = POSIX_FADV_WILLNEED,
    [WASI_ADVICE_DONTNEED] = POSIX_FADV_DONTNEED, [WASI_ADVICE_NOREUSE] = POSIX_FADV_NOREUSE,
  };
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_ADVISE, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (advice > WASI_ADVICE_NOREUSE || offset > INT64_MAX || len > INT64_MAX)
    return WASI_EINVAL;
  if (e->filetype == WASI_FILETYPE_DIRECTORY)
    return WASI_ESUCCESS; /* advice is a hint; directories simply ignore it */
  return wasi_errno_from_host (posix_fadvise (e->host_fd, offset, len, host_advice[advice]));
}

wasi_errno_t wasi_fd_allocate (struct wasi_ctx *ctx, uint32_t fd, uint64_t offset, uint64_t len)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_ALLOCATE, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (offset > INT64_MAX || len > INT64_MAX || offset + len > INT64_MAX)
    return WASI_EINVAL;
  return wasi_errno_from_host (posix_fallocate (e->host_fd, offset, len));
}

wasi_errno_t wasi_fd_close (struct wasi_ctx *ctx, uint32_t fd)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, 0, &e);
  if (r != WASI_ESUCCESS)
    return r;
  int host = e->host_fd;
  free (e->preopen_name);
  *e = (struct wasi_fd_entry) { .host_fd = -1 };
  /* The slot is free even if close reports an error: POSIX leaves the fd closed. */
  return host_result (close (host));
}

wasi_errno_t wasi_fd_datasync (struct wasi_ctx *ctx, uint32_t fd)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_DATASYNC, &e);
  return r != WASI_ESUCCESS ? r : host_result (fdatasync (e->host_fd));
}

wasi_errno_t wasi_fd_sync (struct wasi_ctx *ctx, uint32_t fd)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_SYNC, &e);
  return r != WASI_ESUCCESS ? r : host_result (fsync (e->host_fd));
}

static uint16_t fdflags_from_host (int fl)
{
  uint16_t flags = 0;
  if (fl & O_APPEND)
    flags |= WASI_FDFLAG_APPEND;
  if (fl & O_NONBLOCK)
    flags |= WASI_FDFLAG_NONBLOCK;
  /* O_SYNC includes the O_DSYNC bit on Linux. */
  if ((fl & O_SYNC) == O_SYNC)
    flags |= WASI_FDFLAG_SYNC;
  else if (fl & O_DSYNC)
    flags |= WASI_FDFLAG_DSYNC;
  return flags;
}

wasi_errno_t wasi_fd_fdstat_get (struct wasi_ctx *ctx, uint32_t fd, struct wasi_fdstat *out)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, 0, &e);
  if (r != WASI_ESUCCESS)
    return r;
  int fl = fcntl (e->host_fd, F_GETFL);
  if (fl < 0)
    return wasi_errno_from_host (errno);
  *out = (struct wasi_fdstat) {
    .filetype = e->filetype,
    .flags = fdflags_from_host (fl) | e->sticky_flags,
    .rights_base = e->rights_base,
    .rights_inheriting = e->rights_inheriting,
  };
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_fdstat_set_flags (struct wasi_ctx *ctx, uint32_t fd, uint32_t flags)
{
  const uint16_t sync_flags = WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (flags & ~(WASI_FDFLAG_APPEND | sync_flags | WASI_FDFLAG_NONBLOCK))
    return WASI_EINVAL;
  int fl = fcntl (e->host_fd, F_GETFL);
  if (fl < 0)
    return wasi_errno_from_host (errno);
  /* Linux fixes the sync modes at open time; only append and nonblock can change. */
  if ((flags & sync_flags) != ((fdflags_from_host (fl) | e->sticky_flags) & sync_flags))
    return WASI_ENOTSUP;
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & WASI_FDFLAG_APPEND)
    fl |= O_APPEND;
  if (flags & WASI_FDFLAG_NONBLOCK)
    fl |= O_NONBLOCK;
  return host_result (fcntl (e->host_fd, F_SETFL, fl));
}

wasi_errno_t wasi_fd_fdstat_set_rights (struct wasi_ctx *ctx, uint32_t fd, uint64_t base, uint64_t inheriting)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, 0, &e);
  if (r != WASI_ESUCCESS)
    return r;
  /* Rights can only be dropped, never regained. */
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting))
    return WASI_ENOTCAPABLE;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return WASI_ESUCCESS;
}

static uint64_t timespec_ns (struct timespec ts)
{
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

void wasi_filestat_from_stat (const void *host_stat, struct wasi_filestat *out)
{
  const struct stat *st = host_stat;
  *out = (struct wasi_filestat) {
    .dev = st->st_dev,
    .ino = st->st_ino,
    .filetype = wasi_filetype_from_mode (st->st_mode),
    .nlink = st->st_nlink,
    .size = st->st_size,
    .atim = timespec_ns (st->st_atim),
    .mtim = timespec_ns (st->st_mtim),
    .ctim = timespec_ns (st->st_ctim),
  };
}

wasi_errno_t wasi_fd_filestat_get (struct wasi_ctx *ctx, uint32_t fd, struct wasi_filestat *out)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_FILESTAT_GET, &e);
  if (r != WASI_ESUCCESS)
    return r;
  struct stat st;
  if (fstat (e->host_fd, &st) < 0)
    return wasi_errno_from_host (errno);
  wasi_filestat_from_stat (&st, out);
  /* Sockets: stat cannot tell stream from datagram; the table knows. */
  if (S_ISSOCK (st.st_mode))
    out->filetype = e->filetype;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_filestat_set_size (struct wasi_ctx *ctx, uint32_t fd, uint64_t size)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_FILESTAT_SET_SIZE, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (size > INT64_MAX)
    return WASI_EINVAL;
  return host_result (ftruncate (e->host_fd, size));
}

wasi_errno_t wasi_timespecs_from_fstflags (uint64_t atim, uint64_t mtim, uint32_t fstflags,
                                           struct timespec ts[2])
{
  if ((fstflags & ~(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW | WASI_FSTFLAG_MTIM | WASI_FSTFLAG_MTIM_NOW))
      || ((fstflags & WASI_FSTFLAG_ATIM) && (fstflags & WASI_FSTFLAG_ATIM_NOW))
      || ((fstflags & WASI_FSTFLAG_MTIM) && (fstflags & WASI_FSTFLAG_MTIM_NOW)))
    return WASI_EINVAL;
  uint64_t times[2] = { atim, mtim };
  uint16_t set[2] = { WASI_FSTFLAG_ATIM, WASI_FSTFLAG_MTIM };
  uint16_t now[2] = { WASI_FSTFLAG_ATIM_NOW, WASI_FSTFLAG_MTIM_NOW };
  for (int i = 0; i < 2; i++)
    {
      if (fstflags & set[i])
        ts[i] = (struct timespec) { .tv_sec = times[i] / 1000000000u, .tv_nsec = times[i] % 1000000000u };
      else
        ts[i] = (struct timespec) { .tv_nsec = (fstflags & now[i]) ? UTIME_NOW : UTIME_OMIT };
    }
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_filestat_set_times (struct wasi_ctx *ctx, uint32_t fd, uint64_t atim, uint64_t mtim,
                                         uint32_t fstflags)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_FILESTAT_SET_TIMES, &e);
  if (r != WASI_ESUCCESS)
    return r;
  struct timespec ts[2];
  r = wasi_timespecs_from_fstflags (atim, mtim, fstflags, ts);
  return r != WASI_ESUCCESS ? r : host_result (futimens (e->host_fd, ts));
}

wasi_errno_t wasi_fd_prestat_get (struct wasi_ctx *ctx, uint32_t fd, uint32_t *name_len)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, 0, &e);
  if (r != WASI_ESUCCESS)
    return r;
  /* libc scans fds from 3 and stops at the first EBADF: non-preopens must say EBADF. */
  if (e->preopen_name == NULL)
    return WASI_EBADF;
  *name_len = strlen (e->preopen_name);
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_prestat_dir_name (struct wasi_ctx *ctx, uint32_t fd, char *buf, size_t len)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, 0, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (e->preopen_name == NULL)
    return WASI_EBADF;
  size_t n = strlen (e->preopen_name);
  if (len < n)
    return WASI_ENAMETOOLONG;
  memcpy (buf, e->preopen_name, n);
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_renumber (struct wasi_ctx *ctx, uint32_t from, uint32_t to)
{
  struct wasi_fd_entry *src, *dst;
  wasi_errno_t r = wasi_fd_lookup (ctx, from, 0, &src);
  if (r != WASI_ESUCCESS)
    return r;
  r = wasi_fd_lookup (ctx, to, 0, &dst);
  if (r != WASI_ESUCCESS)
    return r;
  if (from == to)
    return WASI_ESUCCESS;
  close (dst->host_fd);
  free (dst->preopen_name);
  *dst = *src;
  *src = (struct wasi_fd_entry) { .host_fd = -1 };
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_seek (struct wasi_ctx *ctx, uint32_t fd, int64_t offset, uint32_t whence,
                           uint64_t *newoffset)
{
  /* Asking where we are is a tell, which needs only that right. */
  uint64_t rights = (whence == WASI_WHENCE_CUR && offset == 0) ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, rights, &e);
  if (r != WASI_ESUCCESS)
    return r;
  int host_whence;
  switch (whence)
    {
    case WASI_WHENCE_SET: host_whence = SEEK_SET; break;
    case WASI_WHENCE_CUR: host_whence = SEEK_CUR; break;
    case WASI_WHENCE_END: host_whence = SEEK_END; break;
    default: return WASI_EINVAL;
    }
  off_t pos = lseek (e->host_fd, offset, host_whence);
  if (pos < 0)
    return wasi_errno_from_host (errno);
  *newoffset = pos;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_tell (struct wasi_ctx *ctx, uint32_t fd, uint64_t *offset)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup (ctx, fd, WASI_RIGHT_FD_TELL, &e);
  if (r != WASI_ESUCCESS)
    return r;
  off_t pos = lseek (e->host_fd, 0, SEEK_CUR);
  if (pos < 0)
    return wasi_errno_from_host (errno);
  *offset = pos;
  return WASI_ESUCCESS;
}
