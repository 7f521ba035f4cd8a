/* The internal instruction set: what the translator emits and the interpreter executes.
 *
 * Numeric, load and store ops are listed once here (X-macros) and stamped out by both the
 * translator (opcode -> internal op, operand types) and the interpreter (handlers).
 * Operand layout of every op is documented in docs/ENGINE.md; in short:
 *   unary   [op, dst, a]            binary  [op, dst, a, b]      imm  [op, dst, a, imm32]
 *   (an imm32 is sign-extended to the op's width)
 *   br_cmp  [op, a, b, disp]        br_cmp_imm [op, a, imm32, disp]
 *   load    [op, dst, addr, offset] store   [op, addr, value, offset]
 *   load_addimm [op, dst, a, offset, k]: address (a + k) mod 2^32, an i32.add folded in
 *   store_addimm [op, a, value, offset, k]
 *   call_moves [op, func, base, n, (dst, src) x n]: moves arguments from locals, then calls
 *   load_abs [op, dst, k, offset], store_abs [op, k, value, offset]: constant address k
 *   store_imm [op, addr, imm32, offset]: stores a constant (imm32 sign-extended)
 *   mem     [op, dst, a, addr, offset, k]: a op (the value loaded from ((addr + k) mod 2^32)
 *           + offset)
 *   rmw     [op, addr, a, offset]: the same, with the result stored back to addr + offset
 *   addbr   [op, dst, x, y, b, disp]: dst = x + y, then branch if dst op slot b
 *   incbr   [op, dst, x, k, imm32, disp]: dst = x + k, then branch if dst op imm32
 *   moves   [op, n, (dst, src) x n]: 64-bit slot copies, in order
 *   shifted [op, dst, a, x, k]: an i32 op whose right operand is x shifted by k (SHIFTED_OPS)
 *   i32_funnel [op, dst, y, k1, x, k2]: dst = (y << k1) | (x >> k2), counts masked to 0..31
 *   f64_muladd_rmw [op, caddr, x, y, coffset]: mem[caddr + coffset] += x * y (f32 alike)
 *   f64_muladd_mem_rmw [op, caddr, x, baddr, boffset, bk, coffset]: the same with y loaded
 *           from ((baddr + bk) mod 2^32) + boffset
 *   mem_moveN [op, daddr, doffset, saddr, soffset, sk]: a load of N bytes from
 *           ((saddr + sk) mod 2^32) + soffset stored straight to daddr + doffset
 * dst/a/b are frame slot indices; disp is relative to the op's first word. */
#ifndef RUNWASM_WASM_OPS_H
#define RUNWASM_WASM_OPS_H

#include <math.h>
#include <stdint.h>

/* X(wasm opcode, name, shape, in type, out type, in slot field, out slot field, expr, fuse)
 * shape: U unary (a) or B binary (a, b). fuse, the fused forms the op has: 0 none; 1 an
 * _imm form; 2 (compares) _imm, the compare-and-branch forms br_ and br_..._imm, and addbr_
 * and incbr_, an add and a compare-and-branch on its result; 3 _imm, _mem (the right
 * operand comes from memory) and _rmw (the result goes back there); 4 only _mem and _rmw;
 * 5 (float compares) _imm, br_ and br_..._imm, whose constant takes one word (f32) or two
 * (f64). Float compares never branch on an inverted compare: NaN makes both false.
 * expr may TRAP(kind). */
