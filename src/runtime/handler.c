#include "runtime/handler.h"

#include "handlers/classify.h"
#include "handlers/native.h"
#include "handlers/wasm.h"

int handler_choose (const struct oci_config *c, bool for_exec, const struct handler **out, struct rw_error **err)
{
  enum handler_mode mode;
  if (handler_mode_from_annotations (c->annotations, &mode, err) < 0)
    return -1;
  /* `exec` into a Wasm container may run a shell or a debugging tool from the image, so an
   * exec'd process goes to the engine only when it really is Wasm. */
  if (for_exec && mode == HANDLER_WASM)
    mode = HANDLER_WASM_SMART;
  switch (mode)
    {
    case HANDLER_WASM:
      *out = &wasm_handler;
      break;
    case HANDLER_WASM_SMART:
      *out = &wasm_smart_handler;
      break;
    default:
      *out = &native_handler;
    }
  return 0;
}
