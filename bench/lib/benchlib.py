"""Helpers shared by the bench/*/run scripts (python3 standard library only).

Benchmarks here print comparison tables; they are not pass/fail tests. The machines are
shared and noisy, so every script measures all the engines it compares in the same run,
interleaving them round by round, and reports medians and ratios rather than absolute times.
"""
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BUILD = os.environ.get('BENCH_BUILD', os.path.join(ROOT, 'build', 'bench'))
NA = 'n/a'


def lower_priority():
    """Run at lower CPU priority (BENCH_NICE, default 10; 0 disables) so a benchmark on a
    shared machine does not starve the others. Children inherit it."""
    inc = int(os.environ.get('BENCH_NICE', '10'))
    if inc > 0 and os.nice(0) < inc:
        os.nice(inc - os.nice(0))


def runs_default(default=3):
    return max(1, int(os.environ.get('N', str(default))))


def runwasm_path():
    """The runwasm binary: $RUNWASM if set, else build/runwasm of this tree."""
    return os.environ.get('RUNWASM', os.path.join(ROOT, 'build', 'runwasm'))


def median(xs):
    return statistics.median(xs) if xs else None


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def mtime(path):
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1


def stale(target, sources):
    t = mtime(target)
    return t < 0 or any(mtime(s) > t for s in sources)


def sh(cmd, **kw):
    """Run a build step, echoing it to stderr; raise with its output on failure."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (' '.join(cmd), p.stdout[-2000:]))
    return p.stdout


class Result:
    """One timed process run: wall seconds, exit status, output, peak RSS of the child."""

    def __init__(self, wall, code, out, err, maxrss_kb, timed_out=False, cpu=0.0):
        self.wall, self.code, self.out, self.err = wall, code, out, err
        self.maxrss_kb, self.timed_out = maxrss_kb, timed_out
        self.cpu = cpu  # user + system seconds of the child and its reaped descendants
        self.note = ''  # extra context for why(), set by callers

    @property
    def ok(self):
        return not self.timed_out and self.code == 0

    def why(self):
        """A short reason for a failure, for a table footnote."""
        if self.timed_out:
            return 'timed out after %.0f s%s' % (self.wall, ' (%s)' % self.note if self.note else '')
        lines = [l.strip() for l in (self.err or '').splitlines() if l.strip()]
        # Prefer the line that names the error over trailers like "Node.js v20.x".
        named = [l for l in lines if re.search(r'error|panicked|trap|unreachable|fail', l, re.I)]
        msg = named[0] if named else lines[-1] if lines else (self.out or '').strip()[-120:]
        if self.code is not None and self.code < 0:
            try:
                sig = signal.Signals(-self.code).name
            except ValueError:
                sig = 'signal %d' % -self.code
            return 'killed by %s%s' % (sig, ': ' + msg[:160] if msg else '')
        return 'exit %s: %s' % (self.code, msg[:160])


def timed_run(cmd, cwd=None, timeout=None, env=None):
    """Run cmd, capturing output; wall time from just before spawn to after reap, and the
    child's own peak RSS (wait4 rusage, so it covers exec'd images but not other runs)."""
    t0 = time.perf_counter()
    try:
        # Own process group, so a timeout kills whatever the command started too.
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        return Result(0.0, 127, '', str(e), 0)
    chunks = {'out': [], 'err': []}

    def drain(f, key):
        for block in iter(lambda: f.read(65536), b''):
            chunks[key].append(block)

    readers = [threading.Thread(target=drain, args=(p.stdout, 'out')),
               threading.Thread(target=drain, args=(p.stderr, 'err'))]
    for r in readers:
        r.start()
    expired = threading.Event()

    def kill():
        expired.set()
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if timer:
        timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    p.stdout.close()
    p.stderr.close()
    return Result(wall, p.returncode, b''.join(chunks['out']).decode(errors='replace'),
                  b''.join(chunks['err']).decode(errors='replace'), ru.ru_maxrss, expired.is_set(),
                  ru.ru_utime + ru.ru_stime)


def fmt_time(sec, unit='s'):
    if sec is None:
        return NA
    if unit == 'ms':
        return '%.1f' % (sec * 1e3)
    if unit == 'us':
        return '%.1f' % (sec * 1e6)
    return '%.3f' % sec


def fmt_ratio(r):
    return NA if r is None else '%.2fx' % r


def ratio(a, b):
    return a / b if a is not None and b else None


def table(headers, rows, out=sys.stdout, left=(0,)):
    """Print a plain-text table; columns in `left` left-aligned, the rest right-aligned."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i])
              for i in range(len(headers))]

    def line(cells):
        return '  '.join(c.ljust(widths[i]) if i in left else c.rjust(widths[i])
                         for i, c in enumerate(cells)).rstrip()

    print(line(headers), file=out)
    print('  '.join('-' * w for w in widths), file=out)
    for r in rows:
        print(line(r), file=out)
    out.flush()


def have(tool):
    return shutil.which(tool) is not None


def host_note():
    """One line about the machine state, printed above each table: load matters here."""
    try:
        load = open('/proc/loadavg').read().split()[:3]
    except OSError:
        load = ['?'] * 3
    return '# %s, %d cpus, load %s, nice %d, %s' % (
        os.uname().nodename, os.cpu_count() or 0, ' '.join(load), os.nice(0),
        time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime()))


