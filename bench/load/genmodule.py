#!/usr/bin/env python3
"""Writes a large, valid, deterministic WebAssembly module for the load-time benchmark.

    genmodule.py OUT.wasm [--mb 24] [--seed 1]

Many varied functions (random typed expression trees over i32/i64/f64: arithmetic,
comparisons, conversions, loads/stores, globals, if/else, blocks with br_if, counted loops,
direct calls to earlier functions, call_indirect through a table), plus a memory, data
segments, globals, a funcref table with an element segment and some exports. Plain Wasm 2.0
(no SIMD), so every engine under test can load it. The same arguments always give the same
bytes (own xorshift PRNG, not Python's random). The code is never meant to run.
"""
import argparse
import struct
import sys

I32, I64, F64 = 0x7f, 0x7e, 0x7c
SIGS = [  # (params, results)
    ((I32, I32), (I32,)),
    ((I64, I64), (I64,)),
    ((F64, F64), (F64,)),
    ((I32,), (I32,)),
    ((I32, I64, F64), (F64,)),
    ((), (I32,)),
    ((I64, I32), (I64,)),
]
GLOBALS = [I32, I64, F64, I32, F64, I64]
MEM_MASK = 0xfff8  # addresses stay inside the first page, 8-byte aligned


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b''.join(items)


def name(s):
    return uleb(len(s)) + s.encode()


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


class Rng:
    def __init__(self, seed):
        self.s = (seed * 2654435761) & 0xffffffff or 1

    def next(self):
        x = self.s
        x ^= (x << 13) & 0xffffffff
        x ^= x >> 17
        x ^= (x << 5) & 0xffffffff
        self.s = x
        return x

    def below(self, n):
        return self.next() % n

    def pick(self, xs):
        return xs[self.next() % len(xs)]


