// node (V8) counterpart of bench/load/driver.c, same command line and output:
//   node node-load.mjs compile FILE REPS       REPS lines "WALL_NS CPU_NS" of
//                                              new WebAssembly.Module(bytes); CPU: the
//                                              process's, V8's background threads included
//   node node-load.mjs instantiate FILE REPS   REPS lines "INST_NS CYCLE_NS" for
//                                              new WebAssembly.Instance(module, {}) (the same
//                                              number twice: V8 has no separate store to create)
import { readFileSync } from 'node:fs';
import { argv, cpuUsage, exit, hrtime } from 'node:process';

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
    const c0 = cpuUsage();
    new WebAssembly.Module(bytes);
    const wall = hrtime.bigint() - t0;
    const c = cpuUsage(c0);
    lines.push(`${wall} ${(c.user + c.system) * 1000}`);
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
