/* Differential tester: the compiler against the interpreter, the reference.
 *
 *   diff_engines [-n COUNT] [-s FIRST_SEED] [-o FAILED.wasm] [-w SEED.wasm] [-v]
 *
 *   diff_engines [-v] SAVED.wasm...      (replay saved modules, e.g. tests/fuzz/diff-regressions;
 *                                         SAVED.wasm.b, if there, is its importer)
 *
 * For every seed it generates a random *valid* module: typed expression trees over i32, i64,
 * f32, f64, v128 and funcref (arithmetic, compares, conversions incl. trapping and saturating
 * ones, min/max/rounding, clz/ctz/popcnt, locals, globals, loads and stores, select), every
 * SIMD instruction (taken from the engine's own list, src/wasm/simd_ops.def: lane ops,
 * shuffles, loads and stores incl. splat/zero/lane forms), control flow (block/loop/if,
 * br_if, br_table with and without values, blocks and loops typed by multi-value function
 * types, early return), direct calls, call_indirect through a partly filled growable table
 * (with equal signatures under other type indexes, mismatches, null and out-of-range
 * elements, a host function), two tables with table.get/set/size/grow/fill/copy/init and
 * elem.drop, ref.null/ref.func/ref.is_null, memory.size/grow/fill/copy/init and data.drop,
 * and traps of every kind. Often a second module imports the first one's table 0 and adds
 * its own functions to it, so calls cross instances. It loads the modules once per engine
 * and calls every export with the same arguments in both. Results, traps (kind, message
 * and backtrace), globals, tables and the memory contents must agree after every call. A
 * global fuel counter, decremented on every function entry and loop iteration, bounds the
 * work of each call. The first mismatch is written to -o (default
 * build/diff-engines-failure.wasm) and reported; exit status 1. */
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

enum { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, FUNCREF = 0x70, VOID = 0x40 };

#define MAX_TYPES 7
#define MAX_FUNCS 6
#define MAX_PARAMS 3
#define MAX_RESULTS 3
#define MAX_LOCALS 6
#define TABLE_SIZE 8   /* table 0: call_indirect's, grows up to TABLE_MAX */
#define TABLE_MAX 16
#define TABLE1_SIZE 4  /* table 1: a second funcref table for table.copy/init between tables */
#define TABLE1_MAX 10
#define FUEL 3000
#define CALL_DEPTH 300
#define HOST 0 /* function 0 is the imported host function, of type 0: (i32) -> i32 */

typedef struct ftype {
  uint32_t nparams, nresults;
  uint8_t params[MAX_PARAMS], results[MAX_RESULTS];
} ftype;

static ftype types[MAX_TYPES];
static uint32_t ntypes, nfuncs, func_type[MAX_FUNCS + 1]; /* function index space: host, defined */
/* Globals: 0 fuel (i32), then one mutable global of each value type. */
static const uint8_t global_types[] = { I32, I32, I64, F32, F64, V128, FUNCREF };
#define NGLOBALS 7

/* The function being generated. */
static uint8_t local_types[MAX_PARAMS + MAX_LOCALS];
static uint32_t nlocals; /* params + locals */
static uint32_t budget;  /* instructions left for this body */
static const ftype *cur_type;
static uint32_t cur_func;

static void gen_expr (buf *b, uint8_t t, int depth);
static void gen_stmts (buf *b, int depth, int n);
static void gen_addr (buf *b, int depth);
static void memarg (buf *b, uint32_t max_align);
static void canonical_nans (buf *b, uint8_t t, uint8_t shape);

/* A number type, or (less often) v128: the types of params, results, locals and values. */
static uint8_t pick_type (void)
{
  static const uint8_t valtypes[] = { I32, I64, F32, F64 };
  return chance (12) ? V128 : valtypes[below (4)];
}


static const int64_t interesting_ints[] = { 0, 1, -1, 2, 7, 31, 32, 63, 64, INT32_MIN, INT32_MAX, INT64_MIN,
                                            INT64_MAX, 0xffff, 0x10000, -5, 100, 0x80, 0x7f, 0x8000, 0xff };
static const double interesting_floats[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 1.5, -2.5, 2.5, 3e9, -3e9, 2147483648.0,
                                             -2147483649.0, 4294967296.0, 9.3e18, 1.9e19, -9.3e18, 1e-40,
                                             INFINITY, -INFINITY, NAN, -NAN, 123456.789, 65535.5, -32768.7 };
#define NINTS (sizeof interesting_ints / sizeof *interesting_ints)
#define NFLOATS (sizeof interesting_floats / sizeof *interesting_floats)

/* 16 bytes for v128.const: random, or lanes of one shape drawn from the interesting values. */
static void put_v128_bytes (buf *b)
{
  uint8_t v[16];
  switch (below (5))
    {
    case 0:
      for (int i = 0; i < 16; i++)
        v[i] = (uint8_t) next ();
      break;
    case 1:
      for (int i = 0; i < 4; i++)
        {
          float f = (float) interesting_floats[below (NFLOATS)];
          memcpy (v + 4 * i, &f, 4);
        }
      break;
    case 2:
      for (int i = 0; i < 2; i++)
        {
          double d = interesting_floats[below (NFLOATS)];
          memcpy (v + 8 * i, &d, 8);
        }
      break;
    case 3:
      for (int i = 0; i < 8; i++)
        {
          uint16_t h = (uint16_t) interesting_ints[below (NINTS)];
          memcpy (v + 2 * i, &h, 2);
        }
      break;
    default:
      for (int i = 0; i < 4; i++)
        {
          uint32_t w = (uint32_t) interesting_ints[below (NINTS)];
          memcpy (v + 4 * i, &w, 4);
        }
      break;
    }
  put_bytes (b, v, 16);
}

