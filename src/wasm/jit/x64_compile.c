/* The x86-64 backend: emits machine code per instruction of a function's translated code
 * (the register code of compile.c: every operand is a frame slot, constants and compares
 * already folded into the instructions). A function's hottest slots are pinned to
 * registers for the whole body, chosen by a first counting pass over the same emitters
 * ("Slots" below); the other slots are stored to the frame, with register copies of recent
 * results (ld, st_rax, ldx) sparing the reloads within straight-line code. What the code
 * gains over the interpreter is the dispatch, the decoding of operands, most loads and
 * stores of locals, and branches and calls that are plain x86 jumps and calls.
 *
 * SIMD, the rarer scalar ops and bulk memory have their emitters in x64_simd.c,
 * x64_scalar.c and x64_bulk.c (through x64_emit.h). Instructions without an emitter
 * (memory.grow, table.grow, and what the CPU lacks the features for) are run by the
 * interpreter: the compiled code calls jit_interp_op with a stub holding that one
 * instruction and a `ret`. Control flow (branches, br_table, calls, returns) is always
 * compiled. See docs/ENGINE.md. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wasm/jit/jit.h"
#include "wasm/jit/x64_abi.h"
#include "wasm/jit/x64_emit.h"
#include "wasm/ops.h"

#define NONE UINT32_MAX
#define SLOT(i) x64_at (FP, (int32_t) ((i) * 8))

static void fixup_add (fixups *f, size_t at, uint32_t target)
{
  if (f->n == f->cap)
    {
      size_t cap = f->cap ? f->cap * 2 : 64;
      fixup *v = realloc (f->v, cap * sizeof *v);
      if (!v)
        {
          f->oom = true;
          return;
        }
      f->v = v;
      f->cap = cap;
    }
  f->v[f->n++] = (fixup){ at, target };
}

/* Stubs: instructions the interpreter runs, in blocks that never move (the code holds their
 * addresses). */
typedef struct stub_block { struct stub_block *next; size_t used, cap; uint8_t data[]; } stub_block;

static const code_t *stub_new (jit_module *jm, const uint32_t *words, uint32_t n)
{
  size_t need = sizeof (code_t) + (n + 1) * sizeof (uint32_t);
  need = (need + 15) & ~(size_t) 15;
  stub_block *blk = jm->stubs;
  if (!blk || blk->used + need > blk->cap)
    {
      size_t cap = need > 65536 ? need : 65536;
      blk = malloc (sizeof *blk + cap);
      if (!blk)
        return NULL;
      blk->next = jm->stubs;
      blk->used = 0;
      blk->cap = cap;
      jm->stubs = blk;
    }
  code_t *c = (code_t *) (void *) (blk->data + blk->used);
  uint32_t *w = (uint32_t *) (c + 1);
  blk->used += need;
  memcpy (w, words, n * sizeof *w);
  w[n] = OP_ret;
  *c = (code_t){ .words = w, .nwords = n + 1 };
  return c;
}

/* Pinned slots: a function's hottest slots live in registers for the whole body (see
 * "Slots" below). The GPRs and xmm registers that may hold them; what is not pinned serves as
 * register copies (the caches). */
#define NPIN_GPR 6
#define NPIN_XMM 14
#define NCACHE_XMM 6
static const x64_reg pin_gprs[NPIN_GPR] = { RSI, RDI, R8, R9, R10, R11 };
static const int pin_xmms[NPIN_XMM] = { 8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 4, 3, 2 };
#define XMM_PIN 16 /* pin[] value of xmm register x: XMM_PIN + x */
#define SLOT_IN_MEMORY 1 /* slot_flags[]: some instruction reads or writes the slot as frame memory */
#define SLOT_WRITTEN 2   /* some instruction writes the slot */
#define TARGET 1      /* is_target[]: a forward branch lands here */
#define TARGET_LOOP 2 /* a backward branch does: a loop head, which checks the interruption flag */

typedef struct fn_compiler {
  x64_buf *b;
  const wasm_module *m;
  jit_module *jm;
  uint32_t func_index;
  const code_t *code;
  const uint32_t *w;        /* the current instruction's words */
  uint32_t at;              /* its index */
  uint32_t *native;         /* native offset of every instruction start, NONE elsewhere */
  fixups jumps;             /* rel32 -> instruction index */
  fixups *calls;            /* rel32 -> function index (module-wide) */
  fixups traps[WASM_TRAP_EXIT + 1];
  bool oom;
  /* A one-entry register cache: an instruction that ends by storing rax to a slot leaves
   * (slot, whether rax's upper half is zero) for the next one, which may then take the value
   * from rax instead of reloading it, unless a branch lands between them. */
  uint8_t *is_target;       /* per word: some branch lands here (TARGET, TARGET_LOOP bits) */
  uint32_t rax_slot, left_slot;
  bool rax_upper_zero, left_upper_zero;
  /* Write-through copies of slots in caller-saved registers, valid within a straight run of
   * instructions that report every slot they write (keeps_cache); a branch target, a call,
   * a helper or any other instruction forgets them all. The registers are the pin
   * registers no slot is pinned to. */
  uint32_t cached[NPIN_GPR];
  x64_reg cache_regs[NPIN_GPR];
  unsigned ncache, next_victim;
  uint32_t xcached[NCACHE_XMM]; /* the same for float results, in xmm registers */
  int xcache_regs[NCACHE_XMM];
  unsigned nxcache, next_xvictim;
  /* Slot pinning: pin[slot] is the register holding the slot for the whole body (a GPR,
   * XMM_PIN + an xmm register), or -1: the slot lives in the frame. A first pass runs the
   * emitters with `counting` set and nothing pinned, only to weigh every slot's accesses
   * (by loop depth: `weight`) and find slots accessed as frame memory and slots written
   * (slot_flags). */
  int8_t *pin;
  uint32_t pinned_slots[NPIN_GPR + NPIN_XMM], npinned;
  uint32_t nslots;          /* frame_slots: pin, counts and slot_flags cover these */
  bool counting;
  uint64_t weight, call_weight; /* current instruction's weight; sum over calls and helpers */
  uint64_t *weight_int, *weight_float;
  uint8_t *slot_flags;      /* SLOT_IN_MEMORY, SLOT_WRITTEN */
  uint8_t *loop_depth;      /* per word */
  uint32_t *word_offset;    /* per word: its module offset, for the pc map */
} fn_compiler;

/* ---- Slots ------------------------------------------------------------------------------
 * Every access to a slot's value goes through these functions, so that a pinned slot is
 * read and written in its register and never in the frame:
 *   ld / ldx           get slot X into GPR / xmm register R
 *   st_slot / st_rax   slot X was written by GPR R;  stx: by xmm register R
 *   slot_reg / alu_slot / cmp_zero   the slot as an ALU operand
 *   slot_mem           the slot's frame memory, for other accesses (v128): such a slot is
 *                      never pinned; slot_written: that memory was written
 *   pins_spill / pins_reload   before / after anything that reads or writes the frame
 *                      itself: calls, C helpers, interpreter stubs (and results before ret).
 * An f32 in a register has its upper 32 bits zero, as in a frame slot. */

static void cache_clear (fn_compiler *fc)
{
  for (unsigned i = 0; i < fc->ncache; i++)
    fc->cached[i] = NONE;
  for (unsigned i = 0; i < fc->nxcache; i++)
    fc->xcached[i] = NONE;
}

static int xcache_find (const fn_compiler *fc, uint32_t slot)
{
  for (unsigned i = 0; i < fc->nxcache; i++)
    if (fc->xcached[i] == slot)
      return (int) i;
  return -1;
}

static int cache_find (const fn_compiler *fc, uint32_t slot)
{
  for (unsigned i = 0; i < fc->ncache; i++)
    if (fc->cached[i] == slot)
      return (int) i;
  return -1;
}

static int pinned (const fn_compiler *fc, uint32_t slot)
{
  return slot < fc->nslots ? fc->pin[slot] : -1;
}

/* The counting pass: an access to slot, as an integer or as a float. */
static void count (fn_compiler *fc, uint32_t slot, bool is_float)
{
  if (fc->counting && slot < fc->nslots)
    (is_float ? fc->weight_float : fc->weight_int)[slot] += fc->weight;
}

static x64_mem slot_mem (fn_compiler *fc, uint32_t slot)
{
  if (fc->counting && slot < fc->nslots)
    fc->slot_flags[slot] |= SLOT_IN_MEMORY;
  return SLOT (slot);
}

/* Every write to a slot outside st_rax must say so. */
static void slot_written (fn_compiler *fc, uint32_t slot)
{
  if (fc->counting && slot < fc->nslots)
    fc->slot_flags[slot] |= SLOT_WRITTEN;
  int c = cache_find (fc, slot), x = xcache_find (fc, slot);
  if (c >= 0)
    fc->cached[c] = NONE;
  if (x >= 0)
    fc->xcached[x] = NONE;
}

/* Load slot into r (W_U32 or W_64 from a slot: any other width goes to x64_load). The rax
 * entry serves only the first load of an instruction: everything after it may have changed
 * rax; the register copies serve any load. r is never a pin register. */
static void ld (fn_compiler *fc, x64_width w, x64_reg r, uint32_t slot)
{
  bool hit = fc->rax_slot == slot && (w == W_64 || fc->rax_upper_zero);
  fc->rax_slot = NONE;
  count (fc, slot, false);
  int p = pinned (fc, slot), c = hit || p >= 0 ? -1 : cache_find (fc, slot);
  if (p >= XMM_PIN)
    x64_movq_rx (fc->b, w == W_64, r, p - XMM_PIN);
  else if (p >= 0)
    x64_mov_rr (fc->b, w == W_64, r, (x64_reg) p);
  else if (hit)
    {
      if (r != RAX)
        x64_mov_rr (fc->b, true, r, RAX);
    }
  else if (c >= 0)
    x64_mov_rr (fc->b, w == W_64, r, fc->cache_regs[c]);
  else
    x64_load (fc->b, w, r, SLOT (slot));
}

/* The register holding slot (its pin, or a register copy; an xmm-pinned slot is first moved
 * to `scratch`), or X64_NOREG: use SLOT (slot). */
static x64_reg slot_reg (fn_compiler *fc, uint32_t slot, x64_reg scratch)
{
  fc->rax_slot = NONE;
  count (fc, slot, false);
  int p = pinned (fc, slot), c = cache_find (fc, slot);
  if (p >= XMM_PIN)
    {
      x64_movq_rx (fc->b, true, scratch, p - XMM_PIN);
      return scratch;
    }
  if (p >= 0)
    return (x64_reg) p;
  return c >= 0 ? fc->cache_regs[c] : X64_NOREG;
}

/* The GPR already holding slot (its pin or a register copy; also rax on the instruction's
 * first access), or X64_NOREG. Emits nothing. */
static x64_reg slot_reg_gpr (fn_compiler *fc, uint32_t slot)
{
  int p = pinned (fc, slot), c = cache_find (fc, slot);
  x64_reg r = p >= 0 && p < XMM_PIN ? (x64_reg) p : p < 0 && fc->rax_slot == slot && fc->rax_upper_zero ? RAX
            : p < 0 && c >= 0 ? fc->cache_regs[c] : X64_NOREG;
  if (r != X64_NOREG)
    {
      fc->rax_slot = NONE;
      count (fc, slot, false);
    }
  return r;
}

