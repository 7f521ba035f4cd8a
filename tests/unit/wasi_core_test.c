/* The WASI core without an engine: sandboxed resolution (every escape route), errno
 * numbering, rights, readdir cookies, descriptors, poll and sockets on a temp directory. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "wasi/wasi_core.h"

static char base[64];   /* /tmp/wasi-unit.XXXXXX: holds outside.txt and root/ */
static char root[96];

static void write_file (const char *rel, const char *text)
{
  char p[256];
  snprintf (p, sizeof p, "%s/%s", base, rel);
  int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0)
    {
      if (write (fd, text, strlen (text)) < 0)
        perror ("write");
      close (fd);
    }
}

static void make_link (const char *target, const char *rel)
{
  char p[256];
  snprintf (p, sizeof p, "%s/%s", base, rel);
  if (symlink (target, p) < 0)
    perror ("symlink");
}

static void make_dir (const char *rel)
{
  char p[256];
  snprintf (p, sizeof p, "%s/%s", base, rel);
  mkdir (p, 0755);
}

static void build_tree (void)
{
  strcpy (base, "/tmp/wasi-unit.XXXXXX");
  if (mkdtemp (base) == NULL)
    abort ();
  snprintf (root, sizeof root, "%s/root", base);
  make_dir ("root");
  make_dir ("root/sub");
  make_dir ("root/many");
  write_file ("outside.txt", "secret");
  write_file ("root/file.txt", "hello");
  write_file ("root/sub/inner.txt", "inner");
  make_link ("file.txt", "root/link_in");
  make_link ("../outside.txt", "root/link_out");
  make_link ("/etc/passwd", "root/link_abs");
  make_link ("../nonexistent", "root/dangling_out");
  make_link ("missing", "root/dangling_in");
  make_link ("chain2", "root/chain1");
  make_link ("link_out", "root/chain2");
  make_link ("loop2", "root/loop1");
  make_link ("loop1", "root/loop2");
  make_link ("..", "root/sub/up");
  make_link ("../..", "root/sub/upup");
  make_link ("sub/upup", "root/via_sub");
  for (int i = 0; i < 40; i++)
    {
      char name[64];
      snprintf (name, sizeof name, "root/many/entry-%02d-with-a-longish-name", i);
      write_file (name, "x");
    }
}

static struct wasi_ctx *new_ctx (const int *listen, size_t nlisten)
{
  struct wasi_preopen pre = { .host_path = root, .host_fd = -1, .guest_path = "/sandbox" };
  const char *argv[] = { "prog" };
  struct wasi_config cfg = {
    .argv = argv, .argc = 1, .preopens = &pre, .npreopens = 1,
    .stdio = { -1, -1, -1 }, .listen_fds = listen, .nlisten_fds = nlisten,
  };
  struct wasi_ctx *ctx = NULL;
  struct rw_error *err = NULL;
  if (wasi_ctx_new (&cfg, &ctx, &err) < 0)
    {
      printf ("# %s\n", err->msg);
      rw_error_free (&err);
    }
  return ctx;
}

#define P(s) s, strlen (s)

static wasi_errno_t open_path (struct wasi_ctx *ctx, const char *path, uint32_t dirflags, uint32_t oflags,
                               uint64_t rights, uint32_t *fd)
{
  uint32_t unused;
  return wasi_path_open (ctx, 3, dirflags, P (path), oflags, rights, 0, 0, fd ? fd : &unused);
}

static void test_errno_numbers (void)
{
  /* Values straight from the witx errno enum: guests compare against these numbers. */
  tap_eq_int (wasi_errno_from_host (0), 0, "success is 0");
  tap_eq_int (wasi_errno_from_host (E2BIG), 1, "E2BIG is 1");
  tap_eq_int (wasi_errno_from_host (EACCES), 2, "EACCES is 2");
  tap_eq_int (wasi_errno_from_host (EBADF), 8, "EBADF is 8");
  tap_eq_int (wasi_errno_from_host (EEXIST), 20, "EEXIST is 20");
  tap_eq_int (wasi_errno_from_host (EINVAL), 28, "EINVAL is 28");
  tap_eq_int (wasi_errno_from_host (EISDIR), 31, "EISDIR is 31");
  tap_eq_int (wasi_errno_from_host (ELOOP), 32, "ELOOP is 32");
  tap_eq_int (wasi_errno_from_host (ENOENT), 44, "ENOENT is 44");
  tap_eq_int (wasi_errno_from_host (ENOSYS), 52, "ENOSYS is 52");
  tap_eq_int (wasi_errno_from_host (ENOTDIR), 54, "ENOTDIR is 54");
  tap_eq_int (wasi_errno_from_host (ENOTEMPTY), 55, "ENOTEMPTY is 55");
  tap_eq_int (wasi_errno_from_host (ENOTSUP), 58, "ENOTSUP is 58");
  tap_eq_int (wasi_errno_from_host (EPERM), 63, "EPERM is 63");
  tap_eq_int (wasi_errno_from_host (EPIPE), 64, "EPIPE is 64");
  tap_eq_int (wasi_errno_from_host (ESPIPE), 70, "ESPIPE is 70");
  tap_eq_int (wasi_errno_from_host (EXDEV), 75, "EXDEV is 75");
  tap_eq_int (WASI_ENOTCAPABLE, 76, "ENOTCAPABLE is 76");
  tap_eq_int (wasi_errno_from_host (EWOULDBLOCK), 6, "EWOULDBLOCK is EAGAIN (6)");
}

static void test_utf8 (struct wasi_ctx *ctx)
{
  static const struct { const char *bytes; bool valid; const char *what; } cases[] = {
    { "plain", true, "ASCII" }, { "caf\xc3\xa9", true, "two-byte" }, { "\xe2\x82\xac", true, "three-byte" },
    { "\xf0\x9f\x98\x80", true, "four-byte" }, { "\xc3", false, "cut short" }, { "\xc0\xaf", false, "overlong" },
    { "\xed\xa0\x80", false, "surrogate" }, { "\xf4\x90\x80\x80", false, "past U+10FFFF" },
    { "\xff", false, "0xff" }, { "\x80", false, "lone continuation" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    tap_eq_int (wasi_valid_utf8 (cases[i].bytes, strlen (cases[i].bytes)), cases[i].valid, "UTF-8: %s", cases[i].what);
  struct wasi_filestat st;
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 0, P ("bad\xff"), &st), WASI_EILSEQ, "a non-UTF-8 path is EILSEQ");
  tap_eq_int (wasi_path_symlink (ctx, P ("\xc0\xaf"), 3, P ("x")), WASI_EILSEQ, "a non-UTF-8 symlink target is EILSEQ");
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("caf\xc3\xa9")), WASI_ESUCCESS, "a UTF-8 name works");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("caf\xc3\xa9")), WASI_ESUCCESS, "  and goes");
}

