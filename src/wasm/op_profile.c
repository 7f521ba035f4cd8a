/* Developer tool: with -DRUNWASM_OP_PROFILE the interpreter counts every executed internal
 * op, every pair of consecutive ops and the ops run per function, and prints the top of each
 * list to stderr at exit. It shows where a guest spends its instructions and which
 * sequences are worth fusing. Build: make BUILD=build/prof CFLAGS="-O2 -g -DRUNWASM_OP_PROFILE" */
#ifdef RUNWASM_OP_PROFILE
#include <stdio.h>
#include <stdlib.h>

#include "wasm/internal.h"
#include "wasm/ops.h"
#include "wasm/op_profile.h"

#define MAX_FUNCS 65536u

uint64_t op_profile_ops[OP_COUNT];
uint64_t op_profile_pairs[OP_COUNT][OP_COUNT];
uint64_t op_profile_funcs[MAX_FUNCS];

static const char *const op_names[OP_COUNT] = {
#define CORE_NAME(name) [OP_##name] = #name,
  CORE_OPS (CORE_NAME)
#undef CORE_NAME
#define NUM_NAME(opc, name, shape, tin, tout, fin, fout, expr, fuse)                              \
  [OP_##name] = #name, [OP_##name##_imm] = #name "_imm", [OP_br_##name] = "br_" #name,           \
  [OP_br_##name##_imm] = "br_" #name "_imm", [OP_##name##_mem] = #name "_mem", \
  [OP_##name##_rmw] = #name "_rmw", [OP_addbr_##name] = "addbr_" #name, [OP_incbr_##name] = "incbr_" #name,
  NUMERIC_OPS (NUM_NAME)
#undef NUM_NAME
#define MEM_NAME(opc, name, type, field, ctype, bytes)                                            \
  [OP_##name] = #name, [OP_##name##_addimm] = #name "_addimm", [OP_##name##_abs] = #name "_abs",
  LOAD_OPS (MEM_NAME) STORE_OPS (MEM_NAME)
#undef MEM_NAME
#define SHIFTED_NAME(op, shift, expr, shift_expr) [OP_i32_##op##_##shift] = "i32_" #op "_" #shift,
  SHIFTED_OPS (SHIFTED_NAME)
#undef SHIFTED_NAME
#define STORE_IMM_NAME(opc, name, type, field, ctype, bytes) [OP_##name##_imm] = #name "_imm",
  STORE_OPS (STORE_IMM_NAME)
#undef STORE_IMM_NAME
};

void op_profile_func (uint32_t index, uint32_t n)
{
  op_profile_funcs[index < MAX_FUNCS ? index : MAX_FUNCS - 1] += n;
}

typedef struct row { uint64_t n; uint32_t a, b; } row;

static int by_count (const void *x, const void *y)
{
  uint64_t a = ((const row *) x)->n, b = ((const row *) y)->n;
  return a < b ? 1 : a > b ? -1 : 0;
}

static void print_top (const char *title, row *rows, size_t n, uint64_t total, int pairs)
{
  qsort (rows, n, sizeof *rows, by_count);
  fprintf (stderr, "%s\n", title);
  for (size_t i = 0; i < n && i < 30 && rows[i].n; i++)
    {
      if (pairs == 2)
        fprintf (stderr, "  %6.2f%%  func %u\n", 100.0 * rows[i].n / total, rows[i].a);
      else if (pairs)
        fprintf (stderr, "  %6.2f%%  %s -> %s\n", 100.0 * rows[i].n / total, op_names[rows[i].a],
                 op_names[rows[i].b]);
      else
        fprintf (stderr, "  %6.2f%%  %s\n", 100.0 * rows[i].n / total, op_names[rows[i].a]);
    }
}

__attribute__ ((destructor)) static void op_profile_dump (void)
{
  uint64_t total = 0;
  static row rows[OP_COUNT * OP_COUNT];
  size_t n = 0;
  for (uint32_t a = 0; a < OP_COUNT; a++)
    {
      total += op_profile_ops[a];
      rows[n++] = (row){ op_profile_ops[a], a, 0 };
    }
  if (!total)
    return;
  fprintf (stderr, "op profile: %llu ops\n", (unsigned long long) total);
  print_top ("ops:", rows, n, total, 0);
  n = 0;
  for (uint32_t a = 0; a < OP_COUNT; a++)
    for (uint32_t b = 0; b < OP_COUNT; b++)
      if (op_profile_pairs[a][b])
        rows[n++] = (row){ op_profile_pairs[a][b], a, b };
  print_top ("pairs:", rows, n, total, 1);
  n = 0;
  for (uint32_t f = 0; f < MAX_FUNCS; f++)
    if (op_profile_funcs[f])
      rows[n++] = (row){ op_profile_funcs[f], f, 0 };
  print_top ("functions:", rows, n, total, 2);
}
#endif
