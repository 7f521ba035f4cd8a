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
  CASE ("lea edx,[rsi+0x18]", x64_lea32 (b, RDX, x64_at (RSI, 24)));
  CASE ("lea r9d,[r11-0x1]", x64_lea32 (b, R9, x64_at (R11, -1)));
  CASE ("lea edx,[r12+0x7fffffff]", x64_lea32 (b, RDX, x64_at (R12, 0x7fffffff)));
  CASE ("lea esi,[r13+0x0]", x64_lea32 (b, RSI, x64_at (R13, 0)));
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
  CASE ("push 0xfffffffffffffffe", x64_push_imm32 (b, -2));
  CASE ("push 0x12345", x64_push_imm32 (b, 0x12345));
  CASE ("pop r12", x64_pop (b, R12));
  CASE ("ret", x64_ret (b));
  CASE ("ud2", x64_ud2 (b));
  CASE ("rep stos QWORD PTR es:[rdi],rax", x64_rep_stosq (b));
  CASE ("call rax", x64_call_r (b, RAX));
  CASE ("call r11", x64_call_r (b, R11));
  CASE ("jmp rcx", x64_jmp_r (b, RCX));
  CASE ("jl 0x100", size_t at = x64_jcc (b, CC_L); x64_patch_rel32 (b, at, 0x100));
  CASE ("jmp 0x0", size_t at = x64_jmp (b); x64_patch_rel32 (b, at, 0));
  CASE ("jmp QWORD PTR [rip+0x3a] # 0x40", size_t at = x64_jmp_rip_mem (b); x64_patch_rel32 (b, at, 0x40));
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
  /* Packed SSE: every x64_vec op once, register and memory forms, xmm8-xmm15, immediates. */
  CASE ("movdqu xmm0,XMMWORD PTR [rbx+0x10]", x64_vec_rm (b, V_MOVDQU_LOAD, 0, x64_at (RBX, 16)));
  CASE ("movdqu XMMWORD PTR [r12+rdx*1+0x8],xmm9", x64_vec_rm (b, V_MOVDQU_STORE, 9, x64_at_index (R12, RDX, 8)));
  CASE ("movdqa xmm1,xmm14", x64_vec_rr (b, V_MOVDQA, 1, 14));
  CASE ("movd xmm2,DWORD PTR [r12+rdx*1]", x64_vec_rm (b, V_MOVD_LOAD, 2, x64_at_index (R12, RDX, 0)));
  CASE ("movq xmm3,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_MOVQ_LOAD, 3, x64_at (RBX, 8)));
  CASE ("movq xmm8,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_MOVQ_XR, 8, x64_at (RBX, 8)));
  CASE ("movq QWORD PTR [rbx+0x8],xmm1", x64_vec_rm (b, V_MOVQ_RX, 1, x64_at (RBX, 8)));
  CASE ("paddb xmm0,xmm1", x64_vec_rr (b, V_PADDB, 0, 1));
  CASE ("paddw xmm8,xmm1", x64_vec_rr (b, V_PADDW, 8, 1));
  CASE ("paddd xmm0,xmm9", x64_vec_rr (b, V_PADDD, 0, 9));
  CASE ("paddq xmm0,xmm1", x64_vec_rr (b, V_PADDQ, 0, 1));
  CASE ("psubb xmm0,xmm1", x64_vec_rr (b, V_PSUBB, 0, 1));
  CASE ("psubw xmm0,xmm1", x64_vec_rr (b, V_PSUBW, 0, 1));
  CASE ("psubd xmm0,xmm1", x64_vec_rr (b, V_PSUBD, 0, 1));
  CASE ("psubq xmm0,xmm1", x64_vec_rr (b, V_PSUBQ, 0, 1));
  CASE ("paddsb xmm0,xmm1", x64_vec_rr (b, V_PADDSB, 0, 1));
  CASE ("paddsw xmm0,xmm1", x64_vec_rr (b, V_PADDSW, 0, 1));
  CASE ("paddusb xmm0,xmm1", x64_vec_rr (b, V_PADDUSB, 0, 1));
  CASE ("paddusw xmm0,xmm1", x64_vec_rr (b, V_PADDUSW, 0, 1));
  CASE ("psubsb xmm0,xmm1", x64_vec_rr (b, V_PSUBSB, 0, 1));
  CASE ("psubsw xmm0,xmm1", x64_vec_rr (b, V_PSUBSW, 0, 1));
  CASE ("psubusb xmm0,xmm1", x64_vec_rr (b, V_PSUBUSB, 0, 1));
  CASE ("psubusw xmm0,xmm1", x64_vec_rr (b, V_PSUBUSW, 0, 1));
  CASE ("pmullw xmm0,xmm1", x64_vec_rr (b, V_PMULLW, 0, 1));
  CASE ("pmulhw xmm0,xmm1", x64_vec_rr (b, V_PMULHW, 0, 1));
  CASE ("pmulhuw xmm0,xmm1", x64_vec_rr (b, V_PMULHUW, 0, 1));
  CASE ("pmuludq xmm0,xmm1", x64_vec_rr (b, V_PMULUDQ, 0, 1));
  CASE ("pmaddwd xmm0,xmm1", x64_vec_rr (b, V_PMADDWD, 0, 1));
  CASE ("pavgb xmm0,xmm1", x64_vec_rr (b, V_PAVGB, 0, 1));
  CASE ("pavgw xmm0,xmm1", x64_vec_rr (b, V_PAVGW, 0, 1));
  CASE ("pminub xmm0,xmm1", x64_vec_rr (b, V_PMINUB, 0, 1));
  CASE ("pmaxub xmm0,xmm1", x64_vec_rr (b, V_PMAXUB, 0, 1));
  CASE ("pminsw xmm0,xmm1", x64_vec_rr (b, V_PMINSW, 0, 1));
  CASE ("pmaxsw xmm0,xmm1", x64_vec_rr (b, V_PMAXSW, 0, 1));
  CASE ("pcmpeqb xmm0,xmm1", x64_vec_rr (b, V_PCMPEQB, 0, 1));
  CASE ("pcmpeqw xmm0,xmm1", x64_vec_rr (b, V_PCMPEQW, 0, 1));
  CASE ("pcmpeqd xmm15,xmm15", x64_vec_rr (b, V_PCMPEQD, 15, 15));
  CASE ("pcmpgtb xmm0,xmm1", x64_vec_rr (b, V_PCMPGTB, 0, 1));
  CASE ("pcmpgtw xmm0,xmm1", x64_vec_rr (b, V_PCMPGTW, 0, 1));
  CASE ("pcmpgtd xmm0,xmm1", x64_vec_rr (b, V_PCMPGTD, 0, 1));
  CASE ("pand xmm0,xmm1", x64_vec_rr (b, V_PAND, 0, 1));
  CASE ("pandn xmm0,xmm1", x64_vec_rr (b, V_PANDN, 0, 1));
  CASE ("por xmm0,xmm1", x64_vec_rr (b, V_POR, 0, 1));
  CASE ("pxor xmm0,xmm1", x64_vec_rr (b, V_PXOR, 0, 1));
  CASE ("packsswb xmm0,xmm1", x64_vec_rr (b, V_PACKSSWB, 0, 1));
  CASE ("packssdw xmm0,xmm1", x64_vec_rr (b, V_PACKSSDW, 0, 1));
  CASE ("packuswb xmm0,xmm1", x64_vec_rr (b, V_PACKUSWB, 0, 1));
  CASE ("punpcklbw xmm0,xmm1", x64_vec_rr (b, V_PUNPCKLBW, 0, 1));
  CASE ("punpckhbw xmm0,xmm1", x64_vec_rr (b, V_PUNPCKHBW, 0, 1));
  CASE ("punpcklwd xmm0,xmm1", x64_vec_rr (b, V_PUNPCKLWD, 0, 1));
  CASE ("punpckhwd xmm0,xmm1", x64_vec_rr (b, V_PUNPCKHWD, 0, 1));
  CASE ("punpckldq xmm0,xmm1", x64_vec_rr (b, V_PUNPCKLDQ, 0, 1));
  CASE ("punpcklqdq xmm0,xmm1", x64_vec_rr (b, V_PUNPCKLQDQ, 0, 1));
  CASE ("punpckhqdq xmm0,xmm1", x64_vec_rr (b, V_PUNPCKHQDQ, 0, 1));
  CASE ("pshufd xmm0,xmm1,0x1b", x64_vec_rri (b, V_PSHUFD, 0, 1, 0x1b));
  CASE ("pshuflw xmm0,xmm1,0x0", x64_vec_rri (b, V_PSHUFLW, 0, 1, 0));
  CASE ("pshufhw xmm0,xmm1,0x0", x64_vec_rri (b, V_PSHUFHW, 0, 1, 0));
  CASE ("pmovmskb eax,xmm1", x64_vec_rr (b, V_PMOVMSKB, RAX, 1));
  CASE ("pextrw r11d,xmm9,0x7", x64_vec_rri (b, V_PEXTRW, R11, 9, 7));
  CASE ("pinsrw xmm0,eax,0x3", x64_vec_rri (b, V_PINSRW, 0, RAX, 3));
  CASE ("pinsrw xmm0,WORD PTR [r12+rdx*1],0x3", x64_vec_rmi (b, V_PINSRW, 0, x64_at_index (R12, RDX, 0), 3));
  CASE ("psllw xmm0,xmm1", x64_vec_rr (b, V_PSLLW, 0, 1));
  CASE ("pslld xmm0,xmm1", x64_vec_rr (b, V_PSLLD, 0, 1));
  CASE ("psllq xmm0,xmm1", x64_vec_rr (b, V_PSLLQ, 0, 1));
  CASE ("psrlw xmm0,xmm1", x64_vec_rr (b, V_PSRLW, 0, 1));
  CASE ("psrld xmm0,xmm1", x64_vec_rr (b, V_PSRLD, 0, 1));
  CASE ("psrlq xmm0,xmm1", x64_vec_rr (b, V_PSRLQ, 0, 1));
  CASE ("psraw xmm0,xmm1", x64_vec_rr (b, V_PSRAW, 0, 1));
  CASE ("psrad xmm0,xmm1", x64_vec_rr (b, V_PSRAD, 0, 1));
  CASE ("psrlw xmm0,0x4", x64_vec_shift (b, V_PSRLW_I, 0, 4));
  CASE ("psraw xmm1,0x8", x64_vec_shift (b, V_PSRAW_I, 1, 8));
  CASE ("psllw xmm0,0x1", x64_vec_shift (b, V_PSLLW_I, 0, 1));
  CASE ("psrld xmm10,0x1", x64_vec_shift (b, V_PSRLD_I, 10, 1));
  CASE ("psrad xmm0,0x1f", x64_vec_shift (b, V_PSRAD_I, 0, 31));
  CASE ("pslld xmm0,0x1f", x64_vec_shift (b, V_PSLLD_I, 0, 31));
  CASE ("psrlq xmm0,0x20", x64_vec_shift (b, V_PSRLQ_I, 0, 32));
  CASE ("psrldq xmm0,0x8", x64_vec_shift (b, V_PSRLDQ_I, 0, 8));
  CASE ("psllq xmm0,0x3f", x64_vec_shift (b, V_PSLLQ_I, 0, 63));
  CASE ("pslldq xmm0,0x8", x64_vec_shift (b, V_PSLLDQ_I, 0, 8));
  CASE ("pshufb xmm0,xmm1", x64_vec_rr (b, V_PSHUFB, 0, 1));
  CASE ("pmaddubsw xmm0,xmm1", x64_vec_rr (b, V_PMADDUBSW, 0, 1));
  CASE ("pmulhrsw xmm0,xmm1", x64_vec_rr (b, V_PMULHRSW, 0, 1));
  CASE ("pabsb xmm0,xmm1", x64_vec_rr (b, V_PABSB, 0, 1));
  CASE ("pabsw xmm0,xmm1", x64_vec_rr (b, V_PABSW, 0, 1));
  CASE ("pabsd xmm0,xmm1", x64_vec_rr (b, V_PABSD, 0, 1));
  CASE ("pmovsxbw xmm0,QWORD PTR [r12+rdx*1+0x10]", x64_vec_rm (b, V_PMOVSXBW, 0, x64_at_index (R12, RDX, 16)));
  CASE ("pmovsxwd xmm0,xmm1", x64_vec_rr (b, V_PMOVSXWD, 0, 1));
  CASE ("pmovsxdq xmm0,xmm1", x64_vec_rr (b, V_PMOVSXDQ, 0, 1));
  CASE ("pmovzxbw xmm0,xmm1", x64_vec_rr (b, V_PMOVZXBW, 0, 1));
  CASE ("pmovzxwd xmm0,xmm1", x64_vec_rr (b, V_PMOVZXWD, 0, 1));
  CASE ("pmovzxdq xmm11,xmm1", x64_vec_rr (b, V_PMOVZXDQ, 11, 1));
  CASE ("ptest xmm0,xmm0", x64_vec_rr (b, V_PTEST, 0, 0));
  CASE ("pcmpeqq xmm0,xmm1", x64_vec_rr (b, V_PCMPEQQ, 0, 1));
  CASE ("packusdw xmm0,xmm1", x64_vec_rr (b, V_PACKUSDW, 0, 1));
  CASE ("pminsb xmm0,xmm1", x64_vec_rr (b, V_PMINSB, 0, 1));
  CASE ("pminsd xmm0,xmm1", x64_vec_rr (b, V_PMINSD, 0, 1));
  CASE ("pminuw xmm0,xmm1", x64_vec_rr (b, V_PMINUW, 0, 1));
  CASE ("pminud xmm0,xmm1", x64_vec_rr (b, V_PMINUD, 0, 1));
  CASE ("pmaxsb xmm0,xmm1", x64_vec_rr (b, V_PMAXSB, 0, 1));
  CASE ("pmaxsd xmm0,xmm1", x64_vec_rr (b, V_PMAXSD, 0, 1));
  CASE ("pmaxuw xmm0,xmm1", x64_vec_rr (b, V_PMAXUW, 0, 1));
  CASE ("pmaxud xmm0,xmm1", x64_vec_rr (b, V_PMAXUD, 0, 1));
  CASE ("pmulld xmm0,xmm1", x64_vec_rr (b, V_PMULLD, 0, 1));
  CASE ("pmuldq xmm0,xmm1", x64_vec_rr (b, V_PMULDQ, 0, 1));
  CASE ("roundps xmm0,xmm1,0x2", x64_vec_rri (b, V_ROUNDPS, 0, 1, 2));
  CASE ("roundpd xmm0,xmm1,0x1", x64_vec_rri (b, V_ROUNDPD, 0, 1, 1));
  CASE ("roundss xmm0,xmm0,0x3", x64_vec_rri (b, V_ROUNDSS, 0, 0, 3));
  CASE ("roundsd xmm0,xmm0,0x0", x64_vec_rri (b, V_ROUNDSD, 0, 0, 0));
  CASE ("pblendw xmm0,xmm1,0x55", x64_vec_rri (b, V_PBLENDW, 0, 1, 0x55));
  CASE ("pextrb eax,xmm1,0xf", x64_vec_rri (b, V_PEXTRB, 1, RAX, 15));
  CASE ("pextrb BYTE PTR [r12+rdx*1],xmm1,0x3", x64_vec_rmi (b, V_PEXTRB, 1, x64_at_index (R12, RDX, 0), 3));
  CASE ("pextrw WORD PTR [r12+rdx*1],xmm1,0x3", x64_vec_rmi (b, V_PEXTRW_M, 1, x64_at_index (R12, RDX, 0), 3));
  CASE ("pextrd eax,xmm1,0x3", x64_vec_rri (b, V_PEXTRD, 1, RAX, 3));
  CASE ("pextrq rax,xmm12,0x1", x64_vec_rri (b, V_PEXTRQ, 12, RAX, 1));
  CASE ("pinsrb xmm0,eax,0x5", x64_vec_rri (b, V_PINSRB, 0, RAX, 5));
  CASE ("pinsrb xmm0,BYTE PTR [r12+rdx*1+0x1],0x5", x64_vec_rmi (b, V_PINSRB, 0, x64_at_index (R12, RDX, 1), 5));
  CASE ("pinsrd xmm0,ecx,0x2", x64_vec_rri (b, V_PINSRD, 0, RCX, 2));
  CASE ("pinsrq xmm9,rax,0x1", x64_vec_rri (b, V_PINSRQ, 9, RAX, 1));
  CASE ("pcmpgtq xmm0,xmm1", x64_vec_rr (b, V_PCMPGTQ, 0, 1));
  CASE ("addps xmm0,xmm1", x64_vec_rr (b, V_ADDPS, 0, 1));
  CASE ("addpd xmm0,xmm1", x64_vec_rr (b, V_ADDPD, 0, 1));
  CASE ("subps xmm0,xmm1", x64_vec_rr (b, V_SUBPS, 0, 1));
  CASE ("subpd xmm0,xmm1", x64_vec_rr (b, V_SUBPD, 0, 1));
  CASE ("mulps xmm0,xmm1", x64_vec_rr (b, V_MULPS, 0, 1));
  CASE ("mulpd xmm0,xmm1", x64_vec_rr (b, V_MULPD, 0, 1));
  CASE ("divps xmm0,xmm1", x64_vec_rr (b, V_DIVPS, 0, 1));
  CASE ("divpd xmm0,xmm1", x64_vec_rr (b, V_DIVPD, 0, 1));
  CASE ("sqrtps xmm0,xmm1", x64_vec_rr (b, V_SQRTPS, 0, 1));
  CASE ("sqrtpd xmm0,xmm1", x64_vec_rr (b, V_SQRTPD, 0, 1));
  CASE ("minps xmm0,xmm1", x64_vec_rr (b, V_MINPS, 0, 1));
  CASE ("minpd xmm0,xmm1", x64_vec_rr (b, V_MINPD, 0, 1));
  CASE ("maxps xmm0,xmm1", x64_vec_rr (b, V_MAXPS, 0, 1));
  CASE ("maxpd xmm0,xmm1", x64_vec_rr (b, V_MAXPD, 0, 1));
  CASE ("minss xmm0,xmm1", x64_vec_rr (b, V_MINSS, 0, 1));
  CASE ("minsd xmm0,xmm1", x64_vec_rr (b, V_MINSD, 0, 1));
  CASE ("maxss xmm0,xmm1", x64_vec_rr (b, V_MAXSS, 0, 1));
  CASE ("maxsd xmm0,xmm1", x64_vec_rr (b, V_MAXSD, 0, 1));
  CASE ("andps xmm0,xmm1", x64_vec_rr (b, V_ANDPS, 0, 1));
  CASE ("andnps xmm0,xmm1", x64_vec_rr (b, V_ANDNPS, 0, 1));
  CASE ("orps xmm0,xmm1", x64_vec_rr (b, V_ORPS, 0, 1));
  CASE ("xorps xmm0,xmm1", x64_vec_rr (b, V_XORPS, 0, 1));
  CASE ("cmpltps xmm0,xmm1", x64_vec_rri (b, V_CMPPS, 0, 1, 1));
  CASE ("cmpunordpd xmm0,xmm1", x64_vec_rri (b, V_CMPPD, 0, 1, 3));
  CASE ("cmpeqss xmm0,xmm1", x64_vec_rri (b, V_CMPSS, 0, 1, 0));
  CASE ("cmpunordsd xmm0,xmm1", x64_vec_rri (b, V_CMPSD, 0, 1, 3));
  CASE ("shufps xmm0,xmm1,0x88", x64_vec_rri (b, V_SHUFPS, 0, 1, 0x88));
  CASE ("unpcklps xmm0,xmm1", x64_vec_rr (b, V_UNPCKLPS, 0, 1));
  CASE ("movmskps eax,xmm1", x64_vec_rr (b, V_MOVMSKPS, RAX, 1));
  CASE ("movmskpd eax,xmm1", x64_vec_rr (b, V_MOVMSKPD, RAX, 1));
  CASE ("cvtdq2ps xmm0,xmm1", x64_vec_rr (b, V_CVTDQ2PS, 0, 1));
  CASE ("cvttps2dq xmm0,xmm1", x64_vec_rr (b, V_CVTTPS2DQ, 0, 1));
  CASE ("cvtdq2pd xmm0,xmm1", x64_vec_rr (b, V_CVTDQ2PD, 0, 1));
  CASE ("cvttpd2dq xmm0,xmm1", x64_vec_rr (b, V_CVTTPD2DQ, 0, 1));
  CASE ("cvtps2pd xmm0,xmm1", x64_vec_rr (b, V_CVTPS2PD, 0, 1));
  CASE ("cvtpd2ps xmm0,xmm1", x64_vec_rr (b, V_CVTPD2PS, 0, 1));
  CASE ("cvttss2si eax,xmm0", x64_vec_rr (b, V_CVTTSS2SI, RAX, 0));
  CASE ("cvttss2si rax,xmm0", x64_vec_rr (b, V_CVTTSS2SI64, RAX, 0));
  CASE ("cvttsd2si eax,xmm0", x64_vec_rr (b, V_CVTTSD2SI, RAX, 0));
  CASE ("cvttsd2si r11,xmm8", x64_vec_rr (b, V_CVTTSD2SI64, R11, 8));
  /* Bit counts (general registers), memory operands from frame slots. */
  CASE ("popcnt eax,DWORD PTR [rbx+0x8]", x64_vec_rm (b, V_POPCNT, RAX, x64_at (RBX, 8)));
  CASE ("popcnt rax,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_POPCNT64, RAX, x64_at (RBX, 8)));
  CASE ("lzcnt eax,DWORD PTR [rbx+0x8]", x64_vec_rm (b, V_LZCNT, RAX, x64_at (RBX, 8)));
  CASE ("lzcnt rax,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_LZCNT64, RAX, x64_at (RBX, 8)));
  CASE ("tzcnt eax,DWORD PTR [rbx+0x8]", x64_vec_rm (b, V_TZCNT, RAX, x64_at (RBX, 8)));
  CASE ("tzcnt rax,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_TZCNT64, RAX, x64_at (RBX, 8)));
  CASE ("bsr eax,DWORD PTR [rbx+0x8]", x64_vec_rm (b, V_BSR, RAX, x64_at (RBX, 8)));
  CASE ("bsr rax,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_BSR64, RAX, x64_at (RBX, 8)));
  CASE ("bsf eax,DWORD PTR [rbx+0x8]", x64_vec_rm (b, V_BSF, RAX, x64_at (RBX, 8)));
  CASE ("bsf rax,QWORD PTR [rbx+0x8]", x64_vec_rm (b, V_BSF64, RAX, x64_at (RBX, 8)));
  CASE ("rep movs BYTE PTR es:[rdi],BYTE PTR ds:[rsi]", x64_rep_movsb (b));
  CASE ("rep stos BYTE PTR es:[rdi],al", x64_rep_stosb (b));
  /* Pinned slots (rsi, rdi, r8-r11; xmm2-xmm15): register operands, moves between the
   * register files, spills and reloads. */
  CASE ("add rax,r11", x64_alu_rr (b, ALU_ADD, true, RAX, R11));
  CASE ("cmp eax,esi", x64_alu_rr (b, ALU_CMP, false, RAX, RSI));
  CASE ("imul eax,r10d", x64_imul_rr (b, false, RAX, R10));
  CASE ("test r11d,r11d", x64_test_rr (b, false, R11, R11));
  CASE ("mov r11,rax", x64_mov_rr (b, true, R11, RAX));
  CASE ("mov ecx,edi", x64_mov_rr (b, false, RCX, RDI));
  CASE ("movsx rax,sil", x64_movsx_rr (b, W_S8, RAX, RSI));
  CASE ("movsx rax,r9w", x64_movsx_rr (b, W_S16, RAX, R9));
  CASE ("movsxd rax,r11d", x64_movsx_rr (b, W_S32, RAX, R11));
  CASE ("movq xmm14,rax", x64_movq_xr (b, true, 14, RAX));
  CASE ("movd xmm9,eax", x64_movq_xr (b, false, 9, RAX));
  CASE ("movq xmm0,r11", x64_movq_xr (b, true, 0, R11));
  CASE ("movq rcx,xmm15", x64_movq_rx (b, true, RCX, 15));
  CASE ("movd eax,xmm10", x64_movq_rx (b, false, RAX, 10));
  CASE ("movq r10,xmm0", x64_movq_rx (b, true, R10, 0));
  CASE ("movaps xmm13,xmm0", x64_sse_rr (b, SSE_MOVAPS, 13, 0));
  CASE ("addsd xmm0,xmm11", x64_sse_rr (b, SSE_ADDSD, 0, 11));
  CASE ("movsd xmm14,QWORD PTR [rbx+0x28]", x64_sse_rm (b, SSE_MOVSD_LOAD, 14, x64_at (RBX, 40)));
  CASE ("mov r11,QWORD PTR [rbx+0x30]", x64_load (b, W_64, R11, x64_at (RBX, 48)));
  CASE ("mov QWORD PTR [rbx+0x30],r11", x64_store (b, 8, x64_at (RBX, 48), R11));
  /* Results computed in a pinned register. */
  CASE ("add r9d,0xffffffff", x64_alu_ri (b, ALU_ADD, false, R9, -1));
  CASE ("xor esi,DWORD PTR [rbx+0x28]", x64_alu_rm (b, ALU_XOR, false, RSI, x64_at (RBX, 40)));
  CASE ("imul r11d,ecx", x64_imul_rr (b, false, R11, RCX));
  CASE ("rol ecx,0x7", x64_shift_ri (b, SH_ROL, false, RCX, 7));
  CASE ("shl rdi,0x3", x64_shift_ri (b, SH_SHL, true, RDI, 3));
  CASE ("xor r11d,r11d", x64_mov_ri (b, R11, 0));
  CASE ("mov esi,0x2a", x64_mov_ri (b, RSI, 42));
  CASE ("movzx r11d,BYTE PTR [r12+rdx*1+0x1]", x64_load (b, W_U8, R11, x64_at_index (R12, RDX, 1)));
  CASE ("mov edi,DWORD PTR [r12+rdx*1]", x64_load (b, W_U32, RDI, x64_at_index (R12, RDX, 0)));
  CASE ("movsxd r10,r10d", x64_movsx_rr (b, W_S32, R10, R10));
  CASE ("mov BYTE PTR [r12+rdx*1],dil", x64_store (b, 1, x64_at_index (R12, RDX, 0), RDI));
  CASE ("cmp r8d,0x1f", x64_alu_ri (b, ALU_CMP, false, R8, 31));
  CASE ("addsd xmm13,xmm9", x64_sse_rr (b, SSE_ADDSD, 13, 9));
  CASE ("mulss xmm8,xmm1", x64_sse_rr (b, SSE_MULSS, 8, 1));
  CASE ("subsd xmm12,QWORD PTR [r12+rdx*1+0x8]", x64_sse_rm (b, SSE_SUBSD, 12, x64_at_index (R12, RDX, 8)));
  return tap_done ();
}
