/* Arguments and environment as the guest sees them. Prints them for the suite to compare
 * with what it passed, checks that the sizes calls agree with the data, and exits with the
 * status named by the first argument (proc_exit through libc's exit). */
#include <stdlib.h>

#include "check.h"

extern char **environ;

int main (int argc, char **argv)
{
  __wasi_size_t n, size;
  CHECK_EQ (__wasi_args_sizes_get (&n, &size), 0, "args_sizes_get");
  CHECK_EQ (n, argc, "  argc matches");
  size_t total = 0;
  for (int i = 0; i < argc; i++)
    total += strlen (argv[i]) + 1;
  CHECK_EQ (size, total, "  argv buffer size matches");
  CHECK_EQ (__wasi_environ_sizes_get (&n, &size), 0, "environ_sizes_get");
  size_t envc = 0;
  total = 0;
  for (char **e = environ; *e; e++, envc++)
    total += strlen (*e) + 1;
  CHECK (n == envc && size == total, "  environ count and size match");
  for (int i = 0; i < argc; i++)
    {
      out_str ("# arg ");
      out_str (argv[i]);
      out_str ("\n");
    }
  for (char **e = environ; *e; e++)
    {
      out_str ("# env ");
      out_str (*e);
      out_str ("\n");
    }
  exit (argc > 1 ? atoi (argv[1]) : 0);
}
