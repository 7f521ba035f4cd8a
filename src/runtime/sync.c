#include "runtime/sync.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/cleanup.h"

int sync_send (int fd, enum sync_msg type, const char *payload, struct rw_error **err)
{
  uint32_t t = type;
  struct iovec iov[2] = { { &t, sizeof t }, { (void *) (payload ? payload : ""), payload ? strlen (payload) : 0 } };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
  ssize_t n;
  do
    n = sendmsg (fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rw_error_set (err, errno, "sync: send");
  return 0;
}

int sync_report (int fd, enum sync_msg type, const char *payload, struct rw_error **err)
{
  uint32_t t = type;
  size_t len = payload ? strlen (payload) : 0;
  cleanup_free char *buf = malloc (sizeof t + len);
  if (buf == NULL)
    return rw_error_set (err, ENOMEM, "sync: send");
  memcpy (buf, &t, sizeof t);
  memcpy (buf + sizeof t, payload ? payload : "", len);
  ssize_t n;
  do
    n = write (fd, buf, sizeof t + len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rw_error_set (err, errno, "sync: send");
  return 0;
}

int sync_recv (int fd, enum sync_msg *type, char **payload, struct rw_error **err)
{
  ssize_t size;
  do
    size = recv (fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
  while (size < 0 && errno == EINTR);
  if (size < 0)
    return rw_error_set (err, errno, "sync: receive");
  if (size == 0)
    return rw_error_set (err, 0, "container process exited");
  cleanup_free char *buf = malloc (size + 1);
  if (buf == NULL)
    return rw_error_set (err, ENOMEM, "sync: receive");
  ssize_t n;
  do
    n = recv (fd, buf, size, 0);
  while (n < 0 && errno == EINTR);
  if (n < (ssize_t) sizeof (uint32_t))
    return rw_error_set (err, n < 0 ? errno : EPROTO, "sync: receive");
  buf[n] = '\0';
  uint32_t t;
  memcpy (&t, buf, sizeof t);
  *type = t;
  if (payload)
    {
      *payload = strdup (buf + sizeof t);
      if (*payload == NULL)
        return rw_error_set (err, ENOMEM, "sync: receive");
    }
  return 0;
}

int sync_expect (int fd, enum sync_msg want, char **payload, struct rw_error **err)
{
  enum sync_msg type;
  cleanup_free char *text = NULL;
  if (sync_recv (fd, &type, &text, err) < 0)
    return -1;
  if (type == SYNC_ERROR)
    return rw_error_set (err, 0, "%s", text);
  if (type != want)
    return rw_error_set (err, EPROTO, "sync: unexpected message %d (wanted %d)", type, want);
  if (payload)
    *payload = steal_pointer (&text);
  return 0;
}
