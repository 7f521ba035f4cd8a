#!/usr/bin/env python3
"""Checks the text-format parser against wabt's conversion of the spec suite.

For every .wast script: each top-level command is paired, in order, with the command
wast2json wrote to json/NAME.json. Text modules (`module`, and the modules inside
assert_invalid / assert_unlinkable / assert_uninstantiable / assert_trap) are converted by the
driver and must be byte-equal to wabt's NAME.N.wasm; the .wat files of assert_malformed must
be rejected. Prints one TAP line per script and a summary; exits 1 on any mismatch.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def top_level_forms(text):
    """Yields (start, end) byte offsets of each top-level parenthesized form."""
    i, n, depth, start = 0, len(text), 0, None
    while i < n:
        c = text[i]
        if text.startswith(b';;', i):
            j = text.find(b'\n', i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith(b'(;', i):
            level, i = 1, i + 2
            while i < n and level:
                if text.startswith(b'(;', i):
                    level, i = level + 1, i + 2
                elif text.startswith(b';)', i):
                    level, i = level - 1, i + 2
                else:
                    i += 1
            continue
        if c == ord('"'):
            i += 1
            while i < n and text[i] != ord('"'):
                i += 2 if text[i] == ord('\\') else 1
            i += 1
            continue
        if c == ord('('):
            if depth == 0:
                start = i
            depth += 1
        elif c == ord(')'):
            depth -= 1
            if depth == 0:
                yield start, i + 1
        i += 1


COMMANDS = {'module', 'register', 'invoke', 'get', 'assert_return', 'assert_trap',
            'assert_exhaustion', 'assert_invalid', 'assert_malformed', 'assert_unlinkable',
            'assert_uninstantiable'}


def head_word(form):
    """The keyword after the opening parenthesis, past any comments."""
    i = 1
    while i < len(form):
        if form[i:i + 1].isspace():
            i += 1
        elif form.startswith(b';;', i):
            i = form.find(b'\n', i) + 1 or len(form)
        elif form.startswith(b'(;', i):
            level, i = 1, i + 2
            while i < len(form) and level:
                level += form.startswith(b'(;', i) - form.startswith(b';)', i)
                i += 2 if form[i:i + 2] in (b'(;', b';)') else 1
        else:
            break
    word = form[i:].split(None, 1)[0] if form[i:].strip() else b''
    return word.split(b'(')[0].split(b';')[0].rstrip(b')').decode(errors='replace')


def inner_module(form):
    """The first parenthesized child of an assertion form (its module)."""
    for s, e in top_level_forms(form[1:-1]):
        return form[1 + s:1 + e]
    return None


def check_script(wast_path, json_dir, work, driver):
    name = os.path.basename(wast_path)[:-5]
    with open(wast_path, 'rb') as f:
        text = f.read()
    with open(os.path.join(json_dir, name + '.json')) as f:
        commands = json.load(f)['commands']
    forms = [text[s:e] for s, e in top_level_forms(text)]
    if forms and head_word(forms[0]) not in COMMANDS:
        forms = [text]  # a script that is just module fields: one inline module
    if len(forms) != len(commands):
        return None, 'forms (%d) and commands (%d) do not pair up' % (len(forms), len(commands))
    jobs = []  # (kind, input path, expected .wasm path or None)
    for form, cmd in zip(forms, commands):
        fname = cmd.get('filename')
        if not fname:
            continue
        expected = os.path.join(json_dir, fname)
        if cmd['type'] == 'assert_malformed':
            if fname.endswith('.wat'):
                jobs.append(('malformed', expected, None))
            continue
        module = form if cmd['type'] == 'module' else inner_module(form)
        if module is None:
            continue
        src = os.path.join(work, fname + '.txt')
        with open(src, 'wb') as f:
            f.write(module)
        jobs.append(('module', src, expected))
    if jobs:
        # The driver writes next to its inputs, so copy malformed .wat files into work/.
        inputs = []
        for i, (kind, src, expected) in enumerate(jobs):
            if kind == 'malformed':
                dst = os.path.join(work, os.path.basename(src) + '.txt')
                with open(src, 'rb') as f, open(dst, 'wb') as g:
                    g.write(f.read())
                jobs[i] = (kind, dst, None)
            inputs.append(jobs[i][1])
        subprocess.run([driver] + inputs, check=False)
    result = {'equal': 0, 'modules': 0, 'rejected': 0, 'malformed': 0, 'failures': []}
    for kind, src, expected in jobs:
        out = src + '.wasm'
        if kind == 'malformed':
            result['malformed'] += 1
            if os.path.exists(out):
                result['failures'].append('accepted malformed %s' % os.path.basename(src))
            else:
                result['rejected'] += 1
            continue
        result['modules'] += 1
        if not os.path.exists(out):
            with open(src + '.err') as f:
                err = f.read()
            result['failures'].append('%s: %s' % (os.path.basename(src), err))
            continue
        with open(out, 'rb') as f, open(expected, 'rb') as g:
            if f.read() == g.read():
                result['equal'] += 1
            else:
                result['failures'].append('%s: differs from wat2wasm' % os.path.basename(src))
    return result, None


def extract(wast_dir, scripts, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name in scripts:
        with open(os.path.join(wast_dir, name + '.wast'), 'rb') as f:
            text = f.read()
        for i, (s, e) in enumerate(top_level_forms(text)):
            form = text[s:e]
            module = form if head_word(form) == 'module' else inner_module(form)
            if module and head_word(module) == 'module':
                with open(os.path.join(out_dir, '%s.%d.wat' % (name, i)), 'wb') as f:
                    f.write(module)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--driver', required=True)
    ap.add_argument('--spec', required=True)
    ap.add_argument('--verbose', action='store_true')
    ap.add_argument('--extract', metavar='DIR',
                    help='only write every text module to DIR (a fuzzing corpus)')
    ap.add_argument('scripts', nargs='*')
    args = ap.parse_args()
    wast_dir = os.path.join(args.spec, 'wast')
    json_dir = os.path.join(args.spec, 'json')
    scripts = args.scripts or sorted(f[:-5] for f in os.listdir(wast_dir) if f.endswith('.wast'))
    if args.extract:
        return extract(wast_dir, scripts, args.extract)
    totals = {'equal': 0, 'modules': 0, 'rejected': 0, 'malformed': 0}
    failed = 0
    for n, name in enumerate(scripts, 1):
        with tempfile.TemporaryDirectory() as work:
            result, problem = check_script(os.path.join(wast_dir, name + '.wast'), json_dir,
                                           work, os.path.abspath(args.driver))
        if problem:
            failed += 1
            print('not ok %d - %s: %s' % (n, name, problem))
            continue
        for k in totals:
            totals[k] += result[k]
        ok = not result['failures']
        failed += not ok
        print('%sok %d - %s: %d/%d modules byte-equal, %d/%d malformed rejected'
              % ('' if ok else 'not ', n, name, result['equal'], result['modules'],
                 result['rejected'], result['malformed']))
        for line in result['failures'][: None if args.verbose else 5]:
            print('#   ' + line.strip().replace('\n', ' '))
    print('# total: %d/%d modules byte-equal, %d/%d malformed rejected'
          % (totals['equal'], totals['modules'], totals['rejected'], totals['malformed']))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
