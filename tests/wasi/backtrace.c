/* Traps three calls deep (crash <- middle <- main), in a way chosen by argv[1], so the suite
 * can match the wasm backtrace line by line: "unreachable" traps in the interpreter loop,
 * "memory" through an out-of-bounds load (a guard-page fault when memory is reserved),
 * "indirect" in a call through a null table entry. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

volatile int sink;
void (*volatile null_fn) (void);

__attribute__ ((noinline)) static void crash (const char *how)
{
  if (strcmp (how, "memory") == 0)
    sink = *(volatile int *) 0xfffffff0u;
  else if (strcmp (how, "indirect") == 0)
    null_fn ();
  __builtin_trap ();
}

__attribute__ ((noinline)) static void middle (const char *how)
{
  crash (how);
  sink++;
}

int main (int argc, char **argv)
{
  middle (argc > 1 ? argv[1] : "unreachable");
  return 0;
}
