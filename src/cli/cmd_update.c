#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* "512", "64k", "1.5g", "-1": bytes as runc's flags take them. */
static int parse_bytes (const char *s, int64_t *out)
{
  char *end = NULL;
  errno = 0;
  double v = strtod (s, &end);
  if (end == s || errno)
    return -1;
  double mult = 1;
  switch (tolower ((unsigned char) *end))
    {
    case 'k': mult = 1024.0; end++; break;
    case 'm': mult = 1024.0 * 1024; end++; break;
    case 'g': mult = 1024.0 * 1024 * 1024; end++; break;
    case 't': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end)
    return -1;
  *out = (int64_t) (v * mult);
  return 0;
}

static json_object *section (json_object *res, const char *name)
{
  json_object *o = NULL;
  if (!json_object_object_get_ex (res, name, &o))
    {
      o = json_object_new_object ();
      json_object_object_add (res, name, o);
    }
  return o;
}

struct update_flag {
  const char *flag, *section, *key;
  bool bytes, string;
};

static const struct update_flag update_flags[] = {
  { "blkio-weight", "blockIO", "weight", false, false },
  { "cpu-period", "cpu", "period", false, false },
  { "cpu-quota", "cpu", "quota", false, false },
  { "cpu-rt-period", "cpu", "realtimePeriod", false, false },
  { "cpu-rt-runtime", "cpu", "realtimeRuntime", false, false },
  { "cpu-share", "cpu", "shares", false, false },
  { "cpuset-cpus", "cpu", "cpus", false, true },
  { "cpuset-mems", "cpu", "mems", false, true },
  { "memory", "memory", "limit", true, false },
  { "memory-reservation", "memory", "reservation", true, false },
  { "memory-swap", "memory", "swap", true, false },
  { "pids-limit", "pids", "limit", false, false },
};
#define N_UPDATE_FLAGS (sizeof update_flags / sizeof update_flags[0])

static void usage (void)
{
  printf ("Usage: runwasm update [OPTIONS] CONTAINER-ID\n\n"
          "Changes the cgroup resources of a container.\n\n"
          "Options:\n"
          "  -r, --resources FILE          linux.resources-shaped JSON (`-': stdin)\n"
          "      --blkio-weight N          block IO weight (10-1000)\n"
          "      --cpu-period N            CPU CFS period (microseconds)\n"
          "      --cpu-quota N             CPU CFS quota (microseconds)\n"
          "      --cpu-rt-period N         CPU realtime period\n"
          "      --cpu-rt-runtime N        CPU realtime runtime\n"
          "      --cpu-share N             CPU shares (relative weight)\n"
          "      --cpuset-cpus LIST        CPUs allowed (0-3, 0,1)\n"
          "      --cpuset-mems LIST        memory nodes allowed\n"
          "      --memory BYTES            memory limit (suffixes k, m, g)\n"
          "      --memory-reservation BYTES  memory soft limit\n"
          "      --memory-swap BYTES       memory plus swap limit\n"
          "      --pids-limit N            maximum number of processes\n"
          "  -h, --help                    print this help\n");
}

int cmd_update (struct cli_globals *g, int argc, char **argv)
{
  struct option options[N_UPDATE_FLAGS + 3];
  for (size_t i = 0; i < N_UPDATE_FLAGS; i++)
    options[i] = (struct option){ update_flags[i].flag, required_argument, NULL, 256 + (int) i };
  options[N_UPDATE_FLAGS] = (struct option){ "resources", required_argument, NULL, 'r' };
  options[N_UPDATE_FLAGS + 1] = (struct option){ "help", no_argument, NULL, 'h' };
  options[N_UPDATE_FLAGS + 2] = (struct option){ NULL, 0, NULL, 0 };

  json_object *flags = json_object_new_object ();
  const char *resources_path = NULL;
  int r = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+r:h", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          usage ();
          r = 0;
          goto out;
        }
      if (c == 'r')
        {
          resources_path = optarg;
          continue;
        }
      if (c < 256 || c >= 256 + (int) N_UPDATE_FLAGS)
        {
          cli_usage_error (argv[0], "unknown or incomplete option `%s`", argv[optind - 1]);
          goto out;
        }
      const struct update_flag *f = &update_flags[c - 256];
      json_object *value;
      if (f->string)
        value = json_object_new_string (optarg);
      else
        {
          int64_t n;
          char *end = NULL;
          if (f->bytes ? parse_bytes (optarg, &n) < 0 : ((n = strtoll (optarg, &end, 10)), *optarg == '\0' || *end))
            {
              cli_usage_error (argv[0], "--%s: `%s` is not a number", f->flag, optarg);
              goto out;
            }
          value = json_object_new_int64 (n);
        }
      json_object_object_add (section (flags, f->section), f->key, value);
    }
  if (cli_check_args (argv[0], argc - optind, 1, 1, "CONTAINER-ID"))
    goto out;

  json_object *resources = flags;
  if (resources_path)
    {
      resources = strcmp (resources_path, "-") == 0 ? json_object_from_fd (0) : json_object_from_file (resources_path);
      if (resources == NULL || !json_object_is_type (resources, json_type_object))
        {
          fprintf (stderr, "runwasm update: --resources `%s`: not a JSON object\n", resources_path);
          json_object_put (resources);
          goto out;
        }
      /* Flags win over the file, as in runc. */
      json_object_object_foreach (flags, name, sec)
        {
          json_object_object_foreach (sec, key, value)
            json_object_object_add (section (resources, name), key, json_object_get (value));
        }
    }
  struct rw_error *err = NULL;
  r = container_update (&g->ro, argv[optind], resources, &err) < 0 ? cli_fail (&err) : 0;
  if (resources != flags)
    json_object_put (resources);
out:
  json_object_put (flags);
  return r;
}