#define NUMERIC_OPS(X)                                                                          \
  X (0x45, i32_eqz, U, I32, I32, u32, u32, a == 0, 0)                                            \
  X (0x46, i32_eq, B, I32, I32, u32, u32, a == b, 2)                                             \
  X (0x47, i32_ne, B, I32, I32, u32, u32, a != b, 2)                                             \
  X (0x48, i32_lt_s, B, I32, I32, i32, u32, a < b, 2)                                            \
  X (0x49, i32_lt_u, B, I32, I32, u32, u32, a < b, 2)                                            \
  X (0x4a, i32_gt_s, B, I32, I32, i32, u32, a > b, 2)                                            \
  X (0x4b, i32_gt_u, B, I32, I32, u32, u32, a > b, 2)                                            \
  X (0x4c, i32_le_s, B, I32, I32, i32, u32, a <= b, 2)                                           \
  X (0x4d, i32_le_u, B, I32, I32, u32, u32, a <= b, 2)                                           \
  X (0x4e, i32_ge_s, B, I32, I32, i32, u32, a >= b, 2)                                           \
  X (0x4f, i32_ge_u, B, I32, I32, u32, u32, a >= b, 2)                                           \
  X (0x50, i64_eqz, U, I64, I32, u64, u32, a == 0, 0)                                            \
  X (0x51, i64_eq, B, I64, I32, u64, u32, a == b, 2)                                             \
  X (0x52, i64_ne, B, I64, I32, u64, u32, a != b, 2)                                             \
  X (0x53, i64_lt_s, B, I64, I32, i64, u32, a < b, 2)                                            \
  X (0x54, i64_lt_u, B, I64, I32, u64, u32, a < b, 2)                                            \
  X (0x55, i64_gt_s, B, I64, I32, i64, u32, a > b, 2)                                            \
  X (0x56, i64_gt_u, B, I64, I32, u64, u32, a > b, 2)                                            \
  X (0x57, i64_le_s, B, I64, I32, i64, u32, a <= b, 2)                                           \
  X (0x58, i64_le_u, B, I64, I32, u64, u32, a <= b, 2)                                           \
  X (0x59, i64_ge_s, B, I64, I32, i64, u32, a >= b, 2)                                           \
  X (0x5a, i64_ge_u, B, I64, I32, u64, u32, a >= b, 2)                                           \
  X (0x5b, f32_eq, B, F32, I32, f32, u32, a == b, 5)                                             \
  X (0x5c, f32_ne, B, F32, I32, f32, u32, a != b, 5)                                             \
  X (0x5d, f32_lt, B, F32, I32, f32, u32, a < b, 5)                                              \
  X (0x5e, f32_gt, B, F32, I32, f32, u32, a > b, 5)                                              \
  X (0x5f, f32_le, B, F32, I32, f32, u32, a <= b, 5)                                             \
  X (0x60, f32_ge, B, F32, I32, f32, u32, a >= b, 5)                                             \
  X (0x61, f64_eq, B, F64, I32, f64, u32, a == b, 5)                                             \
  X (0x62, f64_ne, B, F64, I32, f64, u32, a != b, 5)                                             \
  X (0x63, f64_lt, B, F64, I32, f64, u32, a < b, 5)                                              \
  X (0x64, f64_gt, B, F64, I32, f64, u32, a > b, 5)                                              \
  X (0x65, f64_le, B, F64, I32, f64, u32, a <= b, 5)                                             \
  X (0x66, f64_ge, B, F64, I32, f64, u32, a >= b, 5)                                             \
  X (0x67, i32_clz, U, I32, I32, u32, u32, a ? __builtin_clz (a) : 32, 0)                        \
  X (0x68, i32_ctz, U, I32, I32, u32, u32, a ? __builtin_ctz (a) : 32, 0)                        \
  X (0x69, i32_popcnt, U, I32, I32, u32, u32, __builtin_popcount (a), 0)                         \
  X (0x6a, i32_add, B, I32, I32, u32, u32, a + b, 3)                                             \
  X (0x6b, i32_sub, B, I32, I32, u32, u32, a - b, 3)                                             \
  X (0x6c, i32_mul, B, I32, I32, u32, u32, a * b, 3)                                             \
  X (0x6d, i32_div_s, B, I32, I32, i32, i32, DIV_S (a, b, INT32_MIN), 0)                         \
  X (0x6e, i32_div_u, B, I32, I32, u32, u32, DIV_U (a, b), 0)                                    \
  X (0x6f, i32_rem_s, B, I32, I32, i32, i32, REM_S (a, b), 0)                                    \
  X (0x70, i32_rem_u, B, I32, I32, u32, u32, REM_U (a, b), 0)                                    \
  X (0x71, i32_and, B, I32, I32, u32, u32, a & b, 3)                                             \
  X (0x72, i32_or, B, I32, I32, u32, u32, a | b, 3)                                              \
  X (0x73, i32_xor, B, I32, I32, u32, u32, a ^ b, 3)                                             \
  X (0x74, i32_shl, B, I32, I32, u32, u32, a << (b & 31), 1)                                     \
  X (0x75, i32_shr_s, B, I32, I32, i32, i32, a >> (b & 31), 1)                                   \
  X (0x76, i32_shr_u, B, I32, I32, u32, u32, a >> (b & 31), 1)                                   \
  X (0x77, i32_rotl, B, I32, I32, u32, u32, (a << (b & 31)) | (a >> ((32 - b) & 31)), 1)         \
  X (0x78, i32_rotr, B, I32, I32, u32, u32, (a >> (b & 31)) | (a << ((32 - b) & 31)), 1)         \
  X (0x79, i64_clz, U, I64, I64, u64, u64, a ? __builtin_clzll (a) : 64, 0)                      \
  X (0x7a, i64_ctz, U, I64, I64, u64, u64, a ? __builtin_ctzll (a) : 64, 0)                      \
  X (0x7b, i64_popcnt, U, I64, I64, u64, u64, __builtin_popcountll (a), 0)                       \
  X (0x7c, i64_add, B, I64, I64, u64, u64, a + b, 3)                                             \
  X (0x7d, i64_sub, B, I64, I64, u64, u64, a - b, 3)                                             \
  X (0x7e, i64_mul, B, I64, I64, u64, u64, a * b, 3)                                             \
  X (0x7f, i64_div_s, B, I64, I64, i64, i64, DIV_S (a, b, INT64_MIN), 0)                         \
  X (0x80, i64_div_u, B, I64, I64, u64, u64, DIV_U (a, b), 0)                                    \
  X (0x81, i64_rem_s, B, I64, I64, i64, i64, REM_S (a, b), 0)                                    \
  X (0x82, i64_rem_u, B, I64, I64, u64, u64, REM_U (a, b), 0)                                    \
  X (0x83, i64_and, B, I64, I64, u64, u64, a & b, 3)                                             \
  X (0x84, i64_or, B, I64, I64, u64, u64, a | b, 3)                                              \
  X (0x85, i64_xor, B, I64, I64, u64, u64, a ^ b, 3)                                             \
  X (0x86, i64_shl, B, I64, I64, u64, u64, a << (b & 63), 1)                                     \
  X (0x87, i64_shr_s, B, I64, I64, i64, i64, a >> (b & 63), 1)                                   \
  X (0x88, i64_shr_u, B, I64, I64, u64, u64, a >> (b & 63), 1)                                   \
  X (0x89, i64_rotl, B, I64, I64, u64, u64, (a << (b & 63)) | (a >> ((64 - b) & 63)), 1)         \
  X (0x8a, i64_rotr, B, I64, I64, u64, u64, (a >> (b & 63)) | (a << ((64 - b) & 63)), 1)         \
  X (0x8b, f32_abs, U, F32, F32, u32, u32, a & 0x7fffffffu, 0)                                   \
  X (0x8c, f32_neg, U, F32, F32, u32, u32, a ^ 0x80000000u, 0)                                   \
  X (0x8d, f32_ceil, U, F32, F32, f32, f32, ROUNDED (ceilf, a), 0)                                        \
  X (0x8e, f32_floor, U, F32, F32, f32, f32, ROUNDED (floorf, a), 0)                                      \
  X (0x8f, f32_trunc, U, F32, F32, f32, f32, ROUNDED (truncf, a), 0)                                      \
  X (0x90, f32_nearest, U, F32, F32, f32, f32, ROUNDED (nearbyintf, a), 0)                                \
  X (0x91, f32_sqrt, U, F32, F32, f32, f32, sqrtf (a), 0)                                        \
  X (0x92, f32_add, B, F32, F32, f32, f32, a + b, 4)                                             \
  X (0x93, f32_sub, B, F32, F32, f32, f32, a - b, 4)                                             \
  X (0x94, f32_mul, B, F32, F32, f32, f32, a * b, 4)                                             \
  X (0x95, f32_div, B, F32, F32, f32, f32, a / b, 4)                                             \
  X (0x96, f32_min, B, F32, F32, f32, f32, wasm_fminf (a, b), 0)                                 \
  X (0x97, f32_max, B, F32, F32, f32, f32, wasm_fmaxf (a, b), 0)                                 \
  X (0x98, f32_copysign, B, F32, F32, u32, u32, (a & 0x7fffffffu) | (b & 0x80000000u), 0)        \
  X (0x99, f64_abs, U, F64, F64, u64, u64, a & 0x7fffffffffffffffull, 0)                         \
  X (0x9a, f64_neg, U, F64, F64, u64, u64, a ^ 0x8000000000000000ull, 0)                         \
  X (0x9b, f64_ceil, U, F64, F64, f64, f64, ROUNDED (ceil, a), 0)                                         \
  X (0x9c, f64_floor, U, F64, F64, f64, f64, ROUNDED (floor, a), 0)                                       \
  X (0x9d, f64_trunc, U, F64, F64, f64, f64, ROUNDED (trunc, a), 0)                                       \
  X (0x9e, f64_nearest, U, F64, F64, f64, f64, ROUNDED (nearbyint, a), 0)                                 \
  X (0x9f, f64_sqrt, U, F64, F64, f64, f64, sqrt (a), 0)                                         \
  X (0xa0, f64_add, B, F64, F64, f64, f64, a + b, 4)                                             \
  X (0xa1, f64_sub, B, F64, F64, f64, f64, a - b, 4)                                             \
  X (0xa2, f64_mul, B, F64, F64, f64, f64, a * b, 4)                                             \
  X (0xa3, f64_div, B, F64, F64, f64, f64, a / b, 4)                                             \
  X (0xa4, f64_min, B, F64, F64, f64, f64, wasm_fmin (a, b), 0)                                  \
  X (0xa5, f64_max, B, F64, F64, f64, f64, wasm_fmax (a, b), 0)                                  \
  X (0xa6, f64_copysign, B, F64, F64, u64, u64,                                                 \
     (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull), 0)                               \
  X (0xa7, i32_wrap_i64, U, I64, I32, u64, u32, (uint32_t) a, 0)                                 \
  X (0xa8, i32_trunc_f32_s, U, F32, I32, f32, i32, TRUNC (a, a >= -0x1p31f && a < 0x1p31f, int32_t), 0)   \
  X (0xa9, i32_trunc_f32_u, U, F32, I32, f32, u32, TRUNC (a, a > -1.0f && a < 0x1p32f, uint32_t), 0)      \
  X (0xaa, i32_trunc_f64_s, U, F64, I32, f64, i32, TRUNC (a, a > -0x1p31 - 1.0 && a < 0x1p31, int32_t), 0) \
  X (0xab, i32_trunc_f64_u, U, F64, I32, f64, u32, TRUNC (a, a > -1.0 && a < 0x1p32, uint32_t), 0)        \
  X (0xac, i64_extend_i32_s, U, I32, I64, i32, i64, (int64_t) a, 0)                              \
  X (0xad, i64_extend_i32_u, U, I32, I64, u32, u64, (uint64_t) a, 0)                             \
  X (0xae, i64_trunc_f32_s, U, F32, I64, f32, i64, TRUNC (a, a >= -0x1p63f && a < 0x1p63f, int64_t), 0)   \
  X (0xaf, i64_trunc_f32_u, U, F32, I64, f32, u64, TRUNC (a, a > -1.0f && a < 0x1p64f, uint64_t), 0)      \
  X (0xb0, i64_trunc_f64_s, U, F64, I64, f64, i64, TRUNC (a, a >= -0x1p63 && a < 0x1p63, int64_t), 0)     \
  X (0xb1, i64_trunc_f64_u, U, F64, I64, f64, u64, TRUNC (a, a > -1.0 && a < 0x1p64, uint64_t), 0)        \
  X (0xb2, f32_convert_i32_s, U, I32, F32, i32, f32, (float) a, 0)                               \
  X (0xb3, f32_convert_i32_u, U, I32, F32, u32, f32, (float) a, 0)                               \
  X (0xb4, f32_convert_i64_s, U, I64, F32, i64, f32, (float) a, 0)                               \
  X (0xb5, f32_convert_i64_u, U, I64, F32, u64, f32, (float) a, 0)                               \
  X (0xb6, f32_demote_f64, U, F64, F32, f64, f32, (float) a, 0)                                  \
  X (0xb7, f64_convert_i32_s, U, I32, F64, i32, f64, (double) a, 0)                              \
  X (0xb8, f64_convert_i32_u, U, I32, F64, u32, f64, (double) a, 0)                              \
  X (0xb9, f64_convert_i64_s, U, I64, F64, i64, f64, (double) a, 0)                              \
  X (0xba, f64_convert_i64_u, U, I64, F64, u64, f64, (double) a, 0)                              \
  X (0xbb, f64_promote_f32, U, F32, F64, f32, f64, (double) a, 0)                                \
  X (0xbc, i32_reinterpret_f32, U, F32, I32, u32, u32, a, 0)                                     \
  X (0xbd, i64_reinterpret_f64, U, F64, I64, u64, u64, a, 0)                                     \
  X (0xbe, f32_reinterpret_i32, U, I32, F32, u32, u32, a, 0)                                     \
  X (0xbf, f64_reinterpret_i64, U, I64, F64, u64, u64, a, 0)                                     \
  X (0xc0, i32_extend8_s, U, I32, I32, u32, i32, (int8_t) a, 0)                                  \
  X (0xc1, i32_extend16_s, U, I32, I32, u32, i32, (int16_t) a, 0)                                \
  X (0xc2, i64_extend8_s, U, I64, I64, u64, i64, (int8_t) a, 0)                                  \
  X (0xc3, i64_extend16_s, U, I64, I64, u64, i64, (int16_t) a, 0)                                \
  X (0xc4, i64_extend32_s, U, I64, I64, u64, i64, (int32_t) a, 0)                                \
  X (0xfc00, i32_trunc_sat_f32_s, U, F32, I32, f32, i32, SAT (a, -0x1p31f, 0x1p31f, int32_t, INT32_MIN, INT32_MAX), 0) \
  X (0xfc01, i32_trunc_sat_f32_u, U, F32, I32, f32, u32, SAT (a, -1.0f, 0x1p32f, uint32_t, 0, UINT32_MAX), 0)          \
  X (0xfc02, i32_trunc_sat_f64_s, U, F64, I32, f64, i32, SAT (a, -0x1p31 - 1.0, 0x1p31, int32_t, INT32_MIN, INT32_MAX), 0) \
  X (0xfc03, i32_trunc_sat_f64_u, U, F64, I32, f64, u32, SAT (a, -1.0, 0x1p32, uint32_t, 0, UINT32_MAX), 0)            \
  X (0xfc04, i64_trunc_sat_f32_s, U, F32, I64, f32, i64, SAT (a, -0x1p63f, 0x1p63f, int64_t, INT64_MIN, INT64_MAX), 0) \
  X (0xfc05, i64_trunc_sat_f32_u, U, F32, I64, f32, u64, SAT (a, -1.0f, 0x1p64f, uint64_t, 0, UINT64_MAX), 0)          \
  X (0xfc06, i64_trunc_sat_f64_s, U, F64, I64, f64, i64, SAT (a, -0x1p63, 0x1p63, int64_t, INT64_MIN, INT64_MAX), 0)   \
  X (0xfc07, i64_trunc_sat_f64_u, U, F64, I64, f64, u64, SAT (a, -1.0, 0x1p64, uint64_t, 0, UINT64_MAX), 0)

