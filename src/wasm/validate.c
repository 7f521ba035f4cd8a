/* Fast validation of function bodies, for lazy loading: a filter in front of compile.c.
 *
 * Loading a module lazily validates every body but translates none, and compile.c's
 * validator carries the translator's state (slots, lazy locals, peepholes) even when it emits
 * nothing. This loop keeps only what validation needs: a byte per operand (its type) and a
 * few words per block. It knows the common instructions (control flow with empty or
 * single-value block types, calls, locals, globals, memory, constants, numeric ops) without
 * v128; a body using anything else, and any body it finds invalid, is left to compile.c
 * (COMPILE_VALIDATE), which decides with its own messages. So this file never reports an
 * error: it only says "valid" for bodies compile.c would accept, and then must also agree
 * with it on the frame size (code_translate and the compiler check that they do). */
#include <stdlib.h>
#include <string.h>

#include "wasm/decode.h"
#include "wasm/ops.h"
#include "wasm/reader.h"

#define MAX_LOCALS 50000u /* compile.c's limit */

#define I32 WASM_I32
#define I64 WASM_I64
#define F32 WASM_F32
#define F64 WASM_F64
#define NUM_INDEX(opc) ((opc) >= 0xfc00 ? 0xc5 + ((opc) - 0xfc00) : (opc))

/* Operand types of the numeric ops; in == 0 for opcodes that are none. */
typedef struct num_shape { uint8_t in, out; bool binary; } num_shape;
static const num_shape numeric[0xc5 + 8] = {
#define SHAPE_U false
#define SHAPE_B true
#define NUM_ROW(opc, name, shape, tin, tout, fin, fout, expr, fuse) [NUM_INDEX (opc)] = { tin, tout, SHAPE_##shape },
  NUMERIC_OPS (NUM_ROW)
#undef NUM_ROW
};

/* Loads and stores, 0x28-0x3e: the value's type and the natural width. */
typedef struct mem_shape { uint8_t type, bytes; bool store; } mem_shape;
static const mem_shape memory_ops[0x3f - 0x28] = {
#define LOAD_ROW(opc, name, type, field, ctype, bytes) [opc - 0x28] = { type, bytes, false },
#define STORE_ROW(opc, name, type, field, ctype, bytes) [opc - 0x28] = { type, bytes, true },
  LOAD_OPS (LOAD_ROW) STORE_OPS (STORE_ROW)
#undef LOAD_ROW
#undef STORE_ROW
};

typedef struct block { uint8_t result, is_if, is_loop; bool unreachable; uint32_t height; } block;

/* Operand types are kept as uint16_t, not bytes: stores through a byte pointer may alias
 * anything, which would make the compiler reload the checker's fields after every push. */
typedef struct checker {
  reader r;
  uint16_t *vals;
  uint32_t vn, vcap, max_vn;
  block *blocks;
  uint32_t bn, bcap;
} checker;

static bool scalar_type (uint8_t t)
{
  return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_FUNCREF
         || t == WASM_EXTERNREF;
}

#define HOT static inline __attribute__ ((always_inline))

__attribute__ ((noinline)) static bool grow (checker *k)
{
  uint32_t cap = k->vcap ? k->vcap * 2 : 256;
  uint16_t *v = realloc (k->vals, cap * sizeof *v);
  if (!v)
    return false;
  k->vals = v;
  k->vcap = cap;
  return true;
}

HOT bool push (checker *k, uint8_t t)
{
  if (__builtin_expect (k->vn == k->vcap, 0) && !grow (k))
    return false;
  k->vals[k->vn++] = t;
  if (k->vn > k->max_vn)
    k->max_vn = k->vn;
  return true;
}

/* Pop a value of type want (0: any); *got is its type, 0 if unknown (unreachable code). */
HOT bool pop (checker *k, uint8_t want, uint8_t *got)
{
  const block *b = &k->blocks[k->bn - 1];
  if (k->vn == b->height)
    {
      *got = 0;
      return b->unreachable;
    }
  *got = (uint8_t) k->vals[--k->vn];
  return !want || !*got || *got == want;
}

HOT bool pop_type (checker *k, uint8_t want)
{
  uint8_t got;
  return pop (k, want, &got);
}

/* The label's value (if any) is on top: check it, keeping it there. */
HOT bool check_label (checker *k, uint8_t t)
{
  return !t || (pop_type (k, t) && push (k, t));
}

static void set_unreachable (checker *k)
{
  block *b = &k->blocks[k->bn - 1];
  k->vn = b->height;
  b->unreachable = true;
}

static bool push_block (checker *k, uint8_t result, bool is_if, bool is_loop)
{
  if (k->bn == k->bcap)
    {
      uint32_t cap = k->bcap ? k->bcap * 2 : 16;
      block *v = realloc (k->blocks, cap * sizeof *v);
      if (!v)
        return false;
      k->blocks = v;
      k->bcap = cap;
    }
  k->blocks[k->bn++] = (block){ result, is_if, is_loop, false, k->vn };
  return true;
}

