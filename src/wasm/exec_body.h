/* The interpreter loop, included twice by exec.c: EXEC_NAME is the function's name and
 * MEM_CHECKED says whether memory accesses check bounds explicitly (1) or rely on the guard
 * pages of a reserved memory (0); FUEL says whether every instruction costs one unit of
 * store->fuel (kept in a local while the loop runs). Dispatch is threaded: every handler ends with an indirect
 * jump to the next instruction's handler. Registers: ip (current instruction), fp (frame),
 * inst (current instance), mem_base / mem_size (its memory 0). */

int EXEC_NAME (exec_ctx *ctx, wasm_func *func, slot_t *fp)
{
  /* Ids no handler implements (a form an op does not have) lead to bad_op, a trap, should
   * the translator ever emit one: never to a null jump. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
  static const void *const labels[OP_COUNT] = {
    [0 ... OP_COUNT - 1] = &&L_bad_op,
#define CORE_LABEL(name) [OP_##name] = &&L_##name,
    CORE_OPS (CORE_LABEL)
#undef CORE_LABEL
#define IMM_LABEL(name) [OP_##name##_imm] = &&L_##name##_imm,
#define BR_LABELS(name) [OP_br_##name] = &&L_br_##name, [OP_br_##name##_imm] = &&L_br_##name##_imm,
#define ADD_BR_LABELS(name) [OP_addbr_##name] = &&L_addbr_##name, [OP_incbr_##name] = &&L_incbr_##name,
#define MEM_LABEL(name) [OP_##name##_mem] = &&L_##name##_mem, [OP_##name##_rmw] = &&L_##name##_rmw,
#define FUSE_LABELS_0(name)
#define FUSE_LABELS_1(name) IMM_LABEL (name)
#define FUSE_LABELS_2(name) IMM_LABEL (name) BR_LABELS (name) ADD_BR_LABELS (name)
#define FUSE_LABELS_3(name) IMM_LABEL (name) MEM_LABEL (name)
#define FUSE_LABELS_4(name) MEM_LABEL (name)
#define FUSE_LABELS_5(name) IMM_LABEL (name) BR_LABELS (name)
#define NUM_LABEL(opc, name, shape, tin, tout, fin, fout, expr, fuse) [OP_##name] = &&L_##name, FUSE_LABELS_##fuse (name)
    NUMERIC_OPS (NUM_LABEL)
#undef NUM_LABEL
#define ADDR_LABELS(opc, name, type, field, ctype, bytes) [OP_##name] = &&L_##name, [OP_##name##_addimm] = &&L_##name##_addimm, \
                                                          [OP_##name##_abs] = &&L_##name##_abs,
#define STORE_LABELS(opc, name, type, field, ctype, bytes) ADDR_LABELS (opc, name, type, field, ctype, bytes) \
                                                           [OP_##name##_imm] = &&L_##name##_imm,
    LOAD_OPS (ADDR_LABELS) STORE_OPS (STORE_LABELS)
#define SHIFTED_LABEL(op, shift, expr, shift_expr) [OP_i32_##op##_##shift] = &&L_i32_##op##_##shift,
    SHIFTED_OPS (SHIFTED_LABEL)
#undef SHIFTED_LABEL
#undef ADDR_LABELS
#undef STORE_LABELS
  };
#pragma GCC diagnostic pop
  wasm_store *store = ctx->store;
  atomic_int *interrupt = &store->interrupt;
  /* Call frames of this entry are pushed at top, from entry up to (at most) frames_end. */
  const uint32_t entry_depth = store->depth;
  call_frame *const entry = store->frames + entry_depth;
  call_frame *const frames_end = store->frames + store->limits.max_call_depth;
  call_frame *top = entry;
  slot_t *const stack_end = store->stack_end;
  wasm_instance *inst = func->inst;
  const uint32_t *ip;
  uint8_t *mem_base = NULL;
  uint64_t mem_size = 0;
  wasm_trap_kind trap_kind = WASM_TRAP_NONE;
  const char *trap_message = NULL;
  (void) mem_size; /* unused when guard pages do the bounds checks */
#if FUEL
  int64_t fuel = store->fuel;
#define FUEL_SAVE() (store->fuel = fuel < 0 ? 0 : fuel)
#define FUEL_LOAD() (fuel = store->fuel)
#else
#define FUEL_SAVE() ((void) 0)
#define FUEL_LOAD() ((void) 0)
#endif

#define RELOAD_MEMORY()                                                                       \
  do {                                                                                        \
    if (inst->mem0)                                                                           \
      {                                                                                       \
        mem_base = inst->mem0->base;                                                          \
        mem_size = inst->mem0->size;                                                          \
      }                                                                                       \
  } while (0)
#ifdef RUNWASM_OP_PROFILE
  uint32_t prof_prev = OP_COUNT - 1;
#define NEXT()                                                                                \
  do {                                                                                        \
    op_profile_ops[*ip]++;                                                                    \
    op_profile_pairs[prof_prev][*ip]++;                                                       \
    prof_prev = *ip;                                                                          \
    op_profile_func (func->index, 1);                                                         \
    goto *labels[*ip];                                                                        \
  } while (0)
#elif FUEL
#define NEXT()                                                                                \
  do {                                                                                        \
    if (__builtin_expect (--fuel < 0, 0))                                                     \
      TRAP (OUT_OF_FUEL);                                                                     \
    goto *labels[*ip];                                                                        \
  } while (0)
#else
#define NEXT() goto *labels[*ip]
#endif
/* Results always write the whole 8-byte slot: a 4-byte store followed by an 8-byte load of
 * the same slot (copy64, select64, global.set) defeats store-to-load forwarding. */
#define SET_u32(s, v) ((s).u64 = (uint32_t) (v))
#define SET_i32(s, v) ((s).u64 = (uint32_t) (int32_t) (v))
#define SET_u64(s, v) ((s).u64 = (uint64_t) (v))
#define SET_i64(s, v) ((s).i64 = (int64_t) (v))
#define SET_f32(s, v) ((s).u64 = f32_bits (v))
#define SET_f64(s, v) ((s).f64 = (v))
#define S(i) fp[ip[i]]
#define TRAP(kind)                                                                            \
  do {                                                                                        \
    trap_kind = WASM_TRAP_##kind;                                                             \
    goto trap;                                                                                \
  } while (0)
#define TRAP_MSG(kind, msg)                                                                   \
  do {                                                                                        \
    trap_message = (msg);                                                                     \
    TRAP (kind);                                                                              \
  } while (0)
#define CHECK_INTERRUPT()                                                                     \
  do {                                                                                        \
    if (__builtin_expect (atomic_load_explicit (interrupt, memory_order_relaxed), 0))         \
      TRAP (INTERRUPTED);                                                                     \
  } while (0)
#define JUMP(disp_word)                                                                       \
  do {                                                                                        \
    ip += (int32_t) ip[disp_word];                                                            \
    CHECK_INTERRUPT ();                                                                       \
    NEXT ();                                                                                  \
  } while (0)
#if MEM_CHECKED
#define EA(addr, offset, n)                                                                   \
  ({                                                                                          \
    uint64_t ea_ = (uint64_t) (addr) + (offset);                                              \
    if (__builtin_expect (ea_ + (n) > mem_size, 0))                                           \
      TRAP (MEMORY_OUT_OF_BOUNDS);                                                            \
    ea_;                                                                                      \
  })
#else
#define EA(addr, offset, n) ((uint64_t) (addr) + (offset))
#endif
#define DIV_S(a, b, min)                                                                      \
  ({                                                                                          \
    if (b == 0)                                                                               \
      TRAP (INTEGER_DIVIDE_BY_ZERO);                                                          \
    if (a == min && b == -1)                                                                  \
      TRAP (INTEGER_OVERFLOW);                                                                \
    a / b;                                                                                    \
  })
#define REM_S(a, b)                                                                           \
  ({                                                                                          \
    if (b == 0)                                                                               \
      TRAP (INTEGER_DIVIDE_BY_ZERO);                                                          \
    b == -1 ? 0 : a % b;                                                                      \
  })
#define DIV_U(a, b)                                                                           \
  ({                                                                                          \
    if (b == 0)                                                                               \
      TRAP (INTEGER_DIVIDE_BY_ZERO);                                                          \
    a / b;                                                                                    \
  })
#define REM_U(a, b)                                                                           \
  ({                                                                                          \
    if (b == 0)                                                                               \
      TRAP (INTEGER_DIVIDE_BY_ZERO);                                                          \
    a % b;                                                                                    \
  })
#define TRUNC(a, in_range, T)                                                                 \
  ({                                                                                          \
    if (a != a)                                                                               \
      TRAP (INVALID_CONVERSION);                                                              \
    if (!(in_range))                                                                          \
      TRAP (INTEGER_OVERFLOW);                                                                \
    (T) a;                                                                                    \
  })
#define SAT(a, lo, hi, T, min, max) (a != a ? (T) 0 : a <= (lo) ? (T) (min) : a >= (hi) ? (T) (max) : (T) a)

  /* Entry: the caller (exec_invoke) checked the stack and placed the arguments. */
  ctx->current = func;
  ctx->entry = ctx->top = entry;
  {
    const code_t *code = func->code;
    memset (fp + code->param_slots, 0, code->local_slots * sizeof *fp);
    ip = code_words (code);
    RELOAD_MEMORY ();
    NEXT ();
  }

  /* ---- Numeric ---- */
#define NUM_HANDLER_U(name, fin, fout, expr)                                                  \
  L_##name: {                                                                                 \
    __typeof__ (fp->fin) a = S (2).fin;                                                       \
    SET_##fout (S (1), (expr));                                                               \
    ip += 3;                                                                                  \
    NEXT ();                                                                                  \
  }
