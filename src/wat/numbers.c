/* Numeric literals. Digits may be separated by single underscores. Decimal floats are
 * validated by hand and rounded by strtof/strtod (glibc rounds decimal input correctly,
 * to nearest, ties to even, straight to the target type). Hex floats are rounded here:
 * glibc's strtof drops sticky bits for some subnormal hex inputs. */
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

/* Checks decimal float syntax after the sign and writes a copy without underscores into
 * clean: digits, optional fraction, optional exponent. */
static int decimal_float_syntax (const char *s, const char *end, char *clean)
{
  char *o = clean;
  for (int part = 0; part < 3; part++)
    {
      if (part == 1)
        {
          if (s >= end || *s != '.')
            continue;
          *o++ = *s++;
        }
      if (part == 2)
        {
          if (s >= end || (*s != 'e' && *s != 'E'))
            break;
          *o++ = *s++;
          if (s < end && (*s == '+' || *s == '-'))
            *o++ = *s++;
        }
      size_t n = digit_run (s, end, 0);
      if (n == 0 && part != 1)
        return NUM_MALFORMED;
      for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
          *o++ = s[i];
      s += n;
    }
  if (s != end)
    return NUM_MALFORMED;
  *o = 0;
  return NUM_OK;
}

/* Hex float "0xH.HpE" (after the sign) rounded to nearest-even with mant_bits fraction bits
 * and the matching exponent range; the result has no sign. */
static int hex_float_bits (const char *s, const char *end, int mant_bits, int exp_bits,
                           uint64_t *bits)
{
  uint64_t m = 0;
  int sticky = 0;
  long exp = 0;
  s += 2;
  size_t n = digit_run (s, end, 1);
  if (n == 0)
    return NUM_MALFORMED;
  /* Keep the first 60 significant bits in m; later nonzero digits only set sticky. */
  for (int frac = 0; frac < 2; frac++)
    {
      for (size_t i = 0; i < n; i++)
        {
          if (s[i] == '_')
            continue;
          int d = digit_value (s[i], 1);
          if (m < (UINT64_C (1) << 60))
            {
              m = m * 16 + d;
              exp -= frac ? 4 : 0;
            }
          else
            {
              sticky |= d != 0;
              exp += frac ? 0 : 4;
            }
        }
      s += n;
      if (frac || s >= end || *s != '.')
        break;
      s++;
      n = digit_run (s, end, 1);
    }
  if (s < end && (*s == 'p' || *s == 'P'))
    {
      s++;
      int negative = s < end && *s == '-';
      if (s < end && (*s == '+' || *s == '-'))
        s++;
      n = digit_run (s, end, 0);
      if (n == 0)
        return NUM_MALFORMED;
      long e = 0;
      for (size_t i = 0; i < n; i++)
        if (s[i] != '_' && e < 100000000)
          e = e * 10 + (s[i] - '0');
      exp += negative ? -e : e;
      s += n;
    }
  if (s != end)
    return NUM_MALFORMED;
  if (m == 0)
    {
      *bits = 0;
      return NUM_OK;
    }
  int precision = mant_bits + 1;
  long bias = (1L << (exp_bits - 1)) - 1, emin = 1 - bias;
  long top = 63 - __builtin_clzll (m) + exp; /* value is in [2^top, 2^(top+1)) */
  long lsb = (top >= emin ? top : emin) - (precision - 1);
  long shift = lsb - exp;
  uint64_t q;
  if (shift <= 0)
    q = m << -shift; /* exact: shift >= msb(m) - mant_bits */
  else if (shift > 64)
    q = 0; /* below half of the smallest subnormal */
  else
    {
      unsigned __int128 wide = m, rem = wide & ((((unsigned __int128) 1) << shift) - 1);
      unsigned __int128 half = ((unsigned __int128) 1) << (shift - 1);
      q = (uint64_t) (wide >> shift);
      if (rem > half || (rem == half && (sticky || (q & 1))))
        q++;
    }
  if (q >> precision)
    {
      q >>= 1;
      lsb++;
    }
  if (q >> (precision - 1))
    {
      long biased = lsb + (precision - 1) + bias;
      if (biased >= 2 * bias + 1)
        return NUM_OUT_OF_RANGE;
      *bits = ((uint64_t) biased << mant_bits) | (q & ((UINT64_C (1) << mant_bits) - 1));
    }
  else
    *bits = q; /* subnormal or zero */
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
  if (rest > 2 && s[0] == '0' && s[1] == 'x')
    {
      int rc = hex_float_bits (s, end, mant_bits, is_f32 ? 8 : 11, bits);
      *bits |= sign;
      return rc;
    }
  char *clean = malloc (rest + 1);
  if (!clean)
    return NUM_MALFORMED;
  int rc = decimal_float_syntax (s, end, clean);
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
