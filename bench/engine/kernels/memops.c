/* memcpy/memmove/memset/memcmp-heavy loop over buffers of varied sizes and alignments. */
#include "common.h"

#define BUF (1u << 22)
static uint8_t src[BUF], dst[BUF];

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 2400);
  uint32_t seed = 4242;
  for (uint32_t i = 0; i < BUF; i++)
    src[i] = (uint8_t) bench_rand (&seed);
  uint32_t check = 0;
  for (int32_t r = 0; r < reps; r++) {
    /* A few large block copies and fills... */
    memcpy (dst, src + (r & 63), BUF / 2);
    memset (dst + BUF / 2, (uint8_t) r, BUF / 4);
    memmove (dst + 1 + (r & 15), dst, BUF / 8); /* overlapping, forwards */
    /* ...and many small ones of varied sizes and offsets. */
    for (uint32_t k = 0; k < 2048; k++) {
      uint32_t len = bench_rand (&seed) % 512;
      uint32_t from = bench_rand (&seed) % (BUF - 512);
      uint32_t to = bench_rand (&seed) % (BUF - 512);
      memcpy (dst + to, src + from, len);
      if (k & 1)
        memset (dst + from, (uint8_t) k, len / 2);
    }
    int c = memcmp (dst, src, BUF / 2 + 100); /* only the sign is portable */
    check = check * 31 + (uint32_t) ((c > 0) - (c < 0)) + dst[(uint32_t) r * 7919 % BUF];
    for (uint32_t i = 0; i < BUF; i += 4093)
      check += dst[i];
  }
  printf ("memops checksum %u\n", check);
  return 0;
}
