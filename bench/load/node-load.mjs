// node (V8) counterpart of bench/load/driver.c, same command line and output:
//   node node-load.mjs compile FILE REPS       REPS lines: ns of new WebAssembly.Module(bytes)
//   node node-load.mjs instantiate FILE REPS   REPS lines "INST_NS CYCLE_NS" for
//                                              new WebAssembly.Instance(module, {}) (the same
//                                              number twice: V8 has no separate store to create)
import { readFileSync } from 'node:fs';
import { argv, exit, hrtime } from 'node:process';

const [mode, file, repsArg] = argv.slice(2);
const reps = Number(repsArg);
if (!['compile', 'instantiate'].includes(mode) || !file || !(reps > 0)) {
  console.error('usage: node-load.mjs compile|instantiate FILE REPS');
  exit(2);
}
const bytes = readFileSync(file);
const lines = [];
if (mode === 'compile') {
  for (let i = 0; i < reps; i++) {
    const t0 = hrtime.bigint();
    new WebAssembly.Module(bytes);
    lines.push(String(hrtime.bigint() - t0));
  }
} else {
  const module = new WebAssembly.Module(bytes);
  for (let i = 0; i < reps; i++) {
    const t0 = hrtime.bigint();
    new WebAssembly.Instance(module, {});
    const ns = String(hrtime.bigint() - t0);
    lines.push(`${ns} ${ns}`);
  }
}
console.log(lines.join('\n'));
