/* Instructions: flat ("block ... end") and folded ("(i32.add (x) (y))") forms, their
 * immediates, block types and label resolution. */
#include "wat/parser.h"

#include <stdlib.h>
#include <string.h>

#include "wat/numbers.h"
#include "wat/opcodes.h"

static void push_label (wat_parser *p, const wat_token *id)
{
  if (p->nlabels == p->labels_cap)
    {
      uint32_t cap = p->labels_cap ? p->labels_cap * 2 : 16;
      const wat_token **labels = realloc (p->labels, cap * sizeof *labels);
      if (!labels)
        wat_fail (p, wat_peek (p), "out of memory");
      p->labels = labels;
      p->labels_cap = cap;
    }
  p->labels[p->nlabels++] = id;
}

static uint32_t parse_label (wat_parser *p)
{
  const wat_token *t = wat_next (p);
  if (wat_is_id (t))
    {
      for (uint32_t i = p->nlabels; i-- > 0;)
        if (p->labels[i] && p->labels[i]->len == t->len
            && memcmp (p->labels[i]->start, t->start, t->len) == 0)
          return p->nlabels - 1 - i;
      wat_fail (p, t, "unknown label %.*s", (int) t->len, t->start);
    }
  return wat_token_u32 (p, t);
}

/* "end $l" / "else $l": the label, if repeated, must be the block's own. */
static void check_closing_label (wat_parser *p, const wat_token *label)
{
  const wat_token *id = wat_opt_id (p);
  if (id && (!label || label->len != id->len || memcmp (label->start, id->start, id->len) != 0))
    wat_fail (p, id, "mismatching label %.*s", (int) id->len, id->start);
}

static void parse_block_type (wat_parser *p, wat_bytes *out)
{
  const wat_functype *sig = &p->sig;
  int explicit_type = 0;
  uint32_t index = 0;
  if (wat_peek_form (p, "type"))
    index = wat_parse_typeuse (p, 0, 0, &explicit_type);
  else
    {
      p->sig.params.len = p->sig.results.len = 0;
      wat_parse_signature (p, &p->sig, 0, 0);
    }
  /* Like wat2wasm: a signature without params and with at most one result is written
   * inline, even when it came from a (type x). */
  if (sig->params.len == 0 && sig->results.len <= 1)
    bytes_byte (out, sig->results.len ? sig->results.data[0] : 0x40);
  else
    bytes_s64 (out, explicit_type ? index : wat_type_find_or_add (p, sig));
}

static int peek_index (wat_parser *p)
{
  const wat_token *t = wat_peek (p);
  return wat_is_id (t) || (t->kind == TOK_ATOM && t->start[0] >= '0' && t->start[0] <= '9');
}

static void parse_memarg (wat_parser *p, wat_bytes *out, uint8_t natural_align)
{
  uint64_t offset = 0, align = 1u << natural_align;
  const wat_token *t = wat_peek (p);
  if (t->kind == TOK_ATOM && t->len > 7 && memcmp (t->start, "offset=", 7) == 0)
    {
      wat_next (p);
      int rc = wat_parse_uint (t->start + 7, t->len - 7, UINT32_MAX, &offset);
      if (rc == NUM_OUT_OF_RANGE)
        wat_fail (p, t, "offset out of range");
      if (rc != NUM_OK)
        wat_fail (p, t, "unexpected token %.*s", (int) t->len, t->start);
      t = wat_peek (p);
    }
  if (t->kind == TOK_ATOM && t->len > 6 && memcmp (t->start, "align=", 6) == 0)
    {
      wat_next (p);
      int rc = wat_parse_uint (t->start + 6, t->len - 6, UINT32_MAX, &align);
      if (rc == NUM_OUT_OF_RANGE)
        wat_fail (p, t, "alignment out of range");
      if (rc != NUM_OK)
        wat_fail (p, t, "unexpected token %.*s", (int) t->len, t->start);
      if (align == 0 || (align & (align - 1)) != 0)
        wat_fail (p, t, "alignment must be a power of two");
    }
  uint32_t log2 = 0;
  while ((UINT64_C (1) << log2) < align)
    log2++;
  bytes_u32 (out, log2);
  bytes_u32 (out, (uint32_t) offset);
}

