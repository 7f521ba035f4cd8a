#include "cli/cli.h"
#include "cli/create_flags.h"

int cmd_run (struct cli_globals *g, int argc, char **argv)
{
  struct create_options o;
  bool detach = false;
  int r = create_flags_parse (argc, argv, &o, &detach);
  if (r)
    return r == 2 ? 0 : r;
  struct rw_error *err = NULL;
  int exit_code = 0;
  if (container_run (&g->ro, &o, detach, &exit_code, &err) < 0)
    {
      cli_fail (&err);
      /* The container ran: its status matters more than a cleanup problem. */
      return exit_code ? exit_code : 1;
    }
  return exit_code;
}
