/* Engine internals shared by the decoder, the translator, the interpreter and the runtime.
 * Nothing here is part of the public API (wasm.h). */
#ifndef RUNWASM_WASM_INTERNAL_H
#define RUNWASM_WASM_INTERNAL_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm/wasm.h"

#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u

/* One frame cell. Every scalar value and reference occupies one slot; a v128 occupies two
 * consecutive slots. Frames are arrays of slots: [params][locals][operand stack]. */
typedef union slot {
  uint64_t u64;
  int64_t i64;
  uint32_t u32;
  int32_t i32;
  float f32;
  double f64;
  void *ref;
} slot_t;

static inline uint32_t valtype_slots (wasm_valtype t) { return t == WASM_V128 ? 2 : 1; }
static inline bool valtype_is_ref (wasm_valtype t) { return t == WASM_FUNCREF || t == WASM_EXTERNREF; }

/* A function type with its slot layout; `hash` makes cross-module signature checks cheap. */
typedef struct functype {
  wasm_functype pub;
  wasm_valtype *params, *results;
  uint32_t param_slots, result_slots;
  uint64_t hash;
  uint32_t sig_id;           /* canonical across modules (signatures.c); 0: none, compare types */
} functype_t;

bool functype_equal (const functype_t *a, const functype_t *b);
uint32_t signature_id (const functype_t *t);

/* A constant expression: Wasm 2.0 allows exactly one producing instruction. */
typedef enum const_kind { CONST_VALUE, CONST_GLOBAL_GET, CONST_REF_FUNC } const_kind;
typedef struct const_expr {
  const_kind kind;
  wasm_valtype type;
  uint32_t index;   /* global or function index */
  wasm_value value; /* for CONST_VALUE */
} const_expr;

typedef struct limits_t { uint32_t min, max; bool has_max; } limits_t;
typedef struct table_type { wasm_valtype elem; limits_t lim; } table_type;
typedef struct global_type { wasm_valtype type; bool mut; } global_type;

typedef struct import_t {
  char *module, *name;
  wasm_extern_kind kind;
  uint32_t type_index;  /* functions */
  table_type table;
  limits_t memory;
  global_type global;
} import_t;

typedef struct export_t { char *name; uint32_t name_len; wasm_extern_kind kind; uint32_t index; } export_t;

typedef enum seg_mode { SEG_ACTIVE, SEG_PASSIVE, SEG_DECLARATIVE } seg_mode;

typedef struct elem_seg {
  seg_mode mode;
  uint32_t table;
  const_expr offset;
  wasm_valtype type;
  uint32_t count;
  const_expr *items;
} elem_seg;

typedef struct data_seg {
  seg_mode mode;
  uint32_t memory;
  const_expr offset;
  uint32_t len;
  uint8_t *bytes;
} data_seg;

/* Translated code of one function: a stream of 32-bit words, each instruction an op index
 * followed by its operands (slot indices relative to the frame, immediates, branch
 * displacements relative to the instruction's first word). A module loaded lazily validates
 * every body at load but translates it on first call: until then `words` is
 * code_untranslated (one OP_translate) and nwords 0; the frame layout is known from
 * validation. Read `words` with code_words() where another thread may be translating. */
typedef struct code_t {
  uint32_t *words;
  uint32_t nwords;
  uint32_t param_slots, local_slots; /* local_slots: non-parameter locals, zeroed on entry */
  uint32_t frame_slots;              /* params + locals + deepest operand stack */
  /* Where each instruction came from, for backtraces: (first word, module file offset of
   * the wasm instruction) pairs in word order, one for each change of wasm instruction,
   * stored as LEB128 deltas from the previous pair (both only grow): about 2 bytes a pair,
   * read only when a trap happens. */
  const uint8_t *offsets;
  uint32_t offsets_len;              /* bytes */
  const void *jit_entry;             /* machine code (src/wasm/jit/), NULL if not compiled */
  uint32_t body_at, body_len;        /* the body in wasm_module.code_bytes */
} code_t;

