#include "cli/cli.h"

int cmd_start (struct cli_globals *g, int argc, char **argv)
{
  const char *id = NULL;
  int r = cli_parse_id_only (argc, argv,
                             "Usage: runwasm start CONTAINER-ID\n\n"
                             "Starts the process of a created container.\n",
                             &id);
  if (r)
    return r == 2 ? 0 : r;
  struct rw_error *err = NULL;
  if (container_start (&g->ro, id, &err) < 0)
    return cli_fail (&err);
  return 0;
}