/* dst = dst OP slot */
static void alu_slot (fn_compiler *fc, x64_alu op, bool w64, x64_reg dst, uint32_t slot)
{
  x64_reg r = slot_reg (fc, slot, RCX);
  if (r != X64_NOREG)
    x64_alu_rr (fc->b, op, w64, dst, r);
  else
    x64_alu_rm (fc->b, op, w64, dst, SLOT (slot));
}

/* Flags of slot compared with zero. */
static void cmp_zero (fn_compiler *fc, bool w64, uint32_t slot, x64_reg scratch)
{
  x64_reg r = slot_reg (fc, slot, scratch);
  if (r != X64_NOREG)
    x64_test_rr (fc->b, w64, r, r);
  else
    x64_alu_mi (fc->b, ALU_CMP, w64, SLOT (slot), 0);
}

/* rax = the low 8, 16 or 32 bits of slot, sign-extended (W_S8/W_S16: to 32 bits, the upper
 * half zero; W_S32: to 64 bits), like x64_load from the slot. */
static void ld_signed (fn_compiler *fc, x64_width w, uint32_t slot)
{
  x64_reg r = slot_reg (fc, slot, RAX);
  if (r == X64_NOREG)
    {
      x64_load (fc->b, w, RAX, SLOT (slot));
      return;
    }
  x64_movsx_rr (fc->b, w, RAX, r);
  if (w != W_S32)
    x64_mov_rr (fc->b, false, RAX, RAX);
}

static void st_as (fn_compiler *fc, uint32_t slot, x64_reg r, bool is_float)
{
  count (fc, slot, is_float);
  int p = pinned (fc, slot);
  if (p >= XMM_PIN)
    x64_movq_xr (fc->b, true, p - XMM_PIN, r);
  else if (p >= 0)
    x64_mov_rr (fc->b, true, (x64_reg) p, r);
  else
    x64_store (fc->b, 8, SLOT (slot), r);
  slot_written (fc, slot);
}

/* The register holding an instruction's first operand: the slot's pinned GPR, else rax,
 * loaded (ld). */
static x64_reg ld_left (fn_compiler *fc, bool w64, uint32_t slot)
{
  int p = pinned (fc, slot);
  if (p >= 0 && p < XMM_PIN)
    {
      fc->rax_slot = NONE;
      return (x64_reg) p;
    }
  ld (fc, w64 ? W_64 : W_U32, RAX, slot);
  return RAX;
}

/* The GPR slot is pinned to, or X64_NOREG. */
static x64_reg pinned_gpr (const fn_compiler *fc, uint32_t slot)
{
  int p = pinned (fc, slot);
  return p >= 0 && p < XMM_PIN ? (x64_reg) p : X64_NOREG;
}

/* Store r (the whole 64-bit value) to slot, and forget any register copy of it. */
static void st_slot (fn_compiler *fc, uint32_t slot, x64_reg r)
{
  st_as (fc, slot, r, false);
}

/* The instruction's last act: store rax to slot, which also stays in a cache register;
 * is_float: the value is a float (for the counting pass). */
static void st_rax_as (fn_compiler *fc, uint32_t slot, bool upper_zero, bool is_float)
{
  st_as (fc, slot, RAX, is_float);
  if (pinned (fc, slot) < 0 && fc->ncache)
    {
      unsigned c = fc->next_victim++ % fc->ncache;
      fc->cached[c] = slot;
      x64_mov_rr (fc->b, true, fc->cache_regs[c], RAX);
    }
  fc->left_slot = slot;
  fc->left_upper_zero = upper_zero;
}

static void st_rax (fn_compiler *fc, uint32_t slot, bool upper_zero)
{
  st_rax_as (fc, slot, upper_zero, false);
}

/* Every pinned slot to the frame / back from the frame. */
static void pins_spill_below (fn_compiler *fc, uint32_t end)
{
  for (uint32_t i = 0; i < fc->npinned; i++)
    {
      uint32_t s = fc->pinned_slots[i];
      if (s >= end || !(fc->slot_flags[s] & SLOT_WRITTEN))
        continue; /* a slot the body never writes still has its value in the frame */
      if (fc->pin[s] >= XMM_PIN)
        x64_sse_rm (fc->b, SSE_MOVSD_STORE, fc->pin[s] - XMM_PIN, SLOT (s));
      else
        x64_store (fc->b, 8, SLOT (s), (x64_reg) fc->pin[s]);
    }
}

static void pins_spill (fn_compiler *fc)
{
  pins_spill_below (fc, fc->nslots);
}

static void pins_reload (fn_compiler *fc)
{
  for (uint32_t i = 0; i < fc->npinned; i++)
    {
      uint32_t s = fc->pinned_slots[i];
      if (fc->pin[s] >= XMM_PIN)
        x64_sse_rm (fc->b, SSE_MOVSD_LOAD, fc->pin[s] - XMM_PIN, SLOT (s));
      else
        x64_load (fc->b, W_64, (x64_reg) fc->pin[s], SLOT (s));
    }
}

/* A call, helper or stub at the current instruction: each costs a spill and a reload of
 * every pinned slot. */
static void count_call (fn_compiler *fc)
{
  if (fc->counting)
    fc->call_weight += fc->weight;
}

static void call_c (fn_compiler *fc, const void *fn)
{
  x64_buf *b = fc->b;
  x64_mov_rr (b, true, RBP, RSP);
  x64_store (b, 8, x64_at (CTX, offsetof (exec_ctx, jit_sp)), RBP); /* for backtraces (x64_frames.c) */
  x64_alu_ri (b, ALU_AND, true, RSP, -16);
  x64_mov_ri (b, RAX, (uint64_t) (uintptr_t) fn);
  x64_call_r (b, RAX);
  x64_mov_rr (b, true, RSP, RBP);
}

static void trap_if (fn_compiler *fc, x64_cc cc, wasm_trap_kind kind)
{
  fixup_add (&fc->traps[kind], x64_jcc (fc->b, cc), fc->at); /* the site's instruction, for backtraces */
}

static void check_interrupt (fn_compiler *fc)
{
  x64_alu_mi (fc->b, ALU_CMP, false, x64_at (STORE, offsetof (wasm_store, interrupt)), 0);
  trap_if (fc, CC_NE, WASM_TRAP_INTERRUPTED);
}

/* Branch to instruction `target` if cc (or always, cc < 0). A backward branch is a loop
 * back-edge: it lands on the interruption check at the head of the loop, so the flag is
 * tested once per iteration (and once on entering the loop). */
static void branch (fn_compiler *fc, int cc, uint32_t target)
{
  x64_buf *b = fc->b;
  if (target > fc->at)
    {
      fixup_add (&fc->jumps, cc < 0 ? x64_jmp (b) : x64_jcc (b, (x64_cc) cc), target);
      return;
    }
  /* a loop head: its code starts with the interruption check */
  x64_patch_rel32 (b, cc < 0 ? x64_jmp (b) : x64_jcc (b, (x64_cc) cc), fc->native[target]);
}

static uint32_t target_of (fn_compiler *fc, uint32_t disp_word)
{
  return fc->at + (uint32_t) (int32_t) fc->w[disp_word];
}

/* Linear-memory operand for address slot `slot` (+ k, wrapping at 2^32) + offset, using `r`
 * (and rcx for an offset beyond 2^31). */
static x64_mem mem_at (fn_compiler *fc, x64_reg r, uint32_t slot, uint32_t k, uint32_t offset)
{
  x64_buf *b = fc->b;
  x64_reg in = k ? slot_reg_gpr (fc, slot) : X64_NOREG;
  if (in != X64_NOREG)
    x64_lea32 (b, r, x64_at (in, (int32_t) k)); /* wraps at 2^32 like i32.add */
  else
    {
      ld (fc, W_U32, r, slot);
      if (k)
        x64_alu_ri (b, ALU_ADD, false, r, (int32_t) k);
    }
  if (offset > INT32_MAX)
    {
      x64_mov_ri (b, RCX, offset);
      x64_alu_rr (b, ALU_ADD, true, r, RCX);
      offset = 0;
    }
  return (x64_mem){ MEMBASE, r, 1, (int32_t) offset };
}

static x64_mem mem_abs (fn_compiler *fc, x64_reg r, uint32_t k, uint32_t offset)
{
  x64_mov_ri (fc->b, r, (uint64_t) k + offset);
  return (x64_mem){ MEMBASE, r, 1, 0 };
}

/* ---- For the emitters in other files (x64_emit.h) --------------------------------------- */

x64_buf *x64_emit_buf (fn_compiler *fc) { return fc->b; }
const uint32_t *x64_emit_words (const fn_compiler *fc) { return fc->w; }
void x64_emit_load (fn_compiler *fc, x64_width w, x64_reg r, uint32_t slot) { ld (fc, w, r, slot); }
void x64_emit_result (fn_compiler *fc, uint32_t slot, bool upper_zero) { st_rax (fc, slot, upper_zero); }
void x64_emit_written (fn_compiler *fc, uint32_t slot) { slot_written (fc, slot); }
void x64_emit_trap_if (fn_compiler *fc, x64_cc cc, wasm_trap_kind kind) { trap_if (fc, cc, kind); }

x64_mem x64_emit_mem (fn_compiler *fc, x64_reg r, uint32_t slot, uint32_t k, uint32_t offset)
{
  return mem_at (fc, r, slot, k, offset);
}

/* ---- Integer arithmetic ---------------------------------------------------------------- */

enum int_op { IADD, ISUB, IMUL, IDIV_S, IDIV_U, IREM_S, IREM_U, IAND, IOR, IXOR, ISHL, ISHR_S, ISHR_U, IROTL, IROTR };

/* The right operand: a slot/memory location, or an immediate (sign-extended). */
/* The right operand: a register, a slot/memory location, or an immediate (sign-extended).
 * A slot operand becomes a register one (slot_operand) if the slot is in a register. */
typedef struct operand { bool is_imm; x64_reg reg; x64_mem mem; int32_t imm; uint32_t slot; /* NONE: not a slot */ } operand;

static operand in_mem (x64_mem m) { return (operand){ .reg = X64_NOREG, .mem = m, .slot = NONE }; }
static operand in_slot (uint32_t slot) { return (operand){ .reg = X64_NOREG, .mem = SLOT (slot), .slot = slot }; }
static operand in_imm (int32_t v) { return (operand){ .is_imm = true, .reg = X64_NOREG, .imm = v, .slot = NONE }; }

/* An integer instruction's slot operand, resolved to its register (rcx as the scratch). */
static operand slot_operand (fn_compiler *fc, operand o)
{
  if (o.slot != NONE)
    o.reg = slot_reg (fc, o.slot, RCX);
  return o;
}

