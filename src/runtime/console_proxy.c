#include "runtime/console_proxy.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"

int console_proxy_receive_master (int socket_fd, struct rw_error **err)
{
  char name[128];
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { name, sizeof name };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  ssize_t n;
  do
    n = recvmsg (socket_fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rw_error_set (err, errno, "receive the container's terminal");
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return rw_error_set (err, EPROTO, "receive the container's terminal: no fd");
  int fd;
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}

static int copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n <= 0)
    return -1;
  for (ssize_t done = 0; done < n;)
    {
      ssize_t w = write (to, buf + done, n - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      done += w;
    }
  return 0;
}

int console_proxy_run (int master, pid_t pid, struct rw_error **err)
{
  cleanup_close int pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return rw_error_set (err, errno, "pidfd_open %d", pid);
  struct termios saved;
  bool raw = isatty (0) && tcgetattr (0, &saved) == 0;
  if (raw)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      tcsetattr (0, TCSANOW, &t);
    }
  bool stdin_open = true;
  for (;;)
    {
      struct pollfd p[3] = { { master, POLLIN, 0 }, { pidfd, POLLIN, 0 }, { stdin_open ? 0 : -1, POLLIN, 0 } };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (p[0].revents & POLLIN)
        copy_once (master, 1);
      else if (p[0].revents & (POLLHUP | POLLERR))
        break;
      if (p[2].revents & (POLLIN | POLLHUP))
        stdin_open = copy_once (0, master) == 0;
      if (p[1].revents & POLLIN)
        {
          /* Drain what the process wrote just before it exited. */
          struct pollfd rest = { master, POLLIN, 0 };
          while (poll (&rest, 1, 0) > 0 && (rest.revents & POLLIN) && copy_once (master, 1) == 0)
            ;
          break;
        }
    }
  if (raw)
    tcsetattr (0, TCSANOW, &saved);
  return 0;
}
