/* Files and directories through the raw preview1 calls, in the preopen (fd 3): path_open's
 * oflags and fdflags, data transfer, offsets, stat and times, sizes, rights, renumber,
 * links, renames, directories, and fd_readdir with ".", "..", cookies and short buffers. */
#include "check.h"

#define ROOT 3
#define FILE_RIGHTS                                                                              \
  (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL \
   | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE                          \
   | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_ADVISE    \
   | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS)
#define DIR_RIGHTS                                                                                   \
  (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE               \
   | __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_FILESTAT_GET)

static __wasi_fd_t open_file (const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                              __wasi_fdflags_t fdflags, __wasi_errno_t *err)
{
  __wasi_fd_t fd = (__wasi_fd_t) -1;
  *err = __wasi_path_open (ROOT, 0, path, oflags, rights, 0, fdflags, &fd);
  return fd;
}

static size_t write_str (__wasi_fd_t fd, const char *s)
{
  __wasi_ciovec_t v = { (const uint8_t *) s, strlen (s) };
  size_t n = 0;
  (void) __wasi_fd_write (fd, &v, 1, &n);
  return n;
}

static void test_open_flags (void)
{
  __wasi_errno_t e;
  __wasi_fd_t fd = open_file ("work/a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS, 0, &e);
  CHECK_EQ (e, 0, "path_open creat|excl");
  open_file ("work/a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, FILE_RIGHTS, 0, &e);
  CHECK_EQ (e, __WASI_ERRNO_EXIST, "path_open creat|excl on an existing file is EEXIST");
  open_file ("work/none.txt", 0, FILE_RIGHTS, 0, &e);
  CHECK_EQ (e, __WASI_ERRNO_NOENT, "path_open of a missing file is ENOENT");
  open_file ("work/a.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, &e);
  CHECK_EQ (e, __WASI_ERRNO_NOTDIR, "path_open directory flag on a file is ENOTDIR");
  open_file ("work", 0, __WASI_RIGHTS_FD_WRITE, 0, &e);
  CHECK_EQ (e, __WASI_ERRNO_ISDIR, "path_open a directory for writing is EISDIR");
  open_file ("work", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &e);
  CHECK_EQ (e, __WASI_ERRNO_ISDIR, "  also with the directory oflag");
  __wasi_fd_t dot = open_file (".", 0, 0, 0, &e);
  CHECK_EQ (e, 0, "path_open \".\" with no rights");
  (void) __wasi_fd_close (dot);
  CHECK_EQ (write_str (fd, "0123456789"), 10, "fd_write 10 bytes");
  (void) __wasi_fd_close (fd);

  fd = open_file ("work/a.txt", __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, &e);
  CHECK_EQ (e, 0, "path_open trunc");
  __wasi_filestat_t st;
  CHECK_EQ (__wasi_fd_filestat_get (fd, &st), 0, "fd_filestat_get");
  CHECK_EQ (st.size, 0, "  trunc emptied the file");
  CHECK_EQ (st.filetype, __WASI_FILETYPE_REGULAR_FILE, "  regular file");
  write_str (fd, "hello");
  (void) __wasi_fd_close (fd);

  fd = open_file ("work/a.txt", 0, FILE_RIGHTS, __WASI_FDFLAGS_APPEND, &e);
  CHECK_EQ (e, 0, "path_open with append");
  __wasi_filesize_t pos;
  (void) __wasi_fd_seek (fd, 0, __WASI_WHENCE_SET, &pos);
  write_str (fd, " world");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK_EQ (st.size, 11, "  writes go to the end despite a seek to 0");
  __wasi_fdstat_t fs;
  CHECK_EQ (__wasi_fd_fdstat_get (fd, &fs), 0, "fd_fdstat_get");
  CHECK_EQ (fs.fs_flags, __WASI_FDFLAGS_APPEND, "  flags say append");
  CHECK_EQ (__wasi_fd_fdstat_set_flags (fd, 0), 0, "fd_fdstat_set_flags clears append");
  (void) __wasi_fd_fdstat_get (fd, &fs);
  CHECK_EQ (fs.fs_flags, 0, "  flags now 0");
  CHECK_EQ (__wasi_fd_fdstat_set_flags (fd, __WASI_FDFLAGS_NONBLOCK), 0, "fd_fdstat_set_flags nonblock");
  (void) __wasi_fd_close (fd);

  static const __wasi_fdflags_t sync_flags[] = { __WASI_FDFLAGS_DSYNC, __WASI_FDFLAGS_SYNC, __WASI_FDFLAGS_RSYNC };
  static const char *const names[] = { "path_open dsync", "path_open sync", "path_open rsync" };
  for (int i = 0; i < 3; i++)
    {
      fd = open_file ("work/a.txt", 0, FILE_RIGHTS, sync_flags[i], &e);
      CHECK_EQ (e, 0, names[i]);
      (void) __wasi_fd_fdstat_get (fd, &fs);
      CHECK ((fs.fs_flags & sync_flags[i]) != 0, "  fdstat reports it");
      (void) __wasi_fd_close (fd);
    }
  fd = open_file ("work/a.txt", 0, FILE_RIGHTS, 0, &e);
  CHECK_EQ (__wasi_fd_fdstat_set_flags (fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP,
            "fd_fdstat_set_flags cannot add sync after open (ENOTSUP)");
  (void) __wasi_fd_close (fd);
}

static void test_io (void)
{
  __wasi_errno_t e;
  __wasi_fd_t fd = open_file ("work/io.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, FILE_RIGHTS, 0, &e);
  __wasi_ciovec_t out[3] = { { (const uint8_t *) "ab", 2 }, { (const uint8_t *) "", 0 }, { (const uint8_t *) "cdef", 4 } };
  size_t n;
  CHECK_EQ (__wasi_fd_write (fd, out, 3, &n), 0, "fd_write with three iovecs");
  CHECK_EQ (n, 6, "  wrote 6");
  __wasi_filesize_t pos;
  CHECK_EQ (__wasi_fd_tell (fd, &pos), 0, "fd_tell");
  CHECK_EQ (pos, 6, "  at 6");
  CHECK_EQ (__wasi_fd_seek (fd, 1, __WASI_WHENCE_SET, &pos), 0, "fd_seek set 1");
  CHECK_EQ (__wasi_fd_seek (fd, 2, __WASI_WHENCE_CUR, &pos), 0, "fd_seek cur +2");
  CHECK_EQ (pos, 3, "  at 3");
  CHECK_EQ (__wasi_fd_seek (fd, -1, __WASI_WHENCE_END, &pos), 0, "fd_seek end -1");
  CHECK_EQ (pos, 5, "  at 5");
  CHECK_EQ (__wasi_fd_seek (fd, -100, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL, "fd_seek before 0 is EINVAL");
  uint8_t a[2], b[8];
  __wasi_iovec_t in[2] = { { a, 2 }, { b, 8 } };
  (void) __wasi_fd_seek (fd, 0, __WASI_WHENCE_SET, &pos);
  CHECK_EQ (__wasi_fd_read (fd, in, 2, &n), 0, "fd_read into two iovecs");
  CHECK (n == 6 && memcmp (a, "ab", 2) == 0 && memcmp (b, "cdef", 4) == 0, "  scatter read ab|cdef");
  CHECK_EQ (__wasi_fd_read (fd, in, 2, &n), 0, "fd_read at end of file");
  CHECK_EQ (n, 0, "  reads 0 bytes");
  __wasi_iovec_t one = { b, 3 };
  CHECK_EQ (__wasi_fd_pread (fd, &one, 1, 2, &n), 0, "fd_pread at 2");
  CHECK (n == 3 && memcmp (b, "cde", 3) == 0, "  reads cde");
  __wasi_ciovec_t xy = { (const uint8_t *) "XY", 2 };
  CHECK_EQ (__wasi_fd_pwrite (fd, &xy, 1, 1, &n), 0, "fd_pwrite at 1");
  (void) __wasi_fd_tell (fd, &pos);
  CHECK_EQ (pos, 6, "  offset unchanged by pread/pwrite");
  (void) __wasi_fd_pread (fd, &one, 1, 0, &n);
  CHECK (memcmp (b, "aXY", 3) == 0, "  file now starts aXY");
  CHECK_EQ (__wasi_fd_filestat_set_size (fd, 2), 0, "fd_filestat_set_size 2");
  __wasi_filestat_t st;
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK_EQ (st.size, 2, "  size 2");
  CHECK_EQ (__wasi_fd_allocate (fd, 0, 4096), 0, "fd_allocate 4096");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK_EQ (st.size, 4096, "  size 4096");
  CHECK_EQ (__wasi_fd_allocate (fd, 10, 10), 0, "fd_allocate inside the file");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK_EQ (st.size, 4096, "  never shrinks it");
  CHECK_EQ (__wasi_fd_allocate (fd, 4090, 10), 0, "fd_allocate across the end");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK_EQ (st.size, 4100, "  grows it to offset + len");
  CHECK_EQ (__wasi_fd_advise (fd, 0, 0, __WASI_ADVICE_WILLNEED), 0, "fd_advise willneed");
  CHECK_EQ (__wasi_fd_advise (fd, 0, 0, 42), __WASI_ERRNO_INVAL, "fd_advise unknown advice is EINVAL");
  CHECK_EQ (__wasi_fd_sync (fd), 0, "fd_sync");
  CHECK_EQ (__wasi_fd_datasync (fd), 0, "fd_datasync");
  CHECK_EQ (__wasi_fd_filestat_set_times (fd, 1000000000ull * 1000, 1000000000ull * 2000,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0, "fd_filestat_set_times");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK (st.atim == 1000000000ull * 1000 && st.mtim == 1000000000ull * 2000, "  atim and mtim set");
  CHECK_EQ (__wasi_fd_filestat_set_times (fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL,
            "fd_filestat_set_times mtim with mtim_now is EINVAL");
  CHECK_EQ (__wasi_fd_filestat_set_times (fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0, "fd_filestat_set_times mtim_now");
  (void) __wasi_fd_filestat_get (fd, &st);
  CHECK (st.atim == 1000000000ull * 1000 && st.mtim > 1000000000ull * 1600000000, "  mtim now, atim kept");
  CHECK_EQ (__wasi_path_filestat_set_times (ROOT, 0, "work/io.txt", 5, 6, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0,
            "path_filestat_set_times");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "work/io.txt", &st), 0, "path_filestat_get");
  CHECK (st.atim == 5 && st.mtim == 6 && st.size == 4100 && st.nlink == 1, "  sees times, size, nlink");
  (void) __wasi_fd_close (fd);
  CHECK_EQ (__wasi_fd_close (fd), __WASI_ERRNO_BADF, "fd_close twice is EBADF");
  CHECK_EQ (__wasi_fd_write (fd, out, 1, &n), __WASI_ERRNO_BADF, "fd_write on a closed fd is EBADF");
  CHECK_EQ (__wasi_fd_seek (ROOT, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE,
            "fd_seek on a directory is ENOTCAPABLE");
}

static void test_rights (void)
{
  __wasi_errno_t e;
  __wasi_fd_t fd = open_file ("work/a.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, &e);
  CHECK_EQ (e, 0, "open read-only (rights read|seek)");
  __wasi_fdstat_t fs;
  (void) __wasi_fd_fdstat_get (fd, &fs);
  CHECK_EQ (fs.fs_rights_base, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, "  fdstat shows exactly those rights");
  size_t n;
  __wasi_ciovec_t v = { (const uint8_t *) "x", 1 };
  CHECK_EQ (__wasi_fd_write (fd, &v, 1, &n), __WASI_ERRNO_NOTCAPABLE, "fd_write without the right is ENOTCAPABLE");
  __wasi_filestat_t st;
  CHECK_EQ (__wasi_fd_filestat_get (fd, &st), __WASI_ERRNO_NOTCAPABLE, "fd_filestat_get without the right");
  CHECK_EQ (__wasi_fd_fdstat_set_rights (fd, __WASI_RIGHTS_FD_READ, 0), 0, "fd_fdstat_set_rights narrows");
  __wasi_filesize_t pos;
  CHECK_EQ (__wasi_fd_seek (fd, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE, "  seek now ENOTCAPABLE");
  CHECK_EQ (__wasi_fd_fdstat_set_rights (fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE,
            "fd_fdstat_set_rights cannot widen");
  (void) __wasi_fd_close (fd);

  __wasi_fd_t dir;
  CHECK_EQ (__wasi_path_open (ROOT, 0, "work", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, __WASI_RIGHTS_FD_READ, 0, &dir), 0,
            "open work/ with inheriting = read only");
  CHECK_EQ (__wasi_path_open (dir, 0, "a.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE,
            "  a file opened from it cannot get write");
  CHECK_EQ (__wasi_path_open (dir, 0, "a.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0, "  but can get read");
  (void) __wasi_fd_close (fd);
  CHECK_EQ (__wasi_fd_fdstat_set_rights (dir, DIR_RIGHTS & ~__WASI_RIGHTS_PATH_CREATE_DIRECTORY, __WASI_RIGHTS_FD_READ), 0,
            "drop path_create_directory");
  CHECK_EQ (__wasi_path_create_directory (dir, "nope"), __WASI_ERRNO_NOTCAPABLE, "  path_create_directory ENOTCAPABLE");
  CHECK_EQ (__wasi_path_remove_directory (dir, "x"), __WASI_ERRNO_NOTCAPABLE,
            "  path_remove_directory without its right");
  CHECK_EQ (__wasi_path_symlink ("a", dir, "b"), __WASI_ERRNO_NOTCAPABLE, "  path_symlink without its right");
  (void) __wasi_fd_close (dir);
}

static void test_paths (void)
{
  __wasi_filestat_t st;
  CHECK_EQ (__wasi_path_create_directory (ROOT, "work/d"), 0, "path_create_directory");
  CHECK_EQ (__wasi_path_create_directory (ROOT, "work/d"), __WASI_ERRNO_EXIST, "  again is EEXIST");
  CHECK_EQ (__wasi_path_create_directory (ROOT, "work/d/e/f"), __WASI_ERRNO_NOENT, "  missing parent is ENOENT");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "work/d", &st), 0, "path_filestat_get directory");
  CHECK_EQ (st.filetype, __WASI_FILETYPE_DIRECTORY, "  is a directory");
  CHECK_EQ (__wasi_path_link (ROOT, 0, "work/a.txt", ROOT, "work/d/hard"), 0, "path_link");
  (void) __wasi_path_filestat_get (ROOT, 0, "work/a.txt", &st);
  CHECK_EQ (st.nlink, 2, "  nlink 2");
  CHECK_EQ (__wasi_path_link (ROOT, 0, "work/a.txt", ROOT, "work/d/hard"), __WASI_ERRNO_EXIST, "  again is EEXIST");
  CHECK_EQ (__wasi_path_symlink ("../a.txt", ROOT, "work/d/soft"), 0, "path_symlink");
  uint8_t buf[32];
  __wasi_size_t used;
  CHECK_EQ (__wasi_path_readlink (ROOT, "work/d/soft", buf, sizeof buf, &used), 0, "path_readlink");
  CHECK (used == 8 && memcmp (buf, "../a.txt", 8) == 0, "  reads ../a.txt");
  memset (buf, 0x55, sizeof buf);
  (void) __wasi_path_readlink (ROOT, "work/d/soft", buf, sizeof buf, &used);
  CHECK (buf[8] == 0x55 && buf[31] == 0x55, "  leaves the rest of the buffer alone");
  CHECK_EQ (__wasi_path_readlink (ROOT, "work/d/soft", buf, 3, &used), 0, "path_readlink into 3 bytes");
  CHECK_EQ (used, 3, "  truncates");
  CHECK_EQ (__wasi_path_readlink (ROOT, "work/a.txt", buf, sizeof buf, &used), __WASI_ERRNO_INVAL,
            "path_readlink of a file is EINVAL");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "work/d/soft", &st), 0,
            "path_filestat_get follows the symlink");
  CHECK_EQ (st.filetype, __WASI_FILETYPE_REGULAR_FILE, "  to a regular file");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "work/d/soft", &st), 0, "path_filestat_get without follow");
  CHECK_EQ (st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK, "  sees the symlink");
  CHECK_EQ (__wasi_path_link (ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "work/d/soft", ROOT, "work/d/hard2"), 0,
            "path_link following a symlink");
  (void) __wasi_path_filestat_get (ROOT, 0, "work/d/hard2", &st);
  CHECK_EQ (st.filetype, __WASI_FILETYPE_REGULAR_FILE, "  links its target");
  CHECK_EQ (__wasi_path_rename (ROOT, "work/d/hard", ROOT, "work/d/renamed"), 0, "path_rename");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "work/d/hard", &st), __WASI_ERRNO_NOENT, "  old name gone");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "work/d/renamed", &st), 0, "  new name there");
  CHECK_EQ (__wasi_path_rename (ROOT, "work/d/missing", ROOT, "work/d/x"), __WASI_ERRNO_NOENT, "path_rename missing");
  CHECK_EQ (__wasi_path_remove_directory (ROOT, "work/d"), __WASI_ERRNO_NOTEMPTY, "path_remove_directory non-empty");
  CHECK_EQ (__wasi_path_remove_directory (ROOT, "work/a.txt"), __WASI_ERRNO_NOTDIR, "path_remove_directory a file");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "work/d"), __WASI_ERRNO_ISDIR, "path_unlink_file a directory is EISDIR");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "work/d/renamed"), 0, "path_unlink_file");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "work/d/hard2"), 0, "path_unlink_file hard2");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "work/d/soft"), 0, "path_unlink_file symlink");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "work/d/soft"), __WASI_ERRNO_NOENT, "  again is ENOENT");
  CHECK_EQ (__wasi_path_remove_directory (ROOT, "work/d"), 0, "path_remove_directory");
}

