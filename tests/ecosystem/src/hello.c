/* The Wasm workload of the ecosystem tests (clang --target=wasm32-wasi). What it prints is
 * what the tests check, so each mode proves one thing reached the module:
 *   hello.wasm                 greeting, argc, and $GREETING when set (env passing)
 *   hello.wasm exit N          exits with status N (exit-code passing)
 *   hello.wasm sleep N         prints "sleeping", then sleeps N s (stop/kill of a running module)
 *   hello.wasm ls DIR          lists DIR (the container rootfs is the preopened /) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  if (argc > 2 && strcmp (argv[1], "exit") == 0)
    return atoi (argv[2]);
  if (argc > 2 && strcmp (argv[1], "sleep") == 0)
    {
      printf ("sleeping\n");
      fflush (stdout);
      sleep ((unsigned) atoi (argv[2]));
      return 0;
    }
  if (argc > 2 && strcmp (argv[1], "ls") == 0)
    {
      DIR *d = opendir (argv[2]);
      struct dirent *e;
      if (d == NULL)
        {
          perror (argv[2]);
          return 1;
        }
      while ((e = readdir (d)) != NULL)
        if (e->d_name[0] != '.')
          printf ("%s\n", e->d_name);
      closedir (d);
      return 0;
    }
  const char *greeting = getenv ("GREETING");
  printf ("hello from wasm, argc=%d\n", argc);
  if (greeting != NULL)
    printf ("GREETING=%s\n", greeting);
  return 0;
}
