/* Bindings of args, environ, clocks, random, sched, proc_raise, poll_oneoff and sockets. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "wasi/wasi_bind.h"

/* args_get/environ_get: an array of guest pointers, and the NUL-terminated strings packed
 * one after another in the buffer they point into. */
static wasi_errno_t put_strings (struct wasi_guest *g, char **strings, size_t n, uint32_t array, uint32_t buf)
{
  uint64_t bytes = 0;
  for (size_t i = 0; i < n; i++)
    bytes += strlen (strings[i]) + 1;
  uint8_t *arr = wasi_guest_ptr (g, array, (uint64_t) n * 4);
  uint8_t *dst = wasi_guest_ptr (g, buf, bytes);
  if (arr == NULL || dst == NULL)
    return WASI_EFAULT;
  uint32_t at = buf;
  for (size_t i = 0; i < n; i++)
    {
      size_t len = strlen (strings[i]) + 1;
      wasi_put_u32 (arr + i * 4, at);
      memcpy (dst + (at - buf), strings[i], len);
      at += len;
    }
  return WASI_ESUCCESS;
}

static wasi_errno_t put_sizes (struct wasi_guest *g, char **strings, size_t n, uint32_t count_ptr,
                               uint32_t size_ptr)
{
  uint8_t *count = wasi_guest_ptr (g, count_ptr, 4);
  uint8_t *size = wasi_guest_ptr (g, size_ptr, 4);
  if (count == NULL || size == NULL)
    return WASI_EFAULT;
  uint64_t bytes = 0;
  for (size_t i = 0; i < n; i++)
    bytes += strlen (strings[i]) + 1;
  if (bytes > UINT32_MAX)
    return WASI_EOVERFLOW;
  wasi_put_u32 (count, n);
  wasi_put_u32 (size, bytes);
  return WASI_ESUCCESS;
}

WASI_BINDING (args_get) { return put_strings (g, ctx->argv, ctx->argc, ARG32 (0), ARG32 (1)); }
WASI_BINDING (args_sizes_get) { return put_sizes (g, ctx->argv, ctx->argc, ARG32 (0), ARG32 (1)); }
WASI_BINDING (environ_get) { return put_strings (g, ctx->env, ctx->envc, ARG32 (0), ARG32 (1)); }
WASI_BINDING (environ_sizes_get) { return put_sizes (g, ctx->env, ctx->envc, ARG32 (0), ARG32 (1)); }

WASI_BINDING (clock_res_get)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), 8);
  if (out == NULL)
    return WASI_EFAULT;
  uint64_t res;
  wasi_errno_t r = wasi_clock_res_get (ARG32 (0), &res);
  if (r == WASI_ESUCCESS)
    wasi_put_u64 (out, res);
  return r;
}

WASI_BINDING (clock_time_get)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (2), 8);
  if (out == NULL)
    return WASI_EFAULT;
  uint64_t t;
  wasi_errno_t r = wasi_clock_time_get (ARG32 (0), ARG64 (1), &t);
  if (r == WASI_ESUCCESS)
    wasi_put_u64 (out, t);
  return r;
}

WASI_BINDING (random_get)
{
  uint8_t *buf = wasi_guest_ptr (g, ARG32 (0), ARG32 (1));
  return buf ? wasi_random_get (buf, ARG32 (1)) : WASI_EFAULT;
}

WASI_BINDING (sched_yield) { return wasi_sched_yield (); }

/* Raising a signal in the guest has no meaning in a sandbox without signal delivery, and the
 * call was dropped after preview1: say so rather than pretend. */
WASI_BINDING (proc_raise) { return WASI_ENOSYS; }

