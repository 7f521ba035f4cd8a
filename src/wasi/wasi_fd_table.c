/* The guest's descriptor table: WASI fd numbers -> host fds with their rights. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi_core.h"

wasi_errno_t wasi_fd_lookup (struct wasi_ctx *ctx, uint32_t fd, uint64_t rights, struct wasi_fd_entry **out)
{
  if (fd >= ctx->nfds || ctx->fds[fd].host_fd < 0)
    return WASI_EBADF;
  struct wasi_fd_entry *e = &ctx->fds[fd];
  if ((e->rights_base & rights) != rights)
    return WASI_ENOTCAPABLE;
  *out = e;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_lookup_kind (struct wasi_ctx *ctx, uint32_t fd, enum wasi_fd_kind kind, uint64_t rights,
                                  struct wasi_fd_entry **out)
{
  if (fd >= ctx->nfds || ctx->fds[fd].host_fd < 0)
    return WASI_EBADF;
  uint8_t type = ctx->fds[fd].filetype;
  if (kind == WASI_FD_DIRECTORY && type != WASI_FILETYPE_DIRECTORY)
    return WASI_ENOTDIR;
  if (kind == WASI_FD_SOCKET && type != WASI_FILETYPE_SOCKET_STREAM && type != WASI_FILETYPE_SOCKET_DGRAM)
    return WASI_ENOTSOCK;
  return wasi_fd_lookup (ctx, fd, rights, out);
}

static wasi_errno_t grow_table (struct wasi_ctx *ctx, uint32_t min)
{
  /* Guests see fds as u32 but libc treats them as int; keep them small and positive. */
  if (min > (1u << 20))
    return WASI_EMFILE;
  uint32_t n = ctx->nfds ? ctx->nfds : 8;
  while (n < min)
    n *= 2;
  struct wasi_fd_entry *grown = realloc (ctx->fds, n * sizeof *grown);
  if (grown == NULL)
    return WASI_ENOMEM;
  for (uint32_t i = ctx->nfds; i < n; i++)
    grown[i] = (struct wasi_fd_entry) { .host_fd = -1 };
  ctx->fds = grown;
  ctx->nfds = n;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_place (struct wasi_ctx *ctx, uint32_t slot, int host_fd, uint8_t filetype, uint64_t base,
                            uint64_t inheriting)
{
  if (slot >= ctx->nfds)
    {
      wasi_errno_t e = grow_table (ctx, slot + 1);
      if (e != WASI_ESUCCESS)
        return e;
    }
  if (ctx->fds[slot].host_fd >= 0)
    return WASI_EBADF;
  ctx->fds[slot] = (struct wasi_fd_entry) {
    .host_fd = host_fd,
    .filetype = filetype,
    .rights_base = base,
    .rights_inheriting = inheriting,
  };
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_fd_insert (struct wasi_ctx *ctx, int host_fd, uint8_t filetype, uint64_t base,
                             uint64_t inheriting, uint32_t *fd)
{
  uint32_t slot = 0;
  while (slot < ctx->nfds && ctx->fds[slot].host_fd >= 0)
    slot++;
  wasi_errno_t e = wasi_fd_place (ctx, slot, host_fd, filetype, base, inheriting);
  if (e == WASI_ESUCCESS)
    *fd = slot;
  return e;
}

uint8_t wasi_filetype_from_mode (unsigned mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
    case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
    case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
    case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
    default: return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
    }
}

wasi_errno_t wasi_fd_describe (int host_fd, uint8_t *filetype, uint64_t *rights)
{
  struct stat st;
  if (fstat (host_fd, &st) < 0)
    return wasi_errno_from_host (errno);
  *filetype = wasi_filetype_from_mode (st.st_mode);
  switch (*filetype)
    {
    case WASI_FILETYPE_REGULAR_FILE:
      *rights = WASI_RIGHTS_REGULAR_FILE;
      break;
    case WASI_FILETYPE_DIRECTORY:
      *rights = WASI_RIGHTS_DIRECTORY;
      break;
    case WASI_FILETYPE_SOCKET_STREAM:
      {
        int type = 0;
        socklen_t len = sizeof type;
        if (getsockopt (host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
          *filetype = WASI_FILETYPE_SOCKET_DGRAM;
        *rights = WASI_RIGHTS_SOCKET;
        break;
      }
    case WASI_FILETYPE_CHARACTER_DEVICE:
      /* libc's isatty() is "a character device without seek/tell": give those to
       * /dev/null and friends so that only real terminals look like one. */
      *rights = WASI_RIGHTS_STREAM | (isatty (host_fd) ? 0 : WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL);
      break;
    default:
      /* Pipes and other streams: no seek or tell. */
      *rights = WASI_RIGHTS_STREAM;
      break;
    }
  return WASI_ESUCCESS;
}
