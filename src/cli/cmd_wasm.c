#include "cli/cmd_wasm.h"

#include <stdio.h>

int cmd_wasm (int argc, char **argv)
{
  fprintf (stderr, "runwasm wasm: not supported in this build yet\n");
  return 1;
}
