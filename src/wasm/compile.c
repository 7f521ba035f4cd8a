/* Function bodies: validation and translation to internal code in one pass.
 *
 * The validator's operand stack doubles as a register allocator: every stack entry has a
 * canonical frame slot (its depth), and a current slot where the value actually is. local.get
 * pushes a lazy entry whose current slot is the local itself, so `local.get a; local.get b;
 * i32.add` becomes one instruction reading both locals. Lazy entries are copied to their
 * canonical slot ("materialized") before the local is written and at every control-flow
 * boundary, so all paths into a label agree on where values live. Peepholes: an i32 op
 * whose right operand is a just-emitted constant takes it as an immediate; a just-emitted
 * result followed by local.set/tee is written straight into the local; an i32 compare or
 * eqz followed by br_if becomes one compare-and-branch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/decode.h"
#include "wasm/ops.h"
#include "wasm/simd.h"

#define NONE UINT32_MAX
#define MAX_LOCALS 50000u

enum frame_kind { FRAME_BLOCK, FRAME_LOOP, FRAME_IF, FRAME_ELSE, FRAME_FUNC };

typedef struct ventry {
  wasm_valtype type; /* 0: unknown (only in unreachable code) */
  uint32_t slot, canon;
} ventry;

typedef struct patch { uint32_t instr, word; } patch;

typedef struct ctrl_frame {
  enum frame_kind kind;
  uint32_t nparams, nresults;
  const wasm_valtype *params, *results;
  uint32_t height, slot_height;
  bool unreachable; /* validation: the rest of the frame is unreachable (stack polymorphic) */
  bool dead;        /* the whole frame is unreachable code: nothing is emitted */
  uint32_t loop_pos;
  patch else_patch;
  patch *patches;
  uint32_t npatches, cap_patches;
} ctrl_frame;

typedef struct compiler {
  wasm_module *m;
  reader r;
  uint32_t func_index;
  const char *opname;
  const functype_t *type;
  uint32_t nlocals;
  wasm_valtype *local_type;
  uint32_t *local_slot;
  uint32_t locals_cap;
  uint32_t locals_slots;
  ventry *vs;
  uint32_t vn, vcap;
  uint32_t cur_slots, max_slots;
  uint32_t npending;
  ctrl_frame *cs;
  uint32_t cn, ccap;
  uint32_t *code;
  uint32_t n, cap;
  /* The last emitted instruction, for peepholes; NONE after a label. */
  uint32_t last_instr;
  op_id last_op;
  uint32_t last_dst; /* word of the last instruction's single result slot, or NONE */
  /* The same for the instruction right before it (NONE if a barrier came between): what a
   * peephole sees again when it drops the last instruction. */
  uint32_t prev_instr, prev_dst;
  op_id prev_op;
  /* The last `moves` instruction, while nothing follows it: further copies join it. */
  uint32_t moves_at;
  /* The last i32/i64 add (or add_imm) and, after a _mem op, the type it loaded: a
   * compare-and-branch on the add's result, or a store of the _mem op's result back to
   * where it loaded from, joins them. Both are forgotten at labels. */
  uint32_t add_at;
  wasm_valtype last_mem_type;
  /* Local slots (the first 256) known to still hold their initial zero: nothing wrote them
   * and no label was passed since the function's entry. */
  uint64_t zero_known[4];
  /* Backtrace offsets: the wasm instruction being translated, and the (word, offset) pairs
   * recorded so far (code_t.offsets). */
  uint32_t instr_offset;
  uint32_t *offsets;
  uint32_t noffsets, offsets_cap;
} compiler;

static const wasm_valtype single_types[] = { WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_V128,
                                             WASM_FUNCREF, WASM_EXTERNREF };

static const char *type_name (wasm_valtype t)
{
  switch (t)
    {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    }
  return "any";
}

static int invalid (compiler *c, const char *what)
{
  char op[48];
  snprintf (op, sizeof op, "%s", c->opname ? c->opname : "?");
  for (char *p = op; *p; p++)
    if (*p == '_' && p != op)
      *p = '.';
  return module_error (c->r.err, WASM_ERR_INVALID, "invalid: %s in %s in func %u", what, op, c->func_index);
}

/* ---- Code emission ----------------------------------------------------------------------- */

static bool live (compiler *c) { return !c->cs[c->cn - 1].unreachable && !c->cs[c->cn - 1].dead; }

static void emit_word (compiler *c, uint32_t w)
{
  if (c->n == c->cap)
    {
      c->cap = c->cap ? c->cap * 2 : 64;
      c->code = realloc (c->code, c->cap * sizeof *c->code);
    }
  c->code[c->n++] = w;
}

/* Remember which wasm instruction the instruction starting now came from. An instruction that
 * replaces a dropped one (a fusion) keeps the offset of the first it joins. */
static void note_offset (compiler *c)
{
  while (c->noffsets && c->offsets[2 * (c->noffsets - 1)] > c->n)
    c->noffsets--;
  uint32_t *last = c->noffsets ? c->offsets + 2 * (c->noffsets - 1) : NULL;
  if (last && (last[0] == c->n || last[1] == c->instr_offset))
    return;
  if (c->noffsets == c->offsets_cap)
    {
      uint32_t cap = c->offsets_cap ? c->offsets_cap * 2 : 64;
      uint32_t *grown = realloc (c->offsets, 2 * cap * sizeof *grown);
      if (!grown)
        return; /* out of memory: the backtrace shows an earlier offset */
      c->offsets = grown;
      c->offsets_cap = cap;
    }
  c->offsets[2 * c->noffsets] = c->n;
  c->offsets[2 * c->noffsets + 1] = c->instr_offset;
  c->noffsets++;
}

