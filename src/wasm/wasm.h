/* The runwasm WebAssembly engine: public API.
 *
 * The engine is a library with no knowledge of WASI or containers. Embedders (the WASI host,
 * the spec test runner, the container handler) use only this header.
 *
 * Object model:
 *   wasm_module    decoded, validated and translated code; immutable, shareable.
 *   wasm_store     owns every runtime object (instances, functions, memories, tables,
 *                  globals) and the limits; freeing the store frees them all.
 *   wasm_extern    a function, table, memory or global: what imports and exports are.
 *   wasm_linker    maps (module, name) to externs and instantiates modules against them.
 *
 * Errors: loading, linking and instantiation fill a wasm_error; calls fill a wasm_trap.
 * Functions returning int return 0 on success and -1 on failure.
 */
#ifndef RUNWASM_WASM_H
#define RUNWASM_WASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum wasm_valtype {
  WASM_I32 = 0x7f,
  WASM_I64 = 0x7e,
  WASM_F32 = 0x7d,
  WASM_F64 = 0x7c,
  WASM_V128 = 0x7b,
  WASM_FUNCREF = 0x70,
  WASM_EXTERNREF = 0x6f,
} wasm_valtype;

typedef struct wasm_func wasm_func;
typedef struct wasm_table wasm_table;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_global wasm_global;
typedef struct wasm_module wasm_module;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_store wasm_store;
typedef struct wasm_linker wasm_linker;
typedef struct wasm_caller wasm_caller;

typedef union wasm_v128 {
  uint8_t u8[16];
  uint16_t u16[8];
  uint32_t u32[4];
  uint64_t u64[2];
} wasm_v128;

/* A typed value. Floats are carried by their bit patterns (f32_bits/f64_bits alias f32/f64)
 * so NaN payloads survive; a null reference is ref == NULL. funcref refs are wasm_func*,
 * externref refs are opaque host pointers. */
typedef struct wasm_value {
  wasm_valtype type;
  union {
    int32_t i32;
    int64_t i64;
    uint32_t f32_bits;
    uint64_t f64_bits;
    float f32;
    double f64;
    wasm_v128 v128;
    void *ref;
  } of;
} wasm_value;

typedef struct wasm_functype {
  uint32_t nparams, nresults;
  const wasm_valtype *params, *results;
} wasm_functype;

typedef enum wasm_extern_kind {
  WASM_EXTERN_FUNC = 0,
  WASM_EXTERN_TABLE = 1,
  WASM_EXTERN_MEMORY = 2,
  WASM_EXTERN_GLOBAL = 3,
} wasm_extern_kind;

typedef struct wasm_extern {
  wasm_extern_kind kind;
  union {
    wasm_func *func;
    wasm_table *table;
    wasm_memory *memory;
    wasm_global *global;
  } of;
} wasm_extern;

/* ---- Errors and traps ------------------------------------------------------------------ */

typedef enum wasm_error_kind {
  WASM_OK = 0,
  WASM_ERR_MALFORMED,     /* bytes are not a well-formed binary module */
  WASM_ERR_INVALID,       /* well-formed but fails validation */
  WASM_ERR_UNLINKABLE,    /* an import is missing or has the wrong type */
  WASM_ERR_UNINSTANTIABLE,/* a trap during instantiation (segment out of bounds, start trapped) */
  WASM_ERR_RESOURCE,      /* out of memory, or a limit set on the store */
} wasm_error_kind;

typedef struct wasm_error {
  wasm_error_kind kind;
  /* e.g. "malformed: section size mismatch at offset 0x2a",
   *      "invalid: type mismatch in i32.add in func 3",
   *      "unknown import: wasi_snapshot_preview1.fd_write" */
  char message[256];
} wasm_error;

typedef enum wasm_trap_kind {
  WASM_TRAP_NONE = 0,
  WASM_TRAP_UNREACHABLE,            /* "unreachable" */
  WASM_TRAP_MEMORY_OUT_OF_BOUNDS,   /* "out of bounds memory access" */
  WASM_TRAP_TABLE_OUT_OF_BOUNDS,    /* "out of bounds table access" / "undefined element" */
  WASM_TRAP_UNINITIALIZED_ELEMENT,  /* "uninitialized element" */
  WASM_TRAP_INDIRECT_CALL_MISMATCH, /* "indirect call type mismatch" */
  WASM_TRAP_INTEGER_DIVIDE_BY_ZERO, /* "integer divide by zero" */
  WASM_TRAP_INTEGER_OVERFLOW,       /* "integer overflow" */
  WASM_TRAP_INVALID_CONVERSION,     /* "invalid conversion to integer" */
  WASM_TRAP_CALL_STACK_EXHAUSTED,   /* "call stack exhausted" */
  WASM_TRAP_INTERRUPTED,            /* wasm_store_interrupt() was called */
  WASM_TRAP_HOST,                   /* a host function failed (message says why) */
  WASM_TRAP_EXIT,                   /* a host function asked to exit (WASI proc_exit) */
  WASM_TRAP_OUT_OF_FUEL,            /* "all fuel consumed" (wasm_store_set_fuel) */
  WASM_TRAP_GROW_FAILED,            /* memory.grow/table.grow failed, limits.trap_on_grow_failure */
} wasm_trap_kind;