/* X(wasm opcode, name, result type, out slot field, memory C type, bytes) */
#define LOAD_OPS(X)                                         \
  X (0x28, i32_load, I32, u32, uint32_t, 4)                 \
  X (0x29, i64_load, I64, u64, uint64_t, 8)                 \
  X (0x2a, f32_load, F32, u32, uint32_t, 4)                 \
  X (0x2b, f64_load, F64, u64, uint64_t, 8)                 \
  X (0x2c, i32_load8_s, I32, i32, int8_t, 1)                \
  X (0x2d, i32_load8_u, I32, u32, uint8_t, 1)               \
  X (0x2e, i32_load16_s, I32, i32, int16_t, 2)              \
  X (0x2f, i32_load16_u, I32, u32, uint16_t, 2)             \
  X (0x30, i64_load8_s, I64, i64, int8_t, 1)                \
  X (0x31, i64_load8_u, I64, u64, uint8_t, 1)               \
  X (0x32, i64_load16_s, I64, i64, int16_t, 2)              \
  X (0x33, i64_load16_u, I64, u64, uint16_t, 2)             \
  X (0x34, i64_load32_s, I64, i64, int32_t, 4)              \
  X (0x35, i64_load32_u, I64, u64, uint32_t, 4)

/* X(wasm opcode, name, value type, in slot field, memory C type, bytes) */
#define STORE_OPS(X)                                        \
  X (0x36, i32_store, I32, u32, uint32_t, 4)                \
  X (0x37, i64_store, I64, u64, uint64_t, 8)                \
  X (0x38, f32_store, F32, u32, uint32_t, 4)                \
  X (0x39, f64_store, F64, u64, uint64_t, 8)                \
  X (0x3a, i32_store8, I32, u32, uint8_t, 1)                \
  X (0x3b, i32_store16, I32, u32, uint16_t, 2)              \
  X (0x3c, i64_store8, I64, u64, uint8_t, 1)                \
  X (0x3d, i64_store16, I64, u64, uint16_t, 2)              \
  X (0x3e, i64_store32, I64, u64, uint32_t, 4)