#define NUM_HANDLER_B(name, fin, fout, expr)                                                  \
  L_##name: {                                                                                 \
    __typeof__ (fp->fin) a = S (2).fin, b = S (3).fin;                                        \
    SET_##fout (S (1), (expr));                                                               \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
#define IMM_HANDLER(name, fin, fout, expr)                                                    \
  L_##name##_imm: {                                                                           \
    __typeof__ (fp->fin) a = S (2).fin, b = (__typeof__ (fp->fin)) (int32_t) ip[3];           \
    SET_##fout (S (1), (expr));                                                               \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
#define MEM_HANDLER(name, fin, fout, expr)                                                    \
  L_##name##_mem: {                                                                           \
    __typeof__ (fp->fin) a = S (2).fin, b;                                                    \
    memcpy (&b, mem_base + EA ((uint32_t) (S (3).u32 + ip[5]), ip[4], sizeof b), sizeof b);   \
    SET_##fout (S (1), (expr));                                                               \
    ip += 6;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_rmw: {                                                                           \
    __typeof__ (fp->fin) a = S (2).fin, b;                                                    \
    uint8_t *p_ = mem_base + EA (S (1).u32, ip[3], sizeof b);                                 \
    memcpy (&b, p_, sizeof b);                                                                \
    __typeof__ (fp->fin) r_ = (expr);                                                         \
    memcpy (p_, &r_, sizeof r_);                                                              \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
#define FUSE_HANDLERS_0(name, fin, fout, expr)
#define FUSE_HANDLERS_1(name, fin, fout, expr) IMM_HANDLER (name, fin, fout, expr)
#define FUSE_HANDLERS_3(name, fin, fout, expr) IMM_HANDLER (name, fin, fout, expr) MEM_HANDLER (name, fin, fout, expr)
#define FUSE_HANDLERS_4(name, fin, fout, expr) MEM_HANDLER (name, fin, fout, expr)
/* Compare-and-branch on two registers. */
#define BR_HANDLER(name, fin, expr)                                                           \
  L_br_##name: {                                                                              \
    __typeof__ (fp->fin) a = S (1).fin, b = S (2).fin;                                        \
    if (expr)                                                                                 \
      JUMP (3);                                                                               \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
/* Float compares: the constant is the operand's width, one or two words. */
#define FUSE_HANDLERS_5(name, fin, fout, expr)                                                \
  L_##name##_imm: {                                                                           \
    __typeof__ (fp->fin) a = S (2).fin, b;                                                    \
    memcpy (&b, ip + 3, sizeof b);                                                            \
    SET_##fout (S (1), (expr));                                                               \
    ip += 3 + sizeof b / 4;                                                                   \
    NEXT ();                                                                                  \
  }                                                                                           \
  BR_HANDLER (name, fin, expr)                                                                \
  L_br_##name##_imm: {                                                                        \
    __typeof__ (fp->fin) a = S (1).fin, b;                                                    \
    memcpy (&b, ip + 2, sizeof b);                                                            \
    if (expr)                                                                                 \
      JUMP (2 + sizeof b / 4);                                                                \
    ip += 3 + sizeof b / 4;                                                                   \
    NEXT ();                                                                                  \
  }
