/* Dense double-precision matrix multiply (i-k-j order): f64 loads, multiply-add chains. */
#include "common.h"

#define N 256
static double a[N][N], b[N][N], c[N][N];

int main (int argc, char **argv)
{
  int32_t reps = bench_scale (argc, argv, 96);
  uint32_t seed = 12345;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (double) (bench_rand (&seed) % 1000) / 64.0;
      b[i][j] = (double) (bench_rand (&seed) % 1000) / 128.0;
    }
  double trace = 0;
  for (int32_t r = 0; r < reps; r++) {
    memset (c, 0, sizeof c);
    for (int i = 0; i < N; i++)
      for (int k = 0; k < N; k++) {
        double aik = a[i][k];
        for (int j = 0; j < N; j++)
          c[i][j] += aik * b[k][j];
      }
    for (int i = 0; i < N; i++)
      trace += c[i][(i + r) % N];
    a[r % N][r % N] += 1.0; /* keep repetitions from being folded together */
  }
  printf ("matmul checksum %.6f\n", trace);
  return 0;
}
