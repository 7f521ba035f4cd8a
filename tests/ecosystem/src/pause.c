/* Pod sandbox process for the CRI tests: sleeps until SIGTERM/SIGINT, then exits 0, like the
 * Kubernetes pause container. Built static so the image needs nothing else. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_stop (int sig)
{
  (void) sig;
  _exit (0);
}

int main (void)
{
  signal (SIGTERM, on_stop);
  signal (SIGINT, on_stop);
  for (;;)
    pause ();
}
