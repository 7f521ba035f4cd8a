/* Binary module decoding and module-level validation (everything except function bodies,
 * which compile.c validates while translating them). */
#include "wasm/decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wasm/jit/jit.h"
#include "wasm/reader.h"

int module_error (wasm_error *err, wasm_error_kind kind, const char *fmt, ...)
{
  if (err && err->kind == WASM_OK)
    {
      va_list ap;
      va_start (ap, fmt);
      err->kind = kind;
      vsnprintf (err->message, sizeof err->message, fmt, ap);
      va_end (ap);
    }
  return -1;
}

#define INVALID(r, ...) module_error ((r)->err, WASM_ERR_INVALID, "invalid: " __VA_ARGS__)

static uint64_t hash_types (const wasm_valtype *p, uint32_t n, uint64_t h)
{
  for (uint32_t i = 0; i < n; i++)
    h = (h ^ (uint64_t) p[i]) * 0x100000001b3ull;
  return h;
}

void functype_finish (functype_t *t)
{
  t->pub.params = t->params;
  t->pub.results = t->results;
  t->param_slots = t->result_slots = 0;
  for (uint32_t i = 0; i < t->pub.nparams; i++)
    t->param_slots += valtype_slots (t->params[i]);
  for (uint32_t i = 0; i < t->pub.nresults; i++)
    t->result_slots += valtype_slots (t->results[i]);
  t->hash = hash_types (t->results, t->pub.nresults,
                        hash_types (t->params, t->pub.nparams, 0xcbf29ce484222325ull ^ t->pub.nparams)
                        ^ ((uint64_t) t->pub.nresults << 32));
  t->sig_id = signature_id (t);
}

bool functype_equal (const functype_t *a, const functype_t *b)
{
  if (a == b || (a->sig_id && a->sig_id == b->sig_id))
    return true;
  return a->hash == b->hash && a->pub.nparams == b->pub.nparams && a->pub.nresults == b->pub.nresults
         && memcmp (a->params, b->params, a->pub.nparams * sizeof *a->params) == 0
         && memcmp (a->results, b->results, a->pub.nresults * sizeof *a->results) == 0;
}

int read_valtype (reader *r, wasm_valtype *out)
{
  uint8_t b;
  if (read_u8 (r, &b) < 0)
    return -1;
  switch (b)
    {
    case WASM_I32: case WASM_I64: case WASM_F32: case WASM_F64: case WASM_V128:
    case WASM_FUNCREF: case WASM_EXTERNREF:
      *out = (wasm_valtype) b;
      return 0;
    }
  r->p--;
  return MALFORMED (r, "malformed value type");
}

static int read_reftype (reader *r, wasm_valtype *out)
{
  uint8_t b;
  if (read_u8 (r, &b) < 0)
    return -1;
  if (b != WASM_FUNCREF && b != WASM_EXTERNREF)
    {
      r->p--;
      return MALFORMED (r, "malformed reference type");
    }
  *out = (wasm_valtype) b;
  return 0;
}

static int read_name_len (reader *r, char **out, uint32_t *out_len)
{
  uint32_t len;
  const uint8_t *s;
  if (read_u32 (r, &len) < 0)
    return -1;
  if (read_bytes (r, len, &s) < 0)
    return MALFORMED (r, "length out of bounds");
  /* UTF-8: reject overlong forms, surrogates and code points past U+10FFFF. */
  for (uint32_t i = 0; i < len;)
    {
      uint8_t c = s[i];
      uint32_t n, cp, min;
      if (c < 0x80) { i++; continue; }
      else if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; min = 0x80; }
      else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; min = 0x800; }
      else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; min = 0x10000; }
      else return MALFORMED (r, "malformed UTF-8 encoding");
      if (i + n >= len)
        return MALFORMED (r, "malformed UTF-8 encoding");
      for (uint32_t k = 1; k <= n; k++)
        {
          if ((s[i + k] & 0xc0) != 0x80)
            return MALFORMED (r, "malformed UTF-8 encoding");
          cp = cp << 6 | (s[i + k] & 0x3f);
        }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
        return MALFORMED (r, "malformed UTF-8 encoding");
      i += n + 1;
    }
  *out = malloc (len + 1);
  memcpy (*out, s, len);
  (*out)[len] = 0;
  *out_len = len;
  return 0;
}

