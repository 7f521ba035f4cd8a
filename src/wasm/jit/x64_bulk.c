/* Memory and table instructions beyond loads and stores: memory.size/fill/copy/init,
 * data.drop, table.get/set/size/fill/copy/init, elem.drop, ref.func, ref.is_null. Bounds are
 * checked for the whole range before anything is written, with the interpreter's trap kinds
 * (exec_body.h is the reference); the bytes move with rep movsb/stosb (rep stosq for table
 * fills), and from the end when a copy's destination overlaps its source from above.
 *
 * memory.grow and table.grow stay with the interpreter stub: they call the allocator and
 * trap with their own wording, and the stub's cost is small beside theirs. These
 * instructions end the register copies (they are not keeps_cache in x64_compile.c), so once
 * the operands are loaded rsi, rdi, r8 and xmm0 are free here. */
#include <stddef.h>

#include "wasm/jit/x64_emit.h"
#include "wasm/ops.h"

/* r = memory 0's size in bytes. */
static void memory_bytes (x64_buf *b, x64_reg r)
{
  x64_load (b, W_64, r, x64_at (INST, offsetof (wasm_instance, mem0)));
  x64_load (b, W_64, r, x64_at (r, offsetof (wasm_memory, size)));
}

/* r = table t (a wasm_table *). */
static void table_of (x64_buf *b, x64_reg r, uint32_t t)
{
  x64_load (b, W_64, r, x64_at (INST, offsetof (wasm_instance, tables)));
  x64_load (b, W_64, r, x64_at (r, (int32_t) (t * 8)));
}

/* Trap (kind) unless start + n (both zero-extended 32-bit) <= limit. Uses rdi. */
static void check_range (fn_compiler *fc, x64_reg start, x64_reg n, x64_reg limit, wasm_trap_kind kind)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_mov_rr (b, true, RDI, start);
  x64_alu_rr (b, ALU_ADD, true, RDI, n);
  x64_alu_rr (b, ALU_CMP, true, RDI, limit);
  x64_emit_trap_if (fc, CC_A, kind);
}

/* memmove of rcx bytes from rsi to rdi; d, s and n are the element indexes and count (rdx,
 * rax, r11). Forward it is rep movsb; an overlap from above is copied from the end in
 * 16-byte pieces, then bytes (a backward rep movsb runs byte by byte, several times slower). */
static void move_bytes (x64_buf *b)
{
  x64_mov_rr (b, true, R8, RDX);
  x64_alu_rr (b, ALU_SUB, true, R8, RAX);
  x64_alu_rr (b, ALU_CMP, true, R8, R11);
  size_t forward = x64_jcc (b, CC_AE); /* d < s wraps to a large unsigned d - s */
  size_t wide = b->len;
  x64_alu_ri (b, ALU_CMP, true, RCX, 16);
  size_t narrow = x64_jcc (b, CC_B);
  x64_alu_ri (b, ALU_SUB, true, RCX, 16);
  x64_vec_rm (b, V_MOVDQU_LOAD, 0, (x64_mem){ RSI, RCX, 1, 0 });
  x64_vec_rm (b, V_MOVDQU_STORE, 0, (x64_mem){ RDI, RCX, 1, 0 });
  x64_patch_rel32 (b, x64_jmp (b), wide);
  x64_patch_rel32 (b, narrow, b->len);
  size_t bytes = b->len;
  x64_test_rr (b, true, RCX, RCX);
  size_t done = x64_jcc (b, CC_E);
  x64_alu_ri (b, ALU_SUB, true, RCX, 1);
  x64_load (b, W_U8, RAX, (x64_mem){ RSI, RCX, 1, 0 });
  x64_store (b, 1, (x64_mem){ RDI, RCX, 1, 0 }, RAX);
  x64_patch_rel32 (b, x64_jmp (b), bytes);
  x64_patch_rel32 (b, forward, b->len);
  x64_rep_movsb (b);
  x64_patch_rel32 (b, done, b->len);
}

/* memory.fill [op, d, value, n] */
static void emit_memory_fill (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_U32, RDX, w[1]);
  x64_emit_load (fc, W_U32, R11, w[3]);
  x64_emit_load (fc, W_U32, RAX, w[2]);
  memory_bytes (b, RCX);
  check_range (fc, RDX, R11, RCX, WASM_TRAP_MEMORY_OUT_OF_BOUNDS);
  x64_lea (b, RDI, (x64_mem){ MEMBASE, RDX, 1, 0 });
  x64_mov_rr (b, true, RCX, R11);
  x64_rep_stosb (b);
}

