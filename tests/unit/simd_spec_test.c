/* The SIMD op functions against the official spec suite's expectations (simd_*.json from
 * wast2json). The engine is not involved: this test decodes each module itself and runs the
 * exported functions whose bodies are straight-line SIMD code (calls, local and global
 * get/set, scalar and v128 constants, 0xFD ops, drop, select, and i32/i64.load to read back
 * stores) on a small model of linear memory (memory section, active data segments),
 * calling the op functions exactly as simd.h says the engine will.
 * Every assert_return / assert_trap on such a function is checked, lane by lane, with the
 * spec's NaN classes. A function whose body is only `local.get 0..n-1; op` is a single-op
 * export: its assertions test that op alone and are counted per op (the table is printed
 * with SIMD_SPEC_COVERAGE=1).
 *
 * Spec data: $RUNWASM_SPEC_JSON, else tests/spec/json, else /work/shared/wasm-spec/json. */
#include <dirent.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "wasm/simd.h"
#include "tap.h"

#define MAX_CODE 256    /* instructions in one supported body */
#define MAX_STACK 16
#define MAX_LOCALS 16
#define MAX_GLOBALS 16
#define MAX_FAIL_REPORTS 30

typedef struct insn {
  uint8_t opcode;             /* 0xfd for SIMD, else the core opcode */
  uint32_t simd_op;
  uint32_t index;             /* local index */
  uint64_t offset;            /* memarg offset */
  uint8_t imm[16];            /* scalar const bits, lane, v128 const or shuffle lanes */
} insn;

typedef struct func {
  uint32_t nparams, nresults, nlocals;
  wasm_valtype locals[MAX_LOCALS]; /* params first */
  wasm_valtype results[4];
  int supported;              /* straight-line code this test can run */
  int may_write;              /* might change memory or globals (see decode_body) */
  int single_op;              /* -1, or the SIMD op a single-op export applies */
  uint32_t ncode;
  insn code[MAX_CODE];
} func;

typedef struct export {
  char *name;
  uint32_t func_index;
} export;

typedef struct module {
  func *funcs;
  uint32_t nfuncs, nimported;
  export *exports;
  uint32_t nexports;
  uint8_t *memory;
  uint64_t memory_size;
  int memory_supported;       /* no imported memory, every data segment understood */
  int has_other_imports;      /* imports other than functions: globals are not modelled */
  wasm_v128 globals[MAX_GLOBALS];
  uint32_t nglobals;
} module;

/* ---- Binary reader ---------------------------------------------------------------------- */

typedef struct reader {
  const uint8_t *p, *end;
  int bad;
} reader;

static uint64_t read_leb (reader *r, int is_signed, int bits)
{
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t byte;
  do
    {
      if (r->p >= r->end)
        {
          r->bad = 1;
          return 0;
        }
      byte = *r->p++;
      if (shift < 64)
        v |= (uint64_t) (byte & 0x7f) << shift;
      shift += 7;
    }
  while (byte & 0x80);
  if (is_signed && shift < 64 && (byte & 0x40))
    v |= ~UINT64_C (0) << shift;
  if (bits == 32)
    v &= 0xffffffff;
  return v;
}

static uint8_t read_byte (reader *r)
{
  if (r->p >= r->end)
    {
      r->bad = 1;
      return 0;
    }
  return *r->p++;
}

static void read_bytes (reader *r, void *out, size_t n)
{
  if ((size_t) (r->end - r->p) < n)
    {
      r->bad = 1;
      memset (out, 0, n);
      return;
    }
  memcpy (out, r->p, n);
  r->p += n;
}

