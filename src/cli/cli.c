#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/log.h"

int cli_fail (struct rw_error **err)
{
  log_error (*err);
  rw_error_free (err);
  return 1;
}

int cli_usage_error (const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "runwasm%s%s: ", cmd ? " " : "", cmd ? cmd : "");
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nTry `runwasm%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
  return 1;
}

int cli_check_args (const char *cmd, int n, int min, int max, const char *what)
{
  if (n < min)
    return cli_usage_error (cmd, "missing %s", what);
  if (max >= 0 && n > max)
    return cli_usage_error (cmd, "too many arguments (expected %s)", what);
  return 0;
}

int cli_parse_uint (const char *cmd, const char *flag, const char *value, int *out)
{
  char *end = NULL;
  long v = strtol (value, &end, 10);
  if (*value == '\0' || *end || v < 0 || v > 1 << 20)
    return cli_usage_error (cmd, "%s: `%s` is not a non-negative integer", flag, value);
  *out = v;
  return 0;
}

int cli_parse_id_only (int argc, char **argv, const char *help, const char **id)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+h", options, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("%s", help);
          return 2;
        }
      return cli_usage_error (argv[0], "unknown option `%s`", argv[optind - 1]);
    }
  if (cli_check_args (argv[0], argc - optind, 1, 1, "CONTAINER-ID"))
    return 1;
  *id = argv[optind];
  return 0;
}
