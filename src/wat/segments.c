/* Element and data segments: the (elem ...) and (data ...) fields in their active, passive
 * and declarative forms, and the binary encodings they share with the inline segments of
 * (table ... (elem ...)) and (memory (data ...)). */
#include "wat/parser.h"

/* "i32.const 0 end": the offset of inline segments. */
static uint8_t offset_zero_code[] = { 0x41, 0x00, 0x0b };
const wat_bytes wat_offset_zero = { offset_zero_code, sizeof offset_zero_code,
                                    sizeof offset_zero_code };

void wat_parse_elem_funcs (wat_parser *p, wat_bytes *items, uint32_t *count)
{
  while (wat_peek (p)->kind == TOK_ATOM)
    {
      bytes_u32 (items, wat_parse_index (p, SPACE_FUNC));
      (*count)++;
    }
}

/* Expression items. wat2wasm writes plain function indices when every item of a funcref
 * segment is a single ref.func, so *as_exprs says which encoding the items got. */
void wat_parse_elem_exprs (wat_parser *p, wat_bytes *items, uint32_t *count,
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
      wat_parse_elem_funcs (p, items, count);
      return;
    }
  *reftype = wat_parse_reftype (p);
  wat_parse_elem_exprs (p, items, count, *reftype, as_exprs);
}

/* Writes one element segment in the smallest of the eight binary encodings. */
void wat_emit_elem (wat_parser *p, int mode, uint32_t table, const wat_bytes *offset,
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

static void parse_offset (wat_parser *p, wat_bytes *offset)
{
  if (wat_peek (p)->kind != TOK_LPAREN)
    wat_fail (p, wat_peek (p), "unexpected token, expected an offset expression");
  wat_parse_const_form (p, offset, "offset");
}

void wat_parse_elem (wat_parser *p)
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
    wat_parse_elem_funcs (p, items, &count);
  else
    parse_elem_list (p, items, &count, &reftype, &as_exprs);
  wat_emit_elem (p, mode, table, offset, items, count, reftype, as_exprs);
  wat_scratch_release (p, items);
  wat_scratch_release (p, offset);
}

void wat_emit_data (wat_parser *p, int active, uint32_t memory, const wat_bytes *offset,
                    const wat_bytes *init)
{
  wat_bytes *out = &p->datas.bytes;
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
    bytes_put (out, offset->data, offset->len);
  bytes_vec (out, init);
  p->datas.count++;
}

void wat_parse_data (wat_parser *p)
{
  p->defined[SPACE_DATA]++;
  wat_opt_id (p);
  int active = 1;
  uint32_t memory = 0;
  if (wat_peek_form (p, "memory"))
    {
      p->pos += 2;
      memory = wat_parse_index (p, SPACE_MEMORY);
      wat_expect_rparen (p);
    }
  else if (wat_is_number (wat_peek (p)) || wat_is_id (wat_peek (p)))
    memory = wat_parse_index (p, SPACE_MEMORY); /* "(data 0 (offset ...))": bare index */
  else if (wat_peek (p)->kind != TOK_LPAREN)
    active = 0;
  wat_bytes *offset = wat_scratch_take (p), *init = wat_scratch_take (p);
  if (active)
    parse_offset (p, offset);
  while (wat_peek (p)->kind == TOK_STRING)
    wat_parse_string_bytes (p, init);
  wat_emit_data (p, active, memory, offset, init);
  wat_scratch_release (p, init);
  wat_scratch_release (p, offset);
}
