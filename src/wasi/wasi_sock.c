/* sock_accept, sock_recv, sock_send, sock_shutdown on sockets the host handed in (listening
 * sockets in wasi_config.listen_fds, and the connections accepted from them). */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi/wasi_core.h"

wasi_errno_t wasi_sock_accept (struct wasi_ctx *ctx, uint32_t fd, uint32_t flags, uint32_t *accepted)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_SOCKET, WASI_RIGHT_SOCK_ACCEPT, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (flags & ~WASI_FDFLAG_NONBLOCK)
    return WASI_EINVAL;
  int host = accept4 (e->host_fd, NULL, NULL, SOCK_CLOEXEC | ((flags & WASI_FDFLAG_NONBLOCK) ? SOCK_NONBLOCK : 0));
  if (host < 0)
    return wasi_errno_from_host (errno);
  uint64_t rights = (WASI_RIGHTS_SOCKET & ~WASI_RIGHT_SOCK_ACCEPT);
  r = wasi_fd_insert (ctx, host, WASI_FILETYPE_SOCKET_STREAM, rights, 0, accepted);
  if (r != WASI_ESUCCESS)
    close (host);
  return r;
}

wasi_errno_t wasi_sock_recv (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint32_t riflags, size_t *received, uint16_t *roflags)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_SOCKET, WASI_RIGHT_FD_READ, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (riflags & ~(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL))
    return WASI_EINVAL;
  int flags = ((riflags & WASI_RIFLAG_RECV_PEEK) ? MSG_PEEK : 0)
              | ((riflags & WASI_RIFLAG_RECV_WAITALL) ? MSG_WAITALL : 0);
  struct msghdr msg = { .msg_iov = (struct iovec *) iov, .msg_iovlen = n };
  ssize_t got = recvmsg (e->host_fd, &msg, flags);
  if (got < 0)
    return wasi_errno_from_host (errno);
  *received = got;
  *roflags = (msg.msg_flags & MSG_TRUNC) ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_sock_send (struct wasi_ctx *ctx, uint32_t fd, const struct iovec *iov, size_t n,
                             uint32_t siflags, size_t *sent)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_SOCKET, WASI_RIGHT_FD_WRITE, &e);
  if (r != WASI_ESUCCESS)
    return r;
  if (siflags != 0)
    return WASI_EINVAL;
  struct msghdr msg = { .msg_iov = (struct iovec *) iov, .msg_iovlen = n };
  /* MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not SIGPIPE for the runtime. */
  ssize_t put = sendmsg (e->host_fd, &msg, MSG_NOSIGNAL);
  if (put < 0)
    return wasi_errno_from_host (errno);
  *sent = put;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_sock_shutdown (struct wasi_ctx *ctx, uint32_t fd, uint32_t how)
{
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_SOCKET, WASI_RIGHT_SOCK_SHUTDOWN, &e);
  if (r != WASI_ESUCCESS)
    return r;
  int host_how;
  switch (how)
    {
    case WASI_SDFLAG_RD: host_how = SHUT_RD; break;
    case WASI_SDFLAG_WR: host_how = SHUT_WR; break;
    case WASI_SDFLAG_RD | WASI_SDFLAG_WR: host_how = SHUT_RDWR; break;
    default: return WASI_EINVAL;
    }
  return shutdown (e->host_fd, host_how) < 0 ? wasi_errno_from_host (errno) : WASI_ESUCCESS;
}
