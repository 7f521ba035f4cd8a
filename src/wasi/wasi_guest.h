/* Guest linear memory as the binding sees it during one host call: every pointer the guest
 * passes is checked against the memory's size before use (WASI_EFAULT if out of range), and
 * values are stored little-endian whatever the host. The memory cannot move during a host
 * call (no wasm runs), so the checked pointers stay valid until the call returns. */
#ifndef RUNWASM_WASI_GUEST_H
#define RUNWASM_WASI_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wasi/wasi_abi.h"
#include "wasm/wasm.h"

struct wasi_guest {
  uint8_t *base;
  uint64_t size;  /* 0 when the module has no memory: every access faults */
};

static inline struct wasi_guest wasi_guest_of (wasm_caller *caller)
{
  wasm_memory *m = wasm_caller_memory (caller);
  if (m == NULL)
    return (struct wasi_guest) { NULL, 0 };
  return (struct wasi_guest) { wasm_memory_data (m), wasm_memory_size (m) };
}

/* Host pointer for guest [ptr, ptr+len), or NULL if any byte is outside memory. */
static inline uint8_t *wasi_guest_ptr (const struct wasi_guest *g, uint32_t ptr, uint64_t len)
{
  if ((uint64_t) ptr + len > g->size || g->base == NULL)
    return NULL;
  return g->base + ptr;
}

static inline void wasi_put_u16 (uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void wasi_put_u32 (uint8_t *p, uint32_t v)
{
  for (int i = 0; i < 4; i++)
    p[i] = v >> (8 * i);
}
static inline void wasi_put_u64 (uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = v >> (8 * i);
}
static inline uint16_t wasi_get_u16 (const uint8_t *p) { return p[0] | (uint16_t) p[1] << 8; }
static inline uint32_t wasi_get_u32 (const uint8_t *p)
{
  return p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}
static inline uint64_t wasi_get_u64 (const uint8_t *p)
{
  return wasi_get_u32 (p) | (uint64_t) wasi_get_u32 (p + 4) << 32;
}

#endif
