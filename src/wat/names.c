/* Index spaces: every $id maps to the index of the entity that declared it. */
#include "wat/parser.h"

#include <stdlib.h>
#include <string.h>

static const char *const space_names[SPACE_COUNT] = {
  "func", "table", "memory", "global", "type", "elem", "data", "local",
};

static int same_id (const wat_token *a, const wat_token *b)
{
  return a->len == b->len && memcmp (a->start, b->start, a->len) == 0;
}

void wat_names_add (wat_parser *p, wat_space space, const wat_token *id)
{
  wat_names *names = &p->spaces[space];
  if (id)
    for (uint32_t i = 0; i < names->count; i++)
      if (names->ids[i] && same_id (names->ids[i], id))
        wat_fail (p, id, "duplicate %s %.*s", space_names[space], (int) id->len, id->start);
  if (names->count == names->cap)
    {
      uint32_t cap = names->cap ? names->cap * 2 : 16;
      const wat_token **ids = realloc (names->ids, cap * sizeof *ids);
      if (!ids)
        wat_fail (p, wat_peek (p), "out of memory");
      names->ids = ids;
      names->cap = cap;
    }
  names->ids[names->count++] = id;
}

uint32_t wat_resolve (wat_parser *p, wat_space space, const wat_token *ref)
{
  if (wat_is_id (ref))
    {
      const wat_names *names = &p->spaces[space];
      for (uint32_t i = 0; i < names->count; i++)
        if (names->ids[i] && same_id (names->ids[i], ref))
          return i;
      wat_fail (p, ref, "unknown %s %.*s", space_names[space], (int) ref->len, ref->start);
    }
  return wat_token_u32 (p, ref);
}

uint32_t wat_parse_index (wat_parser *p, wat_space space)
{
  return wat_resolve (p, space, wat_next (p));
}

void wat_names_reset (wat_names *names)
{
  names->count = 0;
}
