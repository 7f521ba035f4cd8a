/* runwasm node install|uninstall [OPTIONS]: the Kubernetes node installer (src/node). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "node/node.h"

static const char help[] =
  "Usage: runwasm node install|uninstall [OPTIONS]\n"
  "\n"
  "Installs runwasm on a Kubernetes node and registers it as a runtime handler with the\n"
  "node's containerd (config versions 1-3, k3s and RKE2 templates) and CRI-O, checks the\n"
  "result with the runtime's own parser, and restarts the runtime. Running it again changes\n"
  "nothing. `uninstall` removes the handler, restarts the runtime and removes the binary.\n"
  "\n"
  "Options:\n"
  "  --host-root DIR        the node's root filesystem (default /)\n"
  "  --runtime NAME         containerd, k3s, rke2 or crio; repeatable (default: all found)\n"
  "  --handler NAME         runtime handler name (default runwasm)\n"
  "  --bin-dir DIR          where the binary goes on the node (default /usr/local/bin)\n"
  "  --binary FILE          the runwasm to install (default: this one)\n"
  "  --enter-node           run systemctl/containerd/crio in PID 1's namespaces (a pod with\n"
  "                         hostPID and the node's / at --host-root)\n"
  "  --no-restart           do not restart the runtime (a later run will)\n"
  "  --no-check             do not run `containerd config dump` / `crio config`\n"
  "  --crio-annotations yes|no|auto  list allowed_annotations in the CRI-O drop-in (auto:\n"
  "                         as `crio config` accepts)\n"
  "  --restart-attempts N   tries before a restart counts as failed (default 3)\n"
  "  --systemctl PROGRAM    what restarts units (default systemctl)\n"
  "  --containerd-config FILE  containerd's config (default /etc/containerd/config.toml)\n"
  "  --state-dir DIR        runwasm's state directory for the handler (default: containerd's\n"
  "                         /run/containerd/runc/<namespace>; CRI-O: /run/<handler>)\n";

int cmd_node (struct cli_globals *g, int argc, char **argv)
{
  enum { OPT_ROOT = 256, OPT_RUNTIME, OPT_HANDLER, OPT_BIN_DIR, OPT_BINARY, OPT_ENTER, OPT_NO_RESTART,
         OPT_NO_CHECK, OPT_CRIO_ANN, OPT_ATTEMPTS, OPT_SYSTEMCTL, OPT_CONTAINERD_CONFIG, OPT_STATE_DIR };
  static const struct option options[] = {
    { "host-root", required_argument, NULL, OPT_ROOT },
    { "runtime", required_argument, NULL, OPT_RUNTIME },
    { "handler", required_argument, NULL, OPT_HANDLER },
    { "bin-dir", required_argument, NULL, OPT_BIN_DIR },
    { "binary", required_argument, NULL, OPT_BINARY },
    { "enter-node", no_argument, NULL, OPT_ENTER },
    { "no-restart", no_argument, NULL, OPT_NO_RESTART },
    { "no-check", no_argument, NULL, OPT_NO_CHECK },
    { "crio-annotations", required_argument, NULL, OPT_CRIO_ANN },
    { "restart-attempts", required_argument, NULL, OPT_ATTEMPTS },
    { "systemctl", required_argument, NULL, OPT_SYSTEMCTL },
    { "containerd-config", required_argument, NULL, OPT_CONTAINERD_CONFIG },
    { "state-dir", required_argument, NULL, OPT_STATE_DIR },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct node_options o = {
    .host_root = "/", .handler = "runwasm", .bin_dir = "/usr/local/bin", .binary = "/proc/self/exe",
    .systemctl = "systemctl", .containerd_config = "/etc/containerd/config.toml", .restart = true, .check = true, .crio_annotations = -1, .restart_attempts = 3,
  };
  (void) g;
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (help, argc < 2 ? stderr : stdout);
      return argc < 2;
    }
  const char *verb = argv[1];
  if (strcmp (verb, "install") != 0 && strcmp (verb, "uninstall") != 0)
    return cli_usage_error ("node", "unknown subcommand `%s` (install or uninstall)", verb);
  opterr = 0;
  optind = 2;
  int c, rt;
  while ((c = getopt_long (argc, argv, "+h", options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT: o.host_root = optarg; break;
      case OPT_RUNTIME:
        if ((rt = node_runtime_from_name (optarg)) < 0)
          return cli_usage_error ("node", "--runtime: unknown runtime `%s` (containerd, k3s, rke2 or crio)", optarg);
        o.want[rt] = true;
        break;
      case OPT_HANDLER: o.handler = optarg; break;
      case OPT_BIN_DIR: o.bin_dir = optarg; break;
      case OPT_BINARY: o.binary = optarg; break;
      case OPT_ENTER: o.enter_node = true; break;
      case OPT_NO_RESTART: o.restart = false; break;
      case OPT_NO_CHECK: o.check = false; break;
      case OPT_CRIO_ANN:
        if (strcmp (optarg, "yes") == 0)
          o.crio_annotations = 1;
        else if (strcmp (optarg, "no") == 0)
          o.crio_annotations = 0;
        else if (strcmp (optarg, "auto") != 0)
          return cli_usage_error ("node", "--crio-annotations: `%s` is not yes, no or auto", optarg);
        break;
      case OPT_ATTEMPTS:
        if (cli_parse_uint ("node", "--restart-attempts", optarg, &o.restart_attempts) != 0)
          return 1;
        if (o.restart_attempts < 1)
          return cli_usage_error ("node", "--restart-attempts must be at least 1");
        break;
      case OPT_SYSTEMCTL: o.systemctl = optarg; break;
      case OPT_CONTAINERD_CONFIG: o.containerd_config = optarg; break;
      case OPT_STATE_DIR: o.state_dir = optarg; break;
      case 'h': fputs (help, stdout); return 0;
      default: return cli_usage_error ("node", "unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (optind < argc)
    return cli_usage_error ("node", "unexpected argument `%s`", argv[optind]);
  for (size_t n = strlen (o.host_root); n > 1 && o.host_root[n - 1] == '/'; n--)
    ((char *) o.host_root)[n - 1] = '\0';
  if (o.host_root[0] != '/' || o.bin_dir[0] != '/' || o.containerd_config[0] != '/' || (o.state_dir && o.state_dir[0] != '/'))
    return cli_usage_error ("node", "--host-root, --bin-dir, --containerd-config and --state-dir must be absolute paths");
  if (!*o.handler || strchr (o.handler, '/'))
    return cli_usage_error ("node", "--handler: `%s` is not a handler name", o.handler);
  struct rw_error *err = NULL;
  int r = strcmp (verb, "install") == 0 ? node_install (&o, &err) : node_uninstall (&o, &err);
  return r < 0 ? cli_fail (&err) : 0;
}
