/* Test driver for the text-format parser: converts each FILE to FILE.wasm, or writes the
 * error to FILE.err. One process for many modules keeps the spec check fast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wat/wat.h"

static char *read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc (cap);
  size_t got;
  while (buf && (got = fread (buf + n, 1, cap - n, f)) > 0)
    {
      n += got;
      if (n == cap)
        buf = realloc (buf, cap *= 2);
    }
  fclose (f);
  *len = n;
  return buf;
}

static int write_file (const char *path, const void *data, size_t len)
{
  FILE *f = fopen (path, "wb");
  if (!f)
    return -1;
  size_t put = fwrite (data, 1, len, f);
  return fclose (f) == 0 && put == len ? 0 : -1;
}

int main (int argc, char **argv)
{
  int status = 0;
  for (int i = 1; i < argc; i++)
    {
      size_t len;
      char *text = read_file (argv[i], &len);
      if (!text)
        {
          perror (argv[i]);
          return 2;
        }
      uint8_t *wasm;
      size_t wasm_len;
      char err[512], out_path[4096];
      if (wat_to_wasm (text, len, &wasm, &wasm_len, err, sizeof err) == 0)
        {
          snprintf (out_path, sizeof out_path, "%s.wasm", argv[i]);
          status |= write_file (out_path, wasm, wasm_len);
          free (wasm);
        }
      else
        {
          snprintf (out_path, sizeof out_path, "%s.err", argv[i]);
          status |= write_file (out_path, err, strlen (err));
        }
      free (text);
    }
  return status ? 1 : 0;
}
