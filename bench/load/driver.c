/* Load-time driver for the runwasm engine (links build/libwasm.a only).
 *
 *   driver compile FILE REPS       REPS lines "WALL_NS CPU_NS": wall time and process CPU
 *                                  time (all threads) of wasm_module_new (decode, validate,
 *                                  and translate/compile unless that is lazy), each followed
 *                                  by wasm_module_delete
 *   driver instantiate FILE REPS   compiles FILE once, then REPS lines "INST_NS CYCLE_NS":
 *                                  INST_NS is wasm_linker_instantiate alone, CYCLE_NS is
 *                                  wasm_store_new + wasm_linker_new + instantiate + deletes
 * FILE must have no imports for `instantiate`. Exit 70 with a message when the engine
 * rejects the module. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm/wasm.h"

static uint64_t now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint64_t cpu_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static uint8_t *read_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL || fseek (f, 0, SEEK_END) != 0) {
    if (f)
      fclose (f);
    return NULL;
  }
  long n = ftell (f);
  uint8_t *buf = n >= 0 ? malloc ((size_t) n + 1) : NULL;
  if (buf == NULL || fseek (f, 0, SEEK_SET) != 0 || fread (buf, 1, (size_t) n, f) != (size_t) n) {
    free (buf);
    fclose (f);
    return NULL;
  }
  fclose (f);
  *len = (size_t) n;
  return buf;
}

int main (int argc, char **argv)
{
  if (argc != 4 || (strcmp (argv[1], "compile") != 0 && strcmp (argv[1], "instantiate") != 0)) {
    fprintf (stderr, "usage: driver compile|instantiate FILE REPS\n");
    return 2;
  }
  int reps = atoi (argv[3]);
  size_t len = 0;
  uint8_t *bytes = read_file (argv[2], &len);
  if (bytes == NULL) {
    fprintf (stderr, "driver: read `%s`: %s\n", argv[2], strerror (errno));
    return 70;
  }
  wasm_error err = {0};

  if (strcmp (argv[1], "compile") == 0) {
    for (int i = 0; i < reps; i++) {
      uint64_t t0 = now_ns (), c0 = cpu_ns ();
      wasm_module *m = wasm_module_new (bytes, len, &err);
      uint64_t t1 = now_ns (), c1 = cpu_ns ();
      if (m == NULL) {
        fprintf (stderr, "driver: load `%s`: %s\n", argv[2], err.message);
        return 70;
      }
      wasm_module_delete (m);
      printf ("%llu %llu\n", (unsigned long long) (t1 - t0), (unsigned long long) (c1 - c0));
      fflush (stdout);
    }
    return 0;
  }

  wasm_module *m = wasm_module_new (bytes, len, &err);
  if (m == NULL) {
    fprintf (stderr, "driver: load `%s`: %s\n", argv[2], err.message);
    return 70;
  }
  for (int i = 0; i < reps; i++) {
    uint64_t t0 = now_ns ();
    wasm_store *store = wasm_store_new (NULL);
    wasm_linker *linker = wasm_linker_new (store);
    uint64_t t1 = now_ns ();
    wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
    uint64_t t2 = now_ns ();
    if (inst == NULL) {
      fprintf (stderr, "driver: instantiate `%s`: %s\n", argv[2], err.message);
      return 70;
    }
    wasm_linker_delete (linker);
    wasm_store_delete (store);
    uint64_t t3 = now_ns ();
    printf ("%llu %llu\n", (unsigned long long) (t2 - t1), (unsigned long long) (t3 - t0));
  }
  wasm_module_delete (m);
  free (bytes);
  return 0;
}
