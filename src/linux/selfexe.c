#include "linux/selfexe.h"

#include <elf.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* How much of the ELF file `fd` (size `size`) the kernel and the dynamic loader read: up to
 * the end of the last segment. What follows (debug info, symbol tables, section headers)
 * is left out of the copy; *drop_sections tells that the header's section table must go
 * too. Anything unexpected keeps the whole file. */
static off_t loaded_size (int fd, off_t size, Elf64_Ehdr *eh, bool *drop_sections)
{
  *drop_sections = false;
  if (pread (fd, eh, sizeof *eh, 0) != (ssize_t) sizeof *eh || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0
      || eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof (Elf64_Phdr) || eh->e_phnum == 0
      || eh->e_phnum > 64)
    return size;
  Elf64_Phdr ph[64];
  size_t bytes = eh->e_phnum * sizeof ph[0];
  if (pread (fd, ph, bytes, eh->e_phoff) != (ssize_t) bytes)
    return size;
  uint64_t end = eh->e_phoff + bytes;
  for (size_t i = 0; i < eh->e_phnum; i++)
    if (ph[i].p_offset + ph[i].p_filesz > end)
      end = ph[i].p_offset + ph[i].p_filesz;
  if (end >= (uint64_t) size || eh->e_shoff < end)
    return size;
  *drop_sections = true;
  return end;
}

static int copy_loaded_part (int self, off_t size, int copy, struct rw_error **err)
{
  Elf64_Ehdr eh;
  bool drop_sections;
  off_t want = loaded_size (self, size, &eh, &drop_sections);
  for (off_t done = 0; done < want;)
    {
      ssize_t n = sendfile (copy, self, &done, want - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return rw_error_set (err, n < 0 ? errno : EIO, "copy the runtime binary into a memfd");
    }
  if (drop_sections)
    {
      eh.e_shoff = 0;
      eh.e_shnum = 0;
      eh.e_shstrndx = SHN_UNDEF;
      if (pwrite (copy, &eh, sizeof eh, 0) != (ssize_t) sizeof eh)
        return rw_error_set (err, errno ? errno : EIO, "write the runtime copy's ELF header");
    }
  return 0;
}

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
  if (copy_loaded_part (self, st.st_size, copy, err) < 0)
    return -1;
  if (fcntl (copy, F_ADD_SEALS, REQUIRED_SEALS) < 0)
    return rw_error_set (err, errno, "seal the runtime memfd");
  fexecve (copy, argv, environ);
  return rw_error_set (err, errno, "re-execute the runtime from its sealed copy");
}
