/* Trap backtraces: which wasm functions were active, innermost first, with the module offset
 * of the instruction each was executing (the translator's offset table, code_t.offsets).
 * Capturing runs in the fault handler too: plain memory reads and writes only. */
#include <string.h>
#include <ucontext.h>

#include "wasm/internal.h"

static uint32_t get_leb (const uint8_t **p, const uint8_t *end)
{
  uint32_t v = 0;
  for (unsigned shift = 0; *p < end && shift < 35; shift += 7)
    {
      uint8_t b = *(*p)++;
      v |= (uint32_t) (b & 0x7f) << shift;
      if (!(b & 0x80))
        break;
    }
  return v;
}

/* The module offset of the wasm instruction that the engine instruction at ip came from:
 * that of the last pair starting at or before ip. */
static int64_t offset_of (const code_t *code, const uint32_t *ip)
{
  if (!code->offsets_len || ip < code->words || ip >= code->words + code->nwords)
    return -1;
  const uint32_t target = (uint32_t) (ip - code->words);
  const uint8_t *p = code->offsets, *end = p + code->offsets_len;
  uint32_t word = 0, offset = 0;
  int64_t found = -1;
  while (p < end)
    {
      word += get_leb (&p, end);
      offset += get_leb (&p, end);
      if (word > target)
        break;
      found = offset;
    }
  return found;
}

void backtrace_word_offsets (const code_t *code, uint32_t *out)
{
  const uint8_t *p = code->offsets, *end = p + code->offsets_len;
  uint32_t word = 0, offset = 0, next_word = 0, next_offset = UINT32_MAX;
  bool more = p < end;
  if (more)
    next_word = get_leb (&p, end), next_offset = get_leb (&p, end);
  uint32_t current = UINT32_MAX; /* no pair yet: unknown */
  for (word = 0; word < code->nwords; word++)
    {
      while (more && next_word <= word)
        {
          offset += next_offset;
          current = offset;
          more = p < end;
          if (more)
            next_word += get_leb (&p, end), next_offset = get_leb (&p, end);
        }
      out[word] = current;
    }
}

void backtrace_add_frame_at (wasm_trap *trap, const wasm_func *func, int64_t offset)
{
  if (!func)
    return;
  if (trap->nframes == WASM_TRAP_MAX_FRAMES)
    {
      trap->frames_omitted++;
      return;
    }
  trap->frames[trap->nframes++] = (wasm_frame){
    .module = func->inst->module,
    .func_index = func->index,
    .offset = offset,
  };
}

void backtrace_add_frame (wasm_trap *trap, const wasm_func *func, const uint32_t *ip)
{
  if (!func || !func->code)
    return;
  if (trap->nframes == WASM_TRAP_MAX_FRAMES)
    {
      trap->frames_omitted++;
      return;
    }
  trap->frames[trap->nframes++] = (wasm_frame){
    .module = func->inst->module,
    .func_index = func->index,
    .offset = ip ? offset_of (func->code, ip) : -1,
  };
}

void backtrace_capture (wasm_trap *trap, const wasm_func *func, const uint32_t *ip,
                        const call_frame *top, const call_frame *entry)
{
  if (!trap || trap->kind == WASM_TRAP_EXIT)
    return;
  backtrace_add_frame (trap, func, ip);
  /* A saved ip is the return address: the word before it is inside the call. */
  while (top > entry)
    {
      top--;
      backtrace_add_frame (trap, top->func, top->ip - 1);
    }
}

/* The interpreter keeps ip in a register: of the registers that point into the faulting
 * function's code, the lowest is the instruction (others are ip plus an operand offset). */
const uint32_t *backtrace_ip_from_context (const wasm_func *func, const void *ucontext)
{
  if (!func || !func->code || !ucontext)
    return NULL;
  const uintptr_t lo = (uintptr_t) func->code->words, hi = lo + func->code->nwords * sizeof (uint32_t);
  const mcontext_t *mc = &((const ucontext_t *) ucontext)->uc_mcontext;
#if defined(__x86_64__)
  const greg_t *regs = mc->gregs;
  const size_t nregs = NGREG;
#elif defined(__aarch64__)
  const unsigned long long *regs = mc->regs;
  const size_t nregs = 31;
#else
  const uintptr_t *regs = NULL;
  const size_t nregs = 0;
  (void) mc;
#endif
  uintptr_t best = 0;
  for (size_t i = 0; i < nregs; i++)
    {
      uintptr_t v = (uintptr_t) regs[i];
      if (v >= lo && v < hi && (v - lo) % sizeof (uint32_t) == 0 && (!best || v < best))
        best = v;
    }
  return (const uint32_t *) best;
}

void wasm_trap_print (const wasm_trap *trap, const char *default_module, int backtrace, FILE *out)
{
  fprintf (out, "error: wasm trap: %s\n", trap->message[0] ? trap->message : wasm_trap_kind_name (trap->kind));
  if (!backtrace || trap->nframes == 0)
    return;
  fprintf (out, "wasm backtrace:\n");
  for (uint32_t i = 0; i < trap->nframes; i++)
    {
      const wasm_frame *f = &trap->frames[i];
      const char *module = wasm_module_name (f->module);
      const char *func = wasm_module_func_name (f->module, f->func_index);
      char offset[24] = "?";
      if (f->offset >= 0)
        snprintf (offset, sizeof offset, "0x%llx", (unsigned long long) f->offset);
      fprintf (out, "  %3u: %9s - %s!", i, offset, module ? module : default_module ? default_module : "<unknown>");
      if (func)
        fprintf (out, "%s\n", func);
      else
        fprintf (out, "<wasm function %u>\n", f->func_index);
    }
  if (trap->frames_omitted)
    fprintf (out, "  ... %u more frame%s\n", trap->frames_omitted, trap->frames_omitted == 1 ? "" : "s");
}