static size_t put_leb (uint8_t *out, size_t n, uint32_t v)
{
  do
    {
      if (out)
        out[n] = (uint8_t) ((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
      n++;
      v >>= 7;
    }
  while (v);
  return n;
}

/* The recorded pairs as code_t.offsets stores them; with out NULL, only the length. */
static size_t encode_offsets (const compiler *c, uint8_t *out)
{
  size_t n = 0;
  uint32_t word = 0, offset = 0;
  for (uint32_t i = 0; i < c->noffsets; i++)
    {
      n = put_leb (out, n, c->offsets[2 * i] - word);
      n = put_leb (out, n, c->offsets[2 * i + 1] - offset);
      word = c->offsets[2 * i];
      offset = c->offsets[2 * i + 1];
    }
  return n;
}

/* Start an instruction; returns its position. */
static uint32_t emit_op (compiler *c, op_id op)
{
  c->prev_instr = c->last_instr;
  c->prev_op = c->last_op;
  c->prev_dst = c->last_dst;
  c->last_instr = c->n;
  c->last_op = op;
  c->last_dst = NONE;
  note_offset (c);
  emit_word (c, op);
  return c->last_instr;
}

static void emit_u64 (compiler *c, uint64_t v)
{
  emit_word (c, (uint32_t) v);
  emit_word (c, (uint32_t) (v >> 32));
}

static void emit_ptr (compiler *c, const void *p) { emit_u64 (c, (uint64_t) (uintptr_t) p); }

/* No peephole may look back across this point. */
static void peephole_barrier (compiler *c)
{
  c->last_instr = c->prev_instr = NONE;
  c->last_op = c->prev_op = OP_COUNT;
  c->last_dst = c->prev_dst = NONE;
}

/* A position later code jumps to: besides the peepholes, nothing may join an instruction
 * before it, and the locals may hold anything. */
static void label_here (compiler *c)
{
  peephole_barrier (c);
  c->moves_at = NONE;
  c->add_at = NONE;
  memset (c->zero_known, 0, sizeof c->zero_known);
}

/* Remove the last instruction (a peephole is replacing it): the one before becomes the last
 * again, so a chain of fusions can continue. */
static void drop_last_instr (compiler *c)
{
  c->n = c->last_instr;
  c->last_instr = c->prev_instr;
  c->last_op = c->prev_op;
  c->last_dst = c->prev_dst;
  c->prev_instr = c->prev_dst = NONE;
  c->prev_op = OP_COUNT;
  c->moves_at = NONE;
  if (c->add_at != NONE && c->add_at >= c->n)
    c->add_at = NONE;
}

static bool local_known_zero (compiler *c, uint32_t slot)
{
  return slot < 256 && (c->zero_known[slot / 64] >> (slot % 64) & 1);
}

static void local_written (compiler *c, uint32_t slot)
{
  if (slot < 256)
    c->zero_known[slot / 64] &= ~(1ull << (slot % 64));
}

/* 64-bit copies in a row become one `moves` instruction [op, n, (dst, src) x n], run in
 * order: one dispatch instead of n. */
static void emit_copy (compiler *c, wasm_valtype t, uint32_t dst, uint32_t src)
{
  if (dst == src)
    return;
  if (t == WASM_V128)
    {
      emit_op (c, OP_copy128);
      emit_word (c, dst);
      emit_word (c, src);
      return;
    }
  if (c->moves_at != NONE && c->moves_at + 2 + 2 * c->code[c->moves_at + 1] == c->n)
    c->code[c->moves_at + 1]++;
  else
    {
      c->moves_at = emit_op (c, OP_moves);
      emit_word (c, 1);
    }
  emit_word (c, dst);
  emit_word (c, src);
  peephole_barrier (c);
}

/* ---- Operand stack ---------------------------------------------------------------------- */

static void push (compiler *c, wasm_valtype t)
{
  if (c->vn == c->vcap)
    {
      c->vcap = c->vcap ? c->vcap * 2 : 64;
      c->vs = realloc (c->vs, c->vcap * sizeof *c->vs);
    }
  c->vs[c->vn++] = (ventry){ t, c->cur_slots, c->cur_slots };
  c->cur_slots += t ? valtype_slots (t) : 1;
  if (c->cur_slots > c->max_slots)
    c->max_slots = c->cur_slots;
}

static void push_local_ref (compiler *c, wasm_valtype t, uint32_t local_slot)
{
  push (c, t);
  if (live (c))
    {
      c->vs[c->vn - 1].slot = local_slot;
      c->npending++;
    }
}

static int pop (compiler *c, wasm_valtype want, ventry *out)
{
  ctrl_frame *f = &c->cs[c->cn - 1];
  if (c->vn == f->height)
    {
      if (!f->unreachable)
        {
          char msg[64];
          snprintf (msg, sizeof msg, "type mismatch: expected %s, stack empty", type_name (want));
          return invalid (c, msg);
        }
      *out = (ventry){ 0, c->cur_slots, c->cur_slots };
      return 0;
    }
  ventry e = c->vs[--c->vn];
  c->cur_slots = e.canon;
  if (e.slot != e.canon)
    c->npending--;
  if (want && e.type && e.type != want)
    {
      char msg[80];
      snprintf (msg, sizeof msg, "type mismatch: expected %s, got %s", type_name (want), type_name (e.type));
      return invalid (c, msg);
    }
  *out = e;
  return 0;
}

/* Put back an entry pop() returned, keeping where its value lives. */
static void repush (compiler *c, ventry e)
{
  push (c, e.type);
  if (e.type && e.slot != e.canon && live (c))
    {
      c->vs[c->vn - 1] = e;
      c->npending++;
    }
}

/* Pop n values of the given types and put them back: a type check that keeps the stack. */
static int check_top (compiler *c, uint32_t n, const wasm_valtype *t)
{
  ventry tmp[n ? n : 1];
  for (uint32_t i = n; i-- > 0;)
    if (pop (c, t[i], &tmp[i]) < 0)
      return -1;
  for (uint32_t i = 0; i < n; i++)
    {
      if (!tmp[i].type)
        tmp[i].type = t[i];
      repush (c, tmp[i]);
    }
  return 0;
}

/* br_table's variant: values of unknown type stay unknown, so every target can match. */
static int check_top_untyped (compiler *c, uint32_t n, const wasm_valtype *t)
{
  ventry tmp[n ? n : 1];
  for (uint32_t i = n; i-- > 0;)
    if (pop (c, t[i], &tmp[i]) < 0)
      return -1;
  for (uint32_t i = 0; i < n; i++)
    repush (c, tmp[i]);
  return 0;
}

static void materialize (compiler *c, ventry *e)
{
  if (e->slot == e->canon)
    return;
  if (live (c))
    emit_copy (c, e->type, e->canon, e->slot);
  e->slot = e->canon;
  c->npending--;
}

static void materialize_all (compiler *c)
{
  for (uint32_t i = 0; c->npending && i < c->vn; i++)
    materialize (c, &c->vs[i]);
}

static void materialize_local (compiler *c, uint32_t slot)
{
  for (uint32_t i = 0; c->npending && i < c->vn; i++)
    if (c->vs[i].slot == slot && c->vs[i].canon != slot)
      materialize (c, &c->vs[i]);
}

static bool local_referenced (compiler *c, uint32_t slot)
{
  for (uint32_t i = 0; c->npending && i < c->vn; i++)
    if (c->vs[i].slot == slot && c->vs[i].canon != slot)
      return true;
  return false;
}

static void set_unreachable (compiler *c)
{
  ctrl_frame *f = &c->cs[c->cn - 1];
  while (c->vn > f->height)
    {
      ventry e;
      pop (c, 0, &e);
    }
  c->cur_slots = f->slot_height;
  f->unreachable = true;
}

/* ---- Control frames --------------------------------------------------------------------- */

static void push_frame (compiler *c, enum frame_kind kind, uint32_t np, const wasm_valtype *p,
                        uint32_t nr, const wasm_valtype *res)
{
  if (c->cn == c->ccap)
    {
      c->ccap = c->ccap ? c->ccap * 2 : 16;
      c->cs = realloc (c->cs, c->ccap * sizeof *c->cs);
    }
  ctrl_frame *f = &c->cs[c->cn++];
  memset (f, 0, sizeof *f);
  f->kind = kind;
  f->nparams = np;
  f->params = p;
  f->nresults = nr;
  f->results = res;
  f->height = c->vn;
  f->slot_height = c->cur_slots;
  f->dead = c->cn > 1 && (c->cs[c->cn - 2].unreachable || c->cs[c->cn - 2].dead);
  f->else_patch.instr = NONE;
  for (uint32_t i = 0; i < np; i++)
    push (c, p[i]);
}

static void add_patch (compiler *c, ctrl_frame *f, uint32_t instr, uint32_t word)
{
  if (f->npatches == f->cap_patches)
    {
      f->cap_patches = f->cap_patches ? f->cap_patches * 2 : 4;
      f->patches = realloc (f->patches, f->cap_patches * sizeof *f->patches);
    }
  f->patches[f->npatches++] = (patch){ instr, word };
}

/* Types a branch to frame f carries. */
static uint32_t label_arity (const ctrl_frame *f) { return f->kind == FRAME_LOOP ? f->nparams : f->nresults; }
static const wasm_valtype *label_types (const ctrl_frame *f) { return f->kind == FRAME_LOOP ? f->params : f->results; }

/* Make the jump word at (instr, word) reach frame f's label. */
static void jump_to_label (compiler *c, ctrl_frame *f, uint32_t instr, uint32_t word)
{
  if (f->kind == FRAME_LOOP)
    c->code[word] = f->loop_pos - instr;
  else
    add_patch (c, f, instr, word);
}

static int check_label_values (compiler *c, ctrl_frame *f)
{
  return check_top (c, label_arity (f), label_types (f));
}

/* Emit copies moving the label's values (top of stack) to where frame f expects them.
 * Returns whether any copy was needed (emitted only when `emit`). */
static bool branch_copies (compiler *c, ctrl_frame *f, bool emit)
{
  uint32_t n = label_arity (f);
  const wasm_valtype *t = label_types (f);
  uint32_t dst = f->slot_height;
  bool any = false;
  for (uint32_t i = 0; i < n; i++)
    {
      ventry *e = &c->vs[c->vn - n + i];
      if (e->slot != dst)
        {
          any = true;
          if (emit)
            emit_copy (c, t[i], dst, e->slot);
        }
      dst += valtype_slots (t[i]);
    }
  return any;
}

static void emit_jump (compiler *c, ctrl_frame *f)
{
  uint32_t at = emit_op (c, OP_jump);
  emit_word (c, 0);
  jump_to_label (c, f, at, at + 1);
}

static void bind_patches (compiler *c, ctrl_frame *f)
{
  for (uint32_t i = 0; i < f->npatches; i++)
    c->code[f->patches[i].word] = c->n - f->patches[i].instr;
  f->npatches = 0;
}

/* ---- Immediates ------------------------------------------------------------------------- */

static int read_blocktype (compiler *c, uint32_t *np, const wasm_valtype **p, uint32_t *nr,
                           const wasm_valtype **res)
{
  reader *r = &c->r;
  if (r->p < r->end && *r->p == 0x40)
    {
      r->p++;
      *np = *nr = 0;
      return 0;
    }
  if (r->p < r->end && (*r->p & 0xc0) == 0x40)
    {
      wasm_valtype t;
      if (read_valtype (r, &t) < 0)
        return -1;
      for (size_t i = 0; i < sizeof single_types / sizeof *single_types; i++)
        if (single_types[i] == t)
          *res = &single_types[i];
      *np = 0;
      *nr = 1;
      return 0;
    }
  int64_t idx;
  if (read_sleb (r, 33, &idx) < 0)
    return -1;
  if (idx < 0 || (uint64_t) idx >= c->m->ntypes)
    return invalid (c, "unknown type");
  const functype_t *t = &c->m->types[idx];
  *np = t->pub.nparams;
  *p = t->params;
  *nr = t->pub.nresults;
  *res = t->results;
  return 0;
}

static int read_memarg (compiler *c, uint32_t natural_bytes, uint32_t *offset)
{
  uint32_t align;
  if (read_u32 (&c->r, &align) < 0 || read_u32 (&c->r, offset) < 0)
    return -1;
  if (c->m->nmems == 0)
    return invalid (c, "unknown memory 0");
  if (align >= 32)
    return MALFORMED (&c->r, "malformed memop flags");
  if ((1u << align) > natural_bytes)
    return invalid (c, "alignment must not be larger than natural");
  return 0;
}

static int read_zero_byte (compiler *c)
{
  uint8_t b;
  if (read_u8 (&c->r, &b) < 0)
    return -1;
  if (b != 0)
    return MALFORMED (&c->r, "zero byte expected");
  return 0;
}

static int read_index (compiler *c, uint32_t limit, const char *what, uint32_t *out)
{
  if (read_u32 (&c->r, out) < 0)
    return -1;
  if (*out >= limit)
    {
      char msg[64];
      snprintf (msg, sizeof msg, "unknown %s %u", what, *out);
      return invalid (c, msg);
    }
  return 0;
}

/* ---- Instruction groups ----------------------------------------------------------------- */

typedef struct num_info {
  const char *name;
  bool binary;
  wasm_valtype in, out;
  uint8_t fuse;
  bool commutative;
  op_id op;
} num_info;

#define I32 WASM_I32
#define I64 WASM_I64
#define F32 WASM_F32
#define F64 WASM_F64
#define SHAPE_U false
#define SHAPE_B true

/* i32/i64 add, mul, and, or, xor; f32/f64 add, mul (swapping a float op's operands changes
 * at most which NaN payload comes out, and Wasm leaves that open) */
#define COMMUTATIVE(opc) ((opc) == 0x6a || (opc) == 0x6c || ((opc) >= 0x71 && (opc) <= 0x73)   \
                          || (opc) == 0x7c || (opc) == 0x7e || ((opc) >= 0x83 && (opc) <= 0x85) \
                          || (opc) == 0x92 || (opc) == 0x94 || (opc) == 0xa0 || (opc) == 0xa2)
#define NUM_INDEX(opc) ((opc) >= 0xfc00 ? 0xc5 + ((opc) - 0xfc00) : (opc))

/* Built at compile time: loading may happen on several threads at once. */
static const num_info numeric_table[0xc5 + 8] = {
#define NUM_ROW(opc, name_, shape, tin, tout, fin, fout, expr, fuse_)                             \
  [NUM_INDEX (opc)] = { #name_, SHAPE_##shape, tin, tout, fuse_, COMMUTATIVE (opc), OP_##name_ },
  NUMERIC_OPS (NUM_ROW)
#undef NUM_ROW
};

static const num_info *numeric_info (uint32_t opcode)
{
  uint32_t i = NUM_INDEX (opcode);
  return i < sizeof numeric_table / sizeof *numeric_table && numeric_table[i].name ? &numeric_table[i] : NULL;
}

/* Whether the last instruction is a const64 (i64, f64, or f32 bits zero-extended) putting
 * its 64 bits into `slot`. */
static bool const64_operand (compiler *c, uint32_t slot, uint64_t *bits)
{
  if (c->last_op != OP_const64 || c->last_instr + 4 != c->n || c->code[c->last_instr + 1] != slot)
    return false;
  *bits = c->code[c->last_instr + 2] | (uint64_t) c->code[c->last_instr + 3] << 32;
  return true;
}

/* Whether the last instruction put a constant into `slot` that fits an immediate word (i64
 * constants must survive sign extension from 32 bits); the caller checked the slot's type. */
static bool const_operand (compiler *c, uint32_t slot, uint32_t *imm)
{
  if (c->last_op == OP_const32 && c->last_instr + 3 == c->n && c->code[c->last_instr + 1] == slot)
    {
      *imm = c->code[c->last_instr + 2];
      return true;
    }
  uint64_t v;
  if (!const64_operand (c, slot, &v))
    return false;
  *imm = (uint32_t) v;
  return (uint64_t) (int64_t) (int32_t) *imm == v;
}

/* The plain load of each value type, whose result a _mem form can take over (as it can
 * the load's _addimm form, the next id). */
static op_id plain_load (wasm_valtype t)
{
  switch (t)
    {
    case WASM_I32: return OP_i32_load;
    case WASM_I64: return OP_i64_load;
    case WASM_F32: return OP_f32_load;
    case WASM_F64: return OP_f64_load;
    default: return OP_COUNT;
    }
}

/* Whether the last instruction computed a binary op's right operand b, or (for a
 * commutative op) its left operand a; in that case a and b swap, so b is always the one. */
static bool last_result_is_operand (compiler *c, ventry *a, ventry *b, bool commutative)
{
  uint32_t dst = c->code[c->last_instr + 1];
  if (b->slot == b->canon && dst == b->slot)
    return true;
  if (!commutative || a->slot != a->canon || dst != a->slot || b->slot == dst)
    return false;
  ventry tmp = *a;
  *a = *b;
  *b = tmp;
  return true;
}

/* Whether a binary op's right operand b was just loaded by a plain or _addimm load of type
 * t: then the load folds into the op's _mem form. A commutative op also takes a just-loaded
 * left operand (a and b swap). Gives the load's address slot, offset and added constant. */
static bool loaded_operand (compiler *c, wasm_valtype t, ventry *a, ventry *b, bool commutative,
                            uint32_t *addr, uint32_t *offset, uint32_t *k)
{
  if (c->last_op == plain_load (t) && c->last_instr + 4 == c->n)
    *k = 0;
  else if (c->last_op == plain_load (t) + ADDR_ADDIMM && c->last_instr + 5 == c->n)
    *k = c->code[c->last_instr + 4];
  else
    return false;
  if (!last_result_is_operand (c, a, b, commutative))
    return false;
  *addr = c->code[c->last_instr + 2];
  *offset = c->code[c->last_instr + 3];
  return true;
}

/* The shifted form of i32 op `op` with `shift` (an _imm shift or rotate), or OP_COUNT. */
static op_id shifted_op (op_id op, op_id shift)
{
#define SHIFTED_CASE(op_, shift_, expr, shift_expr)                                                 \
  if (op == OP_i32_##op_ && shift == OP_i32_##shift_##_imm)                                      \
    return OP_i32_##op_##_##shift_;
  SHIFTED_OPS (SHIFTED_CASE)
#undef SHIFTED_CASE
  return OP_COUNT;
}

/* Whether a binary i32 op's right operand (for a commutative op, either one) was just
 * computed by a shift or rotate by a constant: then the two become one shifted instruction.
 * Gives the op, the shifted value's slot and the count. */
static bool shifted_operand (compiler *c, const num_info *ni, ventry *a, ventry *b, op_id *op, uint32_t *x,
                             uint32_t *k)
{
  if (c->last_instr == NONE || c->last_instr + 4 != c->n || c->last_dst != c->last_instr + 1)
    return false;
  *op = shifted_op (ni->op, c->last_op);
  if (*op == OP_COUNT)
    return false;
  if (!last_result_is_operand (c, a, b, ni->commutative))
    return false;
  *x = c->code[c->last_instr + 2];
  *k = c->code[c->last_instr + 3] & 31;
  return true;
}

/* Whether `op` is the value form (plain or _imm) of an f32/f64 compare. */
static bool float_compare (op_id op)
{
  return op >= OP_f32_eq && op <= OP_f64_ge_mem && (op - OP_f32_eq) % NUM_FORMS <= FORM_IMM;
}

static int compile_numeric (compiler *c, const num_info *ni)
{
  ventry a, b;
  c->opname = ni->name;
  if (ni->binary)
    {
      if (pop (c, ni->in, &b) < 0 || pop (c, ni->in, &a) < 0)
        return -1;
      uint32_t imm;
      bool was_const = live (c) && ni->fuse >= 1 && ni->fuse <= 3 && b.slot == b.canon
                       && const_operand (c, b.slot, &imm);
      uint32_t addr = 0, offset = 0, addr_k = 0;
      bool was_load = !was_const && live (c) && ni->fuse >= 3 && ni->fuse <= 4
                      && loaded_operand (c, ni->in, &a, &b, ni->commutative, &addr, &offset, &addr_k);
      op_id shifted = OP_COUNT;
      uint32_t x = 0, k = 0;
      bool was_shift = !was_const && !was_load && live (c) && shifted_operand (c, ni, &a, &b, &shifted, &x, &k);
      push (c, ni->out);
      if (!live (c))
        return 0;
      uint64_t fconst;
      if (live (c) && ni->fuse == 5 && b.slot == b.canon && const64_operand (c, b.slot, &fconst))
        {
          /* [op_imm, dst, a, bits...]: the constant in one word (f32) or two (f64) */
          drop_last_instr (c);
          emit_op (c, ni->op + FORM_IMM);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
          emit_word (c, (uint32_t) fconst);
          if (ni->in == WASM_F64)
            emit_word (c, (uint32_t) (fconst >> 32));
        }
      else if (was_const)
        {
          drop_last_instr (c);
          emit_op (c, ni->op + FORM_IMM);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
          emit_word (c, imm);
        }
      else if (was_shift)
        {
          drop_last_instr (c);
          if (shifted == OP_i32_or_shr_u && c->last_op == OP_i32_shl_imm && c->last_dst == c->last_instr + 1
              && c->code[c->last_dst] == a.slot && a.slot == a.canon)
            {
              /* (y << k1) | (x >> k2), as unaligned copies and rotations compute it */
              uint32_t y = c->code[c->last_instr + 2], k1 = c->code[c->last_instr + 3] & 31;
              drop_last_instr (c);
              emit_op (c, OP_i32_funnel);
              emit_word (c, c->vs[c->vn - 1].canon);
              emit_word (c, y);
              emit_word (c, k1);
            }
          else
            {
              emit_op (c, shifted);
              emit_word (c, c->vs[c->vn - 1].canon);
              emit_word (c, a.slot);
            }
          emit_word (c, x);
          emit_word (c, k);
        }
      else if (was_load)
        {
          drop_last_instr (c);
          emit_op (c, ni->op + FORM_MEM);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
          emit_word (c, addr);
          emit_word (c, offset);
          emit_word (c, addr_k);
          c->last_mem_type = ni->in;
        }
      else
        {
          emit_op (c, ni->op);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
          emit_word (c, b.slot);
        }
      if (ni->op == OP_i32_add || ni->op == OP_i64_add)
        c->add_at = c->last_instr;
      c->last_dst = c->last_instr + 1;
      return 0;
    }
  if (pop (c, ni->in, &a) < 0)
    return -1;
  push (c, ni->out);
  if (!live (c))
    return 0;
  emit_op (c, ni->op);
  emit_word (c, c->vs[c->vn - 1].canon);
  emit_word (c, a.slot);
  c->last_dst = c->last_instr + 1;
  return 0;
}

/* If the address was just computed by i32.add with a constant, drop that instruction: the
 * memory op does the (wrapping) add itself. */
static bool folds_address_add (compiler *c, const ventry *addr, uint32_t *base, uint32_t *k)
{
  if (!live (c) || c->last_op != OP_i32_add_imm || c->last_instr + 4 != c->n
      || c->code[c->last_instr + 1] != addr->slot || addr->slot != addr->canon)
    return false;
  *base = c->code[c->last_instr + 2];
  *k = c->code[c->last_instr + 3];
  drop_last_instr (c);
  return true;
}

/* If the address is a just-emitted i32.const, drop it: the memory op takes the address as an
 * immediate. */
static bool folds_constant_address (compiler *c, const ventry *addr, uint32_t *k)
{
  if (!live (c) || c->last_op != OP_const32 || c->last_instr + 3 != c->n
      || c->code[c->last_instr + 1] != addr->slot || addr->slot != addr->canon)
    return false;
  *k = c->code[c->last_instr + 2];
  drop_last_instr (c);
  return true;
}

static int compile_load (compiler *c, op_id op, const char *name, wasm_valtype t, uint32_t bytes)
{
  uint32_t offset;
  ventry addr;
  c->opname = name;
  if (read_memarg (c, bytes, &offset) < 0 || pop (c, WASM_I32, &addr) < 0)
    return -1;
  uint32_t base, k;
  bool fold = folds_address_add (c, &addr, &base, &k);
  bool absolute = !fold && folds_constant_address (c, &addr, &k);
  push (c, t);
  if (!live (c))
    return 0;
  emit_op (c, op + (fold ? ADDR_ADDIMM : absolute ? ADDR_ABS : ADDR_PLAIN));
  emit_word (c, c->vs[c->vn - 1].canon);
  emit_word (c, fold ? base : absolute ? k : addr.slot);
  emit_word (c, offset);
  if (fold)
    emit_word (c, k);
  c->last_dst = c->last_instr + 1;
  return 0;
}

/* Whether the stored value was just computed by a _mem op that loaded, with the same width,
 * from the very address and offset it is stored to: `mem[p] = mem[p] op x`. */
static bool stores_back (compiler *c, op_id store, const ventry *addr, const ventry *val, uint32_t offset)
{
  static const op_id plain_store[] = { [WASM_I32] = OP_i32_store, [WASM_I64] = OP_i64_store,
                                       [WASM_F32] = OP_f32_store, [WASM_F64] = OP_f64_store };
  if (c->last_instr == NONE || c->last_instr + 6 != c->n || c->last_dst != c->last_instr + 1
      || c->last_op < OP_i32_eqz || c->last_op >= OP_i32_load /* not a numeric op */
      || (c->last_op - OP_i32_eqz) % NUM_FORMS != FORM_MEM)
    return false;
  return val->slot == val->canon && c->code[c->last_dst] == val->slot
         && plain_store[c->last_mem_type] == store && c->code[c->last_instr + 3] == addr->slot
         && c->code[c->last_instr + 4] == offset && c->code[c->last_instr + 5] == 0;
}

/* Bytes a load (plain or _addimm form) reads, or 0 for any other op. */
static uint32_t load_width (op_id op)
{
  switch (op)
    {
#define LOAD_WIDTH(opc, name, type, field, ctype, bytes)                                            \
    case OP_##name:                                                                              \
    case OP_##name##_addimm:                                                                     \
      return bytes;
      LOAD_OPS (LOAD_WIDTH)
#undef LOAD_WIDTH
    default:
      return 0;
    }
}

/* Whether the stored value was just loaded with the store's width: the pair becomes one
 * memory-to-memory move. (Types match: the validator made the loaded type the stored one.) */
static bool stores_loaded (compiler *c, const ventry *val, uint32_t bytes)
{
  return c->last_instr != NONE && c->last_dst == c->last_instr + 1 && val->slot == val->canon
         && c->code[c->last_dst] == val->slot && load_width (c->last_op) == bytes;
}

/* `mem[p] += x * y` (y in a register or loaded): when the value an f32/f64 add_rmw adds is a
 * temporary the multiply just before it computed, the two become one muladd instruction.
 * The product is rounded before the add, as the separate instructions do (no fused
 * multiply-add: exec.c is built with -ffp-contract=off). */
static bool emit_muladd (compiler *c, op_id rmw, uint32_t a, uint32_t caddr, uint32_t coffset)
{
  op_id mul = rmw == OP_f64_add_rmw ? OP_f64_mul : rmw == OP_f32_add_rmw ? OP_f32_mul : OP_COUNT;
  if (mul == OP_COUNT || c->last_instr == NONE || c->last_dst != c->last_instr + 1
      || c->code[c->last_dst] != a || a < c->locals_slots
      || (c->last_op != mul && c->last_op != mul + FORM_MEM))
    return false;
  bool loaded = c->last_op == mul + FORM_MEM;
  uint32_t operands[4], n = loaded ? 4 : 2; /* x, y or x, baddr, boffset, bk */
  memcpy (operands, c->code + c->last_instr + 2, n * sizeof *operands);
  drop_last_instr (c);
  if (rmw == OP_f64_add_rmw)
    emit_op (c, loaded ? OP_f64_muladd_mem_rmw : OP_f64_muladd_rmw);
  else
    emit_op (c, loaded ? OP_f32_muladd_mem_rmw : OP_f32_muladd_rmw);
  emit_word (c, caddr);
  for (uint32_t i = 0; i < n; i++)
    emit_word (c, operands[i]);
  emit_word (c, coffset);
  return true;
}

static int compile_store (compiler *c, op_id op, const char *name, wasm_valtype t, uint32_t bytes)
{
  uint32_t offset;
  ventry addr, val;
  c->opname = name;
  if (read_memarg (c, bytes, &offset) < 0 || pop (c, t, &val) < 0 || pop (c, WASM_I32, &addr) < 0)
    return -1;
  if (!live (c))
    return 0;
  uint32_t base, k, imm;
  if (stores_back (c, op, &addr, &val, offset))
    {
      /* [op_mem, dst, a, addr, offset] becomes [op_rmw, addr, a, offset] */
      uint32_t a = c->code[c->last_instr + 2];
      op_id rmw = c->last_op - FORM_MEM + FORM_RMW;
      drop_last_instr (c);
      if (emit_muladd (c, rmw, a, addr.slot, offset))
        return 0;
      emit_op (c, rmw);
      emit_word (c, addr.slot);
      emit_word (c, a);
      emit_word (c, offset);
      return 0;
    }
  if (stores_loaded (c, &val, bytes))
    {
      /* [load, dst, saddr, soffset(, sk)] + store -> [mem_moveN, daddr, doffset, saddr, soffset, sk] */
      bool addimm = c->n - c->last_instr == 5;
      uint32_t saddr = c->code[c->last_instr + 2], soffset = c->code[c->last_instr + 3];
      uint32_t sk = addimm ? c->code[c->last_instr + 4] : 0;
      drop_last_instr (c);
      emit_op (c, bytes == 1 ? OP_mem_move1 : bytes == 2 ? OP_mem_move2 : bytes == 4 ? OP_mem_move4 : OP_mem_move8);
      emit_word (c, addr.slot);
      emit_word (c, offset);
      emit_word (c, saddr);
      emit_word (c, soffset);
      emit_word (c, sk);
      return 0;
    }
  if (val.slot == val.canon && const_operand (c, val.slot, &imm))
    {
      drop_last_instr (c);
      emit_op (c, op + STORE_IMM_VALUE);
      emit_word (c, addr.slot);
      emit_word (c, imm);
      emit_word (c, offset);
      return 0;
    }
  bool fold = val.slot != val.canon && folds_address_add (c, &addr, &base, &k);
  bool absolute = !fold && val.slot != val.canon && folds_constant_address (c, &addr, &k);
  emit_op (c, op + (fold ? ADDR_ADDIMM : absolute ? ADDR_ABS : ADDR_PLAIN));
  emit_word (c, fold ? base : absolute ? k : addr.slot);
  emit_word (c, val.slot);
  emit_word (c, offset);
  if (fold)
    emit_word (c, k);
  return 0;
}

static const op_id load_ops[] = {
#define LOAD_ID(opc, name, type, field, ctype, bytes) [opc - 0x28] = OP_##name,
  LOAD_OPS (LOAD_ID)
#undef LOAD_ID
#define STORE_ID(opc, name, type, field, ctype, bytes) [opc - 0x28] = OP_##name,
  STORE_OPS (STORE_ID)
#undef STORE_ID
};

static int compile_memory_op (compiler *c, uint8_t opcode)
{
  switch (opcode)
    {
#define LOAD_CASE(opc, name, type, field, ctype, bytes)                                            \
    case opc: return compile_load (c, load_ops[opc - 0x28], #name, type, bytes);
      LOAD_OPS (LOAD_CASE)
#undef LOAD_CASE
#define STORE_CASE(opc, name, type, field, ctype, bytes)                                           \
    case opc: return compile_store (c, load_ops[opc - 0x28], #name, type, bytes);
      STORE_OPS (STORE_CASE)
#undef STORE_CASE
    }
  return MALFORMED (&c->r, "illegal opcode");
}

/* Pop the arguments of a call of type t (already materialized) and push its results. Returns
 * the frame slot where the callee's frame begins. */
/* Arguments still living in locals are moved into the callee's frame by the call op itself
 * (one dispatch instead of one copy each); entries below the arguments may stay lazy, since
 * a callee cannot write its caller's locals. */
typedef struct arg_moves {
  uint32_t n;
  uint32_t *pairs; /* dst, src */
} arg_moves;

static int call_operands (compiler *c, const functype_t *t, uint32_t *base, arg_moves *moves)
{
  moves->n = 0;
  moves->pairs = malloc ((2 * t->param_slots + 1) * sizeof *moves->pairs);
  for (uint32_t i = t->pub.nparams; i-- > 0;)
    {
      ventry e;
      if (pop (c, t->params[i], &e) < 0)
        return -1;
      if (e.slot != e.canon)
        for (uint32_t k = 0; k < valtype_slots (t->params[i]); k++)
          {
            moves->pairs[2 * moves->n] = e.canon + k;
            moves->pairs[2 * moves->n + 1] = e.slot + k;
            moves->n++;
          }
    }
  *base = c->cur_slots;
  for (uint32_t i = 0; i < t->pub.nresults; i++)
    push (c, t->results[i]);
  /* The callee's results may need more room than its arguments. */
  if (*base + t->result_slots > c->max_slots)
    c->max_slots = *base + t->result_slots;
  return 0;
}

static void emit_moves (compiler *c, const arg_moves *moves)
{
  emit_word (c, moves->n);
  for (uint32_t i = 0; i < 2 * moves->n; i++)
    emit_word (c, moves->pairs[i]);
}

/* Returns the group's first compare (OP_i32_eq or OP_i64_eq) if `op` is a compare's value
 * form (op or op_imm), else OP_COUNT. */
static op_id compare_family (op_id op)
{
  if (op >= OP_i32_eq && op <= OP_i32_ge_u_mem && (op - OP_i32_eq) % NUM_FORMS <= FORM_IMM)
    return OP_i32_eq;
  if (op >= OP_i64_eq && op <= OP_i64_ge_u_mem && (op - OP_i64_eq) % NUM_FORMS <= FORM_IMM)
    return OP_i64_eq;
  return OP_COUNT;
}

/* Whether compare `cmp` (the last instruction) tests the result of the add right before it,
 * of its own width, and both take registers or both immediates: then the three (add,
 * compare, br_if) become one addbr_ or incbr_ instruction. */
static bool joins_add (compiler *c, op_id cmp)
{
  if (c->add_at == NONE)
    return false;
  op_id family = compare_family (cmp);
  bool imm = (cmp - family) % NUM_FORMS == FORM_IMM;
  op_id add = family == OP_i32_eq ? OP_i32_add : OP_i64_add;
  return c->code[c->add_at] == add + (imm ? FORM_IMM : FORM_PLAIN) && c->add_at + 4 == c->last_instr
         && c->code[c->add_at + 1] == c->code[c->last_instr + 2];
}

/* The compare that jumps exactly when `op` (a compare's value form) is false. */
static op_id inverted_compare (op_id op)
{
  /* eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u -> its negation's position */
  static const uint8_t inverse[] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };
  op_id base = compare_family (op);
  return base + NUM_FORMS * inverse[(op - base) / NUM_FORMS] + (op - base) % NUM_FORMS;
}

/* `if`: jump (to else/end) when cond is zero, fused with a just-emitted compare or eqz.
 * Returns the instruction; its last word is the displacement to patch. */
static uint32_t emit_branch_if_false (compiler *c, const ventry *cond)
{
  bool fusable = c->last_instr != NONE && c->last_dst == c->last_instr + 1
                 && c->code[c->last_dst] == cond->slot && cond->slot == cond->canon;
  op_id last = c->last_op;
  uint32_t at;
  if (fusable && last == OP_i32_eqz)
    {
      uint32_t operand = c->code[c->last_instr + 2];
      drop_last_instr (c);
      at = emit_op (c, OP_br_if);
      emit_word (c, operand);
    }
  else if (fusable && compare_family (last) != OP_COUNT)
    {
      uint32_t a = c->code[c->last_instr + 2], b = c->code[c->last_instr + 3];
      drop_last_instr (c);
      at = emit_op (c, inverted_compare (last) + FORM_BR);
      emit_word (c, a);
      emit_word (c, b);
    }
  else
    {
      at = emit_op (c, OP_br_ifz);
      emit_word (c, cond->slot);
    }
  emit_word (c, 0);
  return at;
}

static int compile_branch (compiler *c, uint32_t depth, bool conditional)
{
  if (depth >= c->cn)
    return invalid (c, "unknown label");
  ctrl_frame *f = &c->cs[c->cn - 1 - depth];
  ventry cond = { 0 };
  if (conditional)
    {
      if (pop (c, WASM_I32, &cond) < 0)
        return -1;
      /* Fuse with a just-emitted i32 compare/eqz writing cond. */
      bool fusable = live (c) && c->last_instr != NONE && c->last_dst == c->last_instr + 1
                     && c->code[c->last_dst] == cond.slot && cond.slot == cond.canon;
      if (check_label_values (c, f) < 0)
        return -1;
      if (!live (c))
        return 0;
      if (branch_copies (c, f, false))
        {
          uint32_t skip = emit_op (c, OP_br_ifz);
          emit_word (c, cond.slot);
          emit_word (c, 0);
          branch_copies (c, f, true);
          emit_jump (c, f);
          c->code[skip + 2] = c->n - skip;
          label_here (c);
          return 0;
        }
      op_id last = c->last_op;
      uint32_t at;
      if (fusable && last == OP_i32_eqz)
        {
          uint32_t operand = c->code[c->last_instr + 2];
          drop_last_instr (c);
          at = emit_op (c, OP_br_ifz);
          emit_word (c, operand);
        }
      else if (fusable && compare_family (last) != OP_COUNT && joins_add (c, last))
        {
          /* add; compare its result; br_if -> [addbr/incbr, dst, x, y|k, b|imm, disp] */
          uint32_t b = c->code[c->last_instr + 3];
          uint32_t dst = c->code[c->add_at + 1], x = c->code[c->add_at + 2], y = c->code[c->add_at + 3];
          op_id fused = last - (last - compare_family (last)) % NUM_FORMS
                        + ((last - compare_family (last)) % NUM_FORMS == FORM_IMM ? FORM_ADDIMM_BR_IMM : FORM_ADD_BR);
          c->n = c->add_at;
          c->add_at = NONE;
          peephole_barrier (c);
          at = emit_op (c, fused);
          emit_word (c, dst);
          emit_word (c, x);
          emit_word (c, y);
          emit_word (c, b);
        }
      else if (fusable && (compare_family (last) != OP_COUNT || float_compare (last)))
        {
          /* [cmp, dst, a, b or constant words] -> [br_cmp, a, b or constant words, disp] */
          uint32_t operands[3], n = c->n - c->last_instr - 2;
          memcpy (operands, c->code + c->last_instr + 2, n * sizeof *operands);
          drop_last_instr (c);
          at = emit_op (c, last + FORM_BR);
          for (uint32_t i = 0; i < n; i++)
            emit_word (c, operands[i]);
        }
      else
        {
          at = emit_op (c, OP_br_if);
          emit_word (c, cond.slot);
        }
      emit_word (c, 0);
      jump_to_label (c, f, at, c->n - 1);
      peephole_barrier (c);
      return 0;
    }
  if (check_label_values (c, f) < 0)
    return -1;
  if (live (c))
    {
      branch_copies (c, f, true);
      emit_jump (c, f);
    }
  set_unreachable (c);
  return 0;
}

static int compile_br_table (compiler *c)
{
  uint32_t n;
  if (read_u32 (&c->r, &n) < 0)
    return -1;
  if (n > (size_t) (c->r.end - c->r.p))
    return MALFORMED (&c->r, "unexpected end");
  uint32_t *depths = malloc ((n + 1) * sizeof *depths);
  int rc = -1;
  ventry cond;
  for (uint32_t i = 0; i <= n; i++)
    if (read_u32 (&c->r, &depths[i]) < 0)
      goto out;
  if (pop (c, WASM_I32, &cond) < 0)
    goto out;
  uint32_t arity = NONE;
  for (uint32_t i = 0; i <= n; i++)
    {
      if (depths[i] >= c->cn)
        {
          invalid (c, "unknown label");
          goto out;
        }
      ctrl_frame *f = &c->cs[c->cn - 1 - depths[i]];
      if (arity == NONE)
        arity = label_arity (f);
      else if (arity != label_arity (f))
        {
          invalid (c, "type mismatch: br_table targets differ in arity");
          goto out;
        }
      if (check_top_untyped (c, label_arity (f), label_types (f)) < 0)
        goto out;
    }
  if (live (c))
    {
      /* [op, index, n, src, nslots, (disp, dst) x (n + 1)]: the last pair is the default. */
      for (uint32_t i = c->vn - arity; i < c->vn; i++)
        materialize (c, &c->vs[i]);
      uint32_t nslots = 0;
      for (uint32_t i = c->vn - arity; i < c->vn; i++)
        nslots += valtype_slots (c->vs[i].type);
      uint32_t src = arity ? c->vs[c->vn - arity].canon : 0;
      uint32_t at = emit_op (c, OP_br_table);
      emit_word (c, cond.slot);
      emit_word (c, n);
      emit_word (c, src);
      emit_word (c, nslots);
      for (uint32_t i = 0; i <= n; i++)
        {
          ctrl_frame *f = &c->cs[c->cn - 1 - depths[i]];
          emit_word (c, 0);
          jump_to_label (c, f, at, c->n - 1);
          emit_word (c, f->slot_height);
        }
    }
  set_unreachable (c);
  rc = 0;
out:
  free (depths);
  return rc;
}

/* Copy a function's results from frame slot `base` (where its label keeps them) to 0.. and return. */
static void emit_return_from (compiler *c, uint32_t base)
{
  uint32_t dst = 0;
  for (uint32_t i = 0; i < c->type->pub.nresults; i++)
    {
      wasm_valtype t = c->type->results[i];
      emit_copy (c, t, dst, base);
      dst += valtype_slots (t);
      base += valtype_slots (t);
    }
  emit_op (c, OP_ret);
}

static void emit_return (compiler *c)
{
  uint32_t n = c->type->pub.nresults;
  /* A single result just computed can be written straight into slot 0: nothing after a
   * return reads the locals it may overwrite. */
  ventry *top = n == 1 ? &c->vs[c->vn - 1] : NULL;
  if (top && c->last_dst != NONE && top->slot == top->canon && c->code[c->last_dst] == top->canon)
    {
      c->code[c->last_dst] = 0;
      emit_op (c, OP_ret);
      return;
    }
  if (top && top->slot != top->canon)
    {
      emit_copy (c, top->type, 0, top->slot);
      emit_op (c, OP_ret);
      return;
    }
  for (uint32_t i = c->vn - n; i < c->vn; i++)
    materialize (c, &c->vs[i]);
  emit_return_from (c, n ? c->vs[c->vn - n].canon : 0);
}

static int compile_end (compiler *c)
{
  ctrl_frame *f = &c->cs[c->cn - 1];
  c->opname = "end";
  if (check_top (c, f->nresults, f->results) < 0)
    return -1;
  if (c->vn != f->height + f->nresults)
    return invalid (c, "type mismatch: values remain at end of block");
  if (f->kind == FRAME_IF
      && (f->nparams != f->nresults
          || (f->nparams && memcmp (f->params, f->results, f->nparams * sizeof *f->params))))
    return invalid (c, "type mismatch: if without else must not change the stack");
  bool was_live = live (c);
  if (f->kind == FRAME_FUNC && was_live && f->npatches == 0)
    {
      emit_return (c);
      free (f->patches);
      c->cn = 0;
      return 0;
    }
  /* The fallthrough leaves the results in their canonical slots: the label's slots. */
  for (uint32_t i = f->height; i < c->vn; i++)
    materialize (c, &c->vs[i]);
  bool reached = was_live || f->npatches || f->else_patch.instr != NONE;
  if (f->else_patch.instr != NONE)
    c->code[f->else_patch.word] = c->n - f->else_patch.instr;
  bind_patches (c, f);
  label_here (c);
  if (f->kind == FRAME_FUNC)
    {
      if (reached)
        emit_return_from (c, f->slot_height);
      free (f->patches);
      c->cn = 0;
      return 0;
    }
  uint32_t nres = f->nresults;
  const wasm_valtype *res = f->results;
  uint32_t height = f->height, slot_height = f->slot_height;
  free (f->patches);
  c->cn--;
  c->vn = height;
  c->cur_slots = slot_height;
  for (uint32_t i = 0; i < nres; i++)
    push (c, res[i]);
  return 0;
}

static int compile_simd (compiler *c)
{
  uint32_t sub;
  if (read_u32 (&c->r, &sub) < 0)
    return -1;
  if (sub == 12)
    {
      const uint8_t *bytes;
      if (read_bytes (&c->r, 16, &bytes) < 0)
        return -1;
      push (c, WASM_V128);
      if (live (c))
        {
          emit_op (c, OP_const128);
          emit_word (c, c->vs[c->vn - 1].canon);
          for (int i = 0; i < 4; i++)
            {
              uint32_t w;
              memcpy (&w, bytes + 4 * i, 4);
              emit_word (c, w);
            }
        }
      return 0;
    }
  const simd_opinfo *info = simd_opinfo_get (sub);
  if (!info)
    return MALFORMED (&c->r, "illegal opcode");
  c->opname = info->name;
  uint32_t offset = 0, lane = 0;
  uint8_t imm[16] = { 0 };
  switch (info->imm)
    {
    case SIMD_IMM_NONE:
      break;
    case SIMD_IMM_MEMARG:
    case SIMD_IMM_MEMARG_LANE:
      if (read_memarg (c, info->mem_bytes, &offset) < 0)
        return -1;
      if (info->imm == SIMD_IMM_MEMARG)
        break;
      /* fallthrough */
    case SIMD_IMM_LANE: {
      uint8_t l;
      if (read_u8 (&c->r, &l) < 0)
        return -1;
      if (l >= info->lanes)
        return invalid (c, "invalid lane index");
      lane = imm[0] = l;
      break;
    }
    case SIMD_IMM_V128:
    case SIMD_IMM_SHUFFLE: {
      const uint8_t *b;
      if (read_bytes (&c->r, 16, &b) < 0)
        return -1;
      memcpy (imm, b, 16);
      if (info->imm == SIMD_IMM_SHUFFLE)
        for (int i = 0; i < 16; i++)
          if (imm[i] >= 32)
            return invalid (c, "invalid lane index");
      break;
    }
    }
  ventry ops[3];
  for (int i = info->nparams; i-- > 0;)
    if (pop (c, info->params[i], &ops[i]) < 0)
      return -1;
  if (info->nresults)
    push (c, info->result);
  if (!live (c))
    return 0;
  uint32_t dst = info->nresults ? c->vs[c->vn - 1].canon : 0;
  if (info->imm == SIMD_IMM_MEMARG && info->is_store)
    {
      emit_op (c, OP_simd_store);
      emit_word (c, ops[0].slot);
      emit_word (c, ops[1].slot);
      emit_word (c, offset);
      return 0;
    }
  if (info->imm == SIMD_IMM_MEMARG)
    {
      emit_op (c, OP_simd_load);
      emit_word (c, dst);
      emit_word (c, ops[0].slot);
      emit_word (c, offset);
      emit_word (c, info->mem_bytes);
      emit_ptr (c, info->fn);
      c->last_dst = c->last_instr + 1;
      return 0;
    }
  if (info->imm == SIMD_IMM_MEMARG_LANE)
    {
      emit_op (c, info->is_store ? OP_simd_store_lane : OP_simd_load_lane);
      emit_word (c, dst);
      emit_word (c, ops[0].slot);
      emit_word (c, ops[1].slot);
      emit_word (c, offset);
      emit_word (c, info->mem_bytes);
      emit_word (c, lane);
      emit_ptr (c, info->fn);
      return 0;
    }
  /* flags: bit i = operand i is a v128; bit 3 = has a result; bit 4 = result is a v128;
   * bit 5 + i = operand i is a 32-bit scalar (its slot's upper half is not zeroed). */
  uint32_t flags = 0;
  for (int i = 0; i < info->nparams; i++)
    {
      if (info->params[i] == WASM_V128)
        flags |= 1u << i;
      else if (info->params[i] == WASM_I32 || info->params[i] == WASM_F32)
        flags |= 32u << i;
    }
  if (info->nresults)
    flags |= 8 | (info->result == WASM_V128 ? 16 : 0);
  emit_op (c, OP_simd);
  emit_word (c, dst);
  emit_word (c, flags);
  for (int i = 0; i < 3; i++)
    emit_word (c, i < info->nparams ? ops[i].slot : 0);
  emit_ptr (c, info->fn);
  for (int i = 0; i < 4; i++)
    {
      uint32_t w;
      memcpy (&w, imm + 4 * i, 4);
      emit_word (c, w);
    }
  return 0;
}

/* Data indices in code need the data count section; without data segments at all, an index
 * is simply unknown. */
static int check_data_count (compiler *c)
{
  if (c->m->has_data_count)
    return 0;
  if (c->m->has_data_section)
    return MALFORMED (&c->r, "data count section required");
  return invalid (c, "unknown data segment");
}

static int compile_fc (compiler *c)
{
  uint32_t sub;
  wasm_module *m = c->m;
  if (read_u32 (&c->r, &sub) < 0)
    return -1;
  if (sub <= 7)
    return compile_numeric (c, numeric_info (0xfc00 + sub));
  ventry a, b, d;
  uint32_t x, y;
  switch (sub)
    {
    case 8: /* memory.init */
      c->opname = "memory.init";
      if (m->nmems == 0)
        return invalid (c, "unknown memory 0");
      if (check_data_count (c) < 0)
        return -1;
      if (read_index (c, m->ndatas, "data segment", &x) < 0 || read_zero_byte (c) < 0)
        return -1;
      if (pop (c, WASM_I32, &a) < 0 || pop (c, WASM_I32, &b) < 0 || pop (c, WASM_I32, &d) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_memory_init);
          emit_word (c, x);
          emit_word (c, d.slot);
          emit_word (c, b.slot);
          emit_word (c, a.slot);
        }
      return 0;
    case 9: /* data.drop */
      c->opname = "data.drop";
      if (check_data_count (c) < 0)
        return -1;
      if (read_index (c, m->ndatas, "data segment", &x) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_data_drop);
          emit_word (c, x);
        }
      return 0;
    case 10: /* memory.copy */
    case 11: /* memory.fill */
      c->opname = sub == 10 ? "memory.copy" : "memory.fill";
      if (read_zero_byte (c) < 0 || (sub == 10 && read_zero_byte (c) < 0))
        return -1;
      if (m->nmems == 0)
        return invalid (c, "unknown memory 0");
      if (pop (c, WASM_I32, &a) < 0 || pop (c, WASM_I32, &b) < 0 || pop (c, WASM_I32, &d) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, sub == 10 ? OP_memory_copy : OP_memory_fill);
          emit_word (c, d.slot);
          emit_word (c, b.slot);
          emit_word (c, a.slot);
        }
      return 0;
    case 12: /* table.init elem table */
      c->opname = "table.init";
      if (read_index (c, m->nelems, "elem segment", &x) < 0 || read_index (c, m->ntables, "table", &y) < 0)
        return -1;
      if (m->elems[x].type != m->tables[y].elem)
        return invalid (c, "type mismatch");
      if (pop (c, WASM_I32, &a) < 0 || pop (c, WASM_I32, &b) < 0 || pop (c, WASM_I32, &d) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_table_init);
          emit_word (c, x);
          emit_word (c, y);
          emit_word (c, d.slot);
          emit_word (c, b.slot);
          emit_word (c, a.slot);
        }
      return 0;
    case 13: /* elem.drop */
      c->opname = "elem.drop";
      if (read_index (c, m->nelems, "elem segment", &x) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_elem_drop);
          emit_word (c, x);
        }
      return 0;
    case 14: /* table.copy dst src */
      c->opname = "table.copy";
      if (read_index (c, m->ntables, "table", &x) < 0 || read_index (c, m->ntables, "table", &y) < 0)
        return -1;
      if (m->tables[x].elem != m->tables[y].elem)
        return invalid (c, "type mismatch");
      if (pop (c, WASM_I32, &a) < 0 || pop (c, WASM_I32, &b) < 0 || pop (c, WASM_I32, &d) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_table_copy);
          emit_word (c, x);
          emit_word (c, y);
          emit_word (c, d.slot);
          emit_word (c, b.slot);
          emit_word (c, a.slot);
        }
      return 0;
    case 15: /* table.grow */
    case 17: /* table.fill */
      c->opname = sub == 15 ? "table.grow" : "table.fill";
      if (read_index (c, m->ntables, "table", &x) < 0)
        return -1;
      if (sub == 15)
        {
          if (pop (c, WASM_I32, &a) < 0 || pop (c, m->tables[x].elem, &b) < 0)
            return -1;
          push (c, WASM_I32);
          if (live (c))
            {
              emit_op (c, OP_table_grow);
              emit_word (c, x);
              emit_word (c, c->vs[c->vn - 1].canon);
              emit_word (c, b.slot);
              emit_word (c, a.slot);
            }
          return 0;
        }
      if (pop (c, WASM_I32, &a) < 0 || pop (c, m->tables[x].elem, &b) < 0 || pop (c, WASM_I32, &d) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_table_fill);
          emit_word (c, x);
          emit_word (c, d.slot);
          emit_word (c, b.slot);
          emit_word (c, a.slot);
        }
      return 0;
    case 16: /* table.size */
      c->opname = "table.size";
      if (read_index (c, m->ntables, "table", &x) < 0)
        return -1;
      push (c, WASM_I32);
      if (live (c))
        {
          emit_op (c, OP_table_size);
          emit_word (c, x);
          emit_word (c, c->vs[c->vn - 1].canon);
        }
      return 0;
    }
  return MALFORMED (&c->r, "illegal opcode");
}

