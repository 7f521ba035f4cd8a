/* Size of the compiler's machine code against the module's code section and the
 * interpreter's register code, per module:
 *
 *   make build/bench/code-size && build/bench/code-size build/bench/engine/fib.wasm ...
 *
 * Uses the engine's internals (the sizes are not part of the public API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/internal.h"
#include "wasm/jit/jit.h"

/* Bytes of the code section (id 10) of a binary module; 0 if it has none. */
static size_t code_section_size (const uint8_t *p, size_t n)
{
  size_t off = 8;
  while (off < n)
    {
      uint8_t id = p[off++], c;
      uint64_t size = 0;
      int shift = 0;
      do
        {
          c = off < n ? p[off++] : 0;
          size |= (uint64_t) (c & 0x7f) << shift;
          shift += 7;
        }
      while ((c & 0x80) && shift < 64);
      if (id == 10)
        return size;
      off += size;
    }
  return 0;
}

int main (int argc, char **argv)
{
  if (wasm_engine_select (WASM_ENGINE_JIT) < 0)
    {
      fprintf (stderr, "code-size: the compiler is not available on this machine\n");
      return 1;
    }
  printf ("%-24s %12s %14s %13s %9s\n", "module", "code section", "register code", "machine code", "x section");
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
      rewind (f);
      uint8_t *p = malloc ((size_t) n);
      if (!p || fread (p, 1, (size_t) n, f) != (size_t) n)
        return 1;
      fclose (f);
      wasm_error err;
      wasm_module *m = wasm_module_new (p, (size_t) n, &err);
      if (!m)
        {
          fprintf (stderr, "%s: %s\n", argv[i], err.message);
          return 1;
        }
      size_t words = 0, section = code_section_size (p, (size_t) n), machine = m->jit ? m->jit->code_size : 0;
      for (uint32_t k = 0; k < m->nfuncs - m->nimported_funcs; k++)
        words += m->codes[k].nwords;
      const char *name = strrchr (argv[i], '/') ? strrchr (argv[i], '/') + 1 : argv[i];
      printf ("%-24s %12zu %14zu %13zu %8.2fx\n", name, section, words * 4, machine,
              section ? (double) machine / (double) section : 0.0);
      wasm_module_delete (m);
      free (p);
    }
  return 0;
}
