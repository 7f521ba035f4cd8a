/* Modules as seen from outside (load, imports, exports), the linker, and instantiation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/decode.h"
#include "wasm/internal.h"
#include "wasm/jit/jit.h"

wasm_module *wasm_module_new (const uint8_t *bytes, size_t len, wasm_error *err)
{
  wasm_error local;
  if (!err)
    err = &local;
  memset (err, 0, sizeof *err);
  wasm_module *m = calloc (1, sizeof *m);
  if (!m)
    {
      module_error (err, WASM_ERR_RESOURCE, "out of memory");
      return NULL;
    }
  m->refs = 1;
  pthread_mutex_init (&m->translate_lock, NULL);
  if (module_decode (m, bytes, len, err) < 0
      || (wasm_engine_selected () == WASM_ENGINE_JIT && jit_compile_module (m, err) < 0))
    {
      wasm_module_delete (m);
      return NULL;
    }
  return m;
}

void module_release (wasm_module *m)
{
  if (--m->refs == 0)
    {
      module_free_contents (m);
      pthread_mutex_destroy (&m->translate_lock);
      free (m);
    }
}

/* Instances keep their module's code alive: deleting it only drops the embedder's reference. */
void wasm_module_delete (wasm_module *m)
{
  if (m)
    module_release (m);
}

uint32_t wasm_module_import_count (const wasm_module *m) { return m->nimports; }

void wasm_module_import (const wasm_module *m, uint32_t i, wasm_import_desc *out)
{
  const import_t *im = &m->imports[i];
  memset (out, 0, sizeof *out);
  out->module = im->module;
  out->name = im->name;
  out->kind = im->kind;
  if (im->kind == WASM_EXTERN_FUNC)
    out->functype = m->types[im->type_index].pub;
}

uint32_t wasm_module_export_count (const wasm_module *m) { return m->nexports; }
int wasm_module_has_start (const wasm_module *m) { return m->start >= 0; }

void wasm_module_export (const wasm_module *m, uint32_t i, wasm_export_desc *out)
{
  out->name = m->exports[i].name;
  out->kind = m->exports[i].kind;
}

/* ---- Linker ---------------------------------------------------------------------------- */

typedef struct definition {
  char *module, *name;
  wasm_extern ext;
} definition;

struct wasm_linker {
  wasm_store *store;
  definition *defs;
  size_t n, cap;
};

wasm_linker *wasm_linker_new (wasm_store *store)
{
  wasm_linker *l = calloc (1, sizeof *l);
  if (l)
    l->store = store;
  return l;
}

void wasm_linker_delete (wasm_linker *l)
{
  if (!l)
    return;
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->defs[i].module);
      free (l->defs[i].name);
    }
  free (l->defs);
  free (l);
}

static definition *linker_find (wasm_linker *l, const char *module, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->defs[i].module, module) == 0 && strcmp (l->defs[i].name, name) == 0)
      return &l->defs[i];
  return NULL;
}

/* A later definition of the same name replaces the earlier one. */
int wasm_linker_define (wasm_linker *l, const char *module, const char *name, wasm_extern ext)
{
  definition *d = linker_find (l, module, name);
  if (d)
    {
      d->ext = ext;
      return 0;
    }
  if (l->n == l->cap)
    {
      size_t cap = l->cap ? l->cap * 2 : 32;
      definition *defs = realloc (l->defs, cap * sizeof *defs);
      if (!defs)
        return -1;
      l->defs = defs;
      l->cap = cap;
    }
  d = &l->defs[l->n];
  d->module = strdup (module);
  d->name = strdup (name);
  if (!d->module || !d->name)
    {
      free (d->module);
      free (d->name);
      return -1;
    }
  d->ext = ext;
  l->n++;
  return 0;
}

int wasm_linker_get (wasm_linker *l, const char *module, const char *name, wasm_extern *out)
{
  definition *d = linker_find (l, module, name);
  if (!d)
    return -1;
  *out = d->ext;
  return 0;
}

int wasm_linker_define_func (wasm_linker *l, const char *module, const char *name,
                             const wasm_functype *type, wasm_host_fn fn, void *env)
{
  wasm_func *f = wasm_func_new_host (l->store, type, fn, env);
  if (!f)
    return -1;
  return wasm_linker_define (l, module, name, (wasm_extern){ .kind = WASM_EXTERN_FUNC, .of.func = f });
}

int wasm_linker_define_instance (wasm_linker *l, const char *module, wasm_instance *inst)
{
  const wasm_module *m = inst->module;
  for (uint32_t i = 0; i < m->nexports; i++)
    {
      wasm_extern ext;
      if (wasm_instance_export (inst, m->exports[i].name, &ext) < 0
          || wasm_linker_define (l, module, m->exports[i].name, ext) < 0)
        return -1;
    }
  return 0;
}

/* ---- Instances ------------------------------------------------------------------------- */

