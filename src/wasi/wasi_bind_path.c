/* Bindings of the path_* imports. Paths are (pointer, length) strings in guest memory. */
#include "wasi/wasi_bind.h"

static const char *guest_str (struct wasi_guest *g, uint32_t ptr, uint32_t len)
{
  return (const char *) wasi_guest_ptr (g, ptr, len);
}

WASI_BINDING (path_create_directory)
{
  const char *path = guest_str (g, ARG32 (1), ARG32 (2));
  return path ? wasi_path_create_directory (ctx, ARG32 (0), path, ARG32 (2)) : WASI_EFAULT;
}

WASI_BINDING (path_remove_directory)
{
  const char *path = guest_str (g, ARG32 (1), ARG32 (2));
  return path ? wasi_path_remove_directory (ctx, ARG32 (0), path, ARG32 (2)) : WASI_EFAULT;
}

WASI_BINDING (path_unlink_file)
{
  const char *path = guest_str (g, ARG32 (1), ARG32 (2));
  return path ? wasi_path_unlink_file (ctx, ARG32 (0), path, ARG32 (2)) : WASI_EFAULT;
}

WASI_BINDING (path_filestat_get)
{
  const char *path = guest_str (g, ARG32 (2), ARG32 (3));
  uint8_t *out = wasi_guest_ptr (g, ARG32 (4), WASI_FILESTAT_SIZE);
  if (path == NULL || out == NULL)
    return WASI_EFAULT;
  struct wasi_filestat st;
  wasi_errno_t r = wasi_path_filestat_get (ctx, ARG32 (0), ARG32 (1), path, ARG32 (3), &st);
  if (r == WASI_ESUCCESS)
    wasi_store_filestat (out, &st);
  return r;
}

WASI_BINDING (path_filestat_set_times)
{
  const char *path = guest_str (g, ARG32 (2), ARG32 (3));
  if (path == NULL)
    return WASI_EFAULT;
  return wasi_path_filestat_set_times (ctx, ARG32 (0), ARG32 (1), path, ARG32 (3), ARG64 (4), ARG64 (5), ARG32 (6));
}

WASI_BINDING (path_link)
{
  const char *old_path = guest_str (g, ARG32 (2), ARG32 (3));
  const char *new_path = guest_str (g, ARG32 (5), ARG32 (6));
  if (old_path == NULL || new_path == NULL)
    return WASI_EFAULT;
  return wasi_path_link (ctx, ARG32 (0), ARG32 (1), old_path, ARG32 (3), ARG32 (4), new_path, ARG32 (6));
}

WASI_BINDING (path_open)
{
  const char *path = guest_str (g, ARG32 (2), ARG32 (3));
  uint8_t *out = wasi_guest_ptr (g, ARG32 (8), 4);
  if (path == NULL || out == NULL)
    return WASI_EFAULT;
  uint32_t fd;
  wasi_errno_t r = wasi_path_open (ctx, ARG32 (0), ARG32 (1), path, ARG32 (3), ARG32 (4), ARG64 (5), ARG64 (6),
                                   ARG32 (7), &fd);
  if (r == WASI_ESUCCESS)
    wasi_put_u32 (out, fd);
  return r;
}

WASI_BINDING (path_readlink)
{
  const char *path = guest_str (g, ARG32 (1), ARG32 (2));
  uint8_t *buf = wasi_guest_ptr (g, ARG32 (3), ARG32 (4));
  uint8_t *used_out = wasi_guest_ptr (g, ARG32 (5), 4);
  if (path == NULL || buf == NULL || used_out == NULL)
    return WASI_EFAULT;
  size_t used;
  wasi_errno_t r = wasi_path_readlink (ctx, ARG32 (0), path, ARG32 (2), (char *) buf, ARG32 (4), &used);
  if (r == WASI_ESUCCESS)
    wasi_put_u32 (used_out, used);
  return r;
}

WASI_BINDING (path_rename)
{
  const char *old_path = guest_str (g, ARG32 (1), ARG32 (2));
  const char *new_path = guest_str (g, ARG32 (4), ARG32 (5));
  if (old_path == NULL || new_path == NULL)
    return WASI_EFAULT;
  return wasi_path_rename (ctx, ARG32 (0), old_path, ARG32 (2), ARG32 (3), new_path, ARG32 (5));
}

WASI_BINDING (path_symlink)
{
  const char *target = guest_str (g, ARG32 (0), ARG32 (1));
  const char *path = guest_str (g, ARG32 (3), ARG32 (4));
  if (target == NULL || path == NULL)
    return WASI_EFAULT;
  return wasi_path_symlink (ctx, target, ARG32 (1), ARG32 (2), path, ARG32 (4));
}
