/* 128-bit SIMD (0xFD-prefixed opcodes): what the decoder/validator needs to know about each
 * op, and its semantics as a plain function the interpreter calls. Internal to the engine.
 *
 * Operands and results are 16-byte slots (wasm_v128); a scalar (i32, i64, f32, f64 bits)
 * sits in the low bytes, little-endian, the rest zero.
 *
 * Memory ops: the engine computes and bounds-checks the effective address and moves bytes;
 * the op function does the lane work:
 *  - loads (SIMD_IMM_MEMARG, result v128): the engine copies mem_bytes bytes into a zeroed
 *    slot `b`, then calls fn(out, NULL, b, NULL, NULL) (extend, splat, zero-pad; v128.load
 *    is a plain copy).
 *  - v128.store: the engine stores 16 bytes of the operand; fn is NULL.
 *  - load_lane (SIMD_IMM_MEMARG_LANE): the engine copies mem_bytes bytes into zeroed `b`,
 *    then fn(out, a = the v128 operand, b, NULL, &lane).
 *  - store_lane: fn(out, a = the v128 operand, NULL, NULL, &lane) puts the lane's bytes in
 *    the low mem_bytes of out; the engine stores those bytes.
 */
#ifndef RUNWASM_WASM_SIMD_H
#define RUNWASM_WASM_SIMD_H

#include <stdint.h>

#include "wasm/wasm.h"

typedef enum simd_imm {
  SIMD_IMM_NONE,        /* no immediate */
  SIMD_IMM_MEMARG,      /* align, offset */
  SIMD_IMM_MEMARG_LANE, /* align, offset, lane byte */
  SIMD_IMM_LANE,        /* lane byte */
  SIMD_IMM_V128,        /* 16 bytes (v128.const) */
  SIMD_IMM_SHUFFLE,     /* 16 lane bytes, each < 32 (i8x16.shuffle) */
} simd_imm;

/* out = op(a, b, c); imm is the lane byte or the 16 shuffle/const bytes, else NULL. */
typedef void (*simd_fn) (wasm_v128 *out, const wasm_v128 *a, const wasm_v128 *b,
                         const wasm_v128 *c, const uint8_t *imm);

typedef struct simd_opinfo {
  const char *name;         /* text-format name, "i8x16.add" */
  simd_imm imm;
  uint8_t nparams;          /* operands popped, in order params[0] deepest */
  wasm_valtype params[3];
  uint8_t nresults;         /* 0 or 1 */
  wasm_valtype result;
  uint8_t lanes;            /* for lane immediates: the lane must be < lanes */
  uint8_t mem_bytes;        /* for memory ops: bytes accessed; max alignment is log2 of it */
  int is_store;             /* v128.store and *.store_lane */
  simd_fn fn;               /* NULL only for v128.store */
} simd_opinfo;

/* The op with this 0xFD sub-opcode, or NULL if there is none (the binary is malformed). */
const simd_opinfo *simd_opinfo_get (uint32_t opcode);

#endif
