/* Code kept per module, against its code section, loading eagerly and lazily:
 *
 *   make build/bench/code-size && build/bench/code-size build/bench/engine/fib.wasm ...
 *
 * Eager: the interpreter's register code (with its backtrace offsets) and the compiler's
 * machine code of every function, made while loading; a compiled module keeps both. Lazy:
 * the module runs once (its WASI `_start`, output to /dev/null) with the compiler, then
 * counts what exists: the machine code of the functions that ran (with the entry stubs of
 * all; their register code was temporary), the register code the interpreter makes for the
 * same functions, and the copy of the code section a lazy module keeps to translate from.
 * A module without `_start` is counted as loaded. Uses the engine's internals (the sizes are not part
 * of the public API). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi/wasi.h"
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

/* Run the module's _start under WASI with no arguments, output discarded. */
static int run (wasm_module *m, const char *path)
{
  int devnull = open ("/dev/null", O_RDWR);
  const char *argv[] = { path };
  struct wasi_config cfg = { .argv = argv, .argc = 1, .stdio = { devnull, devnull, devnull } };
  struct wasi_ctx *ctx = NULL;
  struct rw_error *err = NULL;
  wasm_error werr;
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_instance *inst = NULL;
  struct wasi_run_result result;
  int rc = -1;
  if (wasi_ctx_new (&cfg, &ctx, &err) == 0 && wasi_define_imports (ctx, linker, &err) == 0
      && (inst = wasm_linker_instantiate (linker, m, &werr)) && wasi_run_start (inst, &result, &err) == 0)
    rc = result.exit_status;
  if (err)
    fprintf (stderr, "%s: %s\n", path, err->msg);
  rw_error_free (&err);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasi_ctx_free (ctx);
  close (devnull);
  return rc;
}

static wasm_module *load (const uint8_t *p, size_t n, wasm_compile_time when, const char *path)
{
  wasm_error err;
  wasm_compile_select (when);
  wasm_module *m = wasm_module_new (p, n, &err);
  if (!m)
    fprintf (stderr, "%s: %s\n", path, err.message);
  return m;
}

static size_t register_bytes (const code_t *code) { return code->nwords * 4 + code->offsets_len; }

int main (int argc, char **argv)
{
  if (wasm_engine_select (WASM_ENGINE_JIT) < 0)
    {
      fprintf (stderr, "code-size: the compiler is not available on this machine\n");
      return 1;
    }
  printf ("%-16s %8s | %-30s | %-44s\n", "", "", "eager, x section", "lazy after one run, x section");
  printf ("%-16s %8s | %8s %8s %12s | %7s %8s %12s %8s %12s\n", "module", "section", "register", "machine",
          "jit: both", "called", "machine", "jit: +copy", "register", "interp: +copy");
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
      wasm_module *eager = load (p, (size_t) n, WASM_COMPILE_EAGER, argv[i]);
      wasm_module *lazy = load (p, (size_t) n, WASM_COMPILE_LAZY, argv[i]);
      if (!eager || !lazy)
        return 1;
      if (run (lazy, argv[i]) < 0)
        fprintf (stderr, "%s: counted without running it\n", argv[i]); /* e.g. no _start */
      size_t section = code_section_size (p, (size_t) n), words = 0, called_words = 0;
      uint32_t ndefined = eager->nfuncs - eager->nimported_funcs, called = lazy->jit ? lazy->jit->nplaced : 0;
      for (uint32_t k = 0; k < ndefined; k++)
        words += register_bytes (&eager->codes[k]);
      for (uint32_t k = 0; k < called; k++)
        called_words += register_bytes (&eager->codes[lazy->jit->placed_func[k]]);
      size_t machine = eager->jit ? eager->jit->code_size : 0;
      size_t lazy_machine = lazy->jit ? lazy->jit->code_size + lazy->jit->entry_bytes : 0;
      double sec = section ? (double) section : 1.0;
      const char *name = strrchr (argv[i], '/') ? strrchr (argv[i], '/') + 1 : argv[i];
      double copy = (double) lazy->code_bytes_len / sec;
      printf ("%-16s %8zu | %7.2fx %7.2fx %11.2fx | %3u/%-3u %7.2fx %11.2fx %7.2fx %12.2fx\n", name, section,
              (double) words / sec, (double) machine / sec, (double) (words + machine) / sec, called, ndefined,
              (double) lazy_machine / sec, (double) lazy_machine / sec + copy, (double) called_words / sec,
              (double) called_words / sec + copy);
      wasm_module_delete (eager);
      wasm_module_delete (lazy);
      free (p);
    }
  return 0;
}
