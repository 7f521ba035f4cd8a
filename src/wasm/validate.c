/* Fast validation of function bodies, for lazy loading: a filter in front of compile.c.
 *
 * Loading a module lazily validates every body but translates none, and compile.c's
 * validator carries the translator's state (slots, lazy locals, peepholes) even when it emits
 * nothing. This loop keeps only what validation needs: the type of each operand and a few
 * words per block, in local variables of one threaded loop (a jump per handler: the
 * opcode is the least predictable branch). It knows the common instructions (control flow
 * with empty or single-value block types, br_table, calls, locals, globals, loads, stores,
 * memory.size/grow/copy/fill, constants, numeric ops) without v128; a body using anything
 * else, and any body it finds invalid, is left to compile.c (COMPILE_VALIDATE), which
 * decides with its own messages. So this file never reports an error: it only says "valid"
 * for bodies compile.c would accept, and then must also agree with it on the frame size
 * (code_translate and the compiler check that they do, so does wasm_lazy_test). */
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

typedef struct block { uint8_t result, is_if, is_loop, unreachable; uint32_t height; } block;

static bool scalar_type (uint8_t t)
{
  return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_FUNCREF
         || t == WASM_EXTERNREF;
}

static bool reserve (void **p, uint32_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return true;
  if (need > UINT32_MAX / 2)
    return false;
  void *grown = realloc (*p, need * 2 * elem);
  if (!grown)
    return false;
  *p = grown;
  *cap = (uint32_t) need * 2;
  return true;
}

/* The locals' types after the parameters'; false for v128 locals or too many. */
static bool read_locals (reader *r, const functype_t *t, validate_scratch *s, uint32_t *nlocals)
{
  uint32_t ngroups;
  if (read_u32 (r, &ngroups) < 0)
    return false;
  uint32_t n = t->pub.nparams;
  const uint8_t *save = r->p;
  for (uint32_t i = 0; i < ngroups; i++)
    {
      uint32_t count;
      uint8_t vt;
      if (read_u32 (r, &count) < 0 || read_u8 (r, &vt) < 0 || !scalar_type (vt) || count > MAX_LOCALS - n)
        return false;
      n += count;
    }
  if (!reserve ((void **) &s->local_type, &s->locals_cap, n + 1, 1))
    return false;
  for (uint32_t i = 0; i < t->pub.nparams; i++)
    if (!scalar_type (s->local_type[i] = (uint8_t) t->params[i]))
      return false;
  r->p = save;
  for (uint32_t i = 0, at = t->pub.nparams; i < ngroups; i++)
    {
      uint32_t count;
      uint8_t vt;
      read_u32 (r, &count);
      read_u8 (r, &vt);
      memset (s->local_type + at, vt, count);
      at += count;
    }
  *nlocals = n;
  return true;
}

bool validate_fast (const wasm_module *m, uint32_t func_index, validate_scratch *s, code_t *out)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
  static const void *const labels[256] = {
    [0 ... 255] = &&bail,
    [0x00] = &&op_unreachable, [0x01] = &&op_nop, [0x02] = &&op_block, [0x03] = &&op_block, [0x04] = &&op_block,
    [0x05] = &&op_else, [0x0b] = &&op_end, [0x0c] = &&op_br, [0x0d] = &&op_br, [0x0e] = &&op_br_table,
    [0x0f] = &&op_return,
    [0x10] = &&op_call, [0x11] = &&op_call_indirect, [0x1a] = &&op_drop, [0x1b] = &&op_select,
    [0x20] = &&op_local_get, [0x21] = &&op_local_set, [0x22] = &&op_local_tee, [0x23] = &&op_global_get,
    [0x24] = &&op_global_set, [0x28 ... 0x3e] = &&op_memory, [0x3f] = &&op_memory_size, [0x40] = &&op_memory_size,
    [0x41] = &&op_i32_const, [0x42] = &&op_i64_const, [0x43] = &&op_f32_const, [0x44] = &&op_f64_const,
    [0x45 ... 0xc4] = &&op_numeric, [0xfc] = &&op_fc,
  };