class FuncGen:
    """Emits one function body; `out` collects byte strings."""

    BIN = {I32: [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77],
           I64: [0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x88, 0x89],
           F64: [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5]}
    LOAD = {I32: (0x28, 2), I64: (0x29, 3), F64: (0x2b, 3)}
    STORE = {I32: (0x36, 2), I64: (0x37, 3), F64: (0x39, 3)}

    def __init__(self, rng, index, sig, funcs):
        self.r, self.index, self.funcs = rng, index, funcs
        self.params, self.results = SIGS[sig]
        self.locals = list(self.params)
        extra = [I32] * (1 + rng.below(4)) + [I64] * rng.below(3) + [F64] * rng.below(3)
        self.decl = extra
        self.locals += extra
        self.counter = len(self.locals)  # an i32 loop counter, declared last
        self.locals.append(I32)
        self.out = []

    def emit(self, *bs):
        self.out.append(bytes(bs))

    def local_of(self, t):
        cands = [i for i, lt in enumerate(self.locals[:-1]) if lt == t]
        return self.r.pick(cands) if cands else None

    def const(self, t):
        r = self.r
        if t == I32:
            self.out.append(b'\x41' + sleb(r.next() % 2001 - 1000 if r.below(2) else r.next() - (1 << 31)))
        elif t == I64:
            self.out.append(b'\x42' + sleb((r.next() << 20) - (1 << 40)))
        else:
            self.out.append(b'\x44' + struct.pack('<d', (r.next() % 100000) / 64.0 - 500.0))

    def addr(self, d):
        self.expr(I32, d)
        self.out.append(b'\x41' + sleb(MEM_MASK))
        self.emit(0x71)

    def expr(self, t, d):
        r = self.r
        choice = r.below(12) if d > 0 else r.below(3)
        if choice == 0:
            self.const(t)
        elif choice in (1, 2):
            li = self.local_of(t)
            if li is None:
                self.const(t)
            else:
                self.out.append(b'\x20' + uleb(li))
        elif choice in (3, 4, 5):
            self.expr(t, d - 1)
            self.expr(t, d - 1)
            self.emit(r.pick(self.BIN[t]))
        elif choice == 6:
            op, align = self.LOAD[t]
            self.addr(d - 1)
            self.out.append(bytes([op]) + uleb(align) + uleb(r.below(8) * 8))
        elif choice == 7:
            gi = r.pick([i for i, g in enumerate(GLOBALS) if g == t])
            self.out.append(b'\x23' + uleb(gi))
        elif choice == 8:
            self.call(t, d - 1)
        elif choice == 9:  # conversions and unary ops
            if t == I32:
                src = r.pick([I32, I64, F64])
                self.expr(src, d - 1)
                if src == I32:
                    self.emit(r.pick([0x45, 0x67, 0x68, 0x69]))  # eqz clz ctz popcnt
                elif src == I64:
                    self.emit(r.pick([0xa7, 0x50]))  # wrap, eqz
                else:
                    self.emit(0xfc, 0x02)  # i32.trunc_sat_f64_s
            elif t == I64:
                src = r.pick([I32, I64, F64])
                self.expr(src, d - 1)
                if src == I32:
                    self.emit(r.pick([0xac, 0xad]))  # extend_s / extend_u
                elif src == I64:
                    self.emit(r.pick([0x79, 0x7a, 0x7b]))
                else:
                    self.emit(0xfc, 0x06)  # i64.trunc_sat_f64_s
            else:
                src = r.pick([I32, I64, F64])
                self.expr(src, d - 1)
                if src == I32:
                    self.emit(0xb7)  # f64.convert_i32_s
                elif src == I64:
                    self.emit(0xb9)  # f64.convert_i64_s
                else:
                    self.emit(r.pick([0x99, 0x9a, 0x9b, 0x9c, 0x9f]))  # abs neg ceil floor sqrt
        elif choice == 10:  # comparisons give i32; select for the rest
            if t == I32:
                src = r.pick([I32, I64, F64])
                self.expr(src, d - 1)
                self.expr(src, d - 1)
                self.emit(r.pick({I32: [0x46, 0x47, 0x48, 0x49, 0x4c, 0x4f],
                                  I64: [0x51, 0x52, 0x53, 0x55, 0x58],
                                  F64: [0x61, 0x62, 0x63, 0x64, 0x66]}[src]))
            else:
                self.expr(t, d - 1)
                self.expr(t, d - 1)
                self.expr(I32, d - 1)
                self.emit(0x1b)
        else:  # local.tee
            li = self.local_of(t)
            self.expr(t, d - 1)
            if li is not None:
                self.out.append(b'\x22' + uleb(li))

    def call(self, t, d):
        """A direct call to an earlier function returning t (or a constant if none)."""
        cands = [i for i in range(max(0, self.index - 64), self.index) if SIGS[self.funcs[i]][1] == (t,)]
        if not cands:
            self.const(t)
            return
        f = self.r.pick(cands)
        for p in SIGS[self.funcs[f]][0]:
            self.expr(p, min(d, 1))
        self.out.append(b'\x10' + uleb(f))

    def stmt(self, d):
        r = self.r
        c = r.below(9)
        if c <= 2:
            t = r.pick([I32, I32, I64, F64])
            li = self.local_of(t)
            self.expr(t, 3)
            self.out.append(b'\x21' + uleb(li) if li is not None else b'\x1a')
        elif c == 3:
            t = r.pick([I32, I64, F64])
            op, align = self.STORE[t]
            self.addr(2)
            self.expr(t, 2)
            self.out.append(bytes([op]) + uleb(align) + uleb(r.below(8) * 8))
        elif c == 4:
            gi = r.below(len(GLOBALS))
            self.expr(GLOBALS[gi], 2)
            self.out.append(b'\x24' + uleb(gi))
        elif c == 5 and d > 0:
            self.expr(I32, 2)
            self.emit(0x04, 0x40)
            for _ in range(1 + r.below(3)):
                self.stmt(d - 1)
            if r.below(2):
                self.emit(0x05)
                for _ in range(1 + r.below(2)):
                    self.stmt(d - 1)
            self.emit(0x0b)
        elif c == 6 and d > 0:
            self.emit(0x02, 0x40)
            self.stmt(d - 1)
            self.expr(I32, 2)
            self.emit(0x0d, 0x00)  # br_if 0
            self.stmt(d - 1)
            self.emit(0x0b)
        elif c == 7 and d > 0:
            self.out.append(b'\x41' + sleb(1 + r.below(16)) + b'\x21' + uleb(self.counter))
            self.emit(0x03, 0x40)
            for _ in range(1 + r.below(3)):
                self.stmt(d - 1)
            self.out.append(b'\x20' + uleb(self.counter) + b'\x41\x01\x6b\x22' + uleb(self.counter))
            self.emit(0x0d, 0x00, 0x0b)  # br_if 0 while the counter is non-zero; end
        else:  # call_indirect of type 0 ([i32 i32] -> [i32]) through the table
            self.expr(I32, 1)
            self.expr(I32, 1)
            self.expr(I32, 1)
            self.out.append(b'\x41' + sleb(0x7fff) + b'\x71')  # table index mod table size
            self.emit(0x11, 0x00, 0x00)
            self.emit(0x1a)

    def body(self):
        for _ in range(4 + self.r.below(12)):
            self.stmt(3)
        for t in self.results:
            self.expr(t, 4)
        self.emit(0x0b)
        groups = []
        for t in self.decl + [I32]:
            if groups and groups[-1][1] == t:
                groups[-1][0] += 1
            else:
                groups.append([1, t])
        code = vec([uleb(n) + bytes([t]) for n, t in groups]) + b''.join(self.out)
        return uleb(len(code)) + code


