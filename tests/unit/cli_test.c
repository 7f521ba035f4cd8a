/* Flag parsing shared by create and run. */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/create_flags.h"
#include "tap.h"

static int parse (char **argv, struct create_options *o, bool *detach)
{
  int argc = 0;
  while (argv[argc])
    argc++;
  optind = 0;
  return create_flags_parse (argc, argv, o, detach);
}

int main (void)
{
  struct create_options o;
  char *a1[] = { "create", "--bundle", "/b", "--pid-file=/p", "--console-socket", "/s", "--preserve-fds", "2",
                 "--no-pivot", "--no-new-keyring", "id1", NULL };
  tap_eq_int (parse (a1, &o, NULL), 0, "conmon's create command line parses");
  tap_ok (strcmp (o.bundle, "/b") == 0 && strcmp (o.pid_file, "/p") == 0 && strcmp (o.console_socket, "/s") == 0,
          "bundle, pid file, console socket");
  tap_ok (o.preserve_fds == 2 && o.no_pivot && o.no_new_keyring && strcmp (o.id, "id1") == 0, "flags and id");

  char *a2[] = { "run", "-b", "/b", "-d", "id2", NULL };
  bool detach = false;
  tap_ok (parse (a2, &o, &detach) == 0 && detach && strcmp (o.id, "id2") == 0, "run -d");

  char *a3[] = { "create", "-d", "id", NULL };
  tap_eq_int (parse (a3, &o, NULL), 1, "create has no --detach");
  char *a4[] = { "create", "--bogus", "id", NULL };
  tap_eq_int (parse (a4, &o, NULL), 1, "unknown flag");
  char *a5[] = { "create", NULL };
  tap_eq_int (parse (a5, &o, NULL), 1, "missing id");
  char *a6[] = { "create", "a", "b", NULL };
  tap_eq_int (parse (a6, &o, NULL), 1, "two ids");
  char *a7[] = { "create", "--preserve-fds", "-3", "id", NULL };
  tap_eq_int (parse (a7, &o, NULL), 1, "negative --preserve-fds");

  int n = 0;
  tap_ok (cli_parse_uint ("x", "--n", "17", &n) == 0 && n == 17, "uint parses");
  tap_ok (cli_parse_uint ("x", "--n", "17a", &n) != 0, "uint rejects junk");
  return tap_done ();
}