#define FUSE_HANDLERS_2(name, fin, fout, expr)                                                \
  IMM_HANDLER (name, fin, fout, expr)                                                         \
  BR_HANDLER (name, fin, expr)                                                                \
  L_br_##name##_imm: {                                                                        \
    __typeof__ (fp->fin) a = S (1).fin, b = (__typeof__ (fp->fin)) (int32_t) ip[2];           \
    if (expr)                                                                                 \
      JUMP (3);                                                                               \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_addbr_##name: {                                                                           \
    __typeof__ (fp->fin) a = (__typeof__ (fp->fin)) (S (2).u64 + S (3).u64);                  \
    S (1).u64 = sizeof a == 4 ? (uint64_t) (uint32_t) a : (uint64_t) a;                       \
    __typeof__ (fp->fin) b = S (4).fin;                                                       \
    if (expr)                                                                                 \
      JUMP (5);                                                                               \
    ip += 6;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_incbr_##name: {                                                                           \
    __typeof__ (fp->fin) a = (__typeof__ (fp->fin)) (S (2).u64 + (uint64_t) (int64_t) (int32_t) ip[3]); \
    S (1).u64 = sizeof a == 4 ? (uint64_t) (uint32_t) a : (uint64_t) a;                       \
    __typeof__ (fp->fin) b = (__typeof__ (fp->fin)) (int32_t) ip[4];                          \
    if (expr)                                                                                 \
      JUMP (5);                                                                               \
    ip += 6;                                                                                  \
    NEXT ();                                                                                  \
  }