/* Decodes one function body; leaves f->supported = 0 on anything but straight-line code. */
static void decode_body (reader *r, func *f)
{
  /* Every instruction's opcode bytes are in the body, so a body without those of calls,
   * global.set, scalar stores and SIMD stores cannot write state; immediates only add false
   * alarms. (memory.grow and bulk memory ops also write, but no simd_* script uses them:
   * 0x40 and 0xFC would flag every block.) */
  static const uint8_t writers[] = { 0x10, 0x11, 0x24, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
                                     0x3c, 0x3d, 0x3e };
  for (const uint8_t *p = r->p; p < r->end; p++)
    {
      int simd_store = *p == 0xfd && p + 1 < r->end
                       && (p[1] == 0x0b || (p[1] >= 0x58 && p[1] <= 0x5b));
      f->may_write |= simd_store || memchr (writers, *p, sizeof writers) != NULL;
    }

  uint32_t ngroups = read_leb (r, 0, 32);
  for (uint32_t g = 0; g < ngroups && !r->bad; g++)
    {
      uint32_t n = read_leb (r, 0, 32);
      wasm_valtype t = read_byte (r);
      for (uint32_t k = 0; k < n; k++)
        {
          if (f->nlocals >= MAX_LOCALS)
            return;
          f->locals[f->nlocals++] = t;
        }
    }
  while (!r->bad && r->p < r->end && f->ncode < MAX_CODE)
    {
      insn *in = &f->code[f->ncode];
      memset (in, 0, sizeof *in);
      in->opcode = read_byte (r);
      switch (in->opcode)
        {
        case 0x0b: /* end: only the body's own, since blocks are not supported */
          f->supported = r->p == r->end;
          return;
        case 0x1a: /* drop */
        case 0x1b: /* select */
          break;
        case 0x10: /* call */
        case 0x23: case 0x24: /* global.get/set */
          in->index = read_leb (r, 0, 32);
          break;
        case 0x28: case 0x29: /* i32.load, i64.load: to read back what SIMD stores wrote */
          read_leb (r, 0, 32);
          in->offset = read_leb (r, 0, 32);
          break;
        case 0x20: case 0x21: case 0x22: /* local.get/set/tee */
          in->index = read_leb (r, 0, 32);
          if (in->index >= f->nlocals)
            return;
          break;
        case 0x41:
          {
            uint32_t v = read_leb (r, 1, 32);
            memcpy (in->imm, &v, 4);
            break;
          }
        case 0x42:
          {
            uint64_t v = read_leb (r, 1, 64);
            memcpy (in->imm, &v, 8);
            break;
          }
        case 0x43:
          read_bytes (r, in->imm, 4);
          break;
        case 0x44:
          read_bytes (r, in->imm, 8);
          break;
        case 0xfd:
          {
            in->simd_op = read_leb (r, 0, 32);
            const simd_opinfo *info = simd_opinfo_get (in->simd_op);
            if (!info)
              return;
            if (info->imm == SIMD_IMM_MEMARG || info->imm == SIMD_IMM_MEMARG_LANE)
              {
                read_leb (r, 0, 32); /* alignment: a hint, no effect on results */
                in->offset = read_leb (r, 0, 32);
              }
            if (info->imm == SIMD_IMM_LANE || info->imm == SIMD_IMM_MEMARG_LANE)
              in->imm[0] = read_byte (r);
            if (info->imm == SIMD_IMM_V128 || info->imm == SIMD_IMM_SHUFFLE)
              read_bytes (r, in->imm, 16);
            break;
          }
        default:
          return;
        }
      f->ncode++;
    }
}

/* Single-op export: local.get 0 .. local.get n-1, one SIMD op, nothing else. */
static int single_op_of (const func *f)
{
  if (!f->supported || f->ncode != f->nparams + 1 || f->code[f->nparams].opcode != 0xfd)
    return -1;
  for (uint32_t i = 0; i < f->nparams; i++)
    if (f->code[i].opcode != 0x20 || f->code[i].index != i)
      return -1;
  return f->code[f->nparams].simd_op;
}