#pragma GCC diagnostic pop
  const code_t *src = &m->codes[func_index - m->nimported_funcs];
  const uint8_t *body = m->code_bytes + src->body_at;
  const functype_t *type = &m->types[m->func_type[func_index]];
  wasm_error quiet;
  reader r = { body, body + src->body_len, body, &quiet };
  uint32_t nlocals = 0;
  /* A push takes at least one byte of code (a call's results aside, reserved there), a
   * block at least two: sized once, the stacks need no checks. */
  if (!read_locals (&r, type, s, &nlocals) || type->pub.nresults > 1
      || (type->pub.nresults && !scalar_type (type->results[0]))
      || !reserve ((void **) &s->vals, &s->vals_cap, src->body_len + 2, sizeof *s->vals)
      || !reserve ((void **) &s->blocks, &s->blocks_cap, src->body_len / 2 + 2, sizeof *s->blocks))
    return false;
  const uint8_t *local_type = s->local_type;
  uint16_t *vals = s->vals; /* not bytes: a byte store may alias anything, even the locals here */
  block *blocks = s->blocks;
  uint32_t vn = 0, max_vn = 0, bn = 1, floor = 0;
  bool dead = false;
  blocks[0] = (block){ type->pub.nresults ? (uint8_t) type->results[0] : 0, 0, 0, 0, 0 };
  uint32_t x, y;
  uint8_t op, a, b, t;

#define NEXT()                                                                                \
  do {                                                                                        \
    if (__builtin_expect (r.p >= r.end, 0))                                                   \
      goto bail;                                                                              \
    op = *r.p++;                                                                              \
    goto *labels[op];                                                                         \
  } while (0)
#define PUSH(type_)                                                                           \
  do {                                                                                        \
    vals[vn++] = (type_);                                                                     \
    if (vn > max_vn)                                                                          \
      max_vn = vn;                                                                            \
  } while (0)
  /* Pop into var a value of type want (0: any); unknown (0) below an unreachable point. */
#define POP(var, want)                                                                        \
  do {                                                                                        \
    if (__builtin_expect (vn == floor, 0))                                                    \
      {                                                                                       \
        if (!dead)                                                                            \
          goto bail;                                                                          \
        var = 0;                                                                              \
      }                                                                                       \
    else if ((var = (uint8_t) vals[--vn]) && (want) && var != (want))                         \
      goto bail;                                                                              \
  } while (0)
#define U32(var)                                                                              \
  do {                                                                                        \
    if (__builtin_expect (r.p < r.end && *r.p < 0x80, 1))                                     \
      var = *r.p++;                                                                           \
    else if (read_u32 (&r, &var) < 0)                                                         \
      goto bail;                                                                              \
  } while (0)
#define ENTER_BLOCK()                                                                         \
  do {                                                                                        \
    floor = blocks[bn - 1].height;                                                            \
    dead = blocks[bn - 1].unreachable;                                                        \
  } while (0)
#define SET_UNREACHABLE()                                                                     \
  do {                                                                                        \
    vn = floor;                                                                               \
    blocks[bn - 1].unreachable = 1;                                                           \
    dead = true;                                                                              \
  } while (0)
  /* The label's value (type_, 0 for none) is on top: check it, keeping it there. */
#define CHECK_LABEL(type_)                                                                    \
  do {                                                                                        \
    uint8_t want_ = (type_), got_;                                                            \
    if (want_)                                                                                \
      {                                                                                       \
        POP (got_, want_);                                                                    \
        PUSH (want_);                                                                         \
      }                                                                                       \
  } while (0)

  NEXT ();
op_numeric: {
  const num_shape *sh = &numeric[op];
  if (!sh->in)
    goto bail;
  /* The usual case: the operands are there with their types; the result replaces the first. */
  uint32_t n = sh->binary ? 2 : 1;
  if (__builtin_expect (vn >= floor + n && vals[vn - 1] == sh->in && vals[vn - n] == sh->in, 1))
    {
      vn -= n - 1;
      vals[vn - 1] = sh->out;
      NEXT ();
    }
  POP (a, sh->in);
  if (sh->binary)
    POP (a, sh->in);
  PUSH (sh->out);
  NEXT ();
}
op_memory: {
  const mem_shape *sh = &memory_ops[op - 0x28];
  U32 (x); /* alignment */
  U32 (y); /* offset */
  if (!m->nmems || x >= 32 || (1u << x) > sh->bytes)
    goto bail;
  if (sh->store)
    POP (a, sh->type);
  POP (a, WASM_I32);
  if (!sh->store)
    PUSH (sh->type);
  NEXT ();
}
op_local_get:
  U32 (x);
  if (x >= nlocals)
    goto bail;
  PUSH (local_type[x]);
  NEXT ();
