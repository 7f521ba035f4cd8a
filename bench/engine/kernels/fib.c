/* Recursive Fibonacci: call overhead, small frames, no memory traffic. */
#include "common.h"

static uint32_t fib (uint32_t n)
{
  return n < 2 ? n : fib (n - 1) + fib (n - 2);
}

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 30);
  uint32_t sum = 0;
  for (int32_t i = 0; i < reps; i++)
    sum += fib (34 + (uint32_t) (i % 3));
  printf ("fib checksum %u\n", sum);
  return 0;
}
