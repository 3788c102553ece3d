/**
 * `npm run fuzz -- [--cases N] [--seed S] [--target NAME]`: runs every fuzz target of
 * targets.ts for N cases each (default 10,000) from seed S (default: the date), prints the cases
 * run, time, rate and result per target, and the command that replays a failure. Exit 1 on a
 * failure; a case that hangs is reported by the watchdog (watchdog.ts), which kills the run.
 */

import fc from "fast-check";
import { TARGETS } from "./targets.js";
import { startWatchdog } from "./watchdog.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cases = Number(arg("cases") ?? "10000");
const seed = Number(arg("seed") ?? String(Math.floor(Date.now() / 86_400_000)));
const only = arg("target");
if (!Number.isSafeInteger(cases) || cases < 1) throw new Error("--cases must be a positive integer");
if (!Number.isSafeInteger(seed)) throw new Error("--seed must be an integer");

let failed = 0;
let total = 0;
if (only !== undefined && !TARGETS.some((t) => t.name === only)) throw new Error(`no fuzz target "${only}"`);
console.log(`fuzz: ${cases} cases per target, seed ${seed}`);
const watchdog = startWatchdog();
for (const t of TARGETS) {
  if (only !== undefined && t.name !== only) continue;
  watchdog.setTarget(t.name);
  const started = performance.now();
  const r = fc.check(t.property(), { numRuns: cases, seed });
  const ms = performance.now() - started;
  total += r.numRuns;
  if (r.failed) {
    failed++;
    console.log(
      `  FAIL ${t.name.padEnd(22)} after ${r.numRuns} cases: ${String(r.errorInstance).slice(0, 300)}`,
    );
    console.log(
      `       counterexample ${JSON.stringify(r.counterexample, (_, v) => (v instanceof Uint8Array ? Array.from(v) : typeof v === "bigint" ? String(v) : v)).slice(0, 400)}`,
    );
    console.log(`       replay: npm run fuzz -- --target "${t.name}" --cases ${cases} --seed ${seed}`);
  } else {
    const rate = Math.round(r.numRuns / (ms / 1000));
    console.log(
      `  ok   ${t.name.padEnd(22)} ${r.numRuns} cases in ${(ms / 1000).toFixed(1)} s (${rate} cases/s)`,
    );
  }
}
console.log(`${total} cases run, ${failed} target(s) failed`);
await watchdog.stop();
process.exit(failed > 0 ? 1 : 0);