static int decode_module (const uint8_t *bytes, size_t len, module *m)
{
  memset (m, 0, sizeof *m);
  m->memory_supported = 1;
  reader r = { bytes + 8, bytes + len, len < 8 };
  uint32_t ntypes = 0;
  func *types = NULL;
  uint32_t *func_types = NULL;
  while (!r.bad && r.p < r.end)
    {
      uint8_t id = read_byte (&r);
      uint32_t size = read_leb (&r, 0, 32);
      if (r.bad || size > (size_t) (r.end - r.p))
        break;
      reader s = { r.p, r.p + size, 0 };
      r.p += size;
      switch (id)
        {
        case 1: /* types */
          ntypes = read_leb (&s, 0, 32);
          types = calloc (ntypes, sizeof *types);
          for (uint32_t i = 0; i < ntypes && !s.bad; i++)
            {
              read_byte (&s); /* 0x60 */
              types[i].nparams = read_leb (&s, 0, 32);
              for (uint32_t k = 0; k < types[i].nparams; k++)
                {
                  wasm_valtype t = read_byte (&s);
                  if (k < MAX_LOCALS)
                    types[i].locals[k] = t;
                }
              types[i].nresults = read_leb (&s, 0, 32);
              for (uint32_t k = 0; k < types[i].nresults; k++)
                {
                  wasm_valtype t = read_byte (&s);
                  if (k < 4)
                    types[i].results[k] = t;
                }
            }
          break;
        case 2: /* imports: only function imports shift the function index space */
          {
            uint32_t n = read_leb (&s, 0, 32);
            for (uint32_t i = 0; i < n && !s.bad; i++)
              {
                for (int k = 0; k < 2; k++)
                  s.p += read_leb (&s, 0, 32);
                uint8_t kind = read_byte (&s);
                if (kind == 0)
                  {
                    read_leb (&s, 0, 32);
                    m->nimported++;
                  }
                else
                  {
                    m->memory_supported = 0;
                    m->has_other_imports = 1;
                    break;
                  }
              }
            break;
          }
        case 3: /* functions */
          m->nfuncs = read_leb (&s, 0, 32);
          func_types = calloc (m->nfuncs, sizeof *func_types);
          for (uint32_t i = 0; i < m->nfuncs; i++)
            func_types[i] = read_leb (&s, 0, 32);
          break;
        case 5: /* memory */
          if (read_leb (&s, 0, 32) >= 1)
            {
              uint8_t flags = read_byte (&s);
              uint64_t min = read_leb (&s, 0, 32);
              if (flags & 1)
                read_leb (&s, 0, 32);
              m->memory_size = min * 65536;
              m->memory = calloc (1, m->memory_size ? m->memory_size : 1);
            }
          break;
        case 6: /* globals initialised by one constant */
          {
            uint32_t n = read_leb (&s, 0, 32);
            for (uint32_t i = 0; i < n && i < MAX_GLOBALS && !s.bad; i++)
              {
                wasm_v128 *g = &m->globals[m->nglobals++];
                read_byte (&s); /* type */
                read_byte (&s); /* mutability */
                uint8_t op = read_byte (&s);
                memset (g, 0, sizeof *g);
                if (op == 0x41 || op == 0x42)
                  g->u64[0] = read_leb (&s, 1, op == 0x41 ? 32 : 64);
                else if (op == 0x43 || op == 0x44)
                  read_bytes (&s, g, op == 0x43 ? 4 : 8);
                else if (op == 0xfd && read_leb (&s, 0, 32) == 0x0c)
                  read_bytes (&s, g, 16);
                else
                  s.bad = 1;
                read_byte (&s); /* end */
              }
            break;
          }
        case 7: /* exports */
          m->nexports = read_leb (&s, 0, 32);
          m->exports = calloc (m->nexports, sizeof *m->exports);
          for (uint32_t i = 0; i < m->nexports && !s.bad; i++)
            {
              uint32_t n = read_leb (&s, 0, 32);
              m->exports[i].name = calloc (1, n + 1);
              read_bytes (&s, m->exports[i].name, n);
              uint8_t kind = read_byte (&s);
              uint32_t index = read_leb (&s, 0, 32);
              m->exports[i].func_index = kind == 0 ? index : UINT32_MAX;
            }
          break;
        case 10: /* code */
          {
            uint32_t n = read_leb (&s, 0, 32);
            m->funcs = calloc (n ? n : 1, sizeof *m->funcs);
            for (uint32_t i = 0; i < n && i < m->nfuncs && !s.bad; i++)
              {
                uint32_t body_size = read_leb (&s, 0, 32);
                reader b = { s.p, s.p + body_size, 0 };
                s.p += body_size;
                func *f = &m->funcs[i];
                if (func_types && func_types[i] < ntypes)
                  {
                    *f = types[func_types[i]];
                    f->nlocals = f->nparams;
                    if (f->nparams <= MAX_LOCALS && f->nresults <= 4)
                      decode_body (&b, f);
                    if (b.bad)
                      f->supported = 0;
                  }
                f->single_op = single_op_of (f);
              }
            break;
          }
        case 11: /* data: active segments at constant offsets into memory 0 */
          {
            uint32_t n = read_leb (&s, 0, 32);
            for (uint32_t i = 0; i < n && !s.bad; i++)
              {
                uint32_t flags = read_leb (&s, 0, 32);
                if (flags == 1)
                  {
                    s.p += read_leb (&s, 0, 32);
                    continue;
                  }
                if (flags == 2)
                  read_leb (&s, 0, 32);
                if (read_byte (&s) != 0x41)
                  {
                    m->memory_supported = 0;
                    break;
                  }
                uint64_t offset = read_leb (&s, 1, 32);
                read_byte (&s); /* end */
                uint32_t size = read_leb (&s, 0, 32);
                if (offset + size > m->memory_size)
                  {
                    m->memory_supported = 0;
                    break;
                  }
                read_bytes (&s, m->memory + offset, size);
              }
            break;
          }
        default:
          break;
        }
      if (s.bad)
        r.bad = 1;
    }
  free (types);
  free (func_types);
  return r.bad ? -1 : 0;
}