static int read_name (reader *r, char **out)
{
  uint32_t len;
  return read_name_len (r, out, &len);
}

static int read_limits (reader *r, limits_t *lim, uint32_t max_allowed, const char *what)
{
  uint8_t flag;
  if (read_u8 (r, &flag) < 0)
    return -1;
  if (flag > 1)
    {
      r->p--;
      return MALFORMED (r, "integer too large");
    }
  if (read_u32 (r, &lim->min) < 0)
    return -1;
  lim->has_max = flag == 1;
  lim->max = 0;
  if (lim->has_max && read_u32 (r, &lim->max) < 0)
    return -1;
  if (max_allowed)
    {
      if (lim->min > max_allowed || (lim->has_max && lim->max > max_allowed))
        return INVALID (r, "memory size must be at most 65536 pages (4GiB)");
    }
  if (lim->has_max && lim->min > lim->max)
    return INVALID (r, "size minimum must not be greater than maximum (%s)", what);
  return 0;
}

static int read_table_type (reader *r, table_type *t)
{
  if (read_reftype (r, &t->elem) < 0)
    return -1;
  return read_limits (r, &t->lim, 0, "table");
}

static int read_global_type (reader *r, global_type *g)
{
  uint8_t mut;
  if (read_valtype (r, &g->type) < 0 || read_u8 (r, &mut) < 0)
    return -1;
  if (mut > 1)
    {
      r->p--;
      return MALFORMED (r, "malformed mutability");
    }
  g->mut = mut;
  return 0;
}

/* Type of global `index` as constant expressions see it. */
static const global_type *global_at (const wasm_module *m, uint32_t index)
{
  return index < m->nglobals ? &m->globals[index] : NULL;
}

static bool opcode_exists (uint8_t op)
{
  return op <= 0x05 || (op >= 0x0b && op <= 0x11) || (op >= 0x1a && op <= 0x1c) || (op >= 0x20 && op <= 0x26)
         || (op >= 0x28 && op <= 0xc4) || (op >= 0xd0 && op <= 0xd2) || op == 0xfc || op == 0xfd;
}

/* A constant expression: one instruction then `end`. `nglobals_visible`: how many globals a
 * global.get may name (only imports in Wasm 2.0). */
