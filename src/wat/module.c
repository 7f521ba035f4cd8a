/* Module fields. Pass 1 (collect) records every $name and explicit type so that references
 * may point forward; pass 2 (parse) reads each field fully and appends to the sections.
 * Both passes walk the fields in the same order, so indices agree. */
#include "wat/parser.h"

#include <string.h>

static const char *const kind_names[] = { "func", "table", "memory", "global" };

static int field_kind (const wat_token *t)
{
  for (int k = SPACE_FUNC; k <= SPACE_GLOBAL; k++)
    if (wat_is_atom (t, kind_names[k]))
      return k;
  return -1;
}

/* Pass 1 for "(func|table|memory|global $id? (export ..)* (import ..)? ...)". Returns
 * whether it is an import; for tables and memories also notes inline elem/data segments. */
static int collect_entity (wat_parser *p, wat_space space)
{
  wat_names_add (p, space, wat_opt_id (p));
  while (wat_peek_form (p, "export"))
    wat_skip_form (p);
  int imported = wat_peek_form (p, "import");
  while (wat_peek (p)->kind != TOK_RPAREN && wat_peek (p)->kind != TOK_EOF)
    {
      if (!imported && space == SPACE_TABLE && wat_peek_form (p, "elem"))
        wat_names_add (p, SPACE_ELEM, NULL);
      if (!imported && space == SPACE_MEMORY && wat_peek_form (p, "data"))
        wat_names_add (p, SPACE_DATA, NULL);
      if (wat_peek (p)->kind == TOK_LPAREN)
        wat_skip_form (p);
      else
        wat_next (p);
    }
  return imported;
}

static void collect_type (wat_parser *p)
{
  wat_names_add (p, SPACE_TYPE, wat_opt_id (p));
  wat_expect_lparen (p);
  wat_expect_atom (p, "func");
  p->sig.params.len = p->sig.results.len = 0;
  wat_parse_signature (p, &p->sig, 1, 0);
  wat_type_add (p, &p->sig);
  wat_expect_rparen (p);
  wat_expect_rparen (p);
}

void wat_collect_fields (wat_parser *p, size_t start)
{
  int saw_definition = 0;
  p->pos = start;
  while (wat_peek (p)->kind == TOK_LPAREN)
    {
      size_t field_start = p->pos;
      wat_next (p);
      const wat_token *kw = wat_next (p);
      int kind = field_kind (kw);
      int imported = 0;
      if (wat_is_atom (kw, "type"))
        collect_type (p);
      else if (wat_is_atom (kw, "import"))
        {
          imported = 1;
          for (int i = 0; i < 2; i++)
            if (wat_next (p)->kind != TOK_STRING)
              wat_fail (p, wat_peek_at (p, -1), "unexpected token, expected a string");
          wat_expect_lparen (p);
          const wat_token *desc = wat_next (p);
          kind = field_kind (desc);
          if (kind < 0)
            wat_fail (p, desc, "unexpected token, expected an import kind");
          wat_names_add (p, kind, wat_opt_id (p));
        }
      else if (kind >= 0)
        imported = collect_entity (p, kind);
      else if (wat_is_atom (kw, "elem"))
        wat_names_add (p, SPACE_ELEM, wat_opt_id (p));
      else if (wat_is_atom (kw, "data"))
        wat_names_add (p, SPACE_DATA, wat_opt_id (p));
      else if (!wat_is_atom (kw, "export") && !wat_is_atom (kw, "start"))
        wat_fail (p, kw, "unexpected token %.*s, expected a module field", (int) kw->len, kw->start);
      if (imported && saw_definition)
        wat_fail (p, kw, "import after a function, table, memory or global definition");
      if (kind >= 0 && !imported)
        saw_definition = 1;
      p->pos = field_start;
      wat_skip_form (p);
    }
}

/* "(export "name")*" abbreviations on an entity with this kind and index. */
static void parse_inline_exports (wat_parser *p, wat_space kind, uint32_t index)
{
  while (wat_peek_form (p, "export"))
    {
      p->pos += 2;
      wat_parse_name (p, &p->exports.bytes);
      bytes_byte (&p->exports.bytes, (uint8_t) kind);
      bytes_u32 (&p->exports.bytes, index);
      p->exports.count++;
      wat_expect_rparen (p);
    }
}

