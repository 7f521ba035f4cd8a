/* The store: owner of every runtime object, limits, interrupt flag; plus the small object
 * types (functions, tables, globals) and their public accessors. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "wasm/internal.h"

#define DEFAULT_MAX_TABLE_ELEMS 10000000u

wasm_store *wasm_store_new (const wasm_limits *limits)
{
  wasm_store *s = calloc (1, sizeof *s);
  if (!s)
    return NULL;
  if (limits)
    s->limits = *limits;
  if (!s->limits.max_table_elems)
    s->limits.max_table_elems = DEFAULT_MAX_TABLE_ELEMS;
  s->mode = memory_reservation_possible () ? MEMORY_GUARDED : MEMORY_CHECKED;
  atomic_init (&s->interrupt, 0);
  return s;
}

static void instance_free (wasm_instance *inst)
{
  free (inst->funcs);
  free (inst->tables);
  free (inst->mems);
  free (inst->globals);
  free (inst->elem_len);
  if (inst->elem_items)
    for (uint32_t i = 0; i < inst->module->nelems; i++)
      free (inst->elem_items[i]);
  free (inst->elem_items);
  free (inst->data_len);
  module_release ((wasm_module *) inst->module);
}

void wasm_store_delete (wasm_store *s)
{
  if (!s)
    return;
  for (size_t i = s->nobjects; i-- > 0;)
    {
      void *o = s->objects[i];
      switch ((object_kind) s->object_kinds[i])
        {
        case OBJ_MEMORY: memory_destroy (o); break;
        case OBJ_TABLE: free (((wasm_table *) o)->elems); break;
        case OBJ_INSTANCE: instance_free (o); break;
        case OBJ_FUNC:
          {
            wasm_func *f = o;
            if (f->type == &f->own_type)
              {
                free (f->own_type.params);
                free (f->own_type.results);
              }
            break;
          }
        case OBJ_GLOBAL:
        case OBJ_BLOB:
          break;
        }
      free (o);
    }
  free (s->objects);
  free (s->object_kinds);
  if (s->stack)
    munmap (s->stack, (size_t) (s->stack_end - s->stack) * sizeof *s->stack);
  free (s->frames);
  free (s);
}

void wasm_store_interrupt (wasm_store *s) { atomic_store (&s->interrupt, 1); }
void wasm_store_clear_interrupt (wasm_store *s) { atomic_store (&s->interrupt, 0); }

void *store_alloc (wasm_store *s, object_kind kind, size_t size)
{
  if (s->nobjects == s->cap_objects)
    {
      size_t cap = s->cap_objects ? s->cap_objects * 2 : 64;
      void **objects = realloc (s->objects, cap * sizeof *objects);
      if (!objects)
        return NULL;
      s->objects = objects;
      uint8_t *kinds = realloc (s->object_kinds, cap);
      if (!kinds)
        return NULL;
      s->object_kinds = kinds;
      s->cap_objects = cap;
    }
  void *o = calloc (1, size);
  if (!o)
    return NULL;
  s->objects[s->nobjects] = o;
  s->object_kinds[s->nobjects++] = (uint8_t) kind;
  return o;
}

/* ---- Functions ------------------------------------------------------------------------- */

void functype_finish (functype_t *t);

wasm_func *wasm_func_new_host (wasm_store *store, const wasm_functype *type, wasm_host_fn fn, void *env)
{
  wasm_func *f = store_alloc (store, OBJ_FUNC, sizeof *f);
  if (!f)
    return NULL;
  f->store = store;
  f->host = fn;
  f->env = env;
  f->index = 0;
  f->own_type.pub.nparams = type->nparams;
  f->own_type.pub.nresults = type->nresults;
  f->own_type.params = calloc (type->nparams + 1, sizeof (wasm_valtype));
  f->own_type.results = calloc (type->nresults + 1, sizeof (wasm_valtype));
  if (type->nparams)
    memcpy (f->own_type.params, type->params, type->nparams * sizeof (wasm_valtype));
  if (type->nresults)
    memcpy (f->own_type.results, type->results, type->nresults * sizeof (wasm_valtype));
  functype_finish (&f->own_type);
  f->type = &f->own_type;
  return f;
}

