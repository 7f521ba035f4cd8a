/* The compiled SIMD and scalar-conversion instructions against the interpreter, bit for bit:
 * every 0xFD op without a memory operand, and the scalar ops x64_scalar.c compiles, each in a
 * function of its own, run under both engines on operands built from edge cases (NaNs with
 * payloads and signalling ones, signed zeros, infinities, conversion boundaries, lane
 * minimums and maximums) and random bits. Results must be identical, NaN lanes included
 * (but see nan_lenient_width); traps must have the same kind. One TAP line per op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wasm/internal.h"
#include "wasm/simd.h"

/* ---- A module with one function per op -------------------------------------------------- */

typedef struct op_case {
  char name[48];
  uint8_t code[24]; /* the instruction bytes after the local.gets */
  size_t code_len;
  uint8_t nparams;
  wasm_valtype params[3];
  wasm_valtype result;
} op_case;

typedef struct bytes { uint8_t *p; size_t n, cap; } bytes;

static void put (bytes *b, uint8_t v)
{
  if (b->n == b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 1024;
      b->p = realloc (b->p, b->cap);
      if (!b->p)
        abort ();
    }
  b->p[b->n++] = v;
}

static void put_u32 (bytes *b, uint32_t v)
{
  do
    {
      uint8_t c = v & 0x7f;
      v >>= 7;
      put (b, (uint8_t) (c | (v ? 0x80 : 0)));
    }
  while (v);
}

static void put_bytes (bytes *b, const void *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    put (b, ((const uint8_t *) p)[i]);
}

static void section (bytes *out, uint8_t id, bytes *body)
{
  put (out, id);
  put_u32 (out, (uint32_t) body->n);
  put_bytes (out, body->p, body->n);
  body->n = 0;
}

static uint8_t valtype_byte (wasm_valtype t)
{
  switch (t)
    {
    case WASM_I32: return 0x7f;
    case WASM_I64: return 0x7e;
    case WASM_F32: return 0x7d;
    case WASM_F64: return 0x7c;
    default: return 0x7b;
    }
}

static bytes build_module (const op_case *ops, size_t n)
{
  bytes out = { 0 }, s = { 0 };
  put_bytes (&out, "\0asm\1\0\0\0", 8);
  put_u32 (&s, (uint32_t) n);
  for (size_t i = 0; i < n; i++)
    {
      put (&s, 0x60);
      put_u32 (&s, ops[i].nparams);
      for (int k = 0; k < ops[i].nparams; k++)
        put (&s, valtype_byte (ops[i].params[k]));
      put (&s, 1);
      put (&s, valtype_byte (ops[i].result));
    }
  section (&out, 1, &s);
  put_u32 (&s, (uint32_t) n);
  for (size_t i = 0; i < n; i++)
    put_u32 (&s, (uint32_t) i);
  section (&out, 3, &s);
  put_u32 (&s, (uint32_t) n);
  for (size_t i = 0; i < n; i++)
    {
      char name[24];
      int len = snprintf (name, sizeof name, "f%zu", i);
      put_u32 (&s, (uint32_t) len);
      put_bytes (&s, name, (size_t) len);
      put (&s, 0);
      put_u32 (&s, (uint32_t) i);
    }
  section (&out, 7, &s);
  put_u32 (&s, (uint32_t) n);
  for (size_t i = 0; i < n; i++)
    {
      bytes body = { 0 };
      put (&body, 0); /* no locals */
      for (int k = 0; k < ops[i].nparams; k++)
        {
          put (&body, 0x20);
          put (&body, (uint8_t) k);
        }
      put_bytes (&body, ops[i].code, ops[i].code_len);
      put (&body, 0x0b);
      put_u32 (&s, (uint32_t) body.n);
      put_bytes (&s, body.p, body.n);
      free (body.p);
    }
  section (&out, 10, &s);
  free (s.p);
  return out;
}

/* Every SIMD op without memory access, with its immediate (a lane near the top, a shuffle
 * mixing both operands); then the scalar ops. */
