/* Loading a module from a file: a .wasm binary, or WebAssembly text (.wat) assembled first.
 * Shared by the container handler and `runwasm wasm`. */
#ifndef RUNWASM_HANDLERS_MODULE_FILE_H
#define RUNWASM_HANDLERS_MODULE_FILE_H

#include "common/error.h"
#include "wasm/wasm.h"

/* Errors name the file: "`/app.wasm`: malformed: ...", "/x.wat:3:7: unknown operator". */
int module_file_load (const char *path, wasm_module **out, struct rw_error **err);

#endif
