/* Shared helpers for the engine kernels. Every kernel is a plain C program built twice
 * (gcc -O2 native, clang --target=wasm32-wasi -O2) and prints one line
 * "<kernel> checksum <value>" that must be identical on every engine.
 * Only fixed-width integer types are used: `long` and `size_t` differ between wasm32 and x86-64. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Optional argv[1] scales the work (repetitions); the default is sized for ~0.3-2 s native. */
static inline int32_t bench_scale (int argc, char **argv, int32_t def)
{
  if (argc > 1) {
    int32_t v = (int32_t) atoi (argv[1]);
    if (v > 0)
      return v;
  }
  return def;
}

/* xorshift32: a deterministic generator identical on every target. */
static inline uint32_t bench_rand (uint32_t *state)
{
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}
#endif