op_local_set:
  U32 (x);
  if (x >= nlocals)
    goto bail;
  POP (a, local_type[x]);
  NEXT ();
op_local_tee:
  U32 (x);
  if (x >= nlocals)
    goto bail;
  POP (a, local_type[x]);
  PUSH (local_type[x]);
  NEXT ();
op_global_get:
  U32 (x);
  if (x >= m->nglobals || !scalar_type (m->globals[x].type))
    goto bail;
  PUSH (m->globals[x].type);
  NEXT ();
op_global_set:
  U32 (x);
  if (x >= m->nglobals || !m->globals[x].mut || !scalar_type (m->globals[x].type))
    goto bail;
  POP (a, m->globals[x].type);
  NEXT ();
op_i32_const:
op_i64_const: {
  /* Only the longest encodings need read_sleb's check of their unused bits; the length of
   * a shorter one comes from its continuation bits, without a branch per byte. */
  unsigned longest = op == 0x41 ? 5 : 10, n = longest;
  if (r.end - r.p >= 8)
    {
      uint64_t v, stop;
      memcpy (&v, r.p, 8);
      stop = ~v & 0x8080808080808080ull;
      n = stop ? (unsigned) (__builtin_ctzll (stop) >> 3) + 1 : longest;
    }
  int64_t v;
  if (n < longest)
    r.p += n;
  else if (read_sleb (&r, longest == 5 ? 32 : 64, &v) < 0)
    goto bail;
  PUSH (op == 0x41 ? WASM_I32 : WASM_I64);
  NEXT ();
}
op_f32_const:
op_f64_const:
  if ((size_t) (r.end - r.p) < (op == 0x43 ? 4u : 8u))
    goto bail;
  r.p += op == 0x43 ? 4 : 8;
  PUSH (op == 0x43 ? WASM_F32 : WASM_F64);
  NEXT ();
op_drop:
  POP (a, 0);
  NEXT ();
op_select:
  POP (a, WASM_I32);
  POP (b, 0);
  POP (a, b);
  t = a ? a : b;
  if (t == WASM_FUNCREF || t == WASM_EXTERNREF)
    goto bail; /* needs the typed select */
  PUSH (t);
  NEXT ();
op_call:
  U32 (x);
  if (x >= m->nfuncs)
    goto bail;
  y = m->func_type[x];
  goto call;
op_call_indirect:
  U32 (y);
  U32 (x);
  if (y >= m->ntypes || x >= m->ntables || m->tables[x].elem != WASM_FUNCREF)
    goto bail;
  POP (a, WASM_I32);
call: {
  const functype_t *ft = &m->types[y];
  for (uint32_t i = ft->pub.nparams; i-- > 0;)
    {
      if (!scalar_type (ft->params[i]))
        goto bail;
      POP (a, ft->params[i]);
    }
  if (vn + ft->pub.nresults + 2 > s->vals_cap)
    {
      if (!reserve ((void **) &s->vals, &s->vals_cap, vn + ft->pub.nresults + src->body_len + 2, sizeof *s->vals))
        goto bail;
      vals = s->vals;
    }
  for (uint32_t i = 0; i < ft->pub.nresults; i++)
    {
      if (!scalar_type (ft->results[i]))
        goto bail;
      PUSH (ft->results[i]);
    }
  NEXT ();
}
op_memory_size:
  if (r.p >= r.end || *r.p++ != 0 || !m->nmems)
    goto bail;
  if (op == 0x40)
    POP (a, WASM_I32);
  PUSH (WASM_I32);
  NEXT ();