static size_t collect_ops (op_case *ops)
{
  size_t n = 0;
  for (uint32_t opc = 0; opc < 256; opc++)
    {
      const simd_opinfo *info = simd_opinfo_get (opc);
      if (!info || info->mem_bytes || info->imm == SIMD_IMM_V128 || !info->nresults)
        continue;
      /* Shuffles: mixed bytes, bytes of one operand, 32-bit lanes of one or both (the
       * pshufd and shufps cases of emit_shuffle). A pattern of 4 entries names 32-bit lanes. */
      static const struct { int n; uint8_t lane[16]; } shuffles[] = {
        { 16, { 3, 10, 17, 24, 31, 6, 13, 20, 27, 2, 9, 16, 23, 30, 5, 12 } },
        { 16, { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12 } },
        { 16, { 17, 16, 19, 18, 21, 20, 23, 22, 25, 24, 27, 26, 29, 28, 31, 30 } },
        { 16, { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 } },
        { 4, { 1, 0, 3, 2 } }, { 4, { 7, 4, 5, 6 } }, { 4, { 0, 2, 5, 7 } }, { 4, { 6, 4, 1, 3 } },
        { 4, { 2, 2, 2, 2 } }, { 4, { 0, 1, 2, 3 } }, { 4, { 0, 5, 2, 7 } },
      };
      size_t variants = info->imm == SIMD_IMM_SHUFFLE ? sizeof shuffles / sizeof shuffles[0] : 1;
      for (size_t v = 0; v < variants; v++)
        {
          op_case *c = &ops[n++];
          snprintf (c->name, sizeof c->name, "%s", info->name);
          c->nparams = info->nparams;
          memcpy (c->params, info->params, sizeof c->params);
          c->result = info->result;
          c->code[c->code_len++] = 0xfd;
          c->code[c->code_len++] = (uint8_t) (opc | 0x80);
          c->code[c->code_len++] = (uint8_t) (opc >> 7);
          if (info->imm == SIMD_IMM_LANE)
            c->code[c->code_len++] = (uint8_t) (info->lanes - 1 - (opc & 1));
          for (int i = 0; info->imm == SIMD_IMM_SHUFFLE && i < 16; i++)
            c->code[c->code_len++] = shuffles[v].n == 16 ? shuffles[v].lane[i]
                                                          : (uint8_t) (4 * shuffles[v].lane[i / 4] + i % 4);
          if (info->imm == SIMD_IMM_SHUFFLE)
            snprintf (c->name, sizeof c->name, "%s %u %u %u %u ...", info->name, c->code[3], c->code[4], c->code[5], c->code[6]);
        }
    }
  static const struct { const char *name; uint16_t opc; wasm_valtype in, in2, out; } scalar[] = {
    { "i32.clz", 0x67, WASM_I32, 0, WASM_I32 }, { "i32.ctz", 0x68, WASM_I32, 0, WASM_I32 },
    { "i32.popcnt", 0x69, WASM_I32, 0, WASM_I32 }, { "i64.clz", 0x79, WASM_I64, 0, WASM_I64 },
    { "i64.ctz", 0x7a, WASM_I64, 0, WASM_I64 }, { "i64.popcnt", 0x7b, WASM_I64, 0, WASM_I64 },
    { "f32.ceil", 0x8d, WASM_F32, 0, WASM_F32 }, { "f32.floor", 0x8e, WASM_F32, 0, WASM_F32 },
    { "f32.trunc", 0x8f, WASM_F32, 0, WASM_F32 }, { "f32.nearest", 0x90, WASM_F32, 0, WASM_F32 },
    { "f32.min", 0x96, WASM_F32, WASM_F32, WASM_F32 }, { "f32.max", 0x97, WASM_F32, WASM_F32, WASM_F32 },
    { "f64.ceil", 0x9b, WASM_F64, 0, WASM_F64 }, { "f64.floor", 0x9c, WASM_F64, 0, WASM_F64 },
    { "f64.trunc", 0x9d, WASM_F64, 0, WASM_F64 }, { "f64.nearest", 0x9e, WASM_F64, 0, WASM_F64 },
    { "f64.min", 0xa4, WASM_F64, WASM_F64, WASM_F64 }, { "f64.max", 0xa5, WASM_F64, WASM_F64, WASM_F64 },
    { "i32.trunc_f32_s", 0xa8, WASM_F32, 0, WASM_I32 }, { "i32.trunc_f32_u", 0xa9, WASM_F32, 0, WASM_I32 },
    { "i32.trunc_f64_s", 0xaa, WASM_F64, 0, WASM_I32 }, { "i32.trunc_f64_u", 0xab, WASM_F64, 0, WASM_I32 },
    { "i64.trunc_f32_s", 0xae, WASM_F32, 0, WASM_I64 }, { "i64.trunc_f32_u", 0xaf, WASM_F32, 0, WASM_I64 },
    { "i64.trunc_f64_s", 0xb0, WASM_F64, 0, WASM_I64 }, { "i64.trunc_f64_u", 0xb1, WASM_F64, 0, WASM_I64 },
    { "f32.convert_i64_u", 0xb5, WASM_I64, 0, WASM_F32 }, { "f64.convert_i64_u", 0xba, WASM_I64, 0, WASM_F64 },
    { "i32.trunc_sat_f32_s", 0xfc00, WASM_F32, 0, WASM_I32 }, { "i32.trunc_sat_f32_u", 0xfc01, WASM_F32, 0, WASM_I32 },
    { "i32.trunc_sat_f64_s", 0xfc02, WASM_F64, 0, WASM_I32 }, { "i32.trunc_sat_f64_u", 0xfc03, WASM_F64, 0, WASM_I32 },
    { "i64.trunc_sat_f32_s", 0xfc04, WASM_F32, 0, WASM_I64 }, { "i64.trunc_sat_f32_u", 0xfc05, WASM_F32, 0, WASM_I64 },
    { "i64.trunc_sat_f64_s", 0xfc06, WASM_F64, 0, WASM_I64 }, { "i64.trunc_sat_f64_u", 0xfc07, WASM_F64, 0, WASM_I64 },
  };
  for (size_t i = 0; i < sizeof scalar / sizeof scalar[0]; i++)
    {
      op_case *c = &ops[n++];
      snprintf (c->name, sizeof c->name, "%s", scalar[i].name);
      c->nparams = scalar[i].in2 ? 2 : 1;
      c->params[0] = scalar[i].in;
      c->params[1] = scalar[i].in2;
      c->result = scalar[i].out;
      if (scalar[i].opc > 0xff)
        c->code[c->code_len++] = 0xfc;
      c->code[c->code_len++] = (uint8_t) scalar[i].opc;
    }
  return n;
}

