#include "handlers/native.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "handlers/classify.h"

/* As root in the container, so a missing program is an error at `create`. */
static int native_prepare (const struct handler_context *ctx, void **data, struct rw_error **err)
{
  char *program = handler_find_entrypoint (ctx->process->args[0], ctx->env, true, err);
  if (program == NULL)
    return -1;
  *data = program;
  return 0;
}

/* With the final ids and capabilities: a program they may not run fails `create`, not the
 * started process. Only EACCES counts: a seccomp profile may deny faccessat2 itself. */
static int native_ready (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  const char *program = data;
  if (faccessat (AT_FDCWD, program, X_OK, AT_EACCESS) < 0 && errno == EACCES)
    return rw_error_set (err, errno, "process.args: `%s` cannot be executed by uid %u", program, ctx->process->uid);
  return 0;
}

static int native_exec (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  const char *program = data;
  execve (program, ctx->process->args, ctx->env);
  return rw_error_set (err, errno, "exec `%s`", program);
}

const struct handler native_handler = {
  .name = "native",
  .prepare = native_prepare,
  .ready = native_ready,
  .exec = native_exec,
};
