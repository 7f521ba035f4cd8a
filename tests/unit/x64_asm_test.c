/* The x86-64 assembler: every instruction form the compiler uses is encoded once and
 * disassembled with objdump; the text must match (operands, widths, registers r8-r15,
 * rsp/rbp/r12/r13 bases that need a SIB byte or a displacement, 8-bit registers needing
 * REX). Each case must also decode as exactly one instruction covering all its bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "wasm/jit/x64_asm.h"

/* Disassemble b; return the single instruction's text with runs of spaces collapsed, or a
 * description of what went wrong. */
static const char *disassemble (const x64_buf *b, char *out, size_t cap)
{
  char path[] = "/tmp/x64_asm_test.XXXXXX";
  int fd = mkstemp (path);
  if (fd < 0 || write (fd, b->p, b->len) != (ssize_t) b->len)
    return "cannot write temporary file";
  close (fd);
  char cmd[256];
  snprintf (cmd, sizeof cmd, "objdump -D -b binary -m i386:x86-64 -M intel %s 2>&1", path);
  FILE *p = popen (cmd, "r");
  char line[512];
  int instructions = 0;
  snprintf (out, cap, "no instruction");
  while (p && fgets (line, sizeof line, p))
    {
      unsigned long off;
      char *t1 = strchr (line, '\t'), *t2 = t1 ? strchr (t1 + 1, '\t') : NULL;
      if (!t1 || sscanf (line, " %lx:", &off) != 1)
        continue;
      if (!t2)
        continue; /* continuation of a long encoding */
      instructions++;
      size_t n = 0;
      for (char *c = t2 + 1; *c && *c != '\n' && n + 1 < cap; c++)
        if (*c != ' ' || (n && out[n - 1] != ' '))
          out[n++] = *c == '\t' ? ' ' : *c;
      while (n && out[n - 1] == ' ')
        n--;
      out[n] = 0;
    }
  if (p)
    pclose (p);
  unlink (path);
  if (instructions != 1)
    snprintf (out, cap, "%d instructions", instructions);
  return out;
}

#define CASE(want, ...)                                                        \
  do {                                                                         \
    x64_buf b_ = { 0 };                                                        \
    x64_buf *b = &b_;                                                          \
    __VA_ARGS__;                                                               \
    char text_[256];                                                           \
    tap_eq_str (disassemble (b, text_, sizeof text_), want, "%s", want);       \
    x64_buf_free (b);                                                          \
  } while (0)