/* ---- Operands ----------------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static const uint32_t edge32[] = {
  0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x80008000,
  0x7fc00000, 0xffc00000, 0x7f800001, 0xff812345, 0x7fc12345, 0x7f800000, 0xff800000, 0x80000000,
  0x3f800000, 0xbf800000, 0x3fc00000, 0xbfc00000, 0x40200000, 0x3f000000, 0xbf000000, 0x4f000000,
  0xcf000000, 0x4f800000, 0x4effffff, 0x4f7fffff, 0xcf000001, 0x5f000000, 0xdf000000, 0x5f800000,
  0x5effffff, 0x00000001, 0x80000001, 0x4b000001, 0x3f7fffff,
};
static const uint64_t edge64[] = {
  0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x00000000ffffffffull,
  0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000012345ull,
  0x7ff0000000000000ull, 0xfff0000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
  0x3ff8000000000000ull, 0x4004000000000000ull, 0x3fe0000000000000ull, 0xbfe0000000000000ull,
  0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffc00000ull, 0xc1e0000000100000ull,
  0xc1e0000000200000ull, 0x41efffffffe00000ull, 0x41f0000000000000ull, 0x43e0000000000000ull,
  0xc3e0000000000000ull, 0x43f0000000000000ull, 0x43efffffffffffffull, 0x4330000000000001ull,
  0x0000000000000001ull, 0x8000000000000001ull, 0x41dfffffffe00000ull, 0x3fefffffffffffffull,
  0x8000000000000400ull, 0x0020000000000401ull,
};
#define NEDGE32 (sizeof edge32 / sizeof edge32[0])
#define NEDGE64 (sizeof edge64 / sizeof edge64[0])

/* Round k: an operand of type t, mostly from the edge cases, lane by lane. */
static wasm_value operand (wasm_valtype t, int k)
{
  wasm_value v = { .type = t };
  bool random = k % 5 == 4;
  switch (t)
    {
    case WASM_I32: case WASM_F32:
      v.of.i32 = (int32_t) (random ? next () : edge32[next () % NEDGE32]);
      break;
    case WASM_I64: case WASM_F64:
      v.of.i64 = (int64_t) (random ? next () : edge64[next () % NEDGE64]);
      break;
    default:
      for (int i = 0; i < 4; i++)
        v.of.v128.u32[i] = (uint32_t) (random ? next () : edge32[next () % NEDGE32]);
      if (k % 3 == 1) /* 64-bit lanes */
        for (int i = 0; i < 2; i++)
          v.of.v128.u64[i] = random ? next () : edge64[next () % NEDGE64];
      if (k % 7 == 2) /* 8- and 16-bit lane edges */
        for (int i = 0; i < 16; i++)
          v.of.v128.u8[i] = (uint8_t) (next () % 3 == 0 ? 0x80 : next () % 2 ? 0x7f : next ());
      break;
    }
  return v;
}

/* Lane width in bytes of the float results whose NaN payload may legitimately differ: the
 * commutative add, mul, min and max. Wasm lets a NaN result propagate either operand's
 * payload, and the interpreter's C `x + y` propagates whichever operand the C compiler
 * puts first, which differs between -O1 and -O2; the compiled code cannot follow both.
 * 0: every bit must match. */