op_fc:
  U32 (x);
  if (x == 10 || x == 11)
    {
      /* memory.copy (two zero bytes) and memory.fill (one): three i32 operands */
      if (r.p >= r.end || *r.p++ != 0 || (x == 10 && (r.p >= r.end || *r.p++ != 0)) || !m->nmems)
        goto bail;
      POP (a, WASM_I32);
      POP (a, WASM_I32);
      POP (a, WASM_I32);
      NEXT ();
    }
  if (x > 7)
    goto bail; /* the trunc_sat conversions are numeric ops like the others */
  {
    const num_shape *sh = &numeric[0xc5 + x];
    if (!sh->in)
      goto bail;
    POP (a, sh->in);
    PUSH (sh->out);
  }
  NEXT ();
op_unreachable:
  SET_UNREACHABLE ();
  NEXT ();
op_nop:
  NEXT ();
op_block:
  if (r.p >= r.end)
    goto bail;
  t = *r.p++;
  if (t != 0x40 && !scalar_type (t))
    goto bail; /* v128 or a type index (block parameters, several results) */
  if (op == 0x04)
    POP (a, WASM_I32);
  blocks[bn++] = (block){ t == 0x40 ? 0 : t, op == 0x04, op == 0x03, 0, vn };
  ENTER_BLOCK ();
  NEXT ();
op_else:
  if (!blocks[bn - 1].is_if)
    goto bail;
  CHECK_LABEL (blocks[bn - 1].result);
  if (vn != floor + (blocks[bn - 1].result ? 1 : 0))
    goto bail;
  vn = floor;
  blocks[bn - 1].is_if = blocks[bn - 1].unreachable = 0;
  dead = false;
  NEXT ();
op_end: {
  const block bl = blocks[bn - 1];
  CHECK_LABEL (bl.result);
  /* The results are all that is left; an if without else must not change the stack. */
  if (vn != floor + (bl.result ? 1 : 0) || (bl.is_if && bl.result))
    goto bail;
  vn = floor;
  if (--bn == 0)
    goto done;
  ENTER_BLOCK ();
  if (bl.result)
    PUSH (bl.result);
  NEXT ();
}
op_br:
  U32 (x);
  if (x >= bn)
    goto bail;
  t = blocks[bn - 1 - x].is_loop ? 0 : blocks[bn - 1 - x].result;
  if (op == 0x0d)
    {
      POP (a, WASM_I32);
      CHECK_LABEL (t);
      NEXT ();
    }
  CHECK_LABEL (t);
  SET_UNREACHABLE ();
  NEXT ();
op_br_table: {
  /* Every target must carry the same number of values (here: none or one); each checks
   * the value against its own type and leaves it as it was. */
  U32 (x);
  if (x > (size_t) (r.end - r.p))
    goto bail;
  const uint8_t *depths = r.p;
  uint32_t arity = UINT32_MAX;
  for (uint32_t i = 0; i <= x; i++)
    {
      U32 (y);
      if (y >= bn)
        goto bail;
      const block *target = &blocks[bn - 1 - y];
      uint32_t n = !target->is_loop && target->result;
      if (arity != UINT32_MAX && n != arity)
        goto bail;
      arity = n;
    }
  POP (a, WASM_I32);
  const uint8_t *after = r.p;
  r.p = depths;
  for (uint32_t i = 0; i <= x; i++)
    {
      U32 (y);
      const block *target = &blocks[bn - 1 - y];
      if (!target->is_loop && target->result)
        {
          POP (a, target->result);
          PUSH (a);
        }
    }
  r.p = after;
  SET_UNREACHABLE ();
  NEXT ();
}
op_return:
  if (blocks[0].result)
    POP (a, blocks[0].result);
  SET_UNREACHABLE ();
  NEXT ();

done:
  if (r.p != r.end)
    goto bail;
  /* Every value here takes one slot: compile.c's frame is the locals plus the deepest stack. */
  out->param_slots = type->param_slots;
  out->local_slots = nlocals - type->pub.nparams;
  out->frame_slots = nlocals + max_vn > type->result_slots ? nlocals + max_vn : type->result_slots;
  return true;
bail:
  return false;
#undef NEXT
#undef PUSH
#undef POP
#undef U32
#undef ENTER_BLOCK
#undef SET_UNREACHABLE
#undef CHECK_LABEL
}

void validate_scratch_free (validate_scratch *s)
{
  free (s->vals);
  free (s->blocks);
  free (s->local_type);
}