#define NUM_HANDLER(opc, name, shape, tin, tout, fin, fout, expr, fuse)                       \
  NUM_HANDLER_##shape (name, fin, fout, expr) FUSE_HANDLERS_##fuse (name, fin, fout, expr)
  NUMERIC_OPS (NUM_HANDLER)
#undef NUM_HANDLER

#define SHIFTED_HANDLER(op, shift, expr, shift_expr)                                          \
  L_i32_##op##_##shift: {                                                                     \
    uint32_t a = S (2).u32, x = S (3).u32, k = ip[4];                                         \
    uint32_t t = shift_expr;                                                                  \
    SET_u32 (S (1), expr);                                                                    \
    ip += 5;                                                                                  \
    NEXT ();                                                                                  \
  }
  SHIFTED_OPS (SHIFTED_HANDLER)
#undef SHIFTED_HANDLER
#define MULADD_HANDLERS(t, ctype)                                                             \
  L_##t##_muladd_rmw: {                                                                       \
    ctype x = S (2).t, y = S (3).t, m = x * y, v;                                             \
    uint8_t *p_ = mem_base + EA (S (1).u32, ip[4], sizeof v);                                 \
    memcpy (&v, p_, sizeof v);                                                                \
    v = m + v;                                                                                \
    memcpy (p_, &v, sizeof v);                                                                \
    ip += 5;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##t##_muladd_mem_rmw: {                                                                   \
    ctype x = S (2).t, y, v;                                                                  \
    memcpy (&y, mem_base + EA ((uint32_t) (S (3).u32 + ip[5]), ip[4], sizeof y), sizeof y);   \
    ctype m = x * y;                                                                          \
    uint8_t *p_ = mem_base + EA (S (1).u32, ip[6], sizeof v);                                 \
    memcpy (&v, p_, sizeof v);                                                                \
    v = m + v;                                                                                \
    memcpy (p_, &v, sizeof v);                                                                \
    ip += 7;                                                                                  \
    NEXT ();                                                                                  \
  }
  MULADD_HANDLERS (f32, float)
  MULADD_HANDLERS (f64, double)
#undef MULADD_HANDLERS
L_i32_funnel:
  SET_u32 (S (1), (S (2).u32 << ip[3]) | (S (4).u32 >> ip[5]));
  ip += 6;
  NEXT ();

  /* ---- Memory ---- */
