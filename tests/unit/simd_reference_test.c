/* Differential test of the SIMD op functions against two independent engines: wabt's
 * interpreter (wasm-interp, which computes in C like us) and V8 (node, which compiles to
 * machine SIMD instructions). For every op it builds functions that apply the op to
 * constant operands (random bits mixed with edge values: NaNs, zeros, infinities, integer
 * limits, rounding ties, conversion bounds; memory ops load from random data and store
 * into a scratch area that is read back), runs them all in each engine, and compares each
 * result with what the op function gives when driven as simd.h describes.
 *
 * Float lanes of arithmetic results compare as "both NaN" when the engine gives a NaN (the
 * spec lets NaN payloads differ), with ours required to be quiet, and canonical when the
 * inputs' NaNs in that lane are (the spec's nan:canonical rule); everything else,
 * including abs/neg/pmin/pmax/lane moves of NaNs, must match bit for bit. Results cross to
 * the text side as integers (float scalars reinterpreted) so no bits are lost.
 *
 * SIMD_REFERENCE_SEED and SIMD_REFERENCE_CASES (per op) override the defaults; an engine
 * that is not installed is skipped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasm/simd.h"
#include "tap.h"

typedef struct test_case {
  uint32_t opcode;
  wasm_v128 operands[3];      /* a memory op's address operand is unused: see below */
  uint8_t imm[16];
  uint32_t address, offset;   /* memory ops: effective address = address + offset */
} test_case;

/* Memory ops load from DATA_SIZE random bytes at DATA_BASE and store into the zeroed
 * 16 bytes at SCRATCH, which the function then loads back as its result. */
#define DATA_BASE 1024
#define DATA_SIZE 64
#define SCRATCH 2048
static uint8_t data[DATA_SIZE];

static uint64_t rng_state;

static uint64_t rng (void)
{
  /* xorshift64*: reproducible from the seed. */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * UINT64_C (2685821657736338717);
}

static uint64_t pick (const uint64_t *values, size_t n)
{
  return values[rng () % n];
}

#define PICK(values) pick (values, sizeof values / sizeof values[0])

static const uint64_t f32_edges[] = {
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
  0xffc00000, 0x7fa00000, 0xffa00001, 0x7fc12345, 0x00000001, 0x807fffff, 0x3fc00000,
  0x40200000, 0xbf000000, 0xbfc00000, 0x3f000001, 0x4f000000, 0xcf000000, 0xcf000001,
  0x4effffff, 0x4f800000, 0x4f7fffff, 0x7f7fffff, 0xff7fffff, 0x4b000001, 0x4affffff,
  0xbf7fffff, 0x3effffff,
};

static const uint64_t f64_edges[] = {
  0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000,
  0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
  0x7ff4000000000000, 0xfff0000000000001, 0x7ff8000012345678, 0x0000000000000001,
  0x41e0000000000000, 0xc1e0000000000000, 0xc1e0000000200000, 0xc1e00000001fffff,
  0x41dfffffffe00000, 0x41dfffffffffffff, 0x41f0000000000000, 0x41efffffffffffff,
  0x41effffffffe0000, 0x3fe0000000000000, 0xbfe0000000000000, 0x4004000000000000,
  0x3ff0000010000000, 0x3ff0000030000000, 0x3ff0000010000001, 0x47efffffe0000000,
  0x47efffffefffffff, 0x7fefffffffffffff, 0x36a0000000000000, 0x4330000000000001,
  0xbfefffffffffffff,
};

static const uint64_t int16_edges[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7ffe, 0x7fff,
                                        0x8000, 0x8001, 0xff7f, 0xff80, 0xfffe, 0xffff,
                                        0x4000, 0xc000, 0x00ff, 0x0101 };

static const uint64_t int8_edges[] = { 0, 1, 2, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40 };

static const uint64_t int32_edges[] = { 0, 1, 0x7fffffff, 0x80000000, 0x80000001,
                                        0xffffffff, 0xfffffffe, 0x00007fff, 0xffff8000,
                                        0x00008000, 0x0000ffff, 0x00010000 };

