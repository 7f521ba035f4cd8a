/* Parser state shared by the module-field, instruction and name-resolution code, and the
 * token cursor they all read through. Errors unwind with longjmp to wat_to_wasm, which owns
 * every allocation reachable from the parser and frees it in one place. */
#ifndef RUNWASM_WAT_PARSER_H
#define RUNWASM_WAT_PARSER_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "wat/bytes.h"
#include "wat/lexer.h"

/* Instruction nesting is parsed recursively; this bound keeps the stack use near 1 MiB
 * (about 200 bytes a level), so hostile input fails cleanly instead of overflowing. */
#define WAT_MAX_NESTING 5000

/* Index spaces that $names live in. The first four are also the import/export kinds. */
typedef enum wat_space {
  SPACE_FUNC,
  SPACE_TABLE,
  SPACE_MEMORY,
  SPACE_GLOBAL,
  SPACE_TYPE,
  SPACE_ELEM,
  SPACE_DATA,
  SPACE_LOCAL,
  SPACE_COUNT,
} wat_space;

/* One index space: the $name of every index (NULL when unnamed), and a hash table from
 * names to indices so that large modules resolve in linear time. */
typedef struct wat_names {
  const wat_token **ids;
  uint32_t count, cap;
  uint32_t *slots;           /* open addressing: index + 1, or 0 when empty */
  uint32_t nslots, named;    /* nslots is 0 or a power of two */
} wat_names;

typedef struct wat_functype {
  wat_bytes params, results; /* value type bytes */
} wat_functype;

/* A binary section under construction: its entries and how many. */
typedef struct wat_section {
  wat_bytes bytes;
  uint32_t count;
} wat_section;

typedef struct wat_parser {
  const wat_token *toks;
  size_t ntoks, pos;
  jmp_buf fail;
  char *err;
  size_t errlen;

  wat_names spaces[SPACE_COUNT];
  wat_functype *types;       /* explicit types first, then implicit ones as they are met */
  uint32_t ntypes, types_cap;
  uint32_t *type_slots;      /* hash of signatures: first index + 1, or 0 when empty */
  uint32_t ntype_slots;      /* 0 or a power of two, at least twice ntypes */
  uint32_t defined[SPACE_COUNT]; /* pass 2: entities of each space emitted so far */

  wat_section imports, funcs, tables, memories, globals, exports, elems, datas, code;
  int has_start;
  uint32_t start;
  int uses_data_count;       /* memory.init / data.drop need the DataCount section */

  wat_bytes output;          /* the binary module, or the text of a "(module quote ...)" */
  int output_is_quoted_text;

  /* Current function body. */
  wat_functype sig;          /* the signature of the last type use */
  wat_bytes **scratch;       /* temporary buffers, see wat_scratch_take */
  uint32_t scratch_used, scratch_alloc;

  wat_bytes local_types;     /* params then declared locals */
  const wat_token **labels;  /* innermost last; NULL entries are unnamed blocks */
  uint32_t nlabels, labels_cap;
  uint32_t depth;            /* nesting of blocks and folded instructions */
} wat_parser;

/* Cursor. */
__attribute__ ((noreturn, format (printf, 3, 4)))
void wat_fail (wat_parser *p, const wat_token *at, const char *fmt, ...);
const wat_token *wat_peek (wat_parser *p);
const wat_token *wat_peek_at (wat_parser *p, size_t ahead);
const wat_token *wat_next (wat_parser *p);
int wat_is_atom (const wat_token *t, const char *word);
int wat_is_id (const wat_token *t);
int wat_is_number (const wat_token *t); /* starts like a numeric literal */
int wat_peek_form (wat_parser *p, const char *word); /* next is "(" word */
void wat_expect_lparen (wat_parser *p);
void wat_expect_rparen (wat_parser *p);
void wat_expect_atom (wat_parser *p, const char *word);
void wat_skip_form (wat_parser *p);  /* skips one balanced "( ... )" */
const wat_token *wat_opt_id (wat_parser *p);
uint32_t wat_parse_u32 (wat_parser *p);
uint32_t wat_token_u32 (wat_parser *p, const wat_token *t);
void wat_parse_name (wat_parser *p, wat_bytes *out); /* string as a UTF-8 name vec */
void wat_parse_string_bytes (wat_parser *p, wat_bytes *out);
uint8_t wat_parse_valtype (wat_parser *p);
uint8_t wat_parse_reftype (wat_parser *p);
uint8_t wat_parse_heaptype (wat_parser *p);

/* Temporary buffers live on a parser-owned stack, so an error unwinding past them cannot
 * leak; release them in the reverse order of taking. */
wat_bytes *wat_scratch_take (wat_parser *p);
void wat_scratch_release (wat_parser *p, wat_bytes *b);

/* Names and indices (names.c). */
void wat_names_add (wat_parser *p, wat_space space, const wat_token *id);
uint32_t wat_resolve (wat_parser *p, wat_space space, const wat_token *ref);
uint32_t wat_parse_index (wat_parser *p, wat_space space); /* $id or number */
void wat_names_reset (wat_names *names);
void wat_names_free (wat_names *names);

/* Types (types.c). */
uint32_t wat_type_add (wat_parser *p, const wat_functype *ft); /* appends a copy */
uint32_t wat_type_find_or_add (wat_parser *p, const wat_functype *ft);
void wat_functype_free (wat_functype *ft);
/* Parses "(param ...)* (result ...)*"; param ids go to the local space if bind_locals,
 * and are rejected unless allow_ids. */
void wat_parse_signature (wat_parser *p, wat_functype *ft, int allow_ids, int bind_locals);
/* A type use "(type x)? (param ...)* (result ...)*". p->sig receives the signature; the
 * return value is the type index, found or created; *explicit_type (if not NULL) tells
 * whether "(type x)" was given. */
uint32_t wat_parse_typeuse (wat_parser *p, int allow_ids, int bind_locals, int *explicit_type);
void wat_parse_limits (wat_parser *p, wat_bytes *out);

/* Instructions (instr.c). */
void wat_parse_instrs (wat_parser *p, wat_bytes *out);
/* A constant expression in "(offset ...)", "(item ...)" or a single folded instruction. */
void wat_parse_const_form (wat_parser *p, wat_bytes *out, const char *keyword);

/* Module fields: pass 1 (collect.c), pass 2 (module.c). */
int wat_field_kind (const wat_token *t); /* func/table/memory/global: its space, else -1 */
void wat_collect_fields (wat_parser *p, size_t start);
void wat_parse_fields (wat_parser *p, size_t start);

/* Segments (segments.c). mode: 0 active, 1 passive, 3 declarative. */
extern const wat_bytes wat_offset_zero;
void wat_parse_elem (wat_parser *p);
void wat_parse_data (wat_parser *p);
void wat_parse_elem_funcs (wat_parser *p, wat_bytes *items, uint32_t *count);
/* Expression items; *as_exprs tells whether they stayed expressions or became indices. */
void wat_parse_elem_exprs (wat_parser *p, wat_bytes *items, uint32_t *count,
                           uint8_t reftype, int *as_exprs);
void wat_emit_elem (wat_parser *p, int mode, uint32_t table, const wat_bytes *offset,
                    const wat_bytes *items, uint32_t count, uint8_t reftype, int as_exprs);
void wat_emit_data (wat_parser *p, int active, uint32_t memory, const wat_bytes *offset,
                    const wat_bytes *init);

/* Encoding (encode.c). */
void wat_encode_module (wat_parser *p, wat_bytes *out);

#endif
