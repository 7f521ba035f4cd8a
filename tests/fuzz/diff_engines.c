/* Differential tester: the compiler against the interpreter, the reference.
 *
 *   diff_engines [-n COUNT] [-s FIRST_SEED] [-o FAILED.wasm] [-v]
 *
 * For every seed it generates a random *valid* module (typed expression trees over i32, i64,
 * f32, f64: arithmetic, compares, conversions, locals, globals, loads and stores, select,
 * block/loop/if/br_if/br_table, calls, call_indirect through a partly filled table, memory
 * size/grow/fill/copy, traps of every kind), loads it once for each engine, and calls every
 * export with the same arguments in both. Results, traps (kind), globals and the memory
 * contents must agree after every call. A global fuel counter, decremented on every
 * function entry and loop iteration, bounds the work of each call. The first mismatch is
 * written to -o (default build/diff-engines-failure.wasm) and reported; exit status 1. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/wasm.h"

/* ---- Random numbers and bytes ---------------------------------------------------------- */

static uint64_t rng;
static uint64_t next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static uint32_t below (uint32_t n) { return n ? (uint32_t) (next () % n) : 0; }
static bool chance (uint32_t percent) { return below (100) < percent; }

typedef struct buf { uint8_t *p; size_t n, cap; } buf;
static void put (buf *b, uint8_t v)
{
  if (b->n == b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 256;
      b->p = realloc (b->p, b->cap);
      if (!b->p)
        abort ();
    }
  b->p[b->n++] = v;
}
static void put_u (buf *b, uint64_t v)
{
  do
    {
      uint8_t c = v & 0x7f;
      v >>= 7;
      put (b, (uint8_t) (c | (v ? 0x80 : 0)));
    }
  while (v);
}
static void put_s (buf *b, int64_t v)
{
  for (;;)
    {
      uint8_t c = v & 0x7f;
      v >>= 7;
      if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40)))
        {
          put (b, c);
          return;
        }
      put (b, (uint8_t) (c | 0x80));
    }
}
static void put_bytes (buf *b, const void *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    put (b, ((const uint8_t *) p)[i]);
}
static void put_section (buf *out, uint8_t id, buf *content)
{
  put (out, id);
  put_u (out, content->n);
  put_bytes (out, content->p, content->n);
  content->n = 0;
}

/* ---- The module's shape ---------------------------------------------------------------- */

enum { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, VOID = 0x40 };
static const uint8_t valtypes[] = { I32, I64, F32, F64 };

#define MAX_TYPES 6
#define MAX_FUNCS 6
#define MAX_PARAMS 3
#define MAX_LOCALS 5
#define TABLE_SIZE 8
#define FUEL 3000
#define CALL_DEPTH 300

typedef struct ftype { uint32_t nparams; uint8_t params[MAX_PARAMS]; uint8_t result; /* VOID: none */ } ftype;

static ftype types[MAX_TYPES];
static uint32_t ntypes, nfuncs, func_type[MAX_FUNCS];
/* Globals: 0 fuel (i32), then one mutable global of each value type. */
static const uint8_t global_types[] = { I32, I32, I64, F32, F64 };
#define NGLOBALS 5

/* The function being generated. */
static uint8_t local_types[MAX_PARAMS + MAX_LOCALS];
static uint32_t nlocals; /* params + locals */
static uint32_t budget;  /* instructions left for this body */
static uint8_t cur_result;

static void gen_expr (buf *b, uint8_t t, int depth);
static void gen_stmts (buf *b, int depth, int n);

