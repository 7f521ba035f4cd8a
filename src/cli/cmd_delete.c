#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

int cmd_delete (struct cli_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+fh", options, NULL)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      case 'h':
        printf ("Usage: runwasm delete [OPTIONS] CONTAINER-ID\n\n"
                "Deletes a stopped or created container: runs the poststop hooks and removes its\n"
                "cgroup and state.\n\n"
                "Options:\n"
                "  -f, --force  kill the container first if it is running, and clean up what a\n"
                "               create interrupted half-way left behind\n"
                "  -h, --help   print this help\n");
        return 0;
      default: return cli_usage_error (argv[0], "unknown option `%s`", argv[optind - 1]);
      }
  if (cli_check_args (argv[0], argc - optind, 1, 1, "CONTAINER-ID"))
    return 1;
  struct rw_error *err = NULL;
  if (container_delete (&g->ro, argv[optind], force, &err) < 0)
    return cli_fail (&err);
  return 0;
}
