/* Sandboxed path resolution: every path_* call reaches files only beneath the directory it
 * names. The kernel does the hard part with openat2(RESOLVE_BENEATH), which refuses "..",
 * absolute symlinks and magic links that would leave the root; kernels without openat2 get a
 * userspace walk that opens one component at a time with O_NOFOLLOW and expands symlinks
 * itself. The final component is left to the caller so that each operation (mkdirat,
 * unlinkat, ...) acts on the name itself; following a final symlink re-resolves its target
 * from the root, so a link cannot lead out either. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wasi/wasi_core.h"

/* Linux's MAXSYMLINKS: more hops than this is a loop. */
#define MAX_SYMLINK_HOPS 40

static wasi_errno_t resolve_errno (int e)
{
  /* RESOLVE_BENEATH reports an escape as EXDEV. */
  return e == EXDEV ? WASI_ENOTCAPABLE : wasi_errno_from_host (e);
}

static int openat2_available = 1;

wasi_errno_t wasi_open_beneath (int root_fd, const char *path, int *out)
{
  if (path[0] == '/')
    return WASI_ENOTCAPABLE;
  if (__atomic_load_n (&openat2_available, __ATOMIC_RELAXED))
    {
      struct open_how how = {
        .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
      };
      int fd, attempts = 0;
      /* EAGAIN: a concurrent rename raced the lookup and the kernel asks for a retry. */
      do
        fd = syscall (SYS_openat2, root_fd, path, &how, sizeof how);
      while (fd < 0 && errno == EAGAIN && ++attempts < 8);
      if (fd >= 0)
        {
          *out = fd;
          return WASI_ESUCCESS;
        }
      if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
        return resolve_errno (errno);
      /* No openat2 (an old kernel, or a seccomp filter that denies it): walk by hand. */
      __atomic_store_n (&openat2_available, 0, __ATOMIC_RELAXED);
    }
  return wasi_open_beneath_walk (root_fd, path, out);
}

/* The userspace walk. `rest` holds the components still to visit; a symlink's target is
 * spliced in front of it. stack[0] is the root (borrowed), stack[1..depth] are owned. */
struct walk {
  int *stack;
  size_t depth, cap;
  char *rest;
  int hops;
};

static void walk_release (struct walk *w)
{
  for (size_t i = 1; i <= w->depth; i++)
    close (w->stack[i]);
  free (w->stack);
  free (w->rest);
}

static wasi_errno_t walk_push (struct walk *w, int fd)
{
  if (w->depth + 1 >= w->cap)
    {
      size_t cap = w->cap * 2;
      int *grown = realloc (w->stack, cap * sizeof *grown);
      if (grown == NULL)
        {
          close (fd);
          return WASI_ENOMEM;
        }
      w->stack = grown;
      w->cap = cap;
    }
  w->stack[++w->depth] = fd;
  return WASI_ESUCCESS;
}

/* Replace w->rest by target + "/" + remaining. */
static wasi_errno_t walk_splice (struct walk *w, const char *target, const char *remaining)
{
  char *joined = NULL;
  if (asprintf (&joined, "%s/%s", target, remaining) < 0)
    return WASI_ENOMEM;
  free (w->rest);
  w->rest = joined;
  return WASI_ESUCCESS;
}

static wasi_errno_t walk_step (struct walk *w, const char *name, const char *remaining)
{
  if (strcmp (name, ".") == 0)
    return WASI_ESUCCESS;
  if (strcmp (name, "..") == 0)
    {
      if (w->depth == 0)
        return WASI_ENOTCAPABLE;
      close (w->stack[w->depth--]);
      return WASI_ESUCCESS;
    }
  int parent = w->stack[w->depth];
  int fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return wasi_errno_from_host (errno);
  struct stat st;
  if (fstat (fd, &st) < 0)
    {
      close (fd);
      return wasi_errno_from_host (errno);
    }
  if (S_ISDIR (st.st_mode))
    return walk_push (w, fd);
  close (fd);
  if (!S_ISLNK (st.st_mode))
    return WASI_ENOTDIR;
  if (++w->hops > MAX_SYMLINK_HOPS)
    return WASI_ELOOP;
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent, name, target, sizeof target - 1);
  if (n < 0)
    return wasi_errno_from_host (errno);
  target[n] = '\0';
  if (target[0] == '/')
    return WASI_ENOTCAPABLE;
  return walk_splice (w, target, remaining);
}

wasi_errno_t wasi_open_beneath_walk (int root_fd, const char *path, int *out)
{
  if (path[0] == '/')
    return WASI_ENOTCAPABLE;
  struct walk w = { .cap = 16, .rest = strdup (path) };
  w.stack = malloc (w.cap * sizeof *w.stack);
  if (w.stack == NULL || w.rest == NULL)
    {
      walk_release (&w);
      return WASI_ENOMEM;
    }
  w.stack[0] = root_fd;
  wasi_errno_t e = WASI_ESUCCESS;
  while (e == WASI_ESUCCESS && w.rest[0] != '\0')
    {
      char *slash = strchr (w.rest, '/');
      size_t len = slash ? (size_t) (slash - w.rest) : strlen (w.rest);
      cleanup_free char *name = strndup (w.rest, len);
      cleanup_free char *remaining = strdup (slash ? slash + 1 : "");
      if (name == NULL || remaining == NULL)
        {
          e = WASI_ENOMEM;
          break;
        }
      free (w.rest);
      w.rest = steal_pointer (&remaining);
      if (name[0] != '\0')
        e = walk_step (&w, name, w.rest);
    }
  if (e == WASI_ESUCCESS)
    {
      int fd = openat (w.stack[w.depth], ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0)
        e = wasi_errno_from_host (errno);
      else
        *out = fd;
    }
  walk_release (&w);
  return e;
}

