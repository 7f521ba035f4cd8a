/* Cross-checks the SIMD op table against wabt, an independent implementation of the text
 * and binary formats: a module with one function per op, built from the table's name,
 * operand/result types and immediate kind, must pass wat2wasm's validator, and
 * wasm-objdump must decode each function's 0xFD instruction to the table's opcode and name,
 * with natural alignment log2(mem_bytes) and the lane we wrote. A lane equal to the lane
 * count must be rejected by wat2wasm. Skips when wabt is not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasm/simd.h"
#include "tap.h"

static const char *valtype_name (wasm_valtype t)
{
  switch (t)
    {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_V128: return "v128";
    default: return "?";
    }
}

static unsigned log2_of (unsigned v)
{
  unsigned n = 0;
  while (v > 1)
    v >>= 1, n++;
  return n;
}

/* One function applying the op to its parameters, with `lane` as its lane immediate. */
static void write_func (FILE *f, const simd_opinfo *info, unsigned lane)
{
  fprintf (f, "  (func");
  for (int i = 0; i < info->nparams; i++)
    fprintf (f, " (param %s)", valtype_name (info->params[i]));
  if (info->nresults)
    fprintf (f, " (result %s)", valtype_name (info->result));
  for (int i = 0; i < info->nparams; i++)
    fprintf (f, " local.get %d", i);
  fprintf (f, " %s", info->name);
  switch (info->imm)
    {
    case SIMD_IMM_NONE:
    case SIMD_IMM_MEMARG:
      break;
    case SIMD_IMM_LANE:
    case SIMD_IMM_MEMARG_LANE:
      fprintf (f, " %u", lane);
      break;
    case SIMD_IMM_V128:
      fprintf (f, " i32x4 1 2 3 4");
      break;
    case SIMD_IMM_SHUFFLE:
      for (int i = 0; i < 16; i++)
        fprintf (f, " %d", 31 - 2 * i);
      break;
    }
  fprintf (f, ")\n");
}

static int run (const char *cmd)
{
  int status = system (cmd);
  return status == 0 ? 0 : -1;
}

/* Checks one disassembled function against its table entry; returns 1 when it matches. */
static int check_disassembly (const char *line, uint32_t opcode, const simd_opinfo *info)
{
  /* " 00004b: fd 09 02 00                | v128.load32_splat 2 0" */
  const char *bytes = strchr (line, ':'), *text = strchr (line, '|');
  if (!bytes || !text)
    return 0;
  unsigned b[4] = { 0 };
  int nb = sscanf (bytes + 1, "%x %x %x", &b[0], &b[1], &b[2]);
  if (nb < 2 || b[0] != 0xfd)
    return 0;
  uint32_t decoded = b[1] & 0x7f;
  if (b[1] & 0x80)
    decoded |= (b[2] & 0x7f) << 7;
  char name[64];
  unsigned imm1 = 0, imm2 = 0, imm3 = 0;
  int nimm = sscanf (text + 1, "%63s %u %u %u", name, &imm1, &imm2, &imm3) - 1;
  if (decoded != opcode || strcmp (name, info->name) != 0)
    {
      printf ("# 0x%02x %s: wabt says 0x%02x %s\n", opcode, info->name, decoded, name);
      return 0;
    }
  switch (info->imm)
    {
    case SIMD_IMM_MEMARG:
      return nimm == 2 && imm1 == log2_of (info->mem_bytes) && imm2 == 0;
    case SIMD_IMM_MEMARG_LANE:
      return nimm == 3 && imm1 == log2_of (info->mem_bytes) && imm2 == 0
             && imm3 == info->lanes - 1u;
    case SIMD_IMM_LANE:
      return nimm == 1 && imm1 == info->lanes - 1u;
    default:
      return 1;
    }
}

int main (void)
{
  if (run ("command -v wat2wasm >/dev/null && command -v wasm-objdump >/dev/null") != 0)
    {
      printf ("ok 1 # skip wabt (wat2wasm, wasm-objdump) not installed\n");
      return tap_done ();
    }
  char dir[] = "/tmp/simd-wabt-XXXXXX";
  if (!mkdtemp (dir))
    return perror ("mkdtemp"), 1;
  char path[256], cmd[1024];

  uint32_t opcodes[256];
  int count = 0;
  snprintf (path, sizeof path, "%s/all.wat", dir);
  FILE *f = fopen (path, "w");
  fprintf (f, "(module\n  (memory 1)\n");
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info)
        continue;
      write_func (f, info, info->lanes ? info->lanes - 1u : 0);
      opcodes[count++] = op;
    }
  fprintf (f, ")\n");
  fclose (f);

  snprintf (cmd, sizeof cmd, "wat2wasm %s/all.wat -o %s/all.wasm 2>&1 | head -20 | sed 's/^/# /'"
            " && test -s %s/all.wasm", dir, dir, dir);
  tap_ok (run (cmd) == 0, "wat2wasm validates every op with the table's types and immediates");

  snprintf (cmd, sizeof cmd, "wasm-objdump -d %s/all.wasm", dir);
  FILE *dis = popen (cmd, "r");
  int func = -1, checked = 0, matched = 0, seen_fd = 0;
  char line[512];
  while (dis && fgets (line, sizeof line, dis))
    {
      if (strstr (line, " func[") && !strchr (line, '|'))
        {
          func++;
          seen_fd = 0;
          continue;
        }
      const char *bar = strchr (line, '|');
      if (func < 0 || func >= count || seen_fd || !bar || !strstr (line, ": fd "))
        continue;
      seen_fd = 1;
      checked++;
      if (check_disassembly (line, opcodes[func], simd_opinfo_get (opcodes[func])))
        matched++;
      else
        printf ("# mismatch: %s", line);
    }
  if (dis)
    pclose (dis);
  tap_eq_int (checked, 236, "wasm-objdump shows one 0xFD instruction per function");
  tap_eq_int (matched, checked, "opcode, name, alignment and lane match wabt for every op");

  int lane_ops = 0, rejected = 0;
  for (int i = 0; i < count; i++)
    {
      const simd_opinfo *info = simd_opinfo_get (opcodes[i]);
      if (!info->lanes)
        continue;
      lane_ops++;
      snprintf (path, sizeof path, "%s/lane.wat", dir);
      f = fopen (path, "w");
      fprintf (f, "(module\n  (memory 1)\n");
      write_func (f, info, info->lanes);
      fprintf (f, ")\n");
      fclose (f);
      snprintf (cmd, sizeof cmd, "wat2wasm %s -o %s/lane.wasm >/dev/null 2>&1", path, dir);
      if (run (cmd) != 0)
        rejected++;
      else
        printf ("# %s accepts lane %u\n", info->name, info->lanes);
    }
  tap_ok (lane_ops == 22 && rejected == lane_ops,
          "wat2wasm rejects lane == lanes for all %d lane ops", lane_ops);

  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  run (cmd);
  return tap_done ();
}