/* i32 ops whose right operand is a shift or rotate by a constant, fused into one
 * instruction [op, dst, a, x, k]: dst = a OP (x SHIFT k), k already masked to 0..31.
 * X(op, shift, op expression on a and t, shift expression on x and k) */
#define SHIFTED_OPS(X)                                                                          \
  X (add, shl, a + t, x << k) X (add, shr_u, a + t, x >> k)                                    \
  X (add, shr_s, a + t, (uint32_t) ((int32_t) x >> k)) X (add, rotl, a + t, ROTL32 (x, k))     \
  X (sub, shl, a - t, x << k) X (sub, shr_u, a - t, x >> k)                                    \
  X (sub, shr_s, a - t, (uint32_t) ((int32_t) x >> k)) X (sub, rotl, a - t, ROTL32 (x, k))     \
  X (and, shl, a & t, x << k) X (and, shr_u, a & t, x >> k)                                    \
  X (and, shr_s, a & t, (uint32_t) ((int32_t) x >> k)) X (and, rotl, a & t, ROTL32 (x, k))     \
  X (or, shl, a | t, x << k) X (or, shr_u, a | t, x >> k)                                      \
  X (or, shr_s, a | t, (uint32_t) ((int32_t) x >> k)) X (or, rotl, a | t, ROTL32 (x, k))       \
  X (xor, shl, a ^ t, x << k) X (xor, shr_u, a ^ t, x >> k)                                    \
  X (xor, shr_s, a ^ t, (uint32_t) ((int32_t) x >> k)) X (xor, rotl, a ^ t, ROTL32 (x, k))
