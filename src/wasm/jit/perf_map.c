/* Symbols of compiled code for `perf`: with RUNWASM_PERF_MAP set, every compiled module
 * appends one line per function ("START SIZE NAME", hex) to /tmp/perf-PID.map, the file
 * perf report reads for JIT code, and writes its machine code to /tmp/perf-PID-START.bin,
 * for a disassembler (`objdump -D -b binary -mi386:x86-64 --adjust-vma=0xSTART`): perf
 * itself cannot annotate code it has no bytes of. A profiling aid only: nothing reads the
 * files back, and failures are ignored. Eagerly compiled modules only (RUNWASM_COMPILE=eager):
 * lazily compiled code is spread over pages made one function at a time. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wasm/jit/jit.h"

void jit_perf_map_write (const wasm_module *m, const jit_module *jm)
{
  if (!getenv ("RUNWASM_PERF_MAP"))
    return;
  char path[64];
  snprintf (path, sizeof path, "/tmp/perf-%ld.map", (long) getpid ());
  FILE *f = fopen (path, "ae");
  if (!f)
    return;
  for (uint32_t i = 0; i < jm->nplaced; i++)
    {
      uint32_t start = jm->func_start[i];
      uint32_t end = i + 1 < jm->nplaced ? jm->func_start[i + 1] : (uint32_t) jm->code_size;
      uint32_t index = m->nimported_funcs + jm->placed_func[i];
      const char *name = wasm_module_func_name (m, index);
      fprintf (f, "%" PRIxPTR " %x wasm[%" PRIu32 "]%s%s\n", (uintptr_t) (jm->code + start), end - start, index,
               name ? ":" : "", name ? name : "");
    }
  fclose (f);
  snprintf (path, sizeof path, "/tmp/perf-%ld-%" PRIxPTR ".bin", (long) getpid (), (uintptr_t) jm->code);
  f = fopen (path, "we");
  if (!f)
    return;
  fwrite (jm->code, 1, jm->code_size, f);
  fclose (f);
}
