#include <stdio.h>

#include "cli/cli.h"
#include "handlers/classify.h"
#include "linux/capabilities.h"
#include "linux/cgroup.h"
#include "runtime/config.h"
#include "wasm/wasm.h"

static json_object *strings (const char *const *v)
{
  json_object *arr = json_object_new_array ();
  for (; *v; v++)
    json_object_array_add (arr, json_object_new_string (*v));
  return arr;
}

static json_object *enabled (bool on)
{
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "enabled", json_object_new_boolean (on));
  return o;
}

int cmd_features (struct cli_globals *g, int argc, char **argv)
{
  if (argc > 1)
    {
      if (argc == 2 && (argv[1][0] == '-' && (argv[1][1] == 'h' || argv[1][2] == 'h')))
        {
          printf ("Usage: runwasm features\n\nPrints what this runtime supports, as OCI features JSON.\n");
          return 0;
        }
      return cli_usage_error (argv[0], "unexpected argument `%s`", argv[1]);
    }
  static const char *const hooks[] = { "prestart", "createRuntime", "createContainer", "startContainer",
                                       "poststart", "poststop", NULL };
  static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "user", "uts", NULL };
  static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                                         "SCMP_ACT_TRAP", NULL };
  static const char *const operators[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                           "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL };
  static const char *const archs[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
                                       "SCMP_ARCH_ARM", NULL };

  json_object *f = json_object_new_object ();
  json_object_object_add (f, "ociVersionMin", json_object_new_string ("1.0.0"));
  json_object_object_add (f, "ociVersionMax", json_object_new_string (RUNWASM_SPEC_VERSION));
  json_object_object_add (f, "hooks", strings (hooks));
  json_object *mount_options = json_object_new_array ();
  for (size_t i = 0; oci_mount_option_name (i); i++)
    json_object_array_add (mount_options, json_object_new_string (oci_mount_option_name (i)));
  json_object_object_add (f, "mountOptions", mount_options);

  json_object *lx = json_object_new_object ();
  json_object_object_add (lx, "namespaces", strings (namespaces));
  json_object *caps = json_object_new_array ();
  for (int i = 0; i <= capabilities_last_cap (); i++)
    if (capabilities_name (i))
      json_object_array_add (caps, json_object_new_string (capabilities_name (i)));
  json_object_object_add (lx, "capabilities", caps);
  json_object *cgroup = json_object_new_object ();
  json_object_object_add (cgroup, "v1", json_object_new_boolean (true));
  json_object_object_add (cgroup, "v2", json_object_new_boolean (true));
  json_object_object_add (cgroup, "systemd", json_object_new_boolean (cgroup_systemd_available ()));
  json_object_object_add (cgroup, "systemdUser", json_object_new_boolean (false));
  json_object_object_add (lx, "cgroup", cgroup);
  json_object *seccomp = enabled (true);
  json_object_object_add (seccomp, "actions", strings (actions));
  json_object_object_add (seccomp, "operators", strings (operators));
  json_object_object_add (seccomp, "archs", strings (archs));
  json_object_object_add (lx, "seccomp", seccomp);
  json_object_object_add (lx, "apparmor", enabled (true));
  json_object_object_add (lx, "selinux", enabled (true));
  json_object_object_add (lx, "intelRdt", enabled (false));
  json_object *mount_ext = json_object_new_object ();
  json_object_object_add (mount_ext, "idmap", enabled (true));
  json_object_object_add (lx, "mountExtensions", mount_ext);
  json_object_object_add (f, "linux", lx);

  /* runtime-spec 1.2: annotations that change what the runtime does with the container, so
   * a high-level runtime (CRI-O) lets them through from users only when allowed to. */
  static const char *const unsafe_annotations[] = { ANNOTATION_HANDLER, ANNOTATION_WASM_VARIANT, NULL };
  json_object_object_add (f, "potentiallyUnsafeConfigAnnotations", strings (unsafe_annotations));

  json_object *ann = json_object_new_object ();
  json_object_object_add (ann, ANNOTATION_HANDLER, json_object_new_string ("wasm, wasm-smart"));
  json_object_object_add (ann, ANNOTATION_WASM_VARIANT, json_object_new_string ("compat, compat-smart"));
  json_object_object_add (ann, ANNOTATION_CRI_CONTAINER_TYPE, json_object_new_string ("sandbox: always native"));
  json_object_object_add (ann, ANNOTATION_CRIO_CONTAINER_TYPE, json_object_new_string ("sandbox: always native"));
  static const char *const wasm_settings[][2] = {
    { "io.runwasm.wasm.fuel", "instruction budget" },
    { "io.runwasm.wasm.timeout", "duration, e.g. 30s" },
    { "io.runwasm.wasm.max-wasm-stack", "size, e.g. 1MiB" },
    { "io.runwasm.wasm.trap-on-grow-failure", "true, false" },
    { "io.runwasm.wasm.backtrace", "true, false" },
    { "io.runwasm.wasm.tcplisten", "HOST:PORT[,HOST:PORT...]" },
    { "io.runwasm.wasm.engine", "jit, interp" },
  };
  for (size_t i = 0; i < sizeof wasm_settings / sizeof wasm_settings[0]; i++)
    json_object_object_add (ann, wasm_settings[i][0], json_object_new_string (wasm_settings[i][1]));
  json_object_object_add (ann, "org.opencontainers.runtime-spec.features.runwasm.version", json_object_new_string (RUNWASM_VERSION));
  json_object_object_add (ann, "org.opencontainers.runtime-spec.features.runwasm.wasm-engines",
                          json_object_new_string (wasm_engine_available (WASM_ENGINE_JIT) ? "interp, jit" : "interp"));
  json_object_object_add (ann, "org.opencontainers.runtime-spec.features.runwasm.wasm-engine-default",
                          json_object_new_string (wasm_engine_name (wasm_engine_default ())));
  json_object_object_add (f, "annotations", ann);

  printf ("%s\n", json_object_to_json_string_ext (f, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (f);
  return 0;
}