static void test_escapes (struct wasi_ctx *ctx)
{
  const struct { const char *path; uint32_t follow; wasi_errno_t want; const char *why; } cases[] = {
    { "../outside.txt", 1, WASI_ENOTCAPABLE, "dot-dot past the root" },
    { "/etc/passwd", 1, WASI_ENOTCAPABLE, "absolute path" },
    { "sub/../../outside.txt", 1, WASI_ENOTCAPABLE, "dot-dot past the root via a subdir" },
    { "link_out", 1, WASI_ENOTCAPABLE, "symlink to ../outside.txt" },
    { "link_abs", 1, WASI_ENOTCAPABLE, "symlink to an absolute path" },
    { "dangling_out", 1, WASI_ENOTCAPABLE, "dangling symlink pointing out" },
    { "chain1", 1, WASI_ENOTCAPABLE, "symlink chain leading out" },
    { "sub/upup/outside.txt", 1, WASI_ENOTCAPABLE, "directory symlink ../.. in the middle" },
    { "via_sub/outside.txt", 1, WASI_ENOTCAPABLE, "symlink to a symlink that climbs out" },
    { "loop1", 1, WASI_ELOOP, "symlink loop" },
    { "sub/up/file.txt", 1, WASI_ESUCCESS, "directory symlink .. that stays inside" },
    { "sub/../file.txt", 1, WASI_ESUCCESS, "dot-dot that stays inside" },
    { "link_in", 1, WASI_ESUCCESS, "symlink inside, followed" },
    { "link_in", 0, WASI_ELOOP, "symlink inside, not followed" },
    { "file.txt/", 1, WASI_ENOTDIR, "trailing slash on a file" },
    { "nope", 1, WASI_ENOENT, "missing file" },
    { "", 1, WASI_ENOENT, "empty path" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      uint32_t fd;
      wasi_errno_t r = open_path (ctx, cases[i].path, cases[i].follow, 0, WASI_RIGHT_FD_READ, &fd);
      tap_eq_int (r, cases[i].want, "path_open %s: %s", cases[i].path, cases[i].why);
      if (r == WASI_ESUCCESS)
        wasi_fd_close (ctx, fd);
    }
  uint32_t fd;
  tap_eq_int (wasi_path_open (ctx, 3, 0, "file.txt\0x", 10, 0, WASI_RIGHT_FD_READ, 0, 0, &fd), WASI_EINVAL,
              "path_open: NUL inside the path");
  tap_eq_int (open_path (ctx, "dangling_out", 1, WASI_OFLAG_CREAT, WASI_RIGHT_FD_WRITE, NULL), WASI_ENOTCAPABLE,
              "path_open creat through a dangling symlink pointing out");
  struct stat st;
  char out[256];
  snprintf (out, sizeof out, "%s/nonexistent", base);
  tap_ok (lstat (out, &st) < 0, "nothing was created outside");
  tap_eq_int (open_path (ctx, "dangling_in", 1, WASI_OFLAG_CREAT, WASI_RIGHT_FD_WRITE, NULL), WASI_ESUCCESS,
              "path_open creat through a dangling symlink inside creates its target");
  snprintf (out, sizeof out, "%s/missing", root);
  tap_ok (lstat (out, &st) == 0 && S_ISREG (st.st_mode), "the target now exists inside");

  /* Every other path_* call refuses the same escapes. */
  struct wasi_filestat fst;
  char buf[64];
  size_t used;
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("link_out"), &fst), WASI_ENOTCAPABLE, "path_filestat_get follow link_out");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 0, P ("link_out"), &fst), WASI_ESUCCESS, "path_filestat_get nofollow link_out");
  tap_eq_int (fst.filetype, WASI_FILETYPE_SYMBOLIC_LINK, "  it is the symlink itself");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("../outside.txt"), &fst), WASI_ENOTCAPABLE, "path_filestat_get ../");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P (".."), &fst), WASI_ENOTCAPABLE, "path_filestat_get ..");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("sub/.."), &fst), WASI_ESUCCESS, "path_filestat_get sub/..");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("dangling_out"), &fst), WASI_ENOTCAPABLE, "path_filestat_get dangling_out");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("dangling_in"), &fst), WASI_ESUCCESS, "path_filestat_get dangling_in (now created)");
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("../newdir")), WASI_ENOTCAPABLE, "path_create_directory ../newdir");
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("sub/upup/newdir")), WASI_ENOTCAPABLE, "path_create_directory through sub/upup");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("../root")), WASI_ENOTCAPABLE, "path_remove_directory ../root");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("../outside.txt")), WASI_ENOTCAPABLE, "path_unlink_file ../outside.txt");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("/tmp/x")), WASI_ENOTCAPABLE, "path_unlink_file absolute");
  tap_eq_int (wasi_path_rename (ctx, 3, P ("file.txt"), 3, P ("../stolen")), WASI_ENOTCAPABLE, "path_rename to ../");
  tap_eq_int (wasi_path_rename (ctx, 3, P ("../outside.txt"), 3, P ("got")), WASI_ENOTCAPABLE, "path_rename from ../");
  tap_eq_int (wasi_path_link (ctx, 3, 0, P ("../outside.txt"), 3, P ("hard")), WASI_ENOTCAPABLE, "path_link from ../");
  tap_eq_int (wasi_path_link (ctx, 3, 1, P ("link_out"), 3, P ("hard")), WASI_ENOTCAPABLE, "path_link following link_out");
  tap_eq_int (wasi_path_link (ctx, 3, 0, P ("file.txt"), 3, P ("sub/upup/hard")), WASI_ENOTCAPABLE, "path_link to sub/upup/");
  tap_eq_int (wasi_path_symlink (ctx, P ("/etc/passwd"), 3, P ("abs2")), WASI_ENOTCAPABLE, "path_symlink with absolute target");
  tap_eq_int (wasi_path_symlink (ctx, P ("file.txt"), 3, P ("../planted")), WASI_ENOTCAPABLE, "path_symlink placed outside");
  tap_eq_int (wasi_path_readlink (ctx, 3, P ("../x"), buf, sizeof buf, &used), WASI_ENOTCAPABLE, "path_readlink ../x");
  tap_eq_int (wasi_path_filestat_set_times (ctx, 3, 1, P ("link_out"), 0, 0, WASI_FSTFLAG_MTIM_NOW), WASI_ENOTCAPABLE,
              "path_filestat_set_times following link_out");
  snprintf (out, sizeof out, "%s/outside.txt", base);
  tap_ok (lstat (out, &st) == 0 && st.st_nlink == 1, "outside.txt untouched and not linked");
  tap_eq_int (wasi_path_readlink (ctx, 3, P ("link_out"), buf, sizeof buf, &used), WASI_ESUCCESS, "path_readlink link_out");
  tap_ok (used == strlen ("../outside.txt") && memcmp (buf, "../outside.txt", used) == 0, "  reads its text");
  tap_eq_int (wasi_path_readlink (ctx, 3, P ("link_out"), buf, 4, &used), WASI_ESUCCESS, "path_readlink into a short buffer");
  tap_eq_int (used, 4, "  truncates to the buffer");
}

