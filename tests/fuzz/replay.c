/* Runs the fuzz target once per file named on the command line (no libFuzzer needed): how
 * tests/suites/20-wasm.sh replays tests/fuzz/regressions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      FILE *f = fopen (argv[i], "rb");
      if (!f)
        {
          perror (argv[i]);
          return 1;
        }
      fseek (f, 0, SEEK_END);
      long n = ftell (f);
      fseek (f, 0, SEEK_SET);
      uint8_t *buf = malloc (n ? n : 1);
      size_t got = fread (buf, 1, n, f);
      fclose (f);
      LLVMFuzzerTestOneInput (buf, got);
      free (buf);
      printf ("ok %d - %s\n", i, argv[i]);
      fflush (stdout);
    }
  return 0;
}