#define LOAD_HANDLER(opc, name, type, field, ctype, bytes)                                     \
  L_##name: {                                                                                 \
    ctype v;                                                                                  \
    memcpy (&v, mem_base + EA (S (2).u32, ip[3], bytes), bytes);                              \
    SET_##field (S (1), v);                                                                   \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_addimm: {                                                                        \
    ctype v;                                                                                  \
    memcpy (&v, mem_base + EA ((uint32_t) (S (2).u32 + ip[4]), ip[3], bytes), bytes);         \
    SET_##field (S (1), v);                                                                   \
    ip += 5;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_abs: {                                                                           \
    ctype v;                                                                                  \
    memcpy (&v, mem_base + EA (ip[2], ip[3], bytes), bytes);                                  \
    SET_##field (S (1), v);                                                                   \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
  LOAD_OPS (LOAD_HANDLER)
#undef LOAD_HANDLER
#define STORE_HANDLER(opc, name, type, field, ctype, bytes)                                    \
  L_##name: {                                                                                 \
    ctype v = (ctype) S (2).field;                                                            \
    memcpy (mem_base + EA (S (1).u32, ip[3], bytes), &v, bytes);                              \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_addimm: {                                                                        \
    ctype v = (ctype) S (2).field;                                                            \
    memcpy (mem_base + EA ((uint32_t) (S (1).u32 + ip[4]), ip[3], bytes), &v, bytes);         \
    ip += 5;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_abs: {                                                                           \
    ctype v = (ctype) S (2).field;                                                            \
    memcpy (mem_base + EA (ip[1], ip[3], bytes), &v, bytes);                                  \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }                                                                                           \
  L_##name##_imm: {                                                                           \
    ctype v = (ctype) (int64_t) (int32_t) ip[2];                                              \
    memcpy (mem_base + EA (S (1).u32, ip[3], bytes), &v, bytes);                              \
    ip += 4;                                                                                  \
    NEXT ();                                                                                  \
  }
  STORE_OPS (STORE_HANDLER)
#undef STORE_HANDLER

#define MEM_MOVE_HANDLER(n)                                                                   \
  L_mem_move##n: {                                                                            \
    uint8_t v_[n];                                                                            \
    memcpy (v_, mem_base + EA ((uint32_t) (S (3).u32 + ip[5]), ip[4], n), n);                 \
    memcpy (mem_base + EA (S (1).u32, ip[2], n), v_, n);                                      \
    ip += 6;                                                                                  \
    NEXT ();                                                                                  \
  }
  MEM_MOVE_HANDLER (1)
  MEM_MOVE_HANDLER (2)
  MEM_MOVE_HANDLER (4)
  MEM_MOVE_HANDLER (8)
#undef MEM_MOVE_HANDLER

L_memory_size:
  S (1).u64 = inst->mem0->size / WASM_PAGE_SIZE;
  ip += 2;
  NEXT ();
L_memory_grow: {
  int64_t old = memory_grow_pages (inst->mem0, S (2).u32);
  if (old < 0 && store->limits.trap_on_grow_failure)
    TRAP_MSG (GROW_FAILED, "memory.grow failed (trap on grow failure)");
  SET_i32 (S (1), old);
  RELOAD_MEMORY ();
}
  ip += 3;
  NEXT ();
L_memory_fill: {
  uint64_t d = S (1).u32, n = S (3).u32;
  if (d + n > inst->mem0->size)
    TRAP (MEMORY_OUT_OF_BOUNDS);
  if (n)
    memset (mem_base + d, (int) S (2).u32, n);
  ip += 4;
  NEXT ();
}
L_memory_copy: {
  uint64_t d = S (1).u32, s = S (2).u32, n = S (3).u32;
  if (d + n > inst->mem0->size || s + n > inst->mem0->size)
    TRAP (MEMORY_OUT_OF_BOUNDS);
  if (n)
    memmove (mem_base + d, mem_base + s, n);
  ip += 4;
  NEXT ();
}
L_memory_init: {
  uint32_t seg = ip[1];
  uint64_t d = S (2).u32, s = S (3).u32, n = S (4).u32;
  if (s + n > inst->data_len[seg] || d + n > inst->mem0->size)
    TRAP (MEMORY_OUT_OF_BOUNDS);
  if (n)
    memcpy (mem_base + d, inst->module->datas[seg].bytes + s, n);
  ip += 5;
  NEXT ();
}
L_data_drop:
  inst->data_len[ip[1]] = 0;
  ip += 2;
  NEXT ();

  /* ---- Tables and references ---- */
