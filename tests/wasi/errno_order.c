/* Which error a call on the wrong kind of descriptor returns: the file type is checked
 * before the rights, as POSIX, wasmtime and the WASI test suites expect (ENOTSOCK, ENOTDIR),
 * while a missing right on the right kind of file stays ENOTCAPABLE. Runs with a directory
 * preopened as fd 3 holding a file "f". */
#include "check.h"

#define DIR_FD 3

int main (void)
{
  __wasi_fd_t file, conn;
  CHECK_EQ (__wasi_path_open (DIR_FD, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE,
                              0, 0, &file), 0, "path_open f");
  uint8_t buf[8];
  __wasi_iovec_t in = { buf, sizeof buf };
  __wasi_ciovec_t out = { buf, 1 };
  __wasi_size_t n;
  __wasi_roflags_t ro;
  CHECK_EQ (__wasi_sock_accept (1, 0, &conn), __WASI_ERRNO_NOTSOCK, "sock_accept on stdout: ENOTSOCK");
  CHECK_EQ (__wasi_sock_accept (file, 0, &conn), __WASI_ERRNO_NOTSOCK, "sock_accept on a file: ENOTSOCK");
  CHECK_EQ (__wasi_sock_accept (DIR_FD, 0, &conn), __WASI_ERRNO_NOTSOCK, "sock_accept on a directory: ENOTSOCK");
  CHECK_EQ (__wasi_sock_shutdown (file, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK, "sock_shutdown on a file: ENOTSOCK");
  CHECK_EQ (__wasi_sock_shutdown (1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK, "sock_shutdown on stdout: ENOTSOCK");
  CHECK_EQ (__wasi_sock_recv (file, &in, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK, "sock_recv on a file: ENOTSOCK");
  CHECK_EQ (__wasi_sock_send (1, &out, 1, 0, &n), __WASI_ERRNO_NOTSOCK, "sock_send on stdout: ENOTSOCK");
  CHECK_EQ (__wasi_sock_accept (99, 0, &conn), __WASI_ERRNO_BADF, "sock_accept on a closed fd: EBADF");
  CHECK_EQ (__wasi_fd_readdir (file, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTDIR, "fd_readdir on a file: ENOTDIR");
  __wasi_fd_t sub;
  CHECK_EQ (__wasi_path_open (file, 0, "x", 0, 0, 0, 0, &sub), __WASI_ERRNO_NOTDIR, "path_open under a file: ENOTDIR");
  CHECK_EQ (__wasi_path_create_directory (file, "x"), __WASI_ERRNO_NOTDIR, "path_create_directory under a file: ENOTDIR");
  CHECK_EQ (__wasi_path_unlink_file (1, "x"), __WASI_ERRNO_NOTDIR, "path_unlink_file under stdout: ENOTDIR");
  /* The right kind of file without the right is still ENOTCAPABLE. */
  __wasi_fd_t ro_file;
  CHECK_EQ (__wasi_path_open (DIR_FD, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ro_file), 0, "path_open f read-only");
  CHECK_EQ (__wasi_fd_write (ro_file, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE, "fd_write without the right: ENOTCAPABLE");
  CHECK_EQ (__wasi_fd_fdstat_set_rights (DIR_FD, 0, 0), 0, "drop the directory's rights");
  CHECK_EQ (__wasi_fd_readdir (DIR_FD, buf, sizeof buf, 0, &n), __WASI_ERRNO_NOTCAPABLE,
            "fd_readdir on a directory without the right: ENOTCAPABLE");
  CHECK_EQ (__wasi_path_open (DIR_FD, 0, "f", 0, 0, 0, 0, &sub), __WASI_ERRNO_NOTCAPABLE,
            "path_open in a directory without the right: ENOTCAPABLE");
  return check_failures != 0;
}
