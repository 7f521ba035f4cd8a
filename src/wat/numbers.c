/* Numeric literals. Digits may be separated by single underscores; floats are validated by
 * hand and then rounded by strtof/strtod, which glibc rounds correctly (round to nearest,
 * ties to even) for both decimal and hex input, so no double rounding happens. */
#include "wat/numbers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int digit_value (char c, int hex)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (hex && c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (hex && c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of a digit run with single underscores between digits, starting at s; 0 if none. */
static size_t digit_run (const char *s, const char *end, int hex)
{
  const char *p = s;
  if (p >= end || digit_value (*p, hex) < 0)
    return 0;
  while (p < end)
    {
      if (digit_value (*p, hex) >= 0)
        p++;
      else if (*p == '_' && p + 1 < end && digit_value (p[1], hex) >= 0)
        p++;
      else
        break;
    }
  return p - s;
}

/* Magnitude of an unsigned integer literal; out-of-range if above max. */
static int parse_magnitude (const char *s, size_t len, uint64_t max, uint64_t *out)
{
  const char *end = s + len;
  int hex = len > 2 && s[0] == '0' && s[1] == 'x';
  if (hex)
    s += 2;
  if (s == end || digit_run (s, end, hex) != (size_t) (end - s))
    return NUM_MALFORMED;
  uint64_t v = 0, base = hex ? 16 : 10;
  int overflow = 0;
  for (; s < end; s++)
    {
      if (*s == '_')
        continue;
      uint64_t d = digit_value (*s, hex);
      if (v > (UINT64_MAX - d) / base)
        overflow = 1;
      else
        v = v * base + d;
    }
  if (overflow || v > max)
    return NUM_OUT_OF_RANGE;
  *out = v;
  return NUM_OK;
}

int wat_parse_uint (const char *s, size_t len, uint64_t max, uint64_t *out)
{
  return parse_magnitude (s, len, max, out);
}

int wat_parse_int (const char *s, size_t len, int bits, uint64_t *out)
{
  uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C (1) << bits) - 1;
  uint64_t neg_max = UINT64_C (1) << (bits - 1);
  int negative = len > 0 && s[0] == '-';
  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    s++, len--;
  uint64_t v;
  int rc = parse_magnitude (s, len, negative ? neg_max : umax, &v);
  if (rc != NUM_OK)
    return rc;
  if (negative)
    v = -v;
  *out = bits == 64 ? v : v & umax;
  return NUM_OK;
}

/* Checks float syntax after the sign and writes a copy without underscores (and with a
 * "p0" exponent for hex floats, which strtod requires) into clean. */
static int float_syntax (const char *s, const char *end, char *clean)
{
  int hex = end - s > 2 && s[0] == '0' && s[1] == 'x';
  char *o = clean;
  if (hex)
    {
      *o++ = '0', *o++ = 'x';
      s += 2;
    }
  size_t n = digit_run (s, end, hex);
  if (n == 0)
    return NUM_MALFORMED;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '_')
      *o++ = s[i];
  s += n;
  if (s < end && *s == '.')
    {
      *o++ = *s++;
      n = digit_run (s, end, hex);
      for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
          *o++ = s[i];
      s += n;
    }
  int has_exp = 0;
  if (s < end && (hex ? (*s == 'p' || *s == 'P') : (*s == 'e' || *s == 'E')))
    {
      has_exp = 1;
      *o++ = *s++;
      if (s < end && (*s == '+' || *s == '-'))
        *o++ = *s++;
      n = digit_run (s, end, 0);
      if (n == 0)
        return NUM_MALFORMED;
      for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
          *o++ = s[i];
      s += n;
    }
  if (s != end)
    return NUM_MALFORMED;
  if (hex && !has_exp)
    *o++ = 'p', *o++ = '0';
  *o = 0;
  return NUM_OK;
}

/* Shared by f32 and f64: mant_bits is the width of the significand field. */
static int parse_float (const char *s, size_t len, int is_f32, uint64_t *bits)
{
  int mant_bits = is_f32 ? 23 : 52;
  uint64_t sign_bit = UINT64_C (1) << (is_f32 ? 31 : 63);
  uint64_t exp_mask = is_f32 ? UINT64_C (0x7f800000) : UINT64_C (0x7ff0000000000000);
  const char *end = s + len;
  int negative = 0;
  if (s < end && (*s == '-' || *s == '+'))
    negative = *s++ == '-';
  uint64_t sign = negative ? sign_bit : 0;
  size_t rest = end - s;
  if (rest == 3 && memcmp (s, "inf", 3) == 0)
    {
      *bits = sign | exp_mask;
      return NUM_OK;
    }
  if (rest == 3 && memcmp (s, "nan", 3) == 0)
    {
      *bits = sign | exp_mask | (UINT64_C (1) << (mant_bits - 1));
      return NUM_OK;
    }
  if (rest > 6 && memcmp (s, "nan:0x", 6) == 0)
    {
      uint64_t payload;
      if (parse_magnitude (s + 4, rest - 4, (UINT64_C (1) << mant_bits) - 1, &payload) != NUM_OK
          || payload == 0)
        return NUM_OUT_OF_RANGE;
      *bits = sign | exp_mask | payload;
      return NUM_OK;
    }
  char *clean = malloc (rest + 4);
  if (!clean)
    return NUM_MALFORMED;
  int rc = float_syntax (s, end, clean);
  if (rc == NUM_OK)
    {
      if (is_f32)
        {
          float f = strtof (clean, NULL);
          uint32_t u;
          memcpy (&u, &f, 4);
          *bits = u;
          rc = isinf (f) ? NUM_OUT_OF_RANGE : NUM_OK;
        }
      else
        {
          double d = strtod (clean, NULL);
          memcpy (bits, &d, 8);
          rc = isinf (d) ? NUM_OUT_OF_RANGE : NUM_OK;
        }
      *bits |= sign;
    }
  free (clean);
  return rc;
}

int wat_parse_f32 (const char *s, size_t len, uint32_t *bits)
{
  uint64_t b;
  int rc = parse_float (s, len, 1, &b);
  *bits = (uint32_t) b;
  return rc;
}

int wat_parse_f64 (const char *s, size_t len, uint64_t *bits)
{
  return parse_float (s, len, 0, bits);
}