static int nan_lenient_width (const char *name)
{
  static const char *const ops[] = { ".add", ".mul", ".min", ".max" };
  int width = strncmp (name, "f32", 3) == 0 ? 4 : strncmp (name, "f64", 3) == 0 ? 8 : 0;
  const char *dot = strchr (name, '.');
  for (size_t i = 0; width && dot && i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp (dot, ops[i]) == 0)
      return width;
  return 0;
}

static bool is_nan_lane (const uint8_t *p, int width)
{
  uint64_t v = 0;
  memcpy (&v, p, (size_t) width);
  return width == 4 ? (v & 0x7fffffffu) > 0x7f800000u : (v & ~(1ull << 63)) > 0x7ff0000000000000ull;
}

static bool same (const wasm_value *a, const wasm_value *b, wasm_valtype t, int nan_width)
{
  size_t size = t == WASM_I32 || t == WASM_F32 ? 4 : t == WASM_V128 ? 16 : 8;
  const uint8_t *x = (const uint8_t *) &a->of, *y = (const uint8_t *) &b->of;
  if (!nan_width)
    return memcmp (x, y, size) == 0;
  for (size_t at = 0; at < size; at += (size_t) nan_width)
    if (memcmp (x + at, y + at, (size_t) nan_width) != 0
        && !(is_nan_lane (x + at, nan_width) && is_nan_lane (y + at, nan_width)))
      return false;
  return true;
}

static void show (char *out, size_t cap, const wasm_value *v)
{
  snprintf (out, cap, "%016llx%016llx", (unsigned long long) v->of.v128.u64[1], (unsigned long long) v->of.v128.u64[0]);
}

static wasm_instance *instantiate (wasm_engine e, const bytes *mod, wasm_store **store, wasm_linker **l, wasm_module **m)
{
  wasm_error err;
  wasm_engine_select (e);
  *m = wasm_module_new (mod->p, mod->n, &err);
  *store = wasm_store_new (NULL);
  *l = wasm_linker_new (*store);
  return *m ? wasm_linker_instantiate (*l, *m, &err) : NULL;
}

int main (void)
{
#if !defined(__x86_64__)
  tap_ok (1, "no compiler on this architecture");
  return tap_done ();
#else
  static op_case ops[320];
  size_t n = collect_ops (ops);
  bytes mod = build_module (ops, n);
  wasm_store *s[2];
  wasm_linker *l[2];
  wasm_module *m[2];
  wasm_instance *inst[2] = { instantiate (WASM_ENGINE_INTERP, &mod, &s[0], &l[0], &m[0]),
                             instantiate (WASM_ENGINE_JIT, &mod, &s[1], &l[1], &m[1]) };
  tap_ok (inst[0] && inst[1] && m[1]->jit, "the module instantiates under both engines, compiled under jit");
  if (!inst[0] || !inst[1])
    return tap_done ();
  for (size_t i = 0; i < n; i++)
    {
      char name[24];
      snprintf (name, sizeof name, "f%zu", i);
      wasm_func *f[2] = { wasm_instance_func (inst[0], name), wasm_instance_func (inst[1], name) };
      char diag[256] = "";
      int runs = 400;
      for (int k = 0; k < runs && !diag[0]; k++)
        {
          wasm_value args[3], r[2];
          for (int a = 0; a < ops[i].nparams; a++)
            args[a] = operand (ops[i].params[a], k);
          wasm_trap trap[2];
          int rc[2];
          for (int e = 0; e < 2; e++)
            {
              memset (&r[e], 0, sizeof r[e]);
              rc[e] = wasm_func_call (f[e], args, ops[i].nparams, &r[e], 1, &trap[e]);
            }
          bool ok = rc[0] == rc[1] && (rc[0] == 0 ? same (&r[0], &r[1], ops[i].result, nan_lenient_width (ops[i].name)) : trap[0].kind == trap[1].kind);
          if (!ok)
            {
              char a0[40], got[40], want[40];
              show (a0, sizeof a0, &args[0]);
              show (want, sizeof want, &r[0]);
              show (got, sizeof got, &r[1]);
              snprintf (diag, sizeof diag, "a=%s: interp %s (rc %d), jit %s (rc %d)", a0, want, rc[0], got, rc[1]);
            }
        }
      tap_ok (!diag[0], "%s: compiled = interpreted%s%s", ops[i].name, diag[0] ? ": " : "", diag);
    }
  for (int e = 0; e < 2; e++)
    {
      wasm_linker_delete (l[e]);
      wasm_store_delete (s[e]);
      wasm_module_delete (m[e]);
    }
  free (mod.p);
  return tap_done ();
#endif
}