static void free_module (module *m)
{
  for (uint32_t i = 0; i < m->nexports; i++)
    free (m->exports[i].name);
  free (m->exports);
  free (m->funcs);
  free (m->memory);
  memset (m, 0, sizeof *m);
}

static func *find_export (module *m, const char *name)
{
  for (uint32_t i = 0; i < m->nexports; i++)
    if (strcmp (m->exports[i].name, name) == 0 && m->exports[i].func_index != UINT32_MAX
        && m->exports[i].func_index >= m->nimported
        && m->exports[i].func_index - m->nimported < m->nfuncs)
      return &m->funcs[m->exports[i].func_index - m->nimported];
  return NULL;
}

/* ---- Evaluation ------------------------------------------------------------------------- */

typedef enum outcome { RAN, TRAPPED_OOB, UNSUPPORTED } outcome;

static outcome run_func (module *m, const func *f, const wasm_v128 *args, wasm_v128 *results,
                         int depth);

/* Runs f on args; results get f->nresults values. Memory ops go through the op functions
 * the way simd.h describes the engine's side: bounds check, bytes in or out, lane work. */
static outcome run_func (module *m, const func *f, const wasm_v128 *args, wasm_v128 *results,
                         int depth)
{
  wasm_v128 locals[MAX_LOCALS] = { 0 }, stack[MAX_STACK];
  int sp = 0;
  memcpy (locals, args, f->nparams * sizeof *args);
  for (uint32_t pc = 0; pc < f->ncode; pc++)
    {
      const insn *in = &f->code[pc];
      if (sp >= MAX_STACK - 1)
        return UNSUPPORTED;
      switch (in->opcode)
        {
        case 0x1a:
          sp--;
          continue;
        case 0x1b:
          sp -= 2;
          if (stack[sp + 1].u32[0] == 0)
            stack[sp - 1] = stack[sp];
          continue;
        case 0x10:
          {
            if (in->index < m->nimported || in->index - m->nimported >= m->nfuncs || depth > 8)
              return UNSUPPORTED;
            const func *callee = &m->funcs[in->index - m->nimported];
            if (!callee->supported || (uint32_t) sp < callee->nparams
                || sp - callee->nparams + callee->nresults > MAX_STACK)
              return UNSUPPORTED;
            sp -= callee->nparams;
            outcome o = run_func (m, callee, &stack[sp], &stack[sp], depth + 1);
            if (o != RAN)
              return o;
            sp += callee->nresults;
            continue;
          }
        case 0x20:
          stack[sp++] = locals[in->index];
          continue;
        case 0x23:
          if (m->has_other_imports || in->index >= m->nglobals)
            return UNSUPPORTED;
          stack[sp++] = m->globals[in->index];
          continue;
        case 0x24:
          if (m->has_other_imports || in->index >= m->nglobals)
            return UNSUPPORTED;
          m->globals[in->index] = stack[--sp];
          continue;
        case 0x28: case 0x29:
          {
            uint64_t addr = (uint64_t) stack[sp - 1].u32[0] + in->offset;
            size_t n = in->opcode == 0x28 ? 4 : 8;
            if (!m->memory || !m->memory_supported)
              return UNSUPPORTED;
            if (addr + n > m->memory_size)
              return TRAPPED_OOB;
            memset (&stack[sp - 1], 0, sizeof stack[sp - 1]);
            memcpy (&stack[sp - 1], m->memory + addr, n);
            continue;
          }
        case 0x21:
          locals[in->index] = stack[--sp];
          continue;
        case 0x22:
          locals[in->index] = stack[sp - 1];
          continue;
        case 0x41: case 0x42: case 0x43: case 0x44:
          memset (&stack[sp], 0, sizeof stack[sp]);
          memcpy (&stack[sp++], in->imm, in->opcode == 0x41 || in->opcode == 0x43 ? 4 : 8);
          continue;
        }
      const simd_opinfo *info = simd_opinfo_get (in->simd_op);
      int is_mem = info->mem_bytes != 0;
      if (is_mem && !(m->memory && m->memory_supported))
        return UNSUPPORTED;
      sp -= info->nparams;
      if (sp < 0)
        return UNSUPPORTED;
      const wasm_v128 *operands = &stack[sp];
      const uint8_t *imm = info->imm == SIMD_IMM_NONE || info->imm == SIMD_IMM_MEMARG ? NULL
                           : in->imm;
      wasm_v128 out = { 0 };
      if (!is_mem)
        info->fn (&out, &operands[0], info->nparams > 1 ? &operands[1] : NULL,
                  info->nparams > 2 ? &operands[2] : NULL, imm);
      else
        {
          uint64_t addr = (uint64_t) operands[0].u32[0] + in->offset;
          if (addr + info->mem_bytes > m->memory_size)
            return TRAPPED_OOB;
          wasm_v128 bytes = { 0 };
          if (info->is_store && !info->fn)
            memcpy (m->memory + addr, &operands[1], 16);
          else if (info->is_store)
            {
              info->fn (&bytes, &operands[1], NULL, NULL, imm);
              memcpy (m->memory + addr, &bytes, info->mem_bytes);
            }
          else
            {
              memcpy (&bytes, m->memory + addr, info->mem_bytes);
              info->fn (&out, info->nparams > 1 ? &operands[1] : NULL, &bytes, NULL, imm);
            }
        }
      if (info->nresults)
        stack[sp++] = out;
    }
  if ((uint32_t) sp != f->nresults)
    return UNSUPPORTED;
  memcpy (results, stack, f->nresults * sizeof *results);
  return RAN;
}