/* The float shape an op reads, if any: 32, 64 or 0. */
static int float_input_bits (const char *name)
{
  if (strstr (name, "f32x4.demote") || strstr (name, "_f64x2"))
    return 64;
  if (strstr (name, "f64x2.promote") || strstr (name, "_f32x4"))
    return 32;
  if (strstr (name, "convert"))
    return 0;
  return strncmp (name, "f32x4.", 6) == 0 ? 32 : strncmp (name, "f64x2.", 6) == 0 ? 64 : 0;
}

/* A vector whose 64-bit halves each mix one flavour of edge value or random bits; ops that
 * read floats get their shape's edge values half of the time. */
static wasm_v128 random_v128 (const char *name)
{
  wasm_v128 v;
  int float_bits = float_input_bits (name);
  for (int half = 0; half < 2; half++)
    {
      uint64_t bits = 0;
      unsigned flavour = rng () % 7;
      if (float_bits && rng () % 2)
        flavour = float_bits == 32 ? 1 : 2;
      switch (flavour)
        {
        case 0:
          bits = rng ();
          break;
        case 1:
          bits = PICK (f32_edges) | PICK (f32_edges) << 32;
          break;
        case 2:
          bits = PICK (f64_edges);
          break;
        case 3:
          for (int i = 0; i < 8; i++)
            bits |= PICK (int8_edges) << (8 * i);
          break;
        case 4:
          for (int i = 0; i < 4; i++)
            bits |= PICK (int16_edges) << (16 * i);
          break;
        case 5:
          bits = PICK (int32_edges) | PICK (int32_edges) << 32;
          break;
        case 6:
          bits = rng () & (rng () >> (rng () % 64)); /* sparse: small values, shift counts */
          break;
        }
      v.u64[half] = bits;
    }
  return v;
}

static wasm_v128 random_scalar (wasm_valtype type, const char *name)
{
  wasm_v128 v = { 0 };
  int is_shift = strstr (name, ".sh") != NULL;
  switch (type)
    {
    case WASM_I32:
      v.u32[0] = is_shift ? (rng () % 3 ? rng () % 80 : (uint32_t) rng ())
                 : rng () % 2 ? (uint32_t) rng () : PICK (int32_edges);
      break;
    case WASM_I64:
      v.u64[0] = rng () % 2 ? rng () : PICK (int32_edges) * 0x100000001;
      break;
    case WASM_F32:
      v.u32[0] = rng () % 2 ? (uint32_t) rng () : PICK (f32_edges);
      break;
    case WASM_F64:
      v.u64[0] = rng () % 2 ? rng () : PICK (f64_edges);
      break;
    default:
      return random_v128 (name);
    }
  return v;
}

/* ---- Text ------------------------------------------------------------------------------- */

static void write_operand (FILE *f, wasm_valtype type, const wasm_v128 *v)
{
  switch (type)
    {
    case WASM_I32:
      fprintf (f, " (i32.const 0x%" PRIx32 ")", v->u32[0]);
      break;
    case WASM_I64:
      fprintf (f, " (i64.const 0x%" PRIx64 ")", v->u64[0]);
      break;
    case WASM_F32:
      fprintf (f, " (f32.reinterpret_i32 (i32.const 0x%" PRIx32 "))", v->u32[0]);
      break;
    case WASM_F64:
      fprintf (f, " (f64.reinterpret_i64 (i64.const 0x%" PRIx64 "))", v->u64[0]);
      break;
    default:
      fprintf (f, " (v128.const i32x4 0x%" PRIx32 " 0x%" PRIx32 " 0x%" PRIx32 " 0x%" PRIx32 ")",
               v->u32[0], v->u32[1], v->u32[2], v->u32[3]);
      break;
    }
}

/* Function fN applies the op. It returns the result (as an integer for float scalars), or
 * with `to_memory` stores it at address 0 instead: V8's JS API cannot return a v128. */
