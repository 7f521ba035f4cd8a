/* What ordinary programs do, through wasi-libc: stdio on files, directory listing, stat,
 * rename and unlink, environment and time, with errno values libc derives from WASI. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

int main (void)
{
  FILE *f = fopen ("/sandbox/libc.txt", "w");
  CHECK (f != NULL, "fopen for writing");
  if (f == NULL)
    return 1;
  fprintf (f, "line %d\n", 42);
  CHECK_EQ (fclose (f), 0, "fclose");
  char line[32] = { 0 };
  f = fopen ("/sandbox/libc.txt", "r");
  CHECK (f != NULL && fgets (line, sizeof line, f) != NULL, "fopen and fgets");
  CHECK (strcmp (line, "line 42\n") == 0, "  reads what was written");
  if (f)
    fclose (f);
  struct stat st;
  CHECK (stat ("/sandbox/libc.txt", &st) == 0 && st.st_size == 8 && S_ISREG (st.st_mode), "stat");
  CHECK (mkdir ("/sandbox/libc-dir", 0755) == 0, "mkdir");
  CHECK (rename ("/sandbox/libc.txt", "/sandbox/libc-dir/moved.txt") == 0, "rename");
  DIR *d = opendir ("/sandbox/libc-dir");
  int seen = 0;
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    seen += strcmp (e->d_name, "moved.txt") == 0;
  if (d)
    closedir (d);
  CHECK_EQ (seen, 1, "readdir finds the renamed file");
  CHECK (unlink ("/sandbox/libc-dir/moved.txt") == 0 && rmdir ("/sandbox/libc-dir") == 0, "unlink and rmdir");
  errno = 0;
  CHECK (open ("/sandbox/none", O_RDONLY) < 0 && errno == ENOENT, "open a missing file: ENOENT");
  errno = 0;
  CHECK (open ("/sandbox/../outside.txt", O_RDONLY) < 0 && errno == ENOTCAPABLE, "open ../: ENOTCAPABLE");
  CHECK (getenv ("RUNWASM_TEST") && strcmp (getenv ("RUNWASM_TEST"), "yes") == 0, "getenv");
  struct timespec a, b = { 0, 5000000 };
  clock_gettime (CLOCK_MONOTONIC, &a);
  nanosleep (&b, NULL);
  clock_gettime (CLOCK_MONOTONIC, &b);
  CHECK ((b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec) >= 5000000, "nanosleep 5ms");
  printf ("# printf works: %s %d %.2f\n", "yes", 7, 1.5);
  return check_failures != 0;
}
