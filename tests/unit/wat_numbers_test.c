/* Numeric literals: integer ranges and syntax, float rounding at the edges of f32/f64,
 * NaN payloads. Expected bit patterns follow from IEEE 754 round-to-nearest-even. */
#include "tap.h"

#include "wat/numbers.h"

static int int_rc (const char *s, int bits, uint64_t *v)
{
  return wat_parse_int (s, strlen (s), bits, v);
}

static int f32_rc (const char *s, uint32_t *v)
{
  return wat_parse_f32 (s, strlen (s), v);
}

static int f64_rc (const char *s, uint64_t *v)
{
  return wat_parse_f64 (s, strlen (s), v);
}

static void integers (void)
{
  uint64_t v = 0;
  tap_eq_int (int_rc ("0xffff_ffff", 32, &v), NUM_OK, "i32 hex with underscore");
  tap_eq_int (v, 0xffffffffu, "i32 0xffff_ffff value");
  tap_eq_int (int_rc ("0x1_0000_0000", 32, &v), NUM_OUT_OF_RANGE, "i32 2^32 out of range");
  tap_eq_int (int_rc ("-2147483648", 32, &v), NUM_OK, "i32 minimum");
  tap_eq_int (v, 0x80000000u, "i32 minimum bits");
  tap_eq_int (int_rc ("-2147483649", 32, &v), NUM_OUT_OF_RANGE, "below i32 minimum");
  tap_eq_int (int_rc ("+42", 32, &v), NUM_OK, "explicit plus sign");
  tap_eq_int (v, 42, "+42 value");
  tap_eq_int (int_rc ("18446744073709551615", 64, &v), NUM_OK, "u64 maximum");
  tap_ok (v == UINT64_MAX, "u64 maximum value");
  tap_eq_int (int_rc ("18446744073709551616", 64, &v), NUM_OUT_OF_RANGE, "2^64 out of range");
  tap_eq_int (int_rc ("-0x8000000000000000", 64, &v), NUM_OK, "i64 minimum");
  tap_ok (v == UINT64_C (0x8000000000000000), "i64 minimum bits");
  tap_eq_int (int_rc ("-1", 8, &v), NUM_OK, "i8 lane -1");
  tap_eq_int (v, 0xff, "i8 lane -1 is 0xff");
  tap_eq_int (int_rc ("256", 8, &v), NUM_OUT_OF_RANGE, "i8 lane 256 out of range");
  const char *malformed[] = { "1__0", "_1", "1_", "0x", "0x_1", "+-1", "", "1a", "0X10", "1.0" };
  for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
    tap_eq_int (int_rc (malformed[i], 32, &v), NUM_MALFORMED, "malformed integer '%s'",
                malformed[i]);
  tap_eq_int (wat_parse_uint ("-1", 2, UINT32_MAX, &v), NUM_MALFORMED,
              "natural number has no sign");
}

