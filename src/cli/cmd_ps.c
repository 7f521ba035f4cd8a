#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/cleanup.h"

static bool listed (const pid_t *pids, size_t n, pid_t pid)
{
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Like runc: run ps(1) with the given options (default -ef) and keep the header and the
 * lines whose PID column belongs to the container. */
static int print_table (const pid_t *pids, size_t n, char **ps_args, int n_args)
{
  cleanup_free char **argv = calloc (n_args + 3, sizeof *argv);
  if (argv == NULL)
    return 1;
  argv[0] = (char *) "ps";
  int k = 1;
  if (n_args == 0)
    argv[k++] = (char *) "-ef";
  for (int i = 0; i < n_args; i++)
    argv[k++] = ps_args[i];
  int out[2];
  if (pipe (out) < 0)
    return 1;
  pid_t child = fork ();
  if (child < 0)
    return 1;
  if (child == 0)
    {
      dup2 (out[1], 1);
      close (out[0]);
      close (out[1]);
      execvp ("ps", argv);
      fprintf (stderr, "runwasm ps: exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (out[1]);
  cleanup_fclose FILE *f = fdopen (out[0], "r");
  char line[4096];
  int pid_column = -1;
  while (f && fgets (line, sizeof line, f))
    {
      cleanup_free char *copy = strdup (line);
      char *save = NULL;
      int col = 0;
      if (pid_column < 0)
        {
          for (char *tok = strtok_r (copy, " \t\n", &save); tok; tok = strtok_r (NULL, " \t\n", &save), col++)
            if (strcmp (tok, "PID") == 0)
              pid_column = col;
          fputs (line, stdout);
          continue;
        }
      char *tok = strtok_r (copy, " \t\n", &save);
      for (; tok && col < pid_column; col++)
        tok = strtok_r (NULL, " \t\n", &save);
      if (tok && listed (pids, n, atoi (tok)))
        fputs (line, stdout);
    }
  int status = 0;
  waitpid (child, &status, 0);
  if (pid_column < 0)
    {
      fprintf (stderr, "runwasm ps: no PID column in the output of ps\n");
      return 1;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

int cmd_ps (struct cli_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+f:h", options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h':
        printf ("Usage: runwasm ps [OPTIONS] CONTAINER-ID [PS OPTIONS...]\n\n"
                "Lists the processes of a container: with the table format, the lines of\n"
                "`ps -ef` (or of ps with the given options) that belong to the container.\n\n"
                "Options:\n"
                "  -f, --format table|json  json prints the pids as an array\n"
                "  -h, --help               print this help\n");
        return 0;
      default: return cli_usage_error (argv[0], "unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error (argv[0], "--format: unknown format `%s` (table or json)", format);
  if (cli_check_args (argv[0], argc - optind, 1, -1, "CONTAINER-ID"))
    return 1;
  if (strcmp (format, "json") == 0 && argc - optind > 1)
    return cli_usage_error (argv[0], "ps options are only valid with --format table");
  struct rw_error *err = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids (&g->ro, argv[optind], &pids, &n, &err) < 0)
    return cli_fail (&err);
  if (strcmp (format, "table") == 0)
    {
      fflush (stdout);
      return print_table (pids, n, argv + optind + 1, argc - optind - 1);
    }
  printf ("[");
  for (size_t i = 0; i < n; i++)
    printf ("%s%d", i ? "," : "", pids[i]);
  printf ("]\n");
  return 0;
}
