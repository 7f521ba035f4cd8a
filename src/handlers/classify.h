/* Which handler runs a container's process: native execve or the Wasm engine.
 * Mirrors crun's annotations so existing images and manifests work unchanged, but smart
 * modes look at the entrypoint's content (magic bytes), not its file name. */
#ifndef RUNWASM_HANDLERS_CLASSIFY_H
#define RUNWASM_HANDLERS_CLASSIFY_H

#include <json-c/json.h>
#include <stdbool.h>

#include "common/error.h"

enum handler_mode {
  HANDLER_NATIVE,     /* no annotation, or a pod sandbox */
  HANDLER_WASM,       /* run.oci.handler=wasm, module.wasm.image/variant=compat */
  HANDLER_WASM_SMART, /* wasm-smart / compat-smart: Wasm only if the entrypoint is Wasm */
};

#define ANNOTATION_HANDLER "run.oci.handler"
#define ANNOTATION_WASM_VARIANT "module.wasm.image/variant"
#define ANNOTATION_CRI_CONTAINER_TYPE "io.kubernetes.cri.container-type"
/* CRI-O marks its pause container with its own key (same values). */
#define ANNOTATION_CRIO_CONTAINER_TYPE "io.kubernetes.cri-o.ContainerType"

/* The mode the config.json annotations ask for (annotations may be NULL). An unknown value of
 * run.oci.handler or module.wasm.image/variant is an error naming it. */
int handler_mode_from_annotations (json_object *annotations, enum handler_mode *mode, struct rw_error **err);

/* Find `arg0` as execvp(3) would, in the current root, with the container's PATH from `env`
 * (the default PATH when unset): a name with a slash is taken as is. A Wasm module need not be
 * executable, so unless `executable_only`, the first readable regular file found also counts
 * when no executable one is. Returns a malloc'd path, or NULL with *err set. */
char *handler_find_entrypoint (const char *arg0, char **env, bool executable_only, struct rw_error **err);

/* 1 if the file starts with the Wasm magic "\0asm" or is WebAssembly text, 0 if it is
 * something else (ELF, a script), negative with *err set if it cannot be read. */
int handler_file_is_wasm (const char *path, struct rw_error **err);

/* Applies the mode to the entrypoint: 1 if the Wasm engine should run it, 0 for execve. */
int handler_should_run_wasm (enum handler_mode mode, const char *entrypoint, struct rw_error **err);

#endif