extern const uint32_t code_untranslated[1];

static inline const uint32_t *code_words (const code_t *code)
{
  return __atomic_load_n (&code->words, __ATOMIC_ACQUIRE);
}

/* Translated code lives in large chunks: one allocation per function would cost a malloc and
 * scattered page faults each, which dominate loading modules with 100,000s of functions. */
typedef struct code_chunk {
  struct code_chunk *next;
  size_t used, cap;          /* in words */
  uint32_t words[];
} code_chunk;

struct wasm_module {
  uint32_t refs;
  code_chunk *code_chunks;             /* the embedder's reference plus one per instance */
  uint32_t ntypes;
  functype_t *types;
  uint32_t nimports;
  import_t *imports;
  uint32_t nfuncs, nimported_funcs;
  uint32_t *func_type;       /* type index of every function, imports first */
  code_t *codes;             /* for defined functions */
  uint32_t ntables, nimported_tables;
  table_type *tables;
  uint32_t nmems, nimported_mems;
  limits_t *mems;
  uint32_t nglobals, nimported_globals;
  global_type *globals;
  const_expr *global_init;   /* for defined globals */
  uint32_t nexports;
  export_t *exports;
  int64_t start;             /* -1: none */
  uint32_t nelems;
  elem_seg *elems;
  uint32_t ndatas;
  data_seg *datas;
  bool has_data_count;
  bool has_data_section;     /* known before the code section is compiled */
  uint8_t *func_declared;    /* functions ref.func may name */
  char *name;                /* from the name section, or NULL */
  uint32_t nfunc_names;
  struct func_name { uint32_t index; char *name; } *func_names; /* sorted by index */
  struct jit_module *jit;    /* machine code of the defined functions, NULL if interpreted */
  /* Lazy translation: the code section's bytes (bodies are translated from them on first
   * call), their offset in the module file, and the translator's state, under the lock. */
  bool lazy;
  uint8_t *code_bytes;
  size_t code_bytes_len, code_bytes_offset;
  pthread_mutex_t translate_lock;
  struct compile_scratch *translate_scratch;
};

/* ---- Runtime objects ------------------------------------------------------------------- */

struct wasm_func {
  wasm_store *store;
  const functype_t *type;
  functype_t own_type;       /* host functions keep a private copy of their type */
  wasm_instance *inst;       /* NULL for host functions */
  const code_t *code;        /* NULL for host functions */
  uint32_t index;            /* index in its module */
  wasm_host_fn host;
  void *env;
};

struct wasm_memory {
  uint8_t *base;
  uint64_t size;             /* bytes */
  uint32_t max_pages;        /* effective: declared max capped by the store limit */
  uint32_t decl_max_pages;   /* as declared, for import matching */
  bool has_max;
  bool guarded;              /* lives in a reservation with guard pages */
  size_t reserved;           /* bytes of address space reserved (guarded) */
  wasm_store *store;
};

struct wasm_table {
  wasm_valtype type;
  void **elems;
  uint32_t size, max;        /* max: as declared (UINT32_MAX if none) */
  uint32_t limit;            /* effective: max capped by the store limit */
  bool has_max;
};

struct wasm_global {
  wasm_valtype type;
  bool mut;
  union {
    slot_t s;
    wasm_v128 v128;
  } val;
};

struct wasm_instance {
  wasm_store *store;
  const wasm_module *module;
  wasm_func **funcs;
  wasm_table **tables;
  wasm_memory **mems;
  wasm_global **globals;
  wasm_memory *mem0;         /* memory 0 or NULL: what the interpreter's memory ops use */
  uint32_t *elem_len;        /* per element segment: item count, 0 once dropped */
  void ***elem_items;        /* per element segment: the evaluated references */
  uint32_t *data_len;        /* per data segment: byte count, 0 once dropped */
};

