/* Listening TCP sockets for guests that serve (wasmtime's `-S tcplisten=ADDR`): opened by
 * the host, handed to the guest as a preopened socket for sock_accept. */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi/wasi.h"

#define LISTEN_BACKLOG 128

/* "HOST:PORT" or "[V6HOST]:PORT", numeric only: a name lookup would depend on the resolver
 * configuration of wherever this runs (a container's netns may have none). */
static int split_address (char *text, char **host, char **port)
{
  char *colon = strrchr (text, ':');
  if (colon == NULL || colon == text || colon[1] == '\0')
    return -1;
  *colon = '\0';
  *port = colon + 1;
  *host = text;
  size_t n = strlen (text);
  if (text[0] == '[')
    {
      if (n < 3 || text[n - 1] != ']')
        return -1;
      text[n - 1] = '\0';
      *host = text + 1;
    }
  return 0;
}

int wasi_tcp_listen (const char *address, int *out, struct rw_error **err)
{
  char *copy = strdup (address);
  if (copy == NULL)
    return rw_error_set (err, ENOMEM, "listen on `%s`", address);
  char *host, *port;
  if (split_address (copy, &host, &port) < 0)
    {
      free (copy);
      return rw_error_set (err, 0, "listen on `%s`: expected HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", address);
    }
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                            .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
  struct addrinfo *ai = NULL;
  int rc = getaddrinfo (host, port, &hints, &ai);
  free (copy);
  if (rc != 0)
    return rw_error_set (err, 0, "listen on `%s`: %s (a numeric address and port)", address, gai_strerror (rc));
  int fd = socket (ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
      || bind (fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen (fd, LISTEN_BACKLOG) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      freeaddrinfo (ai);
      return rw_error_set (err, e, "listen on `%s`", address);
    }
  freeaddrinfo (ai);
  *out = fd;
  return 0;
}
