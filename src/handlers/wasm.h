/* The Wasm handlers: `wasm` runs the entrypoint in the built-in engine; `wasm-smart` does so
 * only when the entrypoint's content is Wasm and execs anything else natively. */
#ifndef RUNWASM_HANDLERS_WASM_H
#define RUNWASM_HANDLERS_WASM_H

#include "runtime/handler.h"

extern const struct handler wasm_handler;
extern const struct handler wasm_smart_handler;

#endif