static void test_walk_fallback (void)
{
  int rootfd = open (root, O_RDONLY | O_DIRECTORY);
  const struct { const char *path; wasi_errno_t want; } cases[] = {
    { "sub", WASI_ESUCCESS }, { "sub/up", WASI_ESUCCESS }, { "sub/up/sub/..", WASI_ESUCCESS },
    { ".", WASI_ESUCCESS }, { "..", WASI_ENOTCAPABLE }, { "sub/../..", WASI_ENOTCAPABLE },
    { "sub/upup", WASI_ENOTCAPABLE }, { "via_sub", WASI_ENOTCAPABLE }, { "/etc", WASI_ENOTCAPABLE },
    { "loop1", WASI_ELOOP }, { "file.txt", WASI_ENOTDIR }, { "nope", WASI_ENOENT },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      int a = -1, b = -1;
      wasi_errno_t ra = wasi_open_beneath_walk (rootfd, cases[i].path, &a);
      wasi_errno_t rb = wasi_open_beneath (rootfd, cases[i].path, &b);
      tap_eq_int (ra, cases[i].want, "userspace walk: %s", cases[i].path);
      tap_eq_int (rb, cases[i].want, "openat2 walk: %s", cases[i].path);
      if (ra == WASI_ESUCCESS && rb == WASI_ESUCCESS)
        {
          struct stat sa, sb;
          fstat (a, &sa);
          fstat (b, &sb);
          tap_ok (sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev, "  both reach the same directory");
        }
      if (a >= 0)
        close (a);
      if (b >= 0)
        close (b);
    }
  close (rootfd);
}

/* /proc's magic links (root, cwd, fd/N) jump anywhere: a preopen of /proc/self must not
 * let the guest through them, neither in the middle of a path nor at its end. */
static void test_magic_links (void)
{
  struct wasi_preopen pre = { .host_path = "/proc/self", .host_fd = -1, .guest_path = "/proc" };
  struct wasi_config cfg = { .preopens = &pre, .npreopens = 1, .stdio = { -1, -1, -1 } };
  struct wasi_ctx *ctx = NULL;
  struct rw_error *err = NULL;
  if (wasi_ctx_new (&cfg, &ctx, &err) < 0)
    {
      rw_error_free (&err);
      tap_ok (0, "preopen /proc/self");
      return;
    }
  static const char *const paths[] = { "root/etc/passwd", "cwd", "root", "fd/3/..", "exe", "fd/3", "cwd/x" };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    {
      uint32_t fd;
      wasi_errno_t r = wasi_path_open (ctx, 3, WASI_LOOKUP_SYMLINK_FOLLOW, P (paths[i]), 0, WASI_RIGHT_FD_READ, 0,
                                       0, &fd);
      tap_ok (r == WASI_ENOTCAPABLE || r == WASI_ELOOP, "/proc/self/%s is refused (got %u)", paths[i], r);
      struct wasi_filestat st;
      r = wasi_path_filestat_get (ctx, 3, WASI_LOOKUP_SYMLINK_FOLLOW, P (paths[i]), &st);
      tap_ok (r == WASI_ENOTCAPABLE || r == WASI_ELOOP, "  stat through it too (got %u)", r);
    }
  wasi_ctx_free (ctx);
}