static void load_operand (fn_compiler *fc, bool w64, x64_reg r, operand o)
{
  if (o.is_imm)
    x64_mov_ri (fc->b, r, w64 ? (uint64_t) (int64_t) o.imm : (uint32_t) o.imm);
  else if (o.reg != X64_NOREG)
    x64_mov_rr (fc->b, w64, r, o.reg);
  else
    x64_load (fc->b, w64 ? W_64 : W_U32, r, o.mem);
}

/* rax = rax OP o. rcx, rdx are scratch. */
static void int_op (fn_compiler *fc, enum int_op op, bool w64, operand o)
{
  x64_buf *b = fc->b;
  static const x64_alu alu[] = { [IADD] = ALU_ADD, [ISUB] = ALU_SUB, [IAND] = ALU_AND, [IOR] = ALU_OR, [IXOR] = ALU_XOR };
  static const x64_shift sh[] = { [ISHL] = SH_SHL, [ISHR_S] = SH_SAR, [ISHR_U] = SH_SHR, [IROTL] = SH_ROL, [IROTR] = SH_ROR };
  switch (op)
    {
    case IADD: case ISUB: case IAND: case IOR: case IXOR:
      if (o.is_imm)
        x64_alu_ri (b, alu[op], w64, RAX, o.imm);
      else if (o.reg != X64_NOREG)
        x64_alu_rr (b, alu[op], w64, RAX, o.reg);
      else
        x64_alu_rm (b, alu[op], w64, RAX, o.mem);
      return;
    case IMUL:
      if (o.is_imm)
        {
          load_operand (fc, w64, RCX, o);
          x64_imul_rr (b, w64, RAX, RCX);
        }
      else if (o.reg != X64_NOREG)
        x64_imul_rr (b, w64, RAX, o.reg);
      else
        x64_imul_rm (b, w64, RAX, o.mem);
      return;
    case ISHL: case ISHR_S: case ISHR_U: case IROTL: case IROTR:
      if (o.is_imm)
        x64_shift_ri (b, sh[op], w64, RAX, (uint8_t) (o.imm & (w64 ? 63 : 31)));
      else
        {
          load_operand (fc, false, RCX, o);
          x64_shift_cl (b, sh[op], w64, RAX);
        }
      return;
    case IDIV_S: case IDIV_U: case IREM_S: case IREM_U:
      {
        bool is_signed = op == IDIV_S || op == IREM_S;
        load_operand (fc, w64, RCX, o);
        x64_test_rr (b, w64, RCX, RCX);
        trap_if (fc, CC_E, WASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
        size_t done = 0, regular = 0;
        if (is_signed)
          {
            /* b == -1: div_s overflows on the minimum, rem_s is 0 (idiv would fault). */
            x64_alu_ri (b, ALU_CMP, w64, RCX, -1);
            regular = x64_jcc (b, CC_NE);
            if (op == IDIV_S)
              {
                x64_mov_ri (b, RDX, w64 ? (uint64_t) INT64_MIN : (uint32_t) INT32_MIN);
                x64_alu_rr (b, ALU_CMP, w64, RAX, RDX);
                trap_if (fc, CC_E, WASM_TRAP_INTEGER_OVERFLOW);
                x64_alu_rr (b, ALU_SUB, w64, RDX, RDX);
                x64_alu_rr (b, ALU_SUB, w64, RDX, RAX); /* rax = -rax, which is rax / -1 */
                x64_mov_rr (b, w64, RAX, RDX);
              }
            else
              x64_alu_rr (b, ALU_XOR, false, RAX, RAX);
            done = x64_jmp (b);
            x64_patch_rel32 (b, regular, b->len);
            x64_cdq (b, w64);
          }
        else
          x64_alu_rr (b, ALU_XOR, false, RDX, RDX);
        x64_div (b, is_signed, w64, RCX);
        if (op == IREM_S || op == IREM_U)
          x64_mov_rr (b, w64, RAX, RDX);
        if (done)
          x64_patch_rel32 (b, done, b->len);
        return;
      }
    }
}

static const x64_cc int_cc[] = { CC_E, CC_NE, CC_L, CC_B, CC_G, CC_A, CC_LE, CC_BE, CC_GE, CC_AE };

/* Load a float slot into xmm register xr: from an xmm copy, a general-register copy, or
 * memory. Like ld, it may use rax only as the instruction's first access. */
static void ldx (fn_compiler *fc, bool dbl, int xr, uint32_t slot)
{
  int p = pinned (fc, slot), x = xcache_find (fc, slot), c = cache_find (fc, slot);
  bool in_rax = fc->rax_slot == slot;
  fc->rax_slot = NONE;
  count (fc, slot, true);
  if (p >= XMM_PIN)
    {
      if (p - XMM_PIN != xr)
        x64_sse_rr (fc->b, SSE_MOVAPS, xr, p - XMM_PIN);
    }
  else if (p >= 0)
    x64_movq_xr (fc->b, true, xr, (x64_reg) p);
  else if (x >= 0)
    x64_sse_rr (fc->b, SSE_MOVAPS, xr, fc->xcache_regs[x]);
  else if (in_rax || c >= 0)
    x64_movq_xr (fc->b, true, xr, in_rax ? RAX : fc->cache_regs[c]);
  else
    x64_sse_rm (fc->b, dbl ? SSE_MOVSD_LOAD : SSE_MOVSS_LOAD, xr, SLOT (slot));
}

static void store_bool (fn_compiler *fc, x64_cc cc, uint32_t dst)
{
  x64_setcc (fc->b, cc, RAX);
  x64_movzx8_rr (fc->b, RAX, RAX);
  st_rax (fc, dst, true);
}

/* ---- Floats ---------------------------------------------------------------------------- */

/* Flags for a float compare k (0 eq, 1 ne, 2 lt, 3 gt, 4 le, 5 ge) of slot a with b (a slot
 * or constant bits), then the result as 0/1 in eax. lt/le compare b with a, so that an
 * unordered result (CF=ZF=PF=1) reads as false through `above`/`above or equal`. */
static void float_compare (fn_compiler *fc, bool dbl, int k, uint32_t a, const uint32_t *bits, uint32_t bslot)
{
  x64_buf *b = fc->b;
  x64_sse ucom = dbl ? SSE_UCOMISD : SSE_UCOMISS;
  ldx (fc, dbl, 0, a);
  if (bits)
    {
      uint64_t v = bits[0] | (dbl ? (uint64_t) bits[1] << 32 : 0);
      x64_mov_ri (b, RAX, v);
      x64_movq_xr (b, true, 1, RAX);
    }
  else
    ldx (fc, dbl, 1, bslot);
  bool swap = k == 2 || k == 4;
  x64_sse_rr (b, ucom, swap ? 1 : 0, swap ? 0 : 1);
  switch (k)
    {
    case 0: case 1:
      x64_setcc (b, k == 0 ? CC_E : CC_NE, RAX);
      x64_setcc (b, k == 0 ? CC_NP : CC_P, RCX);
      x64_movzx8_rr (b, RAX, RAX);
      x64_movzx8_rr (b, RCX, RCX);
      x64_alu_rr (b, k == 0 ? ALU_AND : ALU_OR, false, RAX, RCX);
      break;
    default:
      x64_setcc (b, k == 2 || k == 3 ? CC_A : CC_AE, RAX);
      x64_movzx8_rr (b, RAX, RAX);
      break;
    }
}

/* Store xmm0 as an f32 or f64 slot (an f32 slot's upper half is zero: `clean` says xmm0's
 * bits 32-63 already are, as after f32 arithmetic on clean operands, not after a
 * conversion); it also stays in an xmm cache register. */
static void stx (fn_compiler *fc, bool dbl, uint32_t dst, bool clean)
{
  int p = pinned (fc, dst);
  if (p >= XMM_PIN)
    {
      count (fc, dst, true);
      if (dbl || clean)
        x64_sse_rr (fc->b, SSE_MOVAPS, p - XMM_PIN, 0);
      else
        {
          x64_movq_rx (fc->b, false, RAX, 0);
          x64_movq_xr (fc->b, false, p - XMM_PIN, RAX);
        }
      slot_written (fc, dst);
      return;
    }
  x64_movq_rx (fc->b, dbl, RAX, 0);
  st_rax_as (fc, dst, !dbl, true);
  if (!fc->nxcache || !(dbl || clean))
    return;
  unsigned x = fc->next_xvictim++ % fc->nxcache;
  fc->xcached[x] = dst;
  x64_sse_rr (fc->b, SSE_MOVAPS, fc->xcache_regs[x], 0);
}

void x64_emit_load_float (fn_compiler *fc, bool dbl, int xr, uint32_t slot) { ldx (fc, dbl, xr, slot); }
void x64_emit_float_result (fn_compiler *fc, bool dbl, uint32_t slot) { stx (fc, dbl, slot, false); }

/* ---- Numeric instructions -------------------------------------------------------------- */

typedef struct num_info { uint32_t opc; } num_info;
static const num_info num_ops[] = {
#define NUM_INFO(opc, name, shape, tin, tout, fin, fout, expr, fuse) { opc },
  NUMERIC_OPS (NUM_INFO)
#undef NUM_INFO
};

static bool int_binary (uint32_t opc, enum int_op *op, bool *w64)
{
  if (opc >= 0x6a && opc <= 0x78)
    {
      *op = (enum int_op) (opc - 0x6a);
      *w64 = false;
      return true;
    }
  if (opc >= 0x7c && opc <= 0x8a)
    {
      *op = (enum int_op) (opc - 0x7c);
      *w64 = true;
      return true;
    }
  return false;
}

static bool int_compare (uint32_t opc, int *k, bool *w64)
{
  if (opc >= 0x46 && opc <= 0x4f)
    {
      *k = (int) (opc - 0x46);
      *w64 = false;
      return true;
    }
  if (opc >= 0x51 && opc <= 0x5a)
    {
      *k = (int) (opc - 0x51);
      *w64 = true;
      return true;
    }
  return false;
}

/* Float add/sub/mul/div: the SSE op, or SSE_COUNT. */
static x64_sse float_arith (uint32_t opc, bool *dbl)
{
  static const x64_sse ss[] = { SSE_ADDSS, SSE_SUBSS, SSE_MULSS, SSE_DIVSS };
  static const x64_sse sd[] = { SSE_ADDSD, SSE_SUBSD, SSE_MULSD, SSE_DIVSD };
  if (opc >= 0x92 && opc <= 0x95)
    {
      *dbl = false;
      return ss[opc - 0x92];
    }
  if (opc >= 0xa0 && opc <= 0xa3)
    {
      *dbl = true;
      return sd[opc - 0xa0];
    }
  return SSE_COUNT;
}

/* Unary numeric ops compiled inline; false: run by the interpreter. */
static bool emit_unary (fn_compiler *fc, uint32_t opc, uint32_t dst, uint32_t a)
{
  x64_buf *b = fc->b;
  switch (opc)
    {
    case 0x45: /* i32.eqz */
    case 0x50: /* i64.eqz */
      cmp_zero (fc, opc == 0x50, a, RCX);
      store_bool (fc, CC_E, dst);
      return true;
    case 0x8b: case 0x8c: /* f32.abs, f32.neg */
      ld (fc, W_U32, RAX, a);
      x64_alu_ri (b, opc == 0x8b ? ALU_AND : ALU_XOR, false, RAX, opc == 0x8b ? 0x7fffffff : INT32_MIN);
      break;
    case 0x99: case 0x9a: /* f64.abs, f64.neg */
      ld (fc, W_64, RAX, a);
      x64_mov_ri (b, RCX, opc == 0x99 ? 0x7fffffffffffffffull : 0x8000000000000000ull);
      x64_alu_rr (b, opc == 0x99 ? ALU_AND : ALU_XOR, true, RAX, RCX);
      break;
    case 0x91: case 0x9f: /* sqrt */
      ldx (fc, opc == 0x9f, 0, a);
      x64_sse_rr (b, opc == 0x91 ? SSE_SQRTSS : SSE_SQRTSD, 0, 0);
      stx (fc, opc == 0x9f, dst, true);
      return true;
    case 0xa7: case 0xad: case 0xbc: case 0xbe: /* wrap, extend_u, reinterpret (32 bits) */
      ld (fc, W_U32, RAX, a);
      break;
    case 0xbd: case 0xbf: /* reinterpret (64 bits) */
      ld (fc, W_64, RAX, a);
      break;
    case 0xac: case 0xc4: /* i64.extend_i32_s, i64.extend32_s */
      ld_signed (fc, W_S32, a);
      break;
    case 0xc0: case 0xc1: /* i32.extend8_s, i32.extend16_s */
      ld_signed (fc, opc == 0xc0 ? W_S8 : W_S16, a);
      break;
    case 0xc2: case 0xc3: /* i64.extend8_s, i64.extend16_s */
      ld_signed (fc, opc == 0xc2 ? W_S8 : W_S16, a);
      x64_movsx_rr (b, W_S32, RAX, RAX);
      break;
    case 0xb6: case 0xbb: /* f32.demote_f64, f64.promote_f32 */
      ldx (fc, opc == 0xb6, 0, a);
      x64_sse_rr (b, opc == 0xb6 ? SSE_CVTSD2SS : SSE_CVTSS2SD, 0, 0);
      stx (fc, opc == 0xbb, dst, false);
      return true;
    case 0xb2: case 0xb3: case 0xb4: /* f32.convert_i32_s/u, f32.convert_i64_s */
    case 0xb7: case 0xb8: case 0xb9: /* f64.convert_i32_s/u, f64.convert_i64_s */
      {
        bool dbl = opc >= 0xb7, src64 = opc == 0xb4 || opc == 0xb9 || opc == 0xb3 || opc == 0xb8;
        bool is_signed32 = opc == 0xb2 || opc == 0xb7;
        ld (fc, is_signed32 || opc == 0xb3 || opc == 0xb8 ? W_U32 : W_64, RAX, a);
        x64_cvtsi2s (b, dbl, src64, 0, RAX);
        stx (fc, dbl, dst, false);
        return true;
      }
    default:
      return false;
    }
  st_rax (fc, dst, false);
  return true;
}

/* dst = a OP o computed in dst's pinned GPR, for the ops x86 has in two-operand form;
 * false (nothing emitted) if dst is not pinned to a GPR or the op is another one. */
static bool int_op_pinned (fn_compiler *fc, enum int_op op, bool w64, uint32_t dst, uint32_t a, operand o)
{
  x64_buf *b = fc->b;
  static const x64_alu alu[] = { [IADD] = ALU_ADD, [ISUB] = ALU_SUB, [IAND] = ALU_AND, [IOR] = ALU_OR, [IXOR] = ALU_XOR };
  static const x64_shift sh[] = { [ISHL] = SH_SHL, [ISHR_S] = SH_SAR, [ISHR_U] = SH_SHR, [IROTL] = SH_ROL, [IROTR] = SH_ROR };
  x64_reg d = pinned_gpr (fc, dst);
  bool is_alu = op == IADD || op == ISUB || op == IAND || op == IOR || op == IXOR;
  bool is_shift = op == ISHL || op == ISHR_S || op == ISHR_U || op == IROTL || op == IROTR;
  if (d == X64_NOREG || !(is_alu || op == IMUL || (is_shift && o.is_imm)) || (a != dst && o.slot == dst))
    return false;
  x64_reg in = a != dst && op == IADD && o.is_imm ? slot_reg_gpr (fc, a) : X64_NOREG;
  if (in != X64_NOREG)
    {
      (w64 ? x64_lea : x64_lea32) (b, d, x64_at (in, o.imm));
      slot_written (fc, dst);
      return true;
    }
  if (a != dst)
    ld (fc, w64 ? W_64 : W_U32, d, a);
  o = slot_operand (fc, o);
  if (is_shift)
    x64_shift_ri (b, sh[op], w64, d, (uint8_t) (o.imm & (w64 ? 63 : 31)));
  else if (op == IMUL)
    {
      if (o.is_imm || o.reg == X64_NOREG)
        {
          load_operand (fc, w64, RCX, o);
          o.reg = RCX;
        }
      x64_imul_rr (b, w64, d, o.reg);
    }
  else if (o.is_imm)
    x64_alu_ri (b, alu[op], w64, d, o.imm);
  else if (o.reg != X64_NOREG)
    x64_alu_rr (b, alu[op], w64, d, o.reg);
  else
    x64_alu_rm (b, alu[op], w64, d, o.mem);
  slot_written (fc, dst); /* a 32-bit op zero-extended d, as an i32 slot must be */
  return true;
}

/* Binary op: dst = a OP o (o a slot, an immediate, or linear memory addressed through rdx);
 * false if not compiled inline. */
static bool emit_binary (fn_compiler *fc, uint32_t opc, uint32_t dst, uint32_t a, operand o)
{
  x64_buf *b = fc->b;
  enum int_op op;
  bool w64, dbl;
  int k;
  if (int_binary (opc, &op, &w64))
    {
      if (int_op_pinned (fc, op, w64, dst, a, o))
        return true;
      ld (fc, w64 ? W_64 : W_U32, RAX, a);
      int_op (fc, op, w64, slot_operand (fc, o));
      st_rax (fc, dst, !w64);
      return true;
    }
  if (int_compare (opc, &k, &w64))
    {
      x64_reg l = ld_left (fc, w64, a);
      if (o.is_imm)
        x64_alu_ri (b, ALU_CMP, w64, l, o.imm);
      else if (o.slot != NONE)
        alu_slot (fc, ALU_CMP, w64, l, o.slot);
      else
        x64_alu_rm (b, ALU_CMP, w64, l, o.mem);
      store_bool (fc, int_cc[k], dst);
      return true;
    }
  x64_sse sse = float_arith (opc, &dbl);
  int dp = pinned (fc, dst);
  if (sse != SSE_COUNT && !o.is_imm && dp >= XMM_PIN && !(a != dst && o.slot == dst))
    {
      /* in dst's pinned xmm register: its bits 32-63 stay those of a, clean for an f32 */
      int d = dp - XMM_PIN, bp = o.slot != NONE ? pinned (fc, o.slot) : -1;
      if (a != dst)
        ldx (fc, dbl, d, a);
      if (bp >= XMM_PIN)
        x64_sse_rr (b, sse, d, bp - XMM_PIN);
      else if (o.slot != NONE)
        {
          ldx (fc, dbl, 1, o.slot);
          x64_sse_rr (b, sse, d, 1);
        }
      else
        x64_sse_rm (b, sse, d, o.mem);
      slot_written (fc, dst);
      return true;
    }
  if (sse != SSE_COUNT && !o.is_imm)
    {
      ldx (fc, dbl, 0, a);
      if (o.slot != NONE)
        {
          ldx (fc, dbl, 1, o.slot);
          x64_sse_rr (b, sse, 0, 1);
        }
      else
        x64_sse_rm (b, sse, 0, o.mem);
      stx (fc, dbl, dst, true);
      return true;
    }
  if (opc == 0x98 && !o.is_imm) /* f32.copysign */
    {
      ld (fc, W_U32, RAX, a);
      x64_alu_ri (b, ALU_AND, false, RAX, 0x7fffffff);
      if (o.slot != NONE)
        ld (fc, W_U32, RCX, o.slot);
      else
        x64_load (b, W_U32, RCX, o.mem);
      x64_alu_ri (b, ALU_AND, false, RCX, INT32_MIN);
      x64_alu_rr (b, ALU_OR, false, RAX, RCX);
      st_rax (fc, dst, true);
      return true;
    }
  if (opc == 0xa6 && !o.is_imm) /* f64.copysign */
    {
      ld (fc, W_64, RAX, a);
      if (o.slot != NONE)
        ld (fc, W_64, RCX, o.slot);
      else
        x64_load (b, W_64, RCX, o.mem);
      x64_mov_ri (b, RDX, 0x8000000000000000ull);
      x64_alu_rr (b, ALU_AND, true, RCX, RDX);
      x64_mov_ri (b, RDX, 0x7fffffffffffffffull);
      x64_alu_rr (b, ALU_AND, true, RAX, RDX);
      x64_alu_rr (b, ALU_OR, true, RAX, RCX);
      st_rax (fc, dst, false);
      return true;
    }
  return false;
}

static bool emit_numeric (fn_compiler *fc, uint32_t id)
{
  x64_buf *b = fc->b;
  const uint32_t *w = fc->w;
  uint32_t rel = id - OP_i32_eqz, form = rel % NUM_FORMS, opc = num_ops[rel / NUM_FORMS].opc;
  bool unary = opc == 0x45 || opc == 0x50 || (opc >= 0x67 && opc <= 0x69) || (opc >= 0x79 && opc <= 0x7b)
               || (opc >= 0x8b && opc <= 0x91) || (opc >= 0x99 && opc <= 0x9f) || opc >= 0xa7;
  bool fcmp = opc >= 0x5b && opc <= 0x66, dbl = opc >= 0x61 && opc <= 0x66;
  int k;
  bool w64;
  switch (form)
    {
    case FORM_PLAIN:
    case FORM_IMM:
      if (unary)
        return emit_unary (fc, opc, w[1], w[2]);
      if (fcmp)
        {
          float_compare (fc, dbl, (int) (opc - (dbl ? 0x61 : 0x5b)), w[2], form == FORM_IMM ? w + 3 : NULL, w[3]);
          st_rax (fc, w[1], true);
          return true;
        }
      return emit_binary (fc, opc, w[1], w[2], form == FORM_IMM ? in_imm ((int32_t) w[3]) : in_slot (w[3]));
    case FORM_MEM:
      return emit_binary (fc, opc, w[1], w[2], in_mem (mem_at (fc, RDX, w[3], w[5], w[4])));
    case FORM_RMW:
      {
        /* mem[addr + offset] = a OP mem[addr + offset] */
        enum int_op op;
        bool fd, is_int = int_binary (opc, &op, &w64);
        x64_sse sse = float_arith (opc, &fd);
        if (!is_int && sse == SSE_COUNT)
          return false;
        x64_mem m = mem_at (fc, RDX, w[1], 0, w[3]);
        if (is_int)
          {
            ld (fc, w64 ? W_64 : W_U32, RAX, w[2]);
            int_op (fc, op, w64, in_mem (m));
            x64_store (b, w64 ? 8 : 4, m, RAX);
          }
        else
          {
            ldx (fc, fd, 0, w[2]);
            x64_sse_rm (b, sse, 0, m);
            x64_sse_rm (b, fd ? SSE_MOVSD_STORE : SSE_MOVSS_STORE, 0, m);
          }
        return true;
      }
    case FORM_BR:
    case FORM_BR_IMM:
      if (fcmp)
        {
          float_compare (fc, dbl, (int) (opc - (dbl ? 0x61 : 0x5b)), w[1], form == FORM_BR_IMM ? w + 2 : NULL, w[2]);
          x64_test_rr (b, false, RAX, RAX);
          branch (fc, CC_NE, target_of (fc, form == FORM_BR ? 3 : dbl ? 4 : 3));
          return true;
        }
      if (!int_compare (opc, &k, &w64))
        return false;
      {
        x64_reg l = ld_left (fc, w64, w[1]);
        if (form == FORM_BR)
          alu_slot (fc, ALU_CMP, w64, l, w[2]);
        else
          x64_alu_ri (b, ALU_CMP, w64, l, (int32_t) w[2]);
      }
      branch (fc, int_cc[k], target_of (fc, 3));
      return true;
    case FORM_ADD_BR:
    case FORM_ADDIMM_BR_IMM:
      if (!int_compare (opc, &k, &w64))
        return false;
      {
        /* dst = x + y; compare dst with the bound: in dst's pinned register if it has one */
        x64_reg d = pinned_gpr (fc, w[1]);
        if (d == X64_NOREG || (form == FORM_ADD_BR && w[3] == w[1] && w[2] != w[1]))
          d = RAX;
        if (d == RAX || w[2] != w[1])
          ld (fc, w64 ? W_64 : W_U32, d, w[2]);
        if (form == FORM_ADD_BR)
          alu_slot (fc, ALU_ADD, w64, d, w[3]);
        else
          x64_alu_ri (b, ALU_ADD, w64, d, (int32_t) w[3]);
        if (d == RAX)
          st_slot (fc, w[1], RAX);
        else
          slot_written (fc, w[1]);
        if (form == FORM_ADD_BR)
          alu_slot (fc, ALU_CMP, w64, d, w[4]);
        else
          x64_alu_ri (b, ALU_CMP, w64, d, (int32_t) w[4]);
      }
      branch (fc, int_cc[k], target_of (fc, 5));
      return true;
    }
  return false;
}

/* ---- Memory ---------------------------------------------------------------------------- */

static const x64_width load_width[] = { W_U32, W_64, W_U32, W_64, W_S8, W_U8, W_S16, W_U16, W_S8, W_U8, W_S16, W_U16, W_S32, W_U32 };
static const bool load_sext64[14] = { [8] = true, [10] = true };
static const uint8_t store_bytes[] = { 4, 8, 4, 8, 1, 2, 1, 2, 4 };

static void emit_load (fn_compiler *fc, uint32_t id)
{
  const uint32_t *w = fc->w;
  uint32_t rel = id - OP_i32_load, which = rel / LOAD_FORMS, form = rel % LOAD_FORMS;
  x64_mem m = form == ADDR_ABS ? mem_abs (fc, RDX, w[2], w[3])
                               : mem_at (fc, RDX, w[2], form == ADDR_ADDIMM ? w[4] : 0, w[3]);
  x64_reg d = pinned_gpr (fc, w[1]);
  x64_load (fc->b, load_width[which], d != X64_NOREG ? d : RAX, m);
  if (d != X64_NOREG)
    {
      if (load_sext64[which])
        x64_movsx_rr (fc->b, W_S32, d, d);
      slot_written (fc, w[1]);
      return;
    }
  if (load_sext64[which])
    x64_movsx_rr (fc->b, W_S32, RAX, RAX);
  st_rax (fc, w[1], false);
}

static void emit_store (fn_compiler *fc, uint32_t id)
{
  const uint32_t *w = fc->w;
  uint32_t rel = id - OP_i32_store, which = rel / STORE_FORMS, form = rel % STORE_FORMS;
  x64_reg v = RAX;
  if (form == STORE_IMM_VALUE)
    x64_mov_ri (fc->b, RAX, (uint64_t) (int64_t) (int32_t) w[2]);
  else
    v = ld_left (fc, true, w[2]);
  x64_mem m = form == ADDR_ABS ? mem_abs (fc, RDX, w[1], w[3])
                               : mem_at (fc, RDX, w[1], form == ADDR_ADDIMM ? w[4] : 0, w[3]);
  x64_store (fc->b, store_bytes[which], m, v);
}

/* ---- Calls ----------------------------------------------------------------------------- */

static void emit_moves (fn_compiler *fc, uint32_t n, const uint32_t *pairs)
{
  for (uint32_t k = 0; k < n; k++)
    {
      x64_reg d = pinned_gpr (fc, pairs[2 * k]);
      if (d != X64_NOREG)
        {
          ld (fc, W_64, d, pairs[2 * k + 1]);
          slot_written (fc, pairs[2 * k]);
          continue;
        }
      ld (fc, W_64, RAX, pairs[2 * k + 1]);
      st_slot (fc, pairs[2 * k], RAX);
    }
}

/* Depth check and increment before a call to compiled code (the interpreter's frame count). */
static void depth_enter (fn_compiler *fc)
{
  x64_buf *b = fc->b;
  const x64_mem depth = x64_at (STORE, offsetof (wasm_store, depth));
  x64_load (b, W_U32, RCX, depth);
  x64_alu_rm (b, ALU_CMP, false, RCX, x64_at (STORE, offsetof (wasm_store, limits.max_call_depth)));
  trap_if (fc, CC_AE, WASM_TRAP_CALL_STACK_EXHAUSTED);
  x64_alu_ri (b, ALU_ADD, false, RCX, 1);
  x64_store (b, 4, depth, RCX);
}

static void emit_call (fn_compiler *fc, uint32_t func, uint32_t base)
{
  x64_buf *b = fc->b;
  const x64_mem depth = x64_at (STORE, offsetof (wasm_store, depth));
  count_call (fc);
  pins_spill (fc);
  check_interrupt (fc);
  if (func < fc->m->nimported_funcs)
    {
      x64_mov_rr (b, true, RDI, CTX);
      x64_mov_rr (b, true, RSI, INST);
      x64_lea (b, RDX, SLOT (base));
      x64_mov_ri (b, RCX, func);
      call_c (fc, (const void *) jit_call);
    }
  else
    {
      depth_enter (fc);
      if (base)
        x64_lea (b, FP, SLOT (base));
      fixup_add (fc->calls, x64_call (b), func);
      if (base)
        x64_lea (b, FP, SLOT (-(int32_t) base));
      x64_alu_mi (b, ALU_SUB, false, depth, 1);
    }
  pins_reload (fc);
}

/* call_indirect [op, table, type, base, index]. Fast path, all in line: the element is a
 * function of this instance (so compiled) whose type has the canonical signature id of the
 * type the instruction names (one compare, whatever type index either side used); anything
 * else (other instances, host functions, types without an id, and every trap) takes
 * jit_call_indirect, which checks in the interpreter's order. */
static void emit_call_indirect (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = fc->b;
  size_t slow[5];
  int nslow = 0;
  count_call (fc);
  pins_spill (fc);
  x64_load (b, W_64, RAX, x64_at (INST, offsetof (wasm_instance, tables)));
  x64_load (b, W_64, RAX, x64_at (RAX, (int32_t) (w[1] * 8)));
  ld (fc, W_U32, RCX, w[4]);
  x64_alu_rm (b, ALU_CMP, false, RCX, x64_at (RAX, offsetof (wasm_table, size)));
  slow[nslow++] = x64_jcc (b, CC_AE);
  x64_load (b, W_64, RAX, x64_at (RAX, offsetof (wasm_table, elems)));
  x64_load (b, W_64, RAX, (x64_mem){ RAX, RCX, 8, 0 });
  x64_test_rr (b, true, RAX, RAX);
  slow[nslow++] = x64_jcc (b, CC_E);
  x64_alu_rm (b, ALU_CMP, true, INST, x64_at (RAX, offsetof (wasm_func, inst)));
  slow[nslow++] = x64_jcc (b, CC_NE);
  const uint32_t sig = fc->m->types[w[2]].sig_id;
  if (sig)
    {
      x64_load (b, W_64, RDX, x64_at (RAX, offsetof (wasm_func, type)));
      x64_alu_mi (b, ALU_CMP, false, x64_at (RDX, offsetof (functype_t, sig_id)), (int32_t) sig);
      slow[nslow++] = x64_jcc (b, CC_NE);
    }
  else
    slow[nslow++] = x64_jmp (b); /* a type without an id: the helper compares the types */
  check_interrupt (fc);
  depth_enter (fc);
  x64_load (b, W_64, RAX, x64_at (RAX, offsetof (wasm_func, code)));
  x64_load (b, W_64, RAX, x64_at (RAX, offsetof (code_t, jit_entry)));
  if (w[3])
    x64_lea (b, FP, SLOT (w[3]));
  x64_call_r (b, RAX);
  if (w[3])
    x64_lea (b, FP, SLOT (-(int32_t) w[3]));
  x64_alu_mi (b, ALU_SUB, false, x64_at (STORE, offsetof (wasm_store, depth)), 1);
  size_t done = x64_jmp (b);
  for (int i = 0; i < nslow; i++)
    x64_patch_rel32 (b, slow[i], b->len);
  x64_mov_rr (b, true, RDI, CTX);
  x64_mov_rr (b, true, RSI, INST);
  x64_lea (b, RDX, SLOT (w[3]));
  x64_mov_ri (b, RCX, w[1]);
  x64_mov_ri (b, R8, w[2]);
  x64_load (b, W_U32, R9, SLOT (w[4]));
  call_c (fc, (const void *) jit_call_indirect);
  x64_patch_rel32 (b, done, b->len);
  pins_reload (fc);
}

/* br_table [op, index, n, src, nslots, (disp, dst) x (n + 1)]: a jump table of offsets to one
 * landing pad per target, which moves the carried values and jumps. */
static void emit_br_table (fn_compiler *fc, const uint32_t *w)
{
  x64_buf *b = fc->b;
  uint32_t n = w[2], src = w[3], nslots = w[4];
  ld (fc, W_U32, RAX, w[1]);
  x64_mov_ri (b, RCX, n);
  x64_alu_rr (b, ALU_CMP, false, RAX, RCX);
  x64_cmov (b, CC_AE, false, RAX, RCX);
  size_t lea = x64_lea_rip (b, RCX);
  x64_load (b, W_S32, RAX, (x64_mem){ RCX, RAX, 4, 0 });
  x64_alu_rr (b, ALU_ADD, true, RAX, RCX);
  x64_jmp_r (b, RAX);
  size_t table = b->len;
  x64_patch_rel32 (b, lea, table);
  for (uint32_t i = 0; i <= n; i++)
    x64_u32 (b, 0);
  for (uint32_t i = 0; i <= n; i++)
    {
      x64_patch_u32 (b, table + 4 * i, (uint32_t) (b->len - table));
      uint32_t dst = w[6 + 2 * i];
      if (nslots && dst != src)
        for (uint32_t j = 0; j < nslots; j++)
          {
            uint32_t k = dst < src ? j : nslots - 1 - j; /* memmove order */
            ld (fc, W_64, RAX, src + k);
            st_slot (fc, dst + k, RAX);
          }
      branch (fc, -1, target_of (fc, 5 + 2 * i));
    }
}

/* ---- The function ---------------------------------------------------------------------- */

/* Length in words of the instruction at w. */
static uint32_t op_length (const uint32_t *w)
{
  uint32_t id = w[0];
  switch (id)
    {
    case OP_unreachable: case OP_ret: return 1;
    case OP_jump: case OP_memory_size: case OP_data_drop: case OP_elem_drop: return 2;
    case OP_br_if: case OP_br_ifz: case OP_call: case OP_copy128: case OP_const32: case OP_global_get:
    case OP_global_set: case OP_global_get128: case OP_global_set128: case OP_memory_grow:
    case OP_table_size: case OP_ref_func: case OP_ref_is_null: return 3;
    case OP_const64: case OP_memory_fill: case OP_memory_copy: case OP_table_get: case OP_table_set:
    case OP_simd_store: return 4;
    case OP_select64: case OP_select128: case OP_call_indirect: case OP_memory_init: case OP_table_grow:
    case OP_table_fill: case OP_f32_muladd_rmw: case OP_f64_muladd_rmw: return 5;
    case OP_const128: case OP_table_copy: case OP_table_init: case OP_mem_move1: case OP_mem_move2:
    case OP_mem_move4: case OP_mem_move8: case OP_i32_funnel: return 6;
    case OP_simd_load: case OP_f32_muladd_mem_rmw: case OP_f64_muladd_mem_rmw: return 7;
    case OP_simd_load_lane: case OP_simd_store_lane: return 9;
    case OP_simd: return 12;
    case OP_moves: return 2 + 2 * w[1];
    case OP_call_moves: return 4 + 2 * w[3];
    case OP_call_indirect_moves: return 6 + 2 * w[5];
    case OP_br_table: return 5 + 2 * (w[2] + 1);
    }
  if (id >= OP_i32_eqz && id < OP_i32_load)
    {
      uint32_t rel = id - OP_i32_eqz, form = rel % NUM_FORMS, opc = num_ops[rel / NUM_FORMS].opc;
      bool unary = opc == 0x45 || opc == 0x50 || (opc >= 0x67 && opc <= 0x69) || (opc >= 0x79 && opc <= 0x7b)
                   || (opc >= 0x8b && opc <= 0x91) || (opc >= 0x99 && opc <= 0x9f) || opc >= 0xa7;
      bool f64cmp = opc >= 0x61 && opc <= 0x66;
      switch (form)
        {
        case FORM_PLAIN: return unary ? 3 : 4;
        case FORM_IMM: return f64cmp ? 5 : 4;
        case FORM_BR: return 4;
        case FORM_BR_IMM: return f64cmp ? 5 : 4;
        case FORM_MEM: return 6;
        case FORM_RMW: return 4;
        default: return 6;
        }
    }
  if (id >= OP_i32_load && id < OP_i32_store)
    return (id - OP_i32_load) % LOAD_FORMS == ADDR_ADDIMM ? 5 : 4;
  if (id >= OP_i32_store && id < OP_i32_add_shl)
    return (id - OP_i32_store) % STORE_FORMS == ADDR_ADDIMM ? 5 : 4;
  if (id >= OP_i32_add_shl && id < OP_COUNT)
    return 5;
  return 0;
}

static const struct { enum int_op op; x64_shift shift; } shifted_ops[] = {
#define SHIFTED_INFO(op, shift, expr, shift_expr) { I##op, SH_##shift },
#define Iadd IADD
#define Isub ISUB
#define Iand IAND
#define Ior IOR
#define Ixor IXOR
#define SH_shl SH_SHL
#define SH_shr_u SH_SHR
#define SH_shr_s SH_SAR
#define SH_rotl SH_ROL
  SHIFTED_OPS (SHIFTED_INFO)
#undef SHIFTED_INFO
};

static void emit_stub (fn_compiler *fc, uint32_t len)
{
  x64_buf *b = fc->b;
  const code_t *stub = fc->counting ? fc->code : stub_new (fc->jm, fc->w, len);
  if (!stub)
    {
      fc->oom = true;
      return;
    }
  count_call (fc);
  pins_spill (fc);
  x64_mov_rr (b, true, RDI, CTX);
  x64_mov_rr (b, true, RSI, INST);
  x64_mov_rr (b, true, RDX, FP);
  x64_mov_ri (b, RCX, (uint64_t) (uintptr_t) stub);
  x64_mov_ri (b, R8, fc->func_index);
  call_c (fc, (const void *) jit_interp_op);
  pins_reload (fc);
}

/* One instruction; false: no compiled form (the caller emits a stub). */
static bool emit_instr (fn_compiler *fc)
{
  x64_buf *b = fc->b;
  const uint32_t *w = fc->w;
  uint32_t id = w[0];
  if (x64_simd_emit (fc) || x64_scalar_emit (fc) || x64_bulk_emit (fc))
    return true;
  switch (id)
    {
    case OP_unreachable:
      fixup_add (&fc->traps[WASM_TRAP_UNREACHABLE], x64_jmp (b), fc->at);
      return true;
    case OP_jump:
      branch (fc, -1, target_of (fc, 1));
      return true;
    case OP_br_if:
    case OP_br_ifz:
      cmp_zero (fc, false, w[1], RCX);
      branch (fc, id == OP_br_if ? CC_NE : CC_E, target_of (fc, 2));
      return true;
    case OP_br_table:
      emit_br_table (fc, w);
      return true;
    case OP_ret:
      pins_spill_below (fc, fc->m->types[fc->m->func_type[fc->func_index]].result_slots);
      x64_ret (b);
      return true;
    case OP_call:
      emit_call (fc, w[1], w[2]);
      return true;
    case OP_call_moves:
      emit_moves (fc, w[3], w + 4);
      emit_call (fc, w[1], w[2]);
      return true;
    case OP_call_indirect:
      emit_call_indirect (fc, w);
      return true;
    case OP_call_indirect_moves:
      emit_moves (fc, w[5], w + 6);
      emit_call_indirect (fc, w);
      return true;
    case OP_moves:
      emit_moves (fc, w[1], w + 2);
      return true;
    case OP_copy128:
      slot_mem (fc, w[2] + 1);
      slot_mem (fc, w[1] + 1);
      x64_sse_rm (b, SSE_MOVUPS_LOAD, 0, slot_mem (fc, w[2]));
      x64_sse_rm (b, SSE_MOVUPS_STORE, 0, slot_mem (fc, w[1]));
      slot_written (fc, w[1]);
      slot_written (fc, w[1] + 1);
      return true;
    case OP_const32:
    case OP_const64:
      {
        uint64_t v = id == OP_const32 ? w[2] : w[2] | (uint64_t) w[3] << 32;
        x64_reg d = pinned_gpr (fc, w[1]);
        if (d != X64_NOREG)
          {
            x64_mov_ri (b, d, v);
            slot_written (fc, w[1]);
            return true;
          }
        x64_mov_ri (b, RAX, v);
        st_rax (fc, w[1], id == OP_const32);
        return true;
      }
    case OP_select64:
      ld (fc, W_64, RAX, w[2]);
      ld (fc, W_64, RCX, w[3]);
      cmp_zero (fc, false, w[4], RDX);
      x64_cmov (b, CC_E, true, RAX, RCX);
      st_rax (fc, w[1], false);
      return true;
    case OP_global_get:
    case OP_global_set:
      {
        bool get = id == OP_global_get;
        uint32_t g = get ? w[2] : w[1];
        x64_load (b, W_64, RCX, x64_at (INST, offsetof (wasm_instance, globals)));
        x64_load (b, W_64, RCX, x64_at (RCX, (int32_t) (g * 8)));
        x64_mem val = x64_at (RCX, offsetof (wasm_global, val));
        if (get)
          {
            x64_load (b, W_64, RAX, val);
            st_rax (fc, w[1], false);
          }
        else
          {
            ld (fc, W_64, RAX, w[2]);
            x64_store (b, 8, val, RAX);
          }
        return true;
      }
    case OP_i32_funnel:
      ld (fc, W_U32, RAX, w[2]);
      x64_shift_ri (b, SH_SHL, false, RAX, (uint8_t) w[3]);
      ld (fc, W_U32, RCX, w[4]);
      x64_shift_ri (b, SH_SHR, false, RCX, (uint8_t) w[5]);
      x64_alu_rr (b, ALU_OR, false, RAX, RCX);
      st_rax (fc, w[1], true);
      return true;
    case OP_mem_move1: case OP_mem_move2: case OP_mem_move4: case OP_mem_move8:
      {
        static const x64_width wd[] = { W_U8, W_U16, W_U32, W_64 };
        static const uint8_t by[] = { 1, 2, 4, 8 };
        uint32_t k = id - OP_mem_move1;
        x64_load (b, wd[k], RAX, mem_at (fc, RDX, w[3], w[5], w[4]));
        x64_store (b, by[k], mem_at (fc, RDX, w[1], 0, w[2]), RAX);
        return true;
      }
    case OP_f32_muladd_rmw: case OP_f64_muladd_rmw:
    case OP_f32_muladd_mem_rmw: case OP_f64_muladd_mem_rmw:
      {
        bool dbl = id == OP_f64_muladd_rmw || id == OP_f64_muladd_mem_rmw;
        bool loaded = id == OP_f32_muladd_mem_rmw || id == OP_f64_muladd_mem_rmw;
        ldx (fc, dbl, 0, w[2]);
        if (loaded)
          x64_sse_rm (b, dbl ? SSE_MULSD : SSE_MULSS, 0, mem_at (fc, RDX, w[3], w[5], w[4]));
        else
          {
            ldx (fc, dbl, 1, w[3]);
            x64_sse_rr (b, dbl ? SSE_MULSD : SSE_MULSS, 0, 1);
          }
        x64_mem c = mem_at (fc, RDX, w[1], 0, loaded ? w[6] : w[4]);
        x64_sse_rm (b, dbl ? SSE_ADDSD : SSE_ADDSS, 0, c);
        x64_sse_rm (b, dbl ? SSE_MOVSD_STORE : SSE_MOVSS_STORE, 0, c);
        return true;
      }
    }
  if (id >= OP_i32_eqz && id < OP_i32_load)
    return emit_numeric (fc, id);
  if (id >= OP_i32_load && id < OP_i32_store)
    {
      emit_load (fc, id);
      return true;
    }
  if (id >= OP_i32_store && id < OP_i32_add_shl)
    {
      emit_store (fc, id);
      return true;
    }
  if (id >= OP_i32_add_shl && id < OP_COUNT)
    {
      /* dst = a OP (x SHIFT k), in dst's pinned register if it has one */
      uint32_t k = id - OP_i32_add_shl;
      static const x64_alu alu[] = { [IADD] = ALU_ADD, [ISUB] = ALU_SUB, [IAND] = ALU_AND, [IOR] = ALU_OR, [IXOR] = ALU_XOR };
      ld (fc, W_U32, RCX, w[3]);
      x64_shift_ri (b, shifted_ops[k].shift, false, RCX, (uint8_t) w[4]);
      x64_reg d = pinned_gpr (fc, w[1]);
      if (d == X64_NOREG)
        {
          ld (fc, W_U32, RAX, w[2]);
          x64_alu_rr (b, alu[shifted_ops[k].op], false, RAX, RCX);
          st_rax (fc, w[1], true);
          return true;
        }
      if (w[2] != w[1])
        ld (fc, W_U32, d, w[2]);
      x64_alu_rr (b, alu[shifted_ops[k].op], false, d, RCX);
      slot_written (fc, w[1]);
      return true;
    }
  return false;
}

/* Prologue: C stack and value stack limits (the caller checked depth and interruption),
 * then the locals start at zero, and the pinned slots are loaded. */
static void emit_prologue (fn_compiler *fc)
{
  x64_buf *b = fc->b;
  const code_t *code = fc->code;
  x64_alu_rm (b, ALU_CMP, true, RSP, x64_at (CTX, offsetof (exec_ctx, stack_limit)));
  trap_if (fc, CC_B, WASM_TRAP_CALL_STACK_EXHAUSTED);
  x64_lea (b, RAX, SLOT (code->frame_slots));
  x64_alu_rm (b, ALU_CMP, true, RAX, x64_at (STORE, offsetof (wasm_store, stack_end)));
  trap_if (fc, CC_A, WASM_TRAP_CALL_STACK_EXHAUSTED);
  uint32_t first = code->param_slots, n = code->local_slots;
  if (n > 0)
    {
      x64_alu_rr (b, ALU_XOR, false, RAX, RAX);
      if (n <= 8)
        for (uint32_t i = 0; i < n; i++)
          x64_store (b, 8, SLOT (first + i), RAX);
      else
        {
          x64_lea (b, RDI, SLOT (first));
          x64_mov_ri (b, RCX, n);
          x64_rep_stosq (b);
        }
    }
  pins_reload (fc);
}

/* Mark where the branches of the instruction at `at` land (TARGET_LOOP: a backward branch,
 * a loop head); -1 if one lands outside. */
static int mark_targets (fn_compiler *fc, uint32_t at)
{
  const uint32_t *w = fc->code->words + at;
  uint32_t id = w[0], disp[3], n = 0;
  if (id == OP_jump)
    disp[n++] = 1;
  else if (id == OP_br_if || id == OP_br_ifz)
    disp[n++] = 2;
  else if (id == OP_br_table)
    {
      for (uint32_t i = 0; i <= w[2]; i++)
        {
          uint32_t t = at + (uint32_t) (int32_t) w[5 + 2 * i];
          if (t > fc->code->nwords)
            return -1;
          fc->is_target[t] |= t <= at ? TARGET_LOOP : TARGET;
        }
    }
  else if (id >= OP_i32_eqz && id < OP_i32_load)
    {
      uint32_t rel = id - OP_i32_eqz, form = rel % NUM_FORMS, opc = num_ops[rel / NUM_FORMS].opc;
      if (form == FORM_BR)
        disp[n++] = 3;
      else if (form == FORM_BR_IMM)
        disp[n++] = opc >= 0x61 && opc <= 0x66 ? 4 : 3;
      else if (form == FORM_ADD_BR || form == FORM_ADDIMM_BR_IMM)
        disp[n++] = 5;
    }
  for (uint32_t k = 0; k < n; k++)
    {
      uint32_t t = at + (uint32_t) (int32_t) w[disp[k]];
      if (t > fc->code->nwords)
        return -1;
      fc->is_target[t] |= t <= at ? TARGET_LOOP : TARGET;
    }
  return 0;
}

/* Instructions whose emitters load through ld() before anything else touches rax. */
static bool takes_cached_rax (uint32_t id)
{
  if (id >= OP_i32_eqz && id < OP_i32_store)
    return true; /* numeric ops and loads */
  if (id >= OP_i32_store && id < OP_i32_add_shl)
    return (id - OP_i32_store) % STORE_FORMS != STORE_IMM_VALUE;
  if (id >= OP_i32_add_shl && id < OP_COUNT)
    return true;
  return id == OP_moves || id == OP_select64 || id == OP_global_set || id == OP_i32_funnel
         || (id >= OP_mem_move1 && id <= OP_mem_move8);
}

/* Instructions that report every slot they write (st_rax, st_slot) and call no C code: the
 * register copies stay valid across them. */
static bool keeps_cache (uint32_t id)
{
  return takes_cached_rax (id) || id == OP_const32 || id == OP_const64 || id == OP_jump || id == OP_br_if
         || id == OP_br_ifz;
}

/* Loop depth of every word: the number of back-edges (branches to an earlier instruction)
 * whose loop body [target, branch] holds it. False if there is no loop. */
static bool compute_loop_depth (fn_compiler *fc)
{
  const code_t *code = fc->code;
  bool any = false;
  memset (fc->loop_depth, 0, code->nwords + 1);
  for (uint32_t at = 0; at < code->nwords; at += op_length (code->words + at))
    {
      const uint32_t *w = code->words + at;
      uint32_t disp = 0, id = w[0];
      if (id == OP_jump)
        disp = 1;
      else if (id == OP_br_if || id == OP_br_ifz)
        disp = 2;
      else if (id >= OP_i32_eqz && id < OP_i32_load)
        {
          uint32_t rel = id - OP_i32_eqz, form = rel % NUM_FORMS, opc = num_ops[rel / NUM_FORMS].opc;
          if (form == FORM_BR)
            disp = 3;
          else if (form == FORM_BR_IMM)
            disp = opc >= 0x61 && opc <= 0x66 ? 4 : 3;
          else if (form == FORM_ADD_BR || form == FORM_ADDIMM_BR_IMM)
            disp = 5;
        }
      if (!disp)
        continue;
      uint32_t t = at + (uint32_t) (int32_t) w[disp];
      if (t < at)
        for (uint32_t i = t; i <= at; i++)
          if (fc->loop_depth[i] < 255)
            fc->loop_depth[i]++;
      any |= t < at;
    }
  return any;
}

/* Choose the pinned slots from the counting pass: the heaviest slots that no instruction
 * reads as frame memory, if their weight beats the spill and reload they cost at every call;
 * float slots take xmm registers first, integer slots GPRs. The pin registers left over
 * become the register caches. */
static void choose_pins (fn_compiler *fc)
{
  uint32_t n = fc->nslots;
  bool gpr_used[NPIN_GPR] = { 0 }, xmm_used[NPIN_XMM] = { 0 };
  unsigned ngpr = 0, nxmm = 0;
  memset (fc->pin, -1, n);
  for (;;)
    {
      uint32_t best = NONE;
      uint64_t best_w = 0;
      for (uint32_t s = 0; s < n; s++)
        {
          uint64_t wt = fc->weight_int[s] + fc->weight_float[s];
          /* each call costs a reload of the pin, and a spill if the body writes the slot */
          uint64_t cost = (fc->slot_flags[s] & SLOT_WRITTEN ? 2 : 1) * fc->call_weight;
          if (fc->pin[s] < 0 && !(fc->slot_flags[s] & SLOT_IN_MEMORY) && wt > best_w && wt > cost + 1)
            {
              bool is_float = fc->weight_float[s] > fc->weight_int[s];
              if ((is_float && (nxmm < NPIN_XMM || ngpr < NPIN_GPR)) || (!is_float && ngpr < NPIN_GPR))
                {
                  best = s;
                  best_w = wt;
                }
            }
        }
      if (best == NONE)
        break;
      fc->pinned_slots[fc->npinned++] = best;
      bool is_float = fc->weight_float[best] > fc->weight_int[best];
      if (is_float && nxmm < NPIN_XMM)
        {
          xmm_used[nxmm] = true;
          fc->pin[best] = (int8_t) (XMM_PIN + pin_xmms[nxmm++]);
        }
      else
        {
          gpr_used[ngpr] = true;
          fc->pin[best] = (int8_t) pin_gprs[ngpr++];
        }
    }
  fc->ncache = 0;
  for (unsigned i = 0; i < NPIN_GPR; i++)
    if (!gpr_used[i])
      fc->cache_regs[fc->ncache++] = pin_gprs[i];
  fc->nxcache = 0;
  for (unsigned i = 0; i < NPIN_XMM; i++)
    if (!xmm_used[i] && pin_xmms[i] <= 7 && fc->nxcache < NCACHE_XMM)
      fc->xcache_regs[fc->nxcache++] = pin_xmms[i];
}

/* One pass over the body: emits its code (or, counting, only weighs the slots). */
static void emit_body (fn_compiler *fc)
{
  x64_buf *b = fc->b;
  const code_t *code = fc->code;
  fc->at = JIT_PROLOGUE_WORD;
  emit_prologue (fc);
  fc->left_slot = NONE;
  cache_clear (fc);
  for (uint32_t at = 0; at < code->nwords;)
    {
      fc->at = at;
      fc->w = code->words + at;
      fc->weight = (uint64_t) 1 << (3 * (fc->loop_depth[at] < 6 ? fc->loop_depth[at] : 6));
      uint32_t len = op_length (fc->w);
      fc->native[at] = (uint32_t) b->len;
      if (fc->is_target[at])
        cache_clear (fc);
      if (fc->is_target[at] & TARGET_LOOP)
        check_interrupt (fc);
      fc->rax_slot = !fc->is_target[at] && takes_cached_rax (fc->w[0]) ? fc->left_slot : NONE;
      fc->rax_upper_zero = fc->left_upper_zero;
      fc->left_slot = NONE;
      bool compiled = emit_instr (fc);
      if (!compiled)
        {
          emit_stub (fc, len);
          fc->left_slot = NONE;
        }
      if (!compiled || !keeps_cache (fc->w[0]))
        cache_clear (fc);
      at += len;
    }
}

/* Whether the body has an instruction whose emitter (x64_simd.c, x64_bulk.c, float min/max
 * in x64_scalar.c) uses pin registers as scratch. */
static bool uses_scratch_emitters (const code_t *code)
{
  for (uint32_t at = 0; at < code->nwords; at += op_length (code->words + at))
    switch (code->words[at])
      {
      case OP_const128: case OP_select128: case OP_global_get128: case OP_global_set128:
      case OP_simd: case OP_simd_load: case OP_simd_load_lane: case OP_simd_store: case OP_simd_store_lane:
      case OP_memory_size: case OP_memory_fill: case OP_memory_copy: case OP_memory_init:
      case OP_data_drop: case OP_elem_drop: case OP_table_get: case OP_table_set: case OP_table_size:
      case OP_table_fill: case OP_table_copy: case OP_table_init: case OP_ref_func: case OP_ref_is_null:
      case OP_f32_min: case OP_f32_max: case OP_f64_min: case OP_f64_max:
        return true;
      default:
        break;
      }
  return false;
}

static int compile_body (fn_compiler *fc)
{
  x64_buf *b = fc->b;
  const code_t *code = fc->code;
  const uint32_t start = (uint32_t) b->len; /* the pc map's offsets count from here */
  for (uint32_t at = 0; at < code->nwords;)
    {
      uint32_t len = op_length (code->words + at);
      if (len == 0 || at + len > code->nwords || mark_targets (fc, at) < 0)
        return -1;
      at += len;
    }
  memset (fc->pin, -1, fc->nslots);
  fc->npinned = 0;
  fc->ncache = NPIN_GPR;
  memcpy (fc->cache_regs, pin_gprs, sizeof pin_gprs);
  fc->nxcache = NCACHE_XMM;
  for (unsigned i = 0; i < NCACHE_XMM; i++)
    fc->xcache_regs[i] = 2 + (int) i;
  /* The emitters of other files use rsi, rdi, r8-r11 and xmm2-xmm15 as scratch
   * (x64_emit.h): a function with such an instruction keeps every slot in the frame, and
   * r11 is not a cache register there, as those emitters were written against. */
  bool external = uses_scratch_emitters (code);
  if (external)
    fc->ncache = NPIN_GPR - 1;
  /* The counting pass, for functions with a loop (elsewhere a slot is seldom read often
   * enough to pay for its load in the prologue and its spills): nothing pinned, every pin
   * register a cache; its code is dropped. */
  if (!external && compute_loop_depth (fc))
    {
      size_t ncalls = fc->calls->n;
      memset (fc->slot_flags, 0, fc->nslots);
      memset (fc->weight_int, 0, fc->nslots * sizeof *fc->weight_int);
      memset (fc->weight_float, 0, fc->nslots * sizeof *fc->weight_float);
      fc->call_weight = 0;
      fc->counting = true;
      emit_body (fc);
      fc->counting = false;
      b->len = start;
      fc->calls->n = ncalls;
      fc->jumps.n = 0;
      for (uint32_t kind = 0; kind <= WASM_TRAP_EXIT; kind++)
        fc->traps[kind].n = 0;
      memset (fc->native, 0xff, (code->nwords + 1) * sizeof *fc->native);
      choose_pins (fc);
    }
  emit_body (fc);
  fc->native[code->nwords] = (uint32_t) b->len;
  x64_ret (b); /* the register code ends with ret; this only guards the end of the buffer */
  for (size_t i = 0; i < fc->jumps.n; i++)
    {
      uint32_t t = fc->jumps.v[i].target;
      if (t > code->nwords || fc->native[t] == NONE)
        return -1;
      x64_patch_rel32 (b, fc->jumps.v[i].at, fc->native[t]);
    }
  /* The pc map holds module offsets, not words: a lazily compiled function keeps no
   * register code to look them up in later. */
  backtrace_word_offsets (code, fc->word_offset);
  for (uint32_t at = 0; at < code->nwords; at++)
    if (fc->native[at] != NONE)
      jit_pcmap_add (fc->jm, fc->native[at] - start, fc->word_offset[at]);
  /* Per trap kind one stub calling jit_raise; every site reaches it by a call of its own, so
   * the return address names the site and the rsp above it the compiled callers. */
  for (uint32_t kind = 0; kind <= WASM_TRAP_EXIT; kind++)
    {
      fixups *t = &fc->traps[kind];
      if (!t->n)
        continue;
      size_t stub = b->len;
      x64_mov_rr (b, true, RDI, CTX);
      x64_mov_rr (b, true, RSI, INST);
      x64_mov_ri (b, RDX, kind);
      x64_mov_ri (b, RCX, fc->func_index);
      x64_load (b, W_64, R8, x64_at (RSP, 0));
      x64_lea (b, R9, x64_at (RSP, 8));
      x64_alu_ri (b, ALU_AND, true, RSP, -16);
      x64_mov_ri (b, RAX, (uint64_t) (uintptr_t) jit_raise);
      x64_call_r (b, RAX);
      for (size_t i = 0; i < t->n; i++)
        {
          x64_patch_rel32 (b, t->v[i].at, b->len);
          uint32_t w = t->v[i].target;
          jit_pcmap_add (fc->jm, (uint32_t) (b->len - start), w < code->nwords ? fc->word_offset[w] : w);
          x64_patch_rel32 (b, x64_call (b), stub);
        }
    }
  bool oom = fc->oom || fc->jumps.oom;
  for (uint32_t kind = 0; kind <= WASM_TRAP_EXIT; kind++)
    oom |= fc->traps[kind].oom;
  return oom ? -2 : 0;
}

/* ---- The module ------------------------------------------------------------------------ */

/* The per-slot tables of fn_compiler, kept in the scratch buffers from function to function. */
static int slot_tables_reserve (x64_scratch *s, uint32_t n)
{
  if (n <= s->slot_cap && s->pin)
    return 0;
  free (s->pin);
  free (s->slot_flags);
  free (s->weight_int);
  free (s->weight_float);
  uint32_t cap = n < 64 ? 64 : n * 2;
  s->pin = malloc (cap);
  s->slot_flags = malloc (cap);
  s->weight_int = malloc (cap * sizeof *s->weight_int);
  s->weight_float = malloc (cap * sizeof *s->weight_float);
  s->slot_cap = s->pin && s->slot_flags && s->weight_int && s->weight_float ? cap : 0;
  return s->slot_cap ? 0 : -1;
}

static void stubs_free (jit_module *jm)
{
  jit_pcmap_free (&jm->pcmap);
  for (stub_block *s = jm->stubs, *next; s; s = next)
    {
      next = s->next;
      free (s);
    }
}

static void jit_module_destroy (jit_module *jm)
{
  if (jm->lazy)
    jit_lazy_free (jm);
  else if (jm->code)
    munmap (jm->code, jm->map_size);
  free (jm->func_start);
  free (jm->placed_func);
  stubs_free (jm);
  free (jm);
}

void jit_module_free (wasm_module *m)
{
  if (m->jit)
    jit_module_destroy (m->jit);
  m->jit = NULL;
}

int x64_compile_function (const wasm_module *m, jit_module *jm, uint32_t func_index, const code_t *code,
                          x64_buf *b, fixups *calls, x64_scratch *s, size_t *start)
{
  if (code->frame_slots > (INT32_MAX / 8) - 16)
    return -1;
  if (code->nwords + 1 > s->cap)
    {
      s->cap = (code->nwords + 1) * 2;
      free (s->native);
      free (s->is_target);
      free (s->loop_depth);
      free (s->word_offset);
      s->native = malloc (s->cap * sizeof *s->native);
      s->is_target = malloc (s->cap);
      s->loop_depth = malloc (s->cap);
      s->word_offset = malloc (s->cap * sizeof *s->word_offset);
      if (!s->native || !s->is_target || !s->loop_depth || !s->word_offset)
        {
          s->cap = 0;
          return -2;
        }
    }
  if (slot_tables_reserve (s, code->frame_slots) < 0)
    return -2;
  memset (s->native, 0xff, (code->nwords + 1) * sizeof *s->native);
  memset (s->is_target, 0, code->nwords + 1);
  while (b->len % 16)
    x64_byte (b, 0xcc);
  *start = b->len;
  fn_compiler fc = { .b = b, .m = m, .jm = jm, .func_index = func_index, .code = code,
                     .native = s->native, .is_target = s->is_target, .calls = calls, .loop_depth = s->loop_depth, .word_offset = s->word_offset,
                     .nslots = code->frame_slots, .pin = s->pin, .slot_flags = s->slot_flags,
                     .weight_int = s->weight_int, .weight_float = s->weight_float };
  jit_pcmap_begin (jm, func_index - m->nimported_funcs);
  int rc = compile_body (&fc);
  jit_pcmap_end (jm, rc == 0);
  free (fc.jumps.v);
  for (uint32_t k = 0; k <= WASM_TRAP_EXIT; k++)
    free (fc.traps[k].v);
  if (rc == 0 && b->len > INT32_MAX)
    rc = -1;
  return rc;
}

void x64_scratch_free (x64_scratch *s)
{
  free (s->native);
  free (s->is_target);
  free (s->loop_depth);
  free (s->word_offset);
  free (s->pin);
  free (s->slot_flags);
  free (s->weight_int);
  free (s->weight_float);
  *s = (x64_scratch){ 0 };
}

int jit_compile_module (wasm_module *m, wasm_error *err)
{
  if (!jit_supported ())
    return 0;
  /* The entry trampoline too is made now, at load time: a container's seccomp filter may
   * forbid new executable mappings once the workload runs. */
  if (!jit_entry_trampoline ())
    return module_error (err, WASM_ERR_RESOURCE, "cannot map the machine code's entry trampoline");
  if (m->lazy)
    return jit_lazy_prepare (m, err);
  uint32_t ndefined = m->nfuncs - m->nimported_funcs;
  jit_module *jm = calloc (1, sizeof *jm);
  x64_buf b = { 0 };
  fixups calls = { 0 };
  x64_scratch scratch = { 0 };
  int rc = -2;
  if (!jm || !(jm->func_start = calloc (ndefined + 1, sizeof *jm->func_start))
      || !(jm->placed_func = calloc (ndefined + 1, sizeof *jm->placed_func)) || jit_pcmap_init (jm, ndefined) < 0)
    goto out;
  size_t words = 0;
  for (uint32_t i = 0; i < ndefined; i++)
    words += m->codes[i].nwords;
  x64_reserve (&b, words * 5 + 4096); /* machine code is about the register code's size */
  for (uint32_t i = 0; i < ndefined; i++)
    {
      size_t start;
      rc = x64_compile_function (m, jm, m->nimported_funcs + i, &m->codes[i], &b, &calls, &scratch, &start);
      if (rc < 0)
        goto out;
      jm->func_start[i] = (uint32_t) start;
      jm->placed_func[i] = i;
    }
  rc = -2;
  if (b.oom || calls.oom || jm->pcmap.oom)
    goto out;
  for (size_t i = 0; i < calls.n; i++)
    x64_patch_rel32 (&b, calls.v[i].at, jm->func_start[calls.v[i].target - m->nimported_funcs]);
  /* W^X: written while writable, then read+execute only. */
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  jm->code_size = b.len;
  jm->map_size = (b.len + page - 1) / page * page;
  if (jm->map_size == 0)
    jm->map_size = page;
  void *p = mmap (NULL, jm->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    goto out;
  memcpy (p, b.p, b.len);
  jm->code = p;
  if (mprotect (p, jm->map_size, PROT_READ | PROT_EXEC) < 0)
    goto out;
  for (uint32_t i = 0; i < ndefined; i++)
    m->codes[i].jit_entry = jm->code + jm->func_start[i];
  jm->nplaced = ndefined;
  jit_perf_map_write (m, jm);
  m->jit = jm;
  jm = NULL;
  rc = 0;
out:
  if (jm)
    jit_module_destroy (jm);
  x64_buf_free (&b);
  free (calls.v);
  x64_scratch_free (&scratch);
  if (rc == -1)
    return 0; /* something this backend cannot compile: the module stays interpreted */
  if (rc < 0)
    return module_error (err, WASM_ERR_RESOURCE, "out of memory compiling to machine code");
  return 0;
}