/* "(import "m" "n")" abbreviation: writes the module and field names of an import entry. */
static int parse_inline_import (wat_parser *p)
{
  if (!wat_peek_form (p, "import"))
    return 0;
  p->pos += 2;
  wat_parse_name (p, &p->imports.bytes);
  wat_parse_name (p, &p->imports.bytes);
  wat_expect_rparen (p);
  return 1;
}

static void parse_table_type (wat_parser *p, wat_bytes *out)
{
  wat_bytes *limits = wat_scratch_take (p);
  wat_parse_limits (p, limits);
  bytes_byte (out, wat_parse_reftype (p));
  bytes_put (out, limits->data, limits->len);
  wat_scratch_release (p, limits);
}

static void parse_global_type (wat_parser *p, wat_bytes *out)
{
  if (wat_peek_form (p, "mut"))
    {
      p->pos += 2;
      bytes_byte (out, wat_parse_valtype (p));
      bytes_byte (out, 0x01);
      wat_expect_rparen (p);
    }
  else
    {
      bytes_byte (out, wat_parse_valtype (p));
      bytes_byte (out, 0x00);
    }
}

/* An import's description after "(kind $id?": the type part of the entry. */
static void parse_import_desc (wat_parser *p, wat_space kind, wat_bytes *out)
{
  bytes_byte (out, (uint8_t) kind);
  switch (kind)
    {
    case SPACE_FUNC:
      {
        int explicit_type;
        bytes_u32 (out, wat_parse_typeuse (p, 1, 0, &explicit_type));
        break;
      }
    case SPACE_TABLE:
      parse_table_type (p, out);
      break;
    case SPACE_MEMORY:
      wat_parse_limits (p, out);
      break;
    default:
      parse_global_type (p, out);
      break;
    }
  p->imports.count++;
}

static void parse_import (wat_parser *p)
{
  wat_parse_name (p, &p->imports.bytes);
  wat_parse_name (p, &p->imports.bytes);
  wat_expect_lparen (p);
  int kind = field_kind (wat_next (p));
  wat_opt_id (p);
  parse_import_desc (p, kind, &p->imports.bytes);
  p->defined[kind]++;
  wat_expect_rparen (p);
}

/* Locals are written as runs of equal types. */
static void encode_locals (const wat_bytes *types, size_t first, wat_bytes *out)
{
  uint32_t runs = 0;
  wat_bytes body = { 0 };
  for (size_t i = first; i < types->len;)
    {
      size_t j = i;
      while (j < types->len && types->data[j] == types->data[i])
        j++;
      bytes_u32 (&body, (uint32_t) (j - i));
      bytes_byte (&body, types->data[i]);
      runs++;
      i = j;
    }
  bytes_u32 (out, runs);
  bytes_put (out, body.data, body.len);
  bytes_free (&body);
}

static void parse_func (wat_parser *p)
{
  uint32_t index = p->defined[SPACE_FUNC]++;
  wat_opt_id (p);
  parse_inline_exports (p, SPACE_FUNC, index);
  if (parse_inline_import (p))
    {
      parse_import_desc (p, SPACE_FUNC, &p->imports.bytes);
      return;
    }
  wat_names_reset (&p->spaces[SPACE_LOCAL]);
  p->local_types.len = 0;
  p->nlabels = 0;
  int explicit_type;
  bytes_u32 (&p->funcs.bytes, wat_parse_typeuse (p, 1, 1, &explicit_type));
  p->funcs.count++;
  size_t nparams = p->sig.params.len;
  while (wat_peek_form (p, "local"))
    {
      p->pos += 2;
      const wat_token *id = wat_opt_id (p);
      if (id)
        {
          wat_names_add (p, SPACE_LOCAL, id);
          bytes_byte (&p->local_types, wat_parse_valtype (p));
        }
      else
        while (wat_peek (p)->kind != TOK_RPAREN)
          {
            wat_names_add (p, SPACE_LOCAL, NULL);
            bytes_byte (&p->local_types, wat_parse_valtype (p));
          }
      wat_expect_rparen (p);
    }
  wat_bytes *body = wat_scratch_take (p);
  encode_locals (&p->local_types, nparams, body);
  wat_parse_instrs (p, body);
  bytes_byte (body, 0x0b);
  bytes_vec (&p->code.bytes, body);
  wat_scratch_release (p, body);
  p->code.count++;
}

