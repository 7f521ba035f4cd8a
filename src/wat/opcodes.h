/* The instruction table: text name -> opcode (with 0xFC/0xFD prefix) and immediate kind. */
#ifndef RUNWASM_WAT_OPCODES_H
#define RUNWASM_WAT_OPCODES_H

#include <stddef.h>
#include <stdint.h>

typedef enum wat_imm {
  IMM_NONE,
  IMM_BLOCK,          /* block, loop, if: label, block type */
  IMM_ELSE,
  IMM_END,
  IMM_LABEL,          /* br, br_if */
  IMM_BR_TABLE,
  IMM_FUNC,           /* call, ref.func */
  IMM_CALL_INDIRECT,  /* table index?, type use */
  IMM_LOCAL,
  IMM_GLOBAL,
  IMM_TABLE,          /* optional table index */
  IMM_MEMARG,         /* offset=, align= */
  IMM_MEMORY,         /* memory.size, memory.grow, memory.fill: reserved 0x00 */
  IMM_I32,
  IMM_I64,
  IMM_F32,
  IMM_F64,
  IMM_SELECT,         /* optional (result t*) */
  IMM_REF_NULL,       /* heap type */
  IMM_MEMORY_INIT,    /* data index, reserved 0x00 */
  IMM_DATA,           /* data.drop */
  IMM_MEMORY_COPY,    /* two reserved 0x00 */
  IMM_TABLE_INIT,     /* table index?, elem index */
  IMM_ELEM,           /* elem.drop */
  IMM_TABLE_COPY,     /* two optional table indices */
  IMM_V128_CONST,
  IMM_SHUFFLE,
  IMM_LANE,
  IMM_MEMARG_LANE,
} wat_imm;

typedef struct wat_opcode {
  const char *name;
  uint8_t prefix;     /* 0, 0xFC or 0xFD */
  uint8_t imm;        /* wat_imm */
  uint8_t align;      /* memory ops: natural alignment, log2 of bytes */
  uint32_t code;
} wat_opcode;

/* The instruction with this name, or NULL. */
const wat_opcode *wat_opcode_find (const char *name, size_t len);

/* All entries, for tests. */
extern const wat_opcode wat_opcodes[];
extern const size_t wat_opcode_count;

#endif