WASI_BINDING (poll_oneoff)
{
  uint32_t n = ARG32 (2);
  const uint8_t *in = wasi_guest_ptr (g, ARG32 (0), (uint64_t) n * WASI_SUBSCRIPTION_SIZE);
  uint8_t *out = wasi_guest_ptr (g, ARG32 (1), (uint64_t) n * WASI_EVENT_SIZE);
  uint8_t *nevents_out = wasi_guest_ptr (g, ARG32 (3), 4);
  if (in == NULL || out == NULL || nevents_out == NULL)
    return WASI_EFAULT;
  cleanup_free struct wasi_subscription *subs = calloc (n ? n : 1, sizeof *subs);
  cleanup_free struct wasi_event *events = calloc (n ? n : 1, sizeof *events);
  if (subs == NULL || events == NULL)
    return WASI_ENOMEM;
  for (uint32_t i = 0; i < n; i++)
    {
      const uint8_t *s = in + (size_t) i * WASI_SUBSCRIPTION_SIZE;
      subs[i] = (struct wasi_subscription) {
        .userdata = wasi_get_u64 (s),
        .tag = s[8],
        .clock_id = wasi_get_u32 (s + 16),
        .timeout = wasi_get_u64 (s + 24),
        .precision = wasi_get_u64 (s + 32),
        .clock_flags = wasi_get_u16 (s + 40),
        .fd = wasi_get_u32 (s + 16),
      };
    }
  uint32_t nevents = 0;
  wasi_errno_t r = wasi_poll_oneoff (ctx, subs, events, n, &nevents);
  if (r != WASI_ESUCCESS)
    return r;
  for (uint32_t i = 0; i < nevents; i++)
    {
      uint8_t *e = out + (size_t) i * WASI_EVENT_SIZE;
      memset (e, 0, WASI_EVENT_SIZE);
      wasi_put_u64 (e, events[i].userdata);
      wasi_put_u16 (e + 8, events[i].error);
      e[10] = events[i].type;
      wasi_put_u64 (e + 16, events[i].nbytes);
      wasi_put_u16 (e + 24, events[i].flags);
    }
  wasi_put_u32 (nevents_out, nevents);
  return WASI_ESUCCESS;
}

WASI_BINDING (sock_accept)
{
  uint8_t *out = wasi_guest_ptr (g, ARG32 (2), 4);
  if (out == NULL)
    return WASI_EFAULT;
  uint32_t fd;
  wasi_errno_t r = wasi_sock_accept (ctx, ARG32 (0), ARG32 (1), &fd);
  if (r == WASI_ESUCCESS)
    wasi_put_u32 (out, fd);
  return r;
}

WASI_BINDING (sock_recv)
{
  uint8_t *len_out = wasi_guest_ptr (g, ARG32 (4), 4);
  uint8_t *flags_out = wasi_guest_ptr (g, ARG32 (5), 2);
  if (len_out == NULL || flags_out == NULL)
    return WASI_EFAULT;
  cleanup_free struct iovec *v = NULL;
  size_t count, got;
  uint16_t roflags;
  wasi_errno_t r = wasi_guest_iovecs (g, ARG32 (1), ARG32 (2), &v, &count);
  if (r == WASI_ESUCCESS)
    r = wasi_sock_recv (ctx, ARG32 (0), v, count, ARG32 (3), &got, &roflags);
  if (r == WASI_ESUCCESS)
    {
      wasi_put_u32 (len_out, got);
      wasi_put_u16 (flags_out, roflags);
    }
  return r;
}

WASI_BINDING (sock_send)
{
  uint8_t *len_out = wasi_guest_ptr (g, ARG32 (4), 4);
  if (len_out == NULL)
    return WASI_EFAULT;
  cleanup_free struct iovec *v = NULL;
  size_t count, sent;
  wasi_errno_t r = wasi_guest_iovecs (g, ARG32 (1), ARG32 (2), &v, &count);
  if (r == WASI_ESUCCESS)
    r = wasi_sock_send (ctx, ARG32 (0), v, count, ARG32 (3), &sent);
  if (r == WASI_ESUCCESS)
    wasi_put_u32 (len_out, sent);
  return r;
}

WASI_BINDING (sock_shutdown) { return wasi_sock_shutdown (ctx, ARG32 (0), ARG32 (1)); }