typedef struct call_frame {
  const uint32_t *ip;
  slot_t *fp;
  wasm_func *func;
} call_frame;

/* Memory mode of a store: guarded (reserve + guard pages, free bounds checks) or checked. */
typedef enum memory_mode { MEMORY_GUARDED, MEMORY_CHECKED } memory_mode;
/* Whether new stores get guarded memory (memory.c): not with RUNWASM_MEMORY=checked or when
 * the reservation fails. */
bool memory_reservation_possible (void);

struct wasm_store {
  wasm_limits limits;
  memory_mode mode;
  atomic_int interrupt;
  void **objects;            /* everything allocated in this store, freed with it */
  uint8_t *object_kinds;
  size_t nobjects, cap_objects;
  slot_t *stack, *stack_end; /* the value stack frames live on (allocated on first call) */
  slot_t *sp;                /* first free slot: where the next entry from the host starts */
  call_frame *frames; /* return addresses of active wasm calls */
  uint32_t depth;            /* active wasm calls (all entries from the host) */
  bool fuel_on;              /* wasm_store_set_fuel was called: run the fuel-counting loop */
  int64_t fuel;              /* fuel left (written back when the loop leaves) */
};

typedef enum object_kind { OBJ_FUNC, OBJ_MEMORY, OBJ_TABLE, OBJ_GLOBAL, OBJ_INSTANCE, OBJ_BLOB } object_kind;
void *store_alloc (wasm_store *store, object_kind kind, size_t size);

/* ---- Runtime helpers ------------------------------------------------------------------- */

wasm_memory *memory_create (wasm_store *store, uint32_t min_pages, uint32_t max_pages, bool has_max);
void memory_destroy (wasm_memory *memory);
int64_t memory_grow_pages (wasm_memory *memory, uint32_t delta);
wasm_table *table_create (wasm_store *store, wasm_valtype type, uint32_t min, uint32_t max, bool has_max, void *init);
int64_t table_grow_elems (wasm_table *table, uint32_t delta, void *init);

/* Execution context of one entry from the host into wasm. */
typedef struct exec_ctx {
  wasm_store *store;
  wasm_trap *trap;
  sigjmp_buf fault_jmp;      /* a guard-page fault in wasm code jumps back here */
  struct exec_ctx *prev;
  char *stack_limit;         /* lowest C stack address nested entries may use */
  wasm_func *current;        /* function running when a fault hit (best effort) */
  call_frame *entry, *top;   /* this entry's call frames, for the backtrace of a fault */
  /* Compiled frames are return addresses on the C stack (jit/x64_frames.c): the rsp of the
   * compiled function that made the latest helper call, the return address of an
   * instruction the interpreter runs for compiled code (while it runs), and where the
   * compiled callers of a nested entry into compiled code left off. */
  uintptr_t jit_sp;
  const uint8_t *jit_op_pc;
  struct jit_link *jit_links;
} exec_ctx;

/* Run `func` with its arguments already in frame[0..]; results land in frame[0..]. */
int exec_invoke (wasm_func *func, slot_t *frame, wasm_trap *trap);
/* Make sure the store has its value stack and call-frame array; -1 if out of memory. */
int exec_stack_ensure (wasm_store *store);
int exec_guarded (exec_ctx *ctx, wasm_func *func, slot_t *frame);
int exec_checked (exec_ctx *ctx, wasm_func *func, slot_t *frame);
int exec_checked_fuel (exec_ctx *ctx, wasm_func *func, slot_t *frame);
/* Call a host function with its arguments in frame[0..]; results land in frame[0..]. */
int exec_call_host (exec_ctx *ctx, wasm_func *func, wasm_instance *caller, slot_t *frame);
void trap_set (wasm_trap *trap, wasm_trap_kind kind, const wasm_func *func, const char *message);
/* Append to trap's backtrace func at ip (the instruction, or NULL if unknown), then the
 * callers saved in [entry, top), innermost first. Async-signal-safe. */