def generate(target_bytes, seed):
    rng = Rng(seed)
    funcs, bodies, size = [], [], 0
    while size < target_bytes:
        i = len(funcs)
        # Type-0 functions fill the first table slots, so call_indirect has targets.
        funcs.append(0 if i < 64 else rng.below(len(SIGS)))
        b = FuncGen(rng, i, funcs[-1], funcs).body()
        bodies.append(b)
        size += len(b)
    types = vec([b'\x60' + vec([bytes([p]) for p in ps]) + vec([bytes([q]) for q in rs]) for ps, rs in SIGS])
    table_size = 0x8000
    t0 = [i for i, s in enumerate(funcs) if s == 0]
    elems = [t0[k % len(t0)] for k in range(table_size)]
    glob = []
    for g in GLOBALS:
        init = {I32: b'\x41' + sleb(7), I64: b'\x42' + sleb(-7), F64: b'\x44' + struct.pack('<d', 1.5)}[g]
        glob.append(bytes([g, 1]) + init + b'\x0b')
    exports = [name('memory') + b'\x02\x00'] + [name('f%d' % k) + b'\x00' + uleb(k * 97 % len(funcs))
                                                 for k in range(16)]
    data = [b'\x00\x41' + sleb(k * 4096) + b'\x0b' + vec([bytes([(k * 31 + j) & 0xff]) for j in range(256)])
            for k in range(8)]
    return b''.join([
        b'\x00asm\x01\x00\x00\x00',
        section(1, types),
        section(3, vec([uleb(s) for s in funcs])),
        section(4, b'\x01\x70\x00' + uleb(table_size)),
        section(5, b'\x01\x00\x10'),  # memory: min 16 pages
        section(6, vec(glob)),
        section(7, vec(exports)),
        section(9, b'\x01\x00\x41\x00\x0b' + vec([uleb(e) for e in elems])),
        section(10, vec(bodies)),
        section(11, vec(data)),
    ]), len(funcs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out')
    ap.add_argument('--mb', type=float, default=24.0)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    data, nfuncs = generate(int(a.mb * 1e6), a.seed)
    with open(a.out, 'wb') as f:
        f.write(data)
    print('%s: %d bytes, %d functions' % (a.out, len(data), nfuncs), file=sys.stderr)


if __name__ == '__main__':
    main()