static void floats32 (void)
{
  uint32_t v = 0;
  tap_eq_int (f32_rc ("0x1p-149", &v), NUM_OK, "smallest f32 subnormal");
  tap_eq_int (v, 0x00000001, "0x1p-149 bits");
  tap_eq_int (f32_rc ("0x1p-150", &v), NUM_OK, "half the smallest subnormal");
  tap_eq_int (v, 0x00000000, "0x1p-150 ties to even: zero");
  tap_eq_int (f32_rc ("0x1.000001p-150", &v), NUM_OK, "just above half the smallest subnormal");
  tap_eq_int (v, 0x00000001, "rounds up to the subnormal");
  /* 0xa767c76f * 2^-158: nine bits are dropped, 0x16f of them, more than half. */
  tap_eq_int (f32_rc ("0xa767c.76fp-146", &v), NUM_OK, "long hex significand, subnormal");
  tap_eq_int (v, 0x0053b3e4, "rounded up, not truncated");
  tap_eq_int (f32_rc ("0x967e789p93", &v), NUM_OK, "long hex significand, normal");
  tap_eq_int (v, 0x7b967e79, "low nibble 0x9 > half: rounded up");
  tap_eq_int (f32_rc ("0x1.fffffep127", &v), NUM_OK, "largest f32");
  tap_eq_int (v, 0x7f7fffff, "0x1.fffffep127 bits");
  tap_eq_int (f32_rc ("0x1.fffffefffffffffp127", &v), NUM_OK, "below the rounding boundary");
  tap_eq_int (v, 0x7f7fffff, "still the largest f32");
  tap_eq_int (f32_rc ("0x1.ffffffp127", &v), NUM_OUT_OF_RANGE, "rounds to 2^128: out of range");
  tap_eq_int (f32_rc ("1e39", &v), NUM_OUT_OF_RANGE, "decimal above f32 range");
  tap_eq_int (f32_rc ("340282356779733661637539395458142568447", &v), NUM_OK,
              "decimal just below the f32 rounding boundary");
  tap_eq_int (v, 0x7f7fffff, "rounds down to the largest f32");
  tap_eq_int (f32_rc ("340282356779733661637539395458142568448", &v), NUM_OUT_OF_RANGE,
              "decimal on the boundary rounds to infinity");
  /* 1 + 2^-24 + 2^-60 is above the midpoint between 1 and its successor; rounding through
   * double first would lose the 2^-60 and tie to 1.0. */
  tap_eq_int (f32_rc ("1.000000059604644776260355086054", &v), NUM_OK, "no double rounding");
  tap_eq_int (v, 0x3f800001, "rounds up to the successor of 1");
  tap_eq_int (f32_rc ("-0x1.8p1", &v), NUM_OK, "negative hex float");
  tap_eq_int (v, 0xc0400000, "-3.0 bits");
  tap_eq_int (f32_rc ("1_000.5e-1_0", &v), NUM_OK, "underscores in decimal float");
  tap_eq_int (f32_rc ("-inf", &v), NUM_OK, "-inf");
  tap_eq_int (v, 0xff800000, "-inf bits");
  tap_eq_int (f32_rc ("nan", &v), NUM_OK, "nan");
  tap_eq_int (v, 0x7fc00000, "canonical nan bits");
  tap_eq_int (f32_rc ("-nan:0x1", &v), NUM_OK, "nan payload");
  tap_eq_int (v, 0xff800001, "-nan:0x1 bits");
  tap_eq_int (f32_rc ("nan:0x0", &v), NUM_OUT_OF_RANGE, "nan payload must not be zero");
  tap_eq_int (f32_rc ("nan:0x800000", &v), NUM_OUT_OF_RANGE, "nan payload wider than 23 bits");
  const char *malformed[] = { ".5", "1e", "0x1p", "1.e_1", "0x1.p+", "1._5", "infinity", "nan:1" };
  for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
    tap_ok (f32_rc (malformed[i], &v) != NUM_OK, "malformed float '%s'", malformed[i]);
}

static void floats64 (void)
{
  uint64_t v = 0;
  tap_eq_int (f64_rc ("0x1p-1074", &v), NUM_OK, "smallest f64 subnormal");
  tap_ok (v == 1, "0x1p-1074 bits");
  tap_eq_int (f64_rc ("0x1.fffffffffffff8p1023", &v), NUM_OUT_OF_RANGE,
              "midpoint above the largest f64 ties to infinity");
  tap_eq_int (f64_rc ("0x1.fffffffffffff7ffp1023", &v), NUM_OK, "just below that midpoint");
  tap_ok (v == UINT64_C (0x7fefffffffffffff), "rounds down to the largest f64");
  tap_eq_int (f64_rc ("nan:0xf_ffff_ffff_ffff", &v), NUM_OK, "widest f64 payload");
  tap_ok (v == UINT64_C (0x7fffffffffffffff), "nan:0xfffffffffffff bits");
  tap_eq_int (f64_rc ("1e-400", &v), NUM_OK, "underflow is not an error");
  tap_ok (v == 0, "underflows to +0");
  tap_eq_int (f64_rc ("0x1", &v), NUM_OK, "hex float without point or exponent");
  tap_ok (v == UINT64_C (0x3ff0000000000000), "0x1 is 1.0");
}

int main (void)
{
  integers ();
  floats32 ();
  floats64 ();
  return tap_done ();
}
