/* Clocks, randomness, sched_yield, proc_raise, stdio descriptors and poll_oneoff. The suite
 * pipes "ping\n" into stdin. */
#include "check.h"

WASI_RAW (proc_raise) int32_t raw_proc_raise (int32_t signal);

static __wasi_timestamp_t now (__wasi_clockid_t id)
{
  __wasi_timestamp_t t = 0;
  (void) __wasi_clock_time_get (id, 1, &t);
  return t;
}

static void test_clocks (void)
{
  static const __wasi_clockid_t ids[] = { __WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC,
                                          __WASI_CLOCKID_PROCESS_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID };
  static const char *const names[] = { "realtime", "monotonic", "process_cputime", "thread_cputime" };
  for (int i = 0; i < 4; i++)
    {
      __wasi_timestamp_t res = 0, t = 0;
      CHECK_EQ (__wasi_clock_res_get (ids[i], &res), 0, names[i]);
      CHECK (res > 0 && res <= 1000000000ull, "  clock_res_get between 1ns and 1s");
      CHECK_EQ (__wasi_clock_time_get (ids[i], 0, &t), 0, "  clock_time_get");
      CHECK (t > 0, "  time is positive");
    }
  CHECK (now (__WASI_CLOCKID_REALTIME) > 1600000000ull * 1000000000ull, "realtime is after 2020");
  __wasi_timestamp_t a = now (__WASI_CLOCKID_MONOTONIC), b = now (__WASI_CLOCKID_MONOTONIC);
  CHECK (b >= a, "monotonic does not go back");
  __wasi_timestamp_t t;
  CHECK_EQ (__wasi_clock_time_get (4, 0, &t), __WASI_ERRNO_INVAL, "clock_time_get unknown clock is EINVAL");
  CHECK_EQ (__wasi_clock_res_get (99, &t), __WASI_ERRNO_INVAL, "clock_res_get unknown clock is EINVAL");
}

