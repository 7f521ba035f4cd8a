/* WebAssembly text format -> binary module. */
#ifndef RUNWASM_WAT_H
#define RUNWASM_WAT_H

#include <stddef.h>
#include <stdint.h>

/* Parse one module in text format (a `(module ...)` form, or module fields without the
 * wrapper) and encode it as a binary module. On success returns 0 and *out (malloc'd,
 * caller frees) / *out_len. On failure returns -1 and writes "LINE:COL: message" to errbuf. */
int wat_to_wasm (const char *text, size_t len, uint8_t **out, size_t *out_len,
                 char *errbuf, size_t errbuf_len);

/* True if these bytes look like WebAssembly text rather than binary or another format:
 * used to decide whether an entrypoint is a Wasm module. */
int wat_looks_like_text (const uint8_t *bytes, size_t len);

#endif
