#include "linux/fds.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int fds_listen_count (void)
{
  const char *v = getenv ("LISTEN_FDS");
  if (v == NULL)
    return 0;
  char *end = NULL;
  long n = strtol (v, &end, 10);
  return *end == '\0' && n > 0 && n < 4096 ? (int) n : 0;
}

int fds_prepare_for_exec (int n_preserved, struct rw_error **err)
{
  for (int fd = 3; fd < 3 + n_preserved; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (flags < 0)
        return rw_error_set (err, errno, "preserved fd %d", fd);
      if ((flags & FD_CLOEXEC) && fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        return rw_error_set (err, errno, "preserved fd %d", fd);
    }
  /* close-on-exec rather than close: the runtime still needs its sync socket until execve. */
  if (syscall (SYS_close_range, 3 + n_preserved, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return rw_error_set (err, errno, "close_range");
  return 0;
}

static int compare_ints (const void *a, const void *b)
{
  return *(const int *) a - *(const int *) b;
}

int fds_close_except (int first, const int *keep, size_t n_keep, struct rw_error **err)
{
  int sorted[n_keep + 1];
  size_t n = 0;
  for (size_t i = 0; i < n_keep; i++)
    if (keep[i] >= first)
      sorted[n++] = keep[i];
  qsort (sorted, n, sizeof sorted[0], compare_ints);
  unsigned int from = first;
  for (size_t i = 0; i <= n; i++)
    {
      unsigned int to = i < n ? (unsigned int) sorted[i] : ~0U;
      if (to > from && syscall (SYS_close_range, from, to - 1, 0) < 0)
        return rw_error_set (err, errno, "close_range");
      if (i < n)
        from = sorted[i] + 1;
    }
  return 0;
}
