/* Token cursor and the small grammar pieces every field uses: ids, numbers, names, value
 * and reference types. */
#include "wat/parser.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wat/numbers.h"

void wat_fail (wat_parser *p, const wat_token *at, const char *fmt, ...)
{
  int n = snprintf (p->err, p->errlen, "%d:%d: ", at->line, at->col);
  va_list ap;
  va_start (ap, fmt);
  if (n >= 0 && (size_t) n < p->errlen)
    vsnprintf (p->err + n, p->errlen - n, fmt, ap);
  va_end (ap);
  longjmp (p->fail, 1);
}

const wat_token *wat_peek (wat_parser *p)
{
  return &p->toks[p->pos];
}

const wat_token *wat_peek_at (wat_parser *p, size_t ahead)
{
  size_t i = p->pos + ahead;
  return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

const wat_token *wat_next (wat_parser *p)
{
  const wat_token *t = &p->toks[p->pos];
  if (t->kind != TOK_EOF)
    p->pos++;
  return t;
}

int wat_is_atom (const wat_token *t, const char *word)
{
  size_t n = strlen (word);
  return t->kind == TOK_ATOM && t->len == n && memcmp (t->start, word, n) == 0;
}

int wat_is_id (const wat_token *t)
{
  return t->kind == TOK_ATOM && t->start[0] == '$' && t->len > 1;
}

int wat_is_number (const wat_token *t)
{
  if (t->kind != TOK_ATOM)
    return 0;
  const char *s = t->start, *end = t->start + t->len;
  if ((s[0] == '+' || s[0] == '-') && t->len > 1)
    s++;
  size_t rest = end - s;
  return (*s >= '0' && *s <= '9') || (rest >= 3 && (memcmp (s, "inf", 3) == 0
                                                    || memcmp (s, "nan", 3) == 0));
}

int wat_peek_form (wat_parser *p, const char *word)
{
  return wat_peek (p)->kind == TOK_LPAREN && wat_is_atom (wat_peek_at (p, 1), word);
}

__attribute__ ((noreturn))
static void unexpected (wat_parser *p, const wat_token *t, const char *expected)
{
  if (t->kind == TOK_EOF)
    wat_fail (p, t, "unexpected end of input, expected %s", expected);
  wat_fail (p, t, "unexpected token %.*s, expected %s", (int) t->len, t->start, expected);
}

void wat_expect_lparen (wat_parser *p)
{
  const wat_token *t = wat_next (p);
  if (t->kind != TOK_LPAREN)
    unexpected (p, t, "(");
}

void wat_expect_rparen (wat_parser *p)
{
  const wat_token *t = wat_next (p);
  if (t->kind != TOK_RPAREN)
    unexpected (p, t, ")");
}

void wat_expect_atom (wat_parser *p, const char *word)
{
  const wat_token *t = wat_next (p);
  if (!wat_is_atom (t, word))
    unexpected (p, t, word);
}

void wat_skip_form (wat_parser *p)
{
  wat_expect_lparen (p);
  int depth = 1;
  while (depth > 0)
    {
      const wat_token *t = wat_next (p);
      if (t->kind == TOK_EOF)
        unexpected (p, t, ")");
      depth += t->kind == TOK_LPAREN ? 1 : t->kind == TOK_RPAREN ? -1 : 0;
    }
}

const wat_token *wat_opt_id (wat_parser *p)
{
  const wat_token *t = wat_peek (p);
  if (t->kind == TOK_ATOM && t->start[0] == '$')
    {
      if (t->len == 1)
        wat_fail (p, t, "unexpected token $, expected an identifier");
      return wat_next (p);
    }
  return NULL;
}

uint32_t wat_token_u32 (wat_parser *p, const wat_token *t)
{
  uint64_t v;
  int rc = t->kind == TOK_ATOM ? wat_parse_uint (t->start, t->len, UINT32_MAX, &v) : NUM_MALFORMED;
  if (rc == NUM_OUT_OF_RANGE)
    wat_fail (p, t, "constant out of range");
  if (rc != NUM_OK)
    unexpected (p, t, "a natural number");
  return (uint32_t) v;
}

uint32_t wat_parse_u32 (wat_parser *p)
{
  return wat_token_u32 (p, wat_next (p));
}

void wat_parse_string_bytes (wat_parser *p, wat_bytes *out)
{
  const wat_token *t = wat_next (p);
  if (t->kind != TOK_STRING)
    unexpected (p, t, "a string");
  uint8_t *tmp = malloc (t->len);
  if (!tmp)
    wat_fail (p, t, "out of memory");
  size_t n = wat_string_decode (t, tmp);
  bytes_put (out, tmp, n);
  free (tmp);
}

void wat_parse_name (wat_parser *p, wat_bytes *out)
{
  const wat_token *t = wat_peek (p);
  wat_bytes name = { 0 };
  wat_parse_string_bytes (p, &name);
  int valid = wat_utf8_valid (name.data, name.len);
  if (valid)
    bytes_vec (out, &name);
  bytes_free (&name);
  if (!valid)
    wat_fail (p, t, "malformed UTF-8 encoding");
}

uint8_t wat_parse_valtype (wat_parser *p)
{
  static const struct { const char *name; uint8_t code; } types[] = {
    { "i32", 0x7f }, { "i64", 0x7e }, { "f32", 0x7d }, { "f64", 0x7c }, { "v128", 0x7b },
    { "funcref", 0x70 }, { "externref", 0x6f },
  };
  const wat_token *t = wat_next (p);
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (wat_is_atom (t, types[i].name))
      return types[i].code;
  unexpected (p, t, "a value type");
}

uint8_t wat_parse_reftype (wat_parser *p)
{
  const wat_token *t = wat_next (p);
  if (wat_is_atom (t, "funcref"))
    return 0x70;
  if (wat_is_atom (t, "externref"))
    return 0x6f;
  unexpected (p, t, "a reference type");
}

uint8_t wat_parse_heaptype (wat_parser *p)
{
  const wat_token *t = wat_next (p);
  if (wat_is_atom (t, "func"))
    return 0x70;
  if (wat_is_atom (t, "extern"))
    return 0x6f;
  unexpected (p, t, "func or extern");
}

wat_bytes *wat_scratch_take (wat_parser *p)
{
  if (p->scratch_used == p->scratch_alloc)
    {
      uint32_t n = p->scratch_alloc ? p->scratch_alloc * 2 : 16;
      wat_bytes **grown = realloc (p->scratch, n * sizeof *grown);
      if (!grown)
        wat_fail (p, wat_peek (p), "out of memory");
      p->scratch = grown;
      for (uint32_t i = p->scratch_alloc; i < n; i++)
        if (!(grown[i] = calloc (1, sizeof **grown)))
          {
            p->scratch_alloc = i;
            wat_fail (p, wat_peek (p), "out of memory");
          }
      p->scratch_alloc = n;
    }
  wat_bytes *b = p->scratch[p->scratch_used++];
  b->len = 0;
  return b;
}

void wat_scratch_release (wat_parser *p, wat_bytes *b)
{
  assert (p->scratch_used > 0 && p->scratch[p->scratch_used - 1] == b);
  p->scratch_used--;
}

int wat_field_kind (const wat_token *t)
{
  static const char *const kinds[] = { "func", "table", "memory", "global" };
  for (int k = SPACE_FUNC; k <= SPACE_GLOBAL; k++)
    if (wat_is_atom (t, kinds[k]))
      return k;
  return -1;
}
