// Runs a WASI preview1 module with node's WASI: the container's / is the preopened /, the
// process environment and arguments are the module's. Part of the test-only reference Wasm
// runtime (see refwasm); not part of runwasm.
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
import process from "node:process";

const [modulePath, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: [modulePath, ...args],
  env: process.env,
  preopens: { "/": "/" },
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(modulePath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance) ?? 0;