/* memory.copy [op, d, s, n] */
static void emit_memory_copy (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_U32, RDX, w[1]);
  x64_emit_load (fc, W_U32, RAX, w[2]);
  x64_emit_load (fc, W_U32, R11, w[3]);
  memory_bytes (b, RCX);
  check_range (fc, RDX, R11, RCX, WASM_TRAP_MEMORY_OUT_OF_BOUNDS);
  check_range (fc, RAX, R11, RCX, WASM_TRAP_MEMORY_OUT_OF_BOUNDS);
  x64_lea (b, RSI, (x64_mem){ MEMBASE, RAX, 1, 0 });
  x64_lea (b, RDI, (x64_mem){ MEMBASE, RDX, 1, 0 });
  x64_mov_rr (b, true, RCX, R11);
  move_bytes (b);
}

/* memory.init [op, seg, d, s, n]: a dropped segment has length 0. */
static void emit_memory_init (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  uint32_t seg = w[1];
  x64_emit_load (fc, W_U32, RDX, w[2]);
  x64_emit_load (fc, W_U32, RAX, w[3]);
  x64_emit_load (fc, W_U32, R11, w[4]);
  x64_load (b, W_64, RCX, x64_at (INST, offsetof (wasm_instance, data_len)));
  x64_load (b, W_U32, RCX, x64_at (RCX, (int32_t) (seg * 4)));
  check_range (fc, RAX, R11, RCX, WASM_TRAP_MEMORY_OUT_OF_BOUNDS);
  memory_bytes (b, RCX);
  check_range (fc, RDX, R11, RCX, WASM_TRAP_MEMORY_OUT_OF_BOUNDS);
  x64_load (b, W_64, RSI, x64_at (INST, offsetof (wasm_instance, module)));
  x64_load (b, W_64, RSI, x64_at (RSI, offsetof (wasm_module, datas)));
  x64_load (b, W_64, RSI, x64_at (RSI, (int32_t) (seg * sizeof (data_seg) + offsetof (data_seg, bytes))));
  x64_alu_rr (b, ALU_ADD, true, RSI, RAX);
  x64_lea (b, RDI, (x64_mem){ MEMBASE, RDX, 1, 0 });
  x64_mov_rr (b, true, RCX, R11);
  x64_rep_movsb (b);
}

/* data.drop / elem.drop [op, seg]: the segment's length becomes 0. */
static void emit_drop (fn_compiler *fc, size_t len_array, uint32_t seg)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_load (b, W_64, RCX, x64_at (INST, (int32_t) len_array));
  x64_mov_mi (b, false, x64_at (RCX, (int32_t) (seg * 4)), 0);
}

/* table.get [op, table, dst, i] and table.set [op, table, i, value] */
static void emit_table_access (fn_compiler *fc, const uint32_t *w, bool get)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_U32, RDX, get ? w[3] : w[2]);
  if (!get)
    x64_emit_load (fc, W_64, R11, w[3]);
  table_of (b, RCX, w[1]);
  x64_alu_rm (b, ALU_CMP, false, RDX, x64_at (RCX, offsetof (wasm_table, size)));
  x64_emit_trap_if (fc, CC_AE, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  x64_load (b, W_64, RCX, x64_at (RCX, offsetof (wasm_table, elems)));
  x64_mem elem = { RCX, RDX, 8, 0 };
  if (get)
    {
      x64_load (b, W_64, RAX, elem);
      x64_emit_result (fc, w[2], false);
    }
  else
    x64_store (b, 8, elem, R11);
}

/* table.fill [op, table, i, value, n] */
static void emit_table_fill (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_U32, RDX, w[2]);
  x64_emit_load (fc, W_U32, R11, w[4]);
  x64_emit_load (fc, W_64, RAX, w[3]);
  table_of (b, RSI, w[1]);
  x64_load (b, W_U32, RCX, x64_at (RSI, offsetof (wasm_table, size)));
  check_range (fc, RDX, R11, RCX, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  x64_load (b, W_64, RDI, x64_at (RSI, offsetof (wasm_table, elems)));
  x64_lea (b, RDI, (x64_mem){ RDI, RDX, 8, 0 });
  x64_mov_rr (b, true, RCX, R11);
  x64_rep_stosq (b);
}

