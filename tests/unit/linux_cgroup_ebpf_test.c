/* The v2 device filter: the generated program is run by a small interpreter here against a
 * straightforward model of the rules; then, where the host allows, loaded and attached to a
 * real cgroup2 directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/cgroup_devices_ebpf.h"
#include "linux/cgroup_resources.h"
#include "tap.h"

/* Executes the subset of eBPF the generator may emit; any other opcode is a failure (-1). */
static int interpret (const struct bpf_insn *p, size_t n, const struct bpf_cgroup_dev_ctx *ctx)
{
  uint64_t reg[11] = { 0 };
  for (size_t pc = 0, steps = 0; pc < n && steps < 10000; steps++)
    {
      const struct bpf_insn *i = &p[pc++];
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          if (i->src_reg != BPF_REG_1 || i->off < 0 || (size_t) i->off + 4 > sizeof *ctx)
            return -1;
          reg[i->dst_reg] = *(const uint32_t *) ((const char *) ctx + i->off);
          break;
        case BPF_ALU | BPF_AND | BPF_K:
          reg[i->dst_reg] = (uint32_t) (reg[i->dst_reg] & (uint32_t) i->imm);
          break;
        case BPF_ALU | BPF_RSH | BPF_K:
          reg[i->dst_reg] = (uint32_t) reg[i->dst_reg] >> i->imm;
          break;
        case BPF_ALU64 | BPF_MOV | BPF_X:
          reg[i->dst_reg] = reg[i->src_reg];
          break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
          reg[i->dst_reg] = (uint64_t) (int64_t) i->imm;
          break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (reg[i->dst_reg] != (uint64_t) (int64_t) i->imm)
            pc += i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          return (int) reg[0];
        default:
          return -1;
        }
    }
  return -1;
}

/* The kernel verifier refuses unreachable instructions; check the same. */
static bool all_reachable (const struct bpf_insn *p, size_t n)
{
  bool seen[1024] = { false };
  if (n > 1024)
    return false;
  seen[0] = true;
  for (size_t pc = 0; pc < n; pc++)
    {
      if (!seen[pc])
        return false;
      if (p[pc].code == (BPF_JMP | BPF_EXIT))
        continue;
      if (pc + 1 < n)
        seen[pc + 1] = true;
      if (p[pc].code == (BPF_JMP | BPF_JNE | BPF_K))
        {
          size_t target = pc + 1 + p[pc].off;
          if (target >= n)
            return false;
          seen[target] = true;
        }
    }
  return true;
}

/* The reference: the last rule that matches decides, none denies. */
static int model (const struct cgroup_device_rule *rules, size_t n, char type, int major, int minor, const char *access)
{
  for (size_t i = n; i-- > 0;)
    {
      const struct cgroup_device_rule *r = &rules[i];
      if (r->type != 'a' && (r->type != type || (r->major >= 0 && r->major != major) || (r->minor >= 0 && r->minor != minor)))
        continue;
      bool covered = true;
      for (const char *a = access; *a; a++)
        covered = covered && strchr (r->access, *a);
      if (covered)
        return r->allow;
    }
  return 0;
}

static struct bpf_cgroup_dev_ctx make_ctx (char type, int major, int minor, const char *access)
{
  uint32_t acc = 0;
  for (const char *a = access; *a; a++)
    acc |= *a == 'r' ? BPF_DEVCG_ACC_READ : *a == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
  return (struct bpf_cgroup_dev_ctx){ .access_type = (acc << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                                      .major = major, .minor = minor };
}

static const struct cgroup_device_rule rules[] = {
  { false, 'a', -1, -1, "rwm" },  /* deny everything */
  { true, 'c', -1, -1, "m" },     /* mknod any char device */
  { true, 'c', 1, 3, "rw" },      /* /dev/null read/write */
  { true, 'c', 1, 5, "rwm" },     /* /dev/zero */
  { true, 'b', 8, -1, "r" },      /* read any sd disk */
  { false, 'b', 8, 16, "rwm" },   /* but not sdb */
  { true, 'c', 136, -1, "rwm" },  /* pty slaves */
};

int main (void)
{
  struct rw_error *err = NULL;
  struct bpf_insn *prog = NULL;
  size_t n = 0;
  size_t nrules = sizeof rules / sizeof rules[0];
  tap_eq_int (cgroup_devices_ebpf_generate (rules, nrules, &prog, &n, &err), 0, "program generated");
  tap_ok (n > 8 && prog[n - 1].code == (BPF_JMP | BPF_EXIT), "ends with exit (%zu instructions)", n);
  tap_ok (all_reachable (prog, n), "every instruction is reachable and every jump lands inside");

  struct
  {
    char type;
    int major, minor;
    const char *access;
    int want;
  } cases[] = {
    { 'c', 1, 3, "r", 1 },    { 'c', 1, 3, "rw", 1 },  { 'c', 1, 3, "m", 1 },   { 'c', 1, 3, "rwm", 0 },
    { 'c', 1, 5, "rwm", 1 },  { 'c', 1, 7, "r", 0 },   { 'c', 1, 7, "m", 1 },   { 'b', 8, 0, "r", 1 },
    { 'b', 8, 0, "w", 0 },    { 'b', 8, 16, "r", 0 },  { 'b', 8, 32, "r", 1 },  { 'b', 7, 0, "r", 0 },
    { 'c', 136, 4, "rw", 1 }, { 'c', 4, 1, "rw", 0 },  { 'b', 1, 3, "r", 0 },
  };
  int agree = 0, total = 0, expected_ok = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct bpf_cgroup_dev_ctx ctx = make_ctx (cases[i].type, cases[i].major, cases[i].minor, cases[i].access);
      int got = interpret (prog, n, &ctx);
      int want = model (rules, nrules, cases[i].type, cases[i].major, cases[i].minor, cases[i].access);
      tap_eq_int (got, cases[i].want, "%c %d:%d %s -> %s", cases[i].type, cases[i].major, cases[i].minor, cases[i].access,
                  cases[i].want ? "allow" : "deny");
      expected_ok += want == cases[i].want;
    }
  tap_eq_int (expected_ok, (int) (sizeof cases / sizeof cases[0]), "the model agrees with the hand-written expectations");

