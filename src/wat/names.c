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

static uint32_t hash_id (const wat_token *id)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < id->len; i++)
    h = (h ^ (uint8_t) id->start[i]) * 16777619u;
  return h;
}

/* The slot holding id, or the empty slot where it would go. */
static uint32_t *find_slot (const wat_names *names, const wat_token *id)
{
  uint32_t mask = names->nslots - 1;
  for (uint32_t i = hash_id (id) & mask;; i = (i + 1) & mask)
    {
      uint32_t *slot = &names->slots[i];
      if (*slot == 0 || same_id (names->ids[*slot - 1], id))
        return slot;
    }
}

/* Keeps the table at most half full. */
static void grow_slots (wat_parser *p, wat_names *names)
{
  if (2 * (names->named + 1) <= names->nslots)
    return;
  uint32_t n = names->nslots ? names->nslots * 2 : 16;
  uint32_t *slots = calloc (n, sizeof *slots);
  if (!slots)
    wat_fail (p, wat_peek (p), "out of memory");
  free (names->slots);
  names->slots = slots;
  names->nslots = n;
  for (uint32_t i = 0; i < names->count; i++)
    if (names->ids[i])
      *find_slot (names, names->ids[i]) = i + 1;
}

void wat_names_add (wat_parser *p, wat_space space, const wat_token *id)
{
  wat_names *names = &p->spaces[space];
  if (id)
    {
      grow_slots (p, names);
      if (*find_slot (names, id))
        wat_fail (p, id, "duplicate %s %.*s", space_names[space], (int) id->len, id->start);
    }
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
  if (id)
    {
      *find_slot (names, id) = names->count;
      names->named++;
    }
}

uint32_t wat_resolve (wat_parser *p, wat_space space, const wat_token *ref)
{
  if (wat_is_id (ref))
    {
      const wat_names *names = &p->spaces[space];
      uint32_t *slot = names->nslots ? find_slot (names, ref) : NULL;
      if (!slot || *slot == 0)
        wat_fail (p, ref, "unknown %s %.*s", space_names[space], (int) ref->len, ref->start);
      return *slot - 1;
    }
  return wat_token_u32 (p, ref);
}

uint32_t wat_parse_index (wat_parser *p, wat_space space)
{
  return wat_resolve (p, space, wat_next (p));
}

void wat_names_reset (wat_names *names)
{
  /* Clearing only the used slots keeps this proportional to the names, not the table. In
   * reverse order of insertion, each name's probe chain is still intact when it goes. */
  for (uint32_t i = names->count; i-- > 0;)
    if (names->ids[i])
      *find_slot (names, names->ids[i]) = 0;
  names->count = names->named = 0;
}

void wat_names_free (wat_names *names)
{
  free (names->ids);
  free (names->slots);
}
