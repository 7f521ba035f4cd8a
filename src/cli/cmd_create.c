#include "cli/cli.h"
#include "cli/create_flags.h"

int cmd_create (struct cli_globals *g, int argc, char **argv)
{
  struct create_options o;
  int r = create_flags_parse (argc, argv, &o, NULL);
  if (r)
    return r == 2 ? 0 : r;
  struct rw_error *err = NULL;
  if (container_create (&g->ro, &o, &err) < 0)
    return cli_fail (&err);
  return 0;
}
