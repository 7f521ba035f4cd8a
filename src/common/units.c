/* Parsing sizes and durations (see units.h). */
#include "common/units.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int units_parse_size (const char *text, uint64_t *bytes)
{
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull (text, &end, 10);
  if (errno != 0 || end == text || text[0] == '-')
    return -1;
  static const struct { const char *suffix; unsigned long long scale; } units[] = {
    { "", 1 }, { "B", 1 }, { "K", 1ull << 10 }, { "KB", 1ull << 10 }, { "KiB", 1ull << 10 },
    { "M", 1ull << 20 }, { "MB", 1ull << 20 }, { "MiB", 1ull << 20 },
    { "G", 1ull << 30 }, { "GB", 1ull << 30 }, { "GiB", 1ull << 30 },
  };
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp (end, units[i].suffix) == 0)
      {
        if (n > (1ull << 40))
          return -1;
        *bytes = n * units[i].scale;
        return 0;
      }
  return -1;
}

int units_parse_duration (const char *text, uint64_t *ms)
{
  char *end = NULL;
  errno = 0;
  unsigned long long n = strtoull (text, &end, 10);
  if (errno != 0 || end == text || text[0] == '-' || n > (1ull << 40))
    return -1;
  static const struct { const char *suffix; unsigned long long scale; } units[] = {
    { "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 },
  };
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp (end, units[i].suffix) == 0)
      {
        *ms = n * units[i].scale;
        return 0;
      }
  return -1;
}