# ---- OCI bundles and runtimes (lifecycle, wasm-start) -----------------------------------

CGROUP_HIDE = '/sys/fs/cgroup/unified/cgroup.controllers'


def make_bundle(path, args, annotations=None, files=None, busybox=True):
    """A bundle at `path`: rootfs with /bin/busybox (static) and applet links unless
    busybox=False, any `files` ({rootfs-relative path: host file}), and config.json from
    `runc spec` (or `crun spec`) with the given args, no terminal and the given annotations.
    Rebuilt every time: cheap."""
    import json
    rootfs = os.path.join(path, 'rootfs')
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(os.path.join(rootfs, 'bin'))
    for d in ('proc', 'dev', 'sys', 'tmp'):
        os.makedirs(os.path.join(rootfs, d))
    if busybox:
        shutil.copy2(shutil.which('busybox') or '/bin/busybox', os.path.join(rootfs, 'bin', 'busybox'))
        for applet in ('true', 'sh', 'echo', 'cat'):
            os.symlink('busybox', os.path.join(rootfs, 'bin', applet))
    for rel, src in (files or {}).items():
        dst = os.path.join(rootfs, rel.lstrip('/'))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    spec_tool = 'runc' if have('runc') else 'crun'
    sh([spec_tool, 'spec'], cwd=path)
    cfg_path = os.path.join(path, 'config.json')
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg['process']['terminal'] = False
    cfg['process']['args'] = list(args)
    if annotations:
        cfg.setdefault('annotations', {}).update(annotations)
    with open(cfg_path, 'w') as f:
        json.dump(cfg, f, indent=2)
    return path


def crun_wrapped(empty_file):
    """crun 1.8.1 refuses this host's hybrid cgroup layout; hide cgroup2's controller list
    in a private mount namespace first (HOST-NOTES.md). Returns an argv prefix."""
    return ['unshare', '-m', 'sh', '-c',
            'mount --bind %s %s && exec crun "$@"' % (empty_file, CGROUP_HIDE), 'crun']


def wrapper_only(empty_file):
    """The same wrapper running /bin/true: its cost, to subtract from crun's time."""
    return ['unshare', '-m', 'sh', '-c',
            'mount --bind %s %s && exec "$@"' % (empty_file, CGROUP_HIDE), 'wrapper', '/bin/true']


def hyperfine_rounds(commands, runs, rounds, warmup=2):
    """Time each argv in `commands` ({label: argv}) with hyperfine (no shell): `rounds` rounds,
    in each of which every command gets `runs` runs, the order alternating between rounds so
    load changes hit all of them. One hyperfine call per command and round, so a command that
    fails loses only its own row. Returns ({label: [seconds, ...]}, {label: why it failed},
    {label: mean user+system seconds per run}); CPU time does not grow when the machine is
    busy the way wall time does."""
    import json
    import shlex
    import tempfile
    samples = {label: [] for label in commands}
    cpu = {label: [] for label in commands}
    failed = {}
    labels = list(commands)
    for rnd in range(rounds):
        for label in (labels if rnd % 2 == 0 else labels[::-1]):
            if label in failed:
                continue
            with tempfile.NamedTemporaryFile(suffix='.json', delete=False) as tf:
                jpath = tf.name
            try:
                p = subprocess.run(['hyperfine', '-N', '--style', 'none', '--runs', str(runs),
                                    '--warmup', str(warmup), '--export-json', jpath,
                                    shlex.join(commands[label])],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                if p.returncode != 0:
                    lines = [l for l in p.stderr.strip().splitlines() if l.strip()]
                    first = lines[0].split('. ')[0] if lines else 'exit %d' % p.returncode
                    failed[label] = 'failed during timing, round %d: %s' % (rnd + 1, first)
                    continue
                with open(jpath) as f:
                    res = json.load(f)['results'][0]
                samples[label].extend(res['times'])
                cpu[label].append(res['user'] + res['system'])
            finally:
                os.unlink(jpath)
    return samples, failed, {l: sum(c) / len(c) for l, c in cpu.items() if c}


def peak_rss_kb(argv, times=3):
    """Max over `times` runs of /usr/bin/time -v's "Maximum resident set size" (KiB), or None."""
    import tempfile
    best = None
    for _ in range(times):
        with tempfile.NamedTemporaryFile(suffix='.time', delete=False) as tf:
            tpath = tf.name
        try:
            p = subprocess.run(['/usr/bin/time', '-v', '-o', tpath] + list(argv),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if p.returncode != 0:
                return None
            for line in open(tpath):
                if 'Maximum resident set size' in line:
                    kb = int(line.rsplit(':', 1)[1])
                    best = kb if best is None else max(best, kb)
        finally:
            os.unlink(tpath)
    return best


def add_json_option(ap):
    ap.add_argument('--json', metavar='FILE', default=None,
                    help='also write the raw samples and medians to FILE (JSON)')


def dump_json(path, bench, data):
    """Write `data` (plain dicts/lists/numbers) with the host state, for tracking over time."""
    import json
    if not path:
        return
    try:
        load = open('/proc/loadavg').read().split()[:3]
    except OSError:
        load = []
    doc = {'bench': bench, 'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
           'host': os.uname().nodename, 'cpus': os.cpu_count(), 'loadavg': load, 'data': data}
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1, sort_keys=True)