L_table_get: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t i = S (3).u32;
  if (i >= t->size)
    TRAP_MSG (TABLE_OUT_OF_BOUNDS, "out of bounds table access");
  S (2).ref = t->elems[i];
  ip += 4;
  NEXT ();
}
L_table_set: {
  wasm_table *t = inst->tables[ip[1]];
  uint32_t i = S (2).u32;
  if (i >= t->size)
    TRAP_MSG (TABLE_OUT_OF_BOUNDS, "out of bounds table access");
  t->elems[i] = S (3).ref;
  ip += 4;
  NEXT ();
}
L_table_size:
  S (2).u64 = inst->tables[ip[1]]->size;
  ip += 3;
  NEXT ();
L_table_grow: {
  int64_t old = table_grow_elems (inst->tables[ip[1]], S (4).u32, S (3).ref);
  if (old < 0 && store->limits.trap_on_grow_failure)
    TRAP_MSG (GROW_FAILED, "table.grow failed (trap on grow failure)");
  SET_i32 (S (2), old);
  ip += 5;
  NEXT ();
}
L_table_fill: {
  wasm_table *t = inst->tables[ip[1]];
  uint64_t i = S (2).u32, n = S (4).u32;
  void *v = S (3).ref;
  if (i + n > t->size)
    TRAP_MSG (TABLE_OUT_OF_BOUNDS, "out of bounds table access");
  for (uint64_t k = 0; k < n; k++)
    t->elems[i + k] = v;
  ip += 5;
  NEXT ();
}
L_table_copy: {
  wasm_table *td = inst->tables[ip[1]], *ts = inst->tables[ip[2]];
  uint64_t d = S (3).u32, s = S (4).u32, n = S (5).u32;
  if (d + n > td->size || s + n > ts->size)
    TRAP_MSG (TABLE_OUT_OF_BOUNDS, "out of bounds table access");
  if (n)
    memmove (td->elems + d, ts->elems + s, n * sizeof *td->elems);
  ip += 6;
  NEXT ();
}
L_table_init: {
  uint32_t seg = ip[1];
  wasm_table *t = inst->tables[ip[2]];
  uint64_t d = S (3).u32, s = S (4).u32, n = S (5).u32;
  if (s + n > inst->elem_len[seg] || d + n > t->size)
    TRAP_MSG (TABLE_OUT_OF_BOUNDS, "out of bounds table access");
  if (n)
    memcpy (t->elems + d, inst->elem_items[seg] + s, n * sizeof *t->elems);
  ip += 6;
  NEXT ();
}
L_elem_drop:
  inst->elem_len[ip[1]] = 0;
  ip += 2;
  NEXT ();
L_ref_func:
  S (1).ref = inst->funcs[ip[2]];
  ip += 3;
  NEXT ();
L_ref_is_null:
  S (1).u64 = S (2).ref == NULL;
  ip += 3;
  NEXT ();

  /* ---- Variables, constants, select ---- */
L_moves: {
  uint32_t n = ip[1];
  const uint32_t *m = ip + 2;
  do
    {
      fp[m[0]] = fp[m[1]];
      m += 2;
    }
  while (--n);
  ip = m;
  NEXT ();
}
L_copy128:
  memmove (&S (1), &S (2), 16);
  ip += 3;
  NEXT ();
L_const32:
  S (1).u64 = ip[2];
  ip += 3;
  NEXT ();
L_const64:
  S (1).u64 = ip[2] | (uint64_t) ip[3] << 32;
  ip += 4;
  NEXT ();
L_const128:
  memcpy (&S (1), ip + 2, 16);
  ip += 6;
  NEXT ();
L_select64:
  S (1) = S (4).u32 ? S (2) : S (3);
  ip += 5;
  NEXT ();
L_select128:
  memmove (&S (1), S (4).u32 ? &S (2) : &S (3), 16);
  ip += 5;
  NEXT ();
L_global_get:
  S (1) = inst->globals[ip[2]]->val.s;
  ip += 3;
  NEXT ();