#define ROTL32(x, k) (((x) << (k)) | ((x) >> ((32 - (k)) & 31)))

/* Ops with hand-written handlers. */
#define CORE_OPS(X)                                                                           \
  X (unreachable) X (jump) X (br_if) X (br_ifz) X (br_table) X (ret) X (call)                \
  X (call_moves) X (call_indirect) X (call_indirect_moves) X (moves) X (copy128) X (const32) X (const64) X (const128)              \
  X (select64) X (select128) X (global_get) X (global_set) X (global_get128)                 \
  X (global_set128) X (memory_size) X (memory_grow) X (memory_fill) X (memory_copy)          \
  X (memory_init) X (data_drop) X (table_get) X (table_set) X (table_size) X (table_grow)    \
  X (table_fill) X (table_copy) X (table_init) X (elem_drop) X (ref_func) X (ref_is_null)    \
  X (simd) X (simd_load) X (simd_load_lane) X (simd_store) X (simd_store_lane)                \
  X (mem_move1) X (mem_move2) X (mem_move4) X (mem_move8) X (i32_funnel)                    \
  X (f32_muladd_rmw) X (f64_muladd_rmw) X (f32_muladd_mem_rmw) X (f64_muladd_mem_rmw)      \
  X (translate)

/* Every numeric op owns NUM_FORMS consecutive ids, whether or not it has each form; a
 * form's id is the op's id plus its FORM_ offset. Loads own LOAD_FORMS ids, stores
 * STORE_FORMS. */