static void test_rights (struct wasi_ctx *ctx)
{
  uint32_t fd;
  tap_eq_int (open_path (ctx, "file.txt", 1, 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, &fd), WASI_ESUCCESS,
              "open file.txt read-only");
  char c[8];
  struct iovec v = { c, sizeof c };
  size_t n;
  tap_eq_int (wasi_fd_write (ctx, fd, &v, 1, &n), WASI_ENOTCAPABLE, "fd_write without FD_WRITE");
  tap_eq_int (wasi_fd_read (ctx, fd, &v, 1, &n), WASI_ESUCCESS, "fd_read with FD_READ");
  tap_ok (n == 5 && memcmp (c, "hello", 5) == 0, "  reads the file");
  struct wasi_fdstat st;
  wasi_fd_fdstat_get (ctx, fd, &st);
  tap_eq_int (st.filetype, WASI_FILETYPE_REGULAR_FILE, "fdstat filetype regular");
  tap_ok (st.rights_base == (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK), "fdstat shows the granted rights");
  tap_eq_int (wasi_fd_fdstat_set_rights (ctx, fd, WASI_RIGHT_FD_READ, 0), WASI_ESUCCESS, "narrow rights");
  uint64_t pos;
  tap_eq_int (wasi_fd_seek (ctx, fd, 0, WASI_WHENCE_SET, &pos), WASI_ENOTCAPABLE, "fd_seek after dropping FD_SEEK");
  tap_eq_int (wasi_fd_fdstat_set_rights (ctx, fd, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, 0), WASI_ENOTCAPABLE,
              "rights cannot be widened again");
  wasi_fd_close (ctx, fd);
  tap_eq_int (wasi_fd_close (ctx, fd), WASI_EBADF, "closing twice is EBADF");
  tap_eq_int (wasi_fd_read (ctx, 99, &v, 1, &n), WASI_EBADF, "unknown fd is EBADF");
  tap_eq_int (open_path (ctx, "sub", 1, WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_OPEN, &fd),
              WASI_ESUCCESS, "open sub as a directory");
  tap_eq_int (wasi_fd_fdstat_set_rights (ctx, fd, WASI_RIGHT_FD_READDIR, WASI_RIGHT_FD_READ), WASI_ENOTCAPABLE,
              "inheriting rights cannot grow either");
  uint32_t inner;
  tap_eq_int (wasi_path_open (ctx, fd, 0, P ("inner.txt"), 0, WASI_RIGHT_FD_READ, 0, 0, &inner), WASI_ENOTCAPABLE,
              "a directory without inheriting FD_READ cannot open files for reading");
  tap_eq_int (wasi_fd_fdstat_set_rights (ctx, fd, WASI_RIGHT_FD_READDIR, 0), WASI_ESUCCESS, "drop PATH_OPEN");
  tap_eq_int (wasi_path_open (ctx, fd, 0, P ("inner.txt"), 0, 0, 0, 0, &inner), WASI_ENOTCAPABLE,
              "path_open needs PATH_OPEN");
  tap_eq_int (wasi_path_create_directory (ctx, fd, P ("d")), WASI_ENOTCAPABLE, "path_create_directory needs its right");
  tap_eq_int (wasi_path_unlink_file (ctx, fd, P ("inner.txt")), WASI_ENOTCAPABLE, "path_unlink_file needs its right");
  wasi_fd_close (ctx, fd);
  tap_eq_int (open_path (ctx, "file.txt", 1, 0, WASI_RIGHTS_ALL, &fd), WASI_ESUCCESS, "open a file asking for all rights");
  wasi_fd_fdstat_get (ctx, fd, &st);
  tap_ok ((st.rights_base & WASI_RIGHT_PATH_OPEN) == 0 && (st.rights_base & WASI_RIGHT_FD_WRITE),
          "directory-only rights are dropped for a file");
  wasi_fd_close (ctx, fd);
  tap_eq_int (wasi_path_open (ctx, 3, 0, P ("file.txt"), 0, WASI_RIGHT_FD_READ, WASI_RIGHTS_ALL, 0, &fd),
              WASI_ESUCCESS, "open a file asking to inherit everything");
  wasi_fd_fdstat_get (ctx, fd, &st);
  tap_ok ((st.rights_inheriting & (WASI_RIGHT_PATH_OPEN | WASI_RIGHT_PATH_FILESTAT_GET)) == 0,
          "  a file inherits no path_* rights");
  uint32_t sub;
  tap_eq_int (wasi_path_open (ctx, fd, 0, P ("x"), 0, 0, 0, 0, &sub), WASI_ENOTDIR, "path_open on a file fd is ENOTDIR");
  wasi_fd_close (ctx, fd);
}

/* Names fd_readdir returns from cookie 0 with a buffer of buflen, resuming at each last
 * complete entry's d_next; returns how many, and whether any came twice. */
static int read_all_names (struct wasi_ctx *ctx, uint32_t fd, size_t buflen, char names[][64], int max, int *dups,
                           int *partial_seen)
{
  uint8_t *buf = malloc (buflen);
  uint64_t cookie = 0;
  int count = 0;
  *dups = 0;
  for (int rounds = 0; rounds < 1000; rounds++)
    {
      size_t used;
      if (wasi_fd_readdir (ctx, fd, buf, buflen, cookie, &used) != WASI_ESUCCESS)
        break;
      size_t off = 0;
      while (off + WASI_DIRENT_SIZE <= used)
        {
          uint64_t next;
          uint32_t namlen;
          memcpy (&next, buf + off, 8);
          memcpy (&namlen, buf + off + 16, 4);
          if (off + WASI_DIRENT_SIZE + namlen > used)
            {
              (*partial_seen)++;
              break;
            }
          char name[64] = { 0 };
          memcpy (name, buf + off + WASI_DIRENT_SIZE, namlen < 63 ? namlen : 63);
          for (int i = 0; i < count; i++)
            if (strcmp (names[i], name) == 0)
              (*dups)++;
          if (count < max)
            strcpy (names[count++], name);
          cookie = next;
          off += WASI_DIRENT_SIZE + namlen;
        }
      if (used < buflen)
        break;
    }
  free (buf);
  return count;
}

static void test_readdir (struct wasi_ctx *ctx)
{
  uint32_t fd;
  open_path (ctx, "many", 1, WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READDIR, &fd);
  static char big[64][64], small[64][64];
  int dups_big, dups_small, partial_big = 0, partial_small = 0;
  int nbig = read_all_names (ctx, fd, 65536, big, 64, &dups_big, &partial_big);
  int nsmall = read_all_names (ctx, fd, 100, small, 64, &dups_small, &partial_small);
  tap_eq_int (nbig, 42, "readdir lists 40 files plus . and ..");
  int dot = 0, dotdot = 0;
  for (int i = 0; i < nbig; i++)
    {
      dot += strcmp (big[i], ".") == 0;
      dotdot += strcmp (big[i], "..") == 0;
    }
  tap_ok (dot == 1 && dotdot == 1, "readdir includes . and ..");
  tap_eq_int (nsmall, nbig, "a 100-byte buffer resumed by cookies sees every entry");
  tap_eq_int (dups_small + dups_big, 0, "no entry twice");
  tap_ok (partial_small > 0, "small buffers end with a truncated entry");
  size_t used;
  uint8_t tiny[10];
  tap_eq_int (wasi_fd_readdir (ctx, fd, tiny, sizeof tiny, 0, &used), WASI_ESUCCESS, "readdir into 10 bytes");
  tap_eq_int (used, 10, "  fills the buffer with part of a header");
  /* Resuming from the middle gives the same tail. */
  uint8_t buf[4096];
  wasi_fd_readdir (ctx, fd, buf, sizeof buf, 0, &used);
  size_t off = 0;
  for (int i = 0; i < 2; i++)
    {
      uint32_t namlen;
      memcpy (&namlen, buf + off + 16, 4);
      off += WASI_DIRENT_SIZE + namlen;
    }
  uint32_t namlen2;
  memcpy (&namlen2, buf + off + 16, 4);
  char want[64] = { 0 };
  memcpy (want, buf + off + WASI_DIRENT_SIZE, namlen2 < 63 ? namlen2 : 63);
  uint64_t cookie_before_third;
  {
    uint32_t namlen;
    size_t o = 0;
    memcpy (&namlen, buf + o + 16, 4);
    o += WASI_DIRENT_SIZE + namlen;
    memcpy (&cookie_before_third, buf + o, 8);
  }
  uint8_t again[512];
  wasi_fd_readdir (ctx, fd, again, sizeof again, cookie_before_third, &used);
  char got[64] = { 0 };
  uint32_t gl;
  memcpy (&gl, again + 16, 4);
  memcpy (got, again + WASI_DIRENT_SIZE, gl < 63 ? gl : 63);
  tap_eq_str (got, want, "the cookie of entry 2 resumes at entry 3");
  uint32_t file;
  open_path (ctx, "file.txt", 1, 0, WASI_RIGHTS_ALL, &file);
  tap_eq_int (wasi_fd_readdir (ctx, file, buf, sizeof buf, 0, &used), WASI_ENOTDIR, "readdir on a file fd is ENOTDIR");
  wasi_fd_close (ctx, file);
  wasi_fd_close (ctx, fd);
}

