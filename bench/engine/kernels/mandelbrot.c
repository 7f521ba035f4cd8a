/* Mandelbrot set escape counts: f64 multiply/add in a data-dependent inner loop. */
#include "common.h"

int main (int argc, char **argv)
{
  int32_t size = bench_scale (argc, argv, 1280);
  const int32_t max_iter = 256;
  uint32_t inside = 0, iters = 0;
  for (int32_t py = 0; py < size; py++) {
    double ci = 2.0 * py / size - 1.0;
    for (int32_t px = 0; px < size; px++) {
      double cr = 3.0 * px / size - 2.0;
      double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
      int32_t k = 0;
      while (k < max_iter && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        k++;
      }
      iters += (uint32_t) k;
      inside += k == max_iter;
    }
  }
  printf ("mandelbrot checksum %u %u\n", inside, iters);
  return 0;
}
