/* A small WASI preview1 TCP server written against wasi-libc's socket API: accepts
 * connections on the listening socket the host preopened (from --tcplisten or the
 * io.runwasm.wasm.tcplisten annotation: the first socket after stdio and the preopened
 * directories), answers each line with "pong: LINE" and shuts the connection down.
 * argv[1] says how many connections to serve (default 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

static int find_listener (void)
{
  for (int fd = 3; fd < 64; fd++)
    {
      __wasi_fdstat_t st;
      if (__wasi_fd_fdstat_get (fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM)
        return fd;
    }
  return -1;
}

static int serve (int conn)
{
  char line[256];
  size_t len = 0;
  while (len < sizeof line && (len == 0 || line[len - 1] != '\n'))
    {
      ssize_t got = recv (conn, line + len, sizeof line - len, 0);
      if (got <= 0)
        break;
      len += (size_t) got;
    }
  char reply[300];
  int n = snprintf (reply, sizeof reply, "pong: %.*s", (int) len, line);
  if (send (conn, reply, (size_t) n, 0) != n || shutdown (conn, SHUT_WR) != 0)
    return -1;
  return close (conn);
}

int main (int argc, char **argv)
{
  int count = argc > 1 ? atoi (argv[1]) : 1;
  int listener = find_listener ();
  if (listener < 0)
    {
      fprintf (stderr, "no listening socket\n");
      return 1;
    }
  for (int i = 0; i < count; i++)
    {
      int conn = accept (listener, NULL, NULL);
      if (conn < 0)
        {
          perror ("accept");
          return 1;
        }
      /* A client that goes away early is its problem, not the server's. */
      if (serve (conn) < 0)
        {
          perror ("serve");
          close (conn);
        }
    }
  printf ("served %d\n", count);
  return 0;
}