/* One wasm frame of a trap's backtrace. */
typedef struct wasm_frame {
  const wasm_module *module;
  uint32_t func_index;
  int64_t offset;        /* byte offset in the module file of the instruction, -1 if unknown */
} wasm_frame;

#define WASM_TRAP_MAX_FRAMES 32

typedef struct wasm_trap {
  wasm_trap_kind kind;
  int32_t exit_code;     /* for WASM_TRAP_EXIT */
  int64_t func_index;    /* function executing when it trapped, -1 if unknown */
  char message[256];     /* spec wording first, then context: "unreachable (in func 3 $main)" */
  /* The wasm call stack when it trapped, innermost first: at most WASM_TRAP_MAX_FRAMES, the
   * outer ones beyond that only counted. Host frames are not listed. */
  uint32_t nframes, frames_omitted;
  wasm_frame frames[WASM_TRAP_MAX_FRAMES];
} wasm_trap;

const char *wasm_trap_kind_name (wasm_trap_kind kind);
/* Print "error: wasm trap: MESSAGE" and, when `backtrace`, the frames as
 * "    0:     0x1a2 - MODULE!FUNCTION", one a line. MODULE is the module's name-section
 * name or `default_module`; FUNCTION its name-section name or "<wasm function N>". */
void wasm_trap_print (const wasm_trap *trap, const char *default_module, int backtrace, FILE *out);

/* ---- Store and limits ------------------------------------------------------------------ */

typedef struct wasm_limits {
  uint32_t max_memory_pages;  /* cap on any memory of this store (memory.grow fails beyond); 0: 65536 */
  uint32_t max_table_elems;   /* cap on any table; 0: 10,000,000 */
  uint32_t max_call_depth;    /* nested wasm calls before "call stack exhausted"; 0: default */
  uint64_t max_stack_bytes;   /* value stack (locals and operands of active calls); 0: 32 MiB */
  int trap_on_grow_failure;   /* memory.grow/table.grow trap instead of returning -1 */
} wasm_limits;

wasm_store *wasm_store_new (const wasm_limits *limits /* NULL: defaults */);
void wasm_store_delete (wasm_store *store);
/* Ask running code to stop: it traps with WASM_TRAP_INTERRUPTED at the next call or loop
 * back-edge. Async-signal-safe and thread-safe; the flag stays set until cleared. */
void wasm_store_interrupt (wasm_store *store);
void wasm_store_clear_interrupt (wasm_store *store);
/* Fuel: from now on every instruction the engine executes costs one unit, and running out
 * traps with WASM_TRAP_OUT_OF_FUEL. Without a call, there is no fuel accounting at all. */
void wasm_store_set_fuel (wasm_store *store, uint64_t fuel);
uint64_t wasm_store_fuel (const wasm_store *store); /* what is left */

/* ---- Engines --------------------------------------------------------------------------- */

/* The interpreter runs everywhere; the compiler (x86-64 machine code) where the build and CPU
 * support it. The selected engine applies to modules loaded afterwards (process-wide); it
 * starts as RUNWASM_ENGINE=jit|interp if set (an engine not available here: the default),
 * else the default: the compiler where it is available and guarded memory can be reserved,
 * else the interpreter. Compiled modules still run interpreted in stores with checked memory
 * (RUNWASM_MEMORY=checked). */
typedef enum wasm_engine { WASM_ENGINE_INTERP = 0, WASM_ENGINE_JIT = 1 } wasm_engine;

int wasm_engine_available (wasm_engine engine);     /* 1 or 0 */
int wasm_engine_select (wasm_engine engine);        /* -1 if not available */
wasm_engine wasm_engine_selected (void);
wasm_engine wasm_engine_default (void);             /* what RUNWASM_ENGINE unset means */
const char *wasm_engine_name (wasm_engine engine);  /* "interp", "jit" */
/* Parse "jit" / "interp"; -1 for anything else. */
int wasm_engine_parse (const char *name, wasm_engine *out);

/* When function bodies are translated (and compiled, with the compiler): on a function's
 * first call (lazy, the default) or all while loading (eager). Either way every body is
 * validated while loading, so an invalid module fails wasm_module_new. Process-wide, for
 * modules loaded afterwards; it starts as RUNWASM_COMPILE=lazy|eager if set. */
typedef enum wasm_compile_time { WASM_COMPILE_LAZY = 0, WASM_COMPILE_EAGER = 1 } wasm_compile_time;

void wasm_compile_select (wasm_compile_time when);
wasm_compile_time wasm_compile_selected (void);

/* ---- Modules --------------------------------------------------------------------------- */

/* Decode, validate and translate. The bytes are not referenced after return. */
wasm_module *wasm_module_new (const uint8_t *bytes, size_t len, wasm_error *err);
void wasm_module_delete (wasm_module *module);

