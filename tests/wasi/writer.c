/* Writes to stdout until a write fails; with stdout a closed pipe that must be EPIPE
 * (exit 3), not a SIGPIPE that kills the runtime. */
#include "check.h"

int main (void)
{
  static char line[4096];
  memset (line, 'y', sizeof line);
  for (int i = 0; i < 100000; i++)
    {
      __wasi_ciovec_t v = { (const uint8_t *) line, sizeof line };
      __wasi_size_t n;
      __wasi_errno_t e = __wasi_fd_write (1, &v, 1, &n);
      if (e != 0)
        return e == __WASI_ERRNO_PIPE ? 3 : 4;
    }
  return 5;
}
