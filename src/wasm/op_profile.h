/* Counters of the developer op profiler (see op_profile.c); compiled only with
 * -DRUNWASM_OP_PROFILE. */
#ifndef RUNWASM_WASM_OP_PROFILE_H
#define RUNWASM_WASM_OP_PROFILE_H

#include <stdint.h>

#include "wasm/ops.h"

extern uint64_t op_profile_ops[OP_COUNT];
extern uint64_t op_profile_pairs[OP_COUNT][OP_COUNT];
void op_profile_func (uint32_t index, uint32_t n);

#endif
