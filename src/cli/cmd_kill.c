#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static const struct {
  const char *name;
  int number;
} signal_names[] = {
  { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
  { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
  { "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },
  { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH }, { "IO", SIGIO },         { "POLL", SIGPOLL },   { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

/* "9", "KILL", "SIGKILL", "sigkill", "RTMIN+3". */
static int parse_signal (const char *s)
{
  char *end = NULL;
  long n = strtol (s, &end, 10);
  if (*s && *end == '\0')
    return n > 0 && n < NSIG ? (int) n : -1;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcasecmp (s, signal_names[i].name) == 0)
      return signal_names[i].number;
  if (strncasecmp (s, "RTMIN", 5) == 0 || strncasecmp (s, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (s, "RTMIN", 5) == 0;
      long off = s[5] ? strtol (s + 5, &end, 10) : 0;
      if (s[5] && *end)
        return -1;
      int v = (min ? SIGRTMIN : SIGRTMAX) + (int) off;
      return v >= SIGRTMIN && v <= SIGRTMAX ? v : -1;
    }
  return -1;
}

int cmd_kill (struct cli_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "all", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, "+ah", options, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'h':
        printf ("Usage: runwasm kill [OPTIONS] CONTAINER-ID [SIGNAL]\n\n"
                "Sends SIGNAL (a name like TERM or SIGKILL, or a number; default TERM) to the\n"
                "container's init.\n\n"
                "Options:\n"
                "  -a, --all   send it to every process of the container\n"
                "  -h, --help  print this help\n");
        return 0;
      default: return cli_usage_error (argv[0], "unknown option `%s`", argv[optind - 1]);
      }
  if (cli_check_args (argv[0], argc - optind, 1, 2, "CONTAINER-ID [SIGNAL]"))
    return 1;
  int signo = SIGTERM;
  if (argc - optind == 2 && (signo = parse_signal (argv[optind + 1])) < 0)
    return cli_usage_error (argv[0], "unknown signal `%s`", argv[optind + 1]);
  struct rw_error *err = NULL;
  if (container_kill (&g->ro, argv[optind], signo, all, &err) < 0)
    return cli_fail (&err);
  return 0;
}
