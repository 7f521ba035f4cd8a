/* The native handler: execve the process' args[0], found through PATH like execvp. */
#ifndef RUNWASM_HANDLERS_NATIVE_H
#define RUNWASM_HANDLERS_NATIVE_H

#include "runtime/handler.h"

extern const struct handler native_handler;

#endif
