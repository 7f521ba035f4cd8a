/* The optional x86-64 instruction sets the backend uses, detected once with cpuid. SSE2 is
 * part of x86-64 and always there; SIMD is compiled only with SSSE3 + SSE4.1 (else those
 * instructions keep the interpreter stub), pcmpgtq needs SSE4.2, and popcnt, lzcnt and
 * tzcnt have their own bits (without them: bsr/bsf, or the stub).
 *
 * RUNWASM_JIT_CPU=baseline hides every optional feature: the code then is what an SSE2-only
 * CPU gets, which is how the tests reach those paths on a modern machine. */
#ifndef RUNWASM_WASM_JIT_X64_CPU_H
#define RUNWASM_WASM_JIT_X64_CPU_H

#include <stdbool.h>

typedef struct x64_cpu {
  bool sse41;  /* with SSSE3: the SIMD baseline */
  bool sse42;
  bool popcnt;
  bool lzcnt;  /* ABM */
  bool tzcnt;  /* BMI1 */
} x64_cpu;

const x64_cpu *x64_cpu_features (void);

#endif