static void gen_const (buf *b, uint8_t t)
{
  static const int64_t ints[] = { 0, 1, -1, 2, 7, 31, 32, 63, 64, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX,
                                  0xffff, 0x10000, -5, 100 };
  static const double floats[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.5, 3e9, -3e9, 2147483648.0,
                                   -2147483649.0, 4294967296.0, 9.3e18, 1.9e19, -9.3e18, 1e-40, INFINITY,
                                   -INFINITY, NAN, 123456.789 };
  switch (t)
    {
    case I32:
      put (b, 0x41);
      put_s (b, chance (70) ? (int32_t) ints[below (sizeof ints / sizeof *ints)] : (int32_t) next ());
      break;
    case I64:
      put (b, 0x42);
      put_s (b, chance (70) ? ints[below (sizeof ints / sizeof *ints)] : (int64_t) next ());
      break;
    case F32:
      {
        float f = chance (80) ? (float) floats[below (sizeof floats / sizeof *floats)] : 0;
        uint32_t bits;
        memcpy (&bits, &f, 4);
        if (f == 0 && chance (30))
          bits = (uint32_t) next ();
        put (b, 0x43);
        put_bytes (b, &bits, 4);
        break;
      }
    case F64:
      {
        double d = chance (80) ? floats[below (sizeof floats / sizeof *floats)] : 0;
        uint64_t bits;
        memcpy (&bits, &d, 8);
        if (d == 0 && chance (30))
          bits = next ();
        put (b, 0x44);
        put_bytes (b, &bits, 8);
        break;
      }
    }
}

static int local_of (uint8_t t)
{
  uint32_t start = below (nlocals + 1);
  for (uint32_t k = 0; k < nlocals; k++)
    {
      uint32_t i = (start + k) % (nlocals ? nlocals : 1);
      if (nlocals && local_types[i] == t)
        return (int) i;
    }
  return -1;
}

static int global_of (uint8_t t)
{
  for (int i = 1; i < NGLOBALS; i++)
    if (global_types[i] == t)
      return i;
  return -1;
}

/* An address: usually inside the first page, sometimes anywhere (out-of-bounds traps). */
static void gen_addr (buf *b, int depth)
{
  if (chance (30))
    {
      put (b, 0x41);
      put_s (b, chance (90) ? (int32_t) below (65536) : (int32_t) next ());
      return;
    }
  gen_expr (b, I32, depth + 1);
  if (chance (5))
    {
      /* base + constant, unmasked: wraps at 2^32 before the offset is added */
      put (b, 0x41);
      put_s (b, chance (50) ? 16 + (int32_t) below (32) : -16 - (int32_t) below (32));
      put (b, 0x6a);
      return;
    }
  if (chance (97))
    {
      put (b, 0x41);
      put_s (b, chance (95) ? 0xfff0 : 0x1ffff);
      put (b, 0x71); /* i32.and */
    }
}

static void memarg (buf *b, uint32_t max_align)
{
  put_u (b, below (max_align + 1));
  put_u (b, chance (94) ? below (64) : chance (50) ? 65530 + below (10) : (uint32_t) next ());
}

static uint8_t pick_type (void) { return valtypes[below (4)]; }

static void gen_call (buf *b, uint8_t want, int depth)
{
  /* a function returning `want` (VOID: any, result dropped by the caller) */
  uint32_t start = below (nfuncs);
  for (uint32_t k = 0; k < nfuncs; k++)
    {
      uint32_t f = (start + k) % nfuncs;
      const ftype *ty = &types[func_type[f]];
      if (ty->result != want)
        continue;
      for (uint32_t i = 0; i < ty->nparams; i++)
        gen_expr (b, ty->params[i], depth + 1);
      if (chance (60))
        {
          put (b, 0x10);
          put_u (b, f);
        }
      else
        {
          /* call_indirect with this type (or, rarely, another one: a signature mismatch) */
          uint32_t ti = chance (90) ? func_type[f] : below (ntypes);
          if (types[ti].result != want || types[ti].nparams != ty->nparams
              || memcmp (types[ti].params, ty->params, ty->nparams))
            ti = func_type[f];
          put (b, 0x41);
          put_s (b, chance (90) ? (int32_t) below (TABLE_SIZE) : (int32_t) below (20));
          put (b, 0x11);
          put_u (b, ti);
          put_u (b, 0);
        }
      return;
    }
  if (want != VOID)
    gen_const (b, want);
}