int read_const_expr (reader *r, wasm_module *m, wasm_valtype want, uint32_t nglobals_visible, const_expr *out)
{
  uint8_t op;
  memset (out, 0, sizeof *out);
  if (read_u8 (r, &op) < 0)
    return -1;
  switch (op)
    {
    case 0x41: {
      int64_t v;
      if (read_sleb (r, 32, &v) < 0)
        return -1;
      out->type = out->value.type = WASM_I32;
      out->value.of.i32 = (int32_t) v;
      break;
    }
    case 0x42: {
      int64_t v;
      if (read_sleb (r, 64, &v) < 0)
        return -1;
      out->type = out->value.type = WASM_I64;
      out->value.of.i64 = v;
      break;
    }
    case 0x43: {
      const uint8_t *b;
      if (read_bytes (r, 4, &b) < 0)
        return -1;
      out->type = out->value.type = WASM_F32;
      memcpy (&out->value.of.f32_bits, b, 4);
      break;
    }
    case 0x44: {
      const uint8_t *b;
      if (read_bytes (r, 8, &b) < 0)
        return -1;
      out->type = out->value.type = WASM_F64;
      memcpy (&out->value.of.f64_bits, b, 8);
      break;
    }
    case 0xfd: {
      uint32_t sub;
      const uint8_t *b;
      if (read_u32 (r, &sub) < 0)
        return -1;
      if (sub != 12)
        return INVALID (r, "constant expression required");
      if (read_bytes (r, 16, &b) < 0)
        return -1;
      out->type = out->value.type = WASM_V128;
      memcpy (&out->value.of.v128, b, 16);
      break;
    }
    case 0xd0: {
      wasm_valtype t;
      if (read_reftype (r, &t) < 0)
        return -1;
      out->type = out->value.type = t;
      out->value.of.ref = NULL;
      break;
    }
    case 0xd2:
      if (read_u32 (r, &out->index) < 0)
        return -1;
      if (out->index >= m->nfuncs)
        return INVALID (r, "unknown function %u", out->index);
      out->kind = CONST_REF_FUNC;
      out->type = WASM_FUNCREF;
      m->func_declared[out->index] = 1;
      break;
    case 0x23: {
      if (read_u32 (r, &out->index) < 0)
        return -1;
      const global_type *g = out->index < nglobals_visible ? global_at (m, out->index) : NULL;
      if (!g)
        return INVALID (r, "unknown global %u", out->index);
      if (g->mut)
        return INVALID (r, "constant expression required");
      out->kind = CONST_GLOBAL_GET;
      out->type = g->type;
      break;
    }
    case 0x0b:
      return INVALID (r, "type mismatch in constant expression");
    default:
      if (!opcode_exists (op))
        {
          r->p--;
          return MALFORMED (r, "illegal opcode");
        }
      return INVALID (r, "constant expression required");
    }
  if (read_u8 (r, &op) < 0)
    return -1;
  if (op != 0x0b)
    return INVALID (r, "%s", op == 0x41 || op == 0x42 || op == 0x23 ? "type mismatch in constant expression"
                                                                    : "constant expression required");
  if (out->type != want)
    return INVALID (r, "type mismatch in constant expression");
  return 0;
}

static int section_types (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->types = calloc (n ? n : 1, sizeof *m->types);
  m->ntypes = n;
  for (uint32_t i = 0; i < m->ntypes; i++)
    {
      functype_t *t = &m->types[i];
      uint8_t form;
      if (read_u8 (r, &form) < 0)
        return -1;
      if (form != 0x60)
        return MALFORMED (r, "integer representation too long");
      uint32_t n;
      if (read_u32 (r, &n) < 0)
        return -1;
      if (n > (size_t) (r->end - r->p))
        return MALFORMED (r, "unexpected end");
      t->params = calloc (n + 1, sizeof *t->params);
      t->pub.nparams = n;
      for (uint32_t k = 0; k < n; k++)
        if (read_valtype (r, &t->params[k]) < 0)
          return -1;
      if (read_u32 (r, &n) < 0)
        return -1;
      if (n > (size_t) (r->end - r->p))
        return MALFORMED (r, "unexpected end");
      t->results = calloc (n + 1, sizeof *t->results);
      t->pub.nresults = n;
      for (uint32_t k = 0; k < n; k++)
        if (read_valtype (r, &t->results[k]) < 0)
          return -1;
      functype_finish (t);
    }
  return 0;
}