static void parse_lane (wat_parser *p, wat_bytes *out)
{
  const wat_token *t = wat_next (p);
  uint64_t v;
  int rc = t->kind == TOK_ATOM ? wat_parse_uint (t->start, t->len, 255, &v) : NUM_MALFORMED;
  if (rc == NUM_OUT_OF_RANGE)
    wat_fail (p, t, "lane index out of range");
  if (rc != NUM_OK)
    wat_fail (p, t, "unexpected token, expected a lane index");
  bytes_byte (out, (uint8_t) v);
}

static void put_le (wat_bytes *out, uint64_t v, int nbytes)
{
  for (int i = 0; i < nbytes; i++)
    bytes_byte (out, (uint8_t) (v >> (8 * i)));
}

/* One number of the given kind ('i' integer of bits, 'f' float of bits) as little-endian
 * bytes; `leb` writes integers as signed LEB128 instead (i32/i64.const). */
static void parse_number (wat_parser *p, wat_bytes *out, char kind, int bits, int leb)
{
  const wat_token *t = wat_next (p);
  uint64_t v = 0;
  int rc = NUM_MALFORMED;
  if (t->kind == TOK_ATOM)
    {
      if (kind == 'i')
        rc = wat_parse_int (t->start, t->len, bits, &v);
      else if (bits == 32)
        {
          uint32_t b;
          rc = wat_parse_f32 (t->start, t->len, &b);
          v = b;
        }
      else
        rc = wat_parse_f64 (t->start, t->len, &v);
    }
  if (rc == NUM_OUT_OF_RANGE)
    wat_fail (p, t, "constant out of range");
  if (rc != NUM_OK)
    {
      if (t->kind == TOK_ATOM || t->kind == TOK_STRING)
        wat_fail (p, t, "unexpected token %.*s, expected a number", (int) t->len, t->start);
      wat_fail (p, t, "unexpected token, expected a number");
    }
  if (leb)
    bytes_s64 (out, bits == 32 ? (int64_t) (int32_t) v : (int64_t) v);
  else
    put_le (out, v, bits / 8);
}

static void parse_v128_const (wat_parser *p, wat_bytes *out)
{
  static const struct { const char *shape; char kind; int bits; } shapes[] = {
    { "i8x16", 'i', 8 }, { "i16x8", 'i', 16 }, { "i32x4", 'i', 32 }, { "i64x2", 'i', 64 },
    { "f32x4", 'f', 32 }, { "f64x2", 'f', 64 },
  };
  const wat_token *t = wat_next (p);
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    if (wat_is_atom (t, shapes[i].shape))
      {
        for (int lane = 0; lane < 128 / shapes[i].bits; lane++)
          parse_number (p, out, shapes[i].kind, shapes[i].bits, 0);
        return;
      }
  wat_fail (p, t, "unexpected token, expected a v128 shape");
}

