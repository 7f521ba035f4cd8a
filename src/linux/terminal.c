#include "linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "linux/path_in_root.h"

int terminal_connect_console_socket (const char *path, struct rw_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return rw_error_set (err, ENAMETOOLONG, "console socket `%s`", path);
  strcpy (addr.sun_path, path);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rw_error_set (err, errno, "console socket: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return rw_error_set (err, errno, "connect to console socket `%s`", path);
  return steal_fd (&fd);
}

int terminal_open_pty (int rootfd, const char *ptmx_path, unsigned int height, unsigned int width,
                       int *master, int *slave, struct rw_error **err)
{
  cleanup_close int m = path_in_root_open (rootfd, ptmx_path, O_RDWR | O_NOCTTY, err);
  if (m < 0)
    return -1;
  int unlock = 0;
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0)
    return rw_error_set (err, errno, "unlock pty");
  /* TIOCGPTPEER opens the peer without a path lookup that the container could redirect. */
  cleanup_close int s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return rw_error_set (err, errno, "open pty peer");
  if (height || width)
    {
      struct winsize ws = { .ws_row = height, .ws_col = width };
      if (ioctl (m, TIOCSWINSZ, &ws) < 0)
        return rw_error_set (err, errno, "set the console size");
    }
  *master = steal_fd (&m);
  *slave = steal_fd (&s);
  return 0;
}

int terminal_send_master (int socket_fd, int master, struct rw_error **err)
{
  char name[64] = "/dev/pts/?";
  int n = -1;
  if (ioctl (master, TIOCGPTN, &n) == 0)
    snprintf (name, sizeof name, "/dev/pts/%d", n);
  union {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control = { 0 };
  struct iovec iov = { .iov_base = name, .iov_len = strlen (name) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &master, sizeof (int));
  if (sendmsg (socket_fd, &msg, MSG_NOSIGNAL) < 0)
    return rw_error_set (err, errno, "send the pty master to the console socket");
  return 0;
}

int terminal_become_controlling (int slave, struct rw_error **err)
{
  if (setsid () < 0)
    return rw_error_set (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return rw_error_set (err, errno, "set the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return rw_error_set (err, errno, "dup2 the terminal to fd %d", fd);
  return 0;
}
