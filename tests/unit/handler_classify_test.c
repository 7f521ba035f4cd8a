#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handlers/classify.h"
#include "tap.h"

static char dir[] = "/tmp/runwasm-classify-XXXXXX";

static char *write_file (const char *name, const void *data, size_t len, mode_t mode)
{
  char *path = NULL;
  if (asprintf (&path, "%s/%s", dir, name) < 0)
    abort ();
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write (fd, data, len) != (ssize_t) len)
    abort ();
  close (fd);
  return path;
}

static enum handler_mode mode_of (const char *json, int *failed, char **msg)
{
  struct rw_error *err = NULL;
  enum handler_mode mode = HANDLER_NATIVE;
  json_object *annotations = json ? json_tokener_parse (json) : NULL;
  *failed = handler_mode_from_annotations (annotations, &mode, &err) < 0;
  *msg = err ? strdup (err->msg) : NULL;
  rw_error_free (&err);
  json_object_put (annotations);
  return mode;
}

static void test_annotations (void)
{
  int failed;
  char *msg;
  tap_eq_int (mode_of (NULL, &failed, &msg), HANDLER_NATIVE, "no annotations: native");
  tap_eq_int (mode_of ("{\"run.oci.handler\":\"wasm\"}", &failed, &msg), HANDLER_WASM, "run.oci.handler=wasm");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat\"}", &failed, &msg), HANDLER_WASM, "variant=compat");
  tap_eq_int (mode_of ("{\"run.oci.handler\":\"wasm-smart\"}", &failed, &msg), HANDLER_WASM_SMART, "wasm-smart");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat-smart\"}", &failed, &msg), HANDLER_WASM_SMART, "compat-smart");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat\",\"io.kubernetes.cri.container-type\":\"sandbox\"}",
                       &failed, &msg), HANDLER_NATIVE, "pod sandbox stays native");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat\",\"io.kubernetes.cri-o.ContainerType\":\"sandbox\"}",
                       &failed, &msg), HANDLER_NATIVE, "CRI-O's pod sandbox stays native");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat\",\"io.kubernetes.cri-o.ContainerType\":\"container\"}",
                       &failed, &msg), HANDLER_WASM, "a CRI-O pod container follows the variant");
  tap_eq_int (mode_of ("{\"module.wasm.image/variant\":\"compat\",\"io.kubernetes.cri.container-type\":\"container\"}",
                       &failed, &msg), HANDLER_WASM, "pod container follows the variant");
  tap_eq_int (mode_of ("{\"run.oci.handler\":\"wasm-smart\",\"module.wasm.image/variant\":\"compat\"}", &failed, &msg),
              HANDLER_WASM_SMART, "run.oci.handler wins over the image variant");
  mode_of ("{\"run.oci.handler\":\"wasmtime\"}", &failed, &msg);
  tap_ok (failed && msg && strstr (msg, "unknown value `wasmtime`"), "unknown handler is an error naming it: %s", msg);
  free (msg);
  mode_of ("{\"module.wasm.image/variant\":\"compat-fast\"}", &failed, &msg);
  tap_ok (failed && msg && strstr (msg, "module.wasm.image/variant"), "unknown variant is an error: %s", msg);
  free (msg);
}

static void test_sniffing (void)
{
  struct rw_error *err = NULL;
  static const uint8_t wasm[] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
  static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
  char *wasm_path = write_file ("app.bin", wasm, sizeof wasm, 0644);
  char *elf_path = write_file ("envoy", elf, sizeof elf, 0755);
  char *script_path = write_file ("run.sh", "#!/bin/sh\necho hi\n", 18, 0755);
  char *wat_path = write_file ("hello.wat", ";; hello\n(module (func (export \"_start\")))\n", 43, 0644);

  tap_eq_int (handler_file_is_wasm (wasm_path, &err), 1, "\\0asm magic is wasm, whatever the name");
  tap_eq_int (handler_file_is_wasm (elf_path, &err), 0, "ELF is native");
  tap_eq_int (handler_file_is_wasm (script_path, &err), 0, "a #! script is native");
  tap_eq_int (handler_file_is_wasm (wat_path, &err), 1, "WebAssembly text is wasm");
  tap_ok (handler_file_is_wasm ("/nonexistent/x.wasm", &err) < 0 && err && strstr (err->msg, "/nonexistent/x.wasm"),
          "a missing file is an error naming it");
  rw_error_free (&err);

  tap_eq_int (handler_should_run_wasm (HANDLER_WASM_SMART, elf_path, &err), 0, "smart mode runs a sidecar natively");
  tap_eq_int (handler_should_run_wasm (HANDLER_WASM_SMART, wasm_path, &err), 1, "smart mode runs wasm in the engine");
  tap_eq_int (handler_should_run_wasm (HANDLER_WASM, elf_path, &err), 1, "wasm mode always uses the engine");
  tap_eq_int (handler_should_run_wasm (HANDLER_NATIVE, wasm_path, &err), 0, "native mode never uses the engine");
  free (wasm_path), free (elf_path), free (script_path), free (wat_path);
}

static void test_path_search (void)
{
  struct rw_error *err = NULL;
  char bin[256], sbin[256];
  snprintf (bin, sizeof bin, "%s/bin", dir);
  snprintf (sbin, sizeof sbin, "%s/sbin", dir);
  mkdir (bin, 0755);
  mkdir (sbin, 0755);
  free (write_file ("bin/mod.wasm", "\0asm\1\0\0\0", 8, 0644));
  free (write_file ("sbin/mod.wasm", "\0asm\1\0\0\0", 8, 0755));
  free (write_file ("bin/tool", "#!/bin/sh\n", 10, 0755));
  char path_env[600];
  char *env[] = { "HOME=/", path_env, NULL };
  snprintf (path_env, sizeof path_env, "PATH=%s:%s", bin, sbin);

  char *found = handler_find_entrypoint ("tool", env, true, &err);
  tap_ok (found && strstr (found, "/bin/tool"), "PATH search finds an executable: %s", found);
  free (found);
  found = handler_find_entrypoint ("mod.wasm", env, false, &err);
  tap_ok (found && strstr (found, "/sbin/mod.wasm"), "an executable later in PATH wins over a plain file: %s", found);
  free (found);
  snprintf (path_env, sizeof path_env, "PATH=%s", bin);
  found = handler_find_entrypoint ("mod.wasm", env, false, &err);
  tap_ok (found && strstr (found, "/bin/mod.wasm"), "a non-executable module is still found: %s", found);
  free (found);
  found = handler_find_entrypoint ("mod.wasm", env, true, &err);
  tap_ok (found == NULL && err && strstr (err->msg, "not found"), "execve's search skips a non-executable file");
  rw_error_free (&err);
  found = handler_find_entrypoint ("missing", env, false, &err);
  tap_ok (found == NULL && err && strstr (err->msg, "`missing` not found"), "missing entrypoint is an error");
  rw_error_free (&err);
  found = handler_find_entrypoint ("", env, false, &err);
  tap_ok (found == NULL && err != NULL, "empty entrypoint is an error");
  rw_error_free (&err);
}

int main (void)
{
  if (mkdtemp (dir) == NULL)
    return 1;
  test_annotations ();
  test_sniffing ();
  test_path_search ();
  char cmd[300];
  snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
  if (system (cmd) != 0)
    return 1;
  return tap_done ();
}
