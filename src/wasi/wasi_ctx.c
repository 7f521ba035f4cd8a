/* wasi_ctx: the guest's view of the process (args, environment, descriptors). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wasi/wasi_core.h"

static char **copy_strings (const char *const *src, size_t n)
{
  char **dst = calloc (n + 1, sizeof *dst);
  if (dst == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if ((dst[i] = strdup (src[i])) == NULL)
      {
        for (size_t j = 0; j < i; j++)
          free (dst[j]);
        free (dst);
        return NULL;
      }
  return dst;
}

static void free_strings (char **s, size_t n)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (s[i]);
  free (s);
}

/* Put a duplicate of host_fd at guest fd `slot`, with the rights its type allows. */
static int add_fd (struct wasi_ctx *ctx, int host_fd, uint32_t slot, const char *what, struct rw_error **err)
{
  cleanup_close int fd = fcntl (host_fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0)
    return rw_error_set (err, errno, "duplicate %s (fd %d)", what, host_fd);
  uint8_t type;
  uint64_t rights;
  if (wasi_fd_describe (fd, &type, &rights) != WASI_ESUCCESS)
    return rw_error_set (err, errno, "inspect %s (fd %d)", what, host_fd);
  uint64_t inheriting = type == WASI_FILETYPE_DIRECTORY ? WASI_RIGHTS_ALL : 0;
  if (wasi_fd_place (ctx, slot, fd, type, rights, inheriting) != WASI_ESUCCESS)
    return rw_error_set (err, ENOMEM, "add %s", what);
  steal_fd (&fd);
  return 0;
}

static int add_preopen (struct wasi_ctx *ctx, const struct wasi_preopen *p, uint32_t slot,
                        struct rw_error **err)
{
  const char *label = p->host_path ? p->host_path : p->guest_path;
  if (p->guest_path == NULL && p->host_path == NULL)
    return rw_error_set (err, EINVAL, "preopen %u has no name", slot);
  cleanup_close int fd = -1;
  if (p->host_fd >= 0)
    fd = fcntl (p->host_fd, F_DUPFD_CLOEXEC, 3);
  else
    fd = open (p->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open preopened directory `%s`", label);
  uint8_t type;
  uint64_t rights;
  if (wasi_fd_describe (fd, &type, &rights) != WASI_ESUCCESS || type != WASI_FILETYPE_DIRECTORY)
    return rw_error_set (err, ENOTDIR, "preopen `%s`", label);
  char *name = strdup (p->guest_path ? p->guest_path : p->host_path);
  if (name == NULL || wasi_fd_place (ctx, slot, fd, type, rights, WASI_RIGHTS_ALL) != WASI_ESUCCESS)
    {
      free (name);
      return rw_error_set (err, ENOMEM, "preopen `%s`", label);
    }
  steal_fd (&fd);
  ctx->fds[slot].preopen_name = name;
  return 0;
}

static int fill_ctx (struct wasi_ctx *ctx, const struct wasi_config *config, struct rw_error **err)
{
  ctx->argc = config->argc;
  ctx->envc = config->envc;
  ctx->argv = copy_strings (config->argv, config->argc);
  ctx->env = copy_strings (config->env, config->envc);
  if (ctx->argv == NULL || ctx->env == NULL)
    return rw_error_set (err, ENOMEM, "copy arguments and environment");
  const char *names[] = { "stdin", "stdout", "stderr" };
  for (uint32_t i = 0; i < 3; i++)
    {
      if (config->stdio[i] < 0)
        continue;
      if (add_fd (ctx, config->stdio[i], i, names[i], err) < 0)
        return -1;
      ctx->stdio_flags[i] = fcntl (config->stdio[i], F_GETFL);
      ctx->stdio_restore_fd[i] = fcntl (config->stdio[i], F_DUPFD_CLOEXEC, 3);
      if (ctx->stdio_restore_fd[i] < 0)
        return rw_error_set (err, errno, "duplicate %s (fd %d)", names[i], config->stdio[i]);
    }
  uint32_t slot = 3;
  for (size_t i = 0; i < config->npreopens; i++)
    if (add_preopen (ctx, &config->preopens[i], slot++, err) < 0)
      return -1;
  for (size_t i = 0; i < config->nlisten_fds; i++)
    if (add_fd (ctx, config->listen_fds[i], slot++, "listening socket", err) < 0)
      return -1;
  return 0;
}

int wasi_ctx_new (const struct wasi_config *config, struct wasi_ctx **out, struct rw_error **err)
{
  struct wasi_ctx *ctx = calloc (1, sizeof *ctx);
  if (ctx == NULL)
    return rw_error_set (err, ENOMEM, "create WASI context");
  for (int i = 0; i < 3; i++)
    ctx->stdio_restore_fd[i] = -1;
  if (fill_ctx (ctx, config, err) < 0)
    {
      wasi_ctx_free (ctx);
      return rw_error_wrap (err, "create WASI context");
    }
  *out = ctx;
  return 0;
}

void wasi_ctx_free (struct wasi_ctx *ctx)
{
  if (ctx == NULL)
    return;
  for (uint32_t i = 0; i < ctx->nfds; i++)
    {
      if (ctx->fds[i].host_fd >= 0)
        close (ctx->fds[i].host_fd);
      free (ctx->fds[i].preopen_name);
    }
  free (ctx->fds);
  free (ctx->import_envs);
  for (int i = 0; i < 3; i++)
    if (ctx->stdio_restore_fd[i] >= 0)
      {
        int now = fcntl (ctx->stdio_restore_fd[i], F_GETFL);
        int mask = O_APPEND | O_NONBLOCK;
        if (now >= 0 && ctx->stdio_flags[i] >= 0 && (now & mask) != (ctx->stdio_flags[i] & mask))
          fcntl (ctx->stdio_restore_fd[i], F_SETFL, (now & ~mask) | (ctx->stdio_flags[i] & mask));
        close (ctx->stdio_restore_fd[i]);
      }
  free_strings (ctx->argv, ctx->argc);
  free_strings (ctx->env, ctx->envc);
  free (ctx);
}
