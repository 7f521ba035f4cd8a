#!/usr/bin/env python3
"""Float literal rounding against exact rational arithmetic (Python's Fraction).

Generates random decimal and hex f32/f64 literals (fixed seed, many near the subnormal
and overflow edges), converts them with the driver in one run, and compares every bit
pattern with the correctly rounded value (round to nearest, ties to even); a literal that
rounds to infinity must be rejected. wat2wasm is not the oracle here: 1.0.32 truncates some
long hex significands instead of rounding them. Prints one TAP line per type.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
from fractions import Fraction

FORMATS = {'f32': (23, 8), 'f64': (52, 11)}


def exact_value(lit):
    negative = lit.startswith('-')
    s = lit.lstrip('+-')
    if s.startswith('0x'):
        mant, _, exp = s[2:].partition('p')
        whole, _, frac = mant.partition('.')
        significand = Fraction(int(whole + frac or '0', 16), 16 ** len(frac))
        value = significand * Fraction(2) ** int(exp or 0)
    else:
        mant, _, exp = s.partition('e')
        whole, _, frac = mant.partition('.')
        value = Fraction(int(whole + frac), 10 ** len(frac)) * Fraction(10) ** int(exp or 0)
    return negative, value


def rounded_bits(negative, value, mant_bits, exp_bits):
    """IEEE bits of the nearest value (ties to even), or None on overflow."""
    sign = (1 << (mant_bits + exp_bits)) if negative else 0
    if value == 0:
        return sign
    bias = (1 << (exp_bits - 1)) - 1
    precision = mant_bits + 1
    top = value.numerator.bit_length() - value.denominator.bit_length()
    while Fraction(2) ** top > value:
        top -= 1
    while Fraction(2) ** (top + 1) <= value:
        top += 1
    lsb = max(top, 1 - bias) - (precision - 1)
    scaled = value / Fraction(2) ** lsb
    q = scaled.numerator // scaled.denominator
    rest = scaled - q
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and q & 1):
        q += 1
    if q >> precision:
        q >>= 1
        lsb += 1
    if q >> (precision - 1):
        biased = lsb + precision - 1 + bias
        if biased >= 2 * bias + 1:
            return None
        return sign | (biased << mant_bits) | (q & ((1 << mant_bits) - 1))
    return sign | q


def random_literal(rng, typ):
    low, high = (-160, 130) if typ == 'f32' else (-1090, 1030)
    if rng.random() < 0.6:
        digits = ''.join(rng.choice('0123456789abcdef') for _ in range(rng.randint(1, 24)))
        point = rng.randint(1, len(digits))
        lit = '0x%s.%sp%d' % (digits[:point], digits[point:], rng.randint(low, high))
    else:
        digits = ''.join(rng.choice('0123456789') for _ in range(rng.randint(1, 40)))
        point = rng.randint(1, len(digits))
        dlow, dhigh = (-50, 40) if typ == 'f32' else (-330, 310)
        lit = '%s.%se%d' % (digits[:point], digits[point:], rng.randint(dlow, dhigh))
    return ('-' if rng.random() < 0.5 else '') + lit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--driver', required=True)
    ap.add_argument('--count', type=int, default=3000)
    args = ap.parse_args()
    rng = random.Random(20261122)
    cases = [(typ, random_literal(rng, typ)) for _ in range(args.count) for typ in FORMATS]
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        paths = []
        for i, (typ, lit) in enumerate(cases):
            path = os.path.join(work, '%d.wat' % i)
            with open(path, 'w') as f:
                f.write('(module (func (result %s) %s.const %s))' % (typ, typ, lit))
            paths.append(path)
        subprocess.run([args.driver] + paths, check=False)
        for typ in FORMATS:
            mant_bits, exp_bits = FORMATS[typ]
            nbytes = (mant_bits + exp_bits + 1) // 8
            wrong = []
            for path, (t, lit) in zip(paths, cases):
                if t != typ:
                    continue
                want = rounded_bits(*exact_value(lit), mant_bits, exp_bits)
                got = None
                if os.path.exists(path + '.wasm'):
                    with open(path + '.wasm', 'rb') as f:
                        got = int.from_bytes(f.read()[-1 - nbytes:-1], 'little')
                if got != want:
                    wrong.append('%s: got %s, want %s' % (lit, got, want))
            failed += bool(wrong)
            print('%sok - %s literals rounded exactly (%d wrong of %d)'
                  % ('not ' if wrong else '', typ, len(wrong), args.count))
            for line in wrong[:5]:
                print('#   ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
