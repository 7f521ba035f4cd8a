/* Cgroups on this machine's real hierarchies (v1 or hybrid here; v2 elsewhere): create, move
 * processes in, enforce memory/pids/devices limits, list, freeze, kill, destroy. Skips
 * without root or a writable cgroupfs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "tap.h"

static struct cgroup *cg;

static int apply (const char *json)
{
  struct rw_error *err = NULL;
  struct cgroup_resources *r = NULL;
  json_object *obj = json_tokener_parse (json);
  int rc = cgroup_resources_parse (obj, "linux.resources", &r, &err);
  if (rc == 0)
    rc = cgroup_apply_resources (cg, r, &err);
  if (rc < 0)
    printf ("# apply %s: %s\n", json, err ? err->msg : "?");
  rw_error_free (&err);
  cgroup_resources_free (r);
  json_object_put (obj);
  return rc;
}

/* A child that joins the cgroup and then runs `body` once the parent says so. */
static pid_t spawn_inside (int (*body) (void))
{
  int go[2];
  if (pipe (go) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid == 0)
    {
      char c;
      close (go[1]);
      if (read (go[0], &c, 1) != 1)
        _exit (90);
      _exit (body ());
    }
  close (go[0]);
  struct rw_error *err = NULL;
  if (cgroup_enter (cg, pid, &err) < 0)
    {
      printf ("# enter: %s\n", err->msg);
      rw_error_free (&err);
      kill (pid, SIGKILL);
    }
  if (write (go[1], "g", 1) != 1)
    kill (pid, SIGKILL);
  close (go[1]);
  return pid;
}

static int sleep_long (void)
{
  pause (); /* until kill --all */
  return 0;
}

static int try_fork (void)
{
  pid_t p = fork ();
  if (p == 0)
    _exit (0);
  if (p > 0)
    {
      waitpid (p, NULL, 0);
      return 1; /* the limit did not stop it */
    }
  return errno == EAGAIN ? 0 : 2;
}

static int hog_memory (void)
{
  size_t size = 256u << 20;
  char *p = malloc (size);
  for (size_t i = 0; p && i < size; i += 4096)
    p[i] = 1;
  return 3; /* survived: the limit did not hold */
}

static int open_devices (void)
{
  int null_fd = open ("/dev/null", O_RDWR);
  int zero_fd = open ("/dev/zero", O_RDONLY);
  return null_fd >= 0 && zero_fd < 0 && errno == EPERM ? 0 : 4;
}

static int wait_status (pid_t pid)
{
  int status = 0;
  waitpid (pid, &status, 0);
  return status;
}

/* Whether every line of /proc/self/cgroup (or only the cgroup2 line "0::") names `path`. */
static bool self_in (const char *path, bool only_v2)
{
  FILE *f = fopen ("/proc/self/cgroup", "r");
  char line[512];
  int lines = 0, inside = 0;
  while (f && fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\n")] = '\0';
      char *p = strchr (line, ':');
      p = p ? strchr (p + 1, ':') : NULL;
      if (only_v2 && strncmp (line, "0::", 3) != 0)
        continue;
      lines++;
      inside += p && strcmp (p + 1, path) == 0;
    }
  if (f)
    fclose (f);
  return lines > 0 && inside == lines;
}

/* The container process's way in (cgroup_join.c): files opened by the parent, the child
 * cloned into the cgroup2 directory and moving itself through the v1 `tasks` files. With
 * `no_clone3`, the cgroup2 directory is not handed to clone3, so the child writes its
 * cgroup.procs instead (the fallback for kernels or filters without clone3). */