L_global_set:
  inst->globals[ip[1]]->val.s = S (2);
  ip += 3;
  NEXT ();
L_global_get128:
  memcpy (&S (1), &inst->globals[ip[2]]->val.v128, 16);
  ip += 3;
  NEXT ();
L_global_set128:
  memcpy (&inst->globals[ip[1]]->val.v128, &S (2), 16);
  ip += 3;
  NEXT ();

  /* ---- Control ---- */
L_unreachable:
  TRAP (UNREACHABLE);
L_bad_op:
  TRAP_MSG (HOST, "internal error: invalid instruction");
L_jump:
  JUMP (1);
L_br_if:
  if (S (1).u32)
    JUMP (2);
  ip += 3;
  NEXT ();
L_br_ifz:
  if (!S (1).u32)
    JUMP (2);
  ip += 3;
  NEXT ();
L_br_table: {
  uint32_t i = S (1).u32, n = ip[2];
  const uint32_t *target = ip + 5 + 2 * (i < n ? i : n);
  if (ip[4])
    memmove (fp + target[1], fp + ip[3], ip[4] * sizeof *fp);
  ip += (int32_t) target[0];
  CHECK_INTERRUPT ();
  NEXT ();
}
L_ret:
  if (top == entry)
    {
      FUEL_SAVE ();
      return 0;
    }
  {
    call_frame *f = --top;
    ctx->top = top;
    ip = f->ip;
    fp = f->fp;
    func = f->func;
    ctx->current = func;
    if (func->inst != inst)
      {
        inst = func->inst;
        RELOAD_MEMORY ();
      }
    NEXT ();
  }

  {
    wasm_func *callee;
    slot_t *callee_fp;
    uint32_t len;
L_call:
    callee = inst->funcs[ip[1]];
    callee_fp = fp + ip[2];
    len = 3;
    goto call;
L_call_moves:
    for (uint32_t k = 0, n = ip[3]; k < n; k++)
      fp[ip[4 + 2 * k]] = fp[ip[5 + 2 * k]];
    callee = inst->funcs[ip[1]];
    callee_fp = fp + ip[2];
    len = 4 + 2 * ip[3];
    goto call;
L_call_indirect_moves:
    len = 6 + 2 * ip[5];
    goto call_indirect;
L_call_indirect:
    len = 5;
  call_indirect: {
    wasm_table *t = inst->tables[ip[1]];
    uint32_t i = S (4).u32;
    if (i >= t->size)
      TRAP_MSG (TABLE_OUT_OF_BOUNDS, "undefined element");
    callee = t->elems[i];
    if (!callee)
      TRAP (UNINITIALIZED_ELEMENT);
    if (!functype_equal (callee->type, &inst->module->types[ip[2]]))
      TRAP (INDIRECT_CALL_MISMATCH);
    callee_fp = fp + ip[3];
    if (len > 5)
      for (uint32_t k = 0, n = ip[5]; k < n; k++)
        fp[ip[6 + 2 * k]] = fp[ip[7 + 2 * k]];
  }
  call:
    CHECK_INTERRUPT ();
    if (callee->host)
      {
        store->depth = (uint32_t) (top - store->frames);
        FUEL_SAVE ();
        if (exec_call_host (ctx, callee, inst, callee_fp) < 0)
          {
            store->depth = entry_depth;
            backtrace_capture (ctx->trap, func, ip, top, entry);
            return -1;
          }
        FUEL_LOAD ();
        RELOAD_MEMORY ();
        ip += len;
        NEXT ();
      }
    {
      const code_t *code = callee->code;
      if (top >= frames_end || callee_fp + code->frame_slots > stack_end)
        TRAP (CALL_STACK_EXHAUSTED);
      *top++ = (call_frame){ ip + len, fp, func };
      ctx->top = top;
      func = callee;
      ctx->current = func;
      fp = callee_fp;
      for (slot_t *p = fp + code->param_slots, *end = p + code->local_slots; p < end; p++)
        p->u64 = 0;
      ip = code_words (code);
      if (callee->inst != inst)
        {
          inst = callee->inst;
          RELOAD_MEMORY ();
        }
      NEXT ();
    }
  }

  /* The first call of a lazily loaded function (its code is code_untranslated): translate
   * it and start again at its first instruction; the call already set up the frame. This
   * stand-in costs no fuel. */
