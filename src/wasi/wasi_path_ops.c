/* path_* functions other than path_open. Each resolves its path beneath the directory fd
 * (wasi_path_resolve) and then acts on the final name relative to the resolved parent, never
 * following a symlink the resolver has not checked. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi/wasi_core.h"

#define cleanup_path __attribute__ ((cleanup (wasi_path_release)))

/* Look up the directory fd (with `rights`) and resolve path beneath it. */
static wasi_errno_t resolve_at (struct wasi_ctx *ctx, uint32_t fd, uint64_t rights, const char *path,
                                size_t len, bool follow, struct wasi_path *out)
{
  *out = (struct wasi_path) { .dirfd = -1 };
  struct wasi_fd_entry *e;
  wasi_errno_t r = wasi_fd_lookup_kind (ctx, fd, WASI_FD_DIRECTORY, rights, &e);
  if (r != WASI_ESUCCESS)
    return r;
  return wasi_path_resolve (e->host_fd, path, len, follow, out);
}

static wasi_errno_t host_result (int r)
{
  return r < 0 ? wasi_errno_from_host (errno) : WASI_ESUCCESS;
}

wasi_errno_t wasi_path_create_directory (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len)
{
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_CREATE_DIRECTORY, path, len, false, &p);
  return r != WASI_ESUCCESS ? r : host_result (mkdirat (p.dirfd, p.name, 0777));
}

wasi_errno_t wasi_path_filestat_get (struct wasi_ctx *ctx, uint32_t fd, uint32_t lookupflags, const char *path,
                                     size_t len, struct wasi_filestat *out)
{
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  bool follow = lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW;
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_FILESTAT_GET, path, len, follow, &p);
  if (r != WASI_ESUCCESS)
    return r;
  struct stat st;
  if (fstatat (p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return wasi_errno_from_host (errno);
  wasi_filestat_from_stat (&st, out);
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_path_filestat_set_times (struct wasi_ctx *ctx, uint32_t fd, uint32_t lookupflags,
                                           const char *path, size_t len, uint64_t atim, uint64_t mtim,
                                           uint32_t fstflags)
{
  struct timespec ts[2];
  wasi_errno_t r = wasi_timespecs_from_fstflags (atim, mtim, fstflags, ts);
  if (r != WASI_ESUCCESS)
    return r;
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  bool follow = lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW;
  r = resolve_at (ctx, fd, WASI_RIGHT_PATH_FILESTAT_SET_TIMES, path, len, follow, &p);
  return r != WASI_ESUCCESS ? r : host_result (utimensat (p.dirfd, p.name, ts, AT_SYMLINK_NOFOLLOW));
}

wasi_errno_t wasi_path_link (struct wasi_ctx *ctx, uint32_t old_fd, uint32_t old_lookupflags,
                             const char *old_path, size_t old_len, uint32_t new_fd, const char *new_path,
                             size_t new_len)
{
  cleanup_path struct wasi_path from = { .dirfd = -1 };
  cleanup_path struct wasi_path to = { .dirfd = -1 };
  bool follow = old_lookupflags & WASI_LOOKUP_SYMLINK_FOLLOW;
  wasi_errno_t r = resolve_at (ctx, old_fd, WASI_RIGHT_PATH_LINK_SOURCE, old_path, old_len, follow, &from);
  if (r != WASI_ESUCCESS)
    return r;
  r = resolve_at (ctx, new_fd, WASI_RIGHT_PATH_LINK_TARGET, new_path, new_len, false, &to);
  if (r != WASI_ESUCCESS)
    return r;
  if (to.trailing_slash)
    return WASI_ENOENT;
  /* The resolver already followed old_path's final symlinks: link the name it ended on. */
  return host_result (linkat (from.dirfd, from.name, to.dirfd, to.name, 0));
}

wasi_errno_t wasi_path_readlink (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len, char *buf,
                                 size_t buf_len, size_t *used)
{
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_READLINK, path, len, false, &p);
  if (r != WASI_ESUCCESS)
    return r;
  /* readlinkat truncates silently when buf is too small, which is what the ABI wants. */
  ssize_t n = readlinkat (p.dirfd, p.name, buf, buf_len);
  if (n < 0)
    return wasi_errno_from_host (errno);
  *used = n;
  return WASI_ESUCCESS;
}

wasi_errno_t wasi_path_remove_directory (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len)
{
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_REMOVE_DIRECTORY, path, len, false, &p);
  return r != WASI_ESUCCESS ? r : host_result (unlinkat (p.dirfd, p.name, AT_REMOVEDIR));
}

wasi_errno_t wasi_path_rename (struct wasi_ctx *ctx, uint32_t old_fd, const char *old_path, size_t old_len,
                               uint32_t new_fd, const char *new_path, size_t new_len)
{
  cleanup_path struct wasi_path from = { .dirfd = -1 };
  cleanup_path struct wasi_path to = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, old_fd, WASI_RIGHT_PATH_RENAME_SOURCE, old_path, old_len, false, &from);
  if (r != WASI_ESUCCESS)
    return r;
  r = resolve_at (ctx, new_fd, WASI_RIGHT_PATH_RENAME_TARGET, new_path, new_len, false, &to);
  if (r != WASI_ESUCCESS)
    return r;
  /* "dir/" as a target is fine, but a file cannot be renamed onto a name ending in '/'. */
  struct stat st;
  if (to.trailing_slash && fstatat (from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) == 0
      && !S_ISDIR (st.st_mode))
    return WASI_ENOTDIR;
  return host_result (renameat (from.dirfd, from.name, to.dirfd, to.name));
}

wasi_errno_t wasi_path_symlink (struct wasi_ctx *ctx, const char *target, size_t target_len, uint32_t fd,
                                const char *path, size_t len)
{
  if (memchr (target, '\0', target_len) != NULL)
    return WASI_EINVAL;
  if (!wasi_valid_utf8 (target, target_len))
    return WASI_EILSEQ;
  /* An absolute target could never be followed inside the sandbox; refuse to plant one
   * that host tools might follow instead. */
  if (target_len > 0 && target[0] == '/')
    return WASI_ENOTCAPABLE;
  char *contents = strndup (target, target_len);
  if (contents == NULL)
    return WASI_ENOMEM;
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_SYMLINK, path, len, false, &p);
  /* "name/" cannot become a symlink: EEXIST if a directory is there already, else ENOENT. */
  struct stat st;
  if (r == WASI_ESUCCESS && p.trailing_slash && fstatat (p.dirfd, p.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    r = WASI_ENOENT;
  if (r == WASI_ESUCCESS)
    r = host_result (symlinkat (contents, p.dirfd, p.name));
  free (contents);
  return r;
}

wasi_errno_t wasi_path_unlink_file (struct wasi_ctx *ctx, uint32_t fd, const char *path, size_t len)
{
  cleanup_path struct wasi_path p = { .dirfd = -1 };
  wasi_errno_t r = resolve_at (ctx, fd, WASI_RIGHT_PATH_UNLINK_FILE, path, len, false, &p);
  /* "name/" resolved only if name is a directory (or absent): unlinkat then says EISDIR. */
  return r != WASI_ESUCCESS ? r : host_result (unlinkat (p.dirfd, p.name, 0));
}