static void parse_elem_funcs (wat_parser *p, wat_bytes *items, uint32_t *count)
{
  while (wat_peek (p)->kind == TOK_ATOM)
    {
      bytes_u32 (items, wat_parse_index (p, SPACE_FUNC));
      (*count)++;
    }
}

/* Expression items. wat2wasm writes plain function indices when every item of a funcref
 * segment is a single ref.func, so *as_exprs says which encoding the items got. */
static void parse_elem_exprs (wat_parser *p, wat_bytes *items, uint32_t *count,
                              uint8_t reftype, int *as_exprs)
{
  wat_bytes *exprs = wat_scratch_take (p), *funcs = wat_scratch_take (p);
  int all_ref_func = reftype == 0x70;
  while (wat_peek (p)->kind == TOK_LPAREN)
    {
      size_t before = exprs->len;
      wat_parse_const_form (p, exprs, "item");
      const uint8_t *e = exprs->data + before;
      size_t n = exprs->len - before, k = 1;
      /* ref.func x end: the index LEB sits between the opcode and the end. */
      while (k < n && (e[k] & 0x80))
        k++;
      if (all_ref_func && n >= 3 && e[0] == 0xd2 && k == n - 2)
        bytes_put (funcs, e + 1, n - 2);
      else
        all_ref_func = 0;
      (*count)++;
    }
  *as_exprs = !all_ref_func;
  if (all_ref_func)
    bytes_put (items, funcs->data, funcs->len);
  else
    bytes_put (items, exprs->data, exprs->len);
  wat_scratch_release (p, funcs);
  wat_scratch_release (p, exprs);
}

/* "func x*" or "reftype item*". */
static void parse_elem_list (wat_parser *p, wat_bytes *items, uint32_t *count,
                             uint8_t *reftype, int *as_exprs)
{
  *count = 0;
  *reftype = 0x70;
  *as_exprs = 0;
  if (wat_is_atom (wat_peek (p), "func"))
    {
      wat_next (p);
      parse_elem_funcs (p, items, count);
      return;
    }
  *reftype = wat_parse_reftype (p);
  parse_elem_exprs (p, items, count, *reftype, as_exprs);
}

/* Writes one element segment in the smallest of the eight binary encodings. mode: 0 active,
 * 1 passive, 3 declared. */
static void emit_elem (wat_parser *p, int mode, uint32_t table, const wat_bytes *offset,
                       const wat_bytes *items, uint32_t count, uint8_t reftype, int as_exprs)
{
  wat_bytes *out = &p->elems.bytes;
  uint32_t flags = (uint32_t) mode | (as_exprs ? 4 : 0);
  /* The short active encodings imply table 0 and funcref. */
  if (mode == 0 && (table != 0 || reftype != 0x70))
    flags |= 2;
  bytes_u32 (out, flags);
  if (flags & 2 && mode == 0)
    bytes_u32 (out, table);
  if (mode == 0)
    bytes_put (out, offset->data, offset->len);
  if (flags & 3)
    bytes_byte (out, as_exprs ? reftype : 0x00);
  bytes_u32 (out, count);
  bytes_put (out, items->data, items->len);
  p->elems.count++;
}