static void test_renumber (void)
{
  __wasi_errno_t e;
  __wasi_fd_t a = open_file ("work/a.txt", 0, FILE_RIGHTS, 0, &e);
  __wasi_fd_t b = open_file ("work/io.txt", 0, FILE_RIGHTS, 0, &e);
  __wasi_fdstat_t before, after;
  (void) __wasi_fd_fdstat_set_rights (a, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0);
  (void) __wasi_fd_fdstat_get (a, &before);
  CHECK_EQ (__wasi_fd_renumber (a, b), 0, "fd_renumber");
  (void) __wasi_fd_fdstat_get (b, &after);
  CHECK (after.fs_rights_base == before.fs_rights_base && after.fs_filetype == before.fs_filetype,
         "  the target carries the source's rights");
  __wasi_filestat_t st;
  (void) __wasi_fd_filestat_get (b, &st);
  CHECK_EQ (st.size, 11, "  target fd now is a.txt");
  CHECK_EQ (__wasi_fd_close (a), __WASI_ERRNO_BADF, "  source fd closed");
  CHECK_EQ (__wasi_fd_renumber (b, 1000), __WASI_ERRNO_BADF, "fd_renumber to an unopened fd is EBADF");
  (void) __wasi_fd_close (b);
}

/* Every name from fd_readdir, resuming each call at the last whole entry's d_next. */
static int list_dir (__wasi_fd_t dir, uint8_t *buf, size_t len, char names[][48], int max, int *truncated)
{
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  int count = 0;
  for (int round = 0; round < 10000; round++)
    {
      __wasi_size_t used;
      if (__wasi_fd_readdir (dir, buf, len, cookie, &used) != 0)
        return -1;
      size_t off = 0;
      while (off + sizeof (__wasi_dirent_t) <= used)
        {
          __wasi_dirent_t d;
          memcpy (&d, buf + off, sizeof d);
          if (off + sizeof d + d.d_namlen > used)
            {
              (*truncated)++;
              break;
            }
          if (count < max)
            {
              size_t k = d.d_namlen < 47 ? d.d_namlen : 47;
              memcpy (names[count], buf + off + sizeof d, k);
              names[count][k] = '\0';
            }
          count++;
          cookie = d.d_next;
          off += sizeof d + d.d_namlen;
        }
      if (used < len)
        return count;
    }
  return -1;
}

