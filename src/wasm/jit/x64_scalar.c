/* Scalar instructions the first backend step left to the interpreter. */
#include "wasm/jit/x64_cpu.h"
#include "wasm/jit/x64_emit.h"
#include "wasm/ops.h"

bool x64_scalar_emit (fn_compiler *fc)
{
  return false;
}