static void test_file_ops (struct wasi_ctx *ctx)
{
  uint32_t fd;
  uint64_t rw = WASI_RIGHTS_REGULAR_FILE;
  tap_eq_int (open_path (ctx, "new.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, rw, &fd), WASI_ESUCCESS, "creat|excl");
  tap_eq_int (open_path (ctx, "new.txt", 0, WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, rw, NULL), WASI_EEXIST,
              "creat|excl again is EEXIST");
  struct iovec v[2] = { { "abc", 3 }, { "defgh", 5 } };
  size_t n;
  tap_eq_int (wasi_fd_write (ctx, fd, v, 2, &n), WASI_ESUCCESS, "fd_write two iovecs");
  tap_eq_int (n, 8, "  writes 8 bytes");
  uint64_t pos;
  tap_eq_int (wasi_fd_tell (ctx, fd, &pos), WASI_ESUCCESS, "fd_tell");
  tap_eq_int (pos, 8, "  at 8");
  tap_eq_int (wasi_fd_seek (ctx, fd, -3, WASI_WHENCE_END, &pos), WASI_ESUCCESS, "fd_seek from end");
  tap_eq_int (pos, 5, "  to 5");
  tap_eq_int (wasi_fd_seek (ctx, fd, 0, 7, &pos), WASI_EINVAL, "fd_seek bad whence");
  char c[8] = { 0 };
  struct iovec r = { c, 3 };
  tap_eq_int (wasi_fd_pread (ctx, fd, &r, 1, 2, &n), WASI_ESUCCESS, "fd_pread at 2");
  tap_ok (n == 3 && memcmp (c, "cde", 3) == 0, "  reads cde");
  struct iovec w = { "XY", 2 };
  tap_eq_int (wasi_fd_pwrite (ctx, fd, &w, 1, 0, &n), WASI_ESUCCESS, "fd_pwrite at 0");
  wasi_fd_tell (ctx, fd, &pos);
  tap_eq_int (pos, 5, "fd_pwrite leaves the offset alone");
  tap_eq_int (wasi_fd_filestat_set_size (ctx, fd, 4), WASI_ESUCCESS, "fd_filestat_set_size 4");
  struct wasi_filestat st;
  wasi_fd_filestat_get (ctx, fd, &st);
  tap_eq_int (st.size, 4, "  size is 4");
  tap_eq_int (wasi_fd_filestat_set_times (ctx, fd, 1000000000ull * 42, 1000000000ull * 43,
                                          WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM), WASI_ESUCCESS, "fd_filestat_set_times");
  wasi_fd_filestat_get (ctx, fd, &st);
  tap_ok (st.atim == 42000000000ull && st.mtim == 43000000000ull, "  times set");
  tap_eq_int (wasi_fd_filestat_set_times (ctx, fd, 0, 0, WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW), WASI_EINVAL,
              "atim with atim_now is EINVAL");
  tap_eq_int (wasi_path_filestat_set_times (ctx, 3, 0, P ("new.txt"), 0, 5000000000ull, WASI_FSTFLAG_MTIM),
              WASI_ESUCCESS, "path_filestat_set_times");
  wasi_path_filestat_get (ctx, 3, 0, P ("new.txt"), &st);
  tap_ok (st.mtim == 5000000000ull && st.atim == 42000000000ull, "  only mtim changed");
  tap_eq_int (wasi_fd_allocate (ctx, fd, 0, 100), WASI_ESUCCESS, "fd_allocate");
  wasi_fd_filestat_get (ctx, fd, &st);
  tap_eq_int (st.size, 100, "  grows the file");
  tap_eq_int (wasi_fd_advise (ctx, fd, 0, 0, WASI_ADVICE_SEQUENTIAL), WASI_ESUCCESS, "fd_advise");
  tap_eq_int (wasi_fd_advise (ctx, fd, 0, 0, 9), WASI_EINVAL, "fd_advise bad advice");
  tap_eq_int (wasi_fd_datasync (ctx, fd), WASI_ESUCCESS, "fd_datasync");
  tap_eq_int (wasi_fd_sync (ctx, fd), WASI_ESUCCESS, "fd_sync");
  tap_eq_int (wasi_fd_fdstat_set_flags (ctx, fd, WASI_FDFLAG_APPEND), WASI_ESUCCESS, "set append");
  struct wasi_fdstat fs;
  wasi_fd_fdstat_get (ctx, fd, &fs);
  tap_eq_int (fs.flags, WASI_FDFLAG_APPEND, "  fdstat shows append");
  tap_eq_int (wasi_fd_fdstat_set_flags (ctx, fd, WASI_FDFLAG_SYNC), WASI_ENOTSUP, "sync cannot be set later");
  uint32_t other;
  open_path (ctx, "file.txt", 1, 0, WASI_RIGHT_FD_READ, &other);
  tap_eq_int (wasi_fd_renumber (ctx, fd, other), WASI_ESUCCESS, "fd_renumber");
  wasi_fd_filestat_get (ctx, other, &st);
  tap_eq_int (st.size, 100, "  the target now is new.txt");
  tap_eq_int (wasi_fd_close (ctx, fd), WASI_EBADF, "  the source is closed");
  tap_eq_int (wasi_fd_renumber (ctx, other, 77), WASI_EBADF, "fd_renumber to a closed fd");
  wasi_fd_close (ctx, other);
  tap_eq_int (open_path (ctx, "new.txt", 0, WASI_OFLAG_TRUNC, WASI_RIGHT_FD_WRITE, &fd), WASI_ESUCCESS, "open with trunc");
  wasi_fd_filestat_get (ctx, fd, &st);
  tap_eq_int (wasi_fd_filestat_get (ctx, fd, &st), WASI_ENOTCAPABLE, "filestat_get needs its right");
  wasi_path_filestat_get (ctx, 3, 0, P ("new.txt"), &st);
  tap_eq_int (st.size, 0, "  truncated");
  wasi_fd_close (ctx, fd);
  tap_eq_int (open_path (ctx, "sync.txt", 0, WASI_OFLAG_CREAT, WASI_RIGHT_FD_WRITE, &fd), WASI_ESUCCESS, "creat");
  wasi_fd_close (ctx, fd);
  tap_eq_int (wasi_path_open (ctx, 3, 0, P ("sync.txt"), 0, WASI_RIGHT_FD_WRITE, 0,
                              WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC, &fd), WASI_ESUCCESS, "open dsync|rsync");
  wasi_fd_fdstat_get (ctx, fd, &fs);
  tap_ok ((fs.flags & WASI_FDFLAG_RSYNC) && (fs.flags & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_SYNC)), "  fdstat shows them");
  wasi_fd_close (ctx, fd);
  tap_eq_int (open_path (ctx, "file.txt", 0, WASI_OFLAG_DIRECTORY, 0, NULL), WASI_ENOTDIR, "directory oflag on a file");
  tap_eq_int (open_path (ctx, ".", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE, NULL),
              WASI_EISDIR, "directory oflag with the write right is EISDIR");
  tap_eq_int (open_path (ctx, ".", 0, WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIRECTORY, NULL), WASI_ESUCCESS,
              "directory oflag with every directory right opens");
  tap_eq_int (open_path (ctx, ".", 0, 0, 0, NULL), WASI_ESUCCESS, "\".\" with no rights and no oflags opens");
  tap_eq_int (open_path (ctx, "file.txt", 0, 0x10, 0, NULL), WASI_EINVAL, "unknown oflag");
}

static void test_path_ops (struct wasi_ctx *ctx)
{
  struct wasi_filestat st;
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("d1")), WASI_ESUCCESS, "mkdir d1");
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("d1")), WASI_EEXIST, "mkdir d1 again");
  tap_eq_int (wasi_path_create_directory (ctx, 3, P ("d1/d2/")), WASI_ESUCCESS, "mkdir d1/d2/");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("d1")), WASI_ENOTEMPTY, "rmdir non-empty");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("file.txt")), WASI_ENOTDIR, "rmdir a file");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("d1")), WASI_EISDIR, "unlink a directory");
  tap_eq_int (wasi_path_symlink (ctx, P ("../file.txt"), 3, P ("d1/ln")), WASI_ESUCCESS, "symlink d1/ln -> ../file.txt");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 1, P ("d1/ln"), &st), WASI_ESUCCESS, "stat through it");
  tap_eq_int (st.size, 5, "  sees file.txt");
  tap_eq_int (wasi_path_symlink (ctx, P ("x"), 3, P ("d1/new/")), WASI_ENOENT, "symlink to a new name/ is ENOENT");
  tap_eq_int (wasi_path_symlink (ctx, P ("x"), 3, P ("d1/d2/")), WASI_EEXIST, "symlink onto an existing dir/ is EEXIST");
  tap_eq_int (wasi_path_symlink (ctx, P ("x"), 3, P ("file.txt/")), WASI_ENOTDIR, "symlink onto file/ is ENOTDIR");
  tap_eq_int (wasi_path_link (ctx, 3, 0, P ("file.txt"), 3, P ("d1/hard/")), WASI_ENOENT, "link to name/ is ENOENT");
  tap_eq_int (wasi_path_link (ctx, 3, 0, P ("d1"), 3, P ("d1link")), WASI_EPERM, "hard link to a directory is EPERM");
  tap_eq_int (wasi_path_link (ctx, 3, 0, P ("file.txt"), 3, P ("d1/hard")), WASI_ESUCCESS, "link");
  wasi_path_filestat_get (ctx, 3, 0, P ("file.txt"), &st);
  tap_eq_int (st.nlink, 2, "  nlink 2");
  tap_eq_int (wasi_path_link (ctx, 3, 1, P ("link_in"), 3, P ("d1/hard2")), WASI_ESUCCESS, "link following a symlink");
  wasi_path_filestat_get (ctx, 3, 0, P ("d1/hard2"), &st);
  tap_eq_int (st.filetype, WASI_FILETYPE_REGULAR_FILE, "  links the target, not the symlink");
  tap_eq_int (wasi_path_rename (ctx, 3, P ("d1/hard"), 3, P ("d1/d2/moved")), WASI_ESUCCESS, "rename");
  tap_eq_int (wasi_path_filestat_get (ctx, 3, 0, P ("d1/hard"), &st), WASI_ENOENT, "  old name gone");
  tap_eq_int (wasi_path_rename (ctx, 3, P ("file.txt"), 3, P ("d1/x/")), WASI_ENOTDIR, "rename a file to name/");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("d1/d2/moved")), WASI_ESUCCESS, "unlink");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("d1/ln")), WASI_ESUCCESS, "unlink a symlink");
  tap_eq_int (wasi_path_unlink_file (ctx, 3, P ("d1/hard2")), WASI_ESUCCESS, "unlink hard2");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("d1/d2")), WASI_ESUCCESS, "rmdir d1/d2");
  tap_eq_int (wasi_path_remove_directory (ctx, 3, P ("d1")), WASI_ESUCCESS, "rmdir d1");
  uint32_t file;
  open_path (ctx, "file.txt", 1, 0, WASI_RIGHT_FD_READ, &file);
  tap_eq_int (wasi_path_create_directory (ctx, file, P ("x")), WASI_ENOTDIR, "path call on a file fd is ENOTDIR");
  wasi_fd_close (ctx, file);
}

