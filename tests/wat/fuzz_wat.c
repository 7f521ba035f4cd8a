/* libFuzzer target for the text-format parser (`make wat-fuzz`): any input must give a
 * module or a "LINE:COL: message" error, without crashes, leaks or reads past the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wat/wat.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  uint8_t *out;
  size_t out_len;
  char err[256];
  int line, col;
  if (wat_to_wasm ((const char *) data, size, &out, &out_len, err, sizeof err) != 0
      && sscanf (err, "%d:%d: ", &line, &col) != 2)
    {
      fprintf (stderr, "error without a position: %s\n", err);
      abort ();
    }
  free (out);
  wat_looks_like_text (data, size);
  return 0;
}
