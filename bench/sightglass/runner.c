/* Sightglass host for the runwasm engine: runs one WASI preview1 command module whose
 * imports include bench.start and bench.end ([] -> []), and reports the interval between them.
 *
 *   runner [--dir DIR] [--bench-time FILE] MODULE [ARGS...]
 *
 * --dir DIR          run with DIR as the current directory, preopened in WASI as "."
 * --bench-time FILE  write the nanoseconds between bench.start and bench.end to FILE
 *                    (line 1), then "load_ns N", "instantiate_ns N", "run_ns N"
 * Exit status: the module's (proc_exit code, 0, or 134 on a trap); 70 when the module cannot
 * be loaded or linked (the message says why, e.g. an unsupported SIMD op); 3 when
 * bench.start/bench.end were not each called exactly once; 2 on a usage error.
 * Same command line as bench/wasi-run.mjs, so bench/sightglass/run drives both alike.
 * Built by bench/sightglass/run from this file, src/common/error.c, build/libwasi.a and
 * build/libwasm.a. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "wasi/wasi.h"
#include "wasm/wasm.h"

struct bench_clock {
  uint64_t start_ns, end_ns;
  int starts, ends;
};

static uint64_t now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int bench_start (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  struct bench_clock *c = env;
  c->starts++;
  c->start_ns = now_ns ();
  return 0;
}

static int bench_end (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  struct bench_clock *c = env;
  c->end_ns = now_ns ();
  c->ends++;
  return 0;
}

static uint8_t *read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 1 << 20;
      uint8_t *nb = realloc (buf, cap);
      if (nb == NULL) {
        free (buf);
        fclose (f);
        errno = ENOMEM;
        return NULL;
      }
      buf = nb;
    }
    size_t got = fread (buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  int failed = ferror (f);
  fclose (f);
  if (failed) {
    free (buf);
    errno = EIO;
    return NULL;
  }
  *len = n;
  return buf;
}

static int usage (void)
{
  fprintf (stderr, "usage: runner [--dir DIR] [--bench-time FILE] MODULE [ARGS...]\n");
  return 2;
}

int main (int argc, char **argv)
{
  const char *dir = NULL, *time_file = NULL;
  int i = 1;
  for (; i < argc && strncmp (argv[i], "--", 2) == 0; i++) {
    if (strcmp (argv[i], "--dir") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp (argv[i], "--bench-time") == 0 && i + 1 < argc)
      time_file = argv[++i];
    else
      return usage ();
  }
  if (i >= argc)
    return usage ();
  const char *path = argv[i];

  size_t len = 0;
  uint8_t *bytes = read_file (path, &len);
  if (bytes == NULL) {
    fprintf (stderr, "runner: read `%s`: %s\n", path, strerror (errno));
    return 70;
  }
  if (dir != NULL && chdir (dir) < 0) {
    fprintf (stderr, "runner: chdir `%s`: %s\n", dir, strerror (errno));
    return 70;
  }

  uint64_t t0 = now_ns ();
  wasm_error werr = {0};
  wasm_module *module = wasm_module_new (bytes, len, &werr);
  free (bytes);
  if (module == NULL) {
    fprintf (stderr, "runner: load `%s`: %s\n", path, werr.message);
    return 70;
  }
  uint64_t t1 = now_ns ();

  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  struct bench_clock clock = {0};
  const wasm_functype nullary = {0, 0, NULL, NULL};
  if (wasm_linker_define_func (linker, "bench", "start", &nullary, bench_start, &clock) < 0
      || wasm_linker_define_func (linker, "bench", "end", &nullary, bench_end, &clock) < 0) {
    fprintf (stderr, "runner: cannot define bench.start/bench.end\n");
    return 70;
  }

  const char *base = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;
  size_t nargs = (size_t) (argc - i);
  const char **gargv = calloc (nargs, sizeof *gargv);
  if (gargv == NULL)
    return 70;
  gargv[0] = base;
  for (size_t k = 1; k < nargs; k++)
    gargv[k] = argv[i + (int) k];
  const struct wasi_preopen cwd = {.host_path = ".", .host_fd = -1, .guest_path = "."};
  struct wasi_config cfg = {
    .argv = gargv,
    .argc = nargs,
    .env = NULL,
    .envc = 0,
    .preopens = &cwd,
    .npreopens = 1,
    .stdio = {0, 1, 2},
  };
  struct rw_error *err = NULL;
  struct wasi_ctx *ctx = NULL;
  if (wasi_ctx_new (&cfg, &ctx, &err) < 0 || wasi_define_imports (ctx, linker, &err) < 0) {
    fprintf (stderr, "runner: wasi: %s\n", err ? err->msg : "?");
    return 70;
  }
  wasm_instance *instance = wasm_linker_instantiate (linker, module, &werr);
  if (instance == NULL) {
    fprintf (stderr, "runner: instantiate `%s`: %s\n", path, werr.message);
    return 70;
  }
  uint64_t t2 = now_ns ();
  struct wasi_run_result result = {0};
  if (wasi_run_start (instance, &result, &err) < 0) {
    fprintf (stderr, "runner: %s\n", err ? err->msg : "cannot run _start");
    return 70;
  }
  uint64_t t3 = now_ns ();
  if (result.trapped)
    fprintf (stderr, "runner: trap: %s\n", result.trap.message);

  int status = result.exit_status;
  if (time_file != NULL) {
    if (clock.starts != 1 || clock.ends != 1 || clock.end_ns < clock.start_ns) {
      fprintf (stderr, "runner: bench.start called %d times, bench.end %d times\n", clock.starts, clock.ends);
      if (status == 0)
        status = 3;
    } else {
      FILE *f = fopen (time_file, "w");
      if (f == NULL || fprintf (f, "%llu\nload_ns %llu\ninstantiate_ns %llu\nrun_ns %llu\n",
                                (unsigned long long) (clock.end_ns - clock.start_ns),
                                (unsigned long long) (t1 - t0), (unsigned long long) (t2 - t1),
                                (unsigned long long) (t3 - t2)) < 0 || fclose (f) != 0) {
        fprintf (stderr, "runner: write `%s`: %s\n", time_file, strerror (errno));
        return 70;
      }
    }
  }
  /* Teardown is left to process exit: it is not part of what Sightglass measures. */
  return status;
}