static int section_imports (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->imports = calloc (n ? n : 1, sizeof *m->imports);
  for (uint32_t i = 0; i < n; i++)
    {
      import_t *im = &m->imports[i];
      m->nimports = i + 1;
      uint8_t kind;
      if (read_name (r, &im->module) < 0 || read_name (r, &im->name) < 0 || read_u8 (r, &kind) < 0)
        return -1;
      switch (kind)
        {
        case 0:
          im->kind = WASM_EXTERN_FUNC;
          if (read_u32 (r, &im->type_index) < 0)
            return -1;
          if (im->type_index >= m->ntypes)
            return INVALID (r, "unknown type %u", im->type_index);
          m->nimported_funcs++;
          break;
        case 1:
          im->kind = WASM_EXTERN_TABLE;
          if (read_table_type (r, &im->table) < 0)
            return -1;
          m->nimported_tables++;
          break;
        case 2:
          im->kind = WASM_EXTERN_MEMORY;
          if (read_limits (r, &im->memory, WASM_MAX_PAGES, "memory") < 0)
            return -1;
          m->nimported_mems++;
          break;
        case 3:
          im->kind = WASM_EXTERN_GLOBAL;
          if (read_global_type (r, &im->global) < 0)
            return -1;
          m->nimported_globals++;
          break;
        default:
          r->p--;
          return MALFORMED (r, "malformed import kind");
        }
    }
  if (m->nimported_mems > 1)
    return INVALID (r, "multiple memories");
  return 0;
}

/* Imports come first in every index space: lay them out once the counts are known. */
static void index_spaces_from_imports (wasm_module *m)
{
  m->nfuncs = m->nimported_funcs;
  m->func_type = calloc (m->nfuncs + 1, sizeof *m->func_type);
  m->ntables = m->nimported_tables;
  m->tables = calloc (m->ntables + 1, sizeof *m->tables);
  m->nmems = m->nimported_mems;
  m->mems = calloc (m->nmems + 1, sizeof *m->mems);
  m->nglobals = m->nimported_globals;
  m->globals = calloc (m->nglobals + 1, sizeof *m->globals);
  uint32_t f = 0, t = 0, me = 0, g = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    {
      import_t *im = &m->imports[i];
      switch (im->kind)
        {
        case WASM_EXTERN_FUNC: m->func_type[f++] = im->type_index; break;
        case WASM_EXTERN_TABLE: m->tables[t++] = im->table; break;
        case WASM_EXTERN_MEMORY: m->mems[me++] = im->memory; break;
        case WASM_EXTERN_GLOBAL: m->globals[g++] = im->global; break;
        }
    }
}

static int section_functions (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->func_type = realloc (m->func_type, (m->nfuncs + n + 1) * sizeof *m->func_type);
  for (uint32_t i = 0; i < n; i++)
    {
      uint32_t t;
      if (read_u32 (r, &t) < 0)
        return -1;
      if (t >= m->ntypes)
        return INVALID (r, "unknown type %u", t);
      m->func_type[m->nfuncs++] = t;
    }
  return 0;
}

static int section_tables (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->tables = realloc (m->tables, (m->ntables + n + 1) * sizeof *m->tables);
  for (uint32_t i = 0; i < n; i++)
    if (read_table_type (r, &m->tables[m->ntables++]) < 0)
      return -1;
  return 0;
}

static int section_memories (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->mems = realloc (m->mems, (m->nmems + n + 1) * sizeof *m->mems);
  for (uint32_t i = 0; i < n; i++)
    if (read_limits (r, &m->mems[m->nmems++], WASM_MAX_PAGES, "memory") < 0)
      return -1;
  if (m->nmems > 1)
    return INVALID (r, "multiple memories");
  return 0;
}

static int section_globals (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->globals = realloc (m->globals, (m->nglobals + n + 1) * sizeof *m->globals);
  m->global_init = calloc (n + 1, sizeof *m->global_init);
  for (uint32_t i = 0; i < n; i++)
    {
      global_type *g = &m->globals[m->nglobals];
      if (read_global_type (r, g) < 0)
        return -1;
      if (read_const_expr (r, m, g->type, m->nimported_globals, &m->global_init[i]) < 0)
        return -1;
      m->nglobals++;
    }
  return 0;
}

static uint64_t name_hash (const char *s, uint32_t len)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t i = 0; i < len; i++)
    h = (h ^ (uint8_t) s[i]) * 0x100000001b3ull;
  return h;
}

