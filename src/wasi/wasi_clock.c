/* clock_res_get, clock_time_get, random_get, sched_yield. */
#include <errno.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include "wasi/wasi_core.h"

static wasi_errno_t host_clock (uint32_t id, clockid_t *out)
{
  switch (id)
    {
    case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return WASI_ESUCCESS;
    case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return WASI_ESUCCESS;
    case WASI_CLOCK_PROCESS_CPUTIME_ID: *out = CLOCK_PROCESS_CPUTIME_ID; return WASI_ESUCCESS;
    case WASI_CLOCK_THREAD_CPUTIME_ID: *out = CLOCK_THREAD_CPUTIME_ID; return WASI_ESUCCESS;
    default: return WASI_EINVAL;
    }
}

wasi_errno_t wasi_clock_res_get (uint32_t id, uint64_t *resolution)
{
  clockid_t clock;
  struct timespec ts;
  wasi_errno_t r = host_clock (id, &clock);
  if (r != WASI_ESUCCESS)
    return r;
  if (clock_getres (clock, &ts) < 0)
    return wasi_errno_from_host (errno);
  *resolution = (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_clock_time_get (uint32_t id, uint64_t precision, uint64_t *time)
{
  clockid_t clock;
  struct timespec ts;
  wasi_errno_t r = host_clock (id, &clock);
  if (r != WASI_ESUCCESS)
    return r;
  if (clock_gettime (clock, &ts) < 0)
    return wasi_errno_from_host (errno);
  *time = (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_random_get (uint8_t *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = getrandom (buf, len, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return wasi_errno_from_host (errno);
        }
      buf += n;
      len -= n;
    }
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_sched_yield (void)
{
  sched_yield ();
  return WASI_ESUCCESS;
}