/* The immediates of a non-block instruction; the opcode is already written. */
static void parse_immediates (wat_parser *p, const wat_opcode *op, wat_bytes *out)
{
  switch ((wat_imm) op->imm)
    {
    case IMM_NONE:
      break;
    case IMM_LABEL:
      bytes_u32 (out, parse_label (p));
      break;
    case IMM_BR_TABLE:
      {
        wat_bytes *targets = wat_scratch_take (p);
        uint32_t n = 0, last = 0;
        do
          {
            if (n++)
              bytes_u32 (targets, last);
            last = parse_label (p);
          }
        while (peek_index (p));
        bytes_u32 (out, n - 1);
        bytes_put (out, targets->data, targets->len);
        bytes_u32 (out, last);
        wat_scratch_release (p, targets);
        break;
      }
    case IMM_FUNC:
      bytes_u32 (out, wat_parse_index (p, SPACE_FUNC));
      break;
    case IMM_CALL_INDIRECT:
      {
        uint32_t table = peek_index (p) ? wat_parse_index (p, SPACE_TABLE) : 0;
        uint32_t type = wat_parse_typeuse (p, 0, 0, NULL);
        bytes_u32 (out, type);
        bytes_u32 (out, table);
        break;
      }
    case IMM_LOCAL:
      bytes_u32 (out, wat_parse_index (p, SPACE_LOCAL));
      break;
    case IMM_GLOBAL:
      bytes_u32 (out, wat_parse_index (p, SPACE_GLOBAL));
      break;
    case IMM_TABLE:
      bytes_u32 (out, peek_index (p) ? wat_parse_index (p, SPACE_TABLE) : 0);
      break;
    case IMM_MEMARG:
      parse_memarg (p, out, op->align);
      break;
    case IMM_MEMORY:
      bytes_byte (out, 0x00);
      break;
    case IMM_I32:
      parse_number (p, out, 'i', 32, 1);
      break;
    case IMM_I64:
      parse_number (p, out, 'i', 64, 1);
      break;
    case IMM_F32:
      parse_number (p, out, 'f', 32, 0);
      break;
    case IMM_F64:
      parse_number (p, out, 'f', 64, 0);
      break;
    case IMM_SELECT:
      if (wat_peek_form (p, "result"))
        {
          /* The typed form has its own opcode; wat2wasm keeps the plain one for an empty
           * "(result)". */
          wat_bytes *types = wat_scratch_take (p);
          uint32_t n = 0;
          while (wat_peek_form (p, "result"))
            {
              p->pos += 2;
              while (wat_peek (p)->kind != TOK_RPAREN)
                {
                  bytes_byte (types, wat_parse_valtype (p));
                  n++;
                }
              wat_expect_rparen (p);
            }
          if (n)
            {
              out->data[out->len - 1] = 0x1c; /* the select opcode just written */
              bytes_u32 (out, n);
              bytes_put (out, types->data, types->len);
            }
          wat_scratch_release (p, types);
        }
      break;
    case IMM_REF_NULL:
      bytes_byte (out, wat_parse_heaptype (p));
      break;
    case IMM_MEMORY_INIT:
      p->uses_data_count = 1;
      bytes_u32 (out, wat_parse_index (p, SPACE_DATA));
      bytes_byte (out, 0x00);
      break;
    case IMM_DATA:
      p->uses_data_count = 1;
      bytes_u32 (out, wat_parse_index (p, SPACE_DATA));
      break;
    case IMM_MEMORY_COPY:
      bytes_byte (out, 0x00);
      bytes_byte (out, 0x00);
      break;
    case IMM_TABLE_INIT:
      {
        const wat_token *first = wat_next (p);
        if (peek_index (p))
          {
            uint32_t table = wat_resolve (p, SPACE_TABLE, first);
            bytes_u32 (out, wat_parse_index (p, SPACE_ELEM));
            bytes_u32 (out, table);
          }
        else
          {
            bytes_u32 (out, wat_resolve (p, SPACE_ELEM, first));
            bytes_u32 (out, 0);
          }
        break;
      }
    case IMM_ELEM:
      bytes_u32 (out, wat_parse_index (p, SPACE_ELEM));
      break;
    case IMM_TABLE_COPY:
      if (peek_index (p))
        {
          bytes_u32 (out, wat_parse_index (p, SPACE_TABLE));
          bytes_u32 (out, wat_parse_index (p, SPACE_TABLE));
        }
      else
        {
          bytes_u32 (out, 0);
          bytes_u32 (out, 0);
        }
      break;
    case IMM_V128_CONST:
      parse_v128_const (p, out);
      break;
    case IMM_SHUFFLE:
      for (int i = 0; i < 16; i++)
        parse_lane (p, out);
      break;
    case IMM_LANE:
      parse_lane (p, out);
      break;
    case IMM_MEMARG_LANE:
      parse_memarg (p, out, op->align);
      parse_lane (p, out);
      break;
    case IMM_BLOCK:
    case IMM_ELSE:
    case IMM_END:
      break;
    }
}

static void put_opcode (wat_bytes *out, const wat_opcode *op)
{
  if (op->prefix)
    {
      bytes_byte (out, op->prefix);
      bytes_u32 (out, op->code);
    }
  else
    bytes_byte (out, (uint8_t) op->code);
}

static const wat_opcode *lookup (wat_parser *p, const wat_token *t)
{
  const wat_opcode *op = t->kind == TOK_ATOM ? wat_opcode_find (t->start, t->len) : NULL;
  if (!op)
    {
      if (t->kind == TOK_EOF)
        wat_fail (p, t, "unexpected end of input");
      if (t->kind == TOK_ATOM)
        wat_fail (p, t, "unknown operator %.*s", (int) t->len, t->start);
      wat_fail (p, t, "unexpected token, expected an instruction");
    }
  return op;
}

static void enter_nesting (wat_parser *p)
{
  if (++p->depth > WAT_MAX_NESTING)
    wat_fail (p, wat_peek (p), "instructions nested more than %d deep", WAT_MAX_NESTING);
}