/* The block's results are exactly what is left on its stack. */
static bool block_done (checker *k)
{
  const block *b = &k->blocks[k->bn - 1];
  return check_label (k, b->result) && k->vn == b->height + (b->result ? 1 : 0);
}

/* Pop a call's arguments and push its results. */
static bool call_type (checker *k, const functype_t *t)
{
  for (uint32_t i = t->pub.nparams; i-- > 0;)
    if (!scalar_type (t->params[i]) || !pop_type (k, t->params[i]))
      return false;
  for (uint32_t i = 0; i < t->pub.nresults; i++)
    if (!scalar_type (t->results[i]) || !push (k, t->results[i]))
      return false;
  return true;
}

/* LEB128 u32: the one-byte case inline. */
HOT bool u32 (checker *k, uint32_t *x)
{
  if (__builtin_expect (k->r.p < k->r.end && *k->r.p < 0x80, 1))
    {
      *x = *k->r.p++;
      return true;
    }
  return read_u32 (&k->r, x) == 0;
}

/* A signed LEB128 constant, whose value validation does not need. */
HOT bool skip_sleb (checker *k, unsigned bits)
{
  int64_t v;
  if (__builtin_expect (k->r.p < k->r.end && *k->r.p < 0x80, 1))
    {
      k->r.p++;
      return true;
    }
  return read_sleb (&k->r, bits, &v) == 0;
}

HOT bool read_memarg (checker *k, const wasm_module *m, uint32_t natural)
{
  uint32_t align, offset;
  return u32 (k, &align) && u32 (k, &offset) && m->nmems > 0 && align < 32 && (1u << align) <= natural;
}

HOT bool numeric_op (checker *k, uint32_t opcode)
{
  const num_shape *s = &numeric[NUM_INDEX (opcode)];
  if (!s->in || !pop_type (k, s->in) || (s->binary && !pop_type (k, s->in)))
    return false;
  return push (k, s->out);
}

/* One instruction; false: invalid, or not one this filter knows. */
static bool instr (checker *k, const wasm_module *m, const functype_t *type, const uint8_t *local_type,
                   uint32_t nlocals, uint8_t op)
{
  reader *r = &k->r;
  uint32_t x, y;
  uint8_t a, b;
  if (op >= 0x45 && op <= 0xc4)
    return numeric_op (k, op);
  if (op >= 0x28 && op <= 0x3e)
    {
      const mem_shape *s = &memory_ops[op - 0x28];
      if (!read_memarg (k, m, s->bytes))
        return false;
      if (s->store)
        return pop_type (k, s->type) && pop_type (k, WASM_I32);
      return pop_type (k, WASM_I32) && push (k, s->type);
    }
  switch (op)
    {
    case 0x00:
      set_unreachable (k);
      return true;
    case 0x01:
      return true;
    case 0x02:
    case 0x03:
    case 0x04: {
      uint8_t bt;
      if (read_u8 (r, &bt) < 0 || (bt != 0x40 && !scalar_type (bt)) || (op == 0x04 && !pop_type (k, WASM_I32)))
        return false;
      return push_block (k, bt == 0x40 ? 0 : bt, op == 0x04, op == 0x03);
    }
    case 0x05: {
      block *bl = &k->blocks[k->bn - 1];
      if (!bl->is_if || !block_done (k))
        return false;
      k->vn = bl->height;
      bl->is_if = false;
      bl->unreachable = false;
      return true;
    }
    case 0x0b: {
      const block bl = k->blocks[k->bn - 1];
      if (!block_done (k) || (bl.is_if && bl.result))
        return false; /* an if without else must leave the stack as it found it */
      k->vn = bl.height;
      k->bn--;
      return k->bn == 0 || !bl.result || push (k, bl.result);
    }
    case 0x0c:
    case 0x0d: {
      if (!u32 (k, &x) || x >= k->bn)
        return false;
      const block *target = &k->blocks[k->bn - 1 - x];
      uint8_t t = target->is_loop ? 0 : target->result;
      if (op == 0x0d)
        return pop_type (k, WASM_I32) && check_label (k, t);
      if (!check_label (k, t))
        return false;
      set_unreachable (k);
      return true;
    }
    case 0x0f:
      for (uint32_t i = type->pub.nresults; i-- > 0;)
        if (!scalar_type (type->results[i]) || !pop_type (k, type->results[i]))
          return false;
      set_unreachable (k);
      return true;
    case 0x10:
      return u32 (k, &x) && x < m->nfuncs && call_type (k, &m->types[m->func_type[x]]);
    case 0x11:
      return u32 (k, &y) && y < m->ntypes && u32 (k, &x) && x < m->ntables
             && m->tables[x].elem == WASM_FUNCREF && pop_type (k, WASM_I32) && call_type (k, &m->types[y]);
    case 0x1a:
      return pop_type (k, 0);
    case 0x1b: {
      if (!pop_type (k, WASM_I32) || !pop (k, 0, &b) || !pop (k, b, &a))
        return false;
      uint8_t t = a ? a : b;
      return t != WASM_FUNCREF && t != WASM_EXTERNREF && push (k, t);
    }
    case 0x20:
      return u32 (k, &x) && x < nlocals && push (k, local_type[x]);
    case 0x21:
      return u32 (k, &x) && x < nlocals && pop_type (k, local_type[x]);
    case 0x22:
      return u32 (k, &x) && x < nlocals && pop_type (k, local_type[x]) && push (k, local_type[x]);
    case 0x23:
      return u32 (k, &x) && x < m->nglobals && scalar_type (m->globals[x].type)
             && push (k, m->globals[x].type);
    case 0x24:
      return u32 (k, &x) && x < m->nglobals && m->globals[x].mut && scalar_type (m->globals[x].type)
             && pop_type (k, m->globals[x].type);
    case 0x3f:
    case 0x40:
      return read_u8 (r, &a) == 0 && a == 0 && m->nmems > 0 && (op == 0x3f || pop_type (k, WASM_I32))
             && push (k, WASM_I32);
    case 0x41: {
      return skip_sleb (k, 32) && push (k, WASM_I32);
    }
    case 0x42: {
      return skip_sleb (k, 64) && push (k, WASM_I64);
    }
    case 0x43:
    case 0x44: {
      const uint8_t *p;
      return read_bytes (r, op == 0x43 ? 4 : 8, &p) == 0 && push (k, op == 0x43 ? WASM_F32 : WASM_F64);
    }
    case 0xfc:
      return u32 (k, &x) && x <= 7 && numeric_op (k, 0xfc00 + x); /* trunc_sat */
    }
  return false;
}

