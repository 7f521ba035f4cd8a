/* Table-driven CRC-32 (IEEE) plus Adler-32: byte loads, table lookups, modulo. */
#include "common.h"

static uint32_t table[256];

static void crc_init (void)
{
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32 (uint32_t crc, const uint8_t *p, uint32_t n)
{
  crc = ~crc;
  for (uint32_t i = 0; i < n; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static uint32_t adler32 (uint32_t adler, const uint8_t *p, uint32_t n)
{
  uint32_t a = adler & 0xffff, b = adler >> 16;
  while (n) {
    uint32_t chunk = n < 5552 ? n : 5552;
    n -= chunk;
    while (chunk--) {
      a += *p++;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return b << 16 | a;
}

#define BUF (1u << 20)
static uint8_t buf[BUF];

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 160);
  crc_init ();
  if (crc32 (0, (const uint8_t *) "123456789", 9) != 0xcbf43926u) {
    printf ("crc32 self-test FAILED\n");
    return 1;
  }
  uint32_t seed = 99;
  for (uint32_t i = 0; i < BUF; i++)
    buf[i] = (uint8_t) bench_rand (&seed);
  uint32_t crc = 0, adler = 1;
  for (int32_t r = 0; r < reps; r++) {
    crc = crc32 (crc, buf, BUF);
    adler = adler32 (adler, buf, BUF);
    buf[(uint32_t) r * 4099 % BUF] ^= (uint8_t) crc;
  }
  printf ("crc32 checksum %08x %08x\n", crc, adler);
  return 0;
}