static void gen_expr (buf *b, uint8_t t, int depth)
{
  if (budget)
    budget--;
  if (depth > 6 || !budget)
    {
      int l = local_of (t);
      if (l >= 0 && chance (60))
        {
          put (b, 0x20);
          put_u (b, (uint32_t) l);
        }
      else
        gen_const (b, t);
      return;
    }
  int l;
  switch (below (16))
    {
    case 0:
      gen_const (b, t);
      return;
    case 1: case 2:
      if ((l = local_of (t)) >= 0)
        {
          put (b, 0x20);
          put_u (b, (uint32_t) l);
          return;
        }
      gen_const (b, t);
      return;
    case 3: /* binary op */
    case 4:
      {
        gen_expr (b, t, depth + 1);
        gen_expr (b, t, depth + 1);
        uint8_t base = t == I32 ? 0x6a : t == I64 ? 0x7c : t == F32 ? 0x92 : 0xa0;
        uint8_t n = t == I32 || t == I64 ? 15 : 7;
        put (b, (uint8_t) (base + below (n)));
        return;
      }
    case 5: /* unary op */
      {
        gen_expr (b, t, depth + 1);
        static const uint8_t u32[] = { 0x67, 0x68, 0x69, 0xc0, 0xc1 }, u64[] = { 0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4 };
        if (t == I32)
          put (b, u32[below (5)]);
        else if (t == I64)
          put (b, u64[below (6)]);
        else
          put (b, (uint8_t) ((t == F32 ? 0x8b : 0x99) + below (7)));
        return;
      }
    case 6: /* compare (i32 result) or conversion */
      if (t == I32 && chance (60))
        {
          uint8_t in = pick_type ();
          gen_expr (b, in, depth + 1);
          if (chance (15) && (in == I32 || in == I64))
            {
              put (b, in == I32 ? 0x45 : 0x50);
              return;
            }
          gen_expr (b, in, depth + 1);
          if (in == I32)
            put (b, (uint8_t) (0x46 + below (10)));
          else if (in == I64)
            put (b, (uint8_t) (0x51 + below (10)));
          else
            put (b, (uint8_t) ((in == F32 ? 0x5b : 0x61) + below (6)));
          return;
        }
      {
        /* conversions: (opcode, input type) producing t */
        static const struct { uint16_t op; uint8_t in, out; } conv[] = {
          { 0xa7, I64, I32 }, { 0xa8, F32, I32 }, { 0xa9, F32, I32 }, { 0xaa, F64, I32 }, { 0xab, F64, I32 },
          { 0xbc, F32, I32 }, { 0xac, I32, I64 }, { 0xad, I32, I64 }, { 0xae, F32, I64 }, { 0xaf, F32, I64 },
          { 0xb0, F64, I64 }, { 0xb1, F64, I64 }, { 0xbd, F64, I64 }, { 0xb2, I32, F32 }, { 0xb3, I32, F32 },
          { 0xb4, I64, F32 }, { 0xb5, I64, F32 }, { 0xb6, F64, F32 }, { 0xbe, I32, F32 }, { 0xb7, I32, F64 },
          { 0xb8, I32, F64 }, { 0xb9, I64, F64 }, { 0xba, I64, F64 }, { 0xbb, F32, F64 }, { 0xbf, I64, F64 },
          { 0xfc00, F32, I32 }, { 0xfc01, F32, I32 }, { 0xfc02, F64, I32 }, { 0xfc03, F64, I32 },
          { 0xfc04, F32, I64 }, { 0xfc05, F32, I64 }, { 0xfc06, F64, I64 }, { 0xfc07, F64, I64 },
        };
        uint32_t n = sizeof conv / sizeof *conv, start = below (n);
        for (uint32_t k = 0; k < n; k++)
          {
            uint32_t i = (start + k) % n;
            if (conv[i].out != t)
              continue;
            gen_expr (b, conv[i].in, depth + 1);
            if (conv[i].op > 0xff)
              {
                put (b, 0xfc);
                put_u (b, conv[i].op & 0xff);
              }
            else
              put (b, (uint8_t) conv[i].op);
            return;
          }
        gen_const (b, t);
        return;
      }
    case 7: /* load */
      {
        gen_addr (b, depth);
        if (t == I32)
          {
            static const uint8_t ops[] = { 0x28, 0x2c, 0x2d, 0x2e, 0x2f }, al[] = { 2, 0, 0, 1, 1 };
            uint32_t k = below (5);
            put (b, ops[k]);
            memarg (b, al[k]);
          }
        else if (t == I64)
          {
            static const uint8_t ops[] = { 0x29, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35 }, al[] = { 3, 0, 0, 1, 1, 2, 2 };
            uint32_t k = below (7);
            put (b, ops[k]);
            memarg (b, al[k]);
          }
        else
          {
            put (b, t == F32 ? 0x2a : 0x2b);
            memarg (b, t == F32 ? 2 : 3);
          }
        return;
      }
    case 8: /* select */
      gen_expr (b, t, depth + 1);
      gen_expr (b, t, depth + 1);
      gen_expr (b, I32, depth + 1);
      if (chance (50))
        put (b, 0x1b);
      else
        {
          put (b, 0x1c);
          put_u (b, 1);
          put (b, t);
        }
      return;
    case 9: /* global */
      if ((l = global_of (t)) >= 0)
        {
          put (b, 0x23);
          put_u (b, (uint32_t) l);
          return;
        }
      gen_const (b, t);
      return;
    case 10: /* local.tee */
      if ((l = local_of (t)) >= 0)
        {
          gen_expr (b, t, depth + 1);
          put (b, 0x22);
          put_u (b, (uint32_t) l);
          return;
        }
      gen_const (b, t);
      return;
    case 11: /* block with a result, maybe left early by br_if */
      put (b, 0x02);
      put (b, t);
      gen_stmts (b, depth + 1, (int) below (3));
      gen_expr (b, t, depth + 1);
      if (chance (50))
        {
          gen_expr (b, I32, depth + 1);
          put (b, 0x0d);
          put_u (b, 0);
          gen_stmts (b, depth + 1, (int) below (2));
          put (b, 0x1a); /* drop the value br_if passed on, push another */
          gen_expr (b, t, depth + 1);
        }
      put (b, 0x0b);
      return;
    case 12: /* if/else with a result */
      gen_expr (b, I32, depth + 1);
      put (b, 0x04);
      put (b, t);
      gen_stmts (b, depth + 1, (int) below (2));
      gen_expr (b, t, depth + 1);
      put (b, 0x05);
      gen_stmts (b, depth + 1, (int) below (2));
      gen_expr (b, t, depth + 1);
      put (b, 0x0b);
      return;
    case 13:
      gen_call (b, t, depth);
      return;
    case 14: /* memory.size / memory.grow */
      if (t == I32)
        {
          if (chance (50))
            {
              put (b, 0x3f);
              put (b, 0);
            }
          else
            {
              put (b, 0x41);
              put_s (b, (int32_t) below (3));
              put (b, 0x40);
              put (b, 0);
            }
          return;
        }
      gen_const (b, t);
      return;
    default:
      gen_expr (b, t, depth + 1);
      return;
    }
}

