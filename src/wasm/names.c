/* The custom "name" section (module and function names), for backtraces. It is read
 * leniently: a custom section never makes a module fail to load, so a malformed or
 * truncated name section just leaves the names it did not reach unknown. */
#include <stdlib.h>
#include <string.h>

#include "wasm/reader.h"

#define NAME_MODULE 0
#define NAME_FUNCTIONS 1

static char *read_string (reader *r)
{
  uint32_t len;
  const uint8_t *bytes;
  if (read_u32 (r, &len) < 0 || read_bytes (r, len, &bytes) < 0)
    return NULL;
  char *s = malloc (len + 1);
  if (s)
    {
      memcpy (s, bytes, len);
      s[len] = 0;
    }
  return s;
}

static void read_function_names (wasm_module *m, reader *r)
{
  uint32_t count;
  if (read_u32 (r, &count) < 0 || count > (uint32_t) (r->end - r->p) / 2)
    return;
  m->func_names = calloc (count + 1, sizeof *m->func_names);
  if (!m->func_names)
    return;
  for (uint32_t i = 0; i < count; i++)
    {
      uint32_t index;
      if (read_u32 (r, &index) < 0)
        return;
      /* The spec requires increasing indices; the lookup's binary search relies on it. */
      if (m->nfunc_names && index <= m->func_names[m->nfunc_names - 1].index)
        return;
      char *name = read_string (r);
      if (!name)
        return;
      m->func_names[m->nfunc_names++] = (struct func_name){ index, name };
    }
}

void module_read_names (wasm_module *m, const uint8_t *p, const uint8_t *end)
{
  wasm_error ignored;
  reader r = { p, end, p, &ignored };
  while (r.p < r.end)
    {
      uint8_t id;
      uint32_t size;
      const uint8_t *body;
      if (read_u8 (&r, &id) < 0 || read_u32 (&r, &size) < 0 || read_bytes (&r, size, &body) < 0)
        return;
      reader sub = { body, body + size, p, &ignored };
      if (id == NAME_MODULE && !m->name)
        m->name = read_string (&sub);
      else if (id == NAME_FUNCTIONS && !m->func_names)
        read_function_names (m, &sub);
    }
}

void module_free_names (wasm_module *m)
{
  for (uint32_t i = 0; i < m->nfunc_names; i++)
    free (m->func_names[i].name);
  free (m->func_names);
  free (m->name);
}

const char *wasm_module_name (const wasm_module *m)
{
  return m->name;
}

const char *wasm_module_func_name (const wasm_module *m, uint32_t func_index)
{
  uint32_t lo = 0, hi = m->nfunc_names;
  while (lo < hi)
    {
      uint32_t mid = lo + (hi - lo) / 2;
      if (m->func_names[mid].index < func_index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < m->nfunc_names && m->func_names[lo].index == func_index ? m->func_names[lo].name : NULL;
}
