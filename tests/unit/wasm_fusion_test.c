/* The translator's fused instructions must compute what the instructions they replace do.
 * tests/unit/wasm_modules/fusion.wat pairs every f_NAME, written so that a fusion applies,
 * with r_NAME, the same code with an empty block at the fusion point (no fusion can reach
 * across it). Each pair must agree on every pair of boundary inputs, and f_NAME must
 * translate to fewer code words than r_NAME: otherwise the fusion did not happen and the
 * comparison proves nothing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "wasm/internal.h"
#include "wasm/wasm.h"
#include "wasm_modules.h"

static const uint64_t inputs[] = {
  0, 1, UINT64_MAX, (uint64_t) -5, (uint64_t) -6, 5, 0x7fffffff, 0x80000000, 0xffffffff,
  0x100000000, INT64_MAX, (uint64_t) INT64_MIN, 0x3ff8000000000000 /* 1.5 */,
  0x7ff8000000000001 /* NaN */, 0x3fc00000 /* 1.5f */, 0xbf800000 /* -1.0f */, 0x12345678,
};

static int call (wasm_func *f, uint64_t a, uint64_t b, uint64_t *out)
{
  wasm_value args[2] = { { .type = WASM_I64, .of.i64 = (int64_t) a }, { .type = WASM_I64, .of.i64 = (int64_t) b } }, r;
  wasm_trap trap;
  if (wasm_func_call (f, args, 2, &r, 1, &trap) < 0)
    return -1;
  *out = (uint64_t) r.of.i64;
  return 0;
}

int main (void)
{
  wasm_error err;
  wasm_module *m = wasm_module_new (wasm_module_fusion, wasm_module_fusion_len, &err);
  tap_ok (m != NULL, "fusion module loads");
  if (!m)
    return tap_done ();
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
  tap_ok (inst != NULL, "fusion module instantiates");
  size_t n = sizeof inputs / sizeof *inputs, pairs = 0;
  for (uint32_t e = 0; inst && e < m->nexports; e++)
    {
      const char *name = m->exports[e].name;
      if (strncmp (name, "f_", 2) != 0)
        continue;
      char ref[96];
      snprintf (ref, sizeof ref, "r_%s", name + 2);
      wasm_func *f = wasm_instance_func (inst, name), *r = wasm_instance_func (inst, ref);
      if (!f || !r)
        {
          tap_ok (0, "%s has its reference %s", name, ref);
          continue;
        }
      pairs++;
      /* Bodies are translated on first call (and not at all if the compiler runs them). */
      if (code_translate (m, f->index) < 0 || code_translate (m, r->index) < 0)
        tap_ok (0, "%s translates", name);
      tap_ok (f->code->nwords < r->code->nwords, "%s is fused (%u code words, %u without fusion)",
              name + 2, f->code->nwords, r->code->nwords);
      int mismatches = 0, traps = 0;
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
          {
            uint64_t got, want;
            if (call (f, inputs[i], inputs[j], &got) < 0 || call (r, inputs[i], inputs[j], &want) < 0)
              traps++;
            else if (got != want)
              {
                if (!mismatches)
                  printf ("#   %s (%#llx, %#llx): %#llx, expected %#llx\n", name + 2, (unsigned long long) inputs[i],
                            (unsigned long long) inputs[j], (unsigned long long) got, (unsigned long long) want);
                mismatches++;
              }
          }
      tap_ok (mismatches == 0 && traps == 0, "%s: fused and unfused agree on %zu input pairs", name + 2, n * n);
    }
  tap_ok (pairs >= 30, "%zu fused forms checked", pairs);
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (m);
  return tap_done ();
}
