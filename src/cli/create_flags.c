#include "cli/create_flags.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage (const char *cmd, bool with_detach)
{
  printf ("Usage: runwasm %s [OPTIONS] CONTAINER-ID\n\n"
          "Options:\n"
          "  -b, --bundle DIR          bundle directory (default: the current directory)\n"
          "  -f, --config FILE         config file (default: BUNDLE/config.json)\n"
          "      --pid-file FILE       write the container's pid to FILE\n"
          "      --console-socket SOCK send the pty master of a terminal to the unix socket SOCK\n"
          "      --preserve-fds N      pass N extra fds (3, 4, ...) to the container\n"
          "      --no-pivot            use MS_MOVE and chroot instead of pivot_root\n"
          "      --no-new-keyring      keep the runtime's session keyring\n",
          cmd);
  if (with_detach)
    printf ("  -d, --detach              return after starting; do not wait or delete\n"
            "      --keep                do not delete the container after it exits\n"
            "      --no-subreaper        do not become the reaper of the container's orphans\n");
  printf ("  -h, --help                print this help\n");
}

int create_flags_parse (int argc, char **argv, struct create_options *o, bool *detach)
{
  enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_PRESERVE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_NO_SUBREAPER, OPT_KEEP };
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "config", required_argument, NULL, 'f' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, OPT_KEEP },
    { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *cmd = argv[0];
  memset (o, 0, sizeof *o);
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, detach ? "+b:f:dh" : "+b:f:h", options, NULL)) != -1)
    switch (c)
      {
      case 'b': o->bundle = optarg; break;
      case 'f': o->config_path = optarg; break;
      case OPT_PID_FILE: o->pid_file = optarg; break;
      case OPT_CONSOLE: o->console_socket = optarg; break;
      case OPT_PRESERVE:
        if (cli_parse_uint (cmd, "--preserve-fds", optarg, &o->preserve_fds))
          return 1;
        break;
      case OPT_NO_PIVOT: o->no_pivot = true; break;
      case OPT_NO_KEYRING: o->no_new_keyring = true; break;
      case 'd':
      case OPT_KEEP:
      case OPT_NO_SUBREAPER:
        if (detach == NULL)
          return cli_usage_error (cmd, "unknown option `%s`", argv[optind - 1]);
        *detach |= c == 'd';
        o->keep |= c == OPT_KEEP;
        o->no_subreaper |= c == OPT_NO_SUBREAPER;
        break;
      case 'h': usage (cmd, detach != NULL); return 2;
      default: return cli_usage_error (cmd, "unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (cli_check_args (cmd, argc - optind, 1, 1, "CONTAINER-ID"))
    return 1;
  o->id = argv[optind];
  return 0;
}