static void parse_table (wat_parser *p)
{
  uint32_t index = p->defined[SPACE_TABLE]++;
  wat_opt_id (p);
  parse_inline_exports (p, SPACE_TABLE, index);
  if (parse_inline_import (p))
    {
      parse_import_desc (p, SPACE_TABLE, &p->imports.bytes);
      return;
    }
  const wat_token *t = wat_peek (p);
  if (wat_is_atom (t, "funcref") || wat_is_atom (t, "externref"))
    {
      /* "(table reftype (elem ...))": a table exactly as large as its inline segment. */
      uint8_t table_type = wat_parse_reftype (p);
      wat_expect_lparen (p);
      wat_expect_atom (p, "elem");
      wat_bytes *items = wat_scratch_take (p);
      uint32_t count = 0;
      int as_exprs = 0;
      if (wat_peek (p)->kind == TOK_ATOM)
        parse_elem_funcs (p, items, &count);
      else
        parse_elem_exprs (p, items, &count, table_type, &as_exprs);
      wat_expect_rparen (p);
      bytes_byte (&p->tables.bytes, table_type);
      bytes_byte (&p->tables.bytes, 0x01);
      bytes_u32 (&p->tables.bytes, count);
      bytes_u32 (&p->tables.bytes, count);
      p->tables.count++;
      wat_bytes *offset = wat_scratch_take (p);
      bytes_byte (offset, 0x41);
      bytes_byte (offset, 0x00);
      bytes_byte (offset, 0x0b);
      emit_elem (p, 0, index, offset, items, count, table_type, as_exprs);
      p->defined[SPACE_ELEM]++;
      wat_scratch_release (p, offset);
      wat_scratch_release (p, items);
      return;
    }
  parse_table_type (p, &p->tables.bytes);
  p->tables.count++;
}

static void parse_memory (wat_parser *p)
{
  uint32_t index = p->defined[SPACE_MEMORY]++;
  wat_opt_id (p);
  parse_inline_exports (p, SPACE_MEMORY, index);
  if (parse_inline_import (p))
    {
      parse_import_desc (p, SPACE_MEMORY, &p->imports.bytes);
      return;
    }
  if (wat_peek_form (p, "data"))
    {
      /* "(memory (data ...))": a memory exactly as large as its inline segment. */
      p->pos += 2;
      wat_bytes *init = wat_scratch_take (p);
      while (wat_peek (p)->kind == TOK_STRING)
        wat_parse_string_bytes (p, init);
      wat_expect_rparen (p);
      uint32_t pages = (uint32_t) ((init->len + 65535) / 65536);
      bytes_byte (&p->memories.bytes, 0x01);
      bytes_u32 (&p->memories.bytes, pages);
      bytes_u32 (&p->memories.bytes, pages);
      p->memories.count++;
      wat_bytes *out = &p->datas.bytes;
      if (index == 0)
        bytes_byte (out, 0x00);
      else
        {
          bytes_byte (out, 0x02);
          bytes_u32 (out, index);
        }
      bytes_byte (out, 0x41);
      bytes_byte (out, 0x00);
      bytes_byte (out, 0x0b);
      bytes_vec (out, init);
      wat_scratch_release (p, init);
      p->datas.count++;
      p->defined[SPACE_DATA]++;
      return;
    }
  wat_parse_limits (p, &p->memories.bytes);
  p->memories.count++;
}

static void parse_global (wat_parser *p)
{
  uint32_t index = p->defined[SPACE_GLOBAL]++;
  wat_opt_id (p);
  parse_inline_exports (p, SPACE_GLOBAL, index);
  if (parse_inline_import (p))
    {
      parse_import_desc (p, SPACE_GLOBAL, &p->imports.bytes);
      return;
    }
  parse_global_type (p, &p->globals.bytes);
  wat_parse_instrs (p, &p->globals.bytes);
  bytes_byte (&p->globals.bytes, 0x0b);
  p->globals.count++;
}

static void parse_export (wat_parser *p)
{
  wat_parse_name (p, &p->exports.bytes);
  wat_expect_lparen (p);
  const wat_token *kw = wat_next (p);
  int kind = field_kind (kw);
  if (kind < 0)
    wat_fail (p, kw, "unexpected token, expected an export kind");
  bytes_byte (&p->exports.bytes, (uint8_t) kind);
  bytes_u32 (&p->exports.bytes, wat_parse_index (p, kind));
  wat_expect_rparen (p);
  p->exports.count++;
}

static void parse_start (wat_parser *p, const wat_token *kw)
{
  if (p->has_start)
    wat_fail (p, kw, "multiple start sections");
  p->has_start = 1;
  p->start = wat_parse_index (p, SPACE_FUNC);
}

/* An active segment's "(offset ...)" or single folded instruction, into offset. */
static void parse_offset (wat_parser *p, wat_bytes *offset)
{
  if (wat_peek (p)->kind != TOK_LPAREN)
    wat_fail (p, wat_peek (p), "unexpected token, expected an offset expression");
  wat_parse_const_form (p, offset, "offset");
}

