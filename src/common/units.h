#ifndef RUNWASM_COMMON_UNITS_H
#define RUNWASM_COMMON_UNITS_H
/* Sizes and durations as users write them on command lines and in annotations. Both return
 * 0, or -1 for text that is not one (no partial parses, no negative numbers). */
#include <stdint.h>

/* "65536", "64KiB", "8M", "1GB" -> bytes (K, KB and KiB all mean 1024). */
int units_parse_size (const char *text, uint64_t *bytes);
/* "1500ms", "2s", "1m", "1h"; a plain number is seconds -> milliseconds. */
int units_parse_duration (const char *text, uint64_t *ms);

#endif
