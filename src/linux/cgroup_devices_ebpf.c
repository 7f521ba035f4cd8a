#include "linux/cgroup_devices_ebpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

/* Registers: r1 = ctx on entry; after the prologue r2 = device type, r3 = requested access,
 * r4 = major, r5 = minor; r6 is scratch. */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_IMM(op, dst, imm) INSN (BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_REG(dst, src) INSN (BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) INSN (BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN (BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT_INSN() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_mask (const char *access)
{
  int mask = 0;
  for (const char *c = access; *c; c++)
    mask |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return mask;
}

int cgroup_devices_ebpf_generate (const struct cgroup_device_rule *rules, size_t n, struct bpf_insn **insns,
                                  size_t *n_insns, struct rw_error **err)
{
  /* Prologue 6 + at most 7 per rule + epilogue 2. */
  struct bpf_insn *p = calloc (8 + 7 * n, sizeof *p);
  if (p == NULL)
    return rw_error_set (err, ENOMEM, "device filter");
  size_t k = 0;
  /* ctx->access_type holds the type in the low 16 bits and the access in the high 16. */
  p[k++] = LDX_W (BPF_REG_2, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[k++] = ALU32_IMM (BPF_AND, BPF_REG_2, 0xffff);
  p[k++] = LDX_W (BPF_REG_3, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[k++] = ALU32_IMM (BPF_RSH, BPF_REG_3, 16);
  p[k++] = LDX_W (BPF_REG_4, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, major));
  p[k++] = LDX_W (BPF_REG_5, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, minor));
  bool decided = false; /* an unconditional rule ends the program: the verifier rejects dead code */
  for (size_t i = n; i-- > 0 && !decided;)
    {
      const struct cgroup_device_rule *r = &rules[i];
      int mask = access_mask (r->access);
      bool any_type = r->type == 'a';
      bool check_access = mask != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD);
      bool check_major = !any_type && r->major >= 0, check_minor = !any_type && r->minor >= 0;
      /* The block: its tests jump past its end ("next rule") when they fail. */
      size_t len = !any_type + 3 * check_access + check_major + check_minor + 2, start = k;
      decided = len == 2;
#define SKIP ((int16_t) (len - (k - start) - 1))
      if (!any_type)
        p[k] = JNE_IMM (BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0), p[k].off = SKIP, k++;
      if (check_access)
        {
          /* Every requested bit must be in the rule: (access & ~mask) == 0. */
          p[k++] = MOV64_REG (BPF_REG_6, BPF_REG_3);
          p[k++] = ALU32_IMM (BPF_AND, BPF_REG_6, ~mask & 7);
          p[k] = JNE_IMM (BPF_REG_6, 0, 0), p[k].off = SKIP, k++;
        }
      if (check_major)
        p[k] = JNE_IMM (BPF_REG_4, (int32_t) r->major, 0), p[k].off = SKIP, k++;
      if (check_minor)
        p[k] = JNE_IMM (BPF_REG_5, (int32_t) r->minor, 0), p[k].off = SKIP, k++;
#undef SKIP
      p[k++] = MOV64_IMM (BPF_REG_0, r->allow ? 1 : 0);
      p[k++] = EXIT_INSN ();
    }
  if (!decided)
    {
      p[k++] = MOV64_IMM (BPF_REG_0, 0);
      p[k++] = EXIT_INSN ();
    }
  *insns = p;
  *n_insns = k;
  return 0;
}

static int sys_bpf (int cmd, union bpf_attr *attr)
{
  return syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

/* Without a verifier log first: a log that does not fit its buffer fails the load with
 * ENOSPC, and the default rules alone log more than 4 KiB. The log is asked for only to
 * explain a refusal. */
static int load_program (const struct bpf_insn *insns, size_t n, struct rw_error **err)
{
  char log[4096];
  union bpf_attr attr = { 0 };
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uintptr_t) insns;
  attr.insn_cnt = n;
  attr.license = (uintptr_t) "GPL";
  int fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  int saved = errno;
  attr.log_buf = (uintptr_t) log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  log[0] = '\0';
  if (sys_bpf (BPF_PROG_LOAD, &attr) < 0 && errno != ENOSPC)
    saved = errno;
  return rw_error_set (err, saved, "load the device filter (BPF_PROG_TYPE_CGROUP_DEVICE)%s%.200s",
                       log[0] ? ": verifier says: " : "", log);
}

int cgroup_devices_ebpf_attach (const char *dir, const struct cgroup_device_rule *rules, size_t n, struct rw_error **err)
{
  cleanup_free struct bpf_insn *insns = NULL;
  size_t n_insns;
  if (cgroup_devices_ebpf_generate (rules, n, &insns, &n_insns, err) < 0)
    return -1;
  cleanup_close int prog = load_program (insns, n_insns, err);
  if (prog < 0)
    return -1;
  cleanup_close int cg = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0)
    return rw_error_set (err, errno, "device filter: open `%s`", dir);

  uint32_t old_ids[64], n_old = 64;
  union bpf_attr q = { 0 };
  q.query.target_fd = cg;
  q.query.attach_type = BPF_CGROUP_DEVICE;
  q.query.prog_ids = (uintptr_t) old_ids;
  q.query.prog_cnt = n_old;
  if (sys_bpf (BPF_PROG_QUERY, &q) < 0)
    return rw_error_set (err, errno, "device filter: query the programs on `%s`", dir);
  n_old = q.query.prog_cnt;

  union bpf_attr a = { 0 };
  a.target_fd = cg;
  a.attach_bpf_fd = prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &a) < 0)
    return rw_error_set (err, errno, "device filter: attach to `%s`", dir);

  /* The new filter is in force; now drop the ones it replaces. */
  for (uint32_t i = 0; i < n_old && i < 64; i++)
    {
      union bpf_attr g = { 0 };
      g.prog_id = old_ids[i];
      cleanup_close int old = sys_bpf (BPF_PROG_GET_FD_BY_ID, &g);
      if (old < 0)
        return rw_error_set (err, errno, "device filter: open the old program %u", old_ids[i]);
      union bpf_attr d = { 0 };
      d.target_fd = cg;
      d.attach_bpf_fd = old;
      d.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &d) < 0)
        return rw_error_set (err, errno, "device filter: detach the old program %u from `%s`", old_ids[i], dir);
    }
  return 0;
}