void backtrace_capture (wasm_trap *trap, const wasm_func *func, const uint32_t *ip,
                        const call_frame *top, const call_frame *entry);
/* Append one frame: func at ip (NULL: offset unknown). */
void backtrace_add_frame (wasm_trap *trap, const wasm_func *func, const uint32_t *ip);
/* A frame whose module offset is already known (-1: unknown); compiled code's pc map. */
void backtrace_add_frame_at (wasm_trap *trap, const wasm_func *func, int64_t offset);
/* out[w] = the module offset of register-code word w (UINT32_MAX: none), for the compiler. */
void backtrace_word_offsets (const code_t *code, uint32_t *out);
/* The most likely interpreter ip among a faulting thread's registers (ucontext), or NULL. */
const uint32_t *backtrace_ip_from_context (const wasm_func *func, const void *ucontext);
void signals_install (void);
bool fault_in_wasm_memory (exec_ctx *ctx, void *addr);
extern __thread exec_ctx *exec_current;

/* Values <-> slots. */
void value_to_slots (const wasm_value *v, slot_t *s);
void slots_to_value (wasm_valtype t, const slot_t *s, wasm_value *v);

/* ---- Loading --------------------------------------------------------------------------- */

/* Reporting: these fill err and return -1. */
int module_error (wasm_error *err, wasm_error_kind kind, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Buffers the translator reuses from one function to the next (a module may have 100,000s). */
typedef struct compile_scratch {
  uint32_t *code;
  uint32_t code_cap;
  void *values, *frames;
  uint32_t values_cap, frames_cap;
  wasm_valtype *local_type;
  uint32_t *local_slot;
  uint32_t locals_cap;
  uint32_t *offsets;
  uint32_t offsets_cap;
} compile_scratch;

/* What compile_function makes of a body besides validating it: only the frame layout
 * (lazy loading), code owned by the module, or code in the scratch buffers that lives until
 * their next use, with a malloc'd offset map the caller frees (for the compiler tier, which
 * keeps no register code). */
typedef enum compile_mode { COMPILE_VALIDATE, COMPILE_KEEP, COMPILE_TEMPORARY } compile_mode;

/* Validate (and translate, per mode) the body of defined function `func_index`, found
 * through m->codes[].body_at/body_len; the result goes to *out. */
int compile_function (wasm_module *m, uint32_t func_index, compile_mode mode, compile_scratch *scratch,
                      code_t *out, wasm_error *err);
void compile_scratch_free (compile_scratch *scratch);
/* Buffers validate_fast reuses from one function to the next. */
typedef struct validate_scratch {
  uint16_t *vals;
  uint8_t *local_type;
  uint32_t vals_cap, locals_cap;
  struct block *blocks;
  uint32_t blocks_cap;
} validate_scratch;

/* Lazy loading's quick check of a body (validate.c): true if it is valid, with its frame
 * layout in *out; false if compile.c must decide (COMPILE_VALIDATE), with its messages. */
bool validate_fast (const wasm_module *m, uint32_t func_index, validate_scratch *s, code_t *out);
void validate_scratch_free (validate_scratch *s);
/* Translate a lazily loaded function if no one did yet (any thread; once). -1: out of memory. */
int code_translate (wasm_module *m, uint32_t func_index);
void module_free_contents (wasm_module *m);
/* Read the custom "name" section's module and function names; a malformed one is ignored,
 * as the spec asks of custom sections. */
void module_read_names (wasm_module *m, const uint8_t *p, const uint8_t *end);
void module_free_names (wasm_module *m);
/* Room for n words of translated code, owned by the module; NULL if out of memory. */
uint32_t *module_code_alloc (wasm_module *m, size_t n);
/* Drop one reference; the last one frees the module. */
void module_release (wasm_module *m);

#endif