static int find (char names[][48], int n, const char *name)
{
  int hits = 0;
  for (int i = 0; i < n; i++)
    hits += strcmp (names[i], name) == 0;
  return hits;
}

static void test_readdir (void)
{
  (void) __wasi_path_create_directory (ROOT, "work/list");
  char path[64];
  for (int i = 0; i < 30; i++)
    {
      memcpy (path, "work/list/file-with-a-long-name-00", 35);
      path[32] = '0' + i / 10;
      path[33] = '0' + i % 10;
      __wasi_errno_t e;
      __wasi_fd_t fd = open_file (path, __WASI_OFLAGS_CREAT, FILE_RIGHTS, 0, &e);
      (void) __wasi_fd_close (fd);
    }
  __wasi_fd_t dir;
  CHECK_EQ (__wasi_path_open (ROOT, 0, "work/list", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &dir), 0,
            "open work/list");
  static char big[64][48], small[64][48];
  static uint8_t bigbuf[8192];
  uint8_t smallbuf[70];
  int tb = 0, ts = 0;
  int nbig = list_dir (dir, bigbuf, sizeof bigbuf, big, 64, &tb);
  CHECK_EQ (nbig, 32, "fd_readdir lists 30 files plus . and ..");
  CHECK (find (big, nbig, ".") == 1 && find (big, nbig, "..") == 1, "  . and .. are there once");
  int nsmall = list_dir (dir, smallbuf, sizeof smallbuf, small, 64, &ts);
  CHECK_EQ (nsmall, 32, "fd_readdir with a 70-byte buffer, resumed by cookies, sees all 32");
  CHECK (ts > 0, "  the short buffer ended in truncated entries");
  int same = 1;
  for (int i = 0; i < nbig && i < 64; i++)
    same &= find (small, nsmall, big[i]) == 1;
  CHECK (same, "  the same names, each once");
  __wasi_dirent_t d;
  __wasi_size_t used;
  CHECK_EQ (__wasi_fd_readdir (dir, bigbuf, sizeof bigbuf, 0, &used), 0, "fd_readdir from cookie 0");
  memcpy (&d, bigbuf, sizeof d);
  CHECK (d.d_type == __WASI_FILETYPE_DIRECTORY || d.d_type == __WASI_FILETYPE_REGULAR_FILE, "  d_type is set");
  __wasi_dircookie_t second = d.d_next;
  size_t off = sizeof d + d.d_namlen;
  __wasi_dirent_t d2;
  memcpy (&d2, bigbuf + off, sizeof d2);
  uint8_t again[256];
  CHECK_EQ (__wasi_fd_readdir (dir, again, sizeof again, second, &used), 0, "fd_readdir from the first entry's d_next");
  __wasi_dirent_t d3;
  memcpy (&d3, again, sizeof d3);
  CHECK (d3.d_ino == d2.d_ino && d3.d_namlen == d2.d_namlen
         && memcmp (again + sizeof d3, bigbuf + off + sizeof d2, d2.d_namlen) == 0,
         "  resumes at the second entry");
  CHECK_EQ (__wasi_fd_readdir (dir, again, 10, 0, &used), 0, "fd_readdir into 10 bytes");
  CHECK_EQ (used, 10, "  fills all 10 (a cut header)");
  __wasi_errno_t e;
  __wasi_fd_t file = open_file ("work/a.txt", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  CHECK_EQ (__wasi_fd_readdir (file, again, sizeof again, 0, &used), __WASI_ERRNO_NOTDIR,
            "fd_readdir on a file is ENOTDIR (the type is checked before the rights)");
  (void) __wasi_fd_close (file);
  (void) __wasi_fd_close (dir);
}

int main (void)
{
  CHECK_EQ (__wasi_path_create_directory (ROOT, "work"), 0, "create work/");
  test_open_flags ();
  test_io ();
  test_rights ();
  test_paths ();
  test_renumber ();
  test_readdir ();
  return check_failures != 0;
}
