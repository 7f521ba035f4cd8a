#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/personality_config.h"
#include "tap.h"

static void expect_error (const char *json, const char *msg)
{
  struct rw_error *err = NULL;
  struct personality_config *p = NULL;
  json_object *obj = json_tokener_parse (json);
  tap_eq_int (personality_parse (obj, &p, &err), -1, "rejects %s", json);
  tap_eq_str (err ? err->msg : NULL, msg, "message for %s", json);
  rw_error_free (&err);
  json_object_put (obj);
}

int main (void)
{
  struct rw_error *err = NULL;
  struct personality_config *p = NULL;
  tap_eq_int (personality_parse (NULL, &p, &err), 0, "no section");
  tap_ok (p == NULL, "no section leaves the personality alone");

  json_object *obj = json_tokener_parse ("{\"domain\":\"LINUX32\",\"flags\":[]}");
  tap_eq_int (personality_parse (obj, &p, &err), 0, "LINUX32 parses");
  tap_eq_int (p->persona, PER_LINUX32, "LINUX32 maps to PER_LINUX32");
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct rw_error *e = NULL;
      if (personality_apply (p, &e) < 0)
        _exit (2);
      _exit (personality (0xffffffff) == PER_LINUX32 ? 0 : 1);
    }
  int status;
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "apply sets PER_LINUX32 (uname -m then says i686)");
  personality_free (p);
  json_object_put (obj);

  obj = json_tokener_parse ("{\"domain\":\"LINUX\"}");
  tap_eq_int (personality_parse (obj, &p, &err), 0, "LINUX parses");
  tap_eq_int (p->persona, PER_LINUX, "LINUX maps to PER_LINUX");
  personality_free (p);
  json_object_put (obj);

  expect_error ("{\"domain\":\"BSD\"}", "linux.personality.domain: unknown domain `BSD` (LINUX or LINUX32)");
  expect_error ("{}", "linux.personality.domain: expected a string");
  expect_error ("[]", "linux.personality: expected an object");
  expect_error ("{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}", "linux.personality.flags[0]: flag `ADDR_NO_RANDOMIZE` not supported");
  expect_error ("{\"domain\":\"LINUX\",\"flags\":3}", "linux.personality.flags: expected an array");
  return tap_done ();
}