/* Fuel: trap with `unreachable` when exhausted, else decrement. */
static void gen_fuel (buf *b)
{
  put (b, 0x23), put_u (b, 0);
  put (b, 0x45);
  put (b, 0x04), put (b, VOID), put (b, 0x00), put (b, 0x0b);
  put (b, 0x23), put_u (b, 0);
  put (b, 0x41), put_s (b, 1);
  put (b, 0x6b);
  put (b, 0x24), put_u (b, 0);
}

static void gen_stmt (buf *b, int depth)
{
  if (budget)
    budget--;
  int l;
  uint8_t t = pick_type ();
  switch (depth > 5 || !budget ? below (3) : below (13))
    {
    case 0: /* local.set */
      if ((l = local_of (t)) >= 0)
        {
          gen_expr (b, t, depth + 1);
          put (b, 0x21);
          put_u (b, (uint32_t) l);
          return;
        }
      /* fall through */
    case 1: /* drop */
      gen_expr (b, t, depth + 1);
      put (b, 0x1a);
      return;
    case 2: /* global.set */
      gen_expr (b, t, depth + 1);
      put (b, 0x24);
      put_u (b, (uint32_t) global_of (t));
      return;
    case 3: /* store */
    case 4:
      gen_addr (b, depth);
      gen_expr (b, t, depth + 1);
      if (t == I32)
        {
          static const uint8_t ops[] = { 0x36, 0x3a, 0x3b }, al[] = { 2, 0, 1 };
          uint32_t k = below (3);
          put (b, ops[k]);
          memarg (b, al[k]);
        }
      else if (t == I64)
        {
          static const uint8_t ops[] = { 0x37, 0x3c, 0x3d, 0x3e }, al[] = { 3, 0, 1, 2 };
          uint32_t k = below (4);
          put (b, ops[k]);
          memarg (b, al[k]);
        }
      else
        {
          put (b, t == F32 ? 0x38 : 0x39);
          memarg (b, t == F32 ? 2 : 3);
        }
      return;
    case 5: /* if / else */
      gen_expr (b, I32, depth + 1);
      put (b, 0x04);
      put (b, VOID);
      gen_stmts (b, depth + 1, 1 + (int) below (3));
      if (chance (50))
        {
          put (b, 0x05);
          gen_stmts (b, depth + 1, 1 + (int) below (3));
        }
      put (b, 0x0b);
      return;
    case 6: /* loop, its back-edge conditional; fuel bounds it */
      put (b, 0x03);
      put (b, VOID);
      gen_fuel (b);
      gen_stmts (b, depth + 1, 1 + (int) below (3));
      gen_expr (b, I32, depth + 1);
      put (b, 0x0d);
      put_u (b, 0);
      put (b, 0x0b);
      return;
    case 7: /* block left by br_if */
      put (b, 0x02);
      put (b, VOID);
      gen_stmts (b, depth + 1, (int) below (3));
      gen_expr (b, I32, depth + 1);
      put (b, 0x0d);
      put_u (b, 0);
      gen_stmts (b, depth + 1, 1 + (int) below (2));
      put (b, 0x0b);
      return;
    case 8: /* br_table over three nested blocks */
      put (b, 0x02), put (b, VOID);
      put (b, 0x02), put (b, VOID);
      put (b, 0x02), put (b, VOID);
      gen_expr (b, I32, depth + 1);
      put (b, 0x0e);
      put_u (b, 2);
      put_u (b, below (3)), put_u (b, below (3)), put_u (b, below (3));
      put (b, 0x0b);
      gen_stmts (b, depth + 1, (int) below (2));
      put (b, 0x0b);
      gen_stmts (b, depth + 1, (int) below (2));
      put (b, 0x0b);
      return;
    case 9: /* a call whose result is dropped */
      {
        uint8_t want = chance (50) ? VOID : pick_type ();
        gen_call (b, want, depth);
        if (want != VOID)
          put (b, 0x1a);
        return;
      }
    case 10: /* early return */
      gen_expr (b, I32, depth + 1);
      put (b, 0x04);
      put (b, VOID);
      if (cur_result != VOID)
        gen_expr (b, cur_result, depth + 1);
      put (b, 0x0f);
      put (b, 0x0b);
      return;
    case 11: /* memory.fill / memory.copy */
      gen_addr (b, depth);
      if (chance (50))
        {
          gen_expr (b, I32, depth + 1);
          put (b, 0x41), put_s (b, chance (90) ? (int32_t) below (64) : 70000);
          put (b, 0xfc), put_u (b, 11), put (b, 0);
        }
      else
        {
          gen_addr (b, depth);
          put (b, 0x41), put_s (b, chance (90) ? (int32_t) below (64) : 70000);
          put (b, 0xfc), put_u (b, 10), put (b, 0), put (b, 0);
        }
      return;
    default: /* rarely: unreachable under a condition */
      if (chance (70))
        {
          gen_expr (b, t, depth + 1);
          put (b, 0x1a);
          return;
        }
      gen_expr (b, I32, depth + 1);
      put (b, 0x04);
      put (b, VOID);
      put (b, 0x00);
      put (b, 0x0b);
      return;
    }
}

