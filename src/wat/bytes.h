/* Growable byte buffer with the LEB128 encodings the binary format uses. */
#ifndef RUNWASM_WAT_BYTES_H
#define RUNWASM_WAT_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct wat_bytes {
  uint8_t *data;
  size_t len, cap;
} wat_bytes;

void bytes_put (wat_bytes *b, const void *src, size_t n);
void bytes_byte (wat_bytes *b, uint8_t v);
void bytes_u32 (wat_bytes *b, uint32_t v);  /* unsigned LEB128, minimal length */
void bytes_s64 (wat_bytes *b, int64_t v);   /* signed LEB128, minimal length */
void bytes_vec (wat_bytes *b, const wat_bytes *content); /* length-prefixed copy */
void bytes_free (wat_bytes *b);

#endif