  /* Exhaustive against the model over a small device space. */
  const char *accesses[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
  for (int t = 0; t < 2; t++)
    for (int major = 0; major < 140; major += (major < 10 ? 1 : 7))
      for (int minor = 0; minor < 20; minor++)
        for (int a = 0; a < 7; a++)
          {
            char type = t ? 'b' : 'c';
            struct bpf_cgroup_dev_ctx ctx = make_ctx (type, major, minor, accesses[a]);
            agree += interpret (prog, n, &ctx) == model (rules, nrules, type, major, minor, accesses[a]);
            total++;
          }
  tap_eq_int (agree, total, "program equals the model on %d device accesses", total);
  free (prog);

  /* No rules: everything denied; a lone allow-all allows everything. */
  tap_eq_int (cgroup_devices_ebpf_generate (NULL, 0, &prog, &n, &err), 0, "empty rule list");
  struct bpf_cgroup_dev_ctx null_rw = make_ctx ('c', 1, 3, "rw");
  tap_eq_int (interpret (prog, n, &null_rw), 0, "no rules deny");
  free (prog);
  struct cgroup_device_rule allow_all = { true, 'a', -1, -1, "rwm" };
  cgroup_devices_ebpf_generate (&allow_all, 1, &prog, &n, &err);
  tap_eq_int (interpret (prog, n, &null_rw), 1, "allow-all allows");
  tap_ok (all_reachable (prog, n), "no dead code after an unconditional rule");
  free (prog);

  /* Live: attach to a fresh cgroup2 directory and check a process inside. */
  const char *unified = access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
  char dir[256];
  snprintf (dir, sizeof dir, "%s/runwasm-ebpf-test-%d", unified, getpid ());
  if (geteuid () != 0 || access (unified, W_OK) != 0 || mkdir (dir, 0755) < 0)
    {
      printf ("ok %d - # SKIP no writable cgroup2 hierarchy\n", ++tap_n);
      return tap_done ();
    }
  struct cgroup_device_rule live[] = { { false, 'a', -1, -1, "rwm" }, { true, 'c', 1, 3, "rw" } };
  int r = cgroup_devices_ebpf_attach (dir, live, 2, &err);
  tap_eq_int (r, 0, "attach to %s%s%s", dir, err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  r = cgroup_devices_ebpf_attach (dir, live, 2, &err);
  tap_eq_int (r, 0, "attaching again replaces the program");
  rw_error_free (&err);
  /* The program every container gets: its verifier log exceeds 4 KiB, which once failed the
   * load with ENOSPC on every pure v2 host. */
  struct cgroup_resources *defaults = NULL;
  if (cgroup_resources_parse (NULL, "linux.resources", &defaults, &err) == 0)
    cgroup_resources_add_default_devices (defaults, &err);
  r = defaults ? cgroup_devices_ebpf_attach (dir, defaults->devices, defaults->n_devices, &err) : -1;
  tap_eq_int (r, 0, "attach the default rules%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  cgroup_resources_free (defaults);
  r = cgroup_devices_ebpf_attach (dir, live, 2, &err);
  rw_error_free (&err);
  pid_t pid = fork ();
  if (pid == 0)
    {
      char procs[300], self[16];
      snprintf (procs, sizeof procs, "%s/cgroup.procs", dir);
      int fd = open (procs, O_WRONLY);
      snprintf (self, sizeof self, "%d", getpid ());
      if (fd < 0 || write (fd, self, strlen (self)) < 0)
        _exit (10);
      close (fd);
      int null_fd = open ("/dev/null", O_RDWR);
      int zero_fd = open ("/dev/zero", O_RDONLY);
      _exit (null_fd >= 0 && zero_fd < 0 && errno == EPERM ? 0 : 1);
    }
  int status;
  waitpid (pid, &status, 0);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "inside: /dev/null opens, /dev/zero gets EPERM (status %d)",
          WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  tap_ok (rmdir (dir) == 0, "test cgroup removed");
  return tap_done ();
}
