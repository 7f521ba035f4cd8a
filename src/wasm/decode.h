/* Binary decoding entry points shared by the module loader and the translator. */
#ifndef RUNWASM_WASM_DECODE_H
#define RUNWASM_WASM_DECODE_H

#include "wasm/internal.h"
#include "wasm/reader.h"

/* Decode and validate a whole module into *m (zeroed by the caller). */
int module_decode (wasm_module *m, const uint8_t *bytes, size_t len, wasm_error *err);
int read_valtype (reader *r, wasm_valtype *out);
int read_const_expr (reader *r, wasm_module *m, wasm_valtype want, uint32_t nglobals_visible, const_expr *out);
/* Fill the slot layout and hash of a type whose params/results are set. */
void functype_finish (functype_t *t);

#endif
