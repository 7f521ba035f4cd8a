#include <stdio.h>

#include "cli/cli.h"

int cmd_state (struct cli_globals *g, int argc, char **argv)
{
  const char *id = NULL;
  int r = cli_parse_id_only (argc, argv,
                             "Usage: runwasm state CONTAINER-ID\n\n"
                             "Prints the OCI state of a container as JSON.\n",
                             &id);
  if (r)
    return r == 2 ? 0 : r;
  struct rw_error *err = NULL;
  json_object *state = NULL;
  if (container_state (&g->ro, id, &state, &err) < 0)
    return cli_fail (&err);
  printf ("%s\n", json_object_to_json_string_ext (state, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (state);
  return 0;
}
