#!/usr/bin/env node
/**
 * `npm run sim -- [options]`: the deterministic network simulator (sim/, docs/SIMULATOR.md).
 * Runs the TypeScript entry sim/main.ts with tsx in a child process, passes the options through
 * and adds the wall time on stderr (the simulator itself reads no clock), so the last line on
 * stdout stays `N passed, N failed`.
 * Exit code: the simulator's (1 if any seed failed, 2 for bad options).
 */

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const started = performance.now();
const child = spawn("npx", ["tsx", "sim/main.ts", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
child.on("error", (e) => {
  console.error(`could not start the simulator: ${e.message}`);
  process.exit(2);
});
child.on("close", (code, signal) => {
  console.error(`wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.exit(signal !== null ? 1 : (code ?? 1));
});
