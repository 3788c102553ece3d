#!/usr/bin/env node
// `npm test`: runs every test layer in order (Node unit + consensus, workerd, multi-process
// end-to-end), then prints one closing line "N passed, N failed, N skipped" over all of them.
// A layer can be chosen with `npm test -- unit workers e2e` (default: all).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const layers = [
  { name: "unit", config: "vitest.config.ts" },
  { name: "workers", config: "vitest.workers.config.ts" },
  { name: "e2e", config: "vitest.e2e.config.ts" },
];
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? layers : layers.filter((l) => wanted.includes(l.name));
if (chosen.length === 0) {
  console.error(`unknown layer(s) ${wanted.join(", ")}; choose from ${layers.map((l) => l.name).join(", ")}`);
  process.exit(2);
}
const outDir = "test-results";
mkdirSync(outDir, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let anyFailed = false;
for (const layer of chosen) {
  const out = join(outDir, `${layer.name}.json`);
  rmSync(out, { force: true });
  console.log(`\n== ${layer.name} tests (${layer.config}) ==`);
  const started = Date.now();
  const r = spawnSync(
    "npx",
    [
      "vitest",
      "run",
      "--config",
      layer.config,
      "--passWithNoTests",
      "--reporter=default",
      "--reporter=json",
      `--outputFile=${out}`,
    ],
    { stdio: "inherit" },
  );
  let counted = false;
  try {
    const report = JSON.parse(readFileSync(out, "utf8"));
    totals.passed += report.numPassedTests ?? 0;
    totals.failed += report.numFailedTests ?? 0;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    counted = true;
  } catch {
    // No report: the layer crashed before vitest could write one.
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`== ${layer.name}: exit ${r.status} in ${seconds} s ==`);
  if (r.status !== 0) {
    anyFailed = true;
    if (!counted) totals.failed += 1;
  }
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(anyFailed ? 1 : 0);
