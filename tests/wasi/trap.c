/* Writes a line, then traps: the runtime must say why on stderr and exit with 134. */
#include "check.h"

int main (void)
{
  out_str ("before the trap\n");
  __builtin_trap ();
}
