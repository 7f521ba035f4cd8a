/* Trips one limit, chosen by argv[1], so the suite can check each limit's message and exit
 * status: "spin" loops forever (--fuel, --timeout), "recurse N" recurses N calls deep and
 * prints "ok - recursed" if it got back (--max-wasm-stack), "grow" asks memory.grow for
 * 1000 pages and prints what it returned (--max-memory with --trap-on-grow-failure),
 * "count" runs a loop of known length and prints "ok - counted". */
#include <stdlib.h>
#include <string.h>

#include "check.h"

volatile int sink;

/* No locals in linear memory: the wasm value stack is what runs out, not the C stack. */
__attribute__ ((noinline)) static int recurse (int n)
{
  if (n == 0)
    return 0;
  int r = recurse (n - 1);
  sink = r;
  return r + 1;
}

int main (int argc, char **argv)
{
  const char *how = argc > 1 ? argv[1] : "";
  if (strcmp (how, "spin") == 0)
    for (;;)
      sink++;
  if (strcmp (how, "recurse") == 0)
    {
      int n = argc > 2 ? atoi (argv[2]) : 1000;
      CHECK_EQ (recurse (n), n, "recursed");
      return check_failures != 0;
    }
  if (strcmp (how, "grow") == 0)
    {
      out_str ("# memory.grow returned ");
      out_i64 ((int64_t) __builtin_wasm_memory_grow (0, 1000));
      out_str ("\n");
      return 0;
    }
  if (strcmp (how, "count") == 0)
    {
      for (int i = 0; i < 1000; i++)
        sink += i;
      out_str ("ok - counted\n");
      return 0;
    }
  return 2;
}