static int compile_local (compiler *c, uint8_t opcode)
{
  uint32_t x;
  c->opname = opcode == 0x20 ? "local.get" : opcode == 0x21 ? "local.set" : "local.tee";
  if (read_index (c, c->nlocals, "local", &x) < 0)
    return -1;
  wasm_valtype t = c->local_type[x];
  uint32_t slot = c->local_slot[x];
  if (opcode == 0x20)
    {
      push_local_ref (c, t, slot);
      return 0;
    }
  ventry e;
  bool retarget = live (c) && c->last_dst != NONE && c->last_instr != NONE && c->vn > c->cs[c->cn - 1].height
                  && c->vs[c->vn - 1].slot == c->vs[c->vn - 1].canon
                  && c->code[c->last_dst] == c->vs[c->vn - 1].canon && c->vs[c->vn - 1].type == t;
  if (pop (c, t, &e) < 0)
    return -1;
  if (live (c))
    {
      uint32_t imm;
      if (retarget && local_known_zero (c, slot) && valtype_slots (t) == 1
          && const_operand (c, e.canon, &imm) && imm == 0)
        drop_last_instr (c); /* storing zero into a local that still holds its initial zero */
      else
        {
          if (retarget && !local_referenced (c, slot))
            c->code[c->last_dst] = slot;
          else
            {
              materialize_local (c, slot);
              if (e.slot != slot)
                emit_copy (c, t, slot, e.slot);
            }
          local_written (c, slot);
        }
      peephole_barrier (c);
    }
  if (opcode == 0x22)
    push_local_ref (c, t, slot);
  return 0;
}