static wasm_extern instance_extern (wasm_instance *inst, wasm_extern_kind kind, uint32_t index)
{
  wasm_extern e = { .kind = kind };
  switch (kind)
    {
    case WASM_EXTERN_FUNC: e.of.func = inst->funcs[index]; break;
    case WASM_EXTERN_TABLE: e.of.table = inst->tables[index]; break;
    case WASM_EXTERN_MEMORY: e.of.memory = inst->mems[index]; break;
    case WASM_EXTERN_GLOBAL: e.of.global = inst->globals[index]; break;
    }
  return e;
}

int wasm_instance_export (wasm_instance *inst, const char *name, wasm_extern *out)
{
  return wasm_instance_export_bytes (inst, name, strlen (name), out);
}

int wasm_instance_export_bytes (wasm_instance *inst, const char *name, size_t len, wasm_extern *out)
{
  const wasm_module *m = inst->module;
  for (uint32_t i = 0; i < m->nexports; i++)
    if (m->exports[i].name_len == len && memcmp (m->exports[i].name, name, len) == 0)
      {
        *out = instance_extern (inst, m->exports[i].kind, m->exports[i].index);
        return 0;
      }
  return -1;
}

wasm_func *wasm_instance_func (wasm_instance *inst, const char *name)
{
  wasm_extern e;
  return wasm_instance_export (inst, name, &e) == 0 && e.kind == WASM_EXTERN_FUNC ? e.of.func : NULL;
}

wasm_memory *wasm_instance_memory (wasm_instance *inst, const char *name)
{
  wasm_extern e;
  return wasm_instance_export (inst, name, &e) == 0 && e.kind == WASM_EXTERN_MEMORY ? e.of.memory : NULL;
}

static bool limits_match (uint64_t size, bool has_max, uint64_t max, const limits_t *want)
{
  if (size < want->min)
    return false;
  if (want->has_max && (!has_max || max > want->max))
    return false;
  return true;
}

static int resolve_import (wasm_linker *l, const wasm_module *m, const import_t *im, wasm_extern *out,
                           wasm_error *err)
{
  definition *d = linker_find (l, im->module, im->name);
  if (!d)
    return module_error (err, WASM_ERR_UNLINKABLE, "unknown import: %s.%s", im->module, im->name);
  wasm_extern e = d->ext;
  bool ok = e.kind == im->kind;
  if (ok)
    switch (im->kind)
      {
      case WASM_EXTERN_FUNC:
        ok = functype_equal (e.of.func->type, &m->types[im->type_index]);
        break;
      case WASM_EXTERN_TABLE:
        ok = e.of.table->type == im->table.elem
             && limits_match (e.of.table->size, e.of.table->has_max, e.of.table->max, &im->table.lim);
        break;
      case WASM_EXTERN_MEMORY:
        ok = limits_match (e.of.memory->size / WASM_PAGE_SIZE, e.of.memory->has_max,
                           e.of.memory->decl_max_pages, &im->memory);
        break;
      case WASM_EXTERN_GLOBAL:
        ok = e.of.global->type == im->global.type && e.of.global->mut == im->global.mut;
        break;
      }
  if (!ok)
    return module_error (err, WASM_ERR_UNLINKABLE, "incompatible import type: %s.%s", im->module, im->name);
  *out = e;
  return 0;
}

static void eval_const (wasm_instance *inst, const const_expr *e, slot_t *out)
{
  switch (e->kind)
    {
    case CONST_VALUE: value_to_slots (&e->value, out); break;
    case CONST_GLOBAL_GET: memcpy (out, &inst->globals[e->index]->val, sizeof inst->globals[e->index]->val); break;
    case CONST_REF_FUNC: out->ref = inst->funcs[e->index]; break;
    }
}