/* Like wat2wasm, an empty else branch is left out: it means the same. */
static void parse_else_body (wat_parser *p, wat_bytes *out)
{
  wat_bytes *body = wat_scratch_take (p);
  wat_parse_instrs (p, body);
  if (body->len)
    {
      bytes_byte (out, 0x05);
      bytes_put (out, body->data, body->len);
    }
  wat_scratch_release (p, body);
}

/* block/loop/if after the keyword, through "end" (flat form). */
static void parse_flat_block (wat_parser *p, const wat_opcode *op, wat_bytes *out)
{
  enter_nesting (p);
  put_opcode (out, op);
  const wat_token *label = wat_opt_id (p);
  parse_block_type (p, out);
  push_label (p, label);
  wat_parse_instrs (p, out);
  if (op->code == 0x04 && wat_is_atom (wat_peek (p), "else"))
    {
      wat_next (p);
      check_closing_label (p, label);
      parse_else_body (p, out);
    }
  const wat_token *end = wat_next (p);
  if (!wat_is_atom (end, "end"))
    wat_fail (p, end, "unexpected token, expected end");
  check_closing_label (p, label);
  p->nlabels--;
  p->depth--;
  bytes_byte (out, 0x0b);
}

static void parse_folded (wat_parser *p, wat_bytes *out);


/* "(block ...)", "(loop ...)", "(if ... (then ...) (else ...))" after the keyword. */
static void parse_folded_block (wat_parser *p, const wat_opcode *op, wat_bytes *out)
{
  const wat_token *label = wat_opt_id (p);
  wat_bytes *type = wat_scratch_take (p);
  parse_block_type (p, type);
  if (op->code == 0x04)
    {
      /* The condition is evaluated outside the block, so before the if opcode. */
      while (wat_peek (p)->kind == TOK_LPAREN && !wat_peek_form (p, "then"))
        parse_folded (p, out);
      put_opcode (out, op);
      bytes_put (out, type->data, type->len);
      push_label (p, label);
      wat_expect_lparen (p);
      wat_expect_atom (p, "then");
      wat_parse_instrs (p, out);
      wat_expect_rparen (p);
      if (wat_peek_form (p, "else"))
        {
          p->pos += 2;
          parse_else_body (p, out);
          wat_expect_rparen (p);
        }
    }
  else
    {
      put_opcode (out, op);
      bytes_put (out, type->data, type->len);
      push_label (p, label);
      wat_parse_instrs (p, out);
    }
  wat_scratch_release (p, type);
  p->nlabels--;
  bytes_byte (out, 0x0b);
  wat_expect_rparen (p);
}

static void parse_folded (wat_parser *p, wat_bytes *out)
{
  enter_nesting (p);
  wat_expect_lparen (p);
  const wat_token *t = wat_next (p);
  const wat_opcode *op = lookup (p, t);
  if (op->imm == IMM_BLOCK)
    {
      parse_folded_block (p, op, out);
      p->depth--;
      return;
    }
  if (op->imm == IMM_ELSE || op->imm == IMM_END)
    wat_fail (p, t, "unexpected token %.*s", (int) t->len, t->start);
  /* Operands come first in the binary, immediates first in the text. */
  wat_bytes *instr = wat_scratch_take (p);
  put_opcode (instr, op);
  parse_immediates (p, op, instr);
  while (wat_peek (p)->kind == TOK_LPAREN)
    parse_folded (p, out);
  bytes_put (out, instr->data, instr->len);
  wat_scratch_release (p, instr);
  wat_expect_rparen (p);
  p->depth--;
}

void wat_parse_instrs (wat_parser *p, wat_bytes *out)
{
  for (;;)
    {
      const wat_token *t = wat_peek (p);
      if (t->kind == TOK_LPAREN)
        {
          parse_folded (p, out);
          continue;
        }
      if (t->kind != TOK_ATOM || wat_is_atom (t, "end") || wat_is_atom (t, "else"))
        return;
      wat_next (p);
      const wat_opcode *op = lookup (p, t);
      if (op->imm == IMM_BLOCK)
        parse_flat_block (p, op, out);
      else
        {
          put_opcode (out, op);
          parse_immediates (p, op, out);
        }
    }
}

void wat_parse_const_form (wat_parser *p, wat_bytes *out, const char *keyword)
{
  if (wat_peek_form (p, keyword))
    {
      p->pos += 2;
      wat_parse_instrs (p, out);
      wat_expect_rparen (p);
    }
  else
    parse_folded (p, out);
  bytes_byte (out, 0x0b);
}
