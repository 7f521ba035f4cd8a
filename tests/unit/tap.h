/* Minimal TAP for unit tests: each check prints "ok N - what" or "not ok N - what";
 * tests/run counts the lines. Call tap_done() last: its exit status reports failures. */
#ifndef RUNWASM_TAP_H
#define RUNWASM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define tap_ok(cond, ...)                                                  \
  do {                                                                     \
    int tap_c_ = (cond) ? 1 : 0;                                           \
    printf ("%sok %d - ", tap_c_ ? "" : "not ", ++tap_n);                  \
    printf (__VA_ARGS__);                                                  \
    printf ("\n");                                                         \
    if (!tap_c_) {                                                         \
      tap_failed++;                                                        \
      printf ("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
    }                                                                      \
    fflush (stdout);                                                       \
  } while (0)

#define tap_eq_int(got, want, ...)                                         \
  do {                                                                     \
    long long tap_g_ = (long long) (got), tap_w_ = (long long) (want);     \
    tap_ok (tap_g_ == tap_w_, __VA_ARGS__);                                \
    if (tap_g_ != tap_w_)                                                  \
      printf ("#   got %lld, want %lld\n", tap_g_, tap_w_);                \
  } while (0)

#define tap_eq_str(got, want, ...)                                         \
  do {                                                                     \
    const char *tap_g_ = (got), *tap_w_ = (want);                          \
    int tap_same_ = tap_g_ && tap_w_ && strcmp (tap_g_, tap_w_) == 0;      \
    tap_ok (tap_same_, __VA_ARGS__);                                       \
    if (!tap_same_)                                                        \
      printf ("#   got \"%s\", want \"%s\"\n", tap_g_ ? tap_g_ : "(null)", \
              tap_w_ ? tap_w_ : "(null)");                                 \
  } while (0)

static inline int tap_done (void)
{
  printf ("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