/* A store (lane) op: clear the scratch bytes, store, load them back as the v128 result. */
static void write_store_case (FILE *f, int index, const test_case *tc, int to_memory)
{
  const simd_opinfo *info = simd_opinfo_get (tc->opcode);
  fprintf (f, "  (func (export \"f%d\")%s\n", index, to_memory ? "" : " (result v128)");
  fprintf (f, "    (v128.store (i32.const %d) (v128.const i64x2 0 0))\n", SCRATCH);
  fprintf (f, "    (%s offset=%" PRIu32, info->name, tc->offset);
  if (info->imm == SIMD_IMM_MEMARG_LANE)
    fprintf (f, " %u", tc->imm[0]);
  fprintf (f, " (i32.const %" PRIu32 ")", tc->address);
  write_operand (f, WASM_V128, &tc->operands[1]);
  fprintf (f, ")\n");
  if (to_memory)
    fprintf (f, "    (v128.store (i32.const 0) (v128.load (i32.const %d))))\n", SCRATCH);
  else
    fprintf (f, "    (v128.load (i32.const %d)))\n", SCRATCH);
}

static void write_case (FILE *f, int index, const test_case *tc, int to_memory)
{
  const simd_opinfo *info = simd_opinfo_get (tc->opcode);
  if (info->is_store)
    {
      write_store_case (f, index, tc, to_memory);
      return;
    }
  wasm_valtype result = info->result;
  int reinterpreted = result == WASM_F32 || result == WASM_F64;
  const char *int_type = result == WASM_F32 || result == WASM_I32 ? "i32"
                         : result == WASM_F64 || result == WASM_I64 ? "i64" : "v128";
  fprintf (f, "  (func (export \"f%d\")", index);
  if (to_memory)
    fprintf (f, " (%s.store (i32.const 0) ", int_type);
  else
    fprintf (f, " (result %s) ", int_type);
  if (reinterpreted)
    fprintf (f, "(%s ", result == WASM_F32 ? "i32.reinterpret_f32" : "i64.reinterpret_f64");
  fprintf (f, "(%s", info->name);
  if (info->mem_bytes)
    fprintf (f, " offset=%" PRIu32, tc->offset);
  if (info->imm == SIMD_IMM_LANE || info->imm == SIMD_IMM_MEMARG_LANE)
    fprintf (f, " %u", tc->imm[0]);
  else if (info->imm == SIMD_IMM_SHUFFLE)
    for (int i = 0; i < 16; i++)
      fprintf (f, " %u", tc->imm[i]);
  else if (info->imm == SIMD_IMM_V128)
    {
      fprintf (f, " i8x16");
      for (int i = 0; i < 16; i++)
        fprintf (f, " 0x%02x", tc->imm[i]);
    }
  if (info->mem_bytes)
    fprintf (f, " (i32.const %" PRIu32 ")", tc->address);
  for (int i = info->mem_bytes ? 1 : 0; i < info->nparams; i++)
    write_operand (f, info->params[i], &tc->operands[i]);
  fprintf (f, ")%s%s)\n", reinterpreted ? ")" : "", to_memory ? ")" : "");
}

/* ---- Comparison ------------------------------------------------------------------------- */

/* Ops whose float lanes are the result of IEEE arithmetic, so NaN payloads may differ. */
static int nan_payload_free (const char *name)
{
  static const char *const ops[] = { ".add", ".sub", ".mul", ".div", ".sqrt", ".min", ".max",
                                     ".ceil", ".floor", ".trunc", ".nearest", ".demote",
                                     ".promote" };
  if (strncmp (name, "f32x4.", 6) != 0 && strncmp (name, "f64x2.", 6) != 0)
    return 0;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    {
      size_t n = strlen (ops[i]);
      if (strncmp (name + 5, ops[i], n) == 0 && (name[5 + n] == '\0' || name[5 + n] == '_'))
        return 1;
    }
  return 0;
}

typedef enum nan_kind { NOT_NAN, CANONICAL_NAN, OTHER_NAN } nan_kind;

static nan_kind lane_nan_kind (const wasm_v128 *v, int lane, int is_f64)
{
  uint64_t bits = is_f64 ? v->u64[lane] : v->u32[lane];
  uint64_t magnitude = bits & (is_f64 ? UINT64_C (0x7fffffffffffffff) : 0x7fffffff);
  uint64_t inf = is_f64 ? UINT64_C (0x7ff0000000000000) : 0x7f800000;
  uint64_t canonical = is_f64 ? UINT64_C (0x7ff8000000000000) : 0x7fc00000;
  return magnitude <= inf ? NOT_NAN : magnitude == canonical ? CANONICAL_NAN : OTHER_NAN;
}