static void gen_const (buf *b, uint8_t t)
{
  switch (t)
    {
    case I32:
      put (b, 0x41);
      put_s (b, chance (70) ? (int32_t) interesting_ints[below (NINTS)] : (int32_t) next ());
      break;
    case I64:
      put (b, 0x42);
      put_s (b, chance (70) ? interesting_ints[below (NINTS)] : (int64_t) next ());
      break;
    case F32:
      {
        float f = chance (80) ? (float) interesting_floats[below (NFLOATS)] : 0;
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
        double d = chance (80) ? interesting_floats[below (NFLOATS)] : 0;
        uint64_t bits;
        memcpy (&bits, &d, 8);
        if (d == 0 && chance (30))
          bits = next ();
        put (b, 0x44);
        put_bytes (b, &bits, 8);
        break;
      }
    case V128:
      put (b, 0xfd), put_u (b, 0x0c);
      put_v128_bytes (b);
      break;
    case FUNCREF:
      if (chance (50))
        put (b, 0xd0), put (b, FUNCREF);
      else
        put (b, 0xd2), put_u (b, below (nfuncs + 1));
      break;
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

/* Consume a value of type t from the stack: into a local of its type, or dropped. */
static void gen_sink (buf *b, uint8_t t)
{
  int l = local_of (t);
  if (l >= 0 && chance (50))
    put (b, 0x21), put_u (b, (uint32_t) l);
  else
    put (b, 0x1a);
}

static bool same_type (const ftype *a, const ftype *b)
{
  return a->nparams == b->nparams && a->nresults == b->nresults && !memcmp (a->params, b->params, a->nparams)
         && !memcmp (a->results, b->results, a->nresults);
}

/* The call itself (operands already pushed): direct, or through table 0 with the callee's
 * type (or, rarely, another type: a signature mismatch, or an equal type under another
 * index, which must behave as the same signature). */
static void put_call (buf *b, uint32_t f)
{
  if (chance (55))
    {
      put (b, 0x10);
      put_u (b, f);
      return;
    }
  uint32_t ti = chance (80) ? func_type[f] : below (ntypes);
  if (!same_type (&types[ti], &types[func_type[f]]))
    ti = func_type[f]; /* the stack must stay valid; the element may still differ at run time */
  put (b, 0x41);
  put_s (b, chance (95) ? (int32_t) below (TABLE_SIZE) : (int32_t) below (20));
  put (b, 0x11);
  put_u (b, ti);
  put_u (b, 0);
}

/* A callee to search from: mostly a later function, so that recursion stays rare. */
static uint32_t pick_callee (void)
{
  return cur_func < nfuncs && chance (97) ? cur_func + 1 + below (nfuncs - cur_func) : below (nfuncs + 1);
}

/* A call of a function returning exactly `want` (VOID: nothing). */
static bool gen_call (buf *b, uint8_t want, int depth)
{
  uint32_t start = pick_callee ();
  for (uint32_t k = 0; k <= nfuncs; k++)
    {
      uint32_t f = (start + k) % (nfuncs + 1);
      const ftype *ty = &types[func_type[f]];
      if (want == VOID ? ty->nresults != 0 : ty->nresults != 1 || ty->results[0] != want)
        continue;
      for (uint32_t i = 0; i < ty->nparams; i++)
        gen_expr (b, ty->params[i], depth + 1);
      put_call (b, f);
      return true;
    }
  return false;
}

/* A call of any function, its results (any number) consumed. */
static void gen_call_any (buf *b, int depth)
{
  uint32_t f = pick_callee ();
  const ftype *ty = &types[func_type[f]];
  for (uint32_t i = 0; i < ty->nparams; i++)
    gen_expr (b, ty->params[i], depth + 1);
  put_call (b, f);
  for (uint32_t i = ty->nresults; i-- > 0;)
    gen_sink (b, ty->results[i]);
}

/* ---- SIMD: every instruction of the 0xfd space, from the engine's own list -------------- */

enum simd_imm_kind { IMM_NONE, IMM_MEMARG, IMM_MEMARG_LANE, IMM_LANE, IMM_V128, IMM_SHUFFLE };
typedef struct simd_op { uint16_t op; uint8_t imm; const char *sig; uint8_t lanes, bytes; } simd_op;
/* sig: result letter, '_', operand letters (V v128, I i32, L i64, F f32, D f64, A address);
   "S" for stores (address, v128; no result). */
#define SIG_V_ "V_"
#define SIG_V_V "V_V"
#define SIG_V_VV "V_VV"
#define SIG_V_VVV "V_VVV"
#define SIG_V_I "V_I"
#define SIG_V_L "V_L"
#define SIG_V_F "V_F"
#define SIG_V_D "V_D"
#define SIG_I_V "I_V"
#define SIG_L_V "L_V"
#define SIG_F_V "F_V"
#define SIG_D_V "D_V"
#define SIG_V_VI "V_VI"
#define SIG_V_VL "V_VL"
#define SIG_V_VF "V_VF"
#define SIG_V_VD "V_VD"
#define SIG_LOAD "V_A"
#define SIG_STORE "S_AV"
#define SIG_LOAD_LANE "V_AV"
#define SIG_STORE_LANE "S_AV"
#define SIMD_OP(opcode, text, cname, imm_kind, sig, nlanes, mem_bytes) \
  { opcode, IMM_##imm_kind, SIG_##sig, nlanes, mem_bytes },
#define SIMD_OP_NO_FN(opcode, text, imm_kind, sig, nlanes, mem_bytes) \
  { opcode, IMM_##imm_kind, SIG_##sig, nlanes, mem_bytes },
static const simd_op simd_ops[] = {
#include "wasm/simd_ops.def"
};
#undef SIMD_OP
#undef SIMD_OP_NO_FN
#define NSIMD (sizeof simd_ops / sizeof *simd_ops)

static uint8_t letter_type (char c)
{
  switch (c)
    {
    case 'I': case 'A': return I32;
    case 'L': return I64;
    case 'F': return F32;
    case 'D': return F64;
    case 'V': return V128;
    default: return VOID;
    }
}

static uint32_t log2_bytes (uint32_t n) { return n >= 16 ? 4 : n >= 8 ? 3 : n >= 4 ? 2 : n >= 2 ? 1 : 0; }

/* One SIMD instruction with its operands; its result type is result (VOID: a store). */
static bool gen_simd (buf *b, uint8_t result, int depth)
{
  uint32_t start = below (NSIMD);
  for (uint32_t k = 0; k < NSIMD; k++)
    {
      const simd_op *op = &simd_ops[(start + k) % NSIMD];
      if (letter_type (op->sig[0]) != result || op->imm == IMM_V128)
        continue;
      for (const char *p = op->sig + 2; *p; p++)
        {
          if (*p == 'A')
            gen_addr (b, depth);
          else
            gen_expr (b, letter_type (*p), depth + 1);
        }
      put (b, 0xfd);
      put_u (b, op->op);
      bool nan_open = (op->op >= 0xe4 && op->op <= 0xeb) || (op->op >= 0xf0 && op->op <= 0xf7);
      switch (op->imm)
        {
        case IMM_MEMARG:
          memarg (b, log2_bytes (op->bytes));
          break;
        case IMM_MEMARG_LANE:
          memarg (b, log2_bytes (op->bytes));
          put (b, (uint8_t) below (16 / op->bytes));
          break;
        case IMM_LANE:
          put (b, (uint8_t) below (op->lanes));
          break;
        case IMM_SHUFFLE:
          for (int i = 0; i < 16; i++)
            put (b, (uint8_t) below (32));
          break;
        default:
          break;
        }
      if (nan_open) /* f32x4/f64x2 binary arithmetic */
        canonical_nans (b, V128, op->op < 0xf0 ? F32 : F64);
      return true;
    }
  return false;
}

/* ---- NaNs ------------------------------------------------------------------------------ */

/* With two NaN operands, add, mul, min and max may return either one's bits (the spec leaves
 * it open, and an engine may swap the operands of a commutative op), and reinterpret, stores
 * and copysign make those bits observable. Their results are made canonical, value ? value :
 * NaN, through hidden locals (one per float type, after the function's own). */
static uint32_t nan_local[3]; /* f32, f64, v128 */

static void canonical_nans (buf *b, uint8_t t, uint8_t shape /* for v128: F32 or F64 lanes */)
{
  uint32_t l = nan_local[t == F32 ? 0 : t == F64 ? 1 : 2];
  put (b, 0x22), put_u (b, l);
  if (t == F32)
    put (b, 0x43), put_bytes (b, "\0\0\xc0\x7f", 4);
  else if (t == F64)
    put (b, 0x44), put_bytes (b, "\0\0\0\0\0\0\xf8\x7f", 8);
  else
    {
      put (b, 0xfd), put_u (b, 0x0c);
      for (int i = 0; i < (shape == F32 ? 4 : 2); i++)
        put_bytes (b, shape == F32 ? "\0\0\xc0\x7f" : "\0\0\0\0\0\0\xf8\x7f", shape == F32 ? 4 : 8);
    }
  put (b, 0x20), put_u (b, l);
  put (b, 0x20), put_u (b, l);
  if (t == V128)
    put (b, 0xfd), put_u (b, shape == F32 ? 0x41 : 0x47), put (b, 0xfd), put_u (b, 0x52); /* eq, bitselect */
  else
    put (b, t == F32 ? 0x5b : 0x61), put (b, 0x1b); /* eq, select */
}

/* ---- Expressions ----------------------------------------------------------------------- */

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
  if (chance (3))
    {
      /* base + constant, unmasked: wraps at 2^32 before the offset is added */
      put (b, 0x41);
      put_s (b, chance (50) ? 16 + (int32_t) below (32) : -16 - (int32_t) below (32));
      put (b, 0x6a);
      return;
    }
  if (chance (99))
    {
      put (b, 0x41);
      put_s (b, chance (97) ? 0x7ff0 : 0x1ffff); /* -1, a common value, stays inside */
      put (b, 0x71); /* i32.and */
    }
}

static void memarg (buf *b, uint32_t max_align)
{
  put_u (b, below (max_align + 1));
  put_u (b, chance (98) ? below (64) : chance (50) ? 65530 + below (10) : (uint32_t) next ());
}

/* A small count or index for table and bulk memory operations, sometimes out of range. */
static void gen_small (buf *b, int depth, uint32_t range)
{
  if (chance (80))
    put (b, 0x41), put_s (b, (int32_t) below (range));
  else if (chance (85))
    {
      gen_expr (b, I32, depth + 1);
      put (b, 0x41), put_s (b, (int32_t) range - 1), put (b, 0x71);
    }
  else
    gen_expr (b, I32, depth + 1);
}

static void gen_number_op (buf *b, uint8_t t, int depth, int which)
{
  switch (which)
    {
    case 0: /* binary op */
      {
        gen_expr (b, t, depth + 1);
        gen_expr (b, t, depth + 1);
        uint8_t base = t == I32 ? 0x6a : t == I64 ? 0x7c : t == F32 ? 0x92 : 0xa0;
        uint8_t n = t == I32 || t == I64 ? 15 : 7;
        uint8_t op = (uint8_t) (base + below (n));
        put (b, op);
        if ((t == F32 || t == F64) && (op - base == 0 || op - base == 2 || op - base == 4 || op - base == 5))
          canonical_nans (b, t, 0); /* add, mul, min, max */
        return;
      }
    case 1: /* unary op */
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
    case 2: /* compare (i32 result) or conversion */
      if (t == I32 && chance (60))
        {
          static const uint8_t ins[] = { I32, I64, F32, F64 };
          uint8_t in = ins[below (4)];
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
    case 3: /* load */
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
    default: /* i32 from memory, tables and references; other types from SIMD lanes */
      if (t != I32 || chance (30))
        {
          if (!gen_simd (b, t, depth))
            gen_const (b, t);
          return;
        }
      switch (below (5))
        {
        case 0:
          put (b, 0x3f), put (b, 0);
          return;
        case 1:
          put (b, 0x41), put_s (b, (int32_t) below (3));
          put (b, 0x40), put (b, 0);
          return;
        case 2:
          gen_expr (b, FUNCREF, depth + 1);
          put (b, 0xd1);
          return;
        case 3:
          put (b, 0xfc), put_u (b, 16), put_u (b, below (2));
          return;
        default:
          gen_expr (b, FUNCREF, depth + 1);
          gen_small (b, depth, 4);
          put (b, 0xfc), put_u (b, 15), put_u (b, below (2));
          return;
        }
    }
}

/* A funcref: null, a function, or an element of a table. */
static void gen_ref_op (buf *b, int depth)
{
  if (chance (40))
    {
      gen_const (b, FUNCREF);
      return;
    }
  uint32_t t = below (2);
  gen_small (b, depth, (t ? TABLE1_SIZE : TABLE_SIZE) + 2);
  put (b, 0x25), put_u (b, t);
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
  int l, which = (int) below (17);
  /* the type-specific kinds: binary (twice as often), unary, compare/convert, load, other */
  int op_kind = which == 3 || which == 4 ? 0 : which == 14 ? 4 : which - 4;
  switch (which)
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
    case 3: case 4: case 5: case 6: case 7: case 14:
      if (t == V128)
        {
          if (!gen_simd (b, V128, depth))
            gen_const (b, t);
        }
      else if (t == FUNCREF)
        gen_ref_op (b, depth);
      else
        gen_number_op (b, t, depth, op_kind);
      return;
    case 8: /* select: typed for references, either form otherwise */
      gen_expr (b, t, depth + 1);
      gen_expr (b, t, depth + 1);
      gen_expr (b, I32, depth + 1);
      if (t != FUNCREF && chance (50))
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
      if (!gen_call (b, t, depth))
        gen_const (b, t);
      return;
    case 15: /* br_table carrying a value to one of two blocks */
      put (b, 0x02), put (b, t);
      put (b, 0x02), put (b, t);
      gen_expr (b, t, depth + 1);
      gen_expr (b, I32, depth + 1);
      {
        uint32_t nlabels = 1 + below (2);
        put (b, 0x0e), put_u (b, nlabels);
        for (uint32_t i = 0; i <= nlabels; i++)
          put_u (b, below (2));
      }
      put (b, 0x0b);
      if (chance (50))
        {
          put (b, 0x1a);
          gen_expr (b, t, depth + 1);
        }
      put (b, 0x0b);
      return;
    default:
      gen_expr (b, t, depth + 1);
      return;
    }
}

/* ---- Statements ------------------------------------------------------------------------ */

/* Fuel: trap with `unreachable` when exhausted, else decrement by cost. */
static void gen_fuel (buf *b, int32_t cost)
{
  put (b, 0x23), put_u (b, 0);
  put (b, 0x41), put_s (b, cost), put (b, 0x48); /* i32.lt_s */
  put (b, 0x04), put (b, VOID), put (b, 0x00), put (b, 0x0b);
  put (b, 0x23), put_u (b, 0);
  put (b, 0x41), put_s (b, cost);
  put (b, 0x6b);
  put (b, 0x24), put_u (b, 0);
}

static void gen_store (buf *b, uint8_t t, int depth)
{
  if (t == V128)
    {
      if (!gen_simd (b, VOID, depth))
        abort ();
      return;
    }
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
}

/* A block or loop typed by a function type: its params pushed first, kept in locals or
 * dropped, its results made and consumed after it. A loop branches back with fresh params. */
static void gen_multi_block (buf *b, int depth)
{
  uint32_t ti = below (ntypes);
  const ftype *ty = &types[ti];
  bool loop = chance (30);
  for (uint32_t i = 0; i < ty->nparams; i++)
    gen_expr (b, ty->params[i], depth + 1);
  put (b, loop ? 0x03 : 0x02);
  put_s (b, ti);
  if (loop)
    gen_fuel (b, 1);
  for (uint32_t i = ty->nparams; i-- > 0;)
    gen_sink (b, ty->params[i]);
  gen_stmts (b, depth + 1, (int) below (3));
  const uint8_t *carried = loop ? ty->params : ty->results;
  uint32_t ncarried = loop ? ty->nparams : ty->nresults;
  if (chance (50))
    {
      /* br_if: to the loop's start with params, or out of the block with its results */
      for (uint32_t i = 0; i < ncarried; i++)
        gen_expr (b, carried[i], depth + 1);
      gen_expr (b, I32, depth + 1);
      put (b, 0x0d), put_u (b, 0);
      for (uint32_t i = ncarried; i-- > 0;)
        gen_sink (b, carried[i]);
    }
  for (uint32_t i = 0; i < ty->nresults; i++)
    gen_expr (b, ty->results[i], depth + 1);
  put (b, 0x0b);
  for (uint32_t i = ty->nresults; i-- > 0;)
    gen_sink (b, ty->results[i]);
}

/* Table, element and data segment instructions (statements). */
static void gen_bulk (buf *b, int depth)
{
  uint32_t t = below (2), size = t ? TABLE1_SIZE : TABLE_SIZE;
  switch (below (9))
    {
    case 0: /* table.set */
      gen_small (b, depth, size + 2);
      gen_expr (b, FUNCREF, depth + 1);
      put (b, 0x26), put_u (b, t);
      return;
    case 1: /* table.fill */
      gen_small (b, depth, size + 2);
      gen_expr (b, FUNCREF, depth + 1);
      gen_small (b, depth, 6);
      put (b, 0xfc), put_u (b, 17), put_u (b, t);
      return;
    case 2: /* table.copy, within a table or between the two */
      gen_small (b, depth, size + 2);
      gen_small (b, depth, TABLE_SIZE + 2);
      gen_small (b, depth, 6);
      put (b, 0xfc), put_u (b, 14), put_u (b, t), put_u (b, below (2));
      return;
    case 3: /* table.init from the passive segment (1) or the dropped active one (0) */
      gen_small (b, depth, size + 1);
      gen_small (b, depth, 3);
      gen_small (b, depth, 3);
      put (b, 0xfc), put_u (b, 12), put_u (b, chance (90)), put_u (b, t);
      return;
    case 4: /* elem.drop, rarely: it ends table.init's fun */
      if (chance (80))
        break;
      put (b, 0xfc), put_u (b, 13), put_u (b, below (2));
      return;
    case 5: /* memory.init from the passive segment (1) or the dropped active one (0) */
      gen_addr (b, depth);
      gen_small (b, depth, 11);
      gen_small (b, depth, 11);
      put (b, 0xfc), put_u (b, 8), put_u (b, chance (90)), put (b, 0);
      return;
    case 6: /* data.drop, rarely */
      if (chance (80))
        break;
      put (b, 0xfc), put_u (b, 9), put_u (b, below (2));
      return;
    case 7: /* memory.fill */
      gen_addr (b, depth);
      gen_expr (b, I32, depth + 1);
      put (b, 0x41), put_s (b, chance (90) ? (int32_t) below (64) : 70000);
      put (b, 0xfc), put_u (b, 11), put (b, 0);
      return;
    default: /* memory.copy */
      gen_addr (b, depth);
      gen_addr (b, depth);
      put (b, 0x41), put_s (b, chance (90) ? (int32_t) below (64) : 70000);
      put (b, 0xfc), put_u (b, 10), put (b, 0), put (b, 0);
      return;
    }
  /* table.grow, its result dropped */
  gen_expr (b, FUNCREF, depth + 1);
  gen_small (b, depth, 4);
  put (b, 0xfc), put_u (b, 15), put_u (b, t);
  put (b, 0x1a);
}

static void gen_stmt (buf *b, int depth)
{
  if (budget)
    budget--;
  int l;
  uint8_t t = chance (5) ? FUNCREF : pick_type ();
  switch (depth > 5 || !budget ? below (3) : below (16))
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
      gen_store (b, t == FUNCREF ? I32 : t, depth);
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
      gen_fuel (b, 1);
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
    case 8: /* br_table over three nested blocks in a loop (the loop rarely a target) */
      put (b, 0x03), put (b, VOID);
      gen_fuel (b, 1);
      put (b, 0x02), put (b, VOID);
      put (b, 0x02), put (b, VOID);
      put (b, 0x02), put (b, VOID);
      gen_expr (b, I32, depth + 1);
      {
        uint32_t nlabels = 1 + below (4);
        put (b, 0x0e);
        put_u (b, nlabels);
        for (uint32_t i = 0; i <= nlabels; i++)
          put_u (b, chance (90) ? below (3) : 3);
      }
      put (b, 0x0b);
      gen_stmts (b, depth + 1, (int) below (2));
      put (b, 0x0b);
      gen_stmts (b, depth + 1, (int) below (2));
      put (b, 0x0b);
      put (b, 0x0b);
      return;
    case 9: /* a call whose results are consumed */
      gen_call_any (b, depth);
      return;
    case 10: /* early return */
      gen_expr (b, I32, depth + 1);
      put (b, 0x04);
      put (b, VOID);
      for (uint32_t i = 0; i < cur_type->nresults; i++)
        gen_expr (b, cur_type->results[i], depth + 1);
      put (b, 0x0f);
      put (b, 0x0b);
      return;
    case 11: case 12:
      gen_bulk (b, depth);
      return;
    case 13: case 14:
      gen_multi_block (b, depth);
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

/* ---- The module ------------------------------------------------------------------------ */

static void put_name (buf *s, const char *name) { put_u (s, strlen (name)), put_bytes (s, name, strlen (name)); }

/* importer: a second module, instantiated after the first, that imports the first one's
 * table 0 (as its own table 0) instead of defining it: both write their functions into it,
 * so call_indirect crosses instances both ways. */
static void gen_module (buf *out, bool importer)
{
  buf s = { 0 }, body = { 0 };
  out->n = 0;
  put_bytes (out, "\0asm\1\0\0\0", 8);
  /* types: 0 is the host function's; the others random, some equal to an earlier one */
  ntypes = 2 + below (MAX_TYPES - 1);
  types[0] = (ftype){ .nparams = 1, .nresults = 1, .params = { I32 }, .results = { I32 } };
  for (uint32_t i = 1; i < ntypes; i++)
    {
      if (chance (25))
        {
          types[i] = types[below (i)];
          continue;
        }
      types[i].nparams = below (MAX_PARAMS + 1);
      for (uint32_t k = 0; k < types[i].nparams; k++)
        types[i].params[k] = pick_type ();
      types[i].nresults = chance (15) ? 2 + below (MAX_RESULTS - 1) : chance (80) ? 1 : 0;
      for (uint32_t k = 0; k < types[i].nresults; k++)
        types[i].results[k] = pick_type ();
    }
  put_u (&s, ntypes);
  for (uint32_t i = 0; i < ntypes; i++)
    {
      put (&s, 0x60);
      put_u (&s, types[i].nparams);
      put_bytes (&s, types[i].params, types[i].nparams);
      put_u (&s, types[i].nresults);
      put_bytes (&s, types[i].results, types[i].nresults);
    }
  put_section (out, 1, &s);
  put_u (&s, importer ? 2 : 1), put_name (&s, "env"), put_name (&s, "h"), put (&s, 0), put_u (&s, 0);
  if (importer)
    put_name (&s, "a"), put_name (&s, "t0"), put (&s, 1), put (&s, FUNCREF), put (&s, 1), put_u (&s, TABLE_SIZE),
      put_u (&s, TABLE_MAX);
  put_section (out, 2, &s);
  nfuncs = 1 + below (MAX_FUNCS);
  func_type[HOST] = 0;
  put_u (&s, nfuncs);
  for (uint32_t f = 1; f <= nfuncs; f++)
    put_u (&s, func_type[f] = below (ntypes));
  put_section (out, 3, &s);
  put_u (&s, importer ? 1 : 2);
  if (!importer)
    put (&s, FUNCREF), put (&s, 1), put_u (&s, TABLE_SIZE), put_u (&s, TABLE_MAX);
  put (&s, FUNCREF), put (&s, 1), put_u (&s, TABLE1_SIZE), put_u (&s, TABLE1_MAX);
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
  put_u (&s, nfuncs + 3 + NGLOBALS);
  for (uint32_t f = 1; f <= nfuncs; f++)
    {
      char name[16];
      snprintf (name, sizeof name, "f%u", f);
      put_name (&s, name), put (&s, 0), put_u (&s, f);
    }
  put_name (&s, "mem"), put (&s, 2), put_u (&s, 0);
  put_name (&s, "t0"), put (&s, 1), put_u (&s, 0);
  put_name (&s, "t1"), put (&s, 1), put_u (&s, 1);
  for (int g = 0; g < NGLOBALS; g++)
    {
      char name[16];
      snprintf (name, sizeof name, "g%d", g);
      put_name (&s, name), put (&s, 3), put_u (&s, (uint64_t) g);
    }
  put_section (out, 7, &s);
  /* elements: 0 active in table 0, 1 passive (table.init), 2 active in table 1,
     3 declarative with every function (ref.func) */
  put_u (&s, 4);
  uint32_t nelems = TABLE_SIZE - below (4);
  put_u (&s, 0), put (&s, 0x41), put_s (&s, 0), put (&s, 0x0b), put_u (&s, nelems);
  for (uint32_t i = 0; i < nelems; i++)
    put_u (&s, below (nfuncs + 1));
  put_u (&s, 1), put (&s, 0), put_u (&s, 4);
  for (uint32_t i = 0; i < 4; i++)
    put_u (&s, below (nfuncs + 1));
  put_u (&s, 2), put_u (&s, 1), put (&s, 0x41), put_s (&s, (int32_t) below (2)), put (&s, 0x0b), put (&s, 0);
  put_u (&s, 2), put_u (&s, below (nfuncs + 1)), put_u (&s, below (nfuncs + 1));
  put_u (&s, 3), put (&s, 0), put_u (&s, nfuncs + 1);
  for (uint32_t f = 0; f <= nfuncs; f++)
    put_u (&s, f);
  put_section (out, 9, &s);
  put_u (&s, 2);
  put_section (out, 12, &s);
  put_u (&s, nfuncs);
  for (uint32_t f = 1; f <= nfuncs; f++)
    {
      const ftype *ty = &types[func_type[f]];
      nlocals = ty->nparams;
      memcpy (local_types, ty->params, ty->nparams);
      uint32_t extra = below (MAX_LOCALS + 1);
      for (uint32_t k = 0; k < extra; k++)
        local_types[nlocals++] = chance (10) ? FUNCREF : pick_type ();
      cur_type = ty;
      cur_func = f;
      budget = 40 + below (120);
      body.n = 0;
      put_u (&body, extra + 3);
      for (uint32_t k = 0; k < extra; k++)
        put_u (&body, 1), put (&body, local_types[ty->nparams + k]);
      static const uint8_t nan_types[3] = { F32, F64, V128 };
      for (uint32_t k = 0; k < 3; k++)
        nan_local[k] = nlocals + k, put_u (&body, 1), put (&body, nan_types[k]);
      gen_fuel (&body, chance (80) ? 10 : 1); /* costly entries: recursion ends by fuel more often than by depth */
      gen_stmts (&body, 0, 1 + (int) below (5));
      for (uint32_t i = 0; i < ty->nresults; i++)
        gen_expr (&body, ty->results[i], 0);
      put (&body, 0x0b);
      put_u (&s, body.n);
      put_bytes (&s, body.p, body.n);
    }
  put_section (out, 10, &s);
  /* data: 0 active at a random place, 1 passive (memory.init) */
  put_u (&s, 2);
  put_u (&s, 0), put (&s, 0x41), put_s (&s, (int32_t) below (256)), put (&s, 0x0b);
  put_u (&s, 16);
  for (int i = 0; i < 16; i++)
    put (&s, (uint8_t) next ());
  put_u (&s, 1), put_u (&s, 20);
  for (int i = 0; i < 20; i++)
    put (&s, (uint8_t) next ());
  put_section (out, 11, &s);
  free (s.p);
  free (body.p);
}

/* ---- Running both ---------------------------------------------------------------------- */

/* One engine's run: the module, and the importer if there is one, in one store. */
#define MAX_MODULES 2
typedef struct side { wasm_module *m[MAX_MODULES]; wasm_store *store; wasm_instance *inst[MAX_MODULES]; int n; } side;

/* The imported host function: deterministic, so both sides see the same. */
static int host_h (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results)
{
  (void) caller, (void) env;
  results[0] = (wasm_value){ .type = WASM_I32, .of.i32 = (int32_t) ((uint32_t) args[0].of.i32 * 2654435761u + 7) };
  return 0;
}

static int side_load (side *sd, wasm_engine e, const buf *bytes, int n, char *why, size_t cap)
{
  wasm_error err;
  wasm_engine_select (e);
  for (sd->n = 0; sd->n < n; sd->n++)
    if (!(sd->m[sd->n] = wasm_module_new (bytes[sd->n].p, bytes[sd->n].n, &err)))
      {
        snprintf (why, cap, "%s: module %d rejected: %s", wasm_engine_name (e), sd->n, err.message);
        return -1;
      }
  wasm_limits lim = { .max_memory_pages = 4, .max_call_depth = CALL_DEPTH };
  /* The reference checks every access: its out-of-bounds traps know their instruction
     exactly (a guard-page fault in the interpreter only guesses it from the registers). */
  if (e == WASM_ENGINE_INTERP)
    setenv ("RUNWASM_MEMORY", "checked", 1);
  sd->store = wasm_store_new (&lim);
  unsetenv ("RUNWASM_MEMORY");
  wasm_linker *l = wasm_linker_new (sd->store);
  static const wasm_valtype i32[] = { WASM_I32 };
  wasm_functype hty = { .nparams = 1, .nresults = 1, .params = i32, .results = i32 };
  wasm_linker_define_func (l, "env", "h", &hty, host_h, NULL);
  for (int k = 0; k < n; k++)
    {
      sd->inst[k] = wasm_linker_instantiate (l, sd->m[k], &err);
      if (!sd->inst[k])
        {
          snprintf (why, cap, "%s: instantiation of module %d failed: %s", wasm_engine_name (e), k, err.message);
          wasm_linker_delete (l);
          return -1;
        }
      if (k == 0)
        wasm_linker_define_instance (l, "a", sd->inst[0]);
    }
  wasm_linker_delete (l);
  return 0;
}

static void side_free (side *sd)
{
  if (sd->store)
    wasm_store_delete (sd->store);
  for (int k = 0; k < MAX_MODULES; k++)
    if (sd->m[k])
      wasm_module_delete (sd->m[k]);
  memset (sd, 0, sizeof *sd);
}

/* A function reference as something both sides can compare: 100 * module + the index of
 * the exported function it is (1...), 0 for the host function's, -1 null. */
static long ref_id (side *sd, void *ref)
{
  if (!ref)
    return -1;
  for (int k = 0; k < sd->n; k++)
    for (int f = 1; f <= MAX_FUNCS; f++)
      {
        char name[16];
        snprintf (name, sizeof name, "f%d", f);
        wasm_func *fn = wasm_instance_func (sd->inst[k], name);
        if (fn && (void *) fn == ref)
          return 100 * k + f;
      }
  return 0;
}

static bool nan32 (uint32_t bits) { return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffffu); }
static bool nan64 (uint64_t bits)
{
  return (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0xfffffffffffffull);
}

/* Equal, where a NaN equals any NaN (the spec leaves their bits open); a v128 matches if
 * it does lane by lane as f32x4 or as f64x2, which is exact for integer lanes. */
static bool same_value (side *a, side *j, const wasm_value *va, const wasm_value *vj)
{
  if (va->type != vj->type)
    return false;
  switch (va->type)
    {
    case WASM_I32: return va->of.i32 == vj->of.i32;
    case WASM_I64: return va->of.i64 == vj->of.i64;
    case WASM_F32: return va->of.f32_bits == vj->of.f32_bits || (nan32 (va->of.f32_bits) && nan32 (vj->of.f32_bits));
    case WASM_F64: return va->of.f64_bits == vj->of.f64_bits || (nan64 (va->of.f64_bits) && nan64 (vj->of.f64_bits));
    case WASM_V128:
      {
        bool as_f32 = true, as_f64 = true;
        for (int i = 0; i < 4; i++)
          {
            uint32_t x = va->of.v128.u32[i], y = vj->of.v128.u32[i];
            as_f32 &= x == y || (nan32 (x) && nan32 (y));
          }
        for (int i = 0; i < 2; i++)
          {
            uint64_t x = va->of.v128.u64[i], y = vj->of.v128.u64[i];
            as_f64 &= x == y || (nan64 (x) && nan64 (y));
          }
        return as_f32 || as_f64;
      }
    default: return ref_id (a, va->of.ref) == ref_id (j, vj->of.ref);
    }
}

static void describe (char *out, size_t cap, const wasm_value *v)
{
  if (v->type == WASM_V128)
    snprintf (out, cap, "v128 0x%016llx%016llx", (unsigned long long) v->of.v128.u64[1],
              (unsigned long long) v->of.v128.u64[0]);
  else
    snprintf (out, cap, "0x%llx", (unsigned long long) v->of.i64);
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
    case WASM_V128:
      for (int i = 0; i < 2; i++)
        v->of.v128.u64[i] = chance (50) ? next () : r;
      break;
    default: break;
    }
}

static void set_fuel (wasm_instance *inst)
{
  wasm_extern e;
  wasm_instance_export (inst, "g0", &e);
  wasm_global_set (e.of.global, (wasm_value){ .type = WASM_I32, .of.i32 = FUEL });
}

static int compare_instance (side *a, side *j, int k, const char *after, char *why, size_t cap)
{
  wasm_instance *ia = a->inst[k], *ij = j->inst[k];
  for (int g = 0;; g++)
    {
      char gname[16];
      wasm_extern ga, gj;
      snprintf (gname, sizeof gname, "g%d", g);
      if (wasm_instance_export (ia, gname, &ga) < 0)
        break;
      wasm_instance_export (ij, gname, &gj);
      wasm_value va = wasm_global_get (ga.of.global), vj = wasm_global_get (gj.of.global);
      if (!same_value (a, j, &va, &vj))
        {
          char da[64], dj[64];
          describe (da, sizeof da, &va), describe (dj, sizeof dj, &vj);
          snprintf (why, cap, "%s: global %d differs: interp %s, jit %s", after, g, da, dj);
          return -1;
        }
    }
  for (int t = 0;; t++)
    {
      char tname[16];
      wasm_extern ta, tj;
      snprintf (tname, sizeof tname, "t%d", t);
      if (wasm_instance_export (ia, tname, &ta) < 0)
        break;
      wasm_instance_export (ij, tname, &tj);
      uint32_t n = wasm_table_size (ta.of.table);
      if (n != wasm_table_size (tj.of.table))
        {
          snprintf (why, cap, "%s: table %d has %u elements (interp), %u (jit)", after, t, n,
                    wasm_table_size (tj.of.table));
          return -1;
        }
      for (uint32_t i = 0; i < n; i++)
        {
          wasm_value ea, ej;
          wasm_table_get (ta.of.table, i, &ea);
          wasm_table_get (tj.of.table, i, &ej);
          if (ref_id (a, ea.of.ref) != ref_id (j, ej.of.ref))
            {
              snprintf (why, cap, "%s: table %d element %u differs", after, t, i);
              return -1;
            }
        }
    }
  wasm_memory *ma = wasm_instance_memory (ia, "mem"), *mj = wasm_instance_memory (ij, "mem");
  if (wasm_memory_size (ma) != wasm_memory_size (mj))
    {
      snprintf (why, cap, "%s: memory size differs", after);
      return -1;
    }
  const uint8_t *pa = wasm_memory_data (ma), *pj = wasm_memory_data (mj);
  for (uint64_t i = 0; i < wasm_memory_size (ma); i++)
    if (pa[i] != pj[i])
      {
        snprintf (why, cap, "%s: memory differs at %llu: interp 0x%02x, jit 0x%02x", after,
                  (unsigned long long) i, pa[i], pj[i]);
        return -1;
      }
  return 0;
}

/* Globals, tables and memory of every instance; 0 if equal, else -1 with a description. */
static int compare_state (side *a, side *j, const char *after, char *why, size_t cap)
{
  for (int k = 0; k < a->n; k++)
    if (compare_instance (a, j, k, after, why, cap) < 0)
      {
        size_t n = strlen (why);
        snprintf (why + n, cap - n, " (module %d)", k);
        return -1;
      }
  return 0;
}

/* The backtraces: the same functions at the same module offsets, innermost first. */
static int module_of (const side *sd, const wasm_module *m)
{
  for (int k = 0; k < sd->n; k++)
    if (sd->m[k] == m)
      return k;
  return -1;
}

static bool same_backtrace (const side *sa, const side *sj, const wasm_trap *a, const wasm_trap *j, char *why,
                            size_t cap)
{
  if (a->nframes != j->nframes || a->frames_omitted != j->frames_omitted)
    {
      snprintf (why, cap, "backtrace: %u frames (+%u) in interp, %u (+%u) in jit", a->nframes, a->frames_omitted,
                j->nframes, j->frames_omitted);
      return false;
    }
  for (uint32_t i = 0; i < a->nframes; i++)
    if (a->frames[i].func_index != j->frames[i].func_index || a->frames[i].offset != j->frames[i].offset
        || module_of (sa, a->frames[i].module) != module_of (sj, j->frames[i].module))
      {
        snprintf (why, cap, "backtrace frame %u: func %u at 0x%llx in interp, func %u at 0x%llx in jit", i,
                  a->frames[i].func_index, (unsigned long long) a->frames[i].offset, j->frames[i].func_index,
                  (unsigned long long) j->frames[i].offset);
        return false;
      }
  return true;
}

/* Run the modules: every exported function f1, f2, ... of each, three times, with the same
 * random arguments in both engines; 0 if the engines agree, else -1 with a description. */
static int run_module (const buf *bytes, int nmodules, char *why, size_t cap, int verbose)
{
  side a = { 0 }, j = { 0 };
  int rc = -1;
  if (side_load (&a, WASM_ENGINE_INTERP, bytes, nmodules, why, cap) < 0
      || side_load (&j, WASM_ENGINE_JIT, bytes, nmodules, why, cap) < 0)
    goto out;
  if (compare_state (&a, &j, "instantiation", why, cap) < 0)
    goto out;
  for (int round = 0; round < 3; round++)
    for (int k = 0, f = 1; k < nmodules; f++)
      {
        char name[16];
        snprintf (name, sizeof name, "f%d", f);
        wasm_func *fa = wasm_instance_func (a.inst[k], name), *fj = wasm_instance_func (j.inst[k], name);
        if (!fa)
          {
            k++, f = 0;
            continue;
          }
        if (k)
          snprintf (name, sizeof name, "b.f%d", f);
        wasm_functype ty = wasm_func_type (fa);
        wasm_value args[MAX_PARAMS], ra[MAX_RESULTS], rj[MAX_RESULTS];
        if (ty.nparams > MAX_PARAMS || ty.nresults > MAX_RESULTS)
          break;
        for (uint32_t i = 0; i < ty.nparams; i++)
          random_arg (ty.params[i], &args[i]);
        wasm_trap ta, tj;
        for (int i = 0; i < nmodules; i++)
          set_fuel (a.inst[i]), set_fuel (j.inst[i]);
        int ca = wasm_func_call (fa, args, ty.nparams, ra, ty.nresults, &ta);
        int cj = wasm_func_call (fj, args, ty.nparams, rj, ty.nresults, &tj);
        if (verbose)
          fprintf (stderr, "  %s: %s\n", name, ca < 0 ? ta.message : "ok");
        if (ca != cj || (ca < 0 && (ta.kind != tj.kind || strcmp (ta.message, tj.message))))
          {
            snprintf (why, cap, "%s: interp %s, jit %s", name, ca < 0 ? ta.message : "returned",
                      cj < 0 ? tj.message : "returned");
            goto out;
          }
        if (ca < 0 && !same_backtrace (&a, &j, &ta, &tj, why, cap))
          {
            size_t n = strlen (why);
            snprintf (why + n, cap - n, " (%s: %s)", name, ta.message);
            goto out;
          }
        for (uint32_t i = 0; ca == 0 && i < ty.nresults; i++)
          if (!same_value (&a, &j, &ra[i], &rj[i]))
            {
              char da[64], dj[64];
              describe (da, sizeof da, &ra[i]), describe (dj, sizeof dj, &rj[i]);
              snprintf (why, cap, "%s: result %u differs: interp %s, jit %s", name, i, da, dj);
              goto out;
            }
        if (compare_state (&a, &j, name, why, cap) < 0)
          goto out;
      }
  rc = 0;
out:
  side_free (&a);
  side_free (&j);
  return rc;
}

static int read_file (const char *path, buf *out)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return -1;
  out->n = 0;
  int c;
  while ((c = getc (f)) != EOF)
    put (out, (uint8_t) c);
  fclose (f);
  return 0;
}

static void write_file (const char *path, const buf *b)
{
  FILE *f = fopen (path, "wb");
  if (f)
    {
      fwrite (b->p, 1, b->n, f);
      fclose (f);
    }
}

/* PATH, and PATH.b for the importer if there is one (a stale PATH.b is removed). */
static void save_modules (const char *path, const buf *bytes, int n)
{
  char path_b[4096];
  snprintf (path_b, sizeof path_b, "%s.b", path);
  write_file (path, &bytes[0]);
  if (n > 1)
    write_file (path_b, &bytes[1]);
  else
    remove (path_b);
}

int main (int argc, char **argv)
{
  uint64_t first = 1, count = 1000;
  const char *out_path = "build/diff-engines-failure.wasm", *keep_path = NULL; /* -w: save the first seed's */
  int verbose = 0, nfiles = 0;
  char **files = calloc ((size_t) argc, sizeof *files);
  for (int i = 1; i < argc; i++)
    {
      if (!strcmp (argv[i], "-n") && i + 1 < argc)
        count = strtoull (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "-s") && i + 1 < argc)
        first = strtoull (argv[++i], NULL, 0);
      else if (!strcmp (argv[i], "-o") && i + 1 < argc)
        out_path = argv[++i];
      else if (!strcmp (argv[i], "-w") && i + 1 < argc)
        keep_path = argv[++i];
      else if (!strcmp (argv[i], "-v"))
        verbose = 1;
      else if (argv[i][0] != '-')
        files[nfiles++] = argv[i];
      else
        {
          fprintf (stderr, "usage: diff_engines [-n COUNT] [-s FIRST_SEED] [-o FAILED.wasm] [-w SEED.wasm] [-v] "
                   "[MODULE.wasm...]\n");
          return 2;
        }
    }
  if (!wasm_engine_available (WASM_ENGINE_JIT))
    {
      printf ("diff_engines: the compiler is not available on this machine\n");
      return 0;
    }
  buf bytes[MAX_MODULES] = { 0 };
  char why[1024], path_b[4096];
  int status = 0;
  /* Saved modules (regressions) are replayed, their arguments from a fixed seed; FILE.b,
     if there, is FILE's importer. */
  for (int i = 0; i < nfiles; i++)
    {
      rng = 0x9e3779b97f4a7c15ull;
      snprintf (path_b, sizeof path_b, "%s.b", files[i]);
      int n = read_file (path_b, &bytes[1]) == 0 ? 2 : 1;
      if (read_file (files[i], &bytes[0]) < 0)
        {
          printf ("%s: cannot read\n", files[i]);
          status = 1;
        }
      else if (run_module (bytes, n, why, sizeof why, verbose) < 0)
        {
          printf ("%s: %s\n", files[i], why);
          status = 1;
        }
    }
  if (nfiles)
    {
      if (!status)
        printf ("%d saved modules: the compiler agrees with the interpreter\n", nfiles);
      goto out;
    }
  for (uint64_t seed = first; seed < first + count; seed++)
    {
      rng = seed * 0x9e3779b97f4a7c15ull + 1;
      gen_module (&bytes[0], false);
      int n = 1;
      if (chance (40))
        gen_module (&bytes[1], true), n = 2;
      if (verbose)
        fprintf (stderr, "seed %llu (%zu bytes, %d modules)\n", (unsigned long long) seed, bytes[0].n, n);
      if (seed == first && keep_path)
        save_modules (keep_path, bytes, n);
      if (run_module (bytes, n, why, sizeof why, verbose) < 0)
        {
          save_modules (out_path, bytes, n);
          printf ("seed %llu: %s (module written to %s%s)\n", (unsigned long long) seed, why, out_path,
                  n > 1 ? ", its importer to FILE.b" : "");
          status = 1;
          goto out;
        }
    }
  printf ("%llu random modules: the compiler agrees with the interpreter\n", (unsigned long long) count);
out:
  for (int k = 0; k < MAX_MODULES; k++)
    free (bytes[k].p);
  free (files);
  return status;
}
