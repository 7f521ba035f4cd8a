/* Function types, type uses (with the implicit type creation of the abbreviations), and
 * limits. */
#include "wat/parser.h"

#include <stdlib.h>
#include <string.h>

void wat_functype_free (wat_functype *ft)
{
  bytes_free (&ft->params);
  bytes_free (&ft->results);
}

static int same_bytes (const wat_bytes *a, const wat_bytes *b)
{
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

static int same_functype (const wat_functype *a, const wat_functype *b)
{
  return same_bytes (&a->params, &b->params) && same_bytes (&a->results, &b->results);
}

static uint32_t hash_functype (const wat_functype *ft)
{
  uint32_t h = 2166136261u; /* FNV-1a over params, a separator, results */
  for (size_t i = 0; i < ft->params.len; i++)
    h = (h ^ ft->params.data[i]) * 16777619u;
  h = (h ^ 0xff) * 16777619u;
  for (size_t i = 0; i < ft->results.len; i++)
    h = (h ^ ft->results.data[i]) * 16777619u;
  return h;
}

/* The slot holding the first type equal to ft, or the empty slot where it would go. */
static uint32_t *find_type_slot (const wat_parser *p, const wat_functype *ft)
{
  uint32_t mask = p->ntype_slots - 1;
  for (uint32_t i = hash_functype (ft) & mask;; i = (i + 1) & mask)
    {
      uint32_t *slot = &p->type_slots[i];
      if (*slot == 0 || same_functype (&p->types[*slot - 1], ft))
        return slot;
    }
}

/* Keeps the table at most half full; rehashing in index order keeps first indices. */
static void grow_type_slots (wat_parser *p)
{
  if (2 * (p->ntypes + 1) <= p->ntype_slots)
    return;
  uint32_t n = p->ntype_slots ? p->ntype_slots * 2 : 16;
  uint32_t *slots = calloc (n, sizeof *slots);
  if (!slots)
    wat_fail (p, wat_peek (p), "out of memory");
  free (p->type_slots);
  p->type_slots = slots;
  p->ntype_slots = n;
  for (uint32_t i = 0; i < p->ntypes; i++)
    {
      uint32_t *slot = find_type_slot (p, &p->types[i]);
      if (*slot == 0)
        *slot = i + 1;
    }
}

uint32_t wat_type_add (wat_parser *p, const wat_functype *ft)
{
  grow_type_slots (p);
  if (p->ntypes == p->types_cap)
    {
      uint32_t cap = p->types_cap ? p->types_cap * 2 : 16;
      wat_functype *types = realloc (p->types, cap * sizeof *types);
      if (!types)
        wat_fail (p, wat_peek (p), "out of memory");
      p->types = types;
      p->types_cap = cap;
    }
  wat_functype *copy = &p->types[p->ntypes];
  *copy = (wat_functype) { 0 };
  bytes_put (&copy->params, ft->params.data, ft->params.len);
  bytes_put (&copy->results, ft->results.data, ft->results.len);
  uint32_t *slot = find_type_slot (p, copy);
  if (*slot == 0)
    *slot = p->ntypes + 1;
  return p->ntypes++;
}

uint32_t wat_type_find_or_add (wat_parser *p, const wat_functype *ft)
{
  if (p->ntype_slots)
    {
      uint32_t slot = *find_type_slot (p, ft);
      if (slot)
        return slot - 1;
    }
  wat_names_add (p, SPACE_TYPE, NULL);
  return wat_type_add (p, ft);
}

void wat_parse_signature (wat_parser *p, wat_functype *ft, int allow_ids, int bind_locals)
{
  while (wat_peek_form (p, "param"))
    {
      p->pos += 2;
      const wat_token *id = wat_opt_id (p);
      if (id && !allow_ids)
        wat_fail (p, id, "unexpected token %.*s, expected a value type", (int) id->len, id->start);
      if (id)
        {
          uint8_t t = wat_parse_valtype (p);
          bytes_byte (&ft->params, t);
          if (bind_locals)
            {
              wat_names_add (p, SPACE_LOCAL, id);
              bytes_byte (&p->local_types, t);
            }
        }
      else
        while (wat_peek (p)->kind != TOK_RPAREN)
          {
            uint8_t t = wat_parse_valtype (p);
            bytes_byte (&ft->params, t);
            if (bind_locals)
              {
                wat_names_add (p, SPACE_LOCAL, NULL);
                bytes_byte (&p->local_types, t);
              }
          }
      wat_expect_rparen (p);
    }
  while (wat_peek_form (p, "result"))
    {
      p->pos += 2;
      while (wat_peek (p)->kind != TOK_RPAREN)
        bytes_byte (&ft->results, wat_parse_valtype (p));
      wat_expect_rparen (p);
    }
}

uint32_t wat_parse_typeuse (wat_parser *p, int allow_ids, int bind_locals, int *explicit_type)
{
  wat_functype *sig = &p->sig;
  sig->params.len = sig->results.len = 0;
  if (explicit_type)
    *explicit_type = 0;
  if (wat_peek_form (p, "type"))
    {
      p->pos += 2;
      const wat_token *ref = wat_peek (p);
      uint32_t index = wat_parse_index (p, SPACE_TYPE);
      wat_expect_rparen (p);
      if (explicit_type)
        *explicit_type = 1;
      const wat_token *at = wat_peek (p);
      wat_parse_signature (p, sig, allow_ids, bind_locals);
      /* A numeric index past the types is a validation error that the binary can carry,
       * unless an inline signature needs checking against the type. */
      if (index >= p->ntypes)
        {
          if (sig->params.len || sig->results.len)
            wat_fail (p, ref, "unknown type %u", index);
          return index;
        }
      const wat_functype *def = &p->types[index];
      if (sig->params.len == 0 && sig->results.len == 0)
        {
          /* The signature comes from the type: params still get local indices. */
          bytes_put (&sig->params, def->params.data, def->params.len);
          bytes_put (&sig->results, def->results.data, def->results.len);
          if (bind_locals)
            for (size_t i = 0; i < def->params.len; i++)
              {
                wat_names_add (p, SPACE_LOCAL, NULL);
                bytes_byte (&p->local_types, def->params.data[i]);
              }
        }
      else if (!same_functype (sig, def))
        wat_fail (p, at, "inline function type does not match the type use");
      return index;
    }
  wat_parse_signature (p, sig, allow_ids, bind_locals);
  return wat_type_find_or_add (p, sig);
}

void wat_parse_limits (wat_parser *p, wat_bytes *out)
{
  uint32_t min = wat_parse_u32 (p);
  if (wat_peek (p)->kind == TOK_ATOM && !wat_is_id (wat_peek (p))
      && wat_is_number (wat_peek (p)))
    {
      uint32_t max = wat_parse_u32 (p);
      bytes_byte (out, 0x01);
      bytes_u32 (out, min);
      bytes_u32 (out, max);
    }
  else
    {
      bytes_byte (out, 0x00);
      bytes_u32 (out, min);
    }
}