/* Compares our result with the engine's. Where NaN payloads are free, a NaN lane must be
 * a NaN in both, and ours must also follow the spec's rule on its own: quiet (arithmetic),
 * and canonical unless an input NaN in that lane was not. */
static int lanes_match (const test_case *tc, const wasm_v128 *ours, const wasm_v128 *theirs)
{
  const simd_opinfo *info = simd_opinfo_get (tc->opcode);
  if (!nan_payload_free (info->name))
    return memcmp (ours, theirs, sizeof *ours) == 0;
  /* demote turns f64 lanes into f32 lanes, promote the reverse; the rest keep the shape. */
  int out_f64 = strncmp (info->name, "f64x2.", 6) == 0;
  int in_f64 = strstr (info->name, "demote") ? 1 : strstr (info->name, "promote") ? 0 : out_f64;
  for (int i = 0; i < (out_f64 ? 2 : 4); i++)
    {
      nan_kind o = lane_nan_kind (ours, i, out_f64), t = lane_nan_kind (theirs, i, out_f64);
      if (t == NOT_NAN || o == NOT_NAN)
        {
          if (out_f64 ? ours->u64[i] != theirs->u64[i] : ours->u32[i] != theirs->u32[i])
            return 0;
          continue;
        }
      uint64_t bits = out_f64 ? ours->u64[i] : ours->u32[i];
      uint64_t quiet = out_f64 ? UINT64_C (0x7ff8000000000000) : 0x7fc00000;
      if ((bits & quiet) != quiet)
        return 0;
      int inputs_canonical = 1;
      for (int k = 0; k < info->nparams; k++)
        if (i < (in_f64 ? 2 : 4) && lane_nan_kind (&tc->operands[k], i, in_f64) == OTHER_NAN)
          inputs_canonical = 0;
      if (inputs_canonical && o != CANONICAL_NAN)
        return 0;
    }
  return 1;
}

/* Parses "fN() => v128 i32x4:0x... 0x... 0x... 0x..." or "fN() => i32:123". */
static int parse_result (const char *line, int *index, wasm_v128 *out)
{
  memset (out, 0, sizeof *out);
  const char *arrow = strstr (line, "() => ");
  if (line[0] != 'f' || !arrow)
    return 0;
  *index = atoi (line + 1);
  const char *value = arrow + 6;
  if (strncmp (value, "v128 i32x4:", 11) == 0)
    return sscanf (value + 11, "%" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32, &out->u32[0],
                   &out->u32[1], &out->u32[2], &out->u32[3]) == 4;
  if (strncmp (value, "i32:", 4) == 0)
    return (out->u32[0] = strtoul (value + 4, NULL, 10)), 1;
  if (strncmp (value, "i64:", 4) == 0)
    return (out->u64[0] = strtoull (value + 4, NULL, 10)), 1;
  return 0;
}

/* What the op functions give, driven the way simd.h says the engine drives them. */
static void our_result (const test_case *tc, wasm_v128 *out)
{
  const simd_opinfo *info = simd_opinfo_get (tc->opcode);
  const uint8_t *imm = info->imm == SIMD_IMM_NONE || info->imm == SIMD_IMM_MEMARG ? NULL
                       : tc->imm;
  if (!info->mem_bytes)
    {
      info->fn (out, &tc->operands[0], &tc->operands[1], &tc->operands[2], imm);
      return;
    }
  uint32_t at = tc->address + tc->offset;
  wasm_v128 bytes = { 0 };
  if (!info->is_store)
    {
      memcpy (&bytes, data + (at - DATA_BASE), info->mem_bytes);
      info->fn (out, info->nparams > 1 ? &tc->operands[1] : NULL, &bytes, NULL, imm);
      return;
    }
  if (info->fn)
    info->fn (&bytes, &tc->operands[1], NULL, NULL, imm);
  else
    bytes = tc->operands[1];
  memset (out, 0, sizeof *out);
  memcpy (&out->u8[at - SCRATCH], &bytes, info->mem_bytes);
}

