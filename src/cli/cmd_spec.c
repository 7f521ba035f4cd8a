#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/cleanup.h"

/* A config for a shell in a busybox-like rootfs, with the isolation runc's default gives. */
static const char default_spec[] =
  "{"
  "\"ociVersion\":\"" RUNWASM_SPEC_VERSION "\","
  "\"process\":{\"terminal\":true,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
  "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],"
  "\"cwd\":\"/\","
  "\"capabilities\":{"
  "\"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "\"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "\"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]},"
  "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
  "\"noNewPrivileges\":true},"
  "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
  "\"hostname\":\"runwasm\","
  "\"mounts\":["
  "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
  "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
  "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
  "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
  "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
  "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
  "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}"
  "],"
  "\"linux\":{"
  "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
  "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
  "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\","
  "\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\"],"
  "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]"
  "}"
  "}";

static json_object *mapping (unsigned id)
{
  json_object *m = json_object_new_object ();
  json_object_object_add (m, "containerID", json_object_new_int (0));
  json_object_object_add (m, "hostID", json_object_new_int64 (id));
  json_object_object_add (m, "size", json_object_new_int (1));
  json_object *arr = json_object_new_array ();
  json_object_array_add (arr, m);
  return arr;
}

/* Rootless: a user namespace mapping the caller to root, no network namespace, /sys bound
 * from the host, no cgroup mount and no resources (no delegation assumed). */
static void make_rootless (json_object *spec)
{
  json_object *lx = NULL, *mounts = NULL, *namespaces = NULL;
  json_object_object_get_ex (spec, "linux", &lx);
  json_object_object_get_ex (spec, "mounts", &mounts);
  json_object_object_del (lx, "resources");
  json_object_object_add (lx, "uidMappings", mapping (geteuid ()));
  json_object_object_add (lx, "gidMappings", mapping (getegid ()));
  namespaces = json_object_new_array ();
  static const char *const kinds[] = { "pid", "ipc", "uts", "mount", "user" };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    {
      json_object *ns = json_object_new_object ();
      json_object_object_add (ns, "type", json_object_new_string (kinds[i]));
      json_object_array_add (namespaces, ns);
    }
  json_object_object_add (lx, "namespaces", namespaces);
  json_object *kept = json_object_new_array ();
  for (size_t i = 0; i < json_object_array_length (mounts); i++)
    {
      json_object *m = json_object_array_get_idx (mounts, i), *dest = NULL;
      json_object_object_get_ex (m, "destination", &dest);
      const char *d = json_object_get_string (dest);
      if (strcmp (d, "/sys/fs/cgroup") == 0)
        continue;
      if (strcmp (d, "/sys") == 0)
        {
          m = json_tokener_parse ("{\"destination\":\"/sys\",\"type\":\"none\",\"source\":\"/sys\","
                                  "\"options\":[\"rbind\",\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}");
          json_object_array_add (kept, m);
          continue;
        }
      if (strcmp (d, "/dev/pts") == 0)
        {
          /* gid=5 does not exist in a one-id user namespace. */
          json_object *opts = json_tokener_parse ("[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\"]");
          json_object_object_add (m, "options", opts);
        }
      json_object_array_add (kept, json_object_get (m));
    }
  json_object_object_add (spec, "mounts", kept);
}

int cmd_spec (struct cli_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *bundle = ".";
  bool rootless = false;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+b:h", options, NULL)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case 'r': rootless = true; break;
      case 'h':
        printf ("Usage: runwasm spec [OPTIONS]\n\n"
                "Writes a default config.json into the bundle directory.\n\n"
                "Options:\n"
                "  -b, --bundle DIR  where to write config.json (default: the current directory)\n"
                "      --rootless    a config for a container created without root\n"
                "  -h, --help        print this help\n");
        return 0;
      default: return cli_usage_error (argv[0], "unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (cli_check_args (argv[0], argc - optind, 0, 0, "no arguments"))
    return 1;
  json_object *spec = json_tokener_parse (default_spec);
  if (rootless)
    make_rootless (spec);
  cleanup_free char *path = NULL;
  if (asprintf (&path, "%s/config.json", bundle) < 0)
    return 1;
  int r = 0;
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      fprintf (stderr, "runwasm spec: create `%s`: %s%s\n", path, strerror (errno),
               errno == EEXIST ? " (remove it first)" : "");
      r = 1;
    }
  else
    {
      const char *text = json_object_to_json_string_ext (spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
      if (dprintf (fd, "%s\n", text) < 0)
        {
          fprintf (stderr, "runwasm spec: write `%s`: %s\n", path, strerror (errno));
          r = 1;
        }
    }
  json_object_put (spec);
  return r;
}