/* Open addressing over export indices: linear in the number of exports. */
static int check_export_names_unique (reader *r, wasm_module *m)
{
  uint32_t cap = 16;
  while (cap < m->nexports * 2)
    cap *= 2;
  uint32_t *slots = malloc (cap * sizeof *slots);
  memset (slots, 0xff, cap * sizeof *slots);
  int rc = 0;
  for (uint32_t i = 0; i < m->nexports && rc == 0; i++)
    {
      const export_t *e = &m->exports[i];
      for (uint32_t h = (uint32_t) name_hash (e->name, e->name_len) & (cap - 1);; h = (h + 1) & (cap - 1))
        {
          if (slots[h] == UINT32_MAX)
            {
              slots[h] = i;
              break;
            }
          const export_t *o = &m->exports[slots[h]];
          if (o->name_len == e->name_len && memcmp (o->name, e->name, e->name_len) == 0)
            {
              rc = INVALID (r, "duplicate export name");
              break;
            }
        }
    }
  free (slots);
  return rc;
}

static int section_exports (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->exports = calloc (n + 1, sizeof *m->exports);
  for (uint32_t i = 0; i < n; i++)
    {
      export_t *e = &m->exports[i];
      uint8_t kind;
      if (read_name_len (r, &e->name, &e->name_len) < 0)
        return -1;
      m->nexports = i + 1;
      if (read_u8 (r, &kind) < 0 || read_u32 (r, &e->index) < 0)
        return -1;
      uint32_t limit;
      switch (kind)
        {
        case 0: limit = m->nfuncs; break;
        case 1: limit = m->ntables; break;
        case 2: limit = m->nmems; break;
        case 3: limit = m->nglobals; break;
        default:
          return MALFORMED (r, "malformed export kind");
        }
      e->kind = (wasm_extern_kind) kind;
      if (e->index >= limit)
        return INVALID (r, "unknown %s %u", (const char *[]){ "function", "table", "memory", "global" }[kind],
                        e->index);
      if (kind == 0)
        m->func_declared[e->index] = 1;
    }
  return check_export_names_unique (r, m);
}

static int section_start (reader *r, wasm_module *m)
{
  uint32_t f;
  if (read_u32 (r, &f) < 0)
    return -1;
  if (f >= m->nfuncs)
    return INVALID (r, "unknown function %u", f);
  const functype_t *t = &m->types[m->func_type[f]];
  if (t->pub.nparams || t->pub.nresults)
    return INVALID (r, "start function");
  m->start = f;
  return 0;
}

static int check_table_index (reader *r, wasm_module *m, uint32_t t)
{
  if (t >= m->ntables)
    return INVALID (r, "unknown table %u", t);
  return 0;
}

