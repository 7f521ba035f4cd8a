/* The Wasm handlers: `wasm` runs the entrypoint in the built-in engine; `wasm-smart` does so
 * only when the entrypoint's content is Wasm and execs anything else natively. */
#ifndef RUNWASM_HANDLERS_WASM_H
#define RUNWASM_HANDLERS_WASM_H

#include "runtime/handler.h"
#include "wasm/wasm.h"

extern const struct handler wasm_handler;
extern const struct handler wasm_smart_handler;

/* Read a .wasm binary or .wat text file and compile it (errors name the file). */
int wasm_handler_load_module (const char *path, wasm_module **out, struct rw_error **err);

#endif
