/* Byte buffer and LEB128. Allocation failure aborts: the parser has no use for a half-built
 * module, and text inputs are small. */
#include "wat/bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bytes_reserve (wat_bytes *b, size_t extra)
{
  if (b->len + extra <= b->cap)
    return;
  size_t cap = b->cap ? b->cap * 2 : 64;
  while (cap < b->len + extra)
    cap *= 2;
  uint8_t *data = realloc (b->data, cap);
  if (!data)
    {
      fputs ("wat: out of memory\n", stderr);
      abort ();
    }
  b->data = data;
  b->cap = cap;
}

void bytes_put (wat_bytes *b, const void *src, size_t n)
{
  if (n == 0)
    return;
  bytes_reserve (b, n);
  memcpy (b->data + b->len, src, n);
  b->len += n;
}

void bytes_byte (wat_bytes *b, uint8_t v)
{
  bytes_put (b, &v, 1);
}

void bytes_u32 (wat_bytes *b, uint32_t v)
{
  do
    {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      bytes_byte (b, byte | (v ? 0x80 : 0));
    }
  while (v);
}

void bytes_s64 (wat_bytes *b, int64_t v)
{
  for (;;)
    {
      uint8_t byte = v & 0x7f;
      v >>= 7; /* arithmetic shift: GNU C guarantees it for signed types */
      int done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
      bytes_byte (b, byte | (done ? 0 : 0x80));
      if (done)
        return;
    }
}

void bytes_vec (wat_bytes *b, const wat_bytes *content)
{
  bytes_u32 (b, (uint32_t) content->len);
  bytes_put (b, content->data, content->len);
}

void bytes_free (wat_bytes *b)
{
  free (b->data);
  *b = (wat_bytes) { 0 };
}
