/* The SIMD op table's shape: every Wasm 2.0 SIMD op is there once, its entry is
 * self-consistent, and the gaps in the opcode space stay unknown. Names, opcodes and
 * immediates are cross-checked against wabt by simd_wabt_test.c. */
#include <stdlib.h>
#include <string.h>

#include "wasm/simd.h"
#include "tap.h"

/* Sub-opcodes below 0x100 that Wasm 2.0 leaves unassigned (relaxed SIMD starts at 0x100). */
static const uint32_t unassigned[] = { 0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4,
                                       0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4,
                                       0xe2, 0xee };

static int is_power_of_two (unsigned v)
{
  return v && (v & (v - 1)) == 0;
}

int main (void)
{
  int count = 0, entries_ok = 1, names_unique = 1;
  const char *names[256] = { 0 };
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info)
        continue;
      names[count++] = info->name;
      int is_mem = info->imm == SIMD_IMM_MEMARG || info->imm == SIMD_IMM_MEMARG_LANE;
      int has_lane = info->imm == SIMD_IMM_LANE || info->imm == SIMD_IMM_MEMARG_LANE;
      int ok = info->name && info->nparams <= 3 && info->nresults <= 1
               && (info->fn != NULL) == (strcmp (info->name, "v128.store") != 0)
               && is_mem == (info->mem_bytes != 0)
               && (!is_mem || (is_power_of_two (info->mem_bytes) && info->mem_bytes <= 16
                               && info->params[0] == WASM_I32))
               && has_lane == (info->lanes != 0)
               && (!has_lane || is_power_of_two (info->lanes))
               && info->is_store == (info->nresults == 0)
               && (!info->is_store || is_mem);
      if (!ok)
        {
          printf ("# bad entry 0x%02x %s\n", op, info->name ? info->name : "(null)");
          entries_ok = 0;
        }
    }
  tap_eq_int (count, 236, "236 SIMD ops in the table");
  tap_ok (entries_ok, "every entry is self-consistent");
  for (int i = 0; i < count; i++)
    for (int j = i + 1; j < count; j++)
      if (strcmp (names[i], names[j]) == 0)
        {
          printf ("# duplicate %s\n", names[i]);
          names_unique = 0;
        }
  tap_ok (names_unique, "names are unique");

  int gaps_unknown = 1;
  for (size_t i = 0; i < sizeof unassigned / sizeof unassigned[0]; i++)
    gaps_unknown &= simd_opinfo_get (unassigned[i]) == NULL;
  tap_ok (gaps_unknown, "unassigned sub-opcodes are unknown");
  tap_ok (simd_opinfo_get (0x100) == NULL && simd_opinfo_get (UINT32_MAX) == NULL,
          "opcodes past 0xff (relaxed SIMD) are unknown");

  const simd_opinfo *shuffle = simd_opinfo_get (0x0d), *load_lane = simd_opinfo_get (0x54);
  tap_ok (shuffle && strcmp (shuffle->name, "i8x16.shuffle") == 0
          && shuffle->imm == SIMD_IMM_SHUFFLE, "0x0d is i8x16.shuffle");
  tap_ok (load_lane && strcmp (load_lane->name, "v128.load8_lane") == 0
          && load_lane->lanes == 16 && load_lane->mem_bytes == 1, "0x54 is v128.load8_lane");
  return tap_done ();
}