/* V8 runs the module through the JS API and prints what each function stored in the same
 * format wasm-interp uses for a v128 result. */
static const char node_runner[] =
  "const fs = require ('fs');\n"
  "const bytes = fs.readFileSync (process.argv[2]);\n"
  "const wasm = new WebAssembly.Instance (new WebAssembly.Module (bytes), {}).exports;\n"
  "const slot = new Uint32Array (wasm.mem.buffer, 0, 4);\n"
  "const lines = [];\n"
  "for (let i = 0; wasm['f' + i]; i++) {\n"
  "  slot.fill (0);\n"
  "  wasm['f' + i] ();\n"
  "  lines.push ('f' + i + '() => v128 i32x4:'\n"
  "              + Array.from (slot, w => '0x' + w.toString (16).padStart (8, '0')).join (' '));\n"
  "}\n"
  "console.log (lines.join ('\\n'));\n";

typedef struct reference {
  const char *name, *tools; /* tools: a shell test that the engine is installed */
  int to_memory;            /* results are stored to memory rather than returned */
  const char *run;          /* command; %s is the temporary directory */
} reference;

static const reference references[] = {
  { "wabt's interpreter", "command -v wasm-interp", 0,
    "wasm-interp --run-all-exports %s/cases.wasm" },
  { "V8 (node)", "command -v node", 1, "node %s/run.cjs %s/cases.wasm" },
};

/* V8 limits a module to 100,000 exports. */
#define CASES_PER_MODULE 50000

/* Runs cases [0, ncases) (at most CASES_PER_MODULE) in one module on the engine and
 * compares each result; returns -1 if the module could not be built. */
static int run_batch (const reference *ref, const test_case *cases, int ncases,
                      const char *dir, int *compared, int *mismatches, int *op_failures)
{
  char path[256], cmd[1024];
  snprintf (path, sizeof path, "%s/cases.wat", dir);
  FILE *f = fopen (path, "w");
  fprintf (f, "(module\n  (memory (export \"mem\") 1)\n  (data (i32.const %d) \"", DATA_BASE);
  for (int i = 0; i < DATA_SIZE; i++)
    fprintf (f, "\\%02x", data[i]);
  fprintf (f, "\")\n");
  for (int i = 0; i < ncases; i++)
    write_case (f, i, &cases[i], ref->to_memory);
  fprintf (f, ")\n");
  fclose (f);
  snprintf (cmd, sizeof cmd, "rm -f %s/cases.wasm; wat2wasm %s -o %s/cases.wasm 2>&1 | head -5 "
            "| sed 's/^/# /'; test -s %s/cases.wasm", dir, path, dir, dir);
  if (system (cmd) != 0)
    return -1;

  snprintf (cmd, sizeof cmd, ref->run, dir, dir);
  FILE *out = popen (cmd, "r");
  char line[512];
  while (out && fgets (line, sizeof line, out))
    {
      int index;
      wasm_v128 theirs, ours;
      if (!parse_result (line, &index, &theirs) || index < 0 || index >= ncases)
        continue;
      const test_case *tc = &cases[index];
      const simd_opinfo *info = simd_opinfo_get (tc->opcode);
      our_result (tc, &ours);
      ++*compared;
      if (lanes_match (tc, &ours, &theirs))
        continue;
      op_failures[tc->opcode]++;
      if ((*mismatches)++ < 20)
        {
          printf ("# %s f%d:", info->name, index);
          for (int i = 0; i < info->nparams; i++)
            printf (" %08" PRIx32 "%08" PRIx32 "%08" PRIx32 "%08" PRIx32, tc->operands[i].u32[3],
                    tc->operands[i].u32[2], tc->operands[i].u32[1], tc->operands[i].u32[0]);
          printf ("\n#   them %08" PRIx32 "%08" PRIx32 "%08" PRIx32 "%08" PRIx32
                  "\n#   ours %08" PRIx32 "%08" PRIx32 "%08" PRIx32 "%08" PRIx32 "\n",
                  theirs.u32[3], theirs.u32[2], theirs.u32[1], theirs.u32[0], ours.u32[3],
                  ours.u32[2], ours.u32[1], ours.u32[0]);
        }
    }
  if (out)
    pclose (out);
  return 0;
}

