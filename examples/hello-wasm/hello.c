/* The demo's Wasm workload: a plain C program compiled with
 * `clang-19 --target=wasm32-wasi -O2 hello.c -o hello.wasm`. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main (int argc, char **argv)
{
  char cwd[256];
  printf ("hello from a Wasm container: argv[0]=%s, cwd=%s, GREETING=%s\n", argv[0],
          getcwd (cwd, sizeof cwd) ? cwd : "?", getenv ("GREETING") ? getenv ("GREETING") : "(unset)");
  return 0;
}
