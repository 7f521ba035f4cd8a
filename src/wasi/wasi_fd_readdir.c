/* fd_readdir: directory entries as the WASI ABI lays them out (a 24-byte dirent header then
 * the name, no padding, no NUL). A cookie is the host's d_off of the entry before, i.e. the
 * position to seek to for the next entry, so a guest can resume anywhere; 0 is the start.
 * "." and ".." are included, as the spec expects of a directory listing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi_core.h"
#include "wasi/wasi_guest.h"

static uint8_t filetype_from_dtype (int dirfd, const struct dirent64 *d)
{
  switch (d->d_type)
    {
    case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
    case DT_DIR: return WASI_FILETYPE_DIRECTORY;
    case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
    case DT_UNKNOWN:
      {
        /* Some filesystems do not fill d_type: ask. */
        struct stat st;
        if (fstatat (dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          return wasi_filetype_from_mode (st.st_mode);
        return WASI_FILETYPE_UNKNOWN;
      }
    default: return WASI_FILETYPE_UNKNOWN;
    }
}

/* Append bytes, cutting them off when buf is full. Returns false once full. */
static bool append (uint8_t *buf, size_t len, size_t *used, const void *bytes, size_t n)
{
  size_t room = len - *used;
  size_t take = n < room ? n : room;
  memcpy (buf + *used, bytes, take);
  *used += take;
  return *used < len;
}

wasi_errno_t wasi_fd_readdir (struct wasi_ctx *ctx, uint32_t fd, uint8_t *buf, size_t len, uint64_t cookie,
                              size_t *used)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_DIRECTORY, WASI_RIGHT_FD_READDIR, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (cookie > INT64_MAX)
    return WASI_EINVAL;
  if (lseek (e->host_fd, (off_t) cookie, SEEK_SET) < 0)
    return wasi_errno_from_host (errno);
  *used = 0;
  if (len == 0)
    return WASI_ESUCCESS;
  char hostbuf[16384] __attribute__ ((aligned (8)));
  for (;;)
    {
      ssize_t n = getdents64 (e->host_fd, hostbuf, sizeof hostbuf);
      if (n < 0)
        return wasi_errno_from_host (errno);
      if (n == 0)
        return WASI_ESUCCESS;
      for (ssize_t off = 0; off < n;)
        {
          const struct dirent64 *d = (const struct dirent64 *) (hostbuf + off);
          off += d->d_reclen;
          uint8_t header[WASI_DIRENT_SIZE] = { 0 };
          size_t namlen = strlen (d->d_name);
          wasi_put_u64 (header + 0, (uint64_t) d->d_off);
          wasi_put_u64 (header + 8, d->d_ino);
          wasi_put_u32 (header + 16, namlen);
          header[20] = filetype_from_dtype (e->host_fd, d);
          if (!append (buf, len, used, header, sizeof header)
              || !append (buf, len, used, d->d_name, namlen))
            return WASI_ESUCCESS;
        }
    }
}
