/* The binding layer on a fake guest memory: byte layouts of the ABI structs, little-endian
 * stores, EFAULT for every pointer that leaves memory, and iovec translation. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "wasi/wasi_bind.h"

#define MEM_SIZE 65536
static uint8_t mem[MEM_SIZE];
static struct wasi_guest guest = { mem, MEM_SIZE };

static wasm_value I32 (uint32_t v) { return (wasm_value) { .type = WASM_I32, .of.i32 = (int32_t) v }; }
static wasm_value I64 (uint64_t v) { return (wasm_value) { .type = WASM_I64, .of.i64 = (int64_t) v }; }

static uint64_t le64 (uint32_t at)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = v << 8 | mem[at + i];
  return v;
}

static uint32_t le32 (uint32_t at) { return mem[at] | mem[at + 1] << 8 | mem[at + 2] << 16 | (uint32_t) mem[at + 3] << 24; }

/* Any number of iovecs (issue #10): 100000 empty ones then data must write the data (it
 * used to stop after IOV_MAX with nwritten 0, so a retry loop spun), and 3000 one-byte
 * iovecs, more than IOV_MAX, must all be transferred, positional or not. */
static void test_many_iovecs (struct wasi_ctx *ctx, uint32_t f)
{
  const uint32_t size = 2u << 20, data = 1u << 20, back = data + 8192, out = size - 4;
  uint8_t *m = calloc (1, size);
  struct wasi_guest big = { m, size };
  const uint32_t n_empty = 100000;
  wasi_put_u32 (m + n_empty * WASI_IOVEC_SIZE, data);
  wasi_put_u32 (m + n_empty * WASI_IOVEC_SIZE + 4, 3);
  memcpy (m + data, "XYZ", 3);
  wasm_value wr[4] = { I32 (f), I32 (0), I32 (n_empty + 1), I32 (out) };
  tap_eq_int (wasi_bind_fd_write (ctx, &big, wr), 0, "fd_write: 100000 empty iovecs, then 3 bytes");
  tap_eq_int (wasi_get_u32 (m + out), 3, "  nwritten 3");
  wasi_put_u32 (m, back);
  wasi_put_u32 (m + 4, 3);
  wasm_value check[5] = { I32 (f), I32 (0), I32 (1), I64 (0), I32 (out) };
  tap_ok (wasi_bind_fd_pread (ctx, &big, check) == 0 && memcmp (m + back, "XYZ", 3) == 0, "  the file starts with XYZ");

  const uint32_t n_bytes = 3000;
  for (uint32_t i = 0; i < n_bytes; i++)
    {
      m[data + i] = 'a' + i % 26;
      wasi_put_u32 (m + i * WASI_IOVEC_SIZE, data + i);
      wasi_put_u32 (m + i * WASI_IOVEC_SIZE + 4, 1);
    }
  wasm_value pw[5] = { I32 (f), I32 (0), I32 (n_bytes), I64 (0), I32 (out) };
  tap_eq_int (wasi_bind_fd_pwrite (ctx, &big, pw), 0, "fd_pwrite: 3000 one-byte iovecs");
  tap_eq_int (wasi_get_u32 (m + out), n_bytes, "  nwritten 3000");
  for (uint32_t i = 0; i < n_bytes; i++)
    wasi_put_u32 (m + i * WASI_IOVEC_SIZE, back + i);
  wasm_value pr[5] = { I32 (f), I32 (0), I32 (n_bytes), I64 (0), I32 (out) };
  tap_eq_int (wasi_bind_fd_pread (ctx, &big, pr), 0, "fd_pread: 3000 one-byte iovecs");
  tap_eq_int (wasi_get_u32 (m + out), n_bytes, "  nread 3000");
  tap_ok (memcmp (m + back, m + data, n_bytes) == 0, "  the bytes written, in order");
  wasm_value rd[4] = { I32 (f), I32 (0), I32 (n_bytes), I32 (out) };
  tap_eq_int (wasi_bind_fd_read (ctx, &big, rd), 0, "fd_read: 3000 one-byte iovecs from offset 3");
  tap_eq_int (wasi_get_u32 (m + out), n_bytes - 3, "  nread 2997 (to the end of the file)");
  tap_ok (memcmp (m + back, m + data + 3, n_bytes - 3) == 0, "  the bytes after the first 3");
  free (m);
}

