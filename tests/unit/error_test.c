#include <errno.h>
#include <stdlib.h>

#include "common/error.h"
#include "tap.h"

int main (void)
{
  struct rw_error *err = NULL;
  tap_eq_int (rw_error_set (&err, ENOENT, "open `%s`", "/x/config.json"), -1, "set returns -1");
  tap_eq_str (err->msg, "open `/x/config.json`: No such file or directory", "message carries errno text");
  rw_error_set (&err, 0, "second");
  tap_eq_str (err->msg, "open `/x/config.json`: No such file or directory", "first error wins");
  rw_error_wrap (&err, "create container `%s`", "c1");
  tap_eq_str (err->msg, "create container `c1`: open `/x/config.json`: No such file or directory", "wrap prefixes");
  tap_eq_int (err->status, ENOENT, "status keeps errno");
  struct rw_error *other = NULL;
  rw_error_set (&other, 0, "other");
  rw_error_merge (&err, &other);
  tap_ok (other == NULL, "merge frees the second error");
  rw_error_free (&err);
  tap_ok (err == NULL, "free clears the pointer");
  return tap_done ();
}