static void parse_elem (wat_parser *p)
{
  p->defined[SPACE_ELEM]++;
  wat_opt_id (p);
  int mode = 1;
  uint32_t table = 0;
  wat_bytes *offset = wat_scratch_take (p), *items = wat_scratch_take (p);
  if (wat_is_atom (wat_peek (p), "declare"))
    {
      wat_next (p);
      mode = 3;
    }
  else if (wat_peek_form (p, "table"))
    {
      p->pos += 2;
      table = wat_parse_index (p, SPACE_TABLE);
      wat_expect_rparen (p);
      mode = 0;
    }
  else if (wat_peek (p)->kind == TOK_LPAREN
           || (wat_peek (p)->kind == TOK_ATOM && wat_is_number (wat_peek (p))))
    {
      /* "(elem 1 (offset ...))": the table index without "(table ...)". */
      if (wat_peek (p)->kind == TOK_ATOM)
        table = wat_parse_index (p, SPACE_TABLE);
      mode = 0;
    }
  if (mode == 0)
    parse_offset (p, offset);
  uint32_t count = 0;
  uint8_t reftype = 0x70;
  int as_exprs = 0;
  const wat_token *t = wat_peek (p);
  /* Bare function indices: the legacy active form, and (like wat2wasm) an empty list. */
  if (t->kind == TOK_RPAREN || (mode == 0 && (wat_is_id (t) || wat_is_number (t))))
    parse_elem_funcs (p, items, &count);
  else
    parse_elem_list (p, items, &count, &reftype, &as_exprs);
  emit_elem (p, mode, table, offset, items, count, reftype, as_exprs);
  wat_scratch_release (p, items);
  wat_scratch_release (p, offset);
}

static void parse_data (wat_parser *p)
{
  p->defined[SPACE_DATA]++;
  wat_opt_id (p);
  wat_bytes *out = &p->datas.bytes;
  int active = 1;
  uint32_t memory = 0;
  if (wat_peek_form (p, "memory"))
    {
      p->pos += 2;
      memory = wat_parse_index (p, SPACE_MEMORY);
      wat_expect_rparen (p);
    }
  else if (wat_peek (p)->kind == TOK_ATOM && (wat_is_number (wat_peek (p)) || wat_is_id (wat_peek (p))))
    memory = wat_parse_index (p, SPACE_MEMORY);
  else if (wat_peek (p)->kind != TOK_LPAREN)
    active = 0;
  if (!active)
    bytes_byte (out, 0x01);
  else if (memory == 0)
    bytes_byte (out, 0x00);
  else
    {
      bytes_byte (out, 0x02);
      bytes_u32 (out, memory);
    }
  if (active)
    parse_offset (p, out);
  wat_bytes *init = wat_scratch_take (p);
  while (wat_peek (p)->kind == TOK_STRING)
    wat_parse_string_bytes (p, init);
  bytes_vec (out, init);
  wat_scratch_release (p, init);
  p->datas.count++;
}

void wat_parse_fields (wat_parser *p, size_t start)
{
  p->pos = start;
  while (wat_peek (p)->kind == TOK_LPAREN)
    {
      wat_next (p);
      const wat_token *kw = wat_next (p);
      if (wat_is_atom (kw, "type"))
        {
          /* Already parsed in pass 1. */
          p->pos -= 2;
          wat_skip_form (p);
          continue;
        }
      if (wat_is_atom (kw, "import"))
        parse_import (p);
      else if (wat_is_atom (kw, "func"))
        parse_func (p);
      else if (wat_is_atom (kw, "table"))
        parse_table (p);
      else if (wat_is_atom (kw, "memory"))
        parse_memory (p);
      else if (wat_is_atom (kw, "global"))
        parse_global (p);
      else if (wat_is_atom (kw, "export"))
        parse_export (p);
      else if (wat_is_atom (kw, "start"))
        parse_start (p, kw);
      else if (wat_is_atom (kw, "elem"))
        parse_elem (p);
      else
        parse_data (p);
      wat_expect_rparen (p);
    }
}