typedef struct wasm_import_desc {
  const char *module, *name;
  wasm_extern_kind kind;
  wasm_functype functype;  /* for functions */
} wasm_import_desc;

typedef struct wasm_export_desc {
  const char *name;
  wasm_extern_kind kind;
} wasm_export_desc;

/* From the name section: the module's name and a function's (index over imports and
 * definitions); NULL when the module does not name it. */
const char *wasm_module_name (const wasm_module *module);
const char *wasm_module_func_name (const wasm_module *module, uint32_t func_index);

uint32_t wasm_module_import_count (const wasm_module *module);
void wasm_module_import (const wasm_module *module, uint32_t i, wasm_import_desc *out);
uint32_t wasm_module_export_count (const wasm_module *module);
void wasm_module_export (const wasm_module *module, uint32_t i, wasm_export_desc *out);
/* Whether instantiating runs a start function, i.e. guest code. */
int wasm_module_has_start (const wasm_module *module);

/* ---- Host objects ---------------------------------------------------------------------- */

/* A host function: read args (nparams of them), write results (nresults), return 0.
 * To fail, return wasm_caller_trap(...) or wasm_caller_exit(...). */
typedef int (*wasm_host_fn) (wasm_caller *caller, void *env, const wasm_value *args, wasm_value *results);

wasm_func *wasm_func_new_host (wasm_store *store, const wasm_functype *type, wasm_host_fn fn, void *env);
wasm_memory *wasm_memory_new (wasm_store *store, uint32_t min_pages, uint32_t max_pages, int has_max);
wasm_table *wasm_table_new (wasm_store *store, wasm_valtype reftype, uint32_t min, uint32_t max, int has_max, void *init);
wasm_global *wasm_global_new (wasm_store *store, wasm_value value, int mutable_);

/* Inside a host function. */
wasm_instance *wasm_caller_instance (wasm_caller *caller);
wasm_memory *wasm_caller_memory (wasm_caller *caller); /* the caller's memory 0, or NULL */
int wasm_caller_trap (wasm_caller *caller, wasm_trap_kind kind, const char *message); /* returns -1 */
int wasm_caller_exit (wasm_caller *caller, int32_t code);                              /* returns -1 */

/* ---- Linking and instantiation --------------------------------------------------------- */

wasm_linker *wasm_linker_new (wasm_store *store);
void wasm_linker_delete (wasm_linker *linker);
int wasm_linker_define (wasm_linker *linker, const char *module, const char *name, wasm_extern ext);
int wasm_linker_define_func (wasm_linker *linker, const char *module, const char *name,
                             const wasm_functype *type, wasm_host_fn fn, void *env);
/* What (module, name) is defined as; -1 if nothing is. */
int wasm_linker_get (wasm_linker *linker, const char *module, const char *name, wasm_extern *out);
/* Make every export of `instance` importable as (module, export name): the spec's `register`. */
int wasm_linker_define_instance (wasm_linker *linker, const char *module, wasm_instance *instance);
/* Resolve imports, allocate, initialise segments and run the start function. An instance that
 * fails is not returned, but effects on imported memories/tables stay (as the spec requires). */
wasm_instance *wasm_linker_instantiate (wasm_linker *linker, const wasm_module *module, wasm_error *err);

int wasm_instance_export (wasm_instance *instance, const char *name, wasm_extern *out);
/* The same for a name given by its bytes: export names may contain NUL. */
int wasm_instance_export_bytes (wasm_instance *instance, const char *name, size_t len, wasm_extern *out);
wasm_func *wasm_instance_func (wasm_instance *instance, const char *name);
wasm_memory *wasm_instance_memory (wasm_instance *instance, const char *name);

/* ---- Using objects --------------------------------------------------------------------- */

wasm_functype wasm_func_type (const wasm_func *func);
/* Call with args checked against the type; on a trap returns -1 and fills *trap. */
int wasm_func_call (wasm_func *func, const wasm_value *args, size_t nargs,
                    wasm_value *results, size_t nresults, wasm_trap *trap);

/* Linear memory. The data pointer may move after memory.grow when the engine runs without its
 * address-space reservation: fetch it again after any call into wasm. */
uint8_t *wasm_memory_data (wasm_memory *memory);
uint64_t wasm_memory_size (const wasm_memory *memory); /* bytes */
/* Returns the old size in pages, or -1 if it cannot grow (max, store limit, or no memory). */
int64_t wasm_memory_grow (wasm_memory *memory, uint32_t delta_pages);

uint32_t wasm_table_size (const wasm_table *table);
int wasm_table_get (const wasm_table *table, uint32_t index, wasm_value *out);
int wasm_table_set (wasm_table *table, uint32_t index, wasm_value value);

wasm_value wasm_global_get (const wasm_global *global);
int wasm_global_set (wasm_global *global, wasm_value value); /* -1 if immutable or wrong type */

#ifdef __cplusplus
}
#endif
#endif
