#ifndef RUNWASM_CLI_CMD_WASM_H
#define RUNWASM_CLI_CMD_WASM_H
/* `runwasm wasm [OPTIONS] FILE [ARGS...]`: run a module outside containers.
 * argv[0] is "wasm"; global flags are already consumed. Returns the process exit status. */
int cmd_wasm (int argc, char **argv);
#endif