static void gen_stmts (buf *b, int depth, int n)
{
  for (int i = 0; i < n; i++)
    gen_stmt (b, depth);
}

static void gen_module (buf *out)
{
  buf s = { 0 }, body = { 0 };
  out->n = 0;
  put_bytes (out, "\0asm\1\0\0\0", 8);
  ntypes = 1 + below (MAX_TYPES);
  for (uint32_t i = 0; i < ntypes; i++)
    {
      types[i].nparams = below (MAX_PARAMS + 1);
      for (uint32_t k = 0; k < types[i].nparams; k++)
        types[i].params[k] = pick_type ();
      types[i].result = chance (80) ? pick_type () : VOID;
    }
  put_u (&s, ntypes);
  for (uint32_t i = 0; i < ntypes; i++)
    {
      put (&s, 0x60);
      put_u (&s, types[i].nparams);
      put_bytes (&s, types[i].params, types[i].nparams);
      put_u (&s, types[i].result == VOID ? 0 : 1);
      if (types[i].result != VOID)
        put (&s, types[i].result);
    }
  put_section (out, 1, &s);
  nfuncs = 1 + below (MAX_FUNCS);
  put_u (&s, nfuncs);
  for (uint32_t f = 0; f < nfuncs; f++)
    put_u (&s, func_type[f] = below (ntypes));
  put_section (out, 3, &s);
  put_u (&s, 1), put (&s, 0x70), put (&s, 0), put_u (&s, TABLE_SIZE);
  put_section (out, 4, &s);
  put_u (&s, 1), put (&s, 1), put_u (&s, 1), put_u (&s, 3);
  put_section (out, 5, &s);
  put_u (&s, NGLOBALS);
  for (int g = 0; g < NGLOBALS; g++)
    {
      put (&s, global_types[g]);
      put (&s, 1);
      if (g == 0)
        put (&s, 0x41), put_s (&s, FUEL);
      else
        gen_const (&s, global_types[g]);
      put (&s, 0x0b);
    }
  put_section (out, 6, &s);
  put_u (&s, nfuncs + 1 + NGLOBALS);
  for (uint32_t f = 0; f < nfuncs; f++)
    {
      char name[16];
      int n = snprintf (name, sizeof name, "f%u", f);
      put_u (&s, (uint64_t) n), put_bytes (&s, name, (size_t) n), put (&s, 0), put_u (&s, f);
    }
  put_u (&s, 3), put_bytes (&s, "mem", 3), put (&s, 2), put_u (&s, 0);
  for (int g = 0; g < NGLOBALS; g++)
    {
      char name[16];
      int n = snprintf (name, sizeof name, "g%d", g);
      put_u (&s, (uint64_t) n), put_bytes (&s, name, (size_t) n), put (&s, 3), put_u (&s, (uint64_t) g);
    }
  put_section (out, 7, &s);
  uint32_t nelems = below (TABLE_SIZE + 1);
  put_u (&s, 1), put_u (&s, 0), put (&s, 0x41), put_s (&s, 0), put (&s, 0x0b), put_u (&s, nelems);
  for (uint32_t i = 0; i < nelems; i++)
    put_u (&s, below (nfuncs));
  put_section (out, 9, &s);
  put_u (&s, nfuncs);
  for (uint32_t f = 0; f < nfuncs; f++)
    {
      const ftype *ty = &types[func_type[f]];
      nlocals = ty->nparams;
      memcpy (local_types, ty->params, ty->nparams);
      uint32_t extra = below (MAX_LOCALS + 1);
      for (uint32_t k = 0; k < extra; k++)
        local_types[nlocals++] = pick_type ();
      cur_result = ty->result;
      budget = 40 + below (120);
      body.n = 0;
      put_u (&body, extra);
      for (uint32_t k = 0; k < extra; k++)
        put_u (&body, 1), put (&body, local_types[ty->nparams + k]);
      gen_fuel (&body);
      gen_stmts (&body, 0, 1 + (int) below (5));
      if (ty->result != VOID)
        gen_expr (&body, ty->result, 0);
      put (&body, 0x0b);
      put_u (&s, body.n);
      put_bytes (&s, body.p, body.n);
    }
  put_section (out, 10, &s);
  put_u (&s, 1), put_u (&s, 0), put (&s, 0x41), put_s (&s, (int32_t) below (256)), put (&s, 0x0b);
  put_u (&s, 16);
  for (int i = 0; i < 16; i++)
    put (&s, (uint8_t) next ());
  put_section (out, 11, &s);
  free (s.p);
  free (body.p);
}

