/* Serves one connection on a listening socket handed in with --listen-fd (guest fd 3, no
 * preopens): reads a line, answers "pong: <line>", shuts down and checks the errors of the
 * socket calls. The suite plays the client and checks the reply. */
#include "check.h"

#define LISTENER 3

int main (void)
{
  __wasi_fdstat_t fs;
  CHECK_EQ (__wasi_fd_fdstat_get (LISTENER, &fs), 0, "fd_fdstat_get on the listener");
  CHECK_EQ (fs.fs_filetype, __WASI_FILETYPE_SOCKET_STREAM, "  a stream socket");
  CHECK ((fs.fs_rights_base & __WASI_RIGHTS_SOCK_ACCEPT) != 0, "  with sock_accept right");
  __wasi_prestat_t ps;
  CHECK_EQ (__wasi_fd_prestat_get (LISTENER, &ps), __WASI_ERRNO_BADF, "  not a preopen");
  __wasi_fd_t conn;
  CHECK_EQ (__wasi_sock_accept (LISTENER, 0x40, &conn), __WASI_ERRNO_INVAL, "sock_accept with bad flags is EINVAL");
  CHECK_EQ (__wasi_sock_accept (1, 0, &conn), __WASI_ERRNO_NOTSOCK, "sock_accept on stdout is ENOTSOCK");
  CHECK_EQ (__wasi_sock_accept (LISTENER, 0, &conn), 0, "sock_accept");
  uint8_t buf[64];
  __wasi_iovec_t in = { buf, sizeof buf };
  __wasi_size_t got = 0;
  __wasi_roflags_t ro = 9;
  CHECK_EQ (__wasi_sock_recv (conn, &in, 1, __WASI_RIFLAGS_RECV_PEEK, &got, &ro), 0, "sock_recv peek");
  size_t len = 0;
  while (len < sizeof buf && (len == 0 || buf[len - 1] != '\n'))
    {
      __wasi_iovec_t rest = { buf + len, sizeof buf - len };
      if (__wasi_sock_recv (conn, &rest, 1, 0, &got, &ro) != 0 || got == 0)
        break;
      len += got;
    }
  CHECK (len > 0 && ro == 0, "sock_recv a line");
  __wasi_ciovec_t out[2] = { { (const uint8_t *) "pong: ", 6 }, { buf, len } };
  __wasi_size_t sent = 0;
  CHECK_EQ (__wasi_sock_send (conn, out, 2, 0, &sent), 0, "sock_send");
  CHECK_EQ (sent, 6 + len, "  all bytes");
  CHECK_EQ (__wasi_sock_send (conn, out, 1, 7, &sent), __WASI_ERRNO_INVAL, "sock_send with flags is EINVAL");
  CHECK_EQ (__wasi_sock_shutdown (conn, 0), __WASI_ERRNO_INVAL, "sock_shutdown with no direction is EINVAL");
  CHECK_EQ (__wasi_sock_shutdown (conn, __WASI_SDFLAGS_WR), 0, "sock_shutdown wr");
  CHECK_EQ (__wasi_sock_shutdown (1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK, "sock_shutdown on stdout is ENOTSOCK");
  CHECK_EQ (__wasi_fd_close (conn), 0, "fd_close the connection");
  return check_failures != 0;
}
