#include "linux/selfexe.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

int selfexe_ensure_sealed (char **argv, struct rw_error **err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return rw_error_set (err, errno, "open `/proc/self/exe`");
  /* Only a memfd answers F_GET_SEALS; a regular file fails with EINVAL. */
  int seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS)
    return 0;

  struct stat st;
  if (fstat (self, &st) < 0)
    return rw_error_set (err, errno, "stat `/proc/self/exe`");
  cleanup_close int copy = memfd_create ("runwasm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (copy < 0)
    return rw_error_set (err, errno, "memfd_create");
  for (off_t done = 0; done < st.st_size;)
    {
      ssize_t n = sendfile (copy, self, NULL, st.st_size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return rw_error_set (err, n < 0 ? errno : EIO, "copy the runtime binary into a memfd");
      done += n;
    }
  if (fcntl (copy, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return rw_error_set (err, errno, "seal the runtime memfd");
  fexecve (copy, argv, environ);
  return rw_error_set (err, errno, "re-execute the runtime from its sealed copy");
}