static bool read_locals (checker *k, const functype_t *t, uint8_t **local_type, uint32_t *cap, uint32_t *nlocals)
{
  uint32_t ngroups;
  if (read_u32 (&k->r, &ngroups) < 0)
    return false;
  uint32_t n = t->pub.nparams;
  const uint8_t *save = k->r.p;
  for (uint32_t i = 0; i < ngroups; i++)
    {
      uint32_t count;
      uint8_t vt;
      if (read_u32 (&k->r, &count) < 0 || read_u8 (&k->r, &vt) < 0 || !scalar_type (vt) || count > MAX_LOCALS - n)
        return false;
      n += count;
    }
  if (n + 1 > *cap)
    {
      uint8_t *grown = realloc (*local_type, n + 1);
      if (!grown)
        return false;
      *local_type = grown;
      *cap = n + 1;
    }
  for (uint32_t i = 0; i < t->pub.nparams; i++)
    if (!scalar_type ((*local_type)[i] = (uint8_t) t->params[i]))
      return false;
  k->r.p = save;
  for (uint32_t i = 0, at = t->pub.nparams; i < ngroups; i++)
    {
      uint32_t count;
      uint8_t vt;
      read_u32 (&k->r, &count);
      read_u8 (&k->r, &vt);
      memset (*local_type + at, vt, count);
      at += count;
    }
  *nlocals = n;
  return true;
}

bool validate_fast (const wasm_module *m, uint32_t func_index, validate_scratch *s, code_t *out)
{
  const code_t *src = &m->codes[func_index - m->nimported_funcs];
  const uint8_t *body = m->code_bytes + src->body_at;
  const functype_t *type = &m->types[m->func_type[func_index]];
  wasm_error quiet;
  checker k = { .r = { body, body + src->body_len, body, &quiet }, .vals = s->vals, .vcap = s->vals_cap,
                .blocks = s->blocks, .bcap = s->blocks_cap };
  uint32_t nlocals = 0;
  bool ok = read_locals (&k, type, &s->local_type, &s->locals_cap, &nlocals) && push_block (&k, 0, false, false);
  if (ok && type->pub.nresults > 1)
    ok = false; /* the function's block would carry several values */
  if (ok && type->pub.nresults == 1)
    k.blocks[0].result = (uint8_t) type->results[0];
  if (ok && k.blocks[0].result && !scalar_type (k.blocks[0].result))
    ok = false;
  while (ok && k.bn > 0)
    {
      uint8_t op;
      ok = read_u8 (&k.r, &op) == 0 && instr (&k, m, type, s->local_type, nlocals, op);
    }
  ok = ok && k.r.p == k.r.end;
  if (ok)
    {
      /* Every value here takes one slot: compile.c's frame is locals + the deepest stack. */
      out->param_slots = type->param_slots;
      out->local_slots = nlocals - type->pub.nparams;
      out->frame_slots = nlocals + k.max_vn > type->result_slots ? nlocals + k.max_vn : type->result_slots;
    }
  s->vals = k.vals;
  s->vals_cap = k.vcap;
  s->blocks = k.blocks;
  s->blocks_cap = k.bcap;
  return ok;
}

void validate_scratch_free (validate_scratch *s)
{
  free (s->vals);
  free (s->blocks);
  free (s->local_type);
}
