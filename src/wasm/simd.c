/* Placeholder until the SIMD op table lands: no 0xFD opcode is known yet. */
#include "wasm/simd.h"

#include <stddef.h>

const simd_opinfo *simd_opinfo_get (uint32_t opcode)
{
  return NULL;
}
