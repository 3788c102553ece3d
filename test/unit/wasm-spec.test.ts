// Official WebAssembly spec tests (wast2json output in ../shared/wasm-spec, pinned by its README):
// every command must pass; text-format modules are skipped. Absent folder (a user's own clone): skipped.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runSpecCommands } from "../../workers/executor/wasm/spec/harness";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const specDir = resolve(repoRoot, "..", "shared", "wasm-spec");
const present = existsSync(specDir);
if (!present) console.log("skipped: ../shared/wasm-spec absent");

describe("WebAssembly spec suite (../shared/wasm-spec)", () => {
  (present ? it : it.skip)("passes every binary-format command", () => {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    for (const folder of readdirSync(specDir).sort()) {
      const base = join(specDir, folder);
      if (!statSync(base).isDirectory()) continue;
      for (const jf of readdirSync(base).filter((f) => f.endsWith(".json"))) {
        const { commands } = JSON.parse(readFileSync(join(base, jf), "utf8"));
        const r = runSpecCommands(folder, commands, (file) => new Uint8Array(readFileSync(join(base, file))));
        passed += r.passed;
        skipped += r.skipped;
        for (const f of r.failures) failures.push(`${f.folder}:${f.line}: ${f.reason}`);
      }
    }
    console.log(`wasm spec: ${passed} passed, ${failures.length} failed, ${skipped} skipped`);
    expect(failures).toEqual([]);
    expect(passed).toBeGreaterThan(10_000);
  });
});
