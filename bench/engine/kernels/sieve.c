/* Sieve of Eratosthenes over a byte array: tight loops, byte loads/stores, strided writes. */
#include "common.h"

#define LIMIT (4u << 20)
static uint8_t composite[LIMIT];

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 40);
  uint32_t total = 0;
  for (int32_t r = 0; r < reps; r++) {
    uint32_t limit = LIMIT - (uint32_t) r * 1024;
    memset (composite, 0, limit);
    uint32_t count = 0;
    for (uint32_t i = 2; i < limit; i++) {
      if (composite[i])
        continue;
      count++;
      for (uint64_t j = (uint64_t) i * i; j < limit; j += i)
        composite[j] = 1;
    }
    total = total * 31 + count;
  }
  printf ("sieve checksum %u\n", total);
  return 0;
}
