/* Escape attempts from the preopened directory (fd 3, "/sandbox"). The suite builds the
 * fixture on the host: sandbox/{file.txt, sub/, link_in -> file.txt, link_out ->
 * ../outside.txt, link_abs -> /etc/passwd, dangling_out -> ../nonexistent, dangling_in ->
 * missing, chain1 -> chain2 -> link_out, loop1 <-> loop2, sub/up -> .., sub/upup -> ../..}
 * and outside.txt next to it; afterwards it checks that nothing outside changed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"

#define ROOT 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define READ __WASI_RIGHTS_FD_READ

static __wasi_errno_t try_open (const char *path, __wasi_lookupflags_t follow, __wasi_oflags_t oflags)
{
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open (ROOT, follow, path, oflags, READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
  if (e == 0)
    (void) __wasi_fd_close (fd);
  return e;
}

int main (void)
{
  static const struct { const char *path; __wasi_errno_t want; const char *what; } escapes[] = {
    { "../outside.txt", __WASI_ERRNO_NOTCAPABLE, "path_open ../outside.txt" },
    { "/etc/passwd", __WASI_ERRNO_NOTCAPABLE, "path_open absolute /etc/passwd" },
    { "sub/../../outside.txt", __WASI_ERRNO_NOTCAPABLE, "path_open sub/../../outside.txt" },
    { "link_out", __WASI_ERRNO_NOTCAPABLE, "path_open symlink to ../outside.txt" },
    { "link_abs", __WASI_ERRNO_NOTCAPABLE, "path_open symlink to /etc/passwd" },
    { "dangling_out", __WASI_ERRNO_NOTCAPABLE, "path_open dangling symlink pointing out" },
    { "chain1", __WASI_ERRNO_NOTCAPABLE, "path_open symlink chain leading out" },
    { "sub/upup/outside.txt", __WASI_ERRNO_NOTCAPABLE, "path_open through directory symlink ../.." },
    { "sub/up/../outside.txt", __WASI_ERRNO_NOTCAPABLE, "path_open sub/up/../outside.txt" },
    { "loop1", __WASI_ERRNO_LOOP, "path_open symlink loop is ELOOP" },
    { "sub/up/file.txt", 0, "path_open through sub/up (stays inside)" },
    { "link_in", 0, "path_open symlink inside" },
  };
  for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++)
    CHECK_EQ (try_open (escapes[i].path, FOLLOW, 0), escapes[i].want, escapes[i].what);
  CHECK_EQ (try_open ("link_in", 0, 0), __WASI_ERRNO_LOOP, "path_open symlink without symlink_follow is ELOOP");
  CHECK_EQ (try_open ("dangling_out", FOLLOW, __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOTCAPABLE,
            "path_open creat through a dangling symlink pointing out");
  CHECK_EQ (try_open ("../created", FOLLOW, __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOTCAPABLE, "path_open creat ../created");

  __wasi_filestat_t st;
  CHECK_EQ (__wasi_path_filestat_get (ROOT, FOLLOW, "link_out", &st), __WASI_ERRNO_NOTCAPABLE,
            "path_filestat_get following link_out");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, 0, "link_out", &st), 0, "path_filestat_get link_out itself");
  CHECK_EQ (st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK, "  is a symlink");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, FOLLOW, "..", &st), __WASI_ERRNO_NOTCAPABLE, "path_filestat_get ..");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, FOLLOW, "chain1", &st), __WASI_ERRNO_NOTCAPABLE, "path_filestat_get chain1");
  CHECK_EQ (__wasi_path_filestat_get (ROOT, FOLLOW, "dangling_in", &st), __WASI_ERRNO_NOENT,
            "path_filestat_get dangling symlink inside is ENOENT");
  CHECK_EQ (__wasi_path_filestat_set_times (ROOT, FOLLOW, "link_out", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
            __WASI_ERRNO_NOTCAPABLE, "path_filestat_set_times following link_out");
  CHECK_EQ (__wasi_path_create_directory (ROOT, "../newdir"), __WASI_ERRNO_NOTCAPABLE, "path_create_directory ../newdir");
  CHECK_EQ (__wasi_path_create_directory (ROOT, "sub/upup/newdir"), __WASI_ERRNO_NOTCAPABLE,
            "path_create_directory via sub/upup");
  CHECK_EQ (__wasi_path_remove_directory (ROOT, "../sandbox"), __WASI_ERRNO_NOTCAPABLE, "path_remove_directory ../sandbox");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "../outside.txt"), __WASI_ERRNO_NOTCAPABLE, "path_unlink_file ../outside.txt");
  CHECK_EQ (__wasi_path_unlink_file (ROOT, "sub/upup/outside.txt"), __WASI_ERRNO_NOTCAPABLE,
            "path_unlink_file via sub/upup");
  CHECK_EQ (__wasi_path_rename (ROOT, "file.txt", ROOT, "../stolen"), __WASI_ERRNO_NOTCAPABLE, "path_rename to ../stolen");
  CHECK_EQ (__wasi_path_rename (ROOT, "../outside.txt", ROOT, "got"), __WASI_ERRNO_NOTCAPABLE,
            "path_rename from ../outside.txt");
  CHECK_EQ (__wasi_path_link (ROOT, 0, "../outside.txt", ROOT, "hard"), __WASI_ERRNO_NOTCAPABLE,
            "path_link from ../outside.txt");
  CHECK_EQ (__wasi_path_link (ROOT, FOLLOW, "link_out", ROOT, "hard"), __WASI_ERRNO_NOTCAPABLE,
            "path_link following link_out");
  CHECK_EQ (__wasi_path_link (ROOT, 0, "file.txt", ROOT, "../hard"), __WASI_ERRNO_NOTCAPABLE, "path_link to ../hard");
  CHECK_EQ (__wasi_path_symlink ("file.txt", ROOT, "../planted"), __WASI_ERRNO_NOTCAPABLE, "path_symlink placed outside");
  CHECK_EQ (__wasi_path_symlink ("/etc/passwd", ROOT, "abs"), __WASI_ERRNO_NOTCAPABLE,
            "path_symlink with an absolute target");
  uint8_t buf[64];
  __wasi_size_t used;
  CHECK_EQ (__wasi_path_readlink (ROOT, "../x", buf, sizeof buf, &used), __WASI_ERRNO_NOTCAPABLE, "path_readlink ../x");
  CHECK_EQ (__wasi_path_readlink (ROOT, "link_abs", buf, sizeof buf, &used), 0,
            "path_readlink of an escaping link reads its text");
  CHECK (used == 11 && memcmp (buf, "/etc/passwd", 11) == 0, "  /etc/passwd");

  /* A directory fd opened inside cannot climb out either. */
  __wasi_fd_t sub;
  CHECK_EQ (__wasi_path_open (ROOT, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR,
                              READ | __WASI_RIGHTS_PATH_OPEN, 0, &sub), 0, "open sub as a directory");
  CHECK_EQ (try_open ("sub/../file.txt", FOLLOW, 0), 0, "sub/../file.txt stays inside");
  __wasi_fd_t f;
  CHECK_EQ (__wasi_path_open (sub, 0, "../file.txt", 0, READ, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE,
            "from sub: ../file.txt is outside sub");
  CHECK_EQ (__wasi_path_open (sub, FOLLOW, "up/file.txt", 0, READ, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE,
            "from sub: symlink up -> .. leaves sub");

  /* libc maps "/sandbox/..." to the preopen, and the host still says no. */
  errno = 0;
  CHECK (open ("/sandbox/../outside.txt", O_RDONLY) < 0 && errno == ENOTCAPABLE, "libc open /sandbox/../outside.txt");
  return check_failures != 0;
}
