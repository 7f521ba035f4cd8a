/* Bounds-checked reading of the binary format (LEB128, bytes, names). Every reader failure
 * is a "malformed" error naming the file offset. */
#ifndef RUNWASM_WASM_READER_H
#define RUNWASM_WASM_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasm/internal.h"

typedef struct reader {
  const uint8_t *p, *end;
  const uint8_t *file_start; /* to report offsets in the whole file */
  wasm_error *err;
} reader;

static inline size_t reader_offset (const reader *r) { return (size_t) (r->p - r->file_start); }

#define MALFORMED(r, msg)                                                                   \
  module_error ((r)->err, WASM_ERR_MALFORMED, "malformed: %s at offset 0x%zx", (msg),       \
                reader_offset (r))

static inline int read_u8 (reader *r, uint8_t *out)
{
  *out = 0;
  if (r->p >= r->end)
    return MALFORMED (r, "unexpected end");
  *out = *r->p++;
  return 0;
}

/* Unsigned LEB128 of at most `bits` bits. */
static inline int read_uleb (reader *r, unsigned bits, uint64_t *out)
{
  uint64_t result = 0;
  unsigned shift = 0;
  *out = 0;
  for (;;)
    {
      if (r->p >= r->end)
        return MALFORMED (r, "unexpected end");
      uint8_t b = *r->p++;
      if (shift + 7 >= bits && (b & 0x80))
        return MALFORMED (r, "integer representation too long");
      if (shift + 7 > bits && (b >> (bits - shift)) != 0)
        return MALFORMED (r, "integer too large");
      result |= (uint64_t) (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80))
        break;
    }
  *out = result;
  return 0;
}

static inline int read_sleb (reader *r, unsigned bits, int64_t *out)
{
  uint64_t result = 0;
  unsigned shift = 0;
  uint8_t b;
  *out = 0;
  for (;;)
    {
      if (r->p >= r->end)
        return MALFORMED (r, "unexpected end");
      b = *r->p++;
      if (shift + 7 >= bits && (b & 0x80))
        return MALFORMED (r, "integer representation too long");
      if (shift + 7 > bits)
        {
          /* The unused bits of the last byte must all equal the sign bit. */
          unsigned used = bits - shift;
          unsigned high = (b & 0x7fu) >> (used - 1);
          if (high != 0 && high != (0x7fu >> (used - 1)))
            return MALFORMED (r, "integer too large");
        }
      result |= (uint64_t) (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80))
        break;
    }
  if (shift < 64 && (b & 0x40))
    result |= ~(uint64_t) 0 << shift;
  *out = (int64_t) result;
  return 0;
}

static inline int read_u32 (reader *r, uint32_t *out)
{
  uint64_t v = 0;
  *out = 0;
  if (read_uleb (r, 32, &v) < 0)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

static inline int read_bytes (reader *r, size_t n, const uint8_t **out)
{
  *out = NULL;
  if ((size_t) (r->end - r->p) < n)
    return MALFORMED (r, "unexpected end");
  *out = r->p;
  r->p += n;
  return 0;
}

#endif