int main (void)
{
  char dir[] = "/tmp/wasi-bind.XXXXXX";
  if (mkdtemp (dir) == NULL)
    return 1;
  char path[64];
  snprintf (path, sizeof path, "%s/f", dir);
  int fd = open (path, O_CREAT | O_WRONLY, 0644);
  if (fd < 0 || write (fd, "0123456789", 10) != 10)
    return 1;
  close (fd);
  const char *argv[] = { "prog", "arg1" };
  const char *env[] = { "K=V" };
  struct wasi_preopen pre = { .host_path = dir, .host_fd = -1, .guest_path = "/d" };
  struct wasi_config cfg = { .argv = argv, .argc = 2, .env = env, .envc = 1, .preopens = &pre, .npreopens = 1,
                             .stdio = { -1, -1, -1 } };
  struct wasi_ctx *ctx = NULL;
  struct rw_error *err = NULL;
  tap_ok (wasi_ctx_new (&cfg, &ctx, &err) == 0, "context");
  if (ctx == NULL)
    return tap_done ();

  /* args_get: pointers into the buffer, strings NUL-terminated back to back. */
  wasm_value a[9] = { I32 (100), I32 (200) };
  tap_eq_int (wasi_bind_args_sizes_get (ctx, &guest, a), 0, "args_sizes_get");
  tap_ok (le32 (100) == 2 && le32 (200) == 10, "  argc 2, 10 bytes");
  tap_eq_int (wasi_bind_args_get (ctx, &guest, a), 0, "args_get");
  tap_ok (le32 (100) == 200 && le32 (104) == 205 && memcmp (mem + 200, "prog\0arg1\0", 10) == 0,
          "  pointers and packed strings");
  a[0] = I32 (MEM_SIZE - 4);
  tap_eq_int (wasi_bind_args_get (ctx, &guest, a), WASI_EFAULT, "args_get with argv straddling the end");
  a[0] = I32 (100), a[1] = I32 (MEM_SIZE - 9);
  tap_eq_int (wasi_bind_args_get (ctx, &guest, a), WASI_EFAULT, "args_get with strings one byte too long");
  a[1] = I32 (MEM_SIZE - 10);
  tap_eq_int (wasi_bind_args_get (ctx, &guest, a), 0, "args_get ending exactly at the end");
  a[0] = I32 (300), a[1] = I32 (400);
  tap_eq_int (wasi_bind_environ_get (ctx, &guest, a), 0, "environ_get");
  tap_ok (le32 (300) == 400 && memcmp (mem + 400, "K=V\0", 4) == 0, "  K=V");

  /* path_open then fd_filestat_get: the 64-byte filestat layout. */
  const char *name = "f";
  memcpy (mem + 500, name, 1);
  wasm_value po[9] = { I32 (3), I32 (0), I32 (500), I32 (1), I32 (0), I64 (WASI_RIGHTS_REGULAR_FILE), I64 (0), I32 (0),
                       I32 (600) };
  tap_eq_int (wasi_bind_path_open (ctx, &guest, po), 0, "path_open");
  uint32_t f = le32 (600);
  memset (mem + 700, 0xee, 64);
  wasm_value fs[2] = { I32 (f), I32 (700) };
  tap_eq_int (wasi_bind_fd_filestat_get (ctx, &guest, fs), 0, "fd_filestat_get");
  struct stat st;
  stat (path, &st);
  tap_ok (le64 (700) == st.st_dev && le64 (708) == st.st_ino, "  dev @0, ino @8");
  tap_ok (mem[716] == WASI_FILETYPE_REGULAR_FILE && mem[717] == 0 && le32 (720) == 0, "  filetype @16, padding zeroed");
  tap_ok (le64 (724) == 1 && le64 (732) == 10, "  nlink @24, size @32");
  tap_ok (le64 (748) == (uint64_t) st.st_mtim.tv_sec * 1000000000u + st.st_mtim.tv_nsec, "  mtim @48");
  fs[1] = I32 (MEM_SIZE - 63);
  tap_eq_int (wasi_bind_fd_filestat_get (ctx, &guest, fs), WASI_EFAULT, "fd_filestat_get one byte short");

  /* fdstat: filetype @0, flags u16 @2, rights @8 and @16. */
  memset (mem + 800, 0xee, 24);
  wasm_value fd_args[2] = { I32 (f), I32 (800) };
  tap_eq_int (wasi_bind_fd_fdstat_get (ctx, &guest, fd_args), 0, "fd_fdstat_get");
  tap_ok (mem[800] == WASI_FILETYPE_REGULAR_FILE && mem[801] == 0 && mem[802] == 0 && mem[803] == 0,
          "  filetype @0, flags @2");
  tap_ok (le64 (808) == WASI_RIGHTS_REGULAR_FILE && le64 (816) == 0, "  rights @8 and @16");

  /* prestat: tag @0, name length @4. */
  wasm_value pr[2] = { I32 (3), I32 (900) };
  tap_eq_int (wasi_bind_fd_prestat_get (ctx, &guest, pr), 0, "fd_prestat_get");
  tap_ok (mem[900] == WASI_PREOPENTYPE_DIR && le32 (904) == 2, "  tag dir, length 2");

  /* fd_pread through a guest iovec array. */
  mem[1000] = 0x10, mem[1001] = 0x04, mem[1002] = 0, mem[1003] = 0; /* buf 0x0410 */
  mem[1004] = 4, mem[1005] = 0, mem[1006] = 0, mem[1007] = 0;       /* len 4 */
  wasm_value rd[5] = { I32 (f), I32 (1000), I32 (1), I64 (3), I32 (1100) };
  tap_eq_int (wasi_bind_fd_pread (ctx, &guest, rd), 0, "fd_pread via a guest iovec");
  tap_ok (le32 (1100) == 4 && memcmp (mem + 0x410, "3456", 4) == 0, "  read 3456 at 0x410");
  mem[1004] = 0xff, mem[1005] = 0xff, mem[1006] = 0xff, mem[1007] = 0xff;
  tap_eq_int (wasi_bind_fd_pread (ctx, &guest, rd), WASI_EFAULT, "fd_pread with a 4 GiB iovec");
  rd[2] = I32 (0x20000000);
  tap_eq_int (wasi_bind_fd_pread (ctx, &guest, rd), WASI_EFAULT, "fd_pread with an iovec array past memory");
  struct iovec *v = NULL;
  size_t count = 0;
  memset (mem + 32768, 0, 4096 * WASI_IOVEC_SIZE);
  tap_eq_int (wasi_guest_iovecs (&guest, 32768, 4096, &v, &count), 0, "4096 empty iovecs");
  tap_eq_int (count, 0, "  all left out: they transfer nothing");
  free (v);
  test_many_iovecs (ctx, f);

  /* poll_oneoff: subscription decoded from its 48-byte layout, event written in 32. */
  uint8_t *s = mem + 2000;
  memset (s, 0, 48);
  s[0] = 0x2a;                     /* userdata 42 */
  s[8] = WASI_EVENTTYPE_CLOCK;     /* tag */
  s[16] = WASI_CLOCK_MONOTONIC;    /* id */
  s[24] = 1;                       /* timeout 1ns */
  memset (mem + 2100, 0xee, 32);
  wasm_value pl[4] = { I32 (2000), I32 (2100), I32 (1), I32 (2200) };
  tap_eq_int (wasi_bind_poll_oneoff (ctx, &guest, pl), 0, "poll_oneoff");
  tap_ok (le32 (2200) == 1 && le64 (2100) == 42, "  one event, userdata @0");
  tap_ok (mem[2108] == 0 && mem[2109] == 0 && mem[2110] == WASI_EVENTTYPE_CLOCK, "  error @8, type @10");
  tap_ok (le64 (2116) == 0 && mem[2124] == 0 && mem[2125] == 0, "  fd_readwrite zeroed");
  pl[2] = I32 (2000);
  tap_eq_int (wasi_bind_poll_oneoff (ctx, &guest, pl), WASI_EFAULT, "poll_oneoff with too many subscriptions");

  /* Paths straddling the end, and a result pointer past it. */
  wasm_value mk[3] = { I32 (3), I32 (MEM_SIZE - 2), I32 (3) };
  tap_eq_int (wasi_bind_path_create_directory (ctx, &guest, mk), WASI_EFAULT, "path_create_directory path past memory");
  wasm_value ct[3] = { I32 (WASI_CLOCK_MONOTONIC), I64 (0), I32 (MEM_SIZE - 4) };
  tap_eq_int (wasi_bind_clock_time_get (ctx, &guest, ct), WASI_EFAULT, "clock_time_get result straddling the end");
  struct wasi_guest none = { NULL, 0 };
  tap_eq_int (wasi_bind_clock_time_get (ctx, &none, ct), WASI_EFAULT, "a module without memory gets EFAULT");
  tap_eq_int (wasi_bind_proc_raise (ctx, &guest, ct), WASI_ENOSYS, "proc_raise is ENOSYS");

  /* The import table: every preview1 function once, all definable on a real linker. */
  tap_eq_int (wasi_import_count (), 46, "46 preview1 functions");
  int dups = 0;
  for (size_t i = 0; i < wasi_import_count (); i++)
    for (size_t j = i + 1; j < wasi_import_count (); j++)
      dups += strcmp (wasi_import_name (i), wasi_import_name (j)) == 0;
  tap_eq_int (dups, 0, "  no name twice");
  wasm_store *store = wasm_store_new (NULL);
  wasm_linker *linker = wasm_linker_new (store);
  tap_ok (wasi_define_imports (ctx, linker, &err) == 0, "wasi_define_imports on a linker");
  wasm_linker *second = wasm_linker_new (store);
  tap_ok (wasi_define_imports (ctx, second, &err) == 0, "  and on a second linker for the same context");
  rw_error_free (&err);
  wasm_linker_delete (second);
  wasm_linker_delete (linker);
  wasm_store_delete (store);

  wasi_ctx_free (ctx);
  char cmd[96];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    printf ("# cleanup failed\n");
  return tap_done ();
}
