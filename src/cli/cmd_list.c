#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char *field (json_object *o, const char *key)
{
  json_object *v = NULL;
  return json_object_object_get_ex (o, key, &v) ? json_object_get_string (v) : "";
}

int cmd_list (struct cli_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  bool quiet = false;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+f:qh", options, NULL)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'q': quiet = true; break;
      case 'h':
        printf ("Usage: runwasm list [OPTIONS]\n\n"
                "Lists the containers under the state root.\n\n"
                "Options:\n"
                "  -f, --format table|json  output format (default table)\n"
                "  -q, --quiet              print the container ids only\n"
                "  -h, --help               print this help\n");
        return 0;
      default: return cli_usage_error (argv[0], "unknown or incomplete option `%s`", argv[optind - 1]);
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error (argv[0], "--format: unknown format `%s` (table or json)", format);
  if (cli_check_args (argv[0], argc - optind, 0, 0, "no arguments"))
    return 1;
  struct rw_error *err = NULL;
  json_object *list = NULL;
  if (container_list (&g->ro, &list, &err) < 0)
    return cli_fail (&err);
  size_t n = json_object_array_length (list);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf ("%s\n", field (json_object_array_get_idx (list, i), "id"));
  else if (strcmp (format, "json") == 0)
    printf ("%s\n", json_object_to_json_string_ext (list, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  else
    {
      printf ("%-20s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
      for (size_t i = 0; i < n; i++)
        {
          json_object *o = json_object_array_get_idx (list, i);
          printf ("%-20s %-8s %-10s %-40s %-31s %s\n", field (o, "id"), field (o, "pid"), field (o, "status"),
                  field (o, "bundle"), field (o, "created"), field (o, "owner"));
        }
    }
  json_object_put (list);
  return 0;
}