int main (void)
{
  /* ALU, register and memory forms; 32-bit ops and 64-bit ops. */
  CASE ("add eax,ecx", x64_alu_rr (b, ALU_ADD, false, RAX, RCX));
  CASE ("sub r9,r10", x64_alu_rr (b, ALU_SUB, true, R9, R10));
  CASE ("xor r15d,r15d", x64_alu_rr (b, ALU_XOR, false, R15, R15));
  CASE ("cmp rax,QWORD PTR [rbx+0x10]", x64_alu_rm (b, ALU_CMP, true, RAX, x64_at (RBX, 16)));
  CASE ("and ecx,DWORD PTR [rbx+0x400]", x64_alu_rm (b, ALU_AND, false, RCX, x64_at (RBX, 0x400)));
  CASE ("or QWORD PTR [r12+rax*1+0x8],rdx", x64_alu_mr (b, ALU_OR, true, x64_at_index (R12, RAX, 8), RDX));
  CASE ("add DWORD PTR [r13+0x0],r8d", x64_alu_mr (b, ALU_ADD, false, x64_at (R13, 0), R8));
  CASE ("add eax,0xffffffff", x64_alu_ri (b, ALU_ADD, false, RAX, -1));
  CASE ("cmp r11,0x12345678", x64_alu_ri (b, ALU_CMP, true, R11, 0x12345678));
  CASE ("sub rsp,0x8", x64_alu_ri (b, ALU_SUB, true, RSP, 8));
  CASE ("cmp DWORD PTR [r14+0x20],0x0", x64_alu_mi (b, ALU_CMP, false, x64_at (R14, 0x20), 0));
  CASE ("add QWORD PTR [rsp],0xfffffffffffff000", x64_alu_mi (b, ALU_ADD, true, x64_at (RSP, 0), -4096));
  CASE ("test edx,edx", x64_test_rr (b, false, RDX, RDX));
  CASE ("test r10,rax", x64_test_rr (b, true, R10, RAX));
  /* Moves and immediates: the shortest encoding of each constant. */
  CASE ("mov rdi,r15", x64_mov_rr (b, true, RDI, R15));
  CASE ("mov r8d,eax", x64_mov_rr (b, false, R8, RAX));
  CASE ("xor eax,eax", x64_mov_ri (b, RAX, 0));
  CASE ("mov r9d,0x80000000", x64_mov_ri (b, R9, 0x80000000u));
  CASE ("mov rcx,0xfffffffffffffffe", x64_mov_ri (b, RCX, (uint64_t) -2));
  CASE ("movabs r10,0x123456789abcdef0", x64_mov_ri (b, R10, 0x123456789abcdef0ull));
  CASE ("mov DWORD PTR [rbx+0x8],0x7", x64_mov_mi (b, false, x64_at (RBX, 8), 7));
  CASE ("mov QWORD PTR [rbx+0x80],0xffffffffffffffff", x64_mov_mi (b, true, x64_at (RBX, 128), -1));
  /* Loads with every extension, stores of every width (8-bit registers needing REX). */
  CASE ("movzx eax,BYTE PTR [r12+rcx*1]", x64_load (b, W_U8, RAX, x64_at_index (R12, RCX, 0)));
  CASE ("movsx r8d,BYTE PTR [r12+r9*1+0x1]", x64_load (b, W_S8, R8, x64_at_index (R12, R9, 1)));
  CASE ("movzx edx,WORD PTR [rbp+0x0]", x64_load (b, W_U16, RDX, x64_at (RBP, 0)));
  CASE ("movsx eax,WORD PTR [rax+rax*1]", x64_load (b, W_S16, RAX, x64_at_index (RAX, RAX, 0)));
  CASE ("mov eax,DWORD PTR [r12+rax*1+0x7fffffff]", x64_load (b, W_U32, RAX, x64_at_index (R12, RAX, 0x7fffffff)));
  CASE ("movsxd rax,DWORD PTR [rbx+0x18]", x64_load (b, W_S32, RAX, x64_at (RBX, 24)));
  CASE ("mov r11,QWORD PTR [rsp+0x10]", x64_load (b, W_64, R11, x64_at (RSP, 16)));
  /* the trap stub and helper calls, for backtraces (x64_frames.c), and call_indirect's id compare */
  CASE ("mov r8,QWORD PTR [rsp]", x64_load (b, W_64, R8, x64_at (RSP, 0)));
  CASE ("lea r9,[rsp+0x8]", x64_lea (b, R9, x64_at (RSP, 8)));
  CASE ("mov QWORD PTR [r15+0x1f0],rbp", x64_store (b, 8, x64_at (R15, 0x1f0), RBP));
  CASE ("cmp DWORD PTR [rdx+0x40],0x1234", x64_alu_mi (b, ALU_CMP, false, x64_at (RDX, 0x40), 0x1234));
  CASE ("mov BYTE PTR [r12+rax*1],sil", x64_store (b, 1, x64_at_index (R12, RAX, 0), RSI));
  CASE ("mov BYTE PTR [r12+rax*1],cl", x64_store (b, 1, x64_at_index (R12, RAX, 0), RCX));
  CASE ("mov WORD PTR [r12+rax*1+0x2],cx", x64_store (b, 2, x64_at_index (R12, RAX, 2), RCX));
  CASE ("mov DWORD PTR [rbx+0x8],r10d", x64_store (b, 4, x64_at (RBX, 8), R10));
  CASE ("mov QWORD PTR [rbx+0x8],rax", x64_store (b, 8, x64_at (RBX, 8), RAX));
  CASE ("lea rbx,[rbx+0x100]", x64_lea (b, RBX, x64_at (RBX, 256)));
  CASE ("lea rax,[rbx-0x8]", x64_lea (b, RAX, x64_at (RBX, -8)));
  /* Shifts, multiply, flags to values, extensions, conditional moves. */
  CASE ("shl eax,cl", x64_shift_cl (b, SH_SHL, false, RAX));
  CASE ("sar r9,cl", x64_shift_cl (b, SH_SAR, true, R9));
  CASE ("ror edx,0x7", x64_shift_ri (b, SH_ROR, false, RDX, 7));
  CASE ("shr rax,0x3f", x64_shift_ri (b, SH_SHR, true, RAX, 63));
  CASE ("rol r10d,0x1", x64_shift_ri (b, SH_ROL, false, R10, 1));
  CASE ("imul eax,ecx", x64_imul_rr (b, false, RAX, RCX));
  CASE ("imul r8,QWORD PTR [r12+rax*1]", x64_imul_rm (b, true, R8, x64_at_index (R12, RAX, 0)));
  CASE ("setl al", x64_setcc (b, CC_L, RAX));
  CASE ("setne sil", x64_setcc (b, CC_NE, RSI));
  CASE ("setnp r9b", x64_setcc (b, CC_NP, R9));
  CASE ("movzx eax,dil", x64_movzx8_rr (b, RAX, RDI));
  CASE ("movsx rax,cl", x64_movsx_rr (b, W_S8, RAX, RCX));
  CASE ("movsx rdx,ax", x64_movsx_rr (b, W_S16, RDX, RAX));
  CASE ("movsxd rax,eax", x64_movsx_rr (b, W_S32, RAX, RAX));
  CASE ("cmove rax,rcx", x64_cmov (b, CC_E, true, RAX, RCX));
  CASE ("cmovb r8d,r9d", x64_cmov (b, CC_B, false, R8, R9));
  CASE ("cdq", x64_cdq (b, false));
  CASE ("cqo", x64_cdq (b, true));
  CASE ("idiv ecx", x64_div (b, true, false, RCX));
  CASE ("div r11", x64_div (b, false, true, R11));
  CASE ("lea rcx,[rip+0x10] # 0x17", size_t at = x64_lea_rip (b, RCX); x64_patch_rel32 (b, at, 0x17));
  CASE ("movsxd rax,DWORD PTR [rcx+rax*4]", x64_load (b, W_S32, RAX, (x64_mem){ RCX, RAX, 4, 0 }));
  /* Stack, control, calls. */
  CASE ("push rbx", x64_push (b, RBX));
  CASE ("push r15", x64_push (b, R15));
  CASE ("pop r12", x64_pop (b, R12));
  CASE ("ret", x64_ret (b));
  CASE ("ud2", x64_ud2 (b));
  CASE ("rep stos QWORD PTR es:[rdi],rax", x64_rep_stosq (b));
  CASE ("call rax", x64_call_r (b, RAX));
  CASE ("call r11", x64_call_r (b, R11));
  CASE ("jmp rcx", x64_jmp_r (b, RCX));
  CASE ("jl 0x100", size_t at = x64_jcc (b, CC_L); x64_patch_rel32 (b, at, 0x100));
  CASE ("jmp 0x0", size_t at = x64_jmp (b); x64_patch_rel32 (b, at, 0));
  CASE ("call 0x40", size_t at = x64_call (b); x64_patch_rel32 (b, at, 0x40));
  /* SSE scalar forms. */
  CASE ("movss xmm0,DWORD PTR [rbx+0x10]", x64_sse_rm (b, SSE_MOVSS_LOAD, 0, x64_at (RBX, 16)));
  CASE ("movsd QWORD PTR [rbx+0x8],xmm9", x64_sse_rm (b, SSE_MOVSD_STORE, 9, x64_at (RBX, 8)));
  CASE ("movss DWORD PTR [r12+rax*1],xmm1", x64_sse_rm (b, SSE_MOVSS_STORE, 1, x64_at_index (R12, RAX, 0)));
  CASE ("movsd xmm15,QWORD PTR [r12+rcx*1+0x4]", x64_sse_rm (b, SSE_MOVSD_LOAD, 15, x64_at_index (R12, RCX, 4)));
  CASE ("movups xmm0,XMMWORD PTR [rbx+0x20]", x64_sse_rm (b, SSE_MOVUPS_LOAD, 0, x64_at (RBX, 32)));
  CASE ("movups XMMWORD PTR [rbx+0x30],xmm0", x64_sse_rm (b, SSE_MOVUPS_STORE, 0, x64_at (RBX, 48)));
  CASE ("movaps xmm0,xmm9", x64_sse_rr (b, SSE_MOVAPS, 0, 9));
  CASE ("movaps xmm12,xmm2", x64_sse_rr (b, SSE_MOVAPS, 12, 2));
  CASE ("addss xmm0,DWORD PTR [rbx+0x8]", x64_sse_rm (b, SSE_ADDSS, 0, x64_at (RBX, 8)));
  CASE ("subsd xmm0,xmm1", x64_sse_rr (b, SSE_SUBSD, 0, 1));
  CASE ("mulsd xmm8,xmm0", x64_sse_rr (b, SSE_MULSD, 8, 0));
  CASE ("divss xmm1,xmm10", x64_sse_rr (b, SSE_DIVSS, 1, 10));
  CASE ("sqrtsd xmm0,QWORD PTR [rbx+0x8]", x64_sse_rm (b, SSE_SQRTSD, 0, x64_at (RBX, 8)));
  CASE ("sqrtss xmm0,xmm0", x64_sse_rr (b, SSE_SQRTSS, 0, 0));
  CASE ("ucomiss xmm0,DWORD PTR [rbx+0x8]", x64_sse_rm (b, SSE_UCOMISS, 0, x64_at (RBX, 8)));
  CASE ("ucomisd xmm1,xmm0", x64_sse_rr (b, SSE_UCOMISD, 1, 0));
  CASE ("cvtss2sd xmm0,xmm0", x64_sse_rr (b, SSE_CVTSS2SD, 0, 0));
  CASE ("cvtsd2ss xmm0,QWORD PTR [rbx+0x8]", x64_sse_rm (b, SSE_CVTSD2SS, 0, x64_at (RBX, 8)));
  CASE ("addsd xmm0,QWORD PTR [r12+rax*1+0x10]", x64_sse_rm (b, SSE_ADDSD, 0, x64_at_index (R12, RAX, 16)));
  CASE ("cvtsi2ss xmm0,eax", x64_cvtsi2s (b, false, false, 0, RAX));
  CASE ("cvtsi2sd xmm0,rax", x64_cvtsi2s (b, true, true, 0, RAX));
  CASE ("movd xmm0,eax", x64_movq_xr (b, false, 0, RAX));
  CASE ("movq xmm1,r9", x64_movq_xr (b, true, 1, R9));
  CASE ("movd eax,xmm0", x64_movq_rx (b, false, RAX, 0));
  CASE ("movq rdx,xmm12", x64_movq_rx (b, true, RDX, 12));
  return tap_done ();
}