static void test_prestat (struct wasi_ctx *ctx)
{
  uint32_t len;
  char name[32] = { 0 };
  tap_eq_int (wasi_fd_prestat_get (ctx, 3, &len), WASI_ESUCCESS, "prestat of the preopen");
  tap_eq_int (len, 8, "  name length");
  tap_eq_int (wasi_fd_prestat_dir_name (ctx, 3, name, len), WASI_ESUCCESS, "prestat_dir_name");
  tap_eq_str (name, "/sandbox", "  the guest name");
  tap_eq_int (wasi_fd_prestat_dir_name (ctx, 3, name, 3), WASI_ENAMETOOLONG, "prestat_dir_name short buffer");
  tap_eq_int (wasi_fd_prestat_get (ctx, 4, &len), WASI_EBADF, "fd 4 is not a preopen: EBADF ends libc's scan");
  tap_eq_int (wasi_fd_prestat_get (ctx, 0, &len), WASI_EBADF, "closed stdin");
}

static void test_clock_random (void)
{
  uint64_t t1, t2, res;
  tap_eq_int (wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t1), WASI_ESUCCESS, "monotonic");
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t2);
  tap_ok (t2 >= t1, "  does not go back");
  tap_eq_int (wasi_clock_time_get (WASI_CLOCK_REALTIME, 0, &t1), WASI_ESUCCESS, "realtime");
  tap_ok (t1 > 1600000000ull * 1000000000ull, "  after 2020");
  tap_eq_int (wasi_clock_time_get (WASI_CLOCK_PROCESS_CPUTIME_ID, 0, &t1), WASI_ESUCCESS, "process cputime");
  tap_eq_int (wasi_clock_time_get (WASI_CLOCK_THREAD_CPUTIME_ID, 0, &t1), WASI_ESUCCESS, "thread cputime");
  tap_eq_int (wasi_clock_time_get (4, 0, &t1), WASI_EINVAL, "unknown clock");
  tap_eq_int (wasi_clock_res_get (WASI_CLOCK_MONOTONIC, &res), WASI_ESUCCESS, "clock_res_get");
  tap_ok (res > 0 && res <= 1000000, "  resolution at most 1ms");
  tap_eq_int (wasi_clock_res_get (9, &res), WASI_EINVAL, "clock_res_get unknown clock");
  uint8_t a[32] = { 0 }, b[32] = { 0 };
  wasi_random_get (a, sizeof a);
  wasi_random_get (b, sizeof b);
  tap_ok (memcmp (a, b, sizeof a) != 0, "random_get gives different bytes");
}