static int compile_instr (compiler *c, uint8_t opcode)
{
  wasm_module *m = c->m;
  ventry a, b, d;
  uint32_t x, y;
  c->opname = NULL;
  if (opcode >= 0x45 && opcode <= 0xc4)
    return compile_numeric (c, numeric_info (opcode));
  if (opcode >= 0x28 && opcode <= 0x3e)
    return compile_memory_op (c, opcode);
  switch (opcode)
    {
    case 0x00:
      if (live (c))
        emit_op (c, OP_unreachable);
      set_unreachable (c);
      return 0;
    case 0x01:
      return 0;
    case 0x02:
    case 0x03:
    case 0x04: {
      uint32_t np, nr;
      const wasm_valtype *p = NULL, *res = NULL;
      c->opname = opcode == 0x02 ? "block" : opcode == 0x03 ? "loop" : "if";
      if (read_blocktype (c, &np, &p, &nr, &res) < 0)
        return -1;
      if (opcode == 0x04 && pop (c, WASM_I32, &d) < 0)
        return -1;
      if (check_top (c, np, p) < 0)
        return -1;
      /* Everything outside the block lives in canonical slots, so all paths agree. */
      materialize_all (c);
      c->vn -= np;
      if (np)
        c->cur_slots = c->vs[c->vn].canon;
      uint32_t at = NONE;
      if (opcode == 0x04 && live (c))
        at = emit_branch_if_false (c, &d);
      push_frame (c, opcode == 0x02 ? FRAME_BLOCK : opcode == 0x03 ? FRAME_LOOP : FRAME_IF, np, p, nr, res);
      ctrl_frame *f = &c->cs[c->cn - 1];
      f->loop_pos = c->n;
      if (at != NONE)
        f->else_patch = (patch){ at, c->n - 1 };
      if (opcode == 0x03)
        label_here (c);
      else
        peephole_barrier (c); /* a block or then-branch is entered only by falling in */
      return 0;
    }
    case 0x05: {
      ctrl_frame *f = &c->cs[c->cn - 1];
      c->opname = "else";
      if (f->kind != FRAME_IF)
        return invalid (c, "else without if");
      if (check_top (c, f->nresults, f->results) < 0)
        return -1;
      if (c->vn != f->height + f->nresults)
        return invalid (c, "type mismatch: values remain at else");
      if (live (c))
        {
          for (uint32_t i = f->height; i < c->vn; i++)
            materialize (c, &c->vs[i]);
          emit_jump (c, f);
        }
      c->vn = f->height;
      c->cur_slots = f->slot_height;
      if (f->else_patch.instr != NONE)
        c->code[f->else_patch.word] = c->n - f->else_patch.instr;
      f->else_patch.instr = NONE;
      f->kind = FRAME_ELSE;
      f->unreachable = false;
      for (uint32_t i = 0; i < f->nparams; i++)
        push (c, f->params[i]);
      label_here (c);
      return 0;
    }
    case 0x0b:
      return compile_end (c);
    case 0x0c:
    case 0x0d:
      c->opname = opcode == 0x0c ? "br" : "br_if";
      if (read_u32 (&c->r, &x) < 0)
        return -1;
      return compile_branch (c, x, opcode == 0x0d);
    case 0x0e:
      c->opname = "br_table";
      return compile_br_table (c);
    case 0x0f:
      c->opname = "return";
      if (check_top (c, c->type->pub.nresults, c->type->results) < 0)
        return -1;
      if (live (c))
        emit_return (c);
      set_unreachable (c);
      return 0;
    case 0x10: {
      c->opname = "call";
      if (read_index (c, m->nfuncs, "function", &x) < 0)
        return -1;
      uint32_t base;
      arg_moves moves;
      int rc = call_operands (c, &m->types[m->func_type[x]], &base, &moves);
      if (rc == 0 && live (c))
        {
          emit_op (c, moves.n ? OP_call_moves : OP_call);
          emit_word (c, x);
          emit_word (c, base);
          if (moves.n)
            emit_moves (c, &moves);
        }
      free (moves.pairs);
      return rc;
    }
    case 0x11: {
      c->opname = "call_indirect";
      if (read_index (c, m->ntypes, "type", &y) < 0 || read_index (c, m->ntables, "table", &x) < 0)
        return -1;
      if (m->tables[x].elem != WASM_FUNCREF)
        return invalid (c, "type mismatch: call_indirect on a table of externref");
      if (pop (c, WASM_I32, &a) < 0)
        return -1;
      uint32_t base;
      arg_moves moves;
      int rc = call_operands (c, &m->types[y], &base, &moves);
      if (rc == 0 && live (c))
        {
          emit_op (c, moves.n ? OP_call_indirect_moves : OP_call_indirect);
          emit_word (c, x);
          emit_word (c, y);
          emit_word (c, base);
          emit_word (c, a.slot);
          if (moves.n)
            emit_moves (c, &moves);
        }
      free (moves.pairs);
      return rc;
    }
    case 0x1a:
      c->opname = "drop";
      return pop (c, 0, &a);
    case 0x1b:
    case 0x1c: {
      wasm_valtype t = 0;
      c->opname = "select";
      if (opcode == 0x1c)
        {
          uint32_t n;
          if (read_u32 (&c->r, &n) < 0)
            return -1;
          if (n != 1)
            return invalid (c, "invalid result arity");
          if (read_valtype (&c->r, &t) < 0)
            return -1;
        }
      if (pop (c, WASM_I32, &d) < 0 || pop (c, t, &b) < 0 || pop (c, t ? t : b.type, &a) < 0)
        return -1;
      if (!t)
        {
          t = a.type ? a.type : b.type;
          if (valtype_is_ref (t))
            return invalid (c, "type mismatch: select needs a type for references");
        }
      push (c, t);
      if (live (c))
        {
          emit_op (c, t == WASM_V128 ? OP_select128 : OP_select64);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
          emit_word (c, b.slot);
          emit_word (c, d.slot);
          c->last_dst = c->last_instr + 1;
        }
      return 0;
    }
    case 0x20:
    case 0x21:
    case 0x22:
      return compile_local (c, opcode);
    case 0x23: {
      c->opname = "global.get";
      if (read_index (c, m->nglobals, "global", &x) < 0)
        return -1;
      wasm_valtype t = m->globals[x].type;
      push (c, t);
      if (live (c))
        {
          emit_op (c, t == WASM_V128 ? OP_global_get128 : OP_global_get);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, x);
          c->last_dst = c->last_instr + 1;
        }
      return 0;
    }
    case 0x24:
      c->opname = "global.set";
      if (read_index (c, m->nglobals, "global", &x) < 0)
        return -1;
      if (!m->globals[x].mut)
        return invalid (c, "global is immutable");
      if (pop (c, m->globals[x].type, &a) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, m->globals[x].type == WASM_V128 ? OP_global_set128 : OP_global_set);
          emit_word (c, x);
          emit_word (c, a.slot);
        }
      return 0;
    case 0x25:
    case 0x26:
      c->opname = opcode == 0x25 ? "table.get" : "table.set";
      if (read_index (c, m->ntables, "table", &x) < 0)
        return -1;
      if (opcode == 0x25)
        {
          if (pop (c, WASM_I32, &a) < 0)
            return -1;
          push (c, m->tables[x].elem);
          if (live (c))
            {
              emit_op (c, OP_table_get);
              emit_word (c, x);
              emit_word (c, c->vs[c->vn - 1].canon);
              emit_word (c, a.slot);
            }
          return 0;
        }
      if (pop (c, m->tables[x].elem, &b) < 0 || pop (c, WASM_I32, &a) < 0)
        return -1;
      if (live (c))
        {
          emit_op (c, OP_table_set);
          emit_word (c, x);
          emit_word (c, a.slot);
          emit_word (c, b.slot);
        }
      return 0;
    case 0x3f:
    case 0x40:
      c->opname = opcode == 0x3f ? "memory.size" : "memory.grow";
      if (read_zero_byte (c) < 0)
        return -1;
      if (m->nmems == 0)
        return invalid (c, "unknown memory 0");
      if (opcode == 0x40 && pop (c, WASM_I32, &a) < 0)
        return -1;
      push (c, WASM_I32);
      if (live (c))
        {
          emit_op (c, opcode == 0x3f ? OP_memory_size : OP_memory_grow);
          emit_word (c, c->vs[c->vn - 1].canon);
          if (opcode == 0x40)
            emit_word (c, a.slot);
        }
      return 0;
    case 0x41: {
      int64_t v;
      c->opname = "i32.const";
      if (read_sleb (&c->r, 32, &v) < 0)
        return -1;
      push (c, WASM_I32);
      if (live (c))
        {
          emit_op (c, OP_const32);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, (uint32_t) v);
          c->last_dst = c->last_instr + 1;
        }
      return 0;
    }
    case 0x42:
    case 0x44: {
      uint64_t v;
      if (opcode == 0x42)
        {
          int64_t s;
          if (read_sleb (&c->r, 64, &s) < 0)
            return -1;
          v = (uint64_t) s;
        }
      else
        {
          const uint8_t *p;
          if (read_bytes (&c->r, 8, &p) < 0)
            return -1;
          memcpy (&v, p, 8);
        }
      push (c, opcode == 0x42 ? WASM_I64 : WASM_F64);
      if (live (c))
        {
          emit_op (c, OP_const64);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_u64 (c, v);
          c->last_dst = c->last_instr + 1;
        }
      return 0;
    }
    case 0x43: {
      const uint8_t *p;
      uint32_t v;
      if (read_bytes (&c->r, 4, &p) < 0)
        return -1;
      memcpy (&v, p, 4);
      push (c, WASM_F32);
      if (live (c))
        {
          /* Not const32: f32 constants must not fuse as i32 immediates. */
          emit_op (c, OP_const64);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_u64 (c, v);
          c->last_dst = c->last_instr + 1;
        }
      return 0;
    }
    case 0xd0: {
      uint8_t t;
      c->opname = "ref.null";
      if (read_u8 (&c->r, &t) < 0)
        return -1;
      if (t != WASM_FUNCREF && t != WASM_EXTERNREF)
        return MALFORMED (&c->r, "malformed reference type");
      push (c, (wasm_valtype) t);
      if (live (c))
        {
          emit_op (c, OP_const64);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_u64 (c, 0);
        }
      return 0;
    }
    case 0xd1:
      c->opname = "ref.is_null";
      if (pop (c, 0, &a) < 0)
        return -1;
      if (a.type && !valtype_is_ref (a.type))
        return invalid (c, "type mismatch: ref.is_null needs a reference");
      push (c, WASM_I32);
      if (live (c))
        {
          emit_op (c, OP_ref_is_null);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, a.slot);
        }
      return 0;
    case 0xd2:
      c->opname = "ref.func";
      if (read_index (c, m->nfuncs, "function", &x) < 0)
        return -1;
      if (!m->func_declared[x])
        return invalid (c, "undeclared function reference");
      push (c, WASM_FUNCREF);
      if (live (c))
        {
          emit_op (c, OP_ref_func);
          emit_word (c, c->vs[c->vn - 1].canon);
          emit_word (c, x);
        }
      return 0;
    case 0xfc:
      return compile_fc (c);
    case 0xfd:
      return compile_simd (c);
    }
  (void) b;
  return MALFORMED (&c->r, "illegal opcode");
}