/* ---- Running both ---------------------------------------------------------------------- */

typedef struct side { wasm_module *m; wasm_store *store; wasm_instance *inst; } side;

static int side_load (side *sd, wasm_engine e, const buf *bytes, char *why, size_t cap)
{
  wasm_error err;
  wasm_engine_select (e);
  sd->m = wasm_module_new (bytes->p, bytes->n, &err);
  if (!sd->m)
    {
      snprintf (why, cap, "%s: module rejected: %s", wasm_engine_name (e), err.message);
      return -1;
    }
  wasm_limits lim = { .max_memory_pages = 4, .max_call_depth = CALL_DEPTH };
  sd->store = wasm_store_new (&lim);
  wasm_linker *l = wasm_linker_new (sd->store);
  sd->inst = wasm_linker_instantiate (l, sd->m, &err);
  wasm_linker_delete (l);
  if (!sd->inst)
    {
      snprintf (why, cap, "%s: instantiation failed: %s", wasm_engine_name (e), err.message);
      return -1;
    }
  return 0;
}

static void side_free (side *sd)
{
  if (sd->store)
    wasm_store_delete (sd->store);
  if (sd->m)
    wasm_module_delete (sd->m);
  memset (sd, 0, sizeof *sd);
}

static bool same_value (const wasm_value *a, const wasm_value *b)
{
  if (a->type != b->type)
    return false;
  switch (a->type)
    {
    case WASM_I32: return a->of.i32 == b->of.i32;
    case WASM_I64: return a->of.i64 == b->of.i64;
    case WASM_F32: return a->of.f32_bits == b->of.f32_bits || (isnan (a->of.f32) && isnan (b->of.f32));
    case WASM_F64: return a->of.f64_bits == b->of.f64_bits || (isnan (a->of.f64) && isnan (b->of.f64));
    default: return true;
    }
}

