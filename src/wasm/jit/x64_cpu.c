/* CPU feature detection for the x86-64 backend (see x64_cpu.h). */
#include "wasm/jit/x64_cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

static x64_cpu features;
static pthread_once_t detected = PTHREAD_ONCE_INIT;

static void detect (void)
{
#if defined(__x86_64__)
  const char *env = getenv ("RUNWASM_JIT_CPU");
  if (env && strcmp (env, "baseline") == 0)
    return;
  unsigned a, b, c, d;
  if (__get_cpuid (1, &a, &b, &c, &d))
    {
      features.sse41 = (c & bit_SSSE3) && (c & bit_SSE4_1);
      features.sse42 = features.sse41 && (c & bit_SSE4_2);
      features.popcnt = c & bit_POPCNT;
    }
  if (__get_cpuid (0x80000001, &a, &b, &c, &d))
    features.lzcnt = c & bit_ABM;
  if (__get_cpuid_count (7, 0, &a, &b, &c, &d))
    features.tzcnt = b & bit_BMI;
#endif
}

const x64_cpu *x64_cpu_features (void)
{
  pthread_once (&detected, detect);
  return &features;
}