static int section_elements (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->elems = calloc (n + 1, sizeof *m->elems);
  for (uint32_t i = 0; i < n; i++)
    {
      elem_seg *s = &m->elems[i];
      m->nelems = i + 1;
      uint32_t flags;
      if (read_u32 (r, &flags) < 0)
        return -1;
      if (flags > 7)
        return MALFORMED (r, "malformed elements segment kind");
      /* bit 0: passive/declarative; bit 1: explicit table (active) or declarative;
       * bit 2: items are expressions rather than function indices. */
      s->mode = !(flags & 1) ? SEG_ACTIVE : (flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE;
      s->type = WASM_FUNCREF;
      if (s->mode == SEG_ACTIVE)
        {
          if ((flags & 2) && read_u32 (r, &s->table) < 0)
            return -1;
          if (check_table_index (r, m, s->table) < 0)
            return -1;
          if (read_const_expr (r, m, WASM_I32, m->nimported_globals, &s->offset) < 0)
            return -1;
        }
      if (flags & 3)
        {
          if (flags & 4)
            {
              if (read_reftype (r, &s->type) < 0)
                return -1;
            }
          else
            {
              uint8_t kind;
              if (read_u8 (r, &kind) < 0)
                return -1;
              if (kind != 0)
                return MALFORMED (r, "malformed element kind");
            }
        }
      if (read_u32 (r, &s->count) < 0)
        return -1;
      if (s->count > (size_t) (r->end - r->p))
        return MALFORMED (r, "unexpected end");
      s->items = calloc (s->count + 1, sizeof *s->items);
      for (uint32_t k = 0; k < s->count; k++)
        {
          if (flags & 4)
            {
              if (read_const_expr (r, m, s->type, m->nimported_globals, &s->items[k]) < 0)
                return -1;
            }
          else
            {
              uint32_t f;
              if (read_u32 (r, &f) < 0)
                return -1;
              if (f >= m->nfuncs)
                return INVALID (r, "unknown function %u", f);
              m->func_declared[f] = 1;
              s->items[k] = (const_expr){ .kind = CONST_REF_FUNC, .type = WASM_FUNCREF, .index = f };
            }
        }
      if (s->mode == SEG_ACTIVE && m->tables[s->table].elem != s->type)
        return INVALID (r, "type mismatch in element segment");
    }
  return 0;
}

/* Every body is validated now. A lazy module keeps a copy of the section and translates a
 * body on its first call (code_translate); otherwise each is translated right away, read
 * from the caller's bytes. The copy is made body by body, just before validating it from
 * the copy: the bytes are read from memory once, not twice (a large module's section is
 * larger than the caches). */
static int section_code (reader *r, wasm_module *m, uint32_t *ncodes)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (n != m->nfuncs - m->nimported_funcs)
    return MALFORMED (r, "function and code section have inconsistent lengths");
  *ncodes = n;
  m->lazy = wasm_compile_selected () == WASM_COMPILE_LAZY;
  const uint8_t *start = r->p;
  size_t copied = 0;
  if (m->lazy)
    {
      m->code_bytes_len = (size_t) (r->end - start) + 1;
      m->code_bytes = mmap (NULL, m->code_bytes_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m->code_bytes == MAP_FAILED)
        {
          m->code_bytes = NULL;
          return module_error (r->err, WASM_ERR_RESOURCE, "out of memory");
        }
      madvise (m->code_bytes, m->code_bytes_len, MADV_HUGEPAGE); /* fewer page faults while copying */
    }
  else
    m->code_bytes = (uint8_t *) start;
  m->code_bytes_offset = (size_t) (start - r->file_start);
  compile_scratch scratch = { 0 };
  validate_scratch quick = { 0 };
  int rc = 0;
  for (uint32_t i = 0; i < n && rc == 0; i++)
    {
      uint32_t size;
      const uint8_t *body;
      code_t *code = &m->codes[i];
      rc = read_u32 (r, &size);
      if (rc == 0)
        rc = read_bytes (r, size, &body);
      if (rc < 0)
        break;
      code->body_at = (uint32_t) (body - start);
      code->body_len = size;
      code->words = (uint32_t *) code_untranslated;
      if (m->lazy)
        {
          memcpy (m->code_bytes + copied, start + copied, (size_t) (r->p - start) - copied);
          copied = (size_t) (r->p - start);
        }
      if (!m->lazy || !validate_fast (m, m->nimported_funcs + i, &quick, code))
        rc = compile_function (m, m->nimported_funcs + i, m->lazy ? COMPILE_VALIDATE : COMPILE_KEEP, &scratch, code,
                               r->err);
    }
  compile_scratch_free (&scratch);
  validate_scratch_free (&quick);
  if (!m->lazy)
    m->code_bytes = NULL;
  return rc;
}

