#include "handlers/classify.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wat/wat.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *annotation (json_object *annotations, const char *key)
{
  json_object *v = NULL;
  if (annotations == NULL || !json_object_object_get_ex (annotations, key, &v))
    return NULL;
  return json_object_get_string (v);
}

static int mode_from_value (const char *key, const char *value, const char *wasm, const char *smart,
                            enum handler_mode *mode, struct rw_error **err)
{
  if (strcmp (value, wasm) == 0)
    *mode = HANDLER_WASM;
  else if (strcmp (value, smart) == 0)
    *mode = HANDLER_WASM_SMART;
  else
    return rw_error_set (err, 0, "annotation `%s`: unknown value `%s` (runwasm knows `%s` and `%s`)",
                         key, value, wasm, smart);
  return 0;
}

int handler_mode_from_annotations (json_object *annotations, enum handler_mode *mode, struct rw_error **err)
{
  *mode = HANDLER_NATIVE;
  const char *handler = annotation (annotations, ANNOTATION_HANDLER);
  const char *variant = annotation (annotations, ANNOTATION_WASM_VARIANT);
  const char *cri_type = annotation (annotations, ANNOTATION_CRI_CONTAINER_TYPE);
  const char *crio_type = annotation (annotations, ANNOTATION_CRIO_CONTAINER_TYPE);

  /* Validate both even when one wins, so a typo never silently runs the wrong handler. */
  enum handler_mode from_handler = HANDLER_NATIVE, from_variant = HANDLER_NATIVE;
  if (handler && mode_from_value (ANNOTATION_HANDLER, handler, "wasm", "wasm-smart", &from_handler, err) < 0)
    return -1;
  if (variant && mode_from_value (ANNOTATION_WASM_VARIANT, variant, "compat", "compat-smart", &from_variant, err) < 0)
    return -1;

  /* The pod's pause container carries the pod's annotations too, but is never Wasm. */
  if ((cri_type && strcmp (cri_type, "sandbox") == 0) || (crio_type && strcmp (crio_type, "sandbox") == 0))
    return 0;
  *mode = handler ? from_handler : from_variant;
  return 0;
}

static int is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

static int is_regular_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

static const char *path_from_env (char **env)
{
  for (char **e = env; e && *e; e++)
    if (strncmp (*e, "PATH=", 5) == 0)
      return *e + 5;
  return DEFAULT_PATH;
}

char *handler_find_entrypoint (const char *arg0, char **env, bool executable_only, struct rw_error **err)
{
  if (arg0 == NULL || arg0[0] == '\0')
    {
      rw_error_set (err, 0, "process.args: the entrypoint is empty");
      return NULL;
    }
  if (strchr (arg0, '/'))
    {
      if (!(executable_only ? is_executable_file (arg0) : is_regular_file (arg0)))
        {
          rw_error_set (err, errno ? errno : EACCES, "entrypoint `%s`", arg0);
          return NULL;
        }
      return strdup (arg0);
    }
  cleanup_free char *dirs = strdup (path_from_env (env));
  if (dirs == NULL)
    {
      rw_error_set (err, ENOMEM, "find entrypoint");
      return NULL;
    }
  char *found_file = NULL;
  char *save = NULL;
  for (char *dir = strtok_r (dirs, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      char *candidate = NULL;
      if (asprintf (&candidate, "%s/%s", *dir ? dir : ".", arg0) < 0)
        break;
      if (is_executable_file (candidate))
        {
          free (found_file);
          return candidate;
        }
      if (!executable_only && found_file == NULL && is_regular_file (candidate))
        found_file = candidate;
      else
        free (candidate);
    }
  if (found_file)
    return found_file;
  rw_error_set (err, ENOENT, "executable `%s` not found in $PATH", arg0);
  return NULL;
}

int handler_file_is_wasm (const char *path, struct rw_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open entrypoint `%s`", path);
  uint8_t head[512];
  ssize_t n;
  do
    n = read (fd, head, sizeof head);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rw_error_set (err, errno, "read entrypoint `%s`", path);
  if (n >= 4 && memcmp (head, "\0asm", 4) == 0)
    return 1;
  return wat_looks_like_text (head, (size_t) n) ? 1 : 0;
}

int handler_should_run_wasm (enum handler_mode mode, const char *entrypoint, struct rw_error **err)
{
  switch (mode)
    {
    case HANDLER_NATIVE:
      return 0;
    case HANDLER_WASM:
      return 1;
    case HANDLER_WASM_SMART:
      return handler_file_is_wasm (entrypoint, err);
    }
  return rw_error_set (err, 0, "unknown handler mode %d", (int) mode);
}
