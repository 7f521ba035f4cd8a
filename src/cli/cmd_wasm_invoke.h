/* `runwasm wasm --invoke NAME`: call one export with arguments taken from the command line. */
#ifndef RUNWASM_CLI_CMD_WASM_INVOKE_H
#define RUNWASM_CLI_CMD_WASM_INVOKE_H

#include <stdio.h>

#include "common/error.h"
#include "wasm/wasm.h"

/* Parse argv (one string per parameter, by the function's parameter types), call func and
 * print each result on its own line to out. A trap fills *trap and returns 1; bad arguments
 * or a non-function export fail with *err (-1). */
int cmd_wasm_invoke (wasm_func *func, const char *name, char **argv, int argc, FILE *out, wasm_trap *trap,
                     struct rw_error **err);

#endif
