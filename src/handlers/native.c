#include "handlers/native.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "handlers/classify.h"

static int native_prepare (const struct handler_context *ctx, void **data, struct rw_error **err)
{
  char *program = handler_find_entrypoint (ctx->process->args[0], ctx->env, true, err);
  if (program == NULL)
    return -1;
  *data = program;
  return 0;
}

static int native_exec (const struct handler_context *ctx, void *data, struct rw_error **err)
{
  cleanup_free char *found = NULL;
  const char *program = data;
  if (program == NULL)
    {
      found = handler_find_entrypoint (ctx->process->args[0], ctx->env, true, err);
      if (found == NULL)
        return -1;
      program = found;
    }
  execve (program, ctx->process->args, ctx->env);
  return rw_error_set (err, errno, "exec `%s`", program);
}

const struct handler native_handler = {
  .name = "native",
  .prepare = native_prepare,
  .exec = native_exec,
};
