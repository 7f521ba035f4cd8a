#include "runtime/handler.h"

#include <errno.h>
#include <string.h>

#include "handlers/native.h"

/* Annotation values that ask for the Wasm engine (crun's spellings). The Wasm handler plugs
 * in here; until it does, asking for it is an error rather than a silent native run. */
static bool asks_for_wasm (const struct oci_config *c)
{
  const char *handler = oci_config_annotation (c, "run.oci.handler");
  const char *variant = oci_config_annotation (c, "module.wasm.image/variant");
  const char *cri_type = oci_config_annotation (c, "io.kubernetes.cri.container-type");
  if (cri_type && strcmp (cri_type, "sandbox") == 0)
    return false;
  return (handler && strncmp (handler, "wasm", 4) == 0) || (variant && strncmp (variant, "compat", 6) == 0);
}

int handler_choose (const struct oci_config *c, const struct handler **out, struct rw_error **err)
{
  if (asks_for_wasm (c))
    return rw_error_set (err, ENOTSUP, "annotations: the Wasm handler is not supported in this build");
  *out = &native_handler;
  return 0;
}
