/* The flags `create` and `run` share. */
#ifndef RUNWASM_CLI_CREATE_FLAGS_H
#define RUNWASM_CLI_CREATE_FLAGS_H

#include "runtime/lifecycle.h"

/* Parses argv (argv[0] is the command) into *o; `detach` is NULL for `create`. Returns 0,
 * 1 after a usage error, or 2 when --help was printed. */
int create_flags_parse (int argc, char **argv, struct create_options *o, bool *detach);

#endif