bool wasi_valid_utf8 (const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s, *end = p + len;
  while (p < end)
    {
      unsigned c = *p++;
      int more;
      unsigned min;
      if (c < 0x80)
        continue;
      else if ((c & 0xe0) == 0xc0)
        more = 1, min = 0x80, c &= 0x1f;
      else if ((c & 0xf0) == 0xe0)
        more = 2, min = 0x800, c &= 0x0f;
      else if ((c & 0xf8) == 0xf0)
        more = 3, min = 0x10000, c &= 0x07;
      else
        return false;
      if (end - p < more)
        return false;
      for (int i = 0; i < more; i++, p++)
        {
          if ((*p & 0xc0) != 0x80)
            return false;
          c = c << 6 | (*p & 0x3f);
        }
      /* Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8. */
      if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
        return false;
    }
  return true;
}

/* Split "a/b/c" into dir "a/b" and name "c"; "c" into "." and "c". */
static wasi_errno_t split_path (const char *path, char **dir, char **name)
{
  const char *slash = strrchr (path, '/');
  *dir = slash ? strndup (path, slash - path) : strdup (".");
  *name = strdup (slash ? slash + 1 : path);
  if (*dir == NULL || *name == NULL)
    {
      free (*dir);
      free (*name);
      return WASI_ENOMEM;
    }
  if ((*dir)[0] == '\0')
    {
      /* Only a leading "/" leaves an empty dir, and absolute paths never get here. */
      free (*dir);
      *dir = strdup (".");
      if (*dir == NULL)
        {
          free (*name);
          return WASI_ENOMEM;
        }
    }
  return WASI_ESUCCESS;
}

static void strip_trailing_slashes (char *path, bool *stripped)
{
  size_t n = strlen (path);
  while (n > 1 && path[n - 1] == '/')
    {
      path[--n] = '\0';
      *stripped = true;
    }
}

wasi_errno_t wasi_path_resolve (int root_fd, const char *path, size_t len, bool follow, struct wasi_path *out)
{
  *out = (struct wasi_path) { .dirfd = -1 };
  if (len == 0)
    return WASI_ENOENT;
  if (memchr (path, '\0', len) != NULL)
    return WASI_EINVAL;
  /* WASI strings are UTF-8. */
  if (!wasi_valid_utf8 (path, len))
    return WASI_EILSEQ;
  if (path[0] == '/')
    return WASI_ENOTCAPABLE;
  cleanup_free char *current = strndup (path, len);
  if (current == NULL)
    return WASI_ENOMEM;
  strip_trailing_slashes (current, &out->trailing_slash);
  for (int hops = 0;; hops++)
    {
      cleanup_free char *dir = NULL;
      cleanup_free char *name = NULL;
      wasi_errno_t e = split_path (current, &dir, &name);
      if (e != WASI_ESUCCESS)
        return e;
      cleanup_close int dirfd = -1;
      e = wasi_open_beneath (root_fd, dir, &dirfd);
      if (e != WASI_ESUCCESS)
        return e;
      if (strcmp (name, "..") == 0)
        {
          /* The name itself climbs: check that the directory it names is still inside. */
          cleanup_close int whole = -1;
          e = wasi_open_beneath (root_fd, current, &whole);
          if (e != WASI_ESUCCESS)
            return e;
        }
      struct stat st;
      bool exists = fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
      bool is_link = exists && S_ISLNK (st.st_mode);
      if (!follow || !is_link)
        {
          if (out->trailing_slash && exists && !S_ISDIR (st.st_mode))
            return WASI_ENOTDIR;
          out->dirfd = steal_fd (&dirfd);
          out->name = steal_pointer (&name);
          return WASI_ESUCCESS;
        }
      if (hops >= MAX_SYMLINK_HOPS)
        return WASI_ELOOP;
      char target[PATH_MAX];
      ssize_t n = readlinkat (dirfd, name, target, sizeof target - 1);
      if (n < 0)
        return wasi_errno_from_host (errno);
      target[n] = '\0';
      if (target[0] == '/')
        return WASI_ENOTCAPABLE;
      strip_trailing_slashes (target, &out->trailing_slash);
      char *next = NULL;
      if (asprintf (&next, "%s/%s", dir, target) < 0)
        return WASI_ENOMEM;
      free (current);
      current = next;
    }
}

void wasi_path_release (struct wasi_path *p)
{
  if (p->dirfd >= 0)
    close (p->dirfd);
  free (p->name);
  *p = (struct wasi_path) { .dirfd = -1 };
}