L_translate:
  if (code_translate ((wasm_module *) func->inst->module, func->index) < 0)
    TRAP_MSG (HOST, "out of memory translating a function");
#if FUEL
  fuel++;
#endif
  ip = code_words (func->code);
  NEXT ();

  /* ---- SIMD: operands go through 16-byte temporaries to the op's function ---- */
#define SIMD_FN(word) ((simd_fn) (uintptr_t) (ip[word] | (uint64_t) ip[(word) + 1] << 32))
L_simd: {
  wasm_v128 in[3], out;
  uint32_t flags = ip[2];
  for (int k = 0; k < 3; k++)
    {
      if (flags & (1u << k))
        memcpy (&in[k], &S (3 + k), 16);
      else
        {
          in[k].u64[0] = flags & (32u << k) ? S (3 + k).u32 : S (3 + k).u64;
          in[k].u64[1] = 0;
        }
    }
  SIMD_FN (6) (&out, &in[0], &in[1], &in[2], (const uint8_t *) (ip + 8));
  if (flags & 16)
    memcpy (&S (1), &out, 16);
  else if (flags & 8)
    S (1).u64 = out.u64[0];
  ip += 12;
  NEXT ();
}
L_simd_load: {
  wasm_v128 b = { 0 }, out;
  uint32_t n = ip[4];
  memcpy (&b, mem_base + EA (S (2).u32, ip[3], n), n);
  SIMD_FN (5) (&out, NULL, &b, NULL, NULL);
  memcpy (&S (1), &out, 16);
  ip += 7;
  NEXT ();
}
L_simd_load_lane: {
  wasm_v128 a, b = { 0 }, out;
  uint32_t n = ip[5];
  uint8_t lane = (uint8_t) ip[6];
  memcpy (&a, &S (3), 16);
  memcpy (&b, mem_base + EA (S (2).u32, ip[4], n), n);
  SIMD_FN (7) (&out, &a, &b, NULL, &lane);
  memcpy (&S (1), &out, 16);
  ip += 9;
  NEXT ();
}
L_simd_store:
  memcpy (mem_base + EA (S (1).u32, ip[3], 16), &S (2), 16);
  ip += 4;
  NEXT ();
L_simd_store_lane: {
  wasm_v128 a, out;
  uint32_t n = ip[5];
  uint8_t lane = (uint8_t) ip[6];
  memcpy (&a, &S (3), 16);
  SIMD_FN (7) (&out, &a, NULL, NULL, &lane);
  memcpy (mem_base + EA (S (2).u32, ip[4], n), &out, n);
  ip += 9;
  NEXT ();
}

trap:
  store->depth = entry_depth;
  FUEL_SAVE ();
  trap_set (ctx->trap, trap_kind, func, trap_message);
  backtrace_capture (ctx->trap, func, ip, top, entry);
  return -1;

#undef RELOAD_MEMORY
#undef FUEL_SAVE
#undef FUEL_LOAD
#undef NEXT
#undef S
#undef TRAP
#undef TRAP_MSG
#undef CHECK_INTERRUPT
#undef JUMP
#undef EA
#undef DIV_S
#undef REM_S
#undef DIV_U
#undef REM_U
#undef TRUNC
#undef SAT
#undef SIMD_FN
#undef SET_f64
#undef SET_f32
#undef SET_i64
#undef SET_u64
#undef SET_i32
#undef SET_u32
#undef NUM_HANDLER_U
#undef NUM_HANDLER_B
#undef FUSE_HANDLERS_0
#undef FUSE_HANDLERS_1
#undef FUSE_HANDLERS_2
#undef FUSE_HANDLERS_3
#undef FUSE_HANDLERS_4
#undef FUSE_HANDLERS_5
#undef IMM_HANDLER
#undef MEM_HANDLER
#undef IMM_LABEL
#undef BR_LABELS
#undef ADD_BR_LABELS
#undef BR_HANDLER
#undef MEM_LABEL
#undef FUSE_LABELS_0
#undef FUSE_LABELS_1
#undef FUSE_LABELS_2
#undef FUSE_LABELS_3
#undef FUSE_LABELS_4
#undef FUSE_LABELS_5
}
