/* Canonical signature ids: every distinct function type gets one process-wide number, so a
 * signature check is one compare of two numbers whatever module and type index each side
 * came from (call_indirect in compiled code). The registry keeps one copy of each distinct
 * signature for the life of the process; past SIGNATURE_MAX of them new types get no id
 * (0), and checks of those take the slow path of comparing the types themselves. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/internal.h"

#define SIGNATURE_MAX (1u << 20)

typedef struct signature {
  uint64_t hash;
  uint32_t nparams, nresults, id;
  wasm_valtype *types; /* params, then results */
} signature;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static signature *table;
static uint32_t cap, count;

static bool same (const signature *s, const functype_t *t)
{
  return s->hash == t->hash && s->nparams == t->pub.nparams && s->nresults == t->pub.nresults
         && memcmp (s->types, t->params, t->pub.nparams * sizeof *s->types) == 0
         && memcmp (s->types + t->pub.nparams, t->results, t->pub.nresults * sizeof *s->types) == 0;
}

static bool grow (void)
{
  uint32_t ncap = cap ? cap * 2 : 256;
  signature *n = calloc (ncap, sizeof *n);
  if (!n)
    return false;
  for (uint32_t i = 0; i < cap; i++)
    if (table[i].id)
      for (uint32_t h = (uint32_t) table[i].hash & (ncap - 1);; h = (h + 1) & (ncap - 1))
        if (!n[h].id)
          {
            n[h] = table[i];
            break;
          }
  free (table);
  table = n;
  cap = ncap;
  return true;
}

uint32_t signature_id (const functype_t *t)
{
  uint32_t id = 0;
  pthread_mutex_lock (&lock);
  if ((count + 1) * 2 > cap && (count >= SIGNATURE_MAX || !grow ()))
    goto out;
  for (uint32_t h = (uint32_t) t->hash & (cap - 1);; h = (h + 1) & (cap - 1))
    {
      signature *s = &table[h];
      if (s->id && same (s, t))
        {
          id = s->id;
          break;
        }
      if (s->id)
        continue;
      size_t n = (size_t) t->pub.nparams + t->pub.nresults;
      wasm_valtype *types = malloc (n ? n * sizeof *types : 1);
      if (!types)
        break;
      memcpy (types, t->params, t->pub.nparams * sizeof *types);
      memcpy (types + t->pub.nparams, t->results, t->pub.nresults * sizeof *types);
      *s = (signature){ .hash = t->hash, .nparams = t->pub.nparams, .nresults = t->pub.nresults,
                        .id = ++count, .types = types };
      id = s->id;
      break;
    }
out:
  pthread_mutex_unlock (&lock);
  return id;
}