static void test_poll (struct wasi_ctx *ctx)
{
  struct wasi_event ev[3];
  uint32_t n;
  struct wasi_subscription clock = { .userdata = 7, .tag = WASI_EVENTTYPE_CLOCK, .clock_id = WASI_CLOCK_MONOTONIC,
                                     .timeout = 20000000 };
  uint64_t t1, t2;
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t1);
  tap_eq_int (wasi_poll_oneoff (ctx, &clock, ev, 1, &n), WASI_ESUCCESS, "poll a 20ms relative clock");
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t2);
  tap_ok (n == 1 && ev[0].userdata == 7 && ev[0].type == WASI_EVENTTYPE_CLOCK && ev[0].error == 0, "  one clock event");
  tap_ok (t2 - t1 >= 20000000, "  after at least 20ms");
  struct wasi_subscription abs = clock;
  abs.clock_flags = WASI_SUBCLOCKFLAG_ABSTIME;
  abs.clock_id = WASI_CLOCK_REALTIME;
  wasi_clock_time_get (WASI_CLOCK_REALTIME, 0, &abs.timeout);
  abs.timeout += 10000000;
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t1);
  tap_eq_int (wasi_poll_oneoff (ctx, &abs, ev, 1, &n), WASI_ESUCCESS, "poll an absolute realtime deadline");
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t2);
  tap_ok (n == 1 && t2 - t1 >= 5000000, "  waits until it");
  tap_eq_int (wasi_poll_oneoff (ctx, &clock, ev, 0, &n), WASI_EINVAL, "no subscriptions is EINVAL");

  int p[2];
  if (pipe (p) < 0)
    return;
  uint32_t rfd;
  wasi_fd_insert (ctx, p[0], WASI_FILETYPE_UNKNOWN, WASI_RIGHTS_STREAM, 0, &rfd);
  struct wasi_subscription subs[3] = {
    { .userdata = 1, .tag = WASI_EVENTTYPE_FD_READ, .fd = rfd },
    { .userdata = 2, .tag = WASI_EVENTTYPE_CLOCK, .clock_id = WASI_CLOCK_MONOTONIC, .timeout = 50000000 },
    { .userdata = 3, .tag = WASI_EVENTTYPE_FD_READ, .fd = 555 },
  };
  tap_eq_int (wasi_poll_oneoff (ctx, subs, ev, 2, &n), WASI_ESUCCESS, "poll an empty pipe and a 50ms clock");
  tap_ok (n == 1 && ev[0].userdata == 2, "  times out on the clock");
  subs[1].timeout = 5000000000ull;
  if (write (p[1], "abcd", 4) != 4)
    return;
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t1);
  tap_eq_int (wasi_poll_oneoff (ctx, subs, ev, 2, &n), WASI_ESUCCESS, "poll a pipe with data");
  wasi_clock_time_get (WASI_CLOCK_MONOTONIC, 0, &t2);
  tap_ok (n == 1 && ev[0].userdata == 1 && ev[0].type == WASI_EVENTTYPE_FD_READ && ev[0].nbytes == 4,
          "  fd_read event with nbytes 4");
  tap_ok (t2 - t1 < 1000000000ull, "  without waiting for the clock");
  tap_eq_int (wasi_poll_oneoff (ctx, subs + 2, ev, 1, &n), WASI_ESUCCESS, "poll a bad fd");
  tap_ok (n == 1 && ev[0].error == WASI_EBADF && ev[0].userdata == 3, "  reports EBADF in the event");
  close (p[1]);
  wasi_fd_close (ctx, rfd);
}