/* ---- JSON values -------------------------------------------------------------------------- */

static int lane_bits (const char *lane_type)
{
  return atoi (lane_type + 1);
}

/* A spec value as a slot; v128 lanes are packed little-endian. NaN patterns become 0. */
static wasm_v128 value_of (json_object *v)
{
  wasm_v128 slot = { 0 };
  const char *type = json_object_get_string (json_object_object_get (v, "type"));
  json_object *value = json_object_object_get (v, "value");
  if (strcmp (type, "v128") != 0)
    {
      uint64_t bits = strtoull (json_object_get_string (value), NULL, 10);
      memcpy (&slot, &bits, strcmp (type, "i32") == 0 || strcmp (type, "f32") == 0 ? 4 : 8);
      return slot;
    }
  int bits = lane_bits (json_object_get_string (json_object_object_get (v, "lane_type")));
  for (size_t i = 0; i < json_object_array_length (value) && i * bits < 128; i++)
    {
      uint64_t lane = strtoull (json_object_get_string (json_object_array_get_idx (value, i)),
                                NULL, 10);
      memcpy (&slot.u8[i * bits / 8], &lane, bits / 8);
    }
  return slot;
}

/* Does a lane of `bits` width (value `got`) match the expected JSON lane (a decimal bit
 * pattern, or nan:canonical / nan:arithmetic for float lanes)? */
static int lane_matches (uint64_t got, const char *want, int bits, int is_float)
{
  uint64_t mask = bits == 64 ? ~UINT64_C (0) : (UINT64_C (1) << bits) - 1;
  got &= mask;
  if (is_float && strncmp (want, "nan:", 4) == 0)
    {
      uint64_t exp_quiet = bits == 32 ? 0x7fc00000 : UINT64_C (0x7ff8000000000000);
      uint64_t magnitude = got & (mask >> 1);
      if (strcmp (want, "nan:canonical") == 0)
        return magnitude == exp_quiet;
      return (magnitude & exp_quiet) == exp_quiet;
    }
  return got == (strtoull (want, NULL, 10) & mask);
}

