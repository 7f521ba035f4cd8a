/* Hand-written quicksort (median of three, insertion sort for small ranges) of random u32s. */
#include "common.h"

#define N (1u << 20)
static uint32_t v[N];

static void insertion (uint32_t *a, int32_t n)
{
  for (int32_t i = 1; i < n; i++) {
    uint32_t x = a[i];
    int32_t j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

static void quicksort (uint32_t *a, int32_t n)
{
  while (n > 16) {
    uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
    uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int32_t i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j)
        break;
      uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
      i++; j--;
    }
    /* Recurse into the smaller half so the stack stays O(log n). */
    if (j + 1 < n - j - 1) {
      quicksort (a, j + 1);
      a += j + 1; n -= j + 1;
    } else {
      quicksort (a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion (a, n);
}

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 5);
  uint32_t seed = 2463534242u, sum = 0;
  for (int32_t r = 0; r < reps; r++) {
    for (uint32_t i = 0; i < N; i++)
      v[i] = bench_rand (&seed) % (r & 1 ? 1000u : 0xffffffffu); /* odd passes: many duplicates */
    quicksort ((uint32_t *) v, (int32_t) N);
    for (uint32_t i = 1; i < N; i++)
      if (v[i - 1] > v[i]) {
        printf ("quicksort NOT SORTED at %u\n", i);
        return 1;
      }
    for (uint32_t i = 0; i < N; i += 997)
      sum = sum * 31 + v[i];
  }
  printf ("quicksort checksum %u\n", sum);
  return 0;
}
