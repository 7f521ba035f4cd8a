/* A long-running WASI service for docs/kubernetes/deployment-sidecar.yaml: prints a line every
 * INTERVAL seconds (default 5) until stopped, or TICKS lines if TICKS is set. Build with
 * `clang-19 --target=wasm32-wasi -O2 ticker.c -o ticker.wasm`. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main (void)
{
  const char *interval = getenv ("INTERVAL"), *ticks = getenv ("TICKS");
  unsigned seconds = interval ? (unsigned) atoi (interval) : 5;
  long limit = ticks ? atol (ticks) : -1;
  for (long n = 1; limit < 0 || n <= limit; n++)
    {
      printf ("wasm-ticker: tick %ld\n", n);
      fflush (stdout);
      if (limit < 0 || n < limit)
        sleep (seconds);
    }
  return 0;
}