static void test_misc (void)
{
  uint8_t x[64] = { 0 }, y[64] = { 0 };
  CHECK_EQ (__wasi_random_get (x, sizeof x), 0, "random_get");
  (void) __wasi_random_get (y, sizeof y);
  CHECK (memcmp (x, y, sizeof x) != 0, "  two draws differ");
  CHECK_EQ (__wasi_random_get (x, 0), 0, "random_get of 0 bytes");
  CHECK_EQ (__wasi_sched_yield (), 0, "sched_yield");
  CHECK_EQ (raw_proc_raise (15 /* SIGTERM */), __WASI_ERRNO_NOSYS, "proc_raise is ENOSYS");
  __wasi_fdstat_t fs;
  CHECK_EQ (__wasi_fd_fdstat_get (1, &fs), 0, "fd_fdstat_get stdout");
  CHECK ((fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "  stdout may write");
  CHECK_EQ (__wasi_fd_fdstat_get (0, &fs), 0, "fd_fdstat_get stdin (a pipe)");
  CHECK ((fs.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)) == 0, "  a pipe cannot seek");
  __wasi_prestat_t ps;
  CHECK_EQ (__wasi_fd_prestat_get (0, &ps), __WASI_ERRNO_BADF, "fd_prestat_get on stdin is EBADF");
  CHECK_EQ (__wasi_fd_prestat_get (3, &ps), 0, "fd_prestat_get on the preopen");
  CHECK_EQ (ps.u.dir.pr_name_len, 8, "  name length 8");
  uint8_t name[16] = { 0 };
  CHECK_EQ (__wasi_fd_prestat_dir_name (3, name, ps.u.dir.pr_name_len), 0, "fd_prestat_dir_name");
  CHECK (memcmp (name, "/sandbox", 8) == 0, "  /sandbox");
  CHECK_EQ (__wasi_fd_prestat_dir_name (3, name, 2), __WASI_ERRNO_NAMETOOLONG, "fd_prestat_dir_name short buffer");
  CHECK_EQ (__wasi_fd_prestat_get (4, &ps), __WASI_ERRNO_BADF, "fd_prestat_get past the preopens is EBADF");
  __wasi_filesize_t pos;
  CHECK_EQ (__wasi_fd_seek (0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_NOTCAPABLE, "fd_seek on a pipe");
}

static void test_poll (void)
{
  __wasi_subscription_t s[3];
  __wasi_event_t ev[3];
  __wasi_size_t n = 0;
  memset (s, 0, sizeof s);
  s[0].userdata = 11;
  s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[0].u.u.clock.timeout = 30 * 1000000ull;
  __wasi_timestamp_t t0 = now (__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 1, &n), 0, "poll_oneoff relative 30ms clock");
  __wasi_timestamp_t t1 = now (__WASI_CLOCKID_MONOTONIC);
  CHECK (n == 1 && ev[0].userdata == 11 && ev[0].type == __WASI_EVENTTYPE_CLOCK && ev[0].error == 0,
         "  one clock event with its userdata");
  CHECK (t1 - t0 >= 30 * 1000000ull, "  slept at least 30ms");
  s[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  s[0].u.u.clock.timeout = now (__WASI_CLOCKID_REALTIME) + 20 * 1000000ull;
  t0 = now (__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 1, &n), 0, "poll_oneoff absolute realtime deadline 20ms ahead");
  t1 = now (__WASI_CLOCKID_MONOTONIC);
  CHECK (n == 1 && t1 - t0 >= 15 * 1000000ull, "  waits until the deadline");
  s[0].u.u.clock.timeout = 1;  /* long past */
  t0 = now (__WASI_CLOCKID_MONOTONIC);
  (void) __wasi_poll_oneoff (s, ev, 1, &n);
  CHECK (n == 1 && now (__WASI_CLOCKID_MONOTONIC) - t0 < 500 * 1000000ull, "an absolute deadline in the past fires at once");
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 0, &n), __WASI_ERRNO_INVAL, "poll_oneoff with no subscriptions is EINVAL");

  /* stdin has "ping\n" waiting; stdout is writable; fd 77 does not exist. */
  memset (s, 0, sizeof s);
  s[0].userdata = 1;
  s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  s[0].u.u.fd_read.file_descriptor = 0;
  s[1].userdata = 2;
  s[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[1].u.u.clock.timeout = 5000 * 1000000ull;
  t0 = now (__WASI_CLOCKID_MONOTONIC);
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 2, &n), 0, "poll_oneoff stdin readable or a 5s clock");
  CHECK (n == 1 && ev[0].userdata == 1 && ev[0].type == __WASI_EVENTTYPE_FD_READ && ev[0].error == 0,
         "  stdin is readable");
  CHECK_EQ (ev[0].fd_readwrite.nbytes, 5, "  with 5 bytes");
  CHECK (now (__WASI_CLOCKID_MONOTONIC) - t0 < 2000 * 1000000ull, "  without waiting for the clock");
  s[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  s[0].u.u.fd_write.file_descriptor = 1;
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 1, &n), 0, "poll_oneoff stdout writable");
  CHECK (n == 1 && ev[0].type == __WASI_EVENTTYPE_FD_WRITE && ev[0].error == 0, "  fd_write event");
  s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  s[0].u.u.fd_read.file_descriptor = 77;
  CHECK_EQ (__wasi_poll_oneoff (s, ev, 1, &n), 0, "poll_oneoff on a bad fd");
  CHECK (n == 1 && ev[0].error == __WASI_ERRNO_BADF, "  the event carries EBADF");
  uint8_t buf[8];
  __wasi_iovec_t v = { buf, sizeof buf };
  __wasi_size_t got;
  CHECK_EQ (__wasi_fd_read (0, &v, 1, &got), 0, "fd_read stdin");
  CHECK (got == 5 && memcmp (buf, "ping\n", 5) == 0, "  reads ping");
}

int main (void)
{
  test_clocks ();
  test_misc ();
  test_poll ();
  return check_failures != 0;
}