static int read_locals (compiler *c)
{
  uint32_t ngroups;
  reader *r = &c->r;
  const functype_t *t = c->type;
  if (read_u32 (r, &ngroups) < 0)
    return -1;
  uint64_t total = t->pub.nparams;
  const uint8_t *save = r->p;
  for (uint32_t i = 0; i < ngroups; i++)
    {
      uint32_t n;
      wasm_valtype vt;
      if (read_u32 (r, &n) < 0 || read_valtype (r, &vt) < 0)
        return -1;
      total += n;
      if (total > MAX_LOCALS)
        return MALFORMED (r, "too many locals");
    }
  c->nlocals = (uint32_t) total;
  if (total + 1 > c->locals_cap)
    {
      c->locals_cap = (uint32_t) total + 1;
      c->local_type = realloc (c->local_type, c->locals_cap * sizeof *c->local_type);
      c->local_slot = realloc (c->local_slot, c->locals_cap * sizeof *c->local_slot);
    }
  uint32_t k = 0, slot = 0;
  for (; k < t->pub.nparams; k++)
    {
      c->local_type[k] = t->params[k];
      c->local_slot[k] = slot;
      slot += valtype_slots (t->params[k]);
    }
  r->p = save;
  for (uint32_t i = 0; i < ngroups; i++)
    {
      uint32_t n;
      wasm_valtype vt;
      read_u32 (r, &n);
      read_valtype (r, &vt);
      for (uint32_t j = 0; j < n; j++, k++)
        {
          c->local_type[k] = vt;
          c->local_slot[k] = slot;
          slot += valtype_slots (vt);
        }
    }
  c->locals_slots = slot;
  return 0;
}