static void test_sockets (void)
{
  int lfd = socket (AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s/sock", base);
  if (bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (lfd, 4) < 0)
    {
      tap_ok (0, "listen on a unix socket");
      return;
    }
  struct wasi_ctx *ctx = new_ctx (&lfd, 1);
  struct wasi_fdstat fs;
  tap_eq_int (wasi_fd_fdstat_get (ctx, 4, &fs), WASI_ESUCCESS, "listen fd is guest fd 4, after the preopen");
  tap_eq_int (fs.filetype, WASI_FILETYPE_SOCKET_STREAM, "  a stream socket");
  uint32_t unused;
  tap_eq_int (wasi_fd_prestat_get (ctx, 4, &unused), WASI_EBADF, "  not a preopen");
  int client = socket (AF_UNIX, SOCK_STREAM, 0);
  if (connect (client, (struct sockaddr *) &addr, sizeof addr) < 0)
    perror ("connect");
  uint32_t conn;
  tap_eq_int (wasi_sock_accept (ctx, 4, 0, &conn), WASI_ESUCCESS, "sock_accept");
  tap_eq_int (wasi_sock_accept (ctx, 4, 0x20, &unused), WASI_EINVAL, "sock_accept bad flags");
  /* sock_accept's flags are the new fd's; a listener made nonblocking does not wait. */
  tap_eq_int (wasi_fd_fdstat_set_flags (ctx, 4, WASI_FDFLAG_NONBLOCK), WASI_ESUCCESS, "make the listener nonblocking");
  tap_eq_int (wasi_sock_accept (ctx, 4, 0, &unused), WASI_EAGAIN, "accept with nobody waiting is EAGAIN");
  if (write (client, "ping", 4) != 4)
    perror ("write");
  char buf[16] = { 0 };
  struct iovec v = { buf, sizeof buf };
  size_t n;
  uint16_t roflags = 9;
  tap_eq_int (wasi_sock_recv (ctx, conn, &v, 1, WASI_RIFLAG_RECV_PEEK, &n, &roflags), WASI_ESUCCESS, "sock_recv peek");
  tap_eq_int (wasi_sock_recv (ctx, conn, &v, 1, 0, &n, &roflags), WASI_ESUCCESS, "sock_recv");
  tap_ok (n == 4 && memcmp (buf, "ping", 4) == 0 && roflags == 0, "  got ping");
  struct iovec out = { "pong", 4 };
  tap_eq_int (wasi_sock_send (ctx, conn, &out, 1, 0, &n), WASI_ESUCCESS, "sock_send");
  char reply[8] = { 0 };
  tap_ok (read (client, reply, sizeof reply) == 4 && memcmp (reply, "pong", 4) == 0, "  client got pong");
  tap_eq_int (wasi_sock_shutdown (ctx, conn, 5), WASI_EINVAL, "sock_shutdown bad how");
  tap_eq_int (wasi_sock_shutdown (ctx, conn, WASI_SDFLAG_WR), WASI_ESUCCESS, "sock_shutdown wr");
  tap_ok (read (client, reply, sizeof reply) == 0, "  client sees EOF");
  tap_eq_int (wasi_sock_shutdown (ctx, 3, WASI_SDFLAG_WR), WASI_ENOTSOCK, "sock_shutdown on a directory is ENOTSOCK");
  close (client);
  close (lfd);
  wasi_ctx_free (ctx);
}

int main (void)
{
  build_tree ();
  test_errno_numbers ();
  struct wasi_ctx *ctx = new_ctx (NULL, 0);
  tap_ok (ctx != NULL, "context with one preopen");
  if (ctx == NULL)
    return tap_done ();
  test_escapes (ctx);
  test_utf8 (ctx);
  test_walk_fallback ();
  test_magic_links ();
  test_rights (ctx);
  test_readdir (ctx);
  test_file_ops (ctx);
  test_path_ops (ctx);
  test_prestat (ctx);
  test_clock_random ();
  test_poll (ctx);
  test_sockets ();
  wasi_ctx_free (ctx);

  /* The same escapes once openat2 is gone, as under a seccomp profile that lacks it: every
   * path call must fall back to the userspace walk and refuse exactly the same things. */
  scmp_filter_ctx filter = seccomp_init (SCMP_ACT_ALLOW);
  tap_ok (filter && seccomp_rule_add (filter, SCMP_ACT_ERRNO (ENOSYS), SCMP_SYS (openat2), 0) == 0
          && seccomp_load (filter) == 0, "deny openat2 with seccomp (ENOSYS)");
  seccomp_release (filter);
  int probe = -1;
  int rootfd = open (root, O_RDONLY | O_DIRECTORY);
  tap_eq_int (wasi_open_beneath (rootfd, "sub", &probe), WASI_ESUCCESS, "resolution still works without openat2");
  close (probe);
  close (rootfd);
  ctx = new_ctx (NULL, 0);
  printf ("# escapes again, through the userspace walk\n");
  test_escapes (ctx);
  test_path_ops (ctx);
  wasi_ctx_free (ctx);
  test_magic_links ();
  /* Terminals are told from other character devices by the seek/tell rights. */
  struct rw_error *err = NULL;
  int devnull = open ("/dev/null", O_RDWR);
  struct wasi_config null_cfg = { .stdio = { devnull, devnull, -1 } };
  struct wasi_fdstat fs;
  if (wasi_ctx_new (&null_cfg, &ctx, &err) == 0)
    {
      tap_eq_int (wasi_fd_fdstat_get (ctx, 0, &fs), WASI_ESUCCESS, "stdin /dev/null");
      tap_ok (fs.filetype == WASI_FILETYPE_CHARACTER_DEVICE && (fs.rights_base & WASI_RIGHT_FD_SEEK),
              "  a character device that can seek: not a tty to libc");
      tap_eq_int (wasi_fd_fdstat_get (ctx, 2, &fs), WASI_EBADF, "  closed stderr is EBADF");
      tap_eq_int (wasi_fd_fdstat_set_flags (ctx, 1, WASI_FDFLAG_NONBLOCK), WASI_ESUCCESS,
                  "the guest makes stdout nonblocking");
      tap_ok (fcntl (devnull, F_GETFL) & O_NONBLOCK, "  which the shared file description sees");
      wasi_fd_close (ctx, 1);
      wasi_ctx_free (ctx);
      tap_ok (!(fcntl (devnull, F_GETFL) & O_NONBLOCK), "  and which is undone when the context goes");
    }
  close (devnull);
  int pty = posix_openpt (O_RDWR | O_NOCTTY);
  if (pty >= 0 && grantpt (pty) == 0 && unlockpt (pty) == 0)
    {
      int tty = open (ptsname (pty), O_RDWR | O_NOCTTY);
      struct wasi_config tty_cfg = { .stdio = { tty, -1, -1 } };
      if (tty >= 0 && wasi_ctx_new (&tty_cfg, &ctx, &err) == 0)
        {
          wasi_fd_fdstat_get (ctx, 0, &fs);
          tap_ok (fs.filetype == WASI_FILETYPE_CHARACTER_DEVICE
                  && !(fs.rights_base & (WASI_RIGHT_FD_SEEK | WASI_RIGHT_FD_TELL)),
                  "a terminal has no seek/tell rights: libc's isatty says yes");
          wasi_ctx_free (ctx);
        }
      if (tty >= 0)
        close (tty);
    }
  if (pty >= 0)
    close (pty);
  rw_error_free (&err);

  struct wasi_preopen bad = { .host_path = "/nonexistent-dir", .host_fd = -1, .guest_path = "/x" };
  struct wasi_config cfg = { .preopens = &bad, .npreopens = 1, .stdio = { -1, -1, -1 } };
  tap_ok (wasi_ctx_new (&cfg, &ctx, &err) < 0 && err && strstr (err->msg, "/nonexistent-dir"),
          "a missing preopen fails with its name");
  rw_error_free (&err);
  char cmd[128];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system (cmd) != 0)
    printf ("# cleanup of %s failed\n", base);
  return tap_done ();
}
