#!/usr/bin/env node
/**
 * `npm run wasm-spec -- DIR`: runs every folder of wast2json output under DIR (default
 * ../shared/wasm-spec) through our interpreter and ends with `N passed, N failed` (plus
 * `, N skipped` when text-format modules were skipped). Failures print as folder:line: reason.
 * Runs under `node --import tsx` (see package.json) so it can load the TypeScript VM directly.
 * Exit code 1 when anything failed.
 */

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const { runSpecCommands } = await import("../workers/executor/wasm/spec/harness.ts");

const dir = resolve(process.argv[2] ?? join(ROOT, "..", "shared", "wasm-spec"));
if (!existsSync(dir)) {
  console.error(`no such directory: ${dir}`);
  process.exit(2);
}
const folders = readdirSync(dir)
  .filter((name) => statSync(join(dir, name)).isDirectory())
  .sort();
const totals = { passed: 0, failed: 0, skipped: 0 };
const verbose = process.env.VERBOSE === "1";
for (const folder of folders) {
  const base = join(dir, folder);
  const jsonFiles = readdirSync(base).filter((f) => f.endsWith(".json"));
  for (const jf of jsonFiles) {
    let commands;
    try {
      commands = JSON.parse(readFileSync(join(base, jf), "utf8")).commands;
    } catch (e) {
      totals.failed++;
      console.log(`${folder}: cannot read ${jf}: ${e.message}`);
      continue;
    }
    const started = performance.now();
    const r = runSpecCommands(folder, commands, (file) => new Uint8Array(readFileSync(join(base, file))));
    totals.passed += r.passed;
    totals.failed += r.failed;
    totals.skipped += r.skipped;
    for (const f of r.failures) console.log(`FAIL ${f.folder}:${f.line}: ${f.reason}`);
    if (verbose)
      console.log(
        `${folder}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${(performance.now() - started).toFixed(0)} ms)`,
      );
  }
}
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ""}`,
);
process.exit(totals.failed > 0 ? 1 : 0);
