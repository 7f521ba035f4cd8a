#include "cli/cli.h"

static int pause_or_resume (struct cli_globals *g, int argc, char **argv, bool pause, const char *help)
{
  const char *id = NULL;
  int r = cli_parse_id_only (argc, argv, help, &id);
  if (r)
    return r == 2 ? 0 : r;
  struct rw_error *err = NULL;
  if (container_pause (&g->ro, id, pause, &err) < 0)
    return cli_fail (&err);
  return 0;
}

int cmd_pause (struct cli_globals *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, true,
                          "Usage: runwasm pause CONTAINER-ID\n\nFreezes every process of the container (cgroup freezer).\n");
}

int cmd_resume (struct cli_globals *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, false, "Usage: runwasm resume CONTAINER-ID\n\nThaws a paused container.\n");
}