static int value_matches (const wasm_v128 *got, json_object *want)
{
  const char *type = json_object_get_string (json_object_object_get (want, "type"));
  json_object *value = json_object_object_get (want, "value");
  if (strcmp (type, "v128") != 0)
    {
      int bits = lane_bits (type);
      uint64_t g = 0;
      memcpy (&g, got, bits / 8);
      for (int k = bits / 8; k < 16; k++)
        if (got->u8[k] != 0) /* simd.h: a scalar's slot is zero above it */
          return 0;
      return lane_matches (g, json_object_get_string (value), bits, type[0] == 'f');
    }
  const char *lane_type = json_object_get_string (json_object_object_get (want, "lane_type"));
  int bits = lane_bits (lane_type);
  for (size_t i = 0; i < 128 / (size_t) bits; i++)
    {
      uint64_t g = 0;
      memcpy (&g, &got->u8[i * bits / 8], bits / 8);
      json_object *lane = json_object_array_get_idx (value, i);
      if (!lane || !lane_matches (g, json_object_get_string (lane), bits, lane_type[0] == 'f'))
        return 0;
    }
  return 1;
}

static void print_v128 (const char *what, const wasm_v128 *v)
{
  printf ("#   %s", what);
  for (int i = 0; i < 4; i++)
    printf (" 0x%08" PRIx32, v->u32[i]);
  printf ("\n");
}

/* ---- The suite ---------------------------------------------------------------------------- */

typedef struct op_counts {
  int single, in_sequence;
} op_counts;

static op_counts counts[256];
static int fail_reports;

static void count_ops (const func *f)
{
  uint8_t seen[256] = { 0 };
  for (uint32_t i = 0; i < f->ncode; i++)
    if (f->code[i].opcode == 0xfd && !seen[f->code[i].simd_op])
      {
        seen[f->code[i].simd_op] = 1;
        if (f->single_op >= 0)
          counts[f->single_op].single++;
        else
          counts[f->code[i].simd_op].in_sequence++;
      }
}

static uint8_t *read_whole_file (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  fseek (f, 0, SEEK_END);
  long n = ftell (f);
  fseek (f, 0, SEEK_SET);
  uint8_t *buf = malloc (n > 0 ? n : 1);
  *len = fread (buf, 1, n, f);
  fclose (f);
  return buf;
}

/* Runs one script's assertions; reports one TAP line for the script. */
static void run_script (const char *dir, const char *name)
{
  char path[1024];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  json_object *root = json_object_from_file (path);
  json_object *commands = root ? json_object_object_get (root, "commands") : NULL;
  if (!commands)
    {
      tap_ok (0, "%s: readable", name);
      json_object_put (root);
      return;
    }
  module m = { 0 };
  int have_module = 0, tainted = 0, checked = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < json_object_array_length (commands); i++)
    {
      json_object *cmd = json_object_array_get_idx (commands, i);
      const char *type = json_object_get_string (json_object_object_get (cmd, "type"));
      int line = json_object_get_int (json_object_object_get (cmd, "line"));
      if (strcmp (type, "module") == 0)
        {
          free_module (&m);
          snprintf (path, sizeof path, "%s/%s", dir,
                    json_object_get_string (json_object_object_get (cmd, "filename")));
          size_t len = 0;
          uint8_t *bytes = read_whole_file (path, &len);
          have_module = bytes && decode_module (bytes, len, &m) == 0;
          tainted = 0;
          free (bytes);
          continue;
        }
      int is_return = strcmp (type, "assert_return") == 0;
      if (!is_return && strcmp (type, "assert_trap") != 0)
        continue;
      json_object *action = json_object_object_get (cmd, "action");
      const char *field = json_object_get_string (json_object_object_get (action, "field"));
      func *f = have_module ? find_export (&m, field) : NULL;
      json_object *args = json_object_object_get (action, "args");
      json_object *expected = json_object_object_get (cmd, "expected");
      size_t nargs = json_object_array_length (args);
      if (!f || !f->supported || nargs != f->nparams
          || (is_return && json_object_array_length (expected) != f->nresults))
        {
          tainted |= !f || f->may_write;
          skipped++;
          continue;
        }
      wasm_v128 argv[MAX_LOCALS] = { 0 }, results[4];
      for (size_t k = 0; k < nargs; k++)
        argv[k] = value_of (json_object_array_get_idx (args, k));
      outcome o = tainted ? UNSUPPORTED : run_func (&m, f, argv, results, 0);
      if (o == UNSUPPORTED)
        {
          /* What we could not run may have changed memory or globals that later
           * assertions on this module read. */
          tainted |= f->may_write;
          skipped++;
          continue;
        }
      int ok = is_return ? o == RAN : o == TRAPPED_OOB;
      for (uint32_t k = 0; ok && is_return && k < f->nresults; k++)
        ok = value_matches (&results[k], json_object_array_get_idx (expected, k));
      checked++;
      count_ops (f);
      if (ok)
        continue;
      failed++;
      if (fail_reports++ < MAX_FAIL_REPORTS)
        {
          printf ("# %s:%d %s %s\n", name, line, field, json_object_to_json_string (expected));
          if (o == RAN && f->nresults)
            print_v128 ("got", &results[0]);
          else
            printf ("#   got %s\n", o == RAN ? "no trap" : "a trap");
        }
    }
  free_module (&m);
  json_object_put (root);
  if (checked + skipped == 0)
    printf ("ok %d - %s # skip no assertions on functions\n", ++tap_n, name);
  else
    tap_ok (failed == 0 && checked > 0, "%s: %d assertions checked, %d failed, %d skipped",
            name, checked, failed, skipped);
}

