#include <stdio.h>
#include <string.h>

#include "cli/cmd_wasm.h"

int main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "wasm") == 0)
    return cmd_wasm (argc - 1, argv + 1);
  fprintf (stderr, "runwasm: no command given\n");
  return 1;
}
