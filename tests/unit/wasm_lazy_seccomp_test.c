/* Lazy compilation after a container's seccomp filter is loaded: a module loaded before the
 * filter compiles its functions on first call, which needs mprotect (and malloc's mmap/brk).
 * The filter here is podman's default profile (/usr/share/containers/seccomp.json), reduced
 * to its unconditional rules (those for extra capabilities or architectures dropped: only
 * stricter), applied with no_new_privs in a child process; with the compiler every
 * function must have been compiled, none left to the interpreter's fallback. Skipped
 * without the profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "linux/seccomp_profile.h"
#include "tap.h"
#include "wasm/internal.h"
#include "wasm/jit/jit.h"
#include "wasm/wasm.h"
#include "wat/wat.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

/* The OCI form of the profile's rules that apply whatever the capabilities and architecture. */
static json_object *unconditional_rules (json_object *profile)
{
  json_object *oci = json_object_new_object (), *rules = json_object_new_array (), *syscalls, *v;
  json_object_object_add (oci, "defaultAction",
                          json_object_get (json_object_object_get_ex (profile, "defaultAction", &v) ? v : NULL));
  json_object_object_add (oci, "defaultErrnoRet", json_object_new_int (1));
  if (json_object_object_get_ex (profile, "syscalls", &syscalls))
    for (size_t i = 0; i < json_object_array_length (syscalls); i++)
      {
        json_object *rule = json_object_array_get_idx (syscalls, i), *inc, *exc, *copy = json_object_new_object ();
        bool conditional = (json_object_object_get_ex (rule, "includes", &inc) && json_object_object_length (inc))
                           || (json_object_object_get_ex (rule, "excludes", &exc) && json_object_object_length (exc));
        json_object_object_foreach (rule, key, val)
          if (strcmp (key, "includes") != 0 && strcmp (key, "excludes") != 0 && strcmp (key, "comment") != 0)
            json_object_object_add (copy, key, json_object_get (val));
        if (conditional)
          json_object_put (copy);
        else
          json_object_array_add (rules, copy);
      }
  json_object_object_add (oci, "syscalls", rules);
  return oci;
}

/* In the child: filter, then the first calls (and so the compilation) of 30 functions. */
static int run_filtered (wasm_module *m, struct seccomp_profile *profile)
{
  struct rw_error *err = NULL;
  int notify_fd;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_profile_apply (profile, &notify_fd, &err) < 0)
    return 2;
  wasm_error werr;
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  wasm_instance *inst = wasm_linker_instantiate (linker, m, &werr);
  wasm_func *f = inst ? wasm_instance_func (inst, "chain") : NULL;
  wasm_value arg = { .type = WASM_I32, .of.i32 = 12 }, r;
  wasm_trap trap;
  if (!f || wasm_func_call (f, &arg, 1, &r, 1, &trap) < 0)
    return 3;
  if (r.of.i32 != 12 + 30)
    return 4;
  /* With the compiler, nothing may have fallen back to the interpreter. */
  return !m->jit || m->jit->nplaced == m->nfuncs ? 0 : 5;
}

int main (void)
{
  json_object *podman = json_object_from_file (PODMAN_PROFILE);
  if (!podman)
    {
      tap_ok (1, "# skip %s not found", PODMAN_PROFILE);
      return tap_done ();
    }
  json_object *oci = unconditional_rules (podman);
  struct seccomp_profile *profile = NULL;
  struct rw_error *err = NULL;
  tap_ok (seccomp_profile_parse (oci, &profile, &err) == 0 && profile, "podman's default profile parses");
  char text[4096], *p = text;
  p += sprintf (p, "(module (func $f0 (param i32) (result i32) local.get 0)");
  for (int k = 1; k <= 30; k++)
    p += sprintf (p, " (func $f%d %s(param i32) (result i32) (i32.add (call $f%d (local.get 0)) (i32.const 1)))", k,
                  k == 30 ? "(export \"chain\") " : "", k - 1);
  sprintf (p, ")");
  uint8_t *bin;
  size_t len;
  char msg[128];
  wasm_error werr;
  wasm_module *m = NULL;
  if (wat_to_wasm (text, strlen (text), &bin, &len, msg, sizeof msg) == 0)
    {
      m = wasm_module_new (bin, len, &werr);
      free (bin);
    }
  tap_ok (m != NULL, "the module loads (lazily) before the filter");
  if (profile && m)
    {
      fflush (stdout);
      pid_t pid = fork ();
      if (pid == 0)
        {
          alarm (60); /* a hang is a failure too */
          _exit (run_filtered (m, profile));
        }
      int status = 0;
      waitpid (pid, &status, 0);
      tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0,
              "its functions are compiled and run on first call under the filter (%s %d)",
              WIFEXITED (status) ? "exit" : "signal", WIFEXITED (status) ? WEXITSTATUS (status) : WTERMSIG (status));
    }
  wasm_module_delete (m);
  seccomp_profile_free (profile);
  json_object_put (oci);
  json_object_put (podman);
  return tap_done ();
}
