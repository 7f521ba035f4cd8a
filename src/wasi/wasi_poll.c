/* poll_oneoff: wait for the first of several clock deadlines and fd readiness events.
 * Clocks become a ppoll timeout (relative ones from now, absolute ones against their clock);
 * fd subscriptions become pollfds. A subscription that cannot be waited on (bad fd, missing
 * right, unknown clock) is reported at once as an event carrying its error, as the ABI says,
 * rather than failing the whole call. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wasi/wasi_core.h"

static uint64_t monotonic_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Nanoseconds from now until the subscription's deadline (0 if passed). */
static wasi_errno_t clock_delay (const struct wasi_subscription *s, uint64_t *delay)
{
  if (!(s->clock_flags & WASI_SUBCLOCKFLAG_ABSTIME))
    {
      uint64_t unused;
      wasi_errno_t r = wasi_clock_time_get (s->clock_id, 0, &unused);
      *delay = s->timeout;
      return r;
    }
  uint64_t now;
  wasi_errno_t r = wasi_clock_time_get (s->clock_id, 0, &now);
  if (r != WASI_ESUCCESS)
    return r;
  *delay = s->timeout > now ? s->timeout - now : 0;
  return WASI_ESUCCESS;
}

static uint64_t readable_bytes (int fd)
{
  struct stat st;
  int n = 0;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    {
      off_t pos = lseek (fd, 0, SEEK_CUR);
      return pos >= 0 && st.st_size > pos ? (uint64_t) (st.st_size - pos) : 0;
    }
  if (ioctl (fd, FIONREAD, &n) == 0 && n > 0)
    return n;
  return 0;
}

wasi_errno_t wasi_poll_oneoff (struct wasi_ctx *ctx, const struct wasi_subscription *in,
                               struct wasi_event *out, uint32_t n, uint32_t *nevents)
{
  if (n == 0)
    return WASI_EINVAL;
  cleanup_free struct pollfd *pfds = calloc (n, sizeof *pfds);
  cleanup_free uint64_t *delays = calloc (n, sizeof *delays);
  cleanup_free wasi_errno_t *errors = calloc (n, sizeof *errors);
  if (pfds == NULL || delays == NULL || errors == NULL)
    return WASI_ENOMEM;
  bool immediate = false, have_clock = false;
  uint64_t timeout = UINT64_MAX;
  for (uint32_t i = 0; i < n; i++)
    {
      const struct wasi_subscription *s = &in[i];
      pfds[i].fd = -1;
      switch (s->tag)
        {
        case WASI_EVENTTYPE_CLOCK:
          errors[i] = clock_delay (s, &delays[i]);
          if (errors[i] == WASI_ESUCCESS)
            {
              have_clock = true;
              timeout = delays[i] < timeout ? delays[i] : timeout;
            }
          break;
        case WASI_EVENTTYPE_FD_READ:
        case WASI_EVENTTYPE_FD_WRITE:
          {
            struct wasi_fd_entry *e;
            errors[i] = wasi_fd_lookup (ctx, s->fd, WASI_RIGHT_POLL_FD_READWRITE, &e);
            if (errors[i] == WASI_ESUCCESS)
              {
                pfds[i].fd = e->host_fd;
                pfds[i].events = s->tag == WASI_EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
              }
            break;
          }
        default:
          errors[i] = WASI_EINVAL;
          break;
        }
      if (errors[i] != WASI_ESUCCESS)
        immediate = true;
    }
  uint64_t start = monotonic_ns ();
  struct timespec ts, *tsp = NULL;
  if (immediate)
    timeout = 0;
  if (immediate || have_clock)
    {
      ts = (struct timespec) { .tv_sec = timeout / 1000000000u, .tv_nsec = timeout % 1000000000u };
      tsp = &ts;
    }
  /* EINTR goes to the guest, not round again: only the stop signals have a handler in a Wasm
   * container, and a guest sleeping here must get back to the engine, which then stops. */
  int ready = ppoll (pfds, n, tsp, NULL);
  if (ready < 0)
    return wasi_errno_from_host (errno);
  uint64_t elapsed = monotonic_ns () - start;
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; i++)
    {
      const struct wasi_subscription *s = &in[i];
      struct wasi_event ev = { .userdata = s->userdata, .type = s->tag, .error = errors[i] };
      if (errors[i] == WASI_ESUCCESS)
        {
          if (s->tag == WASI_EVENTTYPE_CLOCK)
            {
              if (delays[i] > elapsed)
                continue;
            }
          else
            {
              short re = pfds[i].revents;
              if (re == 0)
                continue;
              if (re & POLLNVAL)
                ev.error = WASI_EBADF;
              else if (re & POLLHUP)
                ev.flags = WASI_EVENTRWFLAG_HANGUP;
              if (s->tag == WASI_EVENTTYPE_FD_READ && ev.error == WASI_ESUCCESS)
                ev.nbytes = readable_bytes (pfds[i].fd);
            }
        }
      out[count++] = ev;
    }
  *nevents = count;
  return WASI_ESUCCESS;
}
