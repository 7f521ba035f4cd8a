#include "handlers/native.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path (char **env)
{
  for (char **e = env; e && *e; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      return *e + 5;
  return DEFAULT_PATH;
}

static bool is_executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

/* The container's PATH (not the runtime's) decides, as it would for a shell in the image. */
static char *find_program (const char *arg0, char **env, struct rw_error **err)
{
  if (strchr (arg0, '/'))
    {
      if (!is_executable (arg0))
        return rw_error_set (err, errno ? errno : EACCES, "exec `%s`", arg0), NULL;
      return strdup (arg0);
    }
  cleanup_free char *path = strdup (env_path (env));
  if (path == NULL)
    return rw_error_set (err, ENOMEM, "exec `%s`", arg0), NULL;
  char *save = NULL;
  for (char *dir = strtok_r (path, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *candidate = NULL;
      if (asprintf (&candidate, "%s/%s", *dir ? dir : ".", arg0) < 0)
        return rw_error_set (err, ENOMEM, "exec `%s`", arg0), NULL;
      if (is_executable (candidate))
        return candidate;
      free (candidate);
    }
  return rw_error_set (err, ENOENT, "exec `%s`: executable file not found in $PATH", arg0), NULL;
}

static int native_prepare (const struct handler_context *ctx, void **data, struct rw_error **err)
{
  char *program = find_program (ctx->process->args[0], ctx->env, err);
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
      found = find_program (ctx->process->args[0], ctx->env, err);
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