static int compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static const char *find_spec_dir (void)
{
  static const char *candidates[] = { "tests/spec/json", "/work/shared/wasm-spec/json" };
  const char *env = getenv ("RUNWASM_SPEC_JSON");
  if (env)
    return env;
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    {
      char probe[512];
      snprintf (probe, sizeof probe, "%s/simd_lane.json", candidates[i]);
      FILE *f = fopen (probe, "r");
      if (f)
        {
          fclose (f);
          return candidates[i];
        }
    }
  return NULL;
}

int main (void)
{
  const char *dir = find_spec_dir ();
  DIR *d = dir ? opendir (dir) : NULL;
  if (!d)
    {
      printf ("ok 1 # skip spec JSON not found (set RUNWASM_SPEC_JSON)\n");
      return tap_done ();
    }
  char *names[128];
  size_t nnames = 0;
  struct dirent *e;
  while ((e = readdir (d)) && nnames < 128)
    {
      size_t len = strlen (e->d_name);
      if (strncmp (e->d_name, "simd_", 5) == 0 && len > 5
          && strcmp (e->d_name + len - 5, ".json") == 0)
        names[nnames++] = strdup (e->d_name);
    }
  closedir (d);
  qsort (names, nnames, sizeof *names, compare_names);
  for (size_t i = 0; i < nnames; i++)
    {
      run_script (dir, names[i]);
      free (names[i]);
    }

  /* Coverage per op: how many checked assertions exercised it alone or within a sequence;
   * the whole table with SIMD_SPEC_COVERAGE=1 (make simd-coverage). */
  int uncovered = 0, total_single = 0, total_sequence = 0;
  int show_table = getenv ("SIMD_SPEC_COVERAGE") != NULL;
  if (show_table)
    printf ("# assertions per op (alone / in a straight-line sequence):\n");
  for (uint32_t op = 0; op < 256; op++)
    {
      const simd_opinfo *info = simd_opinfo_get (op);
      if (!info)
        continue;
      if (show_table)
        printf ("#   0x%02x %-32s %5d / %5d\n", op, info->name, counts[op].single,
                counts[op].in_sequence);
      total_single += counts[op].single;
      total_sequence += counts[op].in_sequence;
      if (counts[op].single + counts[op].in_sequence == 0)
        {
          printf ("# %s is not exercised by any checked assertion\n", info->name);
          uncovered++;
        }
    }
  printf ("# %d assertions test one op alone; ops are used %d times by assertions on "
          "longer straight-line code\n", total_single, total_sequence);
  tap_eq_int (uncovered, 0, "every SIMD op is exercised by the spec assertions");
  return tap_done ();
}
