/* Exports for `runwasm wasm --invoke` and --max-memory: typed parameters and results,
 * a trap, and memory growth. main() keeps it a command module. */
#include <stdint.h>

#define EXPORT(name) __attribute__ ((export_name (#name)))

EXPORT (add) int32_t add (int32_t a, int32_t b) { return a + b; }
EXPORT (mul64) int64_t mul64 (int64_t a, int64_t b) { return a * b; }
EXPORT (half) double half (double x) { return x / 2; }
EXPORT (scale) float scale (float x, int32_t by) { return x * (float) by; }
EXPORT (divide) int32_t divide (int32_t a, int32_t b) { return a / b; }
EXPORT (grow) int32_t grow (int32_t pages) { return (int32_t) __builtin_wasm_memory_grow (0, pages); }
EXPORT (pages) int32_t pages (void) { return (int32_t) __builtin_wasm_memory_size (0); }

int main (void)
{
  return 0;
}
