#include "linux/selfexe.h"

#include <elf.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/prctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
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

/* One mapping of the binary, from /proc/self/maps. */
struct mapping {
  uintptr_t start, end;
  off_t offset;
  int prot;
};

#define MAX_MAPPINGS 32

/* The binary's mappings: the lines of /proc/self/maps naming its device and inode. */
static int binary_mappings (const struct stat *self, struct mapping *out, size_t *n)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (f == NULL)
    return -1;
  char line[512];
  int r = 0;
  *n = 0;
  while (r == 0 && fgets (line, sizeof line, f))
    {
      unsigned long start, end, offset, ino;
      unsigned maj, min;
      char perms[5];
      if (sscanf (line, "%lx-%lx %4s %lx %x:%x %lu", &start, &end, perms, &offset, &maj, &min, &ino) != 7)
        continue;
      if (ino != self->st_ino || makedev (maj, min) != self->st_dev)
        continue;
      /* A shared mapping of the binary, or more of them than expected: not the loader's work. */
      if (perms[3] != 'p' || *n == MAX_MAPPINGS)
        r = -1;
      else
        out[(*n)++] = (struct mapping){ start, end, offset, (perms[0] == 'r' ? PROT_READ : 0)
                                        | (perms[1] == 'w' ? PROT_WRITE : 0) | (perms[2] == 'x' ? PROT_EXEC : 0) };
    }
  fclose (f);
  return r == 0 && *n > 0 ? 0 : -1;
}

/* The mm fields PR_SET_MM_MAP sets, read back as they are (fields 26-28 and 45-51 of
 * /proc/self/stat; the command name may hold spaces, so count from the last ')'). */
static int current_mm_map (struct prctl_mm_map *m)
{
  char buf[2048];
  int fd = open ("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t len = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (len <= 0)
    return -1;
  buf[len] = '\0';
  char *p = strrchr (buf, ')');
  unsigned long long v[52] = { 0 };
  for (int field = 3; p && field <= 51; field++)
    {
      p = strchr (p, ' ');
      if (p)
        v[field] = strtoull (++p, NULL, 10);
    }
  if (p == NULL)
    return -1;
  long brk = syscall (SYS_brk, 0);
  *m = (struct prctl_mm_map){
    .start_code = v[26], .end_code = v[27], .start_stack = v[28], .start_data = v[45], .end_data = v[46],
    .start_brk = v[47], .brk = brk, .arg_start = v[48], .arg_end = v[49], .env_start = v[50], .env_end = v[51],
    .exe_fd = (uint32_t) -1,
  };
  return brk > 0 ? 0 : -1;
}

/* Whether /proc/self/pagemap entry `e` is a page of its own: written since it was mapped
 * (copy-on-write made it anonymous, present or swapped out). Other pages hold the file's
 * bytes, or have never been read. */
static bool written_page (uint64_t e)
{
  bool present = e >> 63 & 1, swapped = e >> 62 & 1, file = e >> 61 & 1;
  return swapped || (present && !file);
}

/* Replaces one mapping of the binary by the same range of the copy: a fresh mapping of the
 * copy gets the pages the process wrote (the loader's relocations, data), then mremap moves
 * it over the old one in one step, so no code ever runs on a half-done mapping. Untouched
 * pages are not read (they would count in the resident size); they are the file's bytes
 * either way, but for the ELF header, whose section table fields the copy clears and which
 * the program never reads. Code written at run time is left to execve. */
static int replace_mapping (int copy, int pagemap, const struct mapping *m, size_t page)
{
  size_t len = m->end - m->start, pages = len / page;
  char *old = (char *) m->start;
  cleanup_free uint64_t *entries = malloc (pages * sizeof *entries);
  ssize_t want = pages * sizeof *entries;
  if (entries == NULL || pread (pagemap, entries, want, m->start / page * sizeof *entries) != want)
    return -1;
  size_t written = 0;
  for (size_t i = 0; i < pages; i++)
    written += written_page (entries[i]);
  if (written > 0 && (m->prot & PROT_EXEC))
    return -1;
  char *fresh = mmap (NULL, len, written ? PROT_READ | PROT_WRITE : m->prot, MAP_PRIVATE, copy, m->offset);
  if (fresh == MAP_FAILED)
    return -1;
  for (size_t i = 0; i < pages; i++)
    if (written_page (entries[i]))
      memcpy (fresh + i * page, old + i * page, page);
  if ((written && mprotect (fresh, len, m->prot) < 0)
      || mremap (fresh, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, old) == MAP_FAILED)
    {
      munmap (fresh, len);
      return -1;
    }
  return 0;
}

/* Becomes the copy without a second execve, which costs about 1 ms of CPU here: the exec,
 * the dynamic loader and glibc's CPU feature probing, whose CPUID instructions trap in a
 * VM. Every mapping of the binary is replaced by the copy's (replace_mapping), then the
 * copy becomes /proc/self/exe: PR_SET_MM_MAP with exe_fd, which the kernel refuses while
 * any mapping of the old file remains, and which needs CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE (PR_SET_MM_EXE_FILE would need CAP_SYS_RESOURCE, which root lacks on
 * some hosts). Single-threaded, before anything else runs. -1: not done, or done in part;
 * the caller then execs the copy, which replaces everything. */
static int become_copy (int copy, const struct stat *self)
{
  struct mapping maps[MAX_MAPPINGS];
  size_t n, page = sysconf (_SC_PAGESIZE);
  struct prctl_mm_map mm;
  if (binary_mappings (self, maps, &n) < 0 || current_mm_map (&mm) < 0)
    return -1;
  cleanup_close int pagemap = open ("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (pagemap < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (replace_mapping (copy, pagemap, &maps[i], page) < 0)
      return -1;
  mm.exe_fd = copy;
  return prctl (PR_SET_MM, PR_SET_MM_MAP, &mm, sizeof mm, 0);
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
  /* The kernel takes as an executable only a file nobody holds open for writing. */
  char fd_path[32];
  snprintf (fd_path, sizeof fd_path, "/proc/self/fd/%d", copy);
  cleanup_close int sealed = open (fd_path, O_RDONLY | O_CLOEXEC);
  if (sealed < 0)
    return rw_error_set (err, errno, "reopen the runtime memfd");
  close (copy);
  copy = -1;
  if (become_copy (sealed, &st) == 0)
    return 0;
  fexecve (sealed, argv, environ);
  return rw_error_set (err, errno, "re-execute the runtime from its sealed copy");
}