static int instance_alloc (wasm_linker *l, wasm_instance *inst, const wasm_module *m, wasm_error *err)
{
  wasm_store *s = l->store;
  inst->funcs = calloc (m->nfuncs + 1, sizeof *inst->funcs);
  inst->tables = calloc (m->ntables + 1, sizeof *inst->tables);
  inst->mems = calloc (m->nmems + 1, sizeof *inst->mems);
  inst->globals = calloc (m->nglobals + 1, sizeof *inst->globals);
  inst->elem_len = calloc (m->nelems + 1, sizeof *inst->elem_len);
  inst->elem_items = calloc (m->nelems + 1, sizeof *inst->elem_items);
  inst->data_len = calloc (m->ndatas + 1, sizeof *inst->data_len);
  if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals || !inst->elem_len || !inst->elem_items
      || !inst->data_len)
    return module_error (err, WASM_ERR_RESOURCE, "out of memory");
  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (uint32_t i = 0; i < m->nimports; i++)
    {
      wasm_extern e = { 0 };
      if (resolve_import (l, m, &m->imports[i], &e, err) < 0)
        return -1;
      switch (e.kind)
        {
        case WASM_EXTERN_FUNC: inst->funcs[nf++] = e.of.func; break;
        case WASM_EXTERN_TABLE: inst->tables[nt++] = e.of.table; break;
        case WASM_EXTERN_MEMORY: inst->mems[nm++] = e.of.memory; break;
        case WASM_EXTERN_GLOBAL: inst->globals[ng++] = e.of.global; break;
        }
    }
  uint32_t ndefined = m->nfuncs - m->nimported_funcs;
  wasm_func *defined = store_alloc (s, OBJ_BLOB, (ndefined + 1) * sizeof *defined);
  if (!defined)
    return module_error (err, WASM_ERR_RESOURCE, "out of memory");
  for (uint32_t i = 0; i < ndefined; i++, nf++)
    {
      wasm_func *f = &defined[i];
      f->store = s;
      f->type = &m->types[m->func_type[nf]];
      f->inst = inst;
      f->code = &m->codes[i];
      f->index = nf;
      inst->funcs[nf] = f;
    }
  for (; nt < m->ntables; nt++)
    {
      const table_type *t = &m->tables[nt];
      inst->tables[nt] = table_create (s, t->elem, t->lim.min, t->lim.max, t->lim.has_max, NULL);
      if (!inst->tables[nt])
        return module_error (err, WASM_ERR_RESOURCE, "cannot allocate table %u of %u elements", nt, t->lim.min);
    }
  for (; nm < m->nmems; nm++)
    {
      const limits_t *lim = &m->mems[nm];
      inst->mems[nm] = memory_create (s, lim->min, lim->max, lim->has_max);
      if (!inst->mems[nm])
        return module_error (err, WASM_ERR_RESOURCE, "cannot allocate memory %u of %u pages", nm, lim->min);
    }
  inst->mem0 = m->nmems ? inst->mems[0] : NULL;
  for (uint32_t k = 0; ng < m->nglobals; ng++, k++)
    {
      wasm_global *g = store_alloc (s, OBJ_GLOBAL, sizeof *g);
      if (!g)
        return module_error (err, WASM_ERR_RESOURCE, "out of memory");
      g->type = m->globals[ng].type;
      g->mut = m->globals[ng].mut;
      eval_const (inst, &m->global_init[k], &g->val.s);
      inst->globals[ng] = g;
    }
  for (uint32_t i = 0; i < m->nelems; i++)
    {
      const elem_seg *seg = &m->elems[i];
      inst->elem_items[i] = calloc (seg->count + 1, sizeof (void *));
      if (!inst->elem_items[i])
        return module_error (err, WASM_ERR_RESOURCE, "out of memory");
      for (uint32_t k = 0; k < seg->count; k++)
        {
          slot_t v[2];
          eval_const (inst, &seg->items[k], v);
          inst->elem_items[i][k] = v[0].ref;
        }
      inst->elem_len[i] = seg->mode == SEG_PASSIVE ? seg->count : 0;
    }
  for (uint32_t i = 0; i < m->ndatas; i++)
    inst->data_len[i] = m->datas[i].mode == SEG_PASSIVE ? m->datas[i].len : 0;
  return 0;
}

/* Active segments are copied in order; a failing one stops instantiation but what earlier
 * ones wrote stays. */
static int instance_init_segments (wasm_instance *inst, const wasm_module *m, wasm_error *err)
{
  for (uint32_t i = 0; i < m->nelems; i++)
    {
      const elem_seg *seg = &m->elems[i];
      if (seg->mode != SEG_ACTIVE)
        continue;
      slot_t off[2];
      eval_const (inst, &seg->offset, off);
      wasm_table *t = inst->tables[seg->table];
      if ((uint64_t) off[0].u32 + seg->count > t->size)
        return module_error (err, WASM_ERR_UNINSTANTIABLE, "out of bounds table access");
      if (seg->count)
        memcpy (t->elems + off[0].u32, inst->elem_items[i], seg->count * sizeof (void *));
    }
  for (uint32_t i = 0; i < m->ndatas; i++)
    {
      const data_seg *seg = &m->datas[i];
      if (seg->mode != SEG_ACTIVE)
        continue;
      slot_t off[2];
      eval_const (inst, &seg->offset, off);
      wasm_memory *mem = inst->mems[seg->memory];
      if ((uint64_t) off[0].u32 + seg->len > mem->size)
        return module_error (err, WASM_ERR_UNINSTANTIABLE, "out of bounds memory access");
      if (seg->len)
        memcpy (mem->base + off[0].u32, seg->bytes, seg->len);
    }
  return 0;
}

wasm_instance *wasm_linker_instantiate (wasm_linker *l, const wasm_module *m, wasm_error *err)
{
  wasm_error local;
  if (!err)
    err = &local;
  memset (err, 0, sizeof *err);
  wasm_instance *inst = store_alloc (l->store, OBJ_INSTANCE, sizeof *inst);
  if (!inst)
    {
      module_error (err, WASM_ERR_RESOURCE, "out of memory");
      return NULL;
    }
  inst->store = l->store;
  inst->module = m;
  ((wasm_module *) m)->refs++;
  if (instance_alloc (l, inst, m, err) < 0 || instance_init_segments (inst, m, err) < 0)
    return NULL;
  if (m->start >= 0)
    {
      wasm_trap trap;
      if (wasm_func_call (inst->funcs[m->start], NULL, 0, NULL, 0, &trap) < 0)
        {
          module_error (err, WASM_ERR_UNINSTANTIABLE, "%s", trap.message);
          return NULL;
        }
    }
  return inst;
}
