#include "handlers/module_file.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wat/wat.h"

static int read_file (const char *path, uint8_t **data, size_t *len, struct rw_error **err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rw_error_set (err, errno, "open `%s`", path);
  struct stat st;
  if (fstat (fd, &st) < 0)
    return rw_error_set (err, errno, "stat `%s`", path);
  if (!S_ISREG (st.st_mode))
    return rw_error_set (err, 0, "`%s` is not a regular file", path);
  cleanup_free uint8_t *buf = malloc (st.st_size + 1);
  if (buf == NULL)
    return rw_error_set (err, ENOMEM, "read `%s`", path);
  size_t got = 0;
  while (got < (size_t) st.st_size)
    {
      ssize_t n = read (fd, buf + got, st.st_size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return rw_error_set (err, errno, "read `%s`", path);
      if (n == 0)
        break;
      got += n;
    }
  buf[got] = '\0'; /* the text parser may read it as a string */
  *len = got;
  *data = steal_pointer (&buf);
  return 0;
}

int module_file_load (const char *path, wasm_module **out, struct rw_error **err)
{
  cleanup_free uint8_t *bytes = NULL;
  size_t len = 0;
  if (read_file (path, &bytes, &len, err) < 0)
    return -1;
  bool binary = len >= 4 && memcmp (bytes, "\0asm", 4) == 0;
  if (!binary && wat_looks_like_text (bytes, len))
    {
      uint8_t *assembled = NULL;
      size_t assembled_len = 0;
      char msg[512] = "";
      if (wat_to_wasm ((const char *) bytes, len, &assembled, &assembled_len, msg, sizeof msg) < 0)
        return rw_error_set (err, 0, "%s:%s", path, msg); /* file:line:col, as compilers say it */
      free (bytes);
      bytes = assembled;
      len = assembled_len;
    }
  wasm_error werr;
  wasm_module *module = wasm_module_new (bytes, len, &werr);
  if (module == NULL)
    return rw_error_set (err, 0, "`%s`: %s", path, werr.message);
  *out = module;
  return 0;
}
