/* Instruction table for Wasm 2.0 (MVP, sign extension, saturating conversions, bulk memory,
 * reference types, 128-bit SIMD). Looked up by binary search over a sorted index built once. */
#include "wat/opcodes.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define OP(n, c)          { n, 0, IMM_NONE, 0, c }
#define OPI(n, c, i)      { n, 0, i, 0, c }
#define MEM(n, c, a)      { n, 0, IMM_MEMARG, a, c }
#define FC(n, c, i)       { n, 0xfc, i, 0, c }
#define FD(n, c)          { n, 0xfd, IMM_NONE, 0, c }
#define FDI(n, c, i)      { n, 0xfd, i, 0, c }
#define FDM(n, c, a)      { n, 0xfd, IMM_MEMARG, a, c }
#define FDL(n, c, a)      { n, 0xfd, IMM_MEMARG_LANE, a, c }

const wat_opcode wat_opcodes[] = {
  /* control */
  OP ("unreachable", 0x00), OP ("nop", 0x01),
  OPI ("block", 0x02, IMM_BLOCK), OPI ("loop", 0x03, IMM_BLOCK), OPI ("if", 0x04, IMM_BLOCK),
  OPI ("else", 0x05, IMM_ELSE), OPI ("end", 0x0b, IMM_END),
  OPI ("br", 0x0c, IMM_LABEL), OPI ("br_if", 0x0d, IMM_LABEL), OPI ("br_table", 0x0e, IMM_BR_TABLE),
  OP ("return", 0x0f), OPI ("call", 0x10, IMM_FUNC), OPI ("call_indirect", 0x11, IMM_CALL_INDIRECT),
  /* parametric, variables, tables */
  OP ("drop", 0x1a), OPI ("select", 0x1b, IMM_SELECT),
  OPI ("local.get", 0x20, IMM_LOCAL), OPI ("local.set", 0x21, IMM_LOCAL),
  OPI ("local.tee", 0x22, IMM_LOCAL), OPI ("global.get", 0x23, IMM_GLOBAL),
  OPI ("global.set", 0x24, IMM_GLOBAL), OPI ("table.get", 0x25, IMM_TABLE),
  OPI ("table.set", 0x26, IMM_TABLE),
  /* memory */
  MEM ("i32.load", 0x28, 2), MEM ("i64.load", 0x29, 3), MEM ("f32.load", 0x2a, 2),
  MEM ("f64.load", 0x2b, 3), MEM ("i32.load8_s", 0x2c, 0), MEM ("i32.load8_u", 0x2d, 0),
  MEM ("i32.load16_s", 0x2e, 1), MEM ("i32.load16_u", 0x2f, 1), MEM ("i64.load8_s", 0x30, 0),
  MEM ("i64.load8_u", 0x31, 0), MEM ("i64.load16_s", 0x32, 1), MEM ("i64.load16_u", 0x33, 1),
  MEM ("i64.load32_s", 0x34, 2), MEM ("i64.load32_u", 0x35, 2), MEM ("i32.store", 0x36, 2),
  MEM ("i64.store", 0x37, 3), MEM ("f32.store", 0x38, 2), MEM ("f64.store", 0x39, 3),
  MEM ("i32.store8", 0x3a, 0), MEM ("i32.store16", 0x3b, 1), MEM ("i64.store8", 0x3c, 0),
  MEM ("i64.store16", 0x3d, 1), MEM ("i64.store32", 0x3e, 2),
  OPI ("memory.size", 0x3f, IMM_MEMORY), OPI ("memory.grow", 0x40, IMM_MEMORY),
  /* numeric */
  OPI ("i32.const", 0x41, IMM_I32), OPI ("i64.const", 0x42, IMM_I64),
  OPI ("f32.const", 0x43, IMM_F32), OPI ("f64.const", 0x44, IMM_F64),
  OP ("i32.eqz", 0x45), OP ("i32.eq", 0x46), OP ("i32.ne", 0x47), OP ("i32.lt_s", 0x48),
  OP ("i32.lt_u", 0x49), OP ("i32.gt_s", 0x4a), OP ("i32.gt_u", 0x4b), OP ("i32.le_s", 0x4c),
  OP ("i32.le_u", 0x4d), OP ("i32.ge_s", 0x4e), OP ("i32.ge_u", 0x4f),
  OP ("i64.eqz", 0x50), OP ("i64.eq", 0x51), OP ("i64.ne", 0x52), OP ("i64.lt_s", 0x53),
  OP ("i64.lt_u", 0x54), OP ("i64.gt_s", 0x55), OP ("i64.gt_u", 0x56), OP ("i64.le_s", 0x57),
  OP ("i64.le_u", 0x58), OP ("i64.ge_s", 0x59), OP ("i64.ge_u", 0x5a),
  OP ("f32.eq", 0x5b), OP ("f32.ne", 0x5c), OP ("f32.lt", 0x5d), OP ("f32.gt", 0x5e),
  OP ("f32.le", 0x5f), OP ("f32.ge", 0x60),
  OP ("f64.eq", 0x61), OP ("f64.ne", 0x62), OP ("f64.lt", 0x63), OP ("f64.gt", 0x64),
  OP ("f64.le", 0x65), OP ("f64.ge", 0x66),
  OP ("i32.clz", 0x67), OP ("i32.ctz", 0x68), OP ("i32.popcnt", 0x69), OP ("i32.add", 0x6a),
  OP ("i32.sub", 0x6b), OP ("i32.mul", 0x6c), OP ("i32.div_s", 0x6d), OP ("i32.div_u", 0x6e),
  OP ("i32.rem_s", 0x6f), OP ("i32.rem_u", 0x70), OP ("i32.and", 0x71), OP ("i32.or", 0x72),
  OP ("i32.xor", 0x73), OP ("i32.shl", 0x74), OP ("i32.shr_s", 0x75), OP ("i32.shr_u", 0x76),
  OP ("i32.rotl", 0x77), OP ("i32.rotr", 0x78),
  OP ("i64.clz", 0x79), OP ("i64.ctz", 0x7a), OP ("i64.popcnt", 0x7b), OP ("i64.add", 0x7c),
  OP ("i64.sub", 0x7d), OP ("i64.mul", 0x7e), OP ("i64.div_s", 0x7f), OP ("i64.div_u", 0x80),
  OP ("i64.rem_s", 0x81), OP ("i64.rem_u", 0x82), OP ("i64.and", 0x83), OP ("i64.or", 0x84),
  OP ("i64.xor", 0x85), OP ("i64.shl", 0x86), OP ("i64.shr_s", 0x87), OP ("i64.shr_u", 0x88),
  OP ("i64.rotl", 0x89), OP ("i64.rotr", 0x8a),
  OP ("f32.abs", 0x8b), OP ("f32.neg", 0x8c), OP ("f32.ceil", 0x8d), OP ("f32.floor", 0x8e),
  OP ("f32.trunc", 0x8f), OP ("f32.nearest", 0x90), OP ("f32.sqrt", 0x91), OP ("f32.add", 0x92),
  OP ("f32.sub", 0x93), OP ("f32.mul", 0x94), OP ("f32.div", 0x95), OP ("f32.min", 0x96),
  OP ("f32.max", 0x97), OP ("f32.copysign", 0x98),
  OP ("f64.abs", 0x99), OP ("f64.neg", 0x9a), OP ("f64.ceil", 0x9b), OP ("f64.floor", 0x9c),
  OP ("f64.trunc", 0x9d), OP ("f64.nearest", 0x9e), OP ("f64.sqrt", 0x9f), OP ("f64.add", 0xa0),
  OP ("f64.sub", 0xa1), OP ("f64.mul", 0xa2), OP ("f64.div", 0xa3), OP ("f64.min", 0xa4),
  OP ("f64.max", 0xa5), OP ("f64.copysign", 0xa6),
  OP ("i32.wrap_i64", 0xa7), OP ("i32.trunc_f32_s", 0xa8), OP ("i32.trunc_f32_u", 0xa9),
  OP ("i32.trunc_f64_s", 0xaa), OP ("i32.trunc_f64_u", 0xab), OP ("i64.extend_i32_s", 0xac),
  OP ("i64.extend_i32_u", 0xad), OP ("i64.trunc_f32_s", 0xae), OP ("i64.trunc_f32_u", 0xaf),
  OP ("i64.trunc_f64_s", 0xb0), OP ("i64.trunc_f64_u", 0xb1), OP ("f32.convert_i32_s", 0xb2),
  OP ("f32.convert_i32_u", 0xb3), OP ("f32.convert_i64_s", 0xb4), OP ("f32.convert_i64_u", 0xb5),
  OP ("f32.demote_f64", 0xb6), OP ("f64.convert_i32_s", 0xb7), OP ("f64.convert_i32_u", 0xb8),
  OP ("f64.convert_i64_s", 0xb9), OP ("f64.convert_i64_u", 0xba), OP ("f64.promote_f32", 0xbb),
  OP ("i32.reinterpret_f32", 0xbc), OP ("i64.reinterpret_f64", 0xbd),
  OP ("f32.reinterpret_i32", 0xbe), OP ("f64.reinterpret_i64", 0xbf),
  /* sign extension */
  OP ("i32.extend8_s", 0xc0), OP ("i32.extend16_s", 0xc1), OP ("i64.extend8_s", 0xc2),
  OP ("i64.extend16_s", 0xc3), OP ("i64.extend32_s", 0xc4),
  /* reference types */
  OPI ("ref.null", 0xd0, IMM_REF_NULL), OP ("ref.is_null", 0xd1), OPI ("ref.func", 0xd2, IMM_FUNC),
  /* saturating conversions, bulk memory, table ops */
  FC ("i32.trunc_sat_f32_s", 0, IMM_NONE), FC ("i32.trunc_sat_f32_u", 1, IMM_NONE),
  FC ("i32.trunc_sat_f64_s", 2, IMM_NONE), FC ("i32.trunc_sat_f64_u", 3, IMM_NONE),
  FC ("i64.trunc_sat_f32_s", 4, IMM_NONE), FC ("i64.trunc_sat_f32_u", 5, IMM_NONE),
  FC ("i64.trunc_sat_f64_s", 6, IMM_NONE), FC ("i64.trunc_sat_f64_u", 7, IMM_NONE),
  FC ("memory.init", 8, IMM_MEMORY_INIT), FC ("data.drop", 9, IMM_DATA),
  FC ("memory.copy", 10, IMM_MEMORY_COPY), FC ("memory.fill", 11, IMM_MEMORY),
  FC ("table.init", 12, IMM_TABLE_INIT), FC ("elem.drop", 13, IMM_ELEM),
  FC ("table.copy", 14, IMM_TABLE_COPY), FC ("table.grow", 15, IMM_TABLE),
  FC ("table.size", 16, IMM_TABLE), FC ("table.fill", 17, IMM_TABLE),
  /* SIMD: memory */
  FDM ("v128.load", 0x00, 4), FDM ("v128.load8x8_s", 0x01, 3), FDM ("v128.load8x8_u", 0x02, 3),
  FDM ("v128.load16x4_s", 0x03, 3), FDM ("v128.load16x4_u", 0x04, 3),
  FDM ("v128.load32x2_s", 0x05, 3), FDM ("v128.load32x2_u", 0x06, 3),
  FDM ("v128.load8_splat", 0x07, 0), FDM ("v128.load16_splat", 0x08, 1),
  FDM ("v128.load32_splat", 0x09, 2), FDM ("v128.load64_splat", 0x0a, 3),
  FDM ("v128.store", 0x0b, 4),
  FDI ("v128.const", 0x0c, IMM_V128_CONST), FDI ("i8x16.shuffle", 0x0d, IMM_SHUFFLE),
  FD ("i8x16.swizzle", 0x0e),
  FD ("i8x16.splat", 0x0f), FD ("i16x8.splat", 0x10), FD ("i32x4.splat", 0x11),
  FD ("i64x2.splat", 0x12), FD ("f32x4.splat", 0x13), FD ("f64x2.splat", 0x14),
  FDI ("i8x16.extract_lane_s", 0x15, IMM_LANE), FDI ("i8x16.extract_lane_u", 0x16, IMM_LANE),
  FDI ("i8x16.replace_lane", 0x17, IMM_LANE), FDI ("i16x8.extract_lane_s", 0x18, IMM_LANE),
  FDI ("i16x8.extract_lane_u", 0x19, IMM_LANE), FDI ("i16x8.replace_lane", 0x1a, IMM_LANE),
  FDI ("i32x4.extract_lane", 0x1b, IMM_LANE), FDI ("i32x4.replace_lane", 0x1c, IMM_LANE),
  FDI ("i64x2.extract_lane", 0x1d, IMM_LANE), FDI ("i64x2.replace_lane", 0x1e, IMM_LANE),
  FDI ("f32x4.extract_lane", 0x1f, IMM_LANE), FDI ("f32x4.replace_lane", 0x20, IMM_LANE),
  FDI ("f64x2.extract_lane", 0x21, IMM_LANE), FDI ("f64x2.replace_lane", 0x22, IMM_LANE),
  /* SIMD: comparisons */
  FD ("i8x16.eq", 0x23), FD ("i8x16.ne", 0x24), FD ("i8x16.lt_s", 0x25), FD ("i8x16.lt_u", 0x26),
  FD ("i8x16.gt_s", 0x27), FD ("i8x16.gt_u", 0x28), FD ("i8x16.le_s", 0x29), FD ("i8x16.le_u", 0x2a),
  FD ("i8x16.ge_s", 0x2b), FD ("i8x16.ge_u", 0x2c),
  FD ("i16x8.eq", 0x2d), FD ("i16x8.ne", 0x2e), FD ("i16x8.lt_s", 0x2f), FD ("i16x8.lt_u", 0x30),
  FD ("i16x8.gt_s", 0x31), FD ("i16x8.gt_u", 0x32), FD ("i16x8.le_s", 0x33), FD ("i16x8.le_u", 0x34),
  FD ("i16x8.ge_s", 0x35), FD ("i16x8.ge_u", 0x36),
  FD ("i32x4.eq", 0x37), FD ("i32x4.ne", 0x38), FD ("i32x4.lt_s", 0x39), FD ("i32x4.lt_u", 0x3a),
  FD ("i32x4.gt_s", 0x3b), FD ("i32x4.gt_u", 0x3c), FD ("i32x4.le_s", 0x3d), FD ("i32x4.le_u", 0x3e),
  FD ("i32x4.ge_s", 0x3f), FD ("i32x4.ge_u", 0x40),
  FD ("f32x4.eq", 0x41), FD ("f32x4.ne", 0x42), FD ("f32x4.lt", 0x43), FD ("f32x4.gt", 0x44),
  FD ("f32x4.le", 0x45), FD ("f32x4.ge", 0x46),
  FD ("f64x2.eq", 0x47), FD ("f64x2.ne", 0x48), FD ("f64x2.lt", 0x49), FD ("f64x2.gt", 0x4a),
  FD ("f64x2.le", 0x4b), FD ("f64x2.ge", 0x4c),
  /* SIMD: bitwise, lanes in memory */
  FD ("v128.not", 0x4d), FD ("v128.and", 0x4e), FD ("v128.andnot", 0x4f), FD ("v128.or", 0x50),
  FD ("v128.xor", 0x51), FD ("v128.bitselect", 0x52), FD ("v128.any_true", 0x53),
  FDL ("v128.load8_lane", 0x54, 0), FDL ("v128.load16_lane", 0x55, 1),
  FDL ("v128.load32_lane", 0x56, 2), FDL ("v128.load64_lane", 0x57, 3),
  FDL ("v128.store8_lane", 0x58, 0), FDL ("v128.store16_lane", 0x59, 1),
  FDL ("v128.store32_lane", 0x5a, 2), FDL ("v128.store64_lane", 0x5b, 3),
  FDM ("v128.load32_zero", 0x5c, 2), FDM ("v128.load64_zero", 0x5d, 3),
  FD ("f32x4.demote_f64x2_zero", 0x5e), FD ("f64x2.promote_low_f32x4", 0x5f),
  /* SIMD: i8x16 (and float rounding interleaved by opcode) */
  FD ("i8x16.abs", 0x60), FD ("i8x16.neg", 0x61), FD ("i8x16.popcnt", 0x62),
  FD ("i8x16.all_true", 0x63), FD ("i8x16.bitmask", 0x64), FD ("i8x16.narrow_i16x8_s", 0x65),
  FD ("i8x16.narrow_i16x8_u", 0x66), FD ("f32x4.ceil", 0x67), FD ("f32x4.floor", 0x68),
  FD ("f32x4.trunc", 0x69), FD ("f32x4.nearest", 0x6a), FD ("i8x16.shl", 0x6b),
  FD ("i8x16.shr_s", 0x6c), FD ("i8x16.shr_u", 0x6d), FD ("i8x16.add", 0x6e),
  FD ("i8x16.add_sat_s", 0x6f), FD ("i8x16.add_sat_u", 0x70), FD ("i8x16.sub", 0x71),
  FD ("i8x16.sub_sat_s", 0x72), FD ("i8x16.sub_sat_u", 0x73), FD ("f64x2.ceil", 0x74),
  FD ("f64x2.floor", 0x75), FD ("i8x16.min_s", 0x76), FD ("i8x16.min_u", 0x77),
  FD ("i8x16.max_s", 0x78), FD ("i8x16.max_u", 0x79), FD ("f64x2.trunc", 0x7a),
  FD ("i8x16.avgr_u", 0x7b),
  FD ("i16x8.extadd_pairwise_i8x16_s", 0x7c), FD ("i16x8.extadd_pairwise_i8x16_u", 0x7d),
  FD ("i32x4.extadd_pairwise_i16x8_s", 0x7e), FD ("i32x4.extadd_pairwise_i16x8_u", 0x7f),
  /* SIMD: i16x8 */
  FD ("i16x8.abs", 0x80), FD ("i16x8.neg", 0x81), FD ("i16x8.q15mulr_sat_s", 0x82),
  FD ("i16x8.all_true", 0x83), FD ("i16x8.bitmask", 0x84), FD ("i16x8.narrow_i32x4_s", 0x85),
  FD ("i16x8.narrow_i32x4_u", 0x86), FD ("i16x8.extend_low_i8x16_s", 0x87),
  FD ("i16x8.extend_high_i8x16_s", 0x88), FD ("i16x8.extend_low_i8x16_u", 0x89),
  FD ("i16x8.extend_high_i8x16_u", 0x8a), FD ("i16x8.shl", 0x8b), FD ("i16x8.shr_s", 0x8c),
  FD ("i16x8.shr_u", 0x8d), FD ("i16x8.add", 0x8e), FD ("i16x8.add_sat_s", 0x8f),
  FD ("i16x8.add_sat_u", 0x90), FD ("i16x8.sub", 0x91), FD ("i16x8.sub_sat_s", 0x92),
  FD ("i16x8.sub_sat_u", 0x93), FD ("f64x2.nearest", 0x94), FD ("i16x8.mul", 0x95),
  FD ("i16x8.min_s", 0x96), FD ("i16x8.min_u", 0x97), FD ("i16x8.max_s", 0x98),
  FD ("i16x8.max_u", 0x99), FD ("i16x8.avgr_u", 0x9b),
  FD ("i16x8.extmul_low_i8x16_s", 0x9c), FD ("i16x8.extmul_high_i8x16_s", 0x9d),
  FD ("i16x8.extmul_low_i8x16_u", 0x9e), FD ("i16x8.extmul_high_i8x16_u", 0x9f),
  /* SIMD: i32x4 */
  FD ("i32x4.abs", 0xa0), FD ("i32x4.neg", 0xa1), FD ("i32x4.all_true", 0xa3),
  FD ("i32x4.bitmask", 0xa4), FD ("i32x4.extend_low_i16x8_s", 0xa7),
  FD ("i32x4.extend_high_i16x8_s", 0xa8), FD ("i32x4.extend_low_i16x8_u", 0xa9),
  FD ("i32x4.extend_high_i16x8_u", 0xaa), FD ("i32x4.shl", 0xab), FD ("i32x4.shr_s", 0xac),
  FD ("i32x4.shr_u", 0xad), FD ("i32x4.add", 0xae), FD ("i32x4.sub", 0xb1),
  FD ("i32x4.mul", 0xb5), FD ("i32x4.min_s", 0xb6), FD ("i32x4.min_u", 0xb7),
  FD ("i32x4.max_s", 0xb8), FD ("i32x4.max_u", 0xb9), FD ("i32x4.dot_i16x8_s", 0xba),
  FD ("i32x4.extmul_low_i16x8_s", 0xbc), FD ("i32x4.extmul_high_i16x8_s", 0xbd),
  FD ("i32x4.extmul_low_i16x8_u", 0xbe), FD ("i32x4.extmul_high_i16x8_u", 0xbf),
  /* SIMD: i64x2 */
  FD ("i64x2.abs", 0xc0), FD ("i64x2.neg", 0xc1), FD ("i64x2.all_true", 0xc3),
  FD ("i64x2.bitmask", 0xc4), FD ("i64x2.extend_low_i32x4_s", 0xc7),
  FD ("i64x2.extend_high_i32x4_s", 0xc8), FD ("i64x2.extend_low_i32x4_u", 0xc9),
  FD ("i64x2.extend_high_i32x4_u", 0xca), FD ("i64x2.shl", 0xcb), FD ("i64x2.shr_s", 0xcc),
  FD ("i64x2.shr_u", 0xcd), FD ("i64x2.add", 0xce), FD ("i64x2.sub", 0xd1),
  FD ("i64x2.mul", 0xd5), FD ("i64x2.eq", 0xd6), FD ("i64x2.ne", 0xd7), FD ("i64x2.lt_s", 0xd8),
  FD ("i64x2.gt_s", 0xd9), FD ("i64x2.le_s", 0xda), FD ("i64x2.ge_s", 0xdb),
  FD ("i64x2.extmul_low_i32x4_s", 0xdc), FD ("i64x2.extmul_high_i32x4_s", 0xdd),
  FD ("i64x2.extmul_low_i32x4_u", 0xde), FD ("i64x2.extmul_high_i32x4_u", 0xdf),
  /* SIMD: floats, conversions */
  FD ("f32x4.abs", 0xe0), FD ("f32x4.neg", 0xe1), FD ("f32x4.sqrt", 0xe3), FD ("f32x4.add", 0xe4),
  FD ("f32x4.sub", 0xe5), FD ("f32x4.mul", 0xe6), FD ("f32x4.div", 0xe7), FD ("f32x4.min", 0xe8),
  FD ("f32x4.max", 0xe9), FD ("f32x4.pmin", 0xea), FD ("f32x4.pmax", 0xeb),
  FD ("f64x2.abs", 0xec), FD ("f64x2.neg", 0xed), FD ("f64x2.sqrt", 0xef), FD ("f64x2.add", 0xf0),
  FD ("f64x2.sub", 0xf1), FD ("f64x2.mul", 0xf2), FD ("f64x2.div", 0xf3), FD ("f64x2.min", 0xf4),
  FD ("f64x2.max", 0xf5), FD ("f64x2.pmin", 0xf6), FD ("f64x2.pmax", 0xf7),
  FD ("i32x4.trunc_sat_f32x4_s", 0xf8), FD ("i32x4.trunc_sat_f32x4_u", 0xf9),
  FD ("f32x4.convert_i32x4_s", 0xfa), FD ("f32x4.convert_i32x4_u", 0xfb),
  FD ("i32x4.trunc_sat_f64x2_s_zero", 0xfc), FD ("i32x4.trunc_sat_f64x2_u_zero", 0xfd),
  FD ("f64x2.convert_low_i32x4_s", 0xfe), FD ("f64x2.convert_low_i32x4_u", 0xff),
};

const size_t wat_opcode_count = sizeof wat_opcodes / sizeof wat_opcodes[0];

static const wat_opcode *sorted[sizeof wat_opcodes / sizeof wat_opcodes[0]];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int by_name (const void *a, const void *b)
{
  return strcmp ((*(const wat_opcode *const *) a)->name, (*(const wat_opcode *const *) b)->name);
}

static void sort_index (void)
{
  for (size_t i = 0; i < wat_opcode_count; i++)
    sorted[i] = &wat_opcodes[i];
  qsort (sorted, wat_opcode_count, sizeof sorted[0], by_name);
}

const wat_opcode *wat_opcode_find (const char *name, size_t len)
{
  pthread_once (&sorted_once, sort_index);
  size_t lo = 0, hi = wat_opcode_count;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      const char *n = sorted[mid]->name;
      int c = strncmp (n, name, len);
      if (c == 0 && n[len] != 0)
        c = 1;
      if (c == 0)
        return sorted[mid];
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}