static void random_arg (wasm_valtype t, wasm_value *v)
{
  static const int64_t ints[] = { 0, 1, -1, 3, 100, 65535, INT32_MIN, INT32_MAX };
  memset (v, 0, sizeof *v);
  v->type = t;
  uint64_t r = chance (60) ? (uint64_t) ints[below (8)] : next ();
  switch (t)
    {
    case WASM_I32: v->of.i32 = (int32_t) r; break;
    case WASM_I64: v->of.i64 = (int64_t) r; break;
    case WASM_F32: v->of.f32 = chance (60) ? (float) (int64_t) r / 4 : 0, v->of.f32_bits ^= chance (20) ? (uint32_t) r : 0; break;
    case WASM_F64: v->of.f64 = chance (60) ? (double) (int64_t) r / 8 : 0, v->of.f64_bits ^= chance (20) ? r : 0; break;
    default: break;
    }
}

static void set_fuel (side *sd)
{
  wasm_extern e;
  wasm_instance_export (sd->inst, "g0", &e);
  wasm_global_set (e.of.global, (wasm_value){ .type = WASM_I32, .of.i32 = FUEL });
}

/* Run one seed; 0 if the engines agree, else -1 with a description. */
static int run_seed (const buf *bytes, char *why, size_t cap, int verbose)
{
  side a = { 0 }, j = { 0 };
  int rc = -1;
  if (side_load (&a, WASM_ENGINE_INTERP, bytes, why, cap) < 0 || side_load (&j, WASM_ENGINE_JIT, bytes, why, cap) < 0)
    goto out;
  for (int round = 0; round < 3; round++)
    for (uint32_t f = 0; f < nfuncs; f++)
      {
        char name[16];
        snprintf (name, sizeof name, "f%u", f);
        wasm_func *fa = wasm_instance_func (a.inst, name), *fj = wasm_instance_func (j.inst, name);
        wasm_functype ty = wasm_func_type (fa);
        wasm_value args[MAX_PARAMS], ra[1], rj[1];
        for (uint32_t i = 0; i < ty.nparams; i++)
          random_arg (ty.params[i], &args[i]);
        wasm_trap ta, tj;
        set_fuel (&a);
        set_fuel (&j);
        int ca = wasm_func_call (fa, args, ty.nparams, ra, ty.nresults, &ta);
        int cj = wasm_func_call (fj, args, ty.nparams, rj, ty.nresults, &tj);
        if (verbose)
          fprintf (stderr, "  %s: %s\n", name, ca < 0 ? ta.message : "ok");
        if (ca != cj || (ca < 0 && ta.kind != tj.kind))
          {
            snprintf (why, cap, "%s: interp %s, jit %s", name, ca < 0 ? ta.message : "returned",
                      cj < 0 ? tj.message : "returned");
            goto out;
          }
        if (ca == 0 && ty.nresults && !same_value (&ra[0], &rj[0]))
          {
            snprintf (why, cap, "%s: results differ: interp 0x%llx, jit 0x%llx", name,
                      (unsigned long long) ra[0].of.i64, (unsigned long long) rj[0].of.i64);
            goto out;
          }
        for (int g = 0; g < NGLOBALS; g++)
          {
            char gname[16];
            wasm_extern ga, gj;
            snprintf (gname, sizeof gname, "g%d", g);
            wasm_instance_export (a.inst, gname, &ga);
            wasm_instance_export (j.inst, gname, &gj);
            wasm_value va = wasm_global_get (ga.of.global), vj = wasm_global_get (gj.of.global);
            if (!same_value (&va, &vj))
              {
                snprintf (why, cap, "%s: global %d differs after the call", name, g);
                goto out;
              }
          }
        wasm_memory *ma = wasm_instance_memory (a.inst, "mem"), *mj = wasm_instance_memory (j.inst, "mem");
        if (wasm_memory_size (ma) != wasm_memory_size (mj)
            || memcmp (wasm_memory_data (ma), wasm_memory_data (mj), wasm_memory_size (ma)) != 0)
          {
            snprintf (why, cap, "%s: memory differs after the call", name);
            goto out;
          }
      }
  rc = 0;
out:
  side_free (&a);
  side_free (&j);
  return rc;
}