const uint32_t code_untranslated[1] = { OP_translate };

int compile_function (wasm_module *m, uint32_t func_index, compile_mode mode, compile_scratch *scratch,
                      code_t *out, wasm_error *err)
{
  const code_t *src = &m->codes[func_index - m->nimported_funcs];
  const uint8_t *body = m->code_bytes + src->body_at;
  compiler c = { .m = m, .func_index = func_index };
  c.code = scratch->code;
  c.cap = scratch->code_cap;
  c.vs = scratch->values;
  c.vcap = scratch->values_cap;
  c.cs = scratch->frames;
  c.ccap = scratch->frames_cap;
  c.local_type = scratch->local_type;
  c.local_slot = scratch->local_slot;
  c.locals_cap = scratch->locals_cap;
  c.offsets = scratch->offsets;
  c.offsets_cap = scratch->offsets_cap;
  c.r = (reader){ body, body + src->body_len, m->code_bytes - m->code_bytes_offset, err };
  c.type = &m->types[m->func_type[func_index]];
  c.last_instr = NONE;
  peephole_barrier (&c);
  int rc = -1;
  if (read_locals (&c) < 0)
    goto out;
  c.cur_slots = c.max_slots = c.locals_slots;
  c.moves_at = NONE;
  c.add_at = NONE;
  for (uint32_t slot = c.type->param_slots; slot < c.locals_slots && slot < 256; slot++)
    c.zero_known[slot / 64] |= 1ull << (slot % 64);
  push_frame (&c, FRAME_FUNC, 0, NULL, c.type->pub.nresults, c.type->results);
  /* Validation alone treats the whole body as unreachable code: every check, no emission.
   * The operand stack, and so the frame layout, is the same as when translating. */
  c.cs[0].dead = mode == COMPILE_VALIDATE;
  while (c.cn > 0)
    {
      uint8_t opcode;
      if (c.r.p >= c.r.end)
        {
          MALFORMED (&c.r, "unexpected end of section or function");
          goto out;
        }
      c.instr_offset = (uint32_t) reader_offset (&c.r);
      read_u8 (&c.r, &opcode);
      if (compile_instr (&c, opcode) < 0)
        goto out;
    }
  if (c.r.p != c.r.end)
    {
      MALFORMED (&c.r, "section size mismatch (operators after the function's end)");
      goto out;
    }
  out->param_slots = c.type->param_slots;
  out->local_slots = c.locals_slots - c.type->param_slots;
  out->frame_slots = c.max_slots > c.type->result_slots ? c.max_slots : c.type->result_slots;
  rc = 0;
  if (mode == COMPILE_VALIDATE)
    goto out;
  out->nwords = c.n;
  size_t map_len = encode_offsets (&c, NULL);
  if (mode == COMPILE_TEMPORARY)
    {
      /* The offset map is the caller's to free: the compiler copies it into its pc map. */
      uint8_t *map = malloc (map_len ? map_len : 1);
      if (!map)
        {
          rc = module_error (err, WASM_ERR_RESOURCE, "out of memory");
          goto out;
        }
      out->words = c.code;
      out->offsets = map;
      out->offsets_len = (uint32_t) encode_offsets (&c, map);
      goto out;
    }
  out->words = module_code_alloc (m, (c.n ? c.n : 1) + (map_len + 3) / 4);
  if (!out->words)
    {
      rc = module_error (err, WASM_ERR_RESOURCE, "out of memory");
      goto out;
    }
  memcpy (out->words, c.code, c.n * sizeof *c.code);
  out->offsets = (const uint8_t *) (out->words + (c.n ? c.n : 1));
  out->offsets_len = (uint32_t) encode_offsets (&c, (uint8_t *) out->offsets);
out:
  for (uint32_t i = 0; i < c.cn; i++)
    free (c.cs[i].patches);
  *scratch = (compile_scratch){ c.code, c.cap, c.vs, c.cs, c.vcap, c.ccap, c.local_type, c.local_slot, c.locals_cap,
                                c.offsets, c.offsets_cap };
  return rc;
}

