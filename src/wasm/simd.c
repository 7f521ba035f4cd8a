/* The SIMD op table: what the decoder and validator need to know about each 0xFD sub-opcode,
 * built from the single op list in simd_ops.def, which also declares the op functions
 * (simd_ops.h). The semantics live by concern in simd_int.c, simd_float.c,
 * simd_convert.c, simd_lane.c, simd_bitwise.c and simd_memory.c.
 *
 * Adding an op is one line in simd_ops.def plus its function. The tests hold the table to
 * independent sources: simd_wabt_test (names, opcodes, types, immediates via wat2wasm and
 * wasm-objdump), simd_spec_test (the spec suite's assertions), simd_reference_test (results
 * of wabt's interpreter and V8 on random and edge-case operands). */
#include "wasm/simd.h"

#include <stddef.h>

#include "wasm/simd_ops.h"

/* Stack effects, named as in simd_ops.def: result letters, "_", operand letters. Operands
 * are listed deepest first. */
#define RESULT(type) .nresults = 1, .result = WASM_##type
#define SIG_V_     .nparams = 0, RESULT (V128)
#define SIG_V_V    .nparams = 1, .params = { WASM_V128 }, RESULT (V128)
#define SIG_V_VV   .nparams = 2, .params = { WASM_V128, WASM_V128 }, RESULT (V128)
#define SIG_V_VVV  .nparams = 3, .params = { WASM_V128, WASM_V128, WASM_V128 }, RESULT (V128)
#define SIG_V_I    .nparams = 1, .params = { WASM_I32 }, RESULT (V128)
#define SIG_V_L    .nparams = 1, .params = { WASM_I64 }, RESULT (V128)
#define SIG_V_F    .nparams = 1, .params = { WASM_F32 }, RESULT (V128)
#define SIG_V_D    .nparams = 1, .params = { WASM_F64 }, RESULT (V128)
#define SIG_I_V    .nparams = 1, .params = { WASM_V128 }, RESULT (I32)
#define SIG_L_V    .nparams = 1, .params = { WASM_V128 }, RESULT (I64)
#define SIG_F_V    .nparams = 1, .params = { WASM_V128 }, RESULT (F32)
#define SIG_D_V    .nparams = 1, .params = { WASM_V128 }, RESULT (F64)
#define SIG_V_VI   .nparams = 2, .params = { WASM_V128, WASM_I32 }, RESULT (V128)
#define SIG_V_VL   .nparams = 2, .params = { WASM_V128, WASM_I64 }, RESULT (V128)
#define SIG_V_VF   .nparams = 2, .params = { WASM_V128, WASM_F32 }, RESULT (V128)
#define SIG_V_VD   .nparams = 2, .params = { WASM_V128, WASM_F64 }, RESULT (V128)
#define SIG_LOAD       .nparams = 1, .params = { WASM_I32 }, RESULT (V128)
#define SIG_STORE      .nparams = 2, .params = { WASM_I32, WASM_V128 }, .is_store = 1
#define SIG_LOAD_LANE  .nparams = 2, .params = { WASM_I32, WASM_V128 }, RESULT (V128)
#define SIG_STORE_LANE .nparams = 2, .params = { WASM_I32, WASM_V128 }, .is_store = 1

static const simd_opinfo simd_ops[256] = {
#define SIMD_OP_NO_FN(opcode, text, imm_kind, sig, nlanes, bytes)                       \
  [opcode] = { .name = text, .imm = SIMD_IMM_##imm_kind, SIG_##sig, .lanes = nlanes,    \
               .mem_bytes = bytes },
#define SIMD_OP(opcode, text, c_name, imm_kind, sig, nlanes, bytes)                     \
  [opcode] = { .name = text, .imm = SIMD_IMM_##imm_kind, SIG_##sig, .lanes = nlanes,    \
               .mem_bytes = bytes, .fn = simd_##c_name },
#include "wasm/simd_ops.def"
#undef SIMD_OP
#undef SIMD_OP_NO_FN
};

const simd_opinfo *simd_opinfo_get (uint32_t opcode)
{
  if (opcode >= sizeof simd_ops / sizeof simd_ops[0] || simd_ops[opcode].name == NULL)
    return NULL;
  return &simd_ops[opcode];
}
