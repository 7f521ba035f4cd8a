#ifndef RUNWASM_CLI_CMD_WASM_LINK_H
#define RUNWASM_CLI_CMD_WASM_LINK_H
/* What `runwasm wasm` links besides WASI: --preload modules and, on request, stand-ins for
 * imports nothing provides. */
#include "cli/cmd_wasm_options.h"
#include "wasm/wasm.h"

/* Define every function import of `module` that the linker lacks: as a function that traps
 * when called (UNKNOWN_IMPORTS_TRAP) or returns zeros (UNKNOWN_IMPORTS_DEFAULT). The trap
 * messages live in *messages, which the caller frees after the store. */
int wasm_define_unknown_imports (wasm_linker *linker, const wasm_module *module, enum unknown_imports how,
                                 char **messages, struct rw_error **err);

/* Load and instantiate each --preload module in order (each may import from the ones
 * before), call its _initialize if it has one, and make its exports importable under its
 * NAME. The modules go to modules[] (npreloads of them), for the caller to delete. */
int wasm_link_preloads (wasm_linker *linker, const struct wasm_preload *preloads, size_t n,
                        wasm_module **modules, int backtrace, struct rw_error **err);

#endif
