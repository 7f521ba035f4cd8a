/* Placeholder until the text-format parser lands: says so instead of failing silently. */
#include "wat/wat.h"

#include <stdio.h>

int wat_to_wasm (const char *text, size_t len, uint8_t **out, size_t *out_len,
                 char *errbuf, size_t errbuf_len)
{
  snprintf (errbuf, errbuf_len, "1:1: the WebAssembly text format is not supported in this build yet");
  return -1;
}

int wat_looks_like_text (const uint8_t *bytes, size_t len)
{
  return 0;
}
