/* path_open: open or create a file beneath a directory fd. The new fd's rights are what the
 * guest asked for, which must lie within the directory's inheriting rights, narrowed to what
 * applies to the kind of file opened. The host access mode follows the rights: a descriptor
 * that may not write is opened read-only, so rights and the kernel agree. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wasi/wasi_core.h"

#define WRITE_RIGHTS (WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ALLOCATE | WASI_RIGHT_FD_FILESTAT_SET_SIZE)
#define READ_RIGHTS (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)

static wasi_errno_t host_open_flags (uint32_t oflags, uint64_t base, uint32_t fdflags, int *out)
{
  if (oflags & ~(WASI_OFLAG_CREAT | WASI_OFLAG_DIRECTORY | WASI_OFLAG_EXCL | WASI_OFLAG_TRUNC))
    return WASI_EINVAL;
  if (fdflags & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_DSYNC | WASI_FDFLAG_NONBLOCK | WASI_FDFLAG_RSYNC
                  | WASI_FDFLAG_SYNC))
    return WASI_EINVAL;
  /* O_NOFOLLOW: the resolver already followed what it was allowed to; a symlink left in the
   * final component is one the guest asked not to follow (ELOOP). */
  int flags = O_CLOEXEC | O_NOFOLLOW;
  if (oflags & WASI_OFLAG_DIRECTORY)
    /* Asking to write a directory is the kernel's EISDIR; other write-ish rights (allocate,
     * set_size) simply do not apply to one. */
    flags |= O_DIRECTORY | ((base & WASI_RIGHT_FD_WRITE) ? O_RDWR : O_RDONLY);
  else if ((base & READ_RIGHTS) && (base & WRITE_RIGHTS))
    flags |= O_RDWR;
  else if (base & WRITE_RIGHTS)
    flags |= O_WRONLY;
  else
    flags |= O_RDONLY;
  if (oflags & WASI_OFLAG_CREAT)
    flags |= O_CREAT;
  if (oflags & WASI_OFLAG_EXCL)
    flags |= O_EXCL;
  if (oflags & WASI_OFLAG_TRUNC)
    flags |= O_TRUNC;
  if (fdflags & WASI_FDFLAG_APPEND)
    flags |= O_APPEND;
  if (fdflags & WASI_FDFLAG_DSYNC)
    flags |= O_DSYNC;
  if (fdflags & WASI_FDFLAG_NONBLOCK)
    flags |= O_NONBLOCK;
  if (fdflags & (WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    flags |= O_SYNC;
  *out = flags;
  return WASI_ESUCCESS;
}

/* Rights path_open itself needs on the directory, beyond PATH_OPEN. */
static uint64_t rights_for_oflags (uint32_t oflags)
{
  uint64_t rights = WASI_RIGHT_PATH_OPEN;
  if (oflags & WASI_OFLAG_CREAT)
    rights |= WASI_RIGHT_PATH_CREATE_FILE;
  if (oflags & WASI_OFLAG_TRUNC)
    rights |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
  return rights;
}

wasi_errno_t wasi_path_open (struct wasi_ctx *ctx, uint32_t fd, uint32_t dirflags, const char *path,
                             size_t len, uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting,
                             uint32_t fdflags, uint32_t *opened)
{
  struct wasi_fd_entry *dir;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_DIRECTORY, rights_for_oflags (oflags), &dir);
  if (r != WASI_ESUCCESS)
    return r;
  if ((rights_base | rights_inheriting) & ~dir->rights_inheriting)
    return WASI_ENOTCAPABLE;
  int flags;
  r = host_open_flags (oflags, rights_base, fdflags, &flags);
  if (r != WASI_ESUCCESS)
    return r;
  struct wasi_path p;
  r = wasi_path_resolve (dir->host_fd, path, len, dirflags & WASI_LOOKUP_SYMLINK_FOLLOW, &p);
  if (r != WASI_ESUCCESS)
    return r;
  if (p.trailing_slash)
    flags |= O_DIRECTORY;
  cleanup_close int host = openat (p.dirfd, p.name, flags, 0666);
  int saved = errno;
  wasi_path_release (&p);
  if (host < 0)
    return wasi_errno_from_host (saved);
  struct stat st;
  if (fstat (host, &st) < 0)
    return wasi_errno_from_host (errno);
  uint8_t type = wasi_filetype_from_mode (st.st_mode);
  uint64_t applicable = type == WASI_FILETYPE_DIRECTORY ? WASI_RIGHTS_DIRECTORY
                        : type == WASI_FILETYPE_REGULAR_FILE ? WASI_RIGHTS_REGULAR_FILE
                        : WASI_RIGHTS_STREAM;
  /* Only a directory hands rights on; a file keeps no path_* rights in either set. */
  uint64_t inheriting = type == WASI_FILETYPE_DIRECTORY ? rights_inheriting : rights_inheriting & applicable;
  r = wasi_fd_insert (ctx, host, type, rights_base & applicable, inheriting, opened);
  if (r != WASI_ESUCCESS)
    return r;
  steal_fd (&host);
  ctx->fds[*opened].sticky_flags = fdflags & WASI_FDFLAG_RSYNC;
  return WASI_ESUCCESS;
}
