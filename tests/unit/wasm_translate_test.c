/* The translator's fused forms must agree with the plain instructions: every i32 compare,
 * as a value, fused into `if` (inverted branch) and into `br_if`, with a register and an
 * immediate right operand, and eqz fused into both, over boundary inputs. */
#include <stdint.h>
#include <stdio.h>

#include "tap.h"
#include "wasm/wasm.h"
#include "wasm_modules.h"

static const char *const compares[] = { "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u" };
static const int32_t inputs[] = { 0, 1, -1, -5, -6, -4, 5, INT32_MIN, INT32_MAX };

static int32_t call2 (wasm_instance *inst, const char *name, int32_t a, int32_t b)
{
  wasm_value args[2] = { { .type = WASM_I32, .of.i32 = a }, { .type = WASM_I32, .of.i32 = b } }, r;
  wasm_trap trap;
  wasm_func *f = wasm_instance_func (inst, name);
  if (!f || wasm_func_call (f, args, 2, &r, 1, &trap) < 0)
    return -1;
  return r.of.i32;
}

int main (void)
{
  wasm_error err;
  wasm_module *m = wasm_module_new (wasm_module_compare, wasm_module_compare_len, &err);
  tap_ok (m != NULL, "compare module loads");
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_instance *inst = wasm_linker_instantiate (linker, m, &err);
  tap_ok (inst != NULL, "compare module instantiates");
  size_t n = sizeof inputs / sizeof *inputs;
  for (size_t c = 0; c < sizeof compares / sizeof *compares; c++)
    {
      char plain[32], name[32];
      int mismatches = 0;
      snprintf (plain, sizeof plain, "plain_%s", compares[c]);
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
          {
            int32_t want = call2 (inst, plain, inputs[i], inputs[j]);
            int32_t want_imm = call2 (inst, plain, inputs[i], -5);
            static const char *const forms[] = { "if_%s", "brif_%s", "ifimm_%s", "brifimm_%s" };
            for (int k = 0; k < 4; k++)
              {
                snprintf (name, sizeof name, forms[k], compares[c]);
                if (call2 (inst, name, inputs[i], inputs[j]) != (k < 2 ? want : want_imm))
                  mismatches++;
              }
          }
      tap_eq_int (mismatches, 0, "i32.%s: if, br_if and immediate forms agree with the value", compares[c]);
    }
  int eqz_mismatches = 0;
  for (size_t i = 0; i < n; i++)
    {
      int32_t want = inputs[i] == 0;
      eqz_mismatches += call2 (inst, "if_eqz", inputs[i], 0) != want;
      eqz_mismatches += call2 (inst, "brif_eqz", inputs[i], 0) != want;
    }
  tap_eq_int (eqz_mismatches, 0, "i32.eqz fused into if and br_if");
  wasm_linker_delete (linker);
  wasm_store_delete (store);
  wasm_module_delete (m);
  return tap_done ();
}
