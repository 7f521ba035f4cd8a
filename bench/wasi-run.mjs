// Runs one WASI preview1 command module under node:wasi, the reference engine for the
// benchmarks.
//
//   node bench/wasi-run.mjs [--dir DIR] [--bench-time FILE] [--compile-only] MODULE [ARGS...]
//
// --dir DIR          run with DIR as the current directory, preopened as "." (Sightglass rule)
// --bench-time FILE  provide the Sightglass imports bench.start/bench.end ([] -> []) and write
//                    the nanoseconds between them to FILE
// --compile-only     only compile MODULE (WebAssembly.Module) and print the time it took in ns
// The module's exit code becomes this process's exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { argv, chdir, exit, hrtime } from 'node:process';

let args = argv.slice(2);
let dir = null, benchTime = null, compileOnly = false;
while (args.length && args[0].startsWith('--')) {
  const flag = args.shift();
  if (flag === '--dir') dir = args.shift();
  else if (flag === '--bench-time') benchTime = args.shift();
  else if (flag === '--compile-only') compileOnly = true;
  else { console.error(`wasi-run: unknown flag ${flag}`); exit(2); }
}
if (!args.length) { console.error('usage: wasi-run.mjs [--dir DIR] [--bench-time FILE] MODULE [ARGS...]'); exit(2); }
const file = args[0];
const bytes = readFileSync(file);

if (compileOnly) {
  const t0 = hrtime.bigint();
  new WebAssembly.Module(bytes);
  console.log(String(hrtime.bigint() - t0));
  exit(0);
}

if (dir !== null) chdir(dir);
const wasi = new WASI({
  version: 'preview1',
  args: [file.split('/').pop(), ...args.slice(1)],
  env: {},
  preopens: dir !== null ? { '.': '.' } : {},
  returnOnExit: true,
});

let start = null, end = null;
const imports = { wasi_snapshot_preview1: wasi.wasiImport };
if (benchTime !== null) {
  imports.bench = {
    start: () => { start = hrtime.bigint(); },
    end: () => { end = hrtime.bigint(); },
  };
}
const module = new WebAssembly.Module(bytes);
const instance = new WebAssembly.Instance(module, imports);
const code = wasi.start(instance);
if (benchTime !== null) {
  if (start === null || end === null) {
    console.error('wasi-run: bench.start/bench.end were not both called');
    exit(3);
  }
  writeFileSync(benchTime, String(end - start) + '\n');
}
exit(code ?? 0);
