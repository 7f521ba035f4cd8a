/* A WASI command the Wasm-handler tests run inside containers: argv[1] picks what it reports,
 * so one module checks args, env, files, stdin, exit codes, memory limits and terminals. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int list_dir (const char *path)
{
  DIR *d = opendir (path);
  if (d == NULL)
    {
      printf ("opendir %s: %s\n", path, strerror (errno));
      return 1;
    }
  struct dirent *e;
  while ((e = readdir (d)))
    if (e->d_name[0] != '.')
      printf ("%s\n", e->d_name);
  closedir (d);
  return 0;
}

/* Grow linear memory a page at a time until the engine refuses; report how far it got. */
static int grow_until_refused (void)
{
  while (__builtin_wasm_memory_grow (0, 1) != (unsigned long) -1)
    ;
  unsigned long pages = __builtin_wasm_memory_size (0);
  printf ("memory stopped at %lu pages (%lu KiB)\n", pages, pages * 64);
  return 0;
}

int main (int argc, char **argv)
{
  const char *what = argc > 1 ? argv[1] : "hello";
  if (strcmp (what, "hello") == 0)
    printf ("hello from wasm\n");
  else if (strcmp (what, "args") == 0)
    for (int i = 0; i < argc; i++)
      printf ("argv[%d]=%s\n", i, argv[i]);
  else if (strcmp (what, "env") == 0 && argc > 2)
    printf ("%s=%s\n", argv[2], getenv (argv[2]) ? getenv (argv[2]) : "(unset)");
  else if (strcmp (what, "ls") == 0 && argc > 2)
    return list_dir (argv[2]);
  else if (strcmp (what, "cat") == 0 && argc > 2)
    {
      FILE *f = fopen (argv[2], "r");
      if (f == NULL)
        {
          printf ("open %s: %s\n", argv[2], strerror (errno));
          return 1;
        }
      int c;
      while ((c = fgetc (f)) != EOF)
        putchar (c);
      fclose (f);
    }
  else if (strcmp (what, "write") == 0 && argc > 2)
    {
      FILE *f = fopen (argv[2], "w");
      printf ("write %s: %s\n", argv[2], f ? "ok" : strerror (errno));
      if (f)
        fclose (f);
    }
  else if (strcmp (what, "stdin") == 0)
    {
      char line[256];
      while (fgets (line, sizeof line, stdin))
        printf ("read: %s", line);
    }
  else if (strcmp (what, "exit") == 0 && argc > 2)
    return atoi (argv[2]);
  else if (strcmp (what, "grow") == 0)
    return grow_until_refused ();
  else if (strcmp (what, "tty") == 0)
    printf ("stdout is %sa terminal\n", isatty (1) ? "" : "not ");
  else
    {
      fprintf (stderr, "probe: unknown request `%s`\n", what);
      return 2;
    }
  return 0;
}