/* Runs every case on one engine and reports one TAP line. */
static void check_against (const reference *ref, const test_case *cases, int ncases,
                           const char *dir)
{
  char cmd[256];
  snprintf (cmd, sizeof cmd, "%s >/dev/null", ref->tools);
  if (system (cmd) != 0)
    {
      printf ("ok %d # skip %s is not installed\n", ++tap_n, ref->name);
      return;
    }
  int op_failures[256] = { 0 };
  int compared = 0, mismatches = 0;
  for (int start = 0; start < ncases; start += CASES_PER_MODULE)
    {
      int n = ncases - start < CASES_PER_MODULE ? ncases - start : CASES_PER_MODULE;
      if (run_batch (ref, cases + start, n, dir, &compared, &mismatches, op_failures) < 0)
        {
          tap_ok (0, "wat2wasm accepts the cases for %s", ref->name);
          return;
        }
    }
  for (uint32_t op = 0; op < 256; op++)
    if (op_failures[op])
      printf ("# %s: %d mismatches\n", simd_opinfo_get (op)->name, op_failures[op]);
  tap_ok (compared == ncases && mismatches == 0,
          "%s: %d of %d cases compared, %d mismatches", ref->name, compared, ncases,
          mismatches);
}

int main (void)
{
  if (system ("command -v wat2wasm >/dev/null") != 0)
    {
      printf ("ok 1 # skip wabt's wat2wasm is not installed\n");
      return tap_done ();
    }
  const char *seed_env = getenv ("SIMD_REFERENCE_SEED");
  const char *cases_env = getenv ("SIMD_REFERENCE_CASES");
  rng_state = seed_env ? strtoull (seed_env, NULL, 0) : UINT64_C (0x5eed5eed5eed);
  if (rng_state == 0)
    rng_state = 1;
  int per_op = cases_env ? atoi (cases_env) : 60;
  printf ("# seed 0x%" PRIx64 ", %d cases per op\n", rng_state, per_op);

  for (int i = 0; i < DATA_SIZE; i++)
    data[i] = rng ();
  test_case *cases = calloc (256 * (size_t) per_op, sizeof *cases);
  int ncases = 0;
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info)
        continue;
      for (int k = 0; k < per_op; k++)
        {
          test_case *tc = &cases[ncases++];
          tc->opcode = op;
          for (int i = 0; i < info->nparams; i++)
            tc->operands[i] = random_scalar (info->params[i], info->name);
          if (info->lanes)
            tc->imm[0] = rng () % info->lanes;
          if (info->mem_bytes)
            {
              /* Any in-bounds spot, split between the address and the offset immediate. */
              uint32_t base = info->is_store ? SCRATCH : DATA_BASE;
              uint32_t room = info->is_store ? 16 : DATA_SIZE;
              uint32_t at = base + rng () % (room - info->mem_bytes + 1);
              tc->offset = rng () % 2 ? rng () % (at + 1) : 0;
              tc->address = at - tc->offset;
            }
          for (int i = 0; i < 16; i++)
            {
              if (info->imm == SIMD_IMM_SHUFFLE)
                tc->imm[i] = rng () % 32;
              else if (info->imm == SIMD_IMM_V128)
                tc->imm[i] = rng ();
            }
        }
    }

  char dir[] = "/tmp/simd-reference-XXXXXX", path[256], cmd[300];
  if (!mkdtemp (dir))
    return perror ("mkdtemp"), 1;
  snprintf (path, sizeof path, "%s/run.cjs", dir);
  FILE *js = fopen (path, "w");
  fputs (node_runner, js);
  fclose (js);
  for (size_t i = 0; i < sizeof references / sizeof references[0]; i++)
    check_against (&references[i], cases, ncases, dir);

  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  if (system (cmd) != 0)
    printf ("# could not remove %s\n", dir);
  free (cases);
  return tap_done ();
}