static void test_join (const char *root, const char *what, bool no_clone3)
{
  struct rw_error *err = NULL;
  char path[64];
  snprintf (path, sizeof path, "/runwasm-unit-join-%d", getpid ());
  struct cgroup_create_options o = { .root = root, .cgroups_path = path, .id = "join", .manager = CGROUP_MANAGER_CGROUPFS };
  struct cgroup *jcg = NULL;
  tap_eq_int (cgroup_create (&o, &jcg, &err), 0, "%s: create%s%s", what, err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  if (jcg == NULL)
    return;
  struct cgroup_join j;
  tap_eq_int (cgroup_join_open (jcg, &j, &err), 0, "%s: open the cgroup's files%s%s", what, err ? ": " : "",
              err ? err->msg : "");
  rw_error_free (&err);
  if (no_clone3 && j.v2_dir >= 0)
    {
      close (j.v2_dir);
      j.v2_dir = -1;
    }
  pid_t pid = cgroup_join_clone (0, &j);
  if (pid == 0)
    {
      struct rw_error *cerr = NULL;
      if (cgroup_join_self (&j, &cerr) < 0)
        {
          printf ("# join: %s\n", cerr->msg);
          _exit (2);
        }
      _exit (self_in (path, jcg->mode == CGROUP_MODE_V2) ? 0 : 1);
    }
  bool has_v2 = jcg->mode != CGROUP_MODE_V1;
  tap_ok (pid > 0 && j.v2_entered == (has_v2 && !no_clone3), "%s: cloned, %s", what,
          !has_v2 ? "no cgroup2 hierarchy" : no_clone3 ? "the child writes cgroup.procs" : "into the cgroup2 directory");
  cgroup_join_close (&j);
  int status = wait_status (pid);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "%s: the child is in the cgroup in every hierarchy", what);
  tap_eq_int (cgroup_destroy (jcg, &err), 0, "%s: destroy%s%s", what, err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  cgroup_free (jcg);
}

/* A cgroup2 mount used as a pure v2 root: the hybrid host's unified hierarchy. Its only
 * controller is hugetlb, but the core files (procs, freeze, events, kill) are real v2. */
static void test_v2_on_unified (const char *unified)
{
  struct rw_error *err = NULL;
  enum cgroup_mode mode;
  tap_eq_int (cgroup_detect_mode (unified, &mode, &err), 0, "%s detected", unified);
  tap_eq_int (mode, CGROUP_MODE_V2, "as a v2 root");
  char path[64];
  snprintf (path, sizeof path, "/runwasm-unit-v2-%d", getpid ());
  struct cgroup_create_options o = { .root = unified, .cgroups_path = path, .id = "v2", .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_create (&o, &cg, &err), 0, "create on v2%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  if (cg == NULL)
    return;
  pid_t sleeper = spawn_inside (sleep_long);
  char *dir = cgroup_v2_dir (cg);
  if (cgroup_file_exists (dir, "hugetlb.2MB.max"))
    {
      tap_ok (apply ("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}") == 0, "apply hugetlb on v2");
      char *v = NULL;
      cgroup_read (dir, "hugetlb.2MB.max", &v, &err);
      tap_eq_str (v, "4194304", "the kernel holds hugetlb.2MB.max");
      free (v);
    }
  tap_ok (apply ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
                 "\"minor\":3,\"access\":\"rw\"}]}") == 0, "device rules on v2: an eBPF program is attached");
  pid_t opener = spawn_inside (open_devices);
  int opened = wait_status (opener);
  tap_ok (WIFEXITED (opened) && WEXITSTATUS (opened) == 0, "inside: /dev/null opens, /dev/zero is refused by the program");
  pid_t *pids = NULL;
  size_t n = 0;
  tap_eq_int (cgroup_list_pids (cg, &pids, &n, &err), 0, "list pids on v2");
  tap_ok (n == 1 && pids[0] == sleeper, "the sleeper is listed");
  free (pids);
  tap_eq_int (cgroup_freeze (cg, true, &err), 0, "freeze on v2 (waits for cgroup.events)%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  char *events = NULL;
  cgroup_read (dir, "cgroup.events", &events, &err);
  tap_ok (events && strstr (events, "frozen 1"), "the kernel reports frozen 1");
  free (events);
  tap_eq_int (cgroup_freeze (cg, false, &err), 0, "thaw on v2");
  tap_eq_int (cgroup_kill_all (cg, SIGKILL, &err), 0, "kill --all on v2 (cgroup.kill)");
  int status = wait_status (sleeper);
  tap_ok (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "the sleeper got SIGKILL");
  tap_eq_int (cgroup_destroy (cg, &err), 0, "destroy on v2%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  tap_ok (access (dir, F_OK) != 0, "directory gone");
  free (dir);
  cgroup_free (cg);
  cg = NULL;
}

int main (void)
{
  struct rw_error *err = NULL;
  enum cgroup_mode mode;
  if (geteuid () != 0 || access (CGROUP_DEFAULT_ROOT, W_OK) != 0 || cgroup_detect_mode (NULL, &mode, &err) < 0)
    {
      rw_error_free (&err);
      printf ("ok 1 - # SKIP needs root and a writable %s\n", CGROUP_DEFAULT_ROOT);
      tap_n = 1;
      return tap_done ();
    }
  printf ("# host cgroup layout: %s\n", cgroup_mode_name (mode));
  char path[64], id[32];
  snprintf (path, sizeof path, "/runwasm-unit-%d", getpid ());
  snprintf (id, sizeof id, "unit-%d", getpid ());
  struct cgroup_create_options o = { .cgroups_path = path, .id = id, .manager = CGROUP_MANAGER_CGROUPFS };
  tap_eq_int (cgroup_create (&o, &cg, &err), 0, "create %s%s%s", path, err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  if (cg == NULL)
    return tap_done ();

  pid_t sleeper = spawn_inside (sleep_long);
  tap_ok (apply ("{\"memory\":{\"limit\":67108864,\"swap\":67108864},\"pids\":{\"limit\":2}}") == 0, "apply memory and pids limits");
  bool limited;
  uint64_t bytes;
  tap_eq_int (cgroup_read_memory_limit (cg, &limited, &bytes, &err), 0, "read the memory limit back");
  tap_ok (limited && bytes == 67108864, "the kernel holds 64 MiB");

  pid_t *pids = NULL;
  size_t n = 0;
  tap_eq_int (cgroup_list_pids (cg, &pids, &n, &err), 0, "list pids");
  tap_ok (n == 1 && pids[0] == sleeper, "the sleeper is the only process");
  free (pids);

  if (mode != CGROUP_MODE_V2)
    {
      struct rw_error *kerr = NULL;
      struct cgroup_resources *kr = NULL;
      json_object *kj = json_tokener_parse ("{\"memory\":{\"kernel\":10485760}}");
      cgroup_resources_parse (kj, "linux.resources", &kr, &kerr);
      int krc = cgroup_apply_resources (cg, kr, &kerr);
      char *kdir = cgroup_v1_dir (cg, "memory"), *kval = NULL;
      cgroup_read (kdir, "memory.kmem.limit_in_bytes", &kval, &err);
      /* Either the kernel enforces it (older kernels) or it is accepted with a warning. */
      tap_ok (krc == 0, "memory.kernel is accepted (%s)", kval && strcmp (kval, "10485760") == 0 ? "enforced" : "ignored by this kernel");
      free (kval);
      free (kdir);
      rw_error_free (&kerr);
      cgroup_resources_free (kr);
      json_object_put (kj);
    }
  pid_t forker = spawn_inside (try_fork);
  int status = wait_status (forker);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "pids.max 2 stops a third task (fork gets EAGAIN)");

  tap_ok (apply ("{\"pids\":{\"limit\":-1}}") == 0, "lift the pids limit");
  pid_t hog = spawn_inside (hog_memory);
  status = wait_status (hog);
  tap_ok (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "a 256 MiB allocation is OOM-killed under 64 MiB");

  tap_ok (apply ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,"
                 "\"minor\":3,\"access\":\"rw\"}]}") == 0, "apply device rules");
  pid_t opener = spawn_inside (open_devices);
  status = wait_status (opener);
  tap_ok (WIFEXITED (status) && WEXITSTATUS (status) == 0, "inside: /dev/null opens, /dev/zero is refused");

  tap_eq_int (cgroup_freeze (cg, true, &err), 0, "freeze%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  char *dir = mode == CGROUP_MODE_V2 ? cgroup_v2_dir (cg) : cgroup_v1_dir (cg, "freezer");
  char *state = NULL;
  cgroup_read (dir, mode == CGROUP_MODE_V2 ? "cgroup.freeze" : "freezer.state", &state, &err);
  tap_eq_str (state, mode == CGROUP_MODE_V2 ? "1" : "FROZEN", "the kernel reports frozen");
  free (state);
  tap_eq_int (cgroup_freeze (cg, false, &err), 0, "thaw");
  state = NULL;
  cgroup_read (dir, mode == CGROUP_MODE_V2 ? "cgroup.freeze" : "freezer.state", &state, &err);
  tap_eq_str (state, mode == CGROUP_MODE_V2 ? "0" : "THAWED", "the kernel reports thawed");
  free (state);
  free (dir);

  tap_eq_int (cgroup_kill_all (cg, SIGKILL, &err), 0, "kill --all");
  status = wait_status (sleeper);
  tap_ok (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL, "the sleeper got SIGKILL");

  tap_eq_int (cgroup_destroy (cg, &err), 0, "destroy%s%s", err ? ": " : "", err ? err->msg : "");
  rw_error_free (&err);
  struct cgroup_hierarchies hs;
  int left = 0;
  cgroup_hierarchies_list (NULL, mode, &hs, &err);
  for (size_t i = 0; i < hs.n; i++)
    {
      char full[512];
      snprintf (full, sizeof full, "%s%s", hs.items[i].mount, path);
      if (access (full, F_OK) == 0)
        {
          printf ("# left behind: %s\n", full);
          left++;
        }
    }
  tap_ok (hs.n > 0 && left == 0, "nothing left in any of the %zu hierarchies", hs.n);
  cgroup_hierarchies_release (&hs);
  tap_eq_int (cgroup_destroy (cg, &err), 0, "destroying again is fine");
  cgroup_free (cg);
  cg = NULL;
  test_join (NULL, cgroup_mode_name (mode), false);
  test_join (NULL, cgroup_mode_name (mode), true);
  if (mode == CGROUP_MODE_HYBRID)
    {
      test_v2_on_unified (CGROUP_DEFAULT_ROOT "/unified");
      test_join (CGROUP_DEFAULT_ROOT "/unified", "v2", false);
      test_join (CGROUP_DEFAULT_ROOT "/unified", "v2", true);
    }
  return tap_done ();
}