static int section_data (reader *r, wasm_module *m)
{
  uint32_t n;
  if (read_u32 (r, &n) < 0)
    return -1;
  if (m->has_data_count && n != m->ndatas)
    return MALFORMED (r, "data count and data section have inconsistent lengths");
  if (n > (size_t) (r->end - r->p))
    return MALFORMED (r, "unexpected end");
  m->datas = realloc (m->datas, (n + 1) * sizeof *m->datas);
  memset (m->datas, 0, (n + 1) * sizeof *m->datas);
  m->ndatas = n;
  for (uint32_t i = 0; i < n; i++)
    {
      data_seg *s = &m->datas[i];
      uint32_t flags;
      if (read_u32 (r, &flags) < 0)
        return -1;
      if (flags > 2)
        return MALFORMED (r, "malformed data segment kind");
      s->mode = flags == 1 ? SEG_PASSIVE : SEG_ACTIVE;
      if (flags == 2 && read_u32 (r, &s->memory) < 0)
        return -1;
      if (s->mode == SEG_ACTIVE)
        {
          if (s->memory >= m->nmems)
            return INVALID (r, "unknown memory %u", s->memory);
          if (read_const_expr (r, m, WASM_I32, m->nimported_globals, &s->offset) < 0)
            return -1;
        }
      const uint8_t *b;
      if (read_u32 (r, &s->len) < 0)
        return -1;
      if (read_bytes (r, s->len, &b) < 0)
        return MALFORMED (r, "unexpected end of section or function");
      s->bytes = malloc (s->len + 1);
      memcpy (s->bytes, b, s->len);
    }
  return 0;
}

#define CODE_CHUNK_BYTES ((size_t) 4 << 20)