int main (int argc, char **argv)
{
  uint64_t first = 1, count = 1000;
  const char *out_path = "build/diff-engines-failure.wasm";
  int verbose = 0;
  for (int i = 1; i < argc; i++)
    {
      if (!strcmp (argv[i], "-n") && i + 1 < argc)
        count = strtoull (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "-s") && i + 1 < argc)
        first = strtoull (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "-o") && i + 1 < argc)
        out_path = argv[++i];
      else if (!strcmp (argv[i], "-v"))
        verbose = 1;
      else
        {
          fprintf (stderr, "usage: diff_engines [-n COUNT] [-s FIRST_SEED] [-o FAILED.wasm] [-v]\n");
          return 2;
        }
    }
  if (!wasm_engine_available (WASM_ENGINE_JIT))
    {
      printf ("diff_engines: the compiler is not available on this machine\n");
      return 0;
    }
  buf bytes = { 0 };
  char why[1024];
  for (uint64_t seed = first; seed < first + count; seed++)
    {
      rng = seed * 0x9e3779b97f4a7c15ull + 1;
      gen_module (&bytes);
      if (verbose)
        fprintf (stderr, "seed %llu (%zu bytes)\n", (unsigned long long) seed, bytes.n);
      if (run_seed (&bytes, why, sizeof why, verbose) < 0)
        {
          FILE *f = fopen (out_path, "wb");
          if (f)
            {
              fwrite (bytes.p, 1, bytes.n, f);
              fclose (f);
            }
          printf ("seed %llu: %s (module written to %s)\n", (unsigned long long) seed, why, out_path);
          free (bytes.p);
          return 1;
        }
    }
  printf ("%llu random modules: the compiler agrees with the interpreter\n", (unsigned long long) count);
  free (bytes.p);
  return 0;
}