enum { FORM_PLAIN, FORM_IMM, FORM_BR, FORM_BR_IMM, FORM_MEM, FORM_RMW, FORM_ADD_BR, FORM_ADDIMM_BR_IMM, NUM_FORMS };
enum { ADDR_PLAIN, ADDR_ADDIMM, ADDR_ABS, LOAD_FORMS, STORE_IMM_VALUE = LOAD_FORMS, STORE_FORMS };

typedef enum op_id {
#define CORE_ENUM(name) OP_##name,
  CORE_OPS (CORE_ENUM)
#undef CORE_ENUM
#define NUM_ENUM(opc, name, shape, tin, tout, fin, fout, expr, fuse)                               \
  OP_##name, OP_##name##_imm, OP_br_##name, OP_br_##name##_imm, OP_##name##_mem, OP_##name##_rmw,  \
  OP_addbr_##name, OP_incbr_##name,
  NUMERIC_OPS (NUM_ENUM)
#undef NUM_ENUM
#define LOAD_ENUM(opc, name, type, field, ctype, bytes) OP_##name, OP_##name##_addimm, OP_##name##_abs,
  LOAD_OPS (LOAD_ENUM)
#undef LOAD_ENUM
#define STORE_ENUM(opc, name, type, field, ctype, bytes)                                            \
  OP_##name, OP_##name##_addimm, OP_##name##_abs, OP_##name##_imm,
  STORE_OPS (STORE_ENUM)
#undef STORE_ENUM
#define SHIFTED_ENUM(op, shift, expr, shift_expr) OP_i32_##op##_##shift,
  SHIFTED_OPS (SHIFTED_ENUM)
#undef SHIFTED_ENUM
  OP_COUNT
} op_id;

static inline uint32_t f32_bits (float f)
{
  uint32_t u;
  __builtin_memcpy (&u, &f, 4);
  return u;
}

/* Rounding ops must return a quiet NaN for any NaN input; libm may pass a signalling one
 * through unchanged. */
#define ROUNDED(fn, a) ((a) != (a) ? (a) + (a) : fn (a))

/* Float min/max with Wasm's NaN and signed-zero rules. */
static inline float wasm_fminf (float a, float b)
{
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return __builtin_signbit (a) ? a : b;
  return a < b ? a : b;
}
static inline float wasm_fmaxf (float a, float b)
{
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return __builtin_signbit (a) ? b : a;
  return a > b ? a : b;
}
static inline double wasm_fmin (double a, double b)
{
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return __builtin_signbit (a) ? a : b;
  return a < b ? a : b;
}
static inline double wasm_fmax (double a, double b)
{
  if (a != a || b != b)
    return a + b;
  if (a == b)
    return __builtin_signbit (a) ? b : a;
  return a > b ? a : b;
}

#endif