uint32_t *module_code_alloc (wasm_module *m, size_t n)
{
  code_chunk *c = m->code_chunks;
  if (!c || c->cap - c->used < n)
    {
      size_t bytes = sizeof *c + n * sizeof (uint32_t);
      bytes = bytes < CODE_CHUNK_BYTES ? CODE_CHUNK_BYTES : (bytes + 4095) & ~(size_t) 4095;
      c = mmap (NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (c == MAP_FAILED)
        return NULL;
      /* Huge pages where the host allows them: far fewer page faults while translating. */
      madvise (c, bytes, MADV_HUGEPAGE);
      c->cap = (bytes - sizeof *c) / sizeof (uint32_t);
      c->used = 0;
      c->next = m->code_chunks;
      m->code_chunks = c;
    }
  uint32_t *p = c->words + c->used;
  c->used += n;
  return p;
}

void module_free_contents (wasm_module *m)
{
  for (uint32_t i = 0; i < m->ntypes; i++)
    {
      free (m->types[i].params);
      free (m->types[i].results);
    }
  free (m->types);
  for (uint32_t i = 0; i < m->nimports; i++)
    {
      free (m->imports[i].module);
      free (m->imports[i].name);
    }
  free (m->imports);
  free (m->func_type);
  free (m->codes);
  if (m->lazy && m->code_bytes)
    munmap (m->code_bytes, m->code_bytes_len);
  if (m->translate_scratch)
    compile_scratch_free (m->translate_scratch);
  free (m->translate_scratch);
  for (code_chunk *c = m->code_chunks, *next; c; c = next)
    {
      next = c->next;
      munmap (c, sizeof *c + c->cap * sizeof (uint32_t));
    }
  free (m->tables);
  free (m->mems);
  free (m->globals);
  free (m->global_init);
  for (uint32_t i = 0; i < m->nexports; i++)
    free (m->exports[i].name);
  free (m->exports);
  for (uint32_t i = 0; i < m->nelems; i++)
    free (m->elems[i].items);
  free (m->elems);
  for (uint32_t i = 0; m->datas && i < m->ndatas; i++)
    free (m->datas[i].bytes);
  free (m->datas);
  free (m->func_declared);
  module_free_names (m);
  jit_module_free (m);
}

/* Look ahead over the section headers after the code section for a data section. */
static bool data_section_follows (const reader *r)
{
  reader ahead = *r;
  wasm_error quiet = { 0 };
  ahead.err = &quiet;
  while (ahead.p < ahead.end)
    {
      uint8_t id;
      uint32_t size;
      if (read_u8 (&ahead, &id) < 0 || read_u32 (&ahead, &size) < 0 || size > (size_t) (ahead.end - ahead.p))
        return false;
      if (id == 11)
        return true;
      ahead.p += size;
    }
  return false;
}

/* Canonical section order; the data count section (12) sits between elements and code. */
static int section_rank (uint8_t id)
{
  static const int rank[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
  return rank[id];
}

int module_decode (wasm_module *m, const uint8_t *bytes, size_t len, wasm_error *err)
{
  reader r = { bytes, bytes + len, bytes, err };
  const uint8_t *magic;
  m->start = -1;
  if (len < 4 || memcmp (bytes, "\0asm", 4) != 0)
    return MALFORMED (&r, "magic header not detected");
  r.p += 4;
  if (read_bytes (&r, 4, &magic) < 0 || memcmp (magic, "\1\0\0\0", 4) != 0)
    return MALFORMED (&r, "unknown binary version");
  int last_rank = 0;
  bool imports_done = false;
  uint32_t ncodes = 0;
  bool saw_code = false;
  while (r.p < r.end)
    {
      uint8_t id;
      uint32_t size;
      if (read_u8 (&r, &id) < 0)
        return -1;
      if (id > 12)
        {
          r.p--;
          return MALFORMED (&r, "malformed section id");
        }
      if (read_u32 (&r, &size) < 0)
        return -1;
      if (size > (size_t) (r.end - r.p))
        return MALFORMED (&r, "section size mismatch (unexpected end)");
      reader s = { r.p, r.p + size, bytes, err };
      r.p += size;
      if (id != 0)
        {
          if (section_rank (id) <= last_rank)
            return MALFORMED (&s, "unexpected content after last section (section out of order)");
          last_rank = section_rank (id);
        }
      if (id > 2 && !imports_done)
        {
          index_spaces_from_imports (m);
          imports_done = true;
        }
      if (id > 3 && !m->func_declared)
        m->func_declared = calloc (m->nfuncs + 1, 1);
      int rc = 0;
      switch (id)
        {
        case 0: {
          char *name;
          rc = read_name (&s, &name);
          if (rc == 0)
            {
              if (strcmp (name, "name") == 0 && !m->name && !m->func_names)
                module_read_names (m, s.p, s.end);
              free (name);
              s.p = s.end;
            }
          break;
        }
        case 1: rc = section_types (&s, m); break;
        case 2: rc = section_imports (&s, m); break;
        case 3: rc = section_functions (&s, m); break;
        case 4: rc = section_tables (&s, m); break;
        case 5: rc = section_memories (&s, m); break;
        case 6: rc = section_globals (&s, m); break;
        case 7: rc = section_exports (&s, m); break;
        case 8: rc = section_start (&s, m); break;
        case 9: rc = section_elements (&s, m); break;
        case 10:
          m->has_data_section = data_section_follows (&r);
          m->codes = calloc (m->nfuncs - m->nimported_funcs + 1, sizeof *m->codes);
          saw_code = true;
          rc = section_code (&s, m, &ncodes);
          break;
        case 11: rc = section_data (&s, m); break;
        case 12:
          rc = read_u32 (&s, &m->ndatas);
          m->has_data_count = true;
          break;
        }
      if (rc < 0)
        return -1;
      if (s.p != s.end)
        return MALFORMED (&s, "section size mismatch");
    }
  if (!imports_done)
    index_spaces_from_imports (m);
  if (!m->func_declared)
    m->func_declared = calloc (m->nfuncs + 1, 1);
  if (!saw_code && m->nfuncs != m->nimported_funcs)
    return MALFORMED (&r, "function and code section have inconsistent lengths");
  if (m->has_data_count && !m->datas && m->ndatas != 0)
    return MALFORMED (&r, "data count and data section have inconsistent lengths");
  return 0;
}