int code_translate (wasm_module *m, uint32_t func_index)
{
  code_t *code = &m->codes[func_index - m->nimported_funcs];
  int rc = 0;
  pthread_mutex_lock (&m->translate_lock);
  if (code->words == code_untranslated)
    {
      wasm_error err;
      code_t t = *code;
      if (!m->translate_scratch)
        m->translate_scratch = calloc (1, sizeof *m->translate_scratch);
      /* Validated at load, so only memory can fail; a frame larger than validation said
       * would break the caller's stack check, so it is refused too (it cannot happen). */
      if (!m->translate_scratch || compile_function (m, func_index, COMPILE_KEEP, m->translate_scratch, &t, &err) < 0
          || t.frame_slots != code->frame_slots)
        rc = -1;
      else
        {
          code->nwords = t.nwords;
          code->offsets = t.offsets;
          code->offsets_len = t.offsets_len;
          __atomic_store_n (&code->words, t.words, __ATOMIC_RELEASE);
        }
    }
  pthread_mutex_unlock (&m->translate_lock);
  return rc;
}

void compile_scratch_free (compile_scratch *scratch)
{
  free (scratch->code);
  free (scratch->values);
  free (scratch->frames);
  free (scratch->local_type);
  free (scratch->local_slot);
  free (scratch->offsets);
}
