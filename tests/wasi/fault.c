/* Pointers outside linear memory must come back as EFAULT, never crash the host or touch
 * host memory. Uses the raw imports, since libc would never pass such pointers. */
#include "check.h"

WASI_RAW (fd_write) int32_t raw_fd_write (int32_t fd, int32_t iovs, int32_t n, int32_t out);
WASI_RAW (fd_read) int32_t raw_fd_read (int32_t fd, int32_t iovs, int32_t n, int32_t out);
WASI_RAW (args_get) int32_t raw_args_get (int32_t argv, int32_t buf);
WASI_RAW (args_sizes_get) int32_t raw_args_sizes_get (int32_t argc, int32_t size);
WASI_RAW (environ_get) int32_t raw_environ_get (int32_t env, int32_t buf);
WASI_RAW (clock_time_get) int32_t raw_clock_time_get (int32_t id, int64_t precision, int32_t out);
WASI_RAW (random_get) int32_t raw_random_get (int32_t buf, int32_t len);
WASI_RAW (path_open) int32_t raw_path_open (int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                                            int64_t base, int64_t inheriting, int32_t fdflags, int32_t out);
WASI_RAW (fd_prestat_dir_name) int32_t raw_prestat_dir_name (int32_t fd, int32_t buf, int32_t len);
WASI_RAW (fd_fdstat_get) int32_t raw_fdstat_get (int32_t fd, int32_t out);
WASI_RAW (fd_filestat_get) int32_t raw_filestat_get (int32_t fd, int32_t out);
WASI_RAW (poll_oneoff) int32_t raw_poll_oneoff (int32_t in, int32_t out, int32_t n, int32_t nevents);
WASI_RAW (fd_readdir) int32_t raw_fd_readdir (int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t used);

static uint32_t memory_end (void)
{
  return (uint32_t) __builtin_wasm_memory_size (0) * 65536u;
}

int main (void)
{
  uint32_t end = memory_end ();
  static uint32_t iov[2];
  static uint32_t out;
  iov[0] = end - 4;  /* 4 bytes inside, 12 outside */
  iov[1] = 16;
  CHECK_EQ (raw_fd_write (1, (int32_t) iov, 1, (int32_t) &out), __WASI_ERRNO_FAULT,
            "fd_write with a buffer running past memory");
  CHECK_EQ (raw_fd_write (1, (int32_t) (end - 4), 1, (int32_t) &out), __WASI_ERRNO_FAULT,
            "fd_write with the iovec array past memory");
  iov[0] = 0x1000;
  iov[1] = 1;
  CHECK_EQ (raw_fd_write (1, (int32_t) iov, 1, (int32_t) end), __WASI_ERRNO_FAULT, "fd_write with nwritten past memory");
  CHECK_EQ (raw_fd_write (1, (int32_t) iov, 0x7fffffff, (int32_t) &out), __WASI_ERRNO_FAULT,
            "fd_write with a huge iovec count");
  iov[0] = 0xfffffff0u;
  iov[1] = 0x20;
  CHECK_EQ (raw_fd_read (0, (int32_t) iov, 1, (int32_t) &out), __WASI_ERRNO_FAULT, "fd_read into a wrapping buffer");
  static uint32_t argv_array[16];
  static char strings[256];
  CHECK_EQ (raw_args_get ((int32_t) (end - 2), (int32_t) strings), __WASI_ERRNO_FAULT, "args_get with argv past memory");
  CHECK_EQ (raw_args_get ((int32_t) argv_array, (int32_t) (end - 2)), __WASI_ERRNO_FAULT,
            "args_get with the strings past memory");
  CHECK_EQ (raw_args_sizes_get ((int32_t) &out, -1), __WASI_ERRNO_FAULT, "args_sizes_get with size at 0xffffffff");
  /* The suite passes --env FAULT_TEST=1, so there is something to write. */
  CHECK_EQ (raw_environ_get ((int32_t) argv_array, (int32_t) (end - 1)), __WASI_ERRNO_FAULT,
            "environ_get with the strings past memory");
  CHECK_EQ (raw_clock_time_get (1, 0, (int32_t) (end - 7)), __WASI_ERRNO_FAULT, "clock_time_get result straddling the end");
  CHECK_EQ (raw_random_get ((int32_t) (end - 10), 11), __WASI_ERRNO_FAULT, "random_get one byte past the end");
  CHECK_EQ (raw_random_get ((int32_t) (end - 10), 10), 0, "random_get up to the last byte is fine");
  CHECK_EQ (raw_path_open (3, 0, (int32_t) (end - 3), 8, 0, 0, 0, 0, (int32_t) &out), __WASI_ERRNO_FAULT,
            "path_open with the path past memory");
  CHECK_EQ (raw_path_open (3, 0, (int32_t) "x", 1, 0, 0, 0, 0, (int32_t) end), __WASI_ERRNO_FAULT,
            "path_open with the fd result past memory");
  CHECK_EQ (raw_prestat_dir_name (3, (int32_t) (end - 2), 8), __WASI_ERRNO_FAULT, "fd_prestat_dir_name past memory");
  CHECK_EQ (raw_fdstat_get (1, (int32_t) (end - 23)), __WASI_ERRNO_FAULT, "fd_fdstat_get one byte short");
  CHECK_EQ (raw_filestat_get (1, (int32_t) (end - 63)), __WASI_ERRNO_FAULT, "fd_filestat_get one byte short");
  CHECK_EQ (raw_poll_oneoff ((int32_t) (end - 47), 0x1000, 1, (int32_t) &out), __WASI_ERRNO_FAULT,
            "poll_oneoff with subscriptions past memory");
  CHECK_EQ (raw_fd_readdir (3, (int32_t) (end - 10), 100, 0, (int32_t) &out), __WASI_ERRNO_FAULT,
            "fd_readdir buffer past memory");
  return check_failures != 0;
}