wasm_functype wasm_func_type (const wasm_func *func) { return func->type->pub; }

/* ---- Memories -------------------------------------------------------------------------- */

wasm_memory *wasm_memory_new (wasm_store *store, uint32_t min_pages, uint32_t max_pages, int has_max)
{
  if (min_pages > WASM_MAX_PAGES || (has_max && (max_pages > WASM_MAX_PAGES || max_pages < min_pages)))
    return NULL;
  return memory_create (store, min_pages, max_pages, has_max);
}

uint8_t *wasm_memory_data (wasm_memory *m) { return m->base; }
uint64_t wasm_memory_size (const wasm_memory *m) { return m->size; }

int64_t wasm_memory_grow (wasm_memory *m, uint32_t delta)
{
  return m ? memory_grow_pages (m, delta) : -1;
}

/* ---- Tables ---------------------------------------------------------------------------- */

wasm_table *table_create (wasm_store *store, wasm_valtype type, uint32_t min, uint32_t max, bool has_max, void *init)
{
  uint32_t cap = store->limits.max_table_elems;
  if (min > cap)
    return NULL;
  wasm_table *t = store_alloc (store, OBJ_TABLE, sizeof *t);
  if (!t)
    return NULL;
  t->type = type;
  t->has_max = has_max;
  t->max = has_max ? max : UINT32_MAX;
  t->limit = t->max < cap ? t->max : cap;
  t->elems = calloc (min ? min : 1, sizeof *t->elems);
  if (!t->elems)
    return NULL;
  for (uint32_t i = 0; i < min; i++)
    t->elems[i] = init;
  t->size = min;
  return t;
}

int64_t table_grow_elems (wasm_table *t, uint32_t delta, void *init)
{
  uint32_t old = t->size;
  if ((uint64_t) old + delta > t->limit)
    return -1;
  if (delta == 0)
    return old;
  void **e = realloc (t->elems, ((size_t) old + delta) * sizeof *e);
  if (!e)
    return -1;
  for (uint32_t i = 0; i < delta; i++)
    e[old + i] = init;
  t->elems = e;
  t->size = old + delta;
  return old;
}

wasm_table *wasm_table_new (wasm_store *store, wasm_valtype reftype, uint32_t min, uint32_t max, int has_max, void *init)
{
  if (!valtype_is_ref (reftype) || (has_max && max < min))
    return NULL;
  return table_create (store, reftype, min, max, has_max, init);
}

uint32_t wasm_table_size (const wasm_table *t) { return t->size; }

int wasm_table_get (const wasm_table *t, uint32_t index, wasm_value *out)
{
  if (index >= t->size)
    return -1;
  out->type = t->type;
  out->of.ref = t->elems[index];
  return 0;
}

int wasm_table_set (wasm_table *t, uint32_t index, wasm_value value)
{
  if (index >= t->size || value.type != t->type)
    return -1;
  t->elems[index] = value.of.ref;
  return 0;
}

/* ---- Globals --------------------------------------------------------------------------- */

wasm_global *wasm_global_new (wasm_store *store, wasm_value value, int mutable_)
{
  wasm_global *g = store_alloc (store, OBJ_GLOBAL, sizeof *g);
  if (!g)
    return NULL;
  g->type = value.type;
  g->mut = mutable_;
  value_to_slots (&value, &g->val.s);
  return g;
}

wasm_value wasm_global_get (const wasm_global *g)
{
  wasm_value v;
  slots_to_value (g->type, &g->val.s, &v);
  return v;
}

int wasm_global_set (wasm_global *g, wasm_value value)
{
  if (!g->mut || value.type != g->type)
    return -1;
  value_to_slots (&value, &g->val.s);
  return 0;
}
