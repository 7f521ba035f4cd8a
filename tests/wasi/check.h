/* Shared by the WASI test programs (built with clang --target=wasm32-wasi). Each check
 * prints "ok - what" or "not ok - what # got X, want Y"; tests/suites/30-wasi.sh numbers the
 * lines. Output goes straight through fd_write, so a check does not depend on libc's stdio. */
#ifndef RUNWASM_TESTS_WASI_CHECK_H
#define RUNWASM_TESTS_WASI_CHECK_H

#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

static void out_bytes (const char *s, size_t n)
{
  __wasi_ciovec_t v = { (const uint8_t *) s, n };
  size_t done;
  (void) __wasi_fd_write (1, &v, 1, &done);
}

static void out_str (const char *s) { out_bytes (s, strlen (s)); }

static void out_i64 (int64_t v)
{
  char buf[24];
  int i = sizeof buf;
  uint64_t u = v < 0 ? -(uint64_t) v : (uint64_t) v;
  do
    buf[--i] = '0' + u % 10;
  while ((u /= 10) != 0);
  if (v < 0)
    buf[--i] = '-';
  out_bytes (buf + i, sizeof buf - i);
}

static int check_failures;

__attribute__ ((unused)) static void check_int (int ok, const char *what, int64_t got, int64_t want)
{
  out_str (ok ? "ok - " : "not ok - ");
  out_str (what);
  if (!ok)
    {
      out_str (" # got ");
      out_i64 (got);
      out_str (", want ");
      out_i64 (want);
      check_failures++;
    }
  out_str ("\n");
}

#define CHECK(cond, what) check_int ((cond) ? 1 : 0, (what), 0, 1)
#define CHECK_EQ(got, want, what)                                  \
  do {                                                             \
    int64_t g_ = (int64_t) (got), w_ = (int64_t) (want);           \
    check_int (g_ == w_, (what), g_, w_);                          \
  } while (0)

/* The raw import, for calls with pointers libc would never pass (out of range, unterminated). */
#define WASI_RAW(name) __attribute__ ((import_module ("wasi_snapshot_preview1"), import_name (#name)))

#endif