/* table.copy [op, dst table, src table, d, s, n] */
static void emit_table_copy (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  x64_emit_load (fc, W_U32, RDX, w[3]);
  x64_emit_load (fc, W_U32, RAX, w[4]);
  x64_emit_load (fc, W_U32, R11, w[5]);
  table_of (b, RSI, w[2]);
  x64_load (b, W_U32, RCX, x64_at (RSI, offsetof (wasm_table, size)));
  table_of (b, R8, w[1]);
  x64_load (b, W_U32, R9, x64_at (R8, offsetof (wasm_table, size)));
  check_range (fc, RDX, R11, R9, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  check_range (fc, RAX, R11, RCX, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  x64_load (b, W_64, RSI, x64_at (RSI, offsetof (wasm_table, elems)));
  x64_lea (b, RSI, (x64_mem){ RSI, RAX, 8, 0 });
  x64_load (b, W_64, RDI, x64_at (R8, offsetof (wasm_table, elems)));
  x64_lea (b, RDI, (x64_mem){ RDI, RDX, 8, 0 });
  x64_mov_rr (b, true, RCX, R11);
  x64_shift_ri (b, SH_SHL, true, RCX, 3);
  /* Overlap within one table is what needs the backward copy; across two tables the
   * test is harmless (forward or backward, distinct arrays copy the same). */
  move_bytes (b);
}

/* table.init [op, seg, table, d, s, n] */
static void emit_table_init (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = x64_emit_buf (fc);
  uint32_t seg = w[1];
  x64_emit_load (fc, W_U32, RDX, w[3]);
  x64_emit_load (fc, W_U32, RAX, w[4]);
  x64_emit_load (fc, W_U32, R11, w[5]);
  x64_load (b, W_64, RCX, x64_at (INST, offsetof (wasm_instance, elem_len)));
  x64_load (b, W_U32, RCX, x64_at (RCX, (int32_t) (seg * 4)));
  check_range (fc, RAX, R11, RCX, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  table_of (b, R8, w[2]);
  x64_load (b, W_U32, RCX, x64_at (R8, offsetof (wasm_table, size)));
  check_range (fc, RDX, R11, RCX, WASM_TRAP_TABLE_OUT_OF_BOUNDS);
  x64_load (b, W_64, RSI, x64_at (INST, offsetof (wasm_instance, elem_items)));
  x64_load (b, W_64, RSI, x64_at (RSI, (int32_t) (seg * 8)));
  x64_lea (b, RSI, (x64_mem){ RSI, RAX, 8, 0 });
  x64_load (b, W_64, RDI, x64_at (R8, offsetof (wasm_table, elems)));
  x64_lea (b, RDI, (x64_mem){ RDI, RDX, 8, 0 });
  x64_mov_rr (b, true, RCX, R11);
  x64_shift_ri (b, SH_SHL, true, RCX, 3);
  x64_rep_movsb (b);
}

bool x64_bulk_emit (fn_compiler *fc)
{
  const uint32_t *w = x64_emit_words (fc);
  x64_buf *b = x64_emit_buf (fc);
  switch (w[0])
    {
    case OP_memory_size: /* [op, dst] */
      memory_bytes (b, RAX);
      x64_shift_ri (b, SH_SHR, true, RAX, 16);
      x64_emit_result (fc, w[1], true);
      return true;
    case OP_memory_fill: emit_memory_fill (fc, w); return true;
    case OP_memory_copy: emit_memory_copy (fc, w); return true;
    case OP_memory_init: emit_memory_init (fc, w); return true;
    case OP_data_drop: emit_drop (fc, offsetof (wasm_instance, data_len), w[1]); return true;
    case OP_elem_drop: emit_drop (fc, offsetof (wasm_instance, elem_len), w[1]); return true;
    case OP_table_get: emit_table_access (fc, w, true); return true;
    case OP_table_set: emit_table_access (fc, w, false); return true;
    case OP_table_size: /* [op, table, dst] */
      table_of (b, RCX, w[1]);
      x64_load (b, W_U32, RAX, x64_at (RCX, offsetof (wasm_table, size)));
      x64_emit_result (fc, w[2], true);
      return true;
    case OP_table_fill: emit_table_fill (fc, w); return true;
    case OP_table_copy: emit_table_copy (fc, w); return true;
    case OP_table_init: emit_table_init (fc, w); return true;
    case OP_ref_func: /* [op, dst, func] */
      x64_load (b, W_64, RAX, x64_at (INST, offsetof (wasm_instance, funcs)));
      x64_load (b, W_64, RAX, x64_at (RAX, (int32_t) (w[2] * 8)));
      x64_emit_result (fc, w[1], false);
      return true;
    case OP_ref_is_null: /* [op, dst, ref] */
      x64_emit_load (fc, W_64, RCX, w[2]);
      x64_test_rr (b, true, RCX, RCX);
      x64_setcc (b, CC_E, RAX);
      x64_movzx8_rr (b, RAX, RAX);
      x64_emit_result (fc, w[1], true);
      return true;
    }
  return false;
}
