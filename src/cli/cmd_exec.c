#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "runtime/exec.h"

static void usage (void)
{
  printf ("Usage: runwasm exec [OPTIONS] CONTAINER-ID [COMMAND [ARG...]]\n\n"
          "Runs a new process in a running container.\n\n"
          "Options:\n"
          "  -p, --process FILE        the process as runtime-spec `process` JSON\n"
          "  -d, --detach              return once the process runs; do not wait for it\n"
          "      --pid-file FILE       write the process' pid to FILE\n"
          "      --console-socket SOCK send the pty master of a terminal to SOCK\n"
          "  -t, --tty                 give the process a terminal\n"
          "  -e, --env KEY=VALUE       add an environment variable (repeatable)\n"
          "      --cwd DIR             working directory in the container\n"
          "  -u, --user UID[:GID]      user and group ids to run as\n"
          "      --preserve-fds N      pass N extra fds (3, 4, ...) to the process\n"
          "      --no-new-privs        set no_new_privs for the process\n"
          "  -c, --cap CAP             add CAP to the bounding, effective and permitted sets (repeatable)\n"
          "  -g, --additional-gids GID add a supplementary group (repeatable)\n"
          "      --apparmor PROFILE    run under the AppArmor profile PROFILE\n"
          "      --process-label LABEL run with the SELinux label LABEL\n"
          "      --cgroup SUB          join the existing sub-cgroup SUB of the container's cgroup\n"
          "      --ignore-paused       allow exec into a paused container\n"
          "  -h, --help                print this help\n\n"
          "Exit status: the process' own; 255 if it could not be started.\n");
}

int cmd_exec (struct cli_globals *g, int argc, char **argv)
{
  enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_CWD, OPT_PRESERVE, OPT_NNP, OPT_APPARMOR, OPT_LABEL, OPT_CGROUP,
         OPT_IGNORE_PAUSED };
  static const struct option options[] = {
    { "process", required_argument, NULL, 'p' },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "tty", no_argument, NULL, 't' },
    { "env", required_argument, NULL, 'e' },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "user", required_argument, NULL, 'u' },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "no-new-privs", no_argument, NULL, OPT_NNP },
    { "cap", required_argument, NULL, 'c' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "process-label", required_argument, NULL, OPT_LABEL },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct exec_options o = { 0 };
  /* Each list holds at most one entry per argument. */
  char **env = calloc (argc + 1, sizeof *env);
  char **caps = calloc (argc + 1, sizeof *caps);
  char **gids = calloc (argc + 1, sizeof *gids);
  size_t n_env = 0, n_caps = 0, n_gids = 0;
  int r = 1;
  if (env == NULL || caps == NULL || gids == NULL)
    goto out;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+p:de:tu:c:g:h", options, NULL)) != -1)
    switch (c)
      {
      case 'p': o.process_path = optarg; break;
      case 'd': o.detach = true; break;
      case OPT_PID_FILE: o.pid_file = optarg; break;
      case OPT_CONSOLE: o.console_socket = optarg; break;
      case 't': o.tty = true; break;
      case 'e': env[n_env++] = optarg; break;
      case OPT_CWD: o.cwd = optarg; break;
      case 'u': o.user = optarg; break;
      case OPT_PRESERVE:
        if (cli_parse_uint (argv[0], "--preserve-fds", optarg, &o.preserve_fds))
          goto out;
        break;
      case OPT_NNP: o.no_new_privs = true; break;
      case 'c': caps[n_caps++] = optarg; break;
      case 'g': gids[n_gids++] = optarg; break;
      case OPT_APPARMOR: o.apparmor = optarg; break;
      case OPT_LABEL: o.process_label = optarg; break;
      case OPT_CGROUP: o.cgroup = optarg; break;
      case OPT_IGNORE_PAUSED: o.ignore_paused = true; break;
      case 'h':
        usage ();
        r = 0;
        goto out;
      default:
        cli_usage_error (argv[0], "unknown or incomplete option `%s`", argv[optind - 1]);
        goto out;
      }
  if (cli_check_args (argv[0], argc - optind, 1, -1, "CONTAINER-ID"))
    goto out;
  o.id = argv[optind];
  o.args = argv + optind + 1;
  o.env = env;
  o.caps = caps;
  o.additional_gids = gids;
  if (o.process_path && o.args[0])
    {
      cli_usage_error (argv[0], "give either --process or a command, not both");
      goto out;
    }
  struct rw_error *err = NULL;
  int exit_code = 0;
  /* As runc: 255 when the process could not be run, so it is told from the process' own. */
  if (container_exec (&g->ro, &o, &exit_code, &err) < 0)
    {
      cli_fail (&err);
      r = 255;
    }
  else
    r = exit_code;
out:
  free (env);
  free (caps);
  free (gids);
  return r;
}
