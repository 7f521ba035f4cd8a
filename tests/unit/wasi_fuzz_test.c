/* Every binding called many times with hostile arguments (pointers at and past the end of
 * memory, huge lengths, unknown flags, random fds) on a fake guest memory, under ASan: nothing
 * may crash or touch host memory, every call must answer with a valid errno, and nothing may
 * change outside the preopened directory. A fixed seed keeps a failure reproducible. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "wasi/wasi_bind.h"

#define MEM_SIZE 65536
#define CALLS 40000

static uint8_t mem[MEM_SIZE];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static uint32_t hostile_i32 (void)
{
  static const uint32_t edges[] = { 0, 1, 2, 3, 4, 5, 8, 24, 64, MEM_SIZE - 1, MEM_SIZE, MEM_SIZE + 1,
                                    0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffff0u };
  switch (next_random () % 4)
    {
    case 0: return edges[next_random () % (sizeof edges / sizeof edges[0])];
    case 1: return next_random () % 16;           /* fds, small lengths and flags */
    case 2: return next_random () % (MEM_SIZE + 256); /* pointers, some just past the end */
    default: return (uint32_t) next_random ();
    }
}

static uint64_t hostile_i64 (void)
{
  /* Bounded sizes: fd_allocate and friends must not fill the disk. */
  static const uint64_t values[] = { 0, 1, 7, 4096, 1 << 20, INT64_MAX, UINT64_MAX, (uint64_t) INT64_MAX + 1 };
  return values[next_random () % (sizeof values / sizeof values[0])];
}

int main (void)
{
  char base[] = "/tmp/wasi-fuzz.XXXXXX";
  if (mkdtemp (base) == NULL)
    return 1;
  char root[64], outside[64];
  snprintf (root, sizeof root, "%s/root", base);
  snprintf (outside, sizeof outside, "%s/outside", base);
  mkdir (root, 0755);
  int fd = open (outside, O_CREAT | O_WRONLY, 0644);
  if (fd < 0 || write (fd, "keep", 4) != 4)
    return 1;
  close (fd);
  char link[80];
  snprintf (link, sizeof link, "%s/up", root);
  if (symlink ("..", link) < 0)
    return 1;

  struct wasi_preopen pre = { .host_path = root, .host_fd = -1, .guest_path = "/r" };
  const char *argv[] = { "fuzz" };
  struct wasi_config cfg = { .argv = argv, .argc = 1, .preopens = &pre, .npreopens = 1, .stdio = { -1, -1, -1 } };
  struct wasi_ctx *ctx = NULL;
  struct rw_error *err = NULL;
  if (wasi_ctx_new (&cfg, &ctx, &err) < 0)
    return 1;
  struct wasi_guest guest = { mem, MEM_SIZE };
  /* Names the path calls will find now and then: "up", "x", "..", "/". */
  memcpy (mem + 0, "up/outside", 10);
  memcpy (mem + 16, "x", 1);
  memcpy (mem + 24, "..", 2);
  memcpy (mem + 32, "/etc", 4);

  int bad_errno = 0, calls = 0, successes = 0;
  for (int i = 0; i < CALLS; i++)
    {
      size_t row = next_random () % wasi_import_count ();
      const char *name = wasi_import_name (row);
      wasi_binding_fn fn = wasi_import_binding (row);
      /* proc_exit unwinds the engine; poll_oneoff would sleep for the random timeouts it
       * reads (its own tests cover it). */
      if (fn == NULL || strcmp (name, "poll_oneoff") == 0)
        continue;
      wasm_value args[9];
      const char *params = wasi_import_params (row);
      for (size_t p = 0; params[p]; p++)
        args[p] = params[p] == 'I' ? (wasm_value) { .type = WASM_I64, .of.i64 = (int64_t) hostile_i64 () }
                                   : (wasm_value) { .type = WASM_I32, .of.i32 = (int32_t) hostile_i32 () };
      wasi_errno_t e = fn (ctx, &guest, args);
      calls++;
      successes += e == WASI_ESUCCESS;
      if (e > WASI_ENOTCAPABLE)
        {
          bad_errno++;
          printf ("# %s returned %u\n", name, e);
        }
    }
  tap_ok (calls > CALLS / 2, "%d hostile calls survived", calls);
  tap_eq_int (bad_errno, 0, "every answer is a WASI errno");
  tap_ok (successes > CALLS / 100, "%d of them succeeded, so the fuzz reaches the host calls", successes);
  char text[8] = { 0 };
  fd = open (outside, O_RDONLY);
  tap_ok (fd >= 0 && read (fd, text, sizeof text) == 4 && strcmp (text, "keep") == 0, "the file outside is untouched");
  if (fd >= 0)
    close (fd);
  char cmd[160];
  snprintf (cmd, sizeof cmd, "test \"$(ls -A '%s')\" = \"$(printf 'outside\\nroot')\"", base);
  tap_ok (system (cmd) == 0, "nothing new appeared next to the preopen");
  wasi_ctx_free (ctx);
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system (cmd) != 0)
    printf ("# cleanup failed\n");
  return tap_done ();
}
