/* Pass 2 over the module fields: reads each field fully and appends its entries to the
 * sections (imports, functions and code, tables, memories, globals, exports, start).
 * Segments are in segments.c; pass 1 in collect.c. */
#include "wat/parser.h"

#include <string.h>

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
        bytes_u32 (out, wat_parse_typeuse (p, 1, 0, NULL));
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
  int kind = wat_field_kind (wat_next (p));
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
  bytes_u32 (&p->funcs.bytes, wat_parse_typeuse (p, 1, 1, NULL));
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
  /* Locals are not in scope in the constant expressions of later fields. */
  wat_names_reset (&p->spaces[SPACE_LOCAL]);
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
        wat_parse_elem_funcs (p, items, &count);
      else
        wat_parse_elem_exprs (p, items, &count, table_type, &as_exprs);
      wat_expect_rparen (p);
      bytes_byte (&p->tables.bytes, table_type);
      bytes_byte (&p->tables.bytes, 0x01);
      bytes_u32 (&p->tables.bytes, count);
      bytes_u32 (&p->tables.bytes, count);
      p->tables.count++;
      wat_emit_elem (p, 0, index, &wat_offset_zero, items, count, table_type, as_exprs);
      p->defined[SPACE_ELEM]++;
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
      wat_emit_data (p, 1, index, &wat_offset_zero, init);
      wat_scratch_release (p, init);
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
  int kind = wat_field_kind (kw);
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
        wat_parse_elem (p);
      else
        wat_parse_data (p);
      wat_expect_rparen (p);
    }
}
